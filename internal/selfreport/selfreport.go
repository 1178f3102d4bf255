// Package selfreport holds credits a person reports themself — self-study,
// papers, research projects, books, degree study, organised practice,
// government-assigned tasks and CME taken elsewhere — with evidence files.
// A report is submitted, then approved or rejected by the education office,
// or withdrawn by its author before review. Only an approved report reaches
// the ledger: one entry, source "self_report", source_ref "self_report:<id>",
// posted in the approving transaction.
package selfreport

import (
	"errors"
	"strconv"
	"time"

	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/rules"
)

var (
	// ErrNotFound: no such report.
	ErrNotFound = errors.New("selfreport: not found")
	// ErrConflict: the report was already reviewed or withdrawn (for
	// instance by someone else a moment ago).
	ErrConflict = errors.New("selfreport: already reviewed or withdrawn")
)

// Categories of self-reported credit (DESIGN.md §6).
var Categories = rules.SelfReportCategories

// Statuses: submitted → approved | rejected | withdrawn.
const (
	Submitted = "submitted"
	Approved  = "approved"
	Rejected  = "rejected"
	Withdrawn = "withdrawn"
)

// Statuses lists the statuses in their order.
var Statuses = []string{Submitted, Approved, Rejected, Withdrawn}

// MaxFiles is the most evidence files one report holds.
const MaxFiles = 5

// Evidence is what evidence files may be: scans and photographs, up to 10 MB each.
var Evidence = document.Policy{MaxSize: 10 << 20, Types: []string{document.PDF, document.JPEG, document.PNG}}

// Report is one self-reported claim. Amounts are hundredths of a credit,
// Hours hundredths of a study hour. Class and LedgerCategory come from the
// rule set of the person's institution for the credit year, as do
// Suggested (0 when the office assesses the amount) and Cap (the most the
// report may be approved for).
type Report struct {
	ID             int64               `json:"id"`
	PersonID       int64               `json:"person_id"`
	PersonName     string              `json:"person_name"`
	InstitutionID  int64               `json:"institution_id"`
	Category       string              `json:"category"`
	CreditYear     int                 `json:"credit_year"`
	Title          string              `json:"title"`
	Details        map[string]string   `json:"details"`
	ProfileID      string              `json:"profile_id"`
	Class          string              `json:"class"`
	LedgerCategory string              `json:"ledger_category"`
	Claimed        int64               `json:"claimed_amount"`
	Hours          int64               `json:"hours"`
	Suggested      int64               `json:"suggested_amount"`
	Cap            int64               `json:"cap_amount"`
	Computation    string              `json:"computation"`
	Status         string              `json:"status"`
	ApprovedAmount int64               `json:"approved_amount,omitempty"`
	ReviewReason   string              `json:"review_reason,omitempty"`
	ReviewedBy     string              `json:"reviewed_by,omitempty"`
	ReviewedAt     *time.Time          `json:"reviewed_at,omitempty"`
	LedgerEntryID  int64               `json:"ledger_entry_id,omitempty"`
	SubmittedBy    string              `json:"submitted_by"`
	SubmittedAt    time.Time           `json:"submitted_at"`
	WithdrawnAt    *time.Time          `json:"withdrawn_at,omitempty"`
	Documents      []document.Document `json:"documents,omitempty"`
}

// SourceRef is the ledger source_ref of the report's entry.
func (r Report) SourceRef() string { return SourceRef(r.ID) }

// SourceRef is the ledger source_ref of report id's entry.
func SourceRef(id int64) string { return "self_report:" + strconv.FormatInt(id, 10) }
