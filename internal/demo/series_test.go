package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/calendar"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/store"
)

// checkThursdayLecture: the 2019 run of the Thursday clinical lecture held
// 40 sessions with more than 3,200 attendances (context page 004), as the
// series figures count them from the attendance rows; each attendance at a
// lecture or discussion earned its credits; the 2026 run has sessions to
// come for the calendars.
func checkThursdayLecture(t *testing.T, db *store.DB) {
	ctx := context.Background()
	var id2019, id2026 int64
	current := time.Now().In(activity.Zone).Year()
	if err := db.QueryRow(ctx, `SELECT id FROM activities WHERE code = 'ZJUTL-2019-001'`).Scan(&id2019); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM activities WHERE code = ?`, fmt.Sprintf("ZJUTL-%d-001", current)).Scan(&id2026); err != nil {
		t.Fatal(err)
	}
	f, err := series.YearFigures(ctx, db, id2019, 2019, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM attendance a JOIN cme_sessions s ON s.id = a.session_id WHERE s.activity_id = ?`,
		id2019).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("Thursday clinical lecture 2019: %d sessions held, %d attendances, %d different attendees, %s per session",
		f.Held, f.Attendances, f.Distinct, f.AveragePerSession())
	if f.Held != 40 || f.Cancelled != 0 || f.Attendances <= 3200 || f.Attendances != rows {
		t.Errorf("2019: %d sessions held, %d attendances (%d rows); want 40 and more than 3,200", f.Held, f.Attendances, rows)
	}
	if f.Distinct < 500 || len(f.ByDepartment) < 5 || len(f.ByCategory) < 4 {
		t.Errorf("2019: %d distinct attendees, %d departments, %d categories", f.Distinct, len(f.ByDepartment), len(f.ByCategory))
	}
	var entries int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE source = 'session' AND credit_year = 2019`).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	if entries < 2500 {
		t.Errorf("2019 series credits: %d entries", entries)
	}
	rates, err := series.Rates(ctx, db, id2026, current, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Early in January nothing of the year has been held yet, so nobody is below.
	if len(rates) != 60 || rates[0].Expected >= 4 && len(series.Below(rates)) == 0 {
		t.Errorf("2026 rates: %d learners, %d below", len(rates), len(series.Below(rates)))
	}
	evs, err := calendar.SeriesEvents(ctx, db, id2026, "zh-CN", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	upcoming := 0
	for _, e := range evs {
		if e.StartsAt.After(time.Now()) && !e.Cancelled {
			upcoming++
		}
	}
	if upcoming == 0 && time.Now().In(activity.Zone).YearDay() < 350 {
		t.Error("the 2026 series has no upcoming sessions")
	}
}
