package furtherstudy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Decision is a reviewer's approval or rejection, with a comment.
type Decision struct {
	Approve bool   `json:"approve"`
	Comment string `json:"comment"`
}

// transition loads the application for update and refuses the move unless
// it stands in one of from; the error names the status field.
func transition(ctx context.Context, tx *store.Tx, id int64, to string, from ...string) (Application, error) {
	a, err := get(ctx, tx, id, true)
	if err != nil {
		return Application{}, err
	}
	for _, f := range from {
		if a.Status == f {
			return a, nil
		}
	}
	return Application{}, validate.Field("status", "furtherstudy.bad_transition", a.Status, to)
}

func (a Application) auditStatus(ctx context.Context, tx *store.Tx, actor audit.Actor, action string, after Application) error {
	return audit.Record(ctx, tx, actor, audit.Change{Action: action, Entity: "further_study", EntityID: a.ID,
		InstitutionID: a.HostInstitutionID, Before: a, After: after})
}

// ReviewByDepartment records the host department's decision on a submitted
// application: department_approved, or rejected with a reason.
func ReviewByDepartment(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, d Decision) (Application, error) {
	to := DepartmentApproved
	if !d.Approve {
		to = Rejected
	}
	before, err := transition(ctx, tx, id, to, Submitted)
	if err != nil {
		return Application{}, err
	}
	d.Comment = strings.TrimSpace(d.Comment)
	if es := checkComment(d); len(es) > 0 {
		return Application{}, es
	}
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET status = ?, department_comment = ?, department_by = ?,
		department_at = ?, updated_at = ? WHERE id = ?`, to, d.Comment, actor.Label, store.Now(), store.Now(), id)
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: department review: %w", id, err)
	}
	return finish(ctx, tx, actor, before, "department_review")
}

// checkComment: a rejection says why.
func checkComment(d Decision) validate.Errors {
	var es validate.Errors
	if !d.Approve && d.Comment == "" {
		es.Add("comment", "furtherstudy.reason_required")
	}
	es.MaxLen("comment", d.Comment, 2000)
	return es
}

// Reject is the office's refusal of an application the department approved.
func Reject(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, reason string) (Application, error) {
	before, err := transition(ctx, tx, id, Rejected, DepartmentApproved)
	if err != nil {
		return Application{}, err
	}
	d := Decision{Comment: strings.TrimSpace(reason)}
	if es := checkComment(d); len(es) > 0 {
		return Application{}, es
	}
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET status = ?, office_comment = ?, office_by = ?, office_at = ?,
		updated_at = ? WHERE id = ?`, Rejected, d.Comment, actor.Label, store.Now(), store.Now(), id)
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: reject: %w", id, err)
	}
	return finish(ctx, tx, actor, before, "reject")
}

// Acceptance is the office's answer to an application the department
// approved: the period, the supervisor (a member of the host department)
// and, when the trainee comes under a base agreement (e.g. a national CME
// base), that agreement and its discipline, whose yearly capacity applies.
type Acceptance struct {
	StartOn      string `json:"start_on"`
	EndOn        string `json:"end_on"`
	SupervisorID int64  `json:"supervisor_id"`
	AgreementID  int64  `json:"agreement_id"`
	Discipline   string `json:"discipline"`
	Comment      string `json:"comment"`
}

