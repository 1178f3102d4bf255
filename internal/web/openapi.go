package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var openAPIYAML []byte

// apiDoc is the hand-written OpenAPI document, checked against the routes by
// a test and served as JSON.
type apiDoc struct {
	doc  *openapi3.T
	json []byte
}

func loadAPIDoc() (*apiDoc, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("web: openapi: %w", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("web: openapi: %w", err)
	}
	return &apiDoc{doc: doc, json: b}, nil
}

// OpenAPI returns the parsed API document.
func (s *Server) OpenAPI() *openapi3.T { return s.api.doc }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.api.json)
	return err
}
