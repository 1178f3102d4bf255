package series_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

// TestRefusals: every refusal rule of the series package, each with the
// field it names (or the sentinel it returns), and nothing half-written.
func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		var project int64
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			p := must(activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "普通项目", InstitutionID: w.hospital,
				DirectorID: w.l, PlannedHours: "3", StartDate: "2019-03-01", EndDate: "2019-03-01"}))
			project = p.ID
			noSchedule := newSeries(t, ctx, tx, w.hospital, w.l, "未排期系列")
			_, err := series.Generate(ctx, tx, sys, noSchedule.ID, "2019-01-01", "2019-01-31")
			if es, ok := validate.As(err); !ok || !es.Has("schedule") {
				t.Errorf("generating without a schedule: %v", err)
			}
			return nil
		})
		cancelled := w.sessions[3]
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			must(session.Cancel(ctx, tx, sys, cancelled.ID))
			return nil
		})
		for _, c := range []struct {
			name  string
			field string
			is    error
			run   func(tx *store.Tx) error
		}{
			{"a schedule for a project", "", series.ErrNotFound, func(tx *store.Tx) error {
				s := thursdays(project)
				_, err := series.Save(ctx, tx, sys, s)
				return err
			}},
			{"generating for a project", "", series.ErrNotFound, func(tx *store.Tx) error {
				_, err := series.Generate(ctx, tx, sys, project, "2019-01-01", "2019-01-31")
				return err
			}},
			{"generating outside the series' dates", "from", nil, func(tx *store.Tx) error {
				_, err := series.Generate(ctx, tx, sys, w.series.ID, "2020-01-01", "2020-01-31")
				return err
			}},
			{"a holiday that is no date", "day", nil, func(tx *store.Tx) error {
				_, err := series.AddHoliday(ctx, tx, sys, w.series.ID, series.Holiday{Day: "2019-02-30"})
				return err
			}},
			{"the same holiday twice", "day", nil, func(tx *store.Tx) error {
				_, err := series.AddHoliday(ctx, tx, sys, w.series.ID, series.Holiday{Day: "2019-01-24"})
				return err
			}},
			{"removing a holiday never added", "", series.ErrNotFound, func(tx *store.Tx) error {
				return series.RemoveHoliday(ctx, tx, sys, w.series.ID, "2019-05-01")
			}},
			{"attendance at a cancelled session", "session_id", nil, func(tx *store.Tx) error {
				return series.SetAttendance(ctx, tx, sys, cancelled.ID, w.b, true, "late entry")
			}},
			{"attendance of nobody", "person_id", nil, func(tx *store.Tx) error {
				return series.SetAttendance(ctx, tx, sys, w.sessions[1].ID, 999999, true, "late entry")
			}},
			{"attendance at a project's session", "", session.ErrNotFound, func(tx *store.Tx) error {
				s := must(session.Create(ctx, tx, sys, project, session.Input{StartsAt: "2019-03-01T08:00", EndsAt: "2019-03-01T11:00",
					Venue: "x", Format: "lecture", Hours: "3"}))
				return series.SetAttendance(ctx, tx, sys, s.ID, w.b, true, "late entry")
			}},
			{"excusing a cancelled session", "session_id", nil, func(tx *store.Tx) error {
				return series.Excuse(ctx, tx, sys, cancelled.ID, w.b, "leave")
			}},
			{"excusing twice", "person_id", nil, func(tx *store.Tx) error {
				if err := series.Excuse(ctx, tx, sys, w.sessions[1].ID, w.b, "leave"); err != nil {
					return err
				}
				return series.Excuse(ctx, tx, sys, w.sessions[1].ID, w.b, "leave")
			}},
			{"withdrawing an excuse never given", "", series.ErrNotFound, func(tx *store.Tx) error {
				return series.Unexcuse(ctx, tx, sys, w.sessions[2].ID, w.b)
			}},
			{"changing a cancelled session", "session_id", nil, func(tx *store.Tx) error {
				_, err := session.Update(ctx, tx, sys, cancelled.ID, session.Input{StartsAt: "2019-01-31T16:30", EndsAt: "2019-01-31T18:00",
					Venue: "x", Format: "lecture", Hours: "1.5"})
				return err
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				var audits0, audits1 int
				if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&audits0); err != nil {
					t.Fatal(err)
				}
				err := db.InTx(ctx, c.run)
				if err == nil {
					t.Fatal("accepted")
				}
				if c.is != nil && !errors.Is(err, c.is) {
					t.Errorf("got %v, want %v", err, c.is)
				}
				if c.field != "" {
					if es, ok := validate.As(err); !ok || !es.Has(c.field) {
						t.Errorf("got %v, want an error on %s", err, c.field)
					}
				}
				if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&audits1); err != nil {
					t.Fatal(err)
				}
				if audits1 != audits0 {
					t.Errorf("a refused change left %d audit records", audits1-audits0)
				}
			})
		}
	})
}

// TestFormatsWithoutRatesEarnNothing: China 2006 gives no per-session
// credits for a journal club, so its attendees get none (and no error).
func TestFormatsWithoutRatesEarnNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		s := w.sessions[1]
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			must(session.Update(ctx, tx, sys, s.ID, session.Input{StartsAt: s.StartsAt.Format(time.RFC3339), EndsAt: s.EndsAt.Format(time.RFC3339),
				Venue: s.Venue, Format: "journal_club", Hours: "1.5"}))
			if n := must(series.CreditSession(ctx, tx, sys, s.ID)); n != 0 {
				t.Errorf("posted %d entries for a journal club", n)
			}
			return nil
		})
	})
}

// TestConcurrentSweepsPostOnce: two instances sweeping at the same moment
// (several `meded serve` on one database) post each credit once.
func TestConcurrentSweepsPostOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		later := time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A loser may report a conflict; the ledger must still be right.
				series.Sweep(ctx, db, sys, later)
			}()
		}
		wg.Wait()
		must(series.Sweep(ctx, db, sys, later))
		if netOf(t, db, w.a) != 150 || netOf(t, db, w.b) != 50 || netOf(t, db, w.c) != 100 || netOf(t, db, w.l) != 200 {
			t.Errorf("after concurrent sweeps: A %d, B %d, C %d, L %d; want 150, 50, 100, 200",
				netOf(t, db, w.a), netOf(t, db, w.b), netOf(t, db, w.c), netOf(t, db, w.l))
		}
		if r := must(ledger.Verify(ctx, db)); !r.OK() {
			t.Error("ledger does not verify")
		}
	})
}

// TestClosingASeriesPostsNoProjectCredits: closing a series decides its
// enrolments like a project's, but its credits stay the per-session ones.
func TestClosingASeriesPostsNoProjectCredits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db)
		ctx := context.Background()
		must(series.Sweep(ctx, db, sys, time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)))
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			must(completion.Close(ctx, tx, sys, w.series.ID, ""))
			return nil
		})
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE source_ref LIKE 'activity:%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 || netOf(t, db, w.a) != 150 || netOf(t, db, w.l) != 200 {
			t.Errorf("after closing: %d project entries, A %d, L %d; want 0, 150, 200", n, netOf(t, db, w.a), netOf(t, db, w.l))
		}
	})
}
