package demo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/meded/meded/internal/conference"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/training"
)

// checkFaculty: page 000's class (49 teachers, experts of four outside
// institutions) and page 001's delegation (a report and two orals at a
// 1,400-person conference) and joint workshop, as the reports compute them.
func checkFaculty(t *testing.T, db *store.DB) {
	ctx := context.Background()
	classes, _, err := training.List(ctx, db, training.Filter{Year: 2025})
	if err != nil || len(classes) != 1 {
		t.Fatalf("2025 classes: got %d, %v", len(classes), err)
	}
	c := classes[0]
	if c.StartDate != "2025-04-20" || c.EndDate != "2025-04-26" || c.HostEN != "Xi'an Jiaotong University" {
		t.Errorf("class: %s–%s at %s", c.StartDate, c.EndDate, c.HostEN)
	}
	s, err := training.Summarize(ctx, db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%d teachers from %d institutions, %d lecturers from %d outside institutions, %d items, %d attendances, %d completed",
		s.Participants, len(s.ByInstitution), s.Lecturers, s.OutsideSources, s.Items, s.Attendances, s.Completed)
	if want := "49 teachers from 3 institutions, 4 lecturers from 4 outside institutions, 8 items, 392 attendances, 49 completed"; got != want {
		t.Errorf("class figures:\n got %s\nwant %s", got, want)
	}
	cqmu, _, err := institution.List(ctx, db, institution.ListFilter{Query: "Chongqing Medical University", Kind: "university"})
	if err != nil || len(cqmu) != 1 {
		t.Fatalf("CQMU: %v", err)
	}
	scope, err := institution.Descendants(ctx, db, cqmu[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]string{
		2026: "1 conferences: keynote=0 invited_report=1 oral=2 poster=0 workshop=0 chair=0",
		2025: "1 conferences: keynote=0 invited_report=0 oral=0 poster=0 workshop=1 chair=0",
	} {
		r, err := conference.YearReport(ctx, db, conference.ReportFilter{Year: year, InstitutionIDs: scope})
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%d conferences:", r.Conferences)
		for _, b := range r.ByType {
			got += fmt.Sprintf(" %s=%d", b.Type, b.Count)
		}
		if got != want {
			t.Errorf("%d contributions: got %q, want %q", year, got, want)
		}
	}
	confs, _, err := conference.List(ctx, db, conference.Filter{Year: 2026})
	if err != nil || len(confs) != 1 || confs[0].ExpectedAttendance != 1400 || confs[0].Countries != 30 || confs[0].StartDate != "2026-01-23" {
		t.Errorf("APMEC 2026: %+v, %v", confs, err)
	}
}
