package furtherstudy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Evaluation is the supervisor's assessment of one month of the stay.
type Evaluation struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Month         string    `json:"month"` // YYYY-MM
	Score         int       `json:"score"`
	Comment       string    `json:"comment"`
	EvaluatedBy   string    `json:"evaluated_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// EvaluationInput is one month's score out of 100 and a comment.
type EvaluationInput struct {
	Month   string `json:"month"`
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// Evaluate records the evaluation of one month of an arrived (or
// completed) trainee's stay. The month must lie within the stay (from the
// arrival to the completion, or to the end of the period) and have begun;
// each month is evaluated once.
func Evaluate(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in EvaluationInput) (Evaluation, error) {
	a, err := get(ctx, tx, id, true)
	if err != nil {
		return Evaluation{}, err
	}
	in.Month, in.Comment = strings.TrimSpace(in.Month), strings.TrimSpace(in.Comment)
	var es validate.Errors
	if a.Status != Arrived && a.Status != Completed {
		es.Add("status", "furtherstudy.not_arrived", a.Status)
	}
	if in.Month == "" {
		es.Add("month", "error.required")
	} else if _, err := time.Parse("2006-01", in.Month); err != nil {
		es.Add("month", "furtherstudy.invalid_month")
	} else if len(a.ArrivedOn) >= 7 {
		last := a.lastDay()
		if len(last) < 7 {
			last = a.ArrivedOn
		}
		switch {
		case in.Month < a.ArrivedOn[:7] || in.Month > last[:7]:
			es.Add("month", "furtherstudy.month_outside_stay", a.ArrivedOn[:7], last[:7])
		case in.Month > today()[:7]:
			es.Add("month", "furtherstudy.in_future")
		}
	}
	if in.Score < 0 || in.Score > 100 {
		es.Add("score", "error.out_of_range", 0, 100)
	}
	es.MaxLen("comment", in.Comment, 2000)
	if len(es) > 0 {
		return Evaluation{}, es
	}
	var dup int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM further_study_evaluations WHERE application_id = ? AND month = ?`,
		id, in.Month).Scan(&dup); err != nil {
		return Evaluation{}, fmt.Errorf("further study %d: evaluate: %w", id, err)
	}
	if dup > 0 {
		return Evaluation{}, validate.Field("month", "furtherstudy.month_evaluated", in.Month)
	}
	ev := Evaluation{ApplicationID: id, Month: in.Month, Score: in.Score, Comment: in.Comment, EvaluatedBy: actor.Label, CreatedAt: store.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO further_study_evaluations (application_id, month, score, comment, evaluated_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, id, ev.Month, ev.Score, ev.Comment, ev.EvaluatedBy, ev.CreatedAt).Scan(&ev.ID)
	if store.IsUniqueViolation(err) {
		return Evaluation{}, validate.Field("month", "furtherstudy.month_evaluated", in.Month)
	}
	if err != nil {
		return Evaluation{}, fmt.Errorf("further study %d: evaluate: %w", id, err)
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "evaluate_month", Entity: "further_study", EntityID: id,
		InstitutionID: a.HostInstitutionID, After: ev})
	return ev, err
}

// Evaluations returns an application's monthly evaluations, by month.
func Evaluations(ctx context.Context, q store.Querier, id int64) ([]Evaluation, error) {
	list, err := store.QueryAll(ctx, q, func(s store.Scanner) (Evaluation, error) {
		var e Evaluation
		err := s.Scan(&e.ID, &e.ApplicationID, &e.Month, &e.Score, &e.Comment, &e.EvaluatedBy, &e.CreatedAt)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	}, `SELECT id, application_id, month, score, comment, evaluated_by, created_at FROM further_study_evaluations
		WHERE application_id = ? ORDER BY month`, id)
	if err != nil {
		return nil, fmt.Errorf("further study %d: evaluations: %w", id, err)
	}
	if list == nil {
		list = []Evaluation{}
	}
	return list, nil
}

// lastDay is the stay's last day: of completion, of leaving, or of the period.
func (a Application) lastDay() string {
	switch {
	case a.CompletedOn != "":
		return a.CompletedOn
	case a.LeftOn != "":
		return a.LeftOn
	}
	return a.EndOn
}

// StayMonths lists the months of the stay, "YYYY-MM", from the arrival to
// the completion, the leaving or the end of the period; empty before arrival.
func (a Application) StayMonths() []string {
	if len(a.ArrivedOn) < 7 {
		return nil
	}
	last := a.lastDay()
	t, err := time.Parse("2006-01", a.ArrivedOn[:7])
	if err != nil || len(last) < 7 {
		return nil
	}
	var out []string
	for m := t.Format("2006-01"); m <= last[:7] && len(out) <= MaxMonths+1; m = t.Format("2006-01") {
		out = append(out, m)
		t = t.AddDate(0, 1, 0)
	}
	return out
}
