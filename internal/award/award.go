// Package award turns a closed activity into ledger entries: credits for
// each participant who completed it and each staff lecturer, by the
// organiser's rule set for the credit year.
package award

import (
	"context"
	"fmt"
	"sort"
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

type key struct {
	person          int64
	role            string
	class, category string
}

type want struct {
	amount, hours int64
	explanation   string
}

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
	posted, err := ledger.NetOf(ctx, tx, SourceRef(a.ID))
	if err != nil {
		return 0, err
	}
	current := map[key]ledger.Net{}
	for _, n := range posted {
		current[key{n.PersonID, n.Role, n.Class, n.Category}] = n
	}
	keys := make([]key, 0, len(desired)+len(current))
	for k := range desired {
		keys = append(keys, k)
	}
	for k := range current {
		if _, ok := desired[k]; !ok {
			keys = append(keys, k)
		}
	}
	// A stable order keeps chains and tests reproducible.
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].person != keys[j].person {
			return keys[i].person < keys[j].person
		}
		return keys[i].role+keys[i].class+keys[i].category < keys[j].role+keys[j].class+keys[j].category
	})
	n := 0
	for _, k := range keys {
		w, c := desired[k], current[k]
		dAmount, dHours := w.amount-c.Amount, w.hours-c.Hours
		if dAmount == 0 && dHours == 0 {
			continue
		}
		p := ledger.Posting{PersonID: k.person, CreditYear: year, Class: k.class, Category: k.category, Amount: dAmount, Hours: dHours,
			Source: "activity", SourceRef: SourceRef(a.ID), Role: k.role, Evidence: w.explanation}
		if c.Amount != 0 || c.Hours != 0 {
			p.Source = "correction"
			p.Evidence = fmt.Sprintf("re-closed: now %s credits (was %s)", rules.Hundredths(w.amount), rules.Hundredths(c.Amount))
			if w.explanation != "" {
				p.Evidence += "; " + w.explanation
			}
		}
		if _, err := ledger.Post(ctx, tx, actor, p); err != nil {
			return n, fmt.Errorf("award: activity %d, person %d: %w", a.ID, k.person, err)
		}
		n++
	}
	return n, nil
}

// desiredCredits is what the rule set gives each person and role.
func desiredCredits(ctx context.Context, q store.Querier, a activity.Activity) (map[key]want, int, error) {
	year, err := strconv.Atoi(a.EndDate[:min(4, len(a.EndDate))])
	if err != nil {
		return nil, 0, fmt.Errorf("award: activity %d has no end date", a.ID)
	}
	out := map[key]want{}
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
		out[key{person, role, aw.Class, aw.Category}] = want{aw.Amount, aw.Hours, aw.Explanation}
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
