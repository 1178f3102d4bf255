package selfreport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Input is a report as its author fills it in. Amount is the decimal
// credits claimed ("2.5"); left empty, the rule set's suggestion is claimed.
type Input struct {
	Category   string            `json:"category"`
	CreditYear int               `json:"credit_year"`
	Title      string            `json:"title"`
	Amount     string            `json:"amount"`
	Details    map[string]string `json:"details"`
}

// Preview is what the rule set makes of an input before it is submitted:
// the details it asks for, the suggested credits, the most the report may
// claim, and how much of the yearly cap the person has left.
type Preview struct {
	ProfileID   string   `json:"profile_id"`
	Method      string   `json:"method"`
	Fields      []Field  `json:"fields"`
	Levels      []string `json:"levels"`
	Class       string   `json:"class"`
	Category    string   `json:"ledger_category"`
	Suggested   int64    `json:"suggested_amount"`
	Cap         int64    `json:"cap_amount"`
	Hours       int64    `json:"hours"`
	Computation string   `json:"computation"`
	// YearCapLeft is what the yearly cap covering the category still
	// counts this year after approved and pending reports (-1: no cap).
	YearCapLeft int64 `json:"year_cap_left"`
}

const maxTitle = 300

// Evaluate checks in for personID as of today and computes its preview,
// without writing anything. It is the single place every rule of a
// submission is applied, so the form's preview and Submit agree.
func Evaluate(ctx context.Context, q store.Querier, personID int64, in Input, today time.Time) (Preview, map[string]string, int64, validate.Errors, error) {
	var es validate.Errors
	per, err := person.Get(ctx, q, personID)
	if err != nil {
		return Preview{}, nil, 0, nil, err
	}
	validCategory := true
	if strings.TrimSpace(in.Category) == "" {
		es.Add("category", "error.required")
		validCategory = false
	} else if !contains(Categories, in.Category) {
		es.Add("category", "error.invalid_choice", strings.Join(Categories, ", "))
		validCategory = false
	}
	validYear := true
	if in.CreditYear == 0 {
		es.Add("credit_year", "error.required")
		validYear = false
	} else if in.CreditYear > today.Year() {
		es.Add("credit_year", "selfreport.year_in_future", today.Year())
		validYear = false
	} else if in.CreditYear < 1990 {
		es.Add("credit_year", "error.out_of_range", 1990, today.Year())
		validYear = false
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		es.Add("title", "error.required")
	} else if !utf8.ValidString(title) || strings.ContainsFunc(title, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		es.Add("title", "selfreport.invalid_text")
	} else if utf8.RuneCountInString(title) > maxTitle {
		es.Add("title", "error.too_long", maxTitle)
	}
	if !validCategory || !validYear {
		return Preview{}, nil, 0, es, nil
	}
	p, err := rules.For(ctx, q, per.InstitutionID, in.CreditYear)
	if err != nil {
		return Preview{}, nil, 0, nil, fmt.Errorf("selfreport: rule set of person %d for %d: %w", personID, in.CreditYear, err)
	}
	pv := Preview{ProfileID: p.ID, Method: p.SelfReportMethod(in.Category), Fields: Fields(in.Category, p),
		Levels: p.SelfReportLevels(in.Category), YearCapLeft: -1}
	if pv.Method == "" {
		es.Add("category", "selfreport.not_credited", p.ID)
		return pv, nil, 0, es, nil
	}
	details, claim, des := ParseDetails(in.Category, p, in.Details)
	es = append(es, des...)
	award, limit, err := p.SelfReportAward(in.Category, claim)
	switch {
	case errors.Is(err, rules.ErrNoSuchLevel):
		if !es.Has("details.level") {
			es.Add("details.level", "error.invalid_choice", strings.Join(pv.Levels, ", "))
		}
	case errors.Is(err, rules.ErrRankTooLow):
		rank := "details.author_rank"
		if in.Category == "research_project" {
			rank = "details.member_rank"
		}
		if !es.Has(rank) {
			es.Add(rank, "selfreport.rank_not_credited", len(p.SelfReport[in.Category].Levels[claim.Level]))
		}
	case err != nil:
		return pv, nil, 0, nil, err
	}
	pv.Class, pv.Category = p.SelfReport[in.Category].Class, p.SelfReport[in.Category].Category
	pv.Suggested, pv.Cap, pv.Hours, pv.Computation = award.Amount, limit, award.Hours, award.Explanation
	if yc, ok := p.YearCapOf(pv.Category); ok {
		used, err := usedTowardsCap(ctx, q, personID, in.CreditYear, yc.Categories, 0)
		if err != nil {
			return pv, nil, 0, nil, err
		}
		pv.YearCapLeft = max(yc.Amount-used, 0)
		if len(des) == 0 && pv.Suggested > pv.YearCapLeft {
			pv.Suggested = pv.YearCapLeft
			pv.Computation += ", " + rules.Hundredths(pv.YearCapLeft) + " left of the yearly cap"
		}
	}
	amount := pv.Suggested
	if strings.TrimSpace(in.Amount) != "" {
		var ok bool
		if amount, ok = rules.ParseHundredths(in.Amount); !ok {
			es.Add("amount", "error.invalid_decimal")
			return pv, details, 0, es, nil
		}
	}
	switch {
	case amount <= 0 && strings.TrimSpace(in.Amount) == "" && len(es) == 0:
		es.Add("amount", "error.required")
	case amount <= 0 && strings.TrimSpace(in.Amount) != "":
		es.Add("amount", "selfreport.amount_positive")
	case len(des) == 0 && amount > pv.Cap:
		es.Add("amount", "selfreport.above_cap", rules.Hundredths(pv.Cap))
	}
	return pv, details, amount, es, nil
}

