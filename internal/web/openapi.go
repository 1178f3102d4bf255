package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
)

// The API document is hand-written in parts: openapi/core.yaml holds the
// header and shared components, and each domain adds a file with its own
// paths and components. A test checks the whole against the routes.
//
//go:embed openapi/*.yaml
var openAPIFiles embed.FS

// apiDoc is the merged document, served as JSON.
type apiDoc struct {
	doc  *openapi3.T
	json []byte
}

func loadAPIDoc() (*apiDoc, error) {
	merged, err := mergeAPIParts(openAPIFiles)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(merged)
	if err != nil {
		return nil, fmt.Errorf("web: openapi: %w", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("web: openapi: %w", err)
	}
	return &apiDoc{doc: doc, json: b}, nil
}

// mergeAPIParts joins core.yaml with the paths and components of every other
// part; a path or component defined twice is an error.
func mergeAPIParts(fsys fs.FS) ([]byte, error) {
	read := func(name string) (map[string]any, error) {
		y, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			return nil, fmt.Errorf("web: %s: %w", name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(j, &m); err != nil {
			return nil, fmt.Errorf("web: %s: %w", name, err)
		}
		return m, nil
	}
	base, err := read("openapi/core.yaml")
	if err != nil {
		return nil, err
	}
	parts, err := fs.Glob(fsys, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, name := range parts {
		if name == "openapi/core.yaml" {
			continue
		}
		part, err := read(name)
		if err != nil {
			return nil, err
		}
		if err := mergeSection(base, part, name, "paths"); err != nil {
			return nil, err
		}
		comps, _ := part["components"].(map[string]any)
		baseComps, _ := base["components"].(map[string]any)
		for kind := range comps {
			if err := mergeSection(baseComps, comps, name, kind); err != nil {
				return nil, err
			}
		}
	}
	return json.Marshal(base)
}

func mergeSection(into, from map[string]any, file, section string) error {
	src, _ := from[section].(map[string]any)
	if len(src) == 0 {
		return nil
	}
	dst, _ := into[section].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		into[section] = dst
	}
	for k, v := range src {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("web: %s: %s %q is defined twice", file, section, k)
		}
		dst[k] = v
	}
	return nil
}

// OpenAPI returns the parsed API document.
func (s *Server) OpenAPI() *openapi3.T { return s.api.doc }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.api.json)
	return err
}
