package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meded/meded/internal/selfreport"
)

// FuzzSelfReportForm: whatever a browser (or anyone) posts to the
// submission form, parsing never panics, every file read stays within one
// byte of the limit (so the domain check can name it), and only
// "details.<name>" fields become details.
func FuzzSelfReportForm(f *testing.F) {
	build := func(fields [][2]string, files [][2]string) (string, []byte) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.SetBoundary("fuzzboundary")
		for _, kv := range fields {
			w.WriteField(kv[0], kv[1])
		}
		for _, file := range files {
			part, _ := w.CreateFormFile("files", file[0])
			part.Write([]byte(file[1]))
		}
		w.Close()
		return w.FormDataContentType(), buf.Bytes()
	}
	ct, body := build([][2]string{{"category", "paper"}, {"credit_year", "2026"}, {"details.level", "national"}}, [][2]string{{"a.pdf", "%PDF-1.4"}})
	f.Add(ct, body)
	ct, body = build([][2]string{{"details.", "x"}, {"details.details.x", "y"}, {"title", "\x00"}}, [][2]string{{"../../etc/passwd", ""}, {"", "\x89PNG"}})
	f.Add(ct, body)
	f.Add("application/x-www-form-urlencoded", []byte("category=self_study&details.characters=4000&amount=2"))
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\"\r\n\r\n"))
	f.Add("multipart/form-data", []byte("garbage"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/self-reports", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		in, files, _, err := parseSelfReportForm(httptest.NewRecorder(), r)
		if err != nil {
			return
		}
		for _, u := range files {
			if int64(len(u.Content)) > selfreport.Evidence.MaxSize+1 {
				t.Fatalf("read %d bytes of %q", len(u.Content), u.Name)
			}
		}
		for name := range in.Details {
			if _, ok := r.PostForm["details."+name]; !ok || strings.TrimSpace(in.Details[name]) == "" {
				t.Fatalf("detail %q did not come from a details. field", name)
			}
		}
	})
}

func TestAttrCharsEscapesParameterBreakers(t *testing.T) {
	for name, want := range map[string]string{
		"综述 全文.pdf":        "%E7%BB%BC%E8%BF%B0%20%E5%85%A8%E6%96%87.pdf",
		`a";b=c.pdf`:       "a%22%3Bb%3Dc.pdf",
		"plain-v1.2_x.png": "plain-v1.2_x.png",
	} {
		if got := attrChars(name); got != want {
			t.Errorf("attrChars(%q) = %q, want %q", name, got, want)
		}
	}
}
