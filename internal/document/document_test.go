package document_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var policy = document.Policy{MaxSize: 64, Types: []string{document.PDF, document.PNG, document.JPEG}}

func TestCheck(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%%EOF")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF")
	cases := []struct {
		name     string
		u        document.Upload
		wantType string
		wantKey  string
	}{
		{"pdf", document.Upload{Name: "a.pdf", DeclaredType: "application/pdf", Content: pdf}, document.PDF, ""},
		{"jpeg, type from content", document.Upload{Name: "证书.jpg", Content: jpeg}, document.JPEG, ""},
		{"octet-stream trusted to the sniffer", document.Upload{Name: "x.jpg", DeclaredType: "application/octet-stream", Content: jpeg}, document.JPEG, ""},
		{"declared type disagrees", document.Upload{Name: "x.png", DeclaredType: "image/png", Content: jpeg}, "", "document.bad_type"},
		{"html", document.Upload{Name: "x.pdf", Content: []byte("<html><script>")}, "", "document.bad_type"},
		{"too large", document.Upload{Name: "big.pdf", Content: append(pdf, make([]byte, 64)...)}, "", "document.too_large"},
		{"empty", document.Upload{Name: "e.pdf"}, "", "document.empty"},
		{"path in name", document.Upload{Name: "../etc/passwd", Content: pdf}, "", "document.bad_name"},
		{"no name", document.Upload{Content: pdf}, "", "document.bad_name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, es := policy.Check("files", c.u)
			if c.wantKey == "" {
				if len(es) > 0 || got != c.wantType {
					t.Errorf("got %q %v, want %q", got, es, c.wantType)
				}
				return
			}
			if len(es) != 1 || es[0].Key != c.wantKey || es[0].Field != "files" {
				t.Errorf("got %v, want %s on files", es, c.wantKey)
			}
		})
	}
}

// TestPutAndGet: the bytes come back unchanged with their SHA-256.
func TestPutAndGet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		content := []byte("%PDF-1.4\n\x00\xff binary bytes\n%%EOF")
		var d document.Document
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			d, err = document.Put(ctx, tx, audit.System("test"), policy, "files", document.Upload{Name: " scan.pdf ", Content: content}, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := document.Get(ctx, db, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		// sha256 of the content, worked out with sha256sum.
		if !bytes.Equal(got.Content, content) || got.Name != "scan.pdf" || got.ContentType != document.PDF || got.Size != int64(len(content)) || got.SHA256 != d.SHA256 || len(got.SHA256) != 64 {
			t.Errorf("got %+v", got)
		}
		if _, err := document.Get(ctx, db, d.ID+1); err != document.ErrNotFound {
			t.Errorf("missing document: got %v", err)
		}
	})
}

func FuzzCheck(f *testing.F) {
	f.Add("a.pdf", "application/pdf", []byte("%PDF-1.4"))
	f.Add("b.png", "image/png", []byte("\x89PNG\r\n\x1a\n"))
	f.Add("", "", []byte{})
	f.Add("c.jpg", "image/jpeg; charset=x", []byte("\xff\xd8\xff"))
	f.Fuzz(func(t *testing.T, name, declared string, content []byte) {
		ctype, es := policy.Check("files", document.Upload{Name: name, DeclaredType: declared, Content: content})
		if len(es) == 0 && ctype != document.PDF && ctype != document.PNG && ctype != document.JPEG {
			t.Fatalf("accepted %q", ctype)
		}
		if len(es) == 0 && (len(content) == 0 || int64(len(content)) > policy.MaxSize) {
			t.Fatalf("accepted %d bytes", len(content))
		}
	})
}
