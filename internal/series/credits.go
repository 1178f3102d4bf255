package series

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// SourceRef names a session's entries in the ledger.
func SourceRef(sessionID int64) string { return "session:" + strconv.FormatInt(sessionID, 10) }

// creditable are the statuses in which a series' sessions earn credits.
var creditable = []string{"approved", "running", "closed", "archived"}

// CreditSession brings the ledger in line with session id: the rule set's
// per-session amounts for its lecturers and attendees minus what was already
// posted under the session's SourceRef. A cancelled session, or an
// attendance removed, is reversed by the difference; running it twice posts
// nothing. It returns the number of entries posted.
func CreditSession(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64) (int, error) {
	// Two instances sweeping at once queue here instead of both posting.
	var locked int64
	if err := tx.QueryRow(ctx, `SELECT id FROM cme_sessions WHERE id = ?`+store.LockRow(tx, true), id).Scan(&locked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, session.ErrNotFound
		}
		return 0, fmt.Errorf("series: lock session %d: %w", id, err)
	}
	s, err := session.Get(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	a, err := Series(ctx, tx, s.ActivityID)
	if err != nil {
		return 0, err
	}
	zone := activity.Zone
	switch sch, err := Get(ctx, tx, a.ID); {
	case err == nil:
		if loc, err := time.LoadLocation(sch.Zone); err == nil {
			zone = loc
		}
	case !errors.Is(err, ErrNotFound):
		return 0, err
	}
	year := rules.CreditYear(s.EndsAt, zone)
	desired := map[ledger.Key]ledger.Want{}
	if !s.Cancelled && contains(creditable, a.Status) {
		profile, err := rules.For(ctx, tx, a.InstitutionID, year)
		if err != nil {
			return 0, err
		}
		if desired, err = sessionCredits(ctx, tx, profile, s, zone); err != nil {
			return 0, err
		}
	}
	when := s.StartsAt.In(zone).Format("2006-01-02 15:04")
	return ledger.Reconcile(ctx, tx, actor, ledger.Target{SourceRef: SourceRef(id), Source: "session", CreditYear: year, Want: desired,
		Recomputed: func(now, was int64) string {
			return fmt.Sprintf("session %s recomputed: now %s credits (was %s)", when, rules.Hundredths(now), rules.Hundredths(was))
		}})
}

// sessionCredits is what the rule set gives each lecturer and attendee of s.
// A format the rule set gives no per-session credits for earns nothing.
func sessionCredits(ctx context.Context, q store.Querier, p rules.Profile, s session.Session, zone *time.Location) (map[ledger.Key]ledger.Want, error) {
	out := map[ledger.Key]ledger.Want{}
	if _, ok := p.Sessions[s.Format]; !ok {
		return out, nil
	}
	hours := int64(s.Quarters) * 25
	label := " (" + s.StartsAt.In(zone).Format("2006-01-02") + ")"
	lecturers := map[int64]bool{}
	for _, l := range s.Lecturers {
		if l.PersonID == 0 || lecturers[l.PersonID] {
			continue
		}
		lecturers[l.PersonID] = true
		aw, err := p.SessionAward(s.Format, "lecturer", hours)
		if err != nil {
			return nil, err
		}
		if aw.Amount != 0 {
			out[ledger.Key{PersonID: l.PersonID, Role: "lecturer", Class: aw.Class, Category: aw.Category}] = ledger.Want{Amount: aw.Amount, Hours: aw.Hours, Evidence: aw.Explanation + label}
		}
	}
	attendees, err := store.QueryAll(ctx, q, func(r store.Scanner) (int64, error) {
		var pid int64
		return pid, r.Scan(&pid)
	}, `SELECT person_id FROM attendance WHERE session_id = ?`, s.ID)
	if err != nil {
		return nil, fmt.Errorf("series: attendees of session %d: %w", s.ID, err)
	}
	aw, err := p.SessionAward(s.Format, "participant", hours)
	if err != nil {
		return nil, err
	}
	for _, pid := range attendees {
		// A lecturer present at their own session is credited as lecturer only.
		if lecturers[pid] || aw.Amount == 0 {
			continue
		}
		out[ledger.Key{PersonID: pid, Role: "participant", Class: aw.Class, Category: aw.Category}] = ledger.Want{Amount: aw.Amount, Hours: aw.Hours, Evidence: aw.Explanation + label}
	}
	return out, nil
}

