package checkin_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/award"
	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

// world is one approved activity with a 2-hour session (08:00–10:00 local)
// next year, a learner enrolled in it and one who is not.
type world struct {
	activity       activity.Activity
	session        session.Session
	enrolled, walk int64
	start, end     time.Time
}

func newWorld(t testing.TB, db *store.DB) world {
	t.Helper()
	ctx := context.Background()
	year := time.Now().In(activity.Zone).Year() + 1
	day := fmt.Sprintf("%d-09-01", year)
	var w world
	err := db.InTx(ctx, func(tx *store.Tx) error {
		hosp, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "hospital", NameZH: "医院", Country: "CN"})
		if err != nil {
			return err
		}
		mk := func(name, staff string) int64 {
			p, e := person.Create(ctx, tx, sys, person.Input{NameZH: name, InstitutionID: hosp.ID, StaffNumber: staff})
			if e != nil && err == nil {
				err = e
			}
			return p.ID
		}
		dir, learner, walk := mk("主任", "D1"), mk("张伟", "L1"), mk("李娜", "L2")
		if err != nil {
			return err
		}
		a, err := activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: "周四讲座", InstitutionID: hosp.ID, DirectorID: dir,
			PlannedHours: "2", Credits: "1", StartDate: day, EndDate: day, MinAttendancePct: 50})
		if err != nil {
			return err
		}
		if _, err = activity.Transition(ctx, tx, sys, a.ID, "submit", ""); err != nil {
			return err
		}
		if a, err = activity.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("CK-%d-001", year)}); err != nil {
			return err
		}
		s, err := session.Create(ctx, tx, sys, a.ID, session.Input{StartsAt: day + "T08:00", EndsAt: day + "T10:00", Venue: "报告厅", Format: "lecture", Hours: "2", Topic: "临床讲座"})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO enrolments (activity_id, person_id, role, status, created_at, updated_at) VALUES (?, ?, 'participant', 'enrolled', ?, ?)`,
			a.ID, learner, store.Now(), store.Now()); err != nil {
			return err
		}
		w = world{activity: a, session: s, enrolled: learner, walk: walk, start: s.StartsAt, end: s.EndsAt}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func rows(t testing.TB, db *store.DB, sessionID int64) int {
	t.Helper()
	n, err := checkin.Count(context.Background(), db, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func in(db *store.DB, sessionID, personID int64, method string, at, now time.Time) (checkin.Result, error) {
	var r checkin.Result
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = checkin.In(context.Background(), tx, sys, checkin.Request{SessionID: sessionID, PersonID: personID, Method: method, At: at}, now)
		return err
	})
	return r, err
}

func out(db *store.DB, sessionID, personID int64, at time.Time) (checkin.Result, error) {
	var r checkin.Result
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = checkin.Out(context.Background(), tx, sys, checkin.Request{SessionID: sessionID, PersonID: personID, Method: checkin.MethodCode, At: at}, at)
		return err
	})
	return r, err
}

func wantField(t testing.TB, err error, key string) {
	t.Helper()
	fields, ok := validate.As(err)
	if !ok || fields[0].Key != key {
		t.Fatalf("got %v, want %s", err, key)
	}
}

// TestRefusals: each refusal names its reason and records nothing.
func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		tests := []struct {
			name   string
			person int64
			at     time.Time
			now    time.Time
			want   string
		}{
			{"31 minutes before the start", w.enrolled, w.start.Add(-31 * time.Minute), w.start.Add(-31 * time.Minute), "error.checkin_not_open_yet"},
			{"16 minutes after the end", w.enrolled, w.end.Add(16 * time.Minute), w.end.Add(16 * time.Minute), "error.checkin_closed"},
			{"a scan time in the future", w.enrolled, w.start.Add(10 * time.Minute), w.start, "error.checkin_future"},
			{"not enrolled", w.walk, w.start, w.start, "error.checkin_not_enrolled"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := in(db, w.session.ID, tt.person, checkin.MethodCode, tt.at, tt.now)
				wantField(t, err, tt.want)
				if n := rows(t, db, w.session.ID); n != 0 {
					t.Errorf("%d rows recorded", n)
				}
			})
		}
		// The window's edges are inside it.
		for _, at := range []time.Time{w.start.Add(-30 * time.Minute), w.end.Add(15 * time.Minute)} {
			if _, err := db.Exec(ctx, `DELETE FROM attendance WHERE session_id = ?`, w.session.ID); err != nil {
				t.Fatal(err)
			}
			if r, err := in(db, w.session.ID, w.enrolled, checkin.MethodCode, at, at); err != nil || r.Status != checkin.CheckedIn {
				t.Errorf("at %v: got %+v, %v", at, r, err)
			}
		}
		// A cancelled session and an activity that is not open take none.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := session.Cancel(ctx, tx, sys, w.session.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM attendance WHERE session_id = ?`, w.session.ID); err != nil {
			t.Fatal(err)
		}
		_, err := in(db, w.session.ID, w.enrolled, checkin.MethodCode, w.start, w.start)
		wantField(t, err, "error.checkin_cancelled")
		if _, err := db.Exec(ctx, `UPDATE cme_sessions SET cancelled = ? WHERE id = ?`, false, w.session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE activities SET status = 'closed' WHERE id = ?`, w.activity.ID); err != nil {
			t.Fatal(err)
		}
		_, err = in(db, w.session.ID, w.enrolled, checkin.MethodCode, w.start, w.start)
		wantField(t, err, "error.checkin_activity_not_open")
		if n := rows(t, db, w.session.ID); n != 0 {
			t.Errorf("%d rows recorded", n)
		}
	})
}

// TestOnceAndWalkIn: checking in again answers "already"; with enrolment
// not required a walk-in is enrolled and counted.
func TestOnceAndWalkIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		at := w.start.Add(2 * time.Minute)
		r, err := in(db, w.session.ID, w.enrolled, checkin.MethodCode, at, at)
		if err != nil || r.Status != checkin.CheckedIn || !r.CheckedInAt.Equal(at) {
			t.Fatalf("got %+v, %v", r, err)
		}
		r, err = in(db, w.session.ID, w.enrolled, checkin.MethodKiosk, at.Add(time.Minute), at.Add(time.Minute))
		if err != nil || r.Status != checkin.AlreadyCheckedIn || !r.CheckedInAt.Equal(at) || r.Method != checkin.MethodCode {
			t.Fatalf("second: got %+v, %v", r, err)
		}
		st := checkin.Defaults(w.session.ID)
		st.EnrolmentRequired = false
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := checkin.SaveSettings(ctx, tx, sys, st); return err }); err != nil {
			t.Fatal(err)
		}
		if r, err := in(db, w.session.ID, w.walk, checkin.MethodCode, at, at); err != nil || r.Status != checkin.CheckedIn {
			t.Fatalf("walk-in: got %+v, %v", r, err)
		}
		e, err := enrolment.Find(ctx, db, w.activity.ID, w.walk)
		if err != nil || e.Status != "enrolled" || e.Role != "participant" {
			t.Errorf("walk-in enrolment: %+v, %v", e, err)
		}
		if n := rows(t, db, w.session.ID); n != 2 {
			t.Errorf("got %d rows, want 2", n)
		}
		list, err := checkin.List(ctx, db, w.session.ID)
		if err != nil || len(list) != 2 || list[0].Name == "" {
			t.Errorf("list: %+v, %v", list, err)
		}
	})
}

func TestSettingsValidation(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	ctx := context.Background()
	bad := checkin.Settings{SessionID: w.session.ID, StepSeconds: 2, OpensBeforeMinutes: -1, ClosesAfterMinutes: 100000}
	err := db.InTx(ctx, func(tx *store.Tx) error { _, err := checkin.SaveSettings(ctx, tx, sys, bad); return err })
	fields, ok := validate.As(err)
	if !ok || len(fields) != 3 || fields[0].Field != "step_seconds" || fields[1].Field != "opens_before_minutes" || fields[2].Field != "closes_after_minutes" {
		t.Fatalf("got %v", err)
	}
	got, _ := checkin.SettingsOf(ctx, db, w.session.ID)
	if got != checkin.Defaults(w.session.ID) {
		t.Errorf("a refused save changed the settings: %+v", got)
	}
}

// TestCheckoutCredit: on a session with check-out, hours and credit follow
// the minutes present (rounded down to quarter hours by the default rule
// set), a person who never checks out counts from check-in to the end, and
// a hand mark counts the planned hours.
func TestCheckoutCredit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		// Without check-out the planned 2 hours count whatever the times.
		late := w.start.Add(50 * time.Minute)
		if _, err := in(db, w.session.ID, w.enrolled, checkin.MethodCode, late, late); err != nil {
			t.Fatal(err)
		}
		if _, err := out(db, w.session.ID, w.enrolled, late.Add(10*time.Minute)); err == nil {
			t.Fatal("check-out accepted on a session without it")
		} else {
			wantField(t, err, "error.checkout_not_enabled")
		}
		grid := func() int {
			g, err := attendance.GridOf(ctx, db, w.activity.ID)
			if err != nil {
				t.Fatal(err)
			}
			return g.Quarters[w.enrolled]
		}
		if got := grid(); got != 8 {
			t.Fatalf("without check-out: %d quarters, want 8", got)
		}
		st := checkin.Defaults(w.session.ID)
		st.Checkout = true
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := checkin.SaveSettings(ctx, tx, sys, st); return err }); err != nil {
			t.Fatal(err)
		}
		// Not checked out yet: 08:50 to the 10:00 end is 70 minutes → 4 quarters.
		if got := grid(); got != 4 {
			t.Errorf("checked in at 08:50, no check-out: %d quarters, want 4", got)
		}
		// Out at 09:34: 44 minutes present → 2 quarters (rounded down).
		r, err := out(db, w.session.ID, w.enrolled, w.start.Add(94*time.Minute))
		if err != nil || r.Status != checkin.CheckedOut || r.PresentMinutes == nil || *r.PresentMinutes != 44 {
			t.Fatalf("check-out: %+v, %v", r, err)
		}
		if r, err := out(db, w.session.ID, w.enrolled, w.start.Add(99*time.Minute)); err != nil || r.Status != checkin.AlreadyCheckedOut || *r.PresentMinutes != 44 {
			t.Fatalf("second check-out: %+v, %v", r, err)
		}
		if got := grid(); got != 2 {
			t.Errorf("44 minutes present: %d quarters, want 2", got)
		}
		// Credit follows: close the activity; 0.5 h of 2 planned is below
		// the 50% minimum, so nothing; with the minimum at 25% the half hour
		// earns 0.5 ÷ 6 credits (institutional: 6 hours a credit) = 0.08.
		if _, err := db.Exec(ctx, `UPDATE activities SET min_attendance_pct = 25, status = 'running' WHERE id = ?`, w.activity.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := completion.Close(ctx, tx, sys, w.activity.ID, ""); return err }); err != nil {
			t.Fatal(err)
		}
		nets, err := ledger.NetOf(ctx, db, award.SourceRef(w.activity.ID))
		if err != nil || len(nets) != 1 || nets[0].Hours != 50 || nets[0].Amount != 8 {
			t.Fatalf("ledger: %+v, %v", nets, err)
		}
		// A hand-made mark (no check-in time) counts the planned hours.
		if _, err := db.Exec(ctx, `UPDATE attendance SET checked_in_at = NULL, present_minutes = NULL, checked_out_at = NULL, method = 'manual'`); err != nil {
			t.Fatal(err)
		}
		if got := grid(); got != 8 {
			t.Errorf("manual mark: %d quarters, want 8", got)
		}
	})
}

func TestPresentMinutes(t *testing.T) {
	s := session.Session{StartsAt: time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 9, 1, 2, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		in, out time.Duration
		want    int
	}{
		{-20 * time.Minute, 150 * time.Minute, 120}, // early and late count the session only
		{10 * time.Minute, 70*time.Minute + 59*time.Second, 60},
		{-30 * time.Minute, -10 * time.Minute, 0},
		{90 * time.Minute, 80 * time.Minute, 0},
	} {
		if got := checkin.PresentMinutes(s.StartsAt.Add(tt.in), s.StartsAt.Add(tt.out), s); got != tt.want {
			t.Errorf("%v–%v: got %d, want %d", tt.in, tt.out, got, tt.want)
		}
	}
}

// TestKiosk: a queue of scans with original times; bad badges, times
// outside the window or in the future are refused one by one, and sending
// the queue again records nothing new.
func TestKiosk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		key, err := checkin.Key(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := checkin.Key(ctx, db); string(again) != string(key) {
			t.Fatal("the key changed between calls")
		}
		now := w.start.Add(30 * time.Minute)
		scans := []checkin.Scan{
			{Badge: checkin.Badge(key, w.enrolled), ScannedAt: w.start.Add(-5 * time.Minute)},
			{Badge: checkin.Badge(key, w.walk) + "x", ScannedAt: w.start},
			{Badge: checkin.Badge(key, w.walk), ScannedAt: w.start.Add(-40 * time.Minute)},
			{Badge: checkin.Badge(key, w.walk), ScannedAt: now.Add(10 * time.Minute)},
			{Badge: checkin.Badge(key, w.walk), ScannedAt: w.start, Action: "sideways"},
		}
		res, err := checkin.Kiosk(ctx, db, sys, key, w.session.ID, scans, now)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"checked_in", "error.checkin_bad_badge", "error.checkin_not_open_yet", "error.checkin_future", "error.invalid_choice"}
		for i, r := range res {
			got := r.Status
			if r.Error != nil {
				got = r.Error.Key
			}
			if got != want[i] {
				t.Errorf("scan %d: got %s, want %s", i, got, want[i])
			}
		}
		if !res[0].Result.CheckedInAt.Equal(w.start.Add(-5 * time.Minute)) {
			t.Errorf("the original scan time was not kept: %v", res[0].Result.CheckedInAt)
		}
		res, err = checkin.Kiosk(ctx, db, sys, key, w.session.ID, scans[:1], now.Add(time.Minute))
		if err != nil || res[0].Status != checkin.AlreadyCheckedIn {
			t.Fatalf("resent: %+v, %v", res, err)
		}
		if n := rows(t, db, w.session.ID); n != 1 {
			t.Errorf("got %d rows, want 1", n)
		}
		if _, err := checkin.Kiosk(ctx, db, sys, key, w.session.ID, make([]checkin.Scan, checkin.MaxScans+1), now); err == nil {
			t.Error("an oversized batch was accepted")
		}
	})
}

// TestSessionsForCode: a typed code finds the open session it belongs to.
func TestSessionsForCode(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	ctx := context.Background()
	key, err := checkin.Key(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := w.start.Add(time.Minute)
	code := checkin.Code(key, w.session.ID, checkin.Step(now, 15))
	got, err := checkin.SessionsForCode(ctx, db, key, code, now)
	if err != nil || len(got) != 1 || got[0].Session.ID != w.session.ID {
		t.Fatalf("got %+v, %v", got, err)
	}
	if got, _ := checkin.SessionsForCode(ctx, db, key, code, now.Add(time.Minute)); len(got) != 0 {
		t.Errorf("an expired code found %d sessions", len(got))
	}
	if got, _ := checkin.SessionsForCode(ctx, db, key, code, w.end.Add(time.Hour)); len(got) != 0 {
		t.Errorf("a closed session was found")
	}
}