// usedTowardsCap sums what personID has approved in the ledger and pending
// in submitted reports, in year, in the capped categories (except report
// skip), so a preview says how much of the cap is left.
func usedTowardsCap(ctx context.Context, q store.Querier, personID int64, year int, categories []string, skip int64) (int64, error) {
	args := append([]any{personID, year}, store.Args(categories)...)
	var ledgerSum, pending int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM ledger_summaries WHERE person_id = ? AND credit_year = ?
		AND category IN (`+store.Marks(len(categories))+`)`, args...).Scan(&ledgerSum)
	if err != nil {
		return 0, fmt.Errorf("selfreport: cap used by person %d: %w", personID, err)
	}
	err = q.QueryRow(ctx, `SELECT COALESCE(SUM(claimed_amount), 0) FROM self_reports WHERE person_id = ? AND credit_year = ?
		AND ledger_category IN (`+store.Marks(len(categories))+`) AND status = 'submitted' AND id <> ?`, append(args, skip)...).Scan(&pending)
	if err != nil {
		return 0, fmt.Errorf("selfreport: cap used by person %d: %w", personID, err)
	}
	return ledgerSum + pending, nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// Submit records a report by personID with its evidence files (at least
// one, at most MaxFiles), as of today in the institution's zone. Nothing is
// stored when anything is wrong: every problem comes back at once, each on
// its field ("files" for evidence, naming the file).
func Submit(ctx context.Context, tx *store.Tx, actor audit.Actor, personID int64, in Input, files []document.Upload, today time.Time) (Report, error) {
	pv, details, amount, es, err := Evaluate(ctx, tx, personID, in, today)
	if err != nil {
		return Report{}, err
	}
	switch {
	case len(files) == 0:
		es.Add("files", "selfreport.evidence_required")
	case len(files) > MaxFiles:
		es.Add("files", "selfreport.too_many_files", MaxFiles)
	}
	for _, f := range files {
		if _, fes := Evidence.Check("files", f); len(fes) > 0 {
			es = append(es, fes...)
		}
	}
	if len(es) > 0 {
		return Report{}, es
	}
	per, err := person.Get(ctx, tx, personID)
	if err != nil {
		return Report{}, err
	}
	detailJSON, err := json.Marshal(details)
	if err != nil {
		return Report{}, fmt.Errorf("selfreport: details: %w", err)
	}
	r := Report{PersonID: personID, PersonName: per.Name("zh-CN"), InstitutionID: per.InstitutionID, Category: in.Category,
		CreditYear: in.CreditYear, Title: strings.TrimSpace(in.Title), Details: details, ProfileID: pv.ProfileID, Class: pv.Class,
		LedgerCategory: pv.Category, Claimed: amount, Hours: pv.Hours, Suggested: pv.Suggested, Cap: pv.Cap,
		Computation: pv.Computation, Status: Submitted, SubmittedBy: recorder(actor), SubmittedAt: store.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO self_reports (person_id, category, credit_year, title, details, profile_id, class,
		ledger_category, claimed_amount, hours, suggested_amount, cap_amount, computation, status, submitted_by, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.PersonID, r.Category, r.CreditYear, r.Title, string(detailJSON), r.ProfileID, r.Class, r.LedgerCategory, r.Claimed,
		r.Hours, r.Suggested, r.Cap, r.Computation, r.Status, r.SubmittedBy, r.SubmittedAt).Scan(&r.ID)
	if err != nil {
		return Report{}, fmt.Errorf("selfreport: insert for person %d: %w", personID, err)
	}
	for i, f := range files {
		d, err := document.Put(ctx, tx, actor, Evidence, "files", f, per.InstitutionID)
		if err != nil {
			return Report{}, err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO self_report_documents (self_report_id, document_id, position) VALUES (?, ?, ?)", r.ID, d.ID, i); err != nil {
			return Report{}, fmt.Errorf("selfreport %d: link document: %w", r.ID, err)
		}
		d.Content = nil
		r.Documents = append(r.Documents, d)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "self_report", EntityID: r.ID, InstitutionID: r.InstitutionID, After: r})
	return r, err
}

func recorder(actor audit.Actor) string {
	if actor.AccountID != 0 {
		return fmt.Sprintf("%s (account %d)", actor.Label, actor.AccountID)
	}
	return actor.Label
}

// Withdraw takes back a report its author submitted, before review.
func Withdraw(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64) (Report, error) {
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Report{}, err
	}
	if before.Status != Submitted {
		return Report{}, ErrConflict
	}
	now := store.Now()
	res, err := tx.Exec(ctx, "UPDATE self_reports SET status = ?, withdrawn_at = ? WHERE id = ? AND status = ?", Withdrawn, now, id, Submitted)
	if err != nil {
		return Report{}, fmt.Errorf("selfreport %d: withdraw: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Report{}, ErrConflict
	}
	after := before
	after.Status, after.WithdrawnAt = Withdrawn, &now
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "withdraw", Entity: "self_report", EntityID: id, InstitutionID: before.InstitutionID, Before: before, After: after})
	return after, err
}
