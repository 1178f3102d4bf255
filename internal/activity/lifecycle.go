package activity

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Step is one lifecycle transition.
type Step struct {
	Name string   // submit, approve, reject, start, close, archive, reopen
	From []string // statuses it leaves
	To   string
}

// Steps is the lifecycle: draft → submitted → approved | rejected → running → closed → archived.
// A rejected application may be reopened as a draft and submitted again.
var Steps = []Step{
	{"submit", []string{"draft"}, "submitted"},
	{"approve", []string{"submitted"}, "approved"},
	{"reject", []string{"submitted"}, "rejected"},
	{"reopen", []string{"rejected"}, "draft"},
	{"start", []string{"approved"}, "running"},
	{"close", []string{"running"}, "closed"},
	{"archive", []string{"closed"}, "archived"},
}

// StepNamed returns the step called name.
func StepNamed(name string) (Step, bool) {
	for _, s := range Steps {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// Allowed reports whether the step may leave status.
func (s Step) Allowed(status string) bool {
	for _, f := range s.From {
		if f == status {
			return true
		}
	}
	return false
}

func fieldErr(field, key string, args ...any) error { return validate.Field(field, key, args...) }

// Transition moves an activity one step (not approve: see Approve) and
// records the history, the audit entry and the director's notice.
func Transition(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, step, note string) (Activity, error) {
	s, ok := StepNamed(step)
	if !ok || step == "approve" {
		return Activity{}, fieldErr("step", "error.invalid_choice", "submit, reject, reopen, start, close, archive")
	}
	note = strings.TrimSpace(note)
	if step == "reject" && note == "" {
		return Activity{}, fieldErr("reason", "error.required")
	}
	if len([]rune(note)) > 1000 {
		return Activity{}, fieldErr("reason", "error.too_long", 1000)
	}
	before, err := Lock(ctx, tx, id)
	if err != nil {
		return Activity{}, err
	}
	if !s.Allowed(before.Status) {
		return Activity{}, fieldErr("status", "error.transition_not_allowed", step, before.Status)
	}
	after := before
	after.Status = s.To
	if step == "reject" {
		after.RejectReason = note
	}
	after.UpdatedAt = store.Now()
	if _, err := tx.Exec(ctx, `UPDATE activities SET status = ?, reject_reason = ?, updated_at = ? WHERE id = ?`,
		after.Status, after.RejectReason, after.UpdatedAt, id); err != nil {
		return Activity{}, wrap(id, step, err)
	}
	return after, finish(ctx, tx, actor, step, before, after, note)
}

func finish(ctx context.Context, tx *store.Tx, actor audit.Actor, step string, before, after Activity, note string) error {
	if err := addHistory(ctx, tx, actor, after.ID, before.Status, after.Status, note); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO cme_notices (person_id, activity_id, message_key, created_at) VALUES (?, ?, ?, ?)`,
		after.DirectorID, after.ID, "notice.activity_"+after.Status, store.Now()); err != nil {
		return wrap(after.ID, "notice", err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: step, Entity: "activity", EntityID: after.ID,
		InstitutionID: after.InstitutionID, Before: before, After: after})
}

// Approval is what the office records when approving: for national and
// provincial projects the outside body, its document and the approved
// credits and hours; for every level the project code.
type Approval struct {
	Code           string `json:"code"`
	ApprovingBody  string `json:"approving_body"`
	DocumentNumber string `json:"document_number"`
	Credits        string `json:"approved_credits"`
	Hours          string `json:"approved_hours"`
}

// Approve approves a submitted application and assigns its code. Callers
// check the lecturers' declarations first (see package review).
func Approve(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, ap Approval) (Activity, error) {
	before, err := Lock(ctx, tx, id)
	if err != nil {
		return Activity{}, err
	}
	ap.Code = strings.TrimSpace(ap.Code)
	ap.ApprovingBody, ap.DocumentNumber = strings.TrimSpace(ap.ApprovingBody), strings.TrimSpace(ap.DocumentNumber)
	var es validate.Errors
	if before.Status != "submitted" {
		return Activity{}, fieldErr("status", "error.transition_not_allowed", "approve", before.Status)
	}
	if err := checkCode(ctx, tx, &es, before.Level, before.Year, id, ap.Code); err != nil {
		return Activity{}, wrap(id, "approve", err)
	}
	after := before
	after.Code, after.Status = ap.Code, "approved"
	if ApprovedOutside(before.Level) {
		es.Required("approving_body", ap.ApprovingBody)
		es.Required("document_number", ap.DocumentNumber)
		es.MaxLen("approving_body", ap.ApprovingBody, 200)
		es.MaxLen("document_number", ap.DocumentNumber, 100)
		var ok bool
		if after.ApprovedHundredths, ok = ParseHundredths(ap.Credits); !ok || ap.Credits == "" {
			es.Add("approved_credits", "error.amount")
		}
		if after.ApprovedQuarters, ok = ParseQuarters(ap.Hours); !ok || after.ApprovedQuarters == 0 {
			es.Add("approved_hours", "error.quarter_hours")
		}
		after.ApprovingBody, after.DocumentNumber = ap.ApprovingBody, ap.DocumentNumber
	}
	if len(es) > 0 {
		return Activity{}, es
	}
	after.UpdatedAt = store.Now()
	_, err = tx.Exec(ctx, `UPDATE activities SET status = ?, code = ?, approving_body = ?, document_number = ?,
		approved_hundredths = ?, approved_quarters = ?, reject_reason = '', updated_at = ? WHERE id = ?`,
		after.Status, after.Code, after.ApprovingBody, after.DocumentNumber, after.ApprovedHundredths,
		after.ApprovedQuarters, after.UpdatedAt, id)
	if store.IsUniqueViolation(err) {
		return Activity{}, fieldErr("code", "error.code_taken", after.Year)
	}
	if err != nil {
		return Activity{}, wrap(id, "approve", err)
	}
	after.RejectReason = ""
	return after, finish(ctx, tx, actor, "approve", before, after, after.Code)
}

func checkCode(ctx context.Context, q store.Querier, es *validate.Errors, level string, year int, id int64, code string) error {
	if code == "" {
		es.Add("code", "error.required")
		return nil
	}
	f, err := CodeFormat(ctx, q, level)
	if err != nil {
		return err
	}
	if re, err := regexp.Compile(f.Pattern); err != nil || !re.MatchString(code) || len(code) > 60 {
		es.Add("code", "error.code_format", f.Example)
		return nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM activities WHERE year = ? AND code = ? AND id <> ?`, year, code, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		es.Add("code", "error.code_taken", year)
	}
	return nil
}

// Format is the project-code pattern of one level.
type Format struct {
	Level   string    `json:"level"`
	Pattern string    `json:"pattern"`
	Example string    `json:"example"`
	Updated time.Time `json:"updated_at"`
}

// CodeFormat returns the code format of level.
func CodeFormat(ctx context.Context, q store.Querier, level string) (Format, error) {
	f := Format{Level: level}
	err := q.QueryRow(ctx, `SELECT pattern, example, updated_at FROM cme_code_formats WHERE level = ?`, level).Scan(&f.Pattern, &f.Example, &f.Updated)
	if err == sql.ErrNoRows {
		return Format{Level: level, Pattern: `^.{1,40}$`}, nil
	}
	return f, err
}

// CodeFormats lists the formats of every level.
func CodeFormats(ctx context.Context, q store.Querier) ([]Format, error) {
	rows, err := q.Query(ctx, `SELECT level, pattern, example, updated_at FROM cme_code_formats ORDER BY level`)
	if err != nil {
		return nil, fmt.Errorf("activity: code formats: %w", err)
	}
	defer rows.Close()
	var out []Format
	for rows.Next() {
		var f Format
		if err := rows.Scan(&f.Level, &f.Pattern, &f.Example, &f.Updated); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SetCodeFormat changes a level's code pattern; the example must match it.
func SetCodeFormat(ctx context.Context, tx *store.Tx, actor audit.Actor, f Format) (Format, error) {
	var es validate.Errors
	es.OneOf("level", f.Level, Levels)
	re, err := regexp.Compile(f.Pattern)
	switch {
	case f.Pattern == "" || len(f.Pattern) > 200 || err != nil:
		es.Add("pattern", "error.pattern")
	case !re.MatchString(f.Example):
		es.Add("example", "error.code_format", f.Example)
	}
	if len(es) > 0 {
		return Format{}, es
	}
	before, err := CodeFormat(ctx, tx, f.Level)
	if err != nil {
		return Format{}, err
	}
	f.Updated = store.Now()
	if _, err := tx.Exec(ctx, `DELETE FROM cme_code_formats WHERE level = ?`, f.Level); err != nil {
		return Format{}, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO cme_code_formats (level, pattern, example, updated_at) VALUES (?, ?, ?, ?)`,
		f.Level, f.Pattern, f.Example, f.Updated); err != nil {
		return Format{}, err
	}
	return f, audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "cme_code_format", Before: before, After: f})
}

func addHistory(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, from, to, note string) error {
	_, err := tx.Exec(ctx, `INSERT INTO activity_status_history (activity_id, from_status, to_status, note, account_id, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, from, to, note, nullID(actor.AccountID), actor.Label, store.Now())
	if err != nil {
		return wrap(id, "history", err)
	}
	return nil
}

// HistoryEntry is one status change.
type HistoryEntry struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Note      string    `json:"note"`
	AccountID int64     `json:"account_id,omitempty"`
	Actor     string    `json:"actor"`
	At        time.Time `json:"at"`
}

// History lists an activity's status changes, oldest first.
func History(ctx context.Context, q store.Querier, id int64) ([]HistoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT from_status, to_status, note, account_id, actor, at FROM activity_status_history
		WHERE activity_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, wrap(id, "history", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var acct sql.NullInt64
		if err := rows.Scan(&h.From, &h.To, &h.Note, &acct, &h.Actor, &h.At); err != nil {
			return nil, err
		}
		h.AccountID, h.At = acct.Int64, h.At.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// Notice is a dashboard message to a director about an activity.
type Notice struct {
	ActivityID int64     `json:"activity_id"`
	Key        string    `json:"key"`
	At         time.Time `json:"at"`
}

// Notices lists the latest notices for a person.
func Notices(ctx context.Context, q store.Querier, personID int64, limit int) ([]Notice, error) {
	rows, err := q.Query(ctx, `SELECT activity_id, message_key, created_at FROM cme_notices WHERE person_id = ?
		ORDER BY id DESC LIMIT ?`, personID, limit)
	if err != nil {
		return nil, fmt.Errorf("activity: notices: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		if err := rows.Scan(&n.ActivityID, &n.Key, &n.At); err != nil {
			return nil, err
		}
		n.At = n.At.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}
