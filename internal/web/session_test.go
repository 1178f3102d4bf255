package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

func (f *fixture) postForm(t *testing.T, cookie *http.Cookie, path string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", f.http.URL+f.path(path), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "meded_session" {
			return c
		}
	}
	return nil
}

func TestSignInSignOutAndThrottle(t *testing.T) {
	f := sqliteFixture(t)
	resp, _ := f.postForm(t, nil, "/login", url.Values{"login": {"learner"}, "password": {fixturePassword}, "next": {"/profile"}}, nil)
	c := sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || c == nil || resp.Header.Get("Location") != "/profile" {
		t.Fatalf("sign in: %d, cookie %v, location %q", resp.StatusCode, c, resp.Header.Get("Location"))
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v: want HttpOnly and SameSite", c)
	}
	// An open redirect is refused: next stays on this site.
	resp, _ = f.postForm(t, nil, "/login", url.Values{"login": {"learner"}, "password": {fixturePassword}, "next": {"//evil.example/x"}}, nil)
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("next=//evil.example: redirected to %q, want /", loc)
	}
	// Signing out ends the session on the server, not only in the browser.
	resp, _ = f.postForm(t, c, "/logout", nil, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if _, err := account.SessionAccount(context.Background(), f.db, c.Value, 0); err == nil {
		t.Error("the session still works after signing out")
	}
	// Five wrong passwords lock the login; the right one is then refused too.
	for i := range 5 {
		resp, body := f.postForm(t, nil, "/login", url.Values{"login": {"auditor"}, "password": {"wrong-password"}}, map[string]string{"Accept-Language": "en"})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong login or password") {
			t.Fatalf("wrong password %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := f.postForm(t, nil, "/login", url.Values{"login": {"auditor"}, "password": {fixturePassword}}, map[string]string{"Accept-Language": "en"})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many attempts") {
		t.Errorf("sixth attempt: %d, want 429 with a message", resp.StatusCode)
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	f := sqliteFixture(t)
	c := f.session("admin")
	resp, _ := f.postForm(t, c, "/people", url.Values{"name_zh": {"某人"}, "institution_id": {f.path("{hospital}")}},
		map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site form post: %d, want 403", resp.StatusCode)
	}
	list, total, err := person.List(context.Background(), f.db, person.ListFilter{Query: "某人"})
	if err != nil || total != 0 {
		t.Errorf("cross-site post created %v (%v)", list, err)
	}
	// The same post from the site itself goes through.
	resp, _ = f.postForm(t, c, "/people", url.Values{"name_zh": {"某人"}, "institution_id": {f.path("{hospital}")}},
		map[string]string{"Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin form post: %d, want 303", resp.StatusCode)
	}
}

var (
	inlineScript  = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`)
	eventHandlers = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	styleAttr     = regexp.MustCompile(`(?i)\sstyle\s*=`)
)

// TestPagesCarryAStrictContentSecurityPolicy: no inline scripts, event
// attributes or inline styles anywhere, so the policy can stay strict.
func TestPagesCarryAStrictContentSecurityPolicy(t *testing.T) {
	f := sqliteFixture(t)
	pages := []string{"/", "/login", "/register", "/people", "/people/{person}", "/people/new", "/people/{person}/edit",
		"/institutions", "/institutions/{hospital}", "/institutions/new", "/institutions/{hospital}/edit", "/accounts",
		"/accounts/{acct}", "/accounts/new", "/registrations", "/audit", "/profile", "/reset/x", "/no-such-page",
		"/people/{person}/credits", "/compliance", "/rules", "/rules/cn-2006"}
	for _, p := range pages {
		resp := f.do("admin", "GET", p, "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", p, csp)
		}
		for _, tag := range inlineScript.FindAllString(string(b), -1) {
			if !strings.Contains(tag, "src=") {
				t.Errorf("%s: inline script %s", p, tag)
			}
		}
		if m := eventHandlers.FindString(string(b)); m != "" {
			t.Errorf("%s: event handler attribute %q", p, m)
		}
		if m := styleAttr.FindString(string(b)); m != "" {
			t.Errorf("%s: style attribute %q", p, m)
		}
	}
}

func TestBearerTokens(t *testing.T) {
	f := sqliteFixture(t)
	status, body := f.apiCall(t, "learner", "POST", "/api/v1/tokens", `{"name":"phone app"}`)
	if status != 201 {
		t.Fatalf("create token: %d %s", status, body)
	}
	secret := regexp.MustCompile(`"secret":"([^"]+)"`).FindStringSubmatch(string(body))[1]
	id := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(string(body))[1]
	call := func() int {
		req, _ := http.NewRequest("GET", f.http.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call(); got != 200 {
		t.Fatalf("with token: %d, want 200", got)
	}
	if status, _ := f.apiCall(t, "learner", "DELETE", "/api/v1/tokens/"+id, ""); status != 204 {
		t.Fatalf("revoke: %d", status)
	}
	if got := call(); got != 401 {
		t.Errorf("revoked token: %d, want 401", got)
	}
}

func TestInitialPasswordMustBeChanged(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	var a account.Account
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		a, err = account.Create(ctx, tx, audit.System("test"), account.NewAccount{Username: "newbie", Password: "Initial-Pass-1",
			MustChangePassword: true, Grants: []account.Grant{{Role: account.Learner}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.logins["newbie"] = a
	resp := f.do("newbie", "GET", "/", "", "")
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/profile") {
		t.Fatalf("first page with an initial password: %d to %q, want the profile", resp.StatusCode, loc)
	}
	c := f.session("newbie")
	resp, body := f.postForm(t, c, "/profile/password", url.Values{"current_password": {"Initial-Pass-1"}, "new_password": {"short"}, "confirm_password": {"short"}}, nil)
	if resp.StatusCode != 422 || !strings.Contains(body, "field-error") {
		t.Errorf("weak new password: %d, want 422 with the field marked", resp.StatusCode)
	}
	resp, _ = f.postForm(t, c, "/profile/password", url.Values{"current_password": {"Initial-Pass-1"}, "new_password": {"A-better-pass-9"}, "confirm_password": {"A-better-pass-9"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	resp = f.doWithCookie(sessionCookie(resp), "GET", "/")
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after the change: %d, want the dashboard", resp.StatusCode)
	}
}

func TestLanguageChoice(t *testing.T) {
	f := sqliteFixture(t)
	langOf := func(resp *http.Response) string {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`<html lang="([^"]+)"`).FindStringSubmatch(string(b))
		if m == nil {
			return ""
		}
		return m[1]
	}
	req, _ := http.NewRequest("GET", f.http.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	resp, _ := http.DefaultClient.Do(req)
	if got := langOf(resp); got != "en" {
		t.Errorf("Accept-Language en: page in %q", got)
	}
	c := f.session("learner")
	resp, _ = f.postForm(t, c, "/language", url.Values{"lang": {"en"}, "next": {"/profile"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choose language: %d", resp.StatusCode)
	}
	// The account remembers it: a browser asking for Chinese still gets English.
	req, _ = http.NewRequest("GET", f.http.URL+"/profile", nil)
	req.Header.Set("Accept-Language", "zh-CN")
	req.AddCookie(c)
	resp, _ = http.DefaultClient.Do(req)
	if got := langOf(resp); got != "en" {
		t.Errorf("after choosing English: page in %q", got)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	f := sqliteFixture(t)
	for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"ready"`} {
		resp := f.do("anonymous", "GET", path, "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	people := f.do("admin", "GET", "/people", "", "")
	io.Copy(io.Discard, people.Body)
	people.Body.Close()
	// The server counts a request just after answering it, so the client
	// can be faster than the counter: look a few times.
	var b []byte
	for range 50 {
		resp := f.do("anonymous", "GET", "/metrics", "", "")
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), `route="GET /people"`) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{`meded_http_requests_total{route="GET /people",status="200"} 1`, "meded_http_request_duration_seconds", "meded_db_open_connections"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