// SweepResult says what a sweep did.
type SweepResult struct {
	Sessions int `json:"sessions"` // sessions recomputed
	Entries  int `json:"entries"`  // ledger entries posted
}

type candidate struct {
	id          int64
	endsAt      time.Time
	delay       int
	fingerprint string
	last        string
}

// Sweep credits every series session whose check-in window has closed by
// now (its end plus the minutes its check-in settings keep the window open
// after the end, or else the series' credit delay) and whose attendance,
// lecturers, format or cancellation changed since it was last credited.
// Each session commits on its own, so one failure does not hold back the
// rest; the first error is returned after all were tried.
func Sweep(ctx context.Context, db *store.DB, actor audit.Actor, now time.Time) (SweepResult, error) {
	var res SweepResult
	cands, err := store.QueryAll(ctx, db, func(r store.Scanner) (candidate, error) {
		var c candidate
		var cancelled bool
		var format string
		var quarters, nAtt, nLec int
		var sumAtt, sqAtt, sumLec int64
		err := r.Scan(&c.id, &c.endsAt, &cancelled, &format, &quarters, &c.delay, &nAtt, &sumAtt, &sqAtt, &nLec, &sumLec, &c.last)
		c.fingerprint = fmt.Sprintf("%t|%s|%d|%d:%d:%d|%d:%d", cancelled, format, quarters, nAtt, sumAtt, sqAtt, nLec, sumLec)
		return c, err
	}, `SELECT s.id, s.ends_at, s.cancelled, s.format, s.quarters, COALESCE(cs.closes_after_minutes, sch.credit_delay_minutes, ?),
		(SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id),
		(SELECT CAST(COALESCE(SUM(a.person_id), 0) AS BIGINT) FROM attendance a WHERE a.session_id = s.id),
		(SELECT CAST(COALESCE(SUM(a.person_id * a.person_id), 0) AS BIGINT) FROM attendance a WHERE a.session_id = s.id),
		(SELECT COUNT(*) FROM cme_session_lecturers l WHERE l.session_id = s.id AND l.person_id IS NOT NULL),
		(SELECT CAST(COALESCE(SUM(l.person_id), 0) AS BIGINT) FROM cme_session_lecturers l WHERE l.session_id = s.id),
		COALESCE(w.fingerprint, '')
		FROM cme_sessions s JOIN activities act ON act.id = s.activity_id
		LEFT JOIN series_schedules sch ON sch.activity_id = s.activity_id
		LEFT JOIN checkin_settings cs ON cs.session_id = s.id
		LEFT JOIN session_credit_sweeps w ON w.session_id = s.id
		WHERE act.kind = 'series' AND act.status IN (`+store.Marks(len(creditable))+`) AND s.ends_at <= ?
		ORDER BY s.ends_at, s.id`, append(append([]any{int(DefaultCreditDelay / time.Minute)}, store.Args(creditable)...), now)...)
	if err != nil {
		return res, fmt.Errorf("series: sweep: %w", err)
	}
	var errs []error
	for _, c := range cands {
		if c.endsAt.Add(time.Duration(c.delay)*time.Minute).After(now) || c.fingerprint == c.last {
			continue
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			n, err := CreditSession(ctx, tx, actor, c.id)
			if err != nil {
				return err
			}
			res.Entries += n
			return markSwept(ctx, tx, c.id, c.fingerprint)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("series: sweep session %d: %w", c.id, err))
			continue
		}
		res.Sessions++
	}
	return res, errors.Join(errs...)
}

func markSwept(ctx context.Context, tx *store.Tx, id int64, fingerprint string) error {
	now := store.Now()
	res, err := tx.Exec(ctx, `UPDATE session_credit_sweeps SET fingerprint = ?, swept_at = ? WHERE session_id = ?`, fingerprint, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = tx.Exec(ctx, `INSERT INTO session_credit_sweeps (session_id, fingerprint, swept_at) VALUES (?, ?, ?)`, id, fingerprint, now)
	}
	return err
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
