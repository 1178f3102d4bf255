package credit

import (
	"context"
	"errors"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ImportRow is one historic credit from an older system. Amount and Hours
// are decimals as text ("2.5"), the way registers hold them.
type ImportRow struct {
	PersonID   int64  `json:"person_id"`
	CreditYear int    `json:"credit_year"`
	Class      string `json:"class"`
	Category   string `json:"category"`
	Amount     string `json:"amount"`
	Hours      string `json:"hours"`
	Role       string `json:"role"`
	Evidence   string `json:"evidence"` // e.g. the old system's record number
}

// maxImportRows bounds one request; larger registers come in several.
const maxImportRows = 5000

// Import posts historic credits as ledger entries with source "import",
// all or nothing: every row is checked first, and a file with any bad row
// posts none, with each problem named by row (1-based) and field. allowed
// says whether the importer may post to a person (their office's scope).
func Import(ctx context.Context, tx *store.Tx, actor audit.Actor, rows []ImportRow, allowed func(person.Person) bool) (int, error) {
	if len(rows) == 0 {
		return 0, validate.Field("entries", "error.required")
	}
	if len(rows) > maxImportRows {
		return 0, validate.Field("entries", "error.too_many_rows", maxImportRows)
	}
	var all validate.Errors
	postings := make([]ledger.Posting, len(rows))
	for i, r := range rows {
		var es validate.Errors
		amount, ok := rules.ParseHundredths(zeroIfEmpty(r.Amount))
		if !ok {
			es.Add("amount", "error.invalid_decimal")
		}
		hours, ok := rules.ParseHundredths(zeroIfEmpty(r.Hours))
		if !ok {
			es.Add("hours", "error.invalid_decimal")
		}
		p, err := person.Get(ctx, tx, r.PersonID)
		switch {
		case errors.Is(err, person.ErrNotFound):
			es.Add("person_id", "error.no_such_record")
		case err != nil:
			return 0, err
		case !allowed(p):
			es.Add("person_id", "error.not_in_scope")
		}
		postings[i] = ledger.Posting{PersonID: r.PersonID, CreditYear: r.CreditYear, Class: r.Class, Category: strings.TrimSpace(r.Category),
			Amount: amount, Hours: hours, Source: "import", Role: strings.TrimSpace(r.Role), Evidence: strings.TrimSpace(r.Evidence)}
		for _, e := range ledger.Check(postings[i]) {
			if !es.Has(e.Field) {
				es = append(es, e)
			}
		}
		all = append(all, es.AtRow(i+1)...)
	}
	if len(all) > 0 {
		return 0, all
	}
	for _, p := range postings {
		if _, err := ledger.Post(ctx, tx, actor, p); err != nil {
			return 0, err
		}
	}
	return len(postings), nil
}

func zeroIfEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "0"
	}
	return s
}
