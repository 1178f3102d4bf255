package agreement

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// MaxDocumentSize is the largest document an agreement may hold (10 MiB).
const MaxDocumentSize = 10 << 20

// DocumentTypes are the content types a document may have: PDF scans of
// signed copies, photographs, and Word files.
var DocumentTypes = []string{"application/pdf", "image/png", "image/jpeg",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Document is one file held in the database, so every instance serves it.
type Document struct {
	ID          int64     `json:"id"`
	AgreementID int64     `json:"agreement_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	Content     []byte    `json:"-"`
}

// checkDocument validates a file: its name, its size and that its bytes are
// what its declared type says, returning the content type to store.
func checkDocument(name, declared string, content []byte) (string, validate.Errors) {
	var es validate.Errors
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "/\\\x00") {
		es.Add("file", "agreement.document_bad_name")
	}
	es.MaxLen("file", name, 255)
	if len(content) == 0 {
		es.Add("file", "agreement.document_empty")
		return "", es
	}
	if len(content) > MaxDocumentSize {
		es.Add("file", "agreement.document_too_large", MaxDocumentSize>>20)
		return "", es
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(content))
	if sniffed == "application/zip" && strings.EqualFold(path.Ext(name), ".docx") {
		sniffed = docxType
	}
	declaredType, _, err := mime.ParseMediaType(declared)
	if declared == "" || declaredType == "application/octet-stream" {
		declaredType, err = sniffed, nil
	}
	if err != nil || !slices.Contains(DocumentTypes, sniffed) || declaredType != sniffed {
		es.Add("file", "agreement.document_bad_type")
	}
	return sniffed, es
}

// AddDocument stores a file with an agreement, with its SHA-256.
func AddDocument(ctx context.Context, tx *store.Tx, actor audit.Actor, agreementID int64, name, contentType string, content []byte) (Document, error) {
	a, err := get(ctx, tx, agreementID, false)
	if err != nil {
		return Document{}, fmt.Errorf("agreement %d: add document: %w", agreementID, err)
	}
	ctype, es := checkDocument(name, contentType, content)
	if len(es) > 0 {
		return Document{}, es
	}
	sum := sha256.Sum256(content)
	d := Document{AgreementID: agreementID, Name: strings.TrimSpace(name), ContentType: ctype, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: store.Now(), Content: content}
	err = tx.QueryRow(ctx, `INSERT INTO agreement_documents (agreement_id, name, content_type, size, sha256, content, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, agreementID, d.Name, d.ContentType, d.Size, d.SHA256, content,
		nullInt(actor.AccountID), d.UploadedAt).Scan(&d.ID)
	if err != nil {
		return Document{}, fmt.Errorf("agreement %d: add document: %w", agreementID, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "agreement_document", EntityID: d.ID,
		InstitutionID: a.Parties[0].InstitutionID, After: d})
	return d, err
}

// Documents lists an agreement's documents without their content.
func Documents(ctx context.Context, q store.Querier, agreementID int64) ([]Document, error) {
	rows, err := q.Query(ctx, `SELECT id, agreement_id, name, content_type, size, sha256, uploaded_at FROM agreement_documents
		WHERE agreement_id = ? ORDER BY uploaded_at, id`, agreementID)
	if err != nil {
		return nil, fmt.Errorf("agreement %d: documents: %w", agreementID, err)
	}
	out := []Document{}
	err = each(rows, func(rows *sql.Rows) error {
		var d Document
		err := rows.Scan(&d.ID, &d.AgreementID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedAt)
		d.UploadedAt = d.UploadedAt.UTC()
		out = append(out, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("agreement %d: documents: %w", agreementID, err)
	}
	return out, nil
}

// GetDocument returns one document of an agreement with its content.
func GetDocument(ctx context.Context, q store.Querier, agreementID, id int64) (Document, error) {
	var d Document
	err := q.QueryRow(ctx, `SELECT id, agreement_id, name, content_type, size, sha256, uploaded_at, content FROM agreement_documents
		WHERE id = ? AND agreement_id = ?`, id, agreementID).
		Scan(&d.ID, &d.AgreementID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedAt, &d.Content)
	if isNoRows(err) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, fmt.Errorf("agreement %d: document %d: %w", agreementID, id, err)
	}
	d.UploadedAt = d.UploadedAt.UTC()
	return d, nil
}