// Accept accepts an application the department approved and places the
// trainee: a further_study placement at the host department for the period,
// under the supervisor. The placement's refusals (the trainee placed
// elsewhere for part of the period, a base over its capacity) come back as
// field errors, and nothing is written.
func Accept(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Acceptance) (Application, error) {
	before, err := transition(ctx, tx, id, Accepted, DepartmentApproved)
	if err != nil {
		return Application{}, err
	}
	in.StartOn, in.EndOn = strings.TrimSpace(in.StartOn), strings.TrimSpace(in.EndOn)
	in.Comment, in.Discipline = strings.TrimSpace(in.Comment), strings.TrimSpace(in.Discipline)
	var es validate.Errors
	start, startOK := date(&es, "start_on", in.StartOn)
	end, endOK := date(&es, "end_on", in.EndOn)
	if startOK && endOK {
		if end.Before(start) {
			es.Add("end_on", "agreement.end_before_start")
		} else if m := WholeMonths(start, end); m < 1 || m > MaxMonths {
			es.Add("end_on", "furtherstudy.period_months", 1, MaxMonths, m)
		}
	}
	if in.SupervisorID == 0 {
		es.Add("supervisor_id", "error.required")
	} else if sup, err := person.Get(ctx, tx, in.SupervisorID); errors.Is(err, person.ErrNotFound) {
		es.Add("supervisor_id", "error.no_such_record")
	} else if err != nil {
		return Application{}, err
	} else if sup.DepartmentID != before.HostDepartmentID {
		es.Add("supervisor_id", "furtherstudy.supervisor_department")
	}
	es.MaxLen("comment", in.Comment, 2000)
	if len(es) > 0 {
		return Application{}, es
	}
	p, err := placement.Create(ctx, tx, actor, placement.Input{PersonID: before.PersonID, Kind: "further_study",
		AgreementID: in.AgreementID, HostInstitutionID: before.HostInstitutionID, HostDepartmentID: before.HostDepartmentID,
		SupervisorID: in.SupervisorID, Discipline: in.Discipline, StartOn: in.StartOn, EndOn: in.EndOn})
	if err != nil {
		return Application{}, err
	}
	now := store.Now()
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET status = ?, office_comment = ?, office_by = ?, office_at = ?,
		placement_id = ?, start_on = ?, end_on = ?, supervisor_id = ?, updated_at = ? WHERE id = ?`,
		Accepted, in.Comment, actor.Label, now, p.ID, in.StartOn, in.EndOn, in.SupervisorID, now, id)
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: accept: %w", id, err)
	}
	return finish(ctx, tx, actor, before, "accept")
}

// Arrive records the trainee's arrival, on or after the first day of the
// period and not in the future; the placement becomes active.
func Arrive(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, on string) (Application, error) {
	before, err := transition(ctx, tx, id, Arrived, Accepted)
	if err != nil {
		return Application{}, err
	}
	on = strings.TrimSpace(on)
	if on == "" {
		on = before.StartOn
	}
	var es validate.Errors
	if _, ok := date(&es, "arrived_on", on); ok {
		switch {
		case on < before.StartOn || on > before.EndOn:
			es.Add("arrived_on", "furtherstudy.outside_period", before.StartOn, before.EndOn)
		case on > today():
			es.Add("arrived_on", "furtherstudy.in_future")
		}
	}
	if len(es) > 0 {
		return Application{}, es
	}
	if _, err := placement.Transition(ctx, tx, actor, before.PlacementID, "active"); err != nil {
		return Application{}, err
	}
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET status = ?, arrived_on = ?, updated_at = ? WHERE id = ?`,
		Arrived, on, store.Now(), id)
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: arrive: %w", id, err)
	}
	return finish(ctx, tx, actor, before, "arrive")
}

// Withdrawal ends an open application: why, and for a trainee who has
// arrived, the last day of the stay (by default today, or the end of the
// period if that came first).
type Withdrawal struct {
	Comment string `json:"comment"`
	LeftOn  string `json:"left_on"`
}

// Withdraw ends an open application (the trainee's or the office's
// decision); an existing placement is withdrawn with it. A trainee who
// arrived is recorded with the whole months studied until leaving, which
// the statistics count; no credits are posted for a stay not completed.
func Withdraw(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, w Withdrawal) (Application, error) {
	before, err := transition(ctx, tx, id, Withdrawn, Submitted, DepartmentApproved, Accepted, Arrived)
	if err != nil {
		return Application{}, err
	}
	reason, left := strings.TrimSpace(w.Comment), strings.TrimSpace(w.LeftOn)
	var es validate.Errors
	es.MaxLen("comment", reason, 2000)
	months := 0
	if before.Status == Arrived {
		if left == "" {
			left = min(today(), before.EndOn)
		}
		if end, ok := date(&es, "left_on", left); ok {
			arrived, _ := parseDate(before.ArrivedOn)
			switch {
			case left < before.ArrivedOn:
				es.Add("left_on", "furtherstudy.before_arrival", before.ArrivedOn)
			case left > before.EndOn:
				es.Add("left_on", "furtherstudy.after_period", before.EndOn)
			case left > today():
				es.Add("left_on", "furtherstudy.in_future")
			default:
				months = WholeMonths(arrived, end)
			}
		}
	} else if left != "" {
		es.Add("left_on", "furtherstudy.not_arrived", before.Status)
	}
	if len(es) > 0 {
		return Application{}, es
	}
	if before.PlacementID != 0 {
		if _, err := placement.Transition(ctx, tx, actor, before.PlacementID, "withdrawn"); err != nil {
			return Application{}, err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET status = ?, final_comment = ?, left_on = ?, months_completed = ?,
		updated_at = ? WHERE id = ?`, Withdrawn, reason, left, months, store.Now(), id)
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: withdraw: %w", id, err)
	}
	return finish(ctx, tx, actor, before, "withdraw")
}

// finish reloads the application after a step and records the step in the audit log.
func finish(ctx context.Context, tx *store.Tx, actor audit.Actor, before Application, action string) (Application, error) {
	after, err := Get(ctx, tx, before.ID)
	if err != nil {
		return Application{}, err
	}
	return after, before.auditStatus(ctx, tx, actor, action, after)
}

func date(es *validate.Errors, field, s string) (time.Time, bool) {
	if s == "" {
		es.Add(field, "error.required")
		return time.Time{}, false
	}
	t, err := agreement.ParseDate(s)
	if err != nil {
		es.Add(field, "agreement.invalid_date")
		return time.Time{}, false
	}
	return t, true
}

// WholeMonths counts the whole months from start to end, both days
// included: 1 March to 31 August is 6, 15 March to 14 September is 6,
// 15 March to 10 September is 5.
func WholeMonths(start, end time.Time) int {
	next := end.AddDate(0, 0, 1)
	m := (next.Year()-start.Year())*12 + int(next.Month()) - int(start.Month())
	if next.Day() < start.Day() {
		m--
	}
	return m
}

func parseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }
