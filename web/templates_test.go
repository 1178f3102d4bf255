package web_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"unicode"

	webfiles "github.com/meded/meded/web"
)

var (
	actions     = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tags        = regexp.MustCompile(`(?s)<[^>]*>`)
	entities    = regexp.MustCompile(`&[a-zA-Z#0-9]+;`)
	visibleAttr = regexp.MustCompile(`\b(placeholder|title|aria-label|alt|data-confirm|value)="([^"]*)"`)
)

// literalAllowlist holds the few strings a template may spell out: none yet.
var literalAllowlist = map[string]bool{}

// TestTemplatesHoldNoLiteralText fails when a template shows words a person
// reads without taking them from the catalogue: every such string must have a
// key in both languages.
func TestTemplatesHoldNoLiteralText(t *testing.T) {
	files, err := fs.Glob(webfiles.Templates, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, file := range files {
		b, err := fs.ReadFile(webfiles.Templates, file)
		if err != nil {
			t.Fatal(err)
		}
		src := actions.ReplaceAllString(string(b), "\x00")
		for _, m := range visibleAttr.FindAllStringSubmatch(src, -1) {
			if m[1] == "value" && !strings.ContainsFunc(m[2], isWordRune) {
				continue
			}
			if m[1] == "value" {
				// Form values are codes sent to the server, not read by people.
				continue
			}
			if hasWords(m[2]) {
				t.Errorf("%s: attribute %s=%q has literal text; use a catalogue key", file, m[1], m[2])
			}
		}
		text := entities.ReplaceAllString(tags.ReplaceAllString(src, " "), " ")
		for _, chunk := range strings.Split(text, "\x00") {
			if hasWords(chunk) {
				t.Errorf("%s: literal text %q; use a catalogue key", file, strings.TrimSpace(chunk))
			}
		}
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Han, r) }

func hasWords(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && !literalAllowlist[s] && strings.ContainsFunc(s, isWordRune)
}
