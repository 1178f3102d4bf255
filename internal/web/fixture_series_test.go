package web_test

import (
	"context"
	"fmt"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// addSeries adds the fixture records of the regularly scheduled series (weekly lectures) and their calendars:
//
//	{series} a running weekly lecture at the hospital, directed by {directorp}, from 8 weeks ago to 8 weeks ahead,
//	         the learner ({self}) enrolled; {series_past} one of its sessions already held, the learner and
//	         {person} present; {series_next} one to come
//	{series_draft} a draft series of the same director (only its managers and auditors see it)
//	{series_other} a running series of the outside university (announced, so everyone sees it; our office does not manage it)
//	{series_other_sess} its first session
func (f *fixture) addSeries(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	today := time.Now().In(activity.Zone)
	from, to := today.AddDate(0, 0, -56).Format(time.DateOnly), today.AddDate(0, 0, 56).Format(time.DateOnly)
	n := 0
	mk := func(handle string, inst, director int64, steps ...string) (activity.Activity, error) {
		a, err := activity.Create(ctx, tx, sys, activity.Input{Kind: "series", Level: "institutional", TitleZH: "周四讲座" + handle,
			TitleEN: "Thursday lecture " + handle, InstitutionID: inst, DirectorID: director, PlannedHours: "30", StartDate: from, EndDate: to})
		if err != nil {
			return a, err
		}
		f.ids[handle] = a.ID
		for _, step := range steps {
			if step == "approve" {
				n++
				a, err = activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("SR-%s-%03d", from[:4], n)})
			} else {
				a, err = activity.Transition(ctx, tx, sys, a.ID, step, "fixture")
			}
			if err != nil {
				return a, err
			}
		}
		_, err = series.Save(ctx, tx, sys, series.Schedule{ActivityID: a.ID, Frequency: "weekly", Weekday: int(time.Thursday), StartTime: "16:30",
			Minutes: 90, Zone: "Asia/Shanghai", AnchorDate: from, Format: "lecture", Venue: "报告厅", ExpectedPct: 70, CreditDelayMinutes: 15})
		if err != nil {
			return a, err
		}
		_, err = series.Generate(ctx, tx, sys, a.ID, from, to)
		return a, err
	}
	a, err := mk("series", f.ids["hospital"], f.ids["directorp"], "submit", "approve", "start")
	if err != nil {
		return err
	}
	if _, err := mk("series_draft", f.ids["hospital"], f.ids["directorp"]); err != nil {
		return err
	}
	other, err := mk("series_other", f.ids["other"], f.ids["otherperson"], "submit", "approve", "start")
	if err != nil {
		return err
	}
	if _, err := enrolment.SelfEnrol(ctx, tx, sys, a.ID, f.ids["self"]); err != nil {
		return err
	}
	sessions, err := session.List(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	for _, s := range sessions {
		if s.EndsAt.Before(time.Now()) {
			f.ids["series_past"] = s.ID
		} else if f.ids["series_next"] == 0 {
			f.ids["series_next"] = s.ID
		}
	}
	for _, p := range []int64{f.ids["self"], f.ids["person"]} {
		if err := series.SetAttendance(ctx, tx, sys, f.ids["series_past"], p, true, "fixture"); err != nil {
			return err
		}
	}
	os, err := session.List(ctx, tx, other.ID)
	if err != nil {
		return err
	}
	f.ids["series_other_sess"] = os[0].ID
	return nil
}
