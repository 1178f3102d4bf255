// Package document keeps uploaded files in the database, so every instance
// serves the same bytes and a backup of the database holds them all. Each
// file is checked before it is stored: a name, a size limit, and content
// whose sniffed type is one the caller accepts (a renamed .exe is not a
// PDF). The feature that owns a file links to it from its own table.
package document

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ErrNotFound: no such document.
var ErrNotFound = errors.New("document: not found")

// Content types the sniffer recognises and callers commonly accept.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// Policy is what a feature accepts: the most bytes one file may have and
// the content types (as sniffed from the bytes) it takes.
type Policy struct {
	MaxSize int64
	Types   []string
}

// Upload is a file as it arrived: the name and type the sender gave, and
// its bytes.
type Upload struct {
	Name         string
	DeclaredType string
	Content      []byte
}

// Document is one stored file. Content is loaded only by Get.
type Document struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	Content     []byte    `json:"-"`
}

// Check validates u against p and returns the content type to store. Its
// errors are on field and name the file, so a sender of several files
// knows which one was refused.
func (p Policy) Check(field string, u Upload) (string, validate.Errors) {
	var es validate.Errors
	name := strings.TrimSpace(u.Name)
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "/\\\x00") || strings.ContainsFunc(name, isControl) {
		es.Add(field, "document.bad_name")
		return "", es
	}
	if utf8.RuneCountInString(name) > 255 {
		es.Add(field, "document.name_too_long", string([]rune(name)[:40]), 255)
		return "", es
	}
	if len(u.Content) == 0 {
		es.Add(field, "document.empty", name)
		return "", es
	}
	if int64(len(u.Content)) > p.MaxSize {
		es.Add(field, "document.too_large", name, megabytes(p.MaxSize))
		return "", es
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(u.Content))
	declared, _, err := mime.ParseMediaType(u.DeclaredType)
	if u.DeclaredType == "" || declared == "application/octet-stream" {
		declared, err = sniffed, nil
	}
	if err != nil || !slices.Contains(p.Types, sniffed) || declared != sniffed {
		es.Add(field, "document.bad_type", name, p.typeNames())
		return "", es
	}
	return sniffed, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// megabytes shows a limit in whole MB, rounding up so "at most 10 MB" never
// understates it.
func megabytes(n int64) int64 { return (n + 1<<20 - 1) >> 20 }

// typeNames lists the accepted types as people know them (PDF, PNG, JPEG).
func (p Policy) typeNames() string {
	names := make([]string, 0, len(p.Types))
	for _, t := range p.Types {
		switch t {
		case PDF:
			names = append(names, "PDF")
		case PNG:
			names = append(names, "PNG")
		case JPEG:
			names = append(names, "JPEG")
		default:
			names = append(names, t)
		}
	}
	return strings.Join(names, ", ")
}

// Put checks u against p and stores it, with its SHA-256, recording the
// upload in the audit log under institutionID (whose office may read it).
func Put(ctx context.Context, tx *store.Tx, actor audit.Actor, p Policy, field string, u Upload, institutionID int64) (Document, error) {
	ctype, es := p.Check(field, u)
	if len(es) > 0 {
		return Document{}, es
	}
	sum := sha256.Sum256(u.Content)
	d := Document{Name: strings.TrimSpace(u.Name), ContentType: ctype, Size: int64(len(u.Content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: store.Now()}
	var by any
	if actor.AccountID != 0 {
		by = actor.AccountID
	}
	err := tx.QueryRow(ctx, `INSERT INTO documents (name, content_type, size, sha256, content, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.Name, d.ContentType, d.Size, d.SHA256, u.Content, by, d.UploadedAt).Scan(&d.ID)
	if err != nil {
		return Document{}, fmt.Errorf("document: store %q: %w", d.Name, err)
	}
	d.Content = u.Content
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "document", EntityID: d.ID, InstitutionID: institutionID, After: d})
	return d, err
}

const metaColumns = "id, name, content_type, size, sha256, uploaded_at"

func scanMeta(s store.Scanner, extra ...any) (Document, error) {
	var d Document
	err := s.Scan(append([]any{&d.ID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedAt}, extra...)...)
	d.UploadedAt = d.UploadedAt.UTC()
	return d, err
}

// Get returns one document with its content.
func Get(ctx context.Context, q store.Querier, id int64) (Document, error) {
	var content []byte
	d, err := scanMeta(q.QueryRow(ctx, "SELECT "+metaColumns+", content FROM documents WHERE id = ?", id), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, fmt.Errorf("document %d: %w", id, err)
	}
	d.Content = content
	return d, nil
}

// Linked returns the documents a link table ties to one owner, without
// their content, in the link's order. table, ownerColumn and the owner id
// come from the calling package, never from input.
func Linked(ctx context.Context, q store.Querier, table, ownerColumn string, ownerID int64) ([]Document, error) {
	out, err := store.QueryAll(ctx, q, func(s store.Scanner) (Document, error) { return scanMeta(s) },
		`SELECT d.id, d.name, d.content_type, d.size, d.sha256, d.uploaded_at FROM documents d
		JOIN `+table+` l ON l.document_id = d.id WHERE l.`+ownerColumn+` = ? ORDER BY l.position, d.id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("document: linked to %s %d: %w", table, ownerID, err)
	}
	if out == nil {
		out = []Document{}
	}
	return out, nil
}

// KB is the size in kilobytes, rounded up, for people to read.
func (d Document) KB() int64 { return (d.Size + 1023) / 1024 }
