package training_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/training"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	es, ok := validate.As(err)
	if !ok {
		t.Errorf("%s: got %v, want %s:%s", what, err, field, key)
		return
	}
	for _, e := range es {
		if e.Field == field && e.Key == key {
			return
		}
	}
	t.Errorf("%s: got %v, want %s:%s", what, es, field, key)
}

// TestClassFigures: a hand-worked class of three teachers from two
// institutions, three items (lecture by a guest from an outside university,
// site visit led by a guest from an outside hospital, discussion led by a
// staff member), attendance and completion. Removing one attendance moves
// the attendance figure, one teacher's hours and their completion.
func TestClassFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			mk := func(kind, name string, parent int64) int64 {
				i, err := institution.Create(ctx, tx, sys, institution.Input{Kind: institution.Kind(kind), NameZH: name, NameEN: name, ParentID: parent, Country: "CN"})
				if err != nil {
					t.Fatal(err)
				}
				return i.ID
			}
			uni := mk("university", "Uni", 0)
			hosp := mk("affiliated_hospital", "Hosp", uni)
			host := mk("outside_university", "Host U", 0)
			people := map[string]int64{}
			for _, p := range []struct {
				name string
				inst int64
			}{{"A", uni}, {"B", uni}, {"C", hosp}, {"Dir", uni}} {
				per, err := person.Create(ctx, tx, sys, person.Input{NameEN: p.name, InstitutionID: p.inst, StaffNumber: "S" + p.name})
				if err != nil {
					t.Fatal(err)
				}
				people[p.name] = per.ID
			}
			in := training.Input{TitleZH: "骨干教师培训班", TitleEN: "Backbone teachers", InstitutionID: uni, DirectorID: people["Dir"],
				HostInstitutionID: host, OrganiserZH: "教师发展中心", StartDate: "2025-04-20", EndDate: "2025-04-26", PlannedHours: "6", MinAttendancePct: 100}

			bad := in
			bad.StartDate, bad.EndDate, bad.HostInstitutionID, bad.OrganiserZH, bad.TitleEN = "2025-04-26", "2025-04-20", 0, "", ""
			_, err := training.Create(ctx, tx, sys, bad)
			wantField(t, "dates out of order", err, "end_date", "error.end_before_start")
			wantField(t, "no host", err, "host_institution_id", "error.required")
			wantField(t, "no organiser", err, "organiser_zh", "error.required")
			wantField(t, "no English title", err, "title_en", "error.required")
			bad = in
			bad.HostInstitutionID = 999999
			_, err = training.Create(ctx, tx, sys, bad)
			wantField(t, "unknown host", err, "host_institution_id", "error.not_found")

			c, err := training.Create(ctx, tx, sys, in)
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != "training_class" || c.Level != "none" || c.Status != "draft" {
				t.Errorf("created: got %s %s %s", c.Kind, c.Level, c.Status)
			}
			items := []session.Input{
				{StartsAt: "2025-04-21T09:00", EndsAt: "2025-04-21T11:00", Venue: "Hall", Format: "lecture", Hours: "2", Topic: "Ethics",
					Lecturers: []session.Lecturer{{GuestName: "Prof X", GuestInstitution: "Host U"}}},
				{StartsAt: "2025-04-22T09:00", EndsAt: "2025-04-22T11:00", Venue: "Museum", Format: "site_visit", Hours: "2",
					Lecturers: []session.Lecturer{{GuestName: "Dr Y", GuestInstitution: "Outside Hospital"}, {GuestName: "Prof X", GuestInstitution: "Host U"}}},
				{StartsAt: "2025-04-23T09:00", EndsAt: "2025-04-23T11:00", Venue: "Room", Format: "discussion_exchange", Hours: "2",
					Lecturers: []session.Lecturer{{PersonID: people["Dir"]}}},
			}
			var sessions []int64
			for _, it := range items {
				s, err := session.Create(ctx, tx, sys, c.ID, it)
				if err != nil {
					t.Fatal(err)
				}
				sessions = append(sessions, s.ID)
			}
			if _, err := enrolment.EnrolList(ctx, tx, sys, c.ID, nil, "SA\nSB\nSC"); err != nil {
				t.Fatal(err)
			}
			err = attendance.Set(ctx, tx, sys, sessions[0], people["Dir"], true, "manual")
			wantField(t, "attendance for a non-participant", err, "person_id", "error.not_enrolled")
			for _, p := range []string{"A", "B", "C"} {
				for _, s := range sessions {
					if err := attendance.Set(ctx, tx, sys, s, people[p], true, "manual"); err != nil {
						t.Fatal(err)
					}
				}
			}
			summary := func() string {
				s, err := training.Summarize(ctx, tx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				inst := ""
				for _, b := range s.ByInstitution {
					inst += fmt.Sprintf(" %s=%d", b.NameEN, b.Count)
				}
				lect := ""
				for _, b := range s.LecturerSources {
					lect += fmt.Sprintf(" %s=%d", b.NameEN, b.Count)
				}
				formats := ""
				for _, f := range s.ByFormat {
					formats += fmt.Sprintf(" %s=%d/%sh", f.Format, f.Items, f.Hours())
				}
				return fmt.Sprintf("%d teachers%s; %d lecturers%s, %d outside; %d items %sh%s; %d attendances %d%%; %s %d completed %d not",
					s.Participants, inst, s.Lecturers, lect, s.OutsideSources, s.Items, s.ItemHours(), formats, s.Attendances, s.AttendancePct,
					s.CompletionStatus, s.Completed, s.NotCompleted)
			}
			want := "3 teachers Uni=2 Hosp=1; 3 lecturers Host U=1 Outside Hospital=1 Uni=1, 2 outside; 3 items 6h discussion_exchange=1/2h lecture=1/2h site_visit=1/2h; 9 attendances 100%; pending 0 completed 0 not"
			if got := summary(); got != want {
				t.Errorf("figures:\n got %s\nwant %s", got, want)
			}
			if err := attendance.Set(ctx, tx, sys, sessions[2], people["C"], false, "manual"); err != nil {
				t.Fatal(err)
			}
			for _, step := range []string{"submit"} {
				if _, err := activity.Transition(ctx, tx, sys, c.ID, step, ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := activity.Approve(ctx, tx, sys, c.ID, activity.Approval{Code: "TC-2025-1"}); err != nil {
				t.Fatal(err)
			}
			if _, err := activity.Transition(ctx, tx, sys, c.ID, "start", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := completion.Close(ctx, tx, sys, c.ID, ""); err != nil {
				t.Fatal(err)
			}
			want = "3 teachers Uni=2 Hosp=1; 3 lecturers Host U=1 Outside Hospital=1 Uni=1, 2 outside; 3 items 6h discussion_exchange=1/2h lecture=1/2h site_visit=1/2h; 8 attendances 88%; decided 2 completed 1 not"
			if got := summary(); got != want {
				t.Errorf("figures after removing one attendance and closing:\n got %s\nwant %s", got, want)
			}
			taken, err := training.OfPerson(ctx, tx, people["C"])
			if err != nil {
				t.Fatal(err)
			}
			if len(taken) != 1 || taken[0].Hours() != "4" || taken[0].Status != "not_completed" || taken[0].Host("en") != "Host U" {
				t.Errorf("C's classes: got %+v", taken)
			}
			cohort, err := training.Cohort(ctx, tx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, p := range cohort {
				lines = append(lines, p.NameEN+" "+p.Status+" "+p.Hours())
			}
			if got, want := fmt.Sprint(lines), "[C not_completed 4 A completed 6 B completed 6]"; got != want {
				t.Errorf("cohort: got %s, want %s", got, want)
			}
			if _, err := training.Get(ctx, tx, 987654); !errors.Is(err, training.ErrNotFound) {
				t.Errorf("unknown class: got %v", err)
			}
			upd := training.InputOf(c)
			upd.ThemeEN = "Teaching"
			after, err := training.Update(ctx, tx, sys, c.ID, upd)
			if err != nil || after.ThemeEN != "Teaching" {
				t.Errorf("update of a closed class's theme: got %+v, %v", after.ThemeEN, err)
			}
			upd.StartDate = "2025-04-19"
			_, err = training.Update(ctx, tx, sys, c.ID, upd)
			wantField(t, "changing a closed class's dates", err, "status", "error.activity_not_editable")
			list, total, err := training.List(ctx, tx, training.Filter{Year: 2025, InstitutionIDs: []int64{uni}})
			if err != nil || total != 1 || len(list) != 1 {
				t.Errorf("list: got %d, %v", total, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
