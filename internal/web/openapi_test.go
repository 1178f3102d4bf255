package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestOpenAPIMatchesRoutes fails when an API route is missing from the
// document or the document lists an operation that does not exist.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := sqliteFixture(t)
	doc := f.server.OpenAPI()
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi document is invalid: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	routed := map[string]bool{}
	for _, rt := range f.server.Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/") {
			continue
		}
		key := rt.Method + " " + rt.Pattern
		routed[key] = true
		if !documented[key] {
			t.Errorf("route %s is missing from openapi.yaml", key)
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("openapi.yaml lists %s, which is not a route", key)
		}
	}
}

// apiCall sends a request as role, validating the request and the response
// against the OpenAPI document, and returns the status and body.
func (f *fixture) apiCall(t *testing.T, role, method, path, body string) (int, []byte) {
	t.Helper()
	return f.apiCallLang(t, role, "", method, path, body)
}

// apiCallLang is apiCall with an Accept-Language header.
func (f *fixture) apiCallLang(t *testing.T, role, lang, method, path, body string) (int, []byte) {
	t.Helper()
	router, err := gorillamux.NewRouter(f.server.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	body = f.path(body)
	req, err := http.NewRequest(method, f.http.URL+f.path(path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c := f.session(role); c != nil {
		req.AddCookie(c)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: not in the OpenAPI document: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Fatalf("%s %s: request does not match the document: %v", method, path, err)
	}
	// ValidateRequest consumed the body; send a fresh copy.
	req.Body = io.NopCloser(strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: response %d does not match the document: %v\n%s", method, path, resp.StatusCode, err, got)
	}
	return resp.StatusCode, got
}
