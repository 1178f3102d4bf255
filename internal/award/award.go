// Package award turns a closed activity into ledger entries: credits for
// each participant who completed it and each staff lecturer, by the
// organiser's rule set for the credit year.
package award

import (
	"context"
	"fmt"
	"strconv"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// SourceRef names an activity's entries in the ledger.
func SourceRef(activityID int64) string { return "activity:" + strconv.FormatInt(activityID, 10) }

// Activity brings the ledger in line with activity id once it is closed:
// what the rule set gives minus what was already posted for it, so closing
// again after a correction (an attendance added, an assessment changed)
// posts only the difference, and closing twice posts nothing. It returns
// the number of entries posted.
func Activity(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64) (int, error) {
	a, err := activity.Get(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if a.Status != "closed" && a.Status != "archived" {
		return 0, nil
	}
	// A series earns its credits per session (package series, source ref
	// "session:ID"); crediting it again as a project would count each
	// attendance twice.
	if a.Kind == "series" {
		return 0, nil
	}
	desired, year, err := desiredCredits(ctx, tx, a)
	if err != nil {
		return 0, err
	}
	return ledger.Reconcile(ctx, tx, actor, ledger.Target{SourceRef: SourceRef(a.ID), Source: "activity", CreditYear: year, Want: desired,
		Recomputed: func(now, was int64) string {
			return fmt.Sprintf("re-closed: now %s credits (was %s)", rules.Hundredths(now), rules.Hundredths(was))
		}})
}

// desiredCredits is what the rule set gives each person and role.
func desiredCredits(ctx context.Context, q store.Querier, a activity.Activity) (map[ledger.Key]ledger.Want, int, error) {
	year, err := strconv.Atoi(a.EndDate[:min(4, len(a.EndDate))])
	if err != nil {
		return nil, 0, fmt.Errorf("award: activity %d has no end date", a.ID)
	}
	out := map[ledger.Key]ledger.Want{}
	if a.Level == "none" || a.Level == "" {
		return out, year, nil
	}
	profile, err := rules.For(ctx, q, a.InstitutionID, year)
	if err != nil {
		return nil, 0, err
	}
	approved := int64(a.ApprovedHundredths)
	if approved == 0 {
		approved = int64(a.CreditsHundredths)
	}
	add := func(person int64, role string, quarters int, capped int64) error {
		if quarters <= 0 {
			return nil
		}
		aw, err := profile.ProjectAward(a.Level, a.Remote, role, int64(quarters)*25, capped, a.Code)
		if err != nil {
			return err
		}
		if aw.Amount == 0 {
			return nil
		}
		out[ledger.Key{PersonID: person, Role: role, Class: aw.Class, Category: aw.Category}] = ledger.Want{Amount: aw.Amount, Hours: aw.Hours, Evidence: aw.Explanation}
		return nil
	}
	enrolments, err := enrolment.List(ctx, q, a.ID)
	if err != nil {
		return nil, 0, err
	}
	grid, err := attendance.GridOf(ctx, q, a.ID)
	if err != nil {
		return nil, 0, err
	}
	for _, e := range enrolments {
		if e.Role == "participant" && e.Status == "completed" {
			if err := add(e.PersonID, "participant", grid.Quarters[e.PersonID], approved); err != nil {
				return nil, 0, err
			}
		}
	}
	sessions, err := session.List(ctx, q, a.ID)
	if err != nil {
		return nil, 0, err
	}
	taught := map[int64]int{}
	for _, s := range sessions {
		if s.Cancelled {
			continue
		}
		for _, l := range s.Lecturers {
			if l.PersonID != 0 {
				taught[l.PersonID] += s.Quarters
			}
		}
	}
	for person, quarters := range taught {
		if err := add(person, "lecturer", quarters, 0); err != nil {
			return nil, 0, err
		}
	}
	return out, year, nil
}
