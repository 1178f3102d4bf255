// Package declaration keeps lecturers' conflict-of-interest and consent
// declarations. One is valid for 12 months from the day it was signed; a
// session whose lecturer has none valid on the session's day blocks the
// approval of its activity until the lecturer renews it.
package declaration

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// ValidMonths is how long a declaration holds.
const ValidMonths = 12

// Declaration is one signed declaration.
type Declaration struct {
	ID        int64  `json:"id"`
	Key       string `json:"lecturer_key"`
	PersonID  int64  `json:"person_id,omitempty"`
	GuestName string `json:"guest_name,omitempty"`
	Conflicts string `json:"conflicts"`
	Consent   bool   `json:"consent"`
	SignedOn  string `json:"signed_on"`
	ValidTo   string `json:"valid_to"`
}

// Input is a declaration as the lecturer signs it (recorded by the director
// or the office from the signed form).
type Input struct {
	Lecturer  session.Lecturer `json:"lecturer"`
	Conflicts string           `json:"conflicts"`
	Consent   bool             `json:"consent"`
	SignedOn  string           `json:"signed_on"`
}

// ValidTo is the last day a declaration signed on day holds.
func ValidTo(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return t.AddDate(0, ValidMonths, -1).Format(time.DateOnly)
}

// Record stores a declaration.
func Record(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Declaration, error) {
	var es validate.Errors
	in.SignedOn = strings.TrimSpace(in.SignedOn)
	if !activity.ValidDate(in.SignedOn) {
		es.Add("signed_on", "error.date")
	} else if in.SignedOn > activity.Today() {
		es.Add("signed_on", "error.future_date")
	}
	if !in.Consent {
		es.Add("consent", "error.consent_required")
	}
	if in.Lecturer.PersonID == 0 && strings.TrimSpace(in.Lecturer.GuestName) == "" {
		es.Add("lecturer", "error.required")
	}
	es.MaxLen("conflicts", in.Conflicts, 2000)
	if len(es) > 0 {
		return Declaration{}, es
	}
	d := Declaration{Key: session.KeyOf(in.Lecturer), PersonID: in.Lecturer.PersonID, GuestName: strings.TrimSpace(in.Lecturer.GuestName),
		Conflicts: strings.TrimSpace(in.Conflicts), Consent: true, SignedOn: in.SignedOn, ValidTo: ValidTo(in.SignedOn)}
	var pid any
	if d.PersonID != 0 {
		pid = d.PersonID
	}
	err := tx.QueryRow(ctx, `INSERT INTO cme_declarations (lecturer_key, person_id, guest_name, conflicts, consent, signed_on, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.Key, pid, d.GuestName, d.Conflicts, true, d.SignedOn, store.Now()).Scan(&d.ID)
	if err != nil {
		return Declaration{}, fmt.Errorf("declaration: record: %w", err)
	}
	return d, audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "cme_declaration", EntityID: d.ID, After: d})
}

// Latest returns the latest signing day per lecturer key ("" for none).
func Latest(ctx context.Context, q store.Querier, keys []string) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range keys {
		var day *string
		if err := q.QueryRow(ctx, `SELECT MAX(signed_on) FROM cme_declarations WHERE lecturer_key = ?`, k).Scan(&day); err != nil {
			return nil, fmt.Errorf("declaration: latest: %w", err)
		}
		if day != nil {
			out[k] = (*day)[:min(10, len(*day))]
		}
	}
	return out, nil
}

// Problem is a lecturer of a session without a declaration valid on the
// session's day.
type Problem struct {
	SessionID int64            `json:"session_id"`
	Lecturer  session.Lecturer `json:"lecturer"`
	SignedOn  string           `json:"signed_on,omitempty"` // "" when missing
	Expired   bool             `json:"expired"`
}

// Check lists the lecturers of an activity's sessions (not cancelled)
// whose declaration is missing or expired on the session's day.
func Check(ctx context.Context, q store.Querier, activityID int64) ([]Problem, error) {
	sessions, err := session.List(ctx, q, activityID)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, s := range sessions {
		for _, l := range s.Lecturers {
			keys = append(keys, l.Key)
		}
	}
	latest, err := Latest(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	var out []Problem
	for _, s := range sessions {
		if s.Cancelled {
			continue
		}
		day := s.StartsAt.In(activity.Zone).Format(time.DateOnly)
		for _, l := range s.Lecturers {
			signed := latest[l.Key]
			switch {
			case signed == "":
				out = append(out, Problem{SessionID: s.ID, Lecturer: l})
			case ValidTo(signed) < day:
				out = append(out, Problem{SessionID: s.ID, Lecturer: l, SignedOn: signed, Expired: true})
			}
		}
	}
	return out, nil
}
