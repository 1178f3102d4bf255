package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever a visitor puts in ?next=, the redirect after
// signing in stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/people?q=zhang", "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "", "/%2F%2Fevil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q) = %q parses to host %q scheme %q (%v)", next, got, u.Host, u.Scheme, err)
		}
	})
}
