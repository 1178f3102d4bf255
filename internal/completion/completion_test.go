package completion_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/assessment"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestDecide(t *testing.T) {
	a := activity.Activity{PlannedQuarters: 24, MinAttendancePct: 80, AssessmentRequired: true}
	pass, fail := &assessment.Result{Passed: true}, &assessment.Result{Passed: false}
	tests := []struct {
		name      string
		evalReq   bool
		attended  int
		assessed  *assessment.Result
		evaluated bool
		want      string
	}{
		{"all hours, passed", false, 24, pass, false, "completed"},
		{"exactly 80%", false, 20, pass, false, "completed"},        // 20/24 = 83%
		{"just under 80%", false, 19, pass, false, "not_completed"}, // 19/24 = 79%
		{"failed assessment", false, 24, fail, false, "not_completed"},
		{"no assessment", false, 24, nil, false, "not_completed"},
		{"evaluation missing", true, 24, pass, false, "enrolled"},
		{"evaluation given", true, 24, pass, true, "completed"},
		{"evaluation does not rescue hours", true, 10, pass, true, "not_completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.EvaluationRequired = tt.evalReq
			if got := completion.Decide(a, tt.attended, tt.assessed, tt.evaluated); got.Status != tt.want {
				t.Errorf("got %s, want %s", got.Status, tt.want)
			}
		})
	}
}

// TestEvaluationReleasesCompletion: on an activity requiring evaluation a
// learner who attended stays enrolled after the close, and completes when
// the evaluation is submitted. The director's pasted list reports each line.
func TestEvaluationReleasesCompletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sys := audit.System("test")
		year := time.Now().In(activity.Zone).Year() + 1
		day := fmt.Sprintf("%d-09-01", year)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			hosp, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"})
			if err != nil {
				return err
			}
			ids := map[string]int64{}
			for _, p := range []struct{ name, staff, phone string }{{"张伟", "H1", "13800000001"}, {"张伟", "H2", ""}, {"李娜", "H3", "13800000003"}, {"主任", "H9", ""}} {
				per, err := person.Create(ctx, tx, sys, person.Input{NameZH: p.name, InstitutionID: hosp.ID, StaffNumber: p.staff, Phone: p.phone})
				if err != nil {
					return err
				}
				ids[p.staff] = per.ID
			}
			q, err := evaluation.AddQuestion(ctx, tx, sys, evaluation.Question{InstitutionID: hosp.ID, Kind: "rating", TextZH: "满意度"})
			if err != nil {
				return err
			}
			a, err := activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "评价", InstitutionID: hosp.ID, DirectorID: ids["H9"],
				PlannedHours: "2", StartDate: day, EndDate: day, MinAttendancePct: 100, EvaluationRequired: true})
			if err != nil {
				return err
			}
			s, err := session.Create(ctx, tx, sys, a.ID, session.Input{StartsAt: day + "T09:00", EndsAt: day + "T11:00", Venue: "会议室", Format: "lecture", Hours: "2"})
			if err != nil {
				return err
			}
			lines, err := enrolment.EnrolList(ctx, tx, sys, a.ID, []int64{hosp.ID}, "13800000003\n张伟\nH1\nH1\nZ999")
			if err != nil {
				return err
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.Outcome)
			}
			if want := "enrolled ambiguous enrolled already missing"; fmt.Sprint(got) != "["+want+"]" {
				t.Errorf("pasted list: got %v, want [%s]", got, want)
			}
			if _, err := activity.Transition(ctx, tx, sys, a.ID, "submit", ""); err != nil {
				return err
			}
			if _, err := activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("EV-%d-001", year)}); err != nil {
				return err
			}
			if err := completion.SubmitEvaluation(ctx, tx, sys, a.ID, ids["H1"], []evaluation.Answer{{QuestionID: q.ID, Rating: 5}}); err == nil {
				t.Error("an evaluation was accepted before the activity ran")
			}
			if _, err := activity.Transition(ctx, tx, sys, a.ID, "start", ""); err != nil {
				return err
			}
			for _, p := range []string{"H1", "H3"} {
				if err := attendance.Set(ctx, tx, sys, s.ID, ids[p], true, "manual"); err != nil {
					return err
				}
			}
			if _, err := completion.Close(ctx, tx, sys, a.ID, ""); err != nil {
				return err
			}
			status := func(p string) string {
				e, err := enrolment.Find(ctx, tx, a.ID, ids[p])
				if err != nil {
					t.Fatal(err)
				}
				return e.Status
			}
			if got := status("H1"); got != "enrolled" {
				t.Errorf("before the evaluation: got %s, want enrolled", got)
			}
			if err := completion.SubmitEvaluation(ctx, tx, sys, a.ID, ids["H1"], []evaluation.Answer{{QuestionID: q.ID, Rating: 9}}); err == nil {
				t.Error("a rating of 9 was accepted")
			}
			if err := completion.SubmitEvaluation(ctx, tx, sys, a.ID, ids["H1"], []evaluation.Answer{{QuestionID: q.ID, Rating: 4}}); err != nil {
				return err
			}
			if got := status("H1"); got != "completed" {
				t.Errorf("after the evaluation: got %s, want completed", got)
			}
			if err := completion.SubmitEvaluation(ctx, tx, sys, a.ID, ids["H1"], []evaluation.Answer{{QuestionID: q.ID, Rating: 4}}); err == nil {
				t.Error("a second evaluation was accepted")
			}
			sum, err := evaluation.Summarize(ctx, tx, a.ID, hosp.ID)
			if err != nil {
				return err
			}
			if sum.Responses != 1 || len(sum.Questions) != 1 || sum.Questions[0].Average() != "4.00" {
				t.Errorf("summary: got %+v, want one response averaging 4.00", sum)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
