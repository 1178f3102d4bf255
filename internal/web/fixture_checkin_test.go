package web_test

import (
	"context"
	"fmt"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// addCheckIn adds the fixture records of live check-in: an approved
// activity of the director's at the hospital, running today, with a
// session open for check-in now whose lecturer is {person} (account h001,
// learner and lecturer), the learner ({self}) enrolled.
//
//	{act_live} the activity  {live_sess} its session, from 10 minutes ago for an hour
func (f *fixture) addCheckIn(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	now := time.Now().In(activity.Zone)
	a, err := activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "周四临床讲座", TitleEN: "Thursday clinical lecture",
		InstitutionID: f.ids["hospital"], DirectorID: f.ids["directorp"], PlannedHours: "1", Credits: "1",
		StartDate: now.AddDate(0, 0, -1).Format(time.DateOnly), EndDate: now.AddDate(0, 0, 1).Format(time.DateOnly), MinAttendancePct: 80})
	if err != nil {
		return err
	}
	if _, err := activity.Transition(ctx, tx, sys, a.ID, "submit", "fixture"); err != nil {
		return err
	}
	if a, err = activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("CK-%d-001", now.Year())}); err != nil {
		return err
	}
	start := now.Add(-10 * time.Minute).Truncate(time.Minute)
	s, err := session.Create(ctx, tx, sys, a.ID, session.Input{StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(time.Hour).Format(time.RFC3339),
		Venue: "报告厅", Format: "lecture", Hours: "1", Topic: "心衰新进展", Lecturers: []session.Lecturer{{PersonID: f.ids["person"]}}})
	if err != nil {
		return err
	}
	f.ids["act_live"], f.ids["live_sess"] = a.ID, s.ID
	_, err = enrolment.SelfEnrol(ctx, tx, sys, a.ID, f.ids["self"])
	return err
}
