package web_test

import (
	"context"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// addCME adds the CME records the CME rows of the authorization table use:
// the director's own person (at the university, linked to the project_director account), one
// activity in each status the lifecycle rows start from, an open activity
// with a session the learner is enrolled in, and an activity of the outside
// university nobody but the admin may see.
//
//	{directorp} the director's person  {act_draft} {act_submitted} {act_rejected} {act_start} (approved)
//	{act_close} (running) {act_closed} {act_open} (approved, open, the learner enrolled) {sess} its session
//	{act_other} a draft of the outside university
func (f *fixture) addCME(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	dir, err := person.Create(ctx, tx, sys, person.Input{NameZH: "赵敏", Title: "senior", Category: "physician",
		InstitutionID: f.ids["home"], StaffNumber: "U010"})
	if err != nil {
		return err
	}
	f.ids["directorp"] = dir.ID
	if _, err := tx.Exec(ctx, `UPDATE accounts SET person_id = ? WHERE id = ?`, dir.ID, f.logins["project_director"].ID); err != nil {
		return err
	}
	today := time.Now().In(activity.Zone)
	start, end := today.AddDate(0, 0, 10).Format(time.DateOnly), today.AddDate(0, 0, 40).Format(time.DateOnly)
	mk := func(handle string, inst, director int64, steps ...string) (activity.Activity, error) {
		a, err := activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "项目" + handle, TitleEN: "Project " + handle,
			InstitutionID: inst, DepartmentID: 0, DirectorID: director, PlannedHours: "6", Credits: "2", StartDate: start, EndDate: end,
			Capacity: 30, EnrolDeadline: start, MinAttendancePct: 80})
		if err != nil {
			return a, err
		}
		f.ids[handle] = a.ID
		for i, step := range steps {
			if step == "approve" {
				a, err = activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: "FX-" + start[:4] + "-" + string(rune('0'+len(f.ids)%10)) + "0" + string(rune('0'+i))})
			} else {
				a, err = activity.Transition(ctx, tx, sys, a.ID, step, "fixture")
			}
			if err != nil {
				return a, err
			}
		}
		return a, nil
	}
	hosp, d := f.ids["hospital"], dir.ID
	if _, err := mk("act_draft", hosp, d); err != nil {
		return err
	}
	if _, err := mk("act_submitted", hosp, d, "submit"); err != nil {
		return err
	}
	if _, err := mk("act_rejected", hosp, d, "submit", "reject"); err != nil {
		return err
	}
	if _, err := mk("act_start", hosp, d, "submit", "approve"); err != nil {
		return err
	}
	if _, err := mk("act_close", hosp, d, "submit", "approve", "start"); err != nil {
		return err
	}
	if _, err := mk("act_closed", hosp, d, "submit", "approve", "start", "close"); err != nil {
		return err
	}
	open, err := mk("act_open", hosp, d, "submit", "approve")
	if err != nil {
		return err
	}
	if _, err := mk("act_other", f.ids["other"], f.ids["otherperson"]); err != nil {
		return err
	}
	sess, err := session.Create(ctx, tx, sys, open.ID, session.Input{StartsAt: start + "T08:30", EndsAt: start + "T11:30",
		Venue: "示教室", Format: "case_discussion", Hours: "3", Lecturers: []session.Lecturer{{PersonID: f.ids["person"]}}})
	if err != nil {
		return err
	}
	f.ids["sess"] = sess.ID
	_, err = enrolment.SelfEnrol(ctx, tx, sys, open.ID, f.ids["self"])
	return err
}
