// Package completion decides who completed an activity: a learner completes
// when the hours attended (sessions not cancelled) reach the activity's
// minimum share of its planned hours (of the hours held, when sessions were
// cancelled), the assessment is passed where one is
// required, and the evaluation is submitted where one is required (until
// then the learner stays enrolled: credit and certificate wait for it).
package completion

import (
	"context"
	"fmt"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/assessment"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/award"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Outcome is one learner's standing against the completion rule.
type Outcome struct {
	PersonID          int64  `json:"person_id"`
	AttendedQuarters  int    `json:"attended_quarters"`
	AttendancePassed  bool   `json:"attendance_passed"`
	AssessmentPassed  bool   `json:"assessment_passed"`
	EvaluationPending bool   `json:"evaluation_pending"`
	Status            string `json:"status"` // completed, not_completed, or enrolled (waiting for the evaluation)
}

// Decide applies the rule of a to one learner.
func Decide(a activity.Activity, attendedQuarters int, assessed *assessment.Result, evaluated bool) Outcome {
	o := Outcome{AttendedQuarters: attendedQuarters}
	// attended ÷ planned ≥ pct ÷ 100, in integers.
	o.AttendancePassed = a.PlannedQuarters > 0 && attendedQuarters*100 >= a.MinAttendancePct*a.PlannedQuarters
	o.AssessmentPassed = !a.AssessmentRequired || (assessed != nil && assessed.Passed)
	switch {
	case !o.AttendancePassed || !o.AssessmentPassed:
		o.Status = "not_completed"
	case a.EvaluationRequired && !evaluated:
		o.Status, o.EvaluationPending = "enrolled", true
	default:
		o.Status = "completed"
	}
	return o
}

// Preview computes every participant's outcome without writing.
func Preview(ctx context.Context, q store.Querier, activityID int64) ([]Outcome, error) {
	a, err := activity.Get(ctx, q, activityID)
	if err != nil {
		return nil, err
	}
	es, err := enrolment.List(ctx, q, activityID)
	if err != nil {
		return nil, err
	}
	grid, err := attendance.GridOf(ctx, q, activityID)
	if err != nil {
		return nil, err
	}
	// The share is of the hours actually held: a session cancelled (after
	// the close, even) does not make everyone fall short.
	var held int
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(quarters), 0) FROM cme_sessions WHERE activity_id = ? AND cancelled = ?`, activityID, false).Scan(&held); err != nil {
		return nil, fmt.Errorf("completion: hours held in activity %d: %w", activityID, err)
	}
	if held > 0 && held < a.PlannedQuarters {
		a.PlannedQuarters = held
	}
	results, err := assessment.OfActivity(ctx, q, activityID)
	if err != nil {
		return nil, err
	}
	evaluated, err := evaluation.SubmittedBy(ctx, q, activityID)
	if err != nil {
		return nil, err
	}
	var out []Outcome
	for _, e := range es {
		if e.Role != "participant" || e.Status == "withdrawn" || e.Status == "waitlisted" {
			continue
		}
		var r *assessment.Result
		if x, ok := results[e.PersonID]; ok {
			r = &x
		}
		o := Decide(a, grid.Quarters[e.PersonID], r, evaluated[e.PersonID])
		o.PersonID = e.PersonID
		out = append(out, o)
	}
	return out, nil
}

// Apply writes the outcomes of a closed (or archived) activity onto the
// enrolments; on other activities it does nothing, since completion is
// decided when the activity closes.
func Apply(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID int64) error {
	a, err := activity.Get(ctx, tx, activityID)
	if err != nil {
		return err
	}
	if a.Status != "closed" && a.Status != "archived" {
		return nil
	}
	outcomes, err := Preview(ctx, tx, activityID)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		e, err := enrolment.Find(ctx, tx, activityID, o.PersonID)
		if err != nil {
			return err
		}
		if err := enrolment.SetStatus(ctx, tx, actor, e.ID, o.Status); err != nil {
			return err
		}
	}
	// Credits follow completion, in the same transaction: the ledger holds
	// what the rule set gives, and a later decision posts the difference.
	_, err = award.Activity(ctx, tx, actor, activityID)
	return err
}

// Close closes a running activity and decides completion.
func Close(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID int64, note string) (activity.Activity, error) {
	a, err := activity.Transition(ctx, tx, actor, activityID, "close", note)
	if err != nil {
		return a, err
	}
	return a, Apply(ctx, tx, actor, activityID)
}

// SubmitEvaluation stores a learner's evaluation and, on a closed activity,
// releases their completion if it waited for it.
func SubmitEvaluation(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID, personID int64, answers []evaluation.Answer) error {
	a, err := activity.Lock(ctx, tx, activityID)
	if err != nil {
		return err
	}
	if a.Status != "running" && a.Status != "closed" {
		return validate.Field("evaluation", "error.evaluation_not_open")
	}
	e, err := enrolment.Find(ctx, tx, activityID, personID)
	if err != nil || e.Status == "withdrawn" || e.Status == "waitlisted" {
		return notEnrolled()
	}
	if err := evaluation.Submit(ctx, tx, actor, activityID, a.InstitutionID, personID, answers); err != nil {
		return err
	}
	return Apply(ctx, tx, actor, activityID)
}
