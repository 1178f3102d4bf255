package agreement

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Attendee is one person at a meeting, on the side of one party.
type Attendee struct {
	PersonID      int64  `json:"person_id"`
	InstitutionID int64  `json:"institution_id"`
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	Leader        bool   `json:"leader"`
}

// Meeting is a meeting of the parties' representatives.
type Meeting struct {
	ID          int64      `json:"id"`
	AgreementID int64      `json:"agreement_id"`
	HeldOn      string     `json:"held_on"`
	Place       string     `json:"place"`
	Minutes     string     `json:"minutes"`
	Attendees   []Attendee `json:"attendees"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Side is how many representatives one party sent.
type Side struct {
	InstitutionID int64
	Count         int
}

// MeetingInput records a meeting. Each attendee sits on the side of the
// party their institution is, or lies under.
type MeetingInput struct {
	HeldOn    string  `json:"held_on"`
	Place     string  `json:"place"`
	Minutes   string  `json:"minutes"`
	PersonIDs []int64 `json:"person_ids"`
	LeaderIDs []int64 `json:"leader_ids"`
}

// AddMeeting records a meeting of agreement agreementID and who attended.
func AddMeeting(ctx context.Context, tx *store.Tx, actor audit.Actor, agreementID int64, in MeetingInput) (Meeting, error) {
	a, err := get(ctx, tx, agreementID, false)
	if err != nil {
		return Meeting{}, fmt.Errorf("agreement %d: add meeting: %w", agreementID, err)
	}
	in.HeldOn, in.Place, in.Minutes = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Place), strings.TrimSpace(in.Minutes)
	var es validate.Errors
	checkDate(&es, "held_on", in.HeldOn, true)
	es.MaxLen("place", in.Place, maxNameLen)
	es.MaxLen("minutes", in.Minutes, maxNotesLen)
	// side maps every institution at or under a party to that party.
	side := map[int64]int64{}
	for _, p := range a.Parties {
		below, err := institution.Descendants(ctx, tx, p.InstitutionID)
		if err != nil {
			return Meeting{}, fmt.Errorf("agreement %d: add meeting: %w", agreementID, err)
		}
		for _, id := range append(below, p.InstitutionID) {
			if _, taken := side[id]; !taken || id == p.InstitutionID {
				side[id] = p.InstitutionID
			}
		}
	}
	var attendees []Attendee
	seen := map[int64]bool{}
	for _, pid := range in.PersonIDs {
		if seen[pid] {
			continue
		}
		seen[pid] = true
		per, err := person.Get(ctx, tx, pid)
		if err != nil {
			es.Add("person_ids", "error.no_such_record")
			continue
		}
		party, ok := side[per.InstitutionID]
		if !ok {
			es.Add("person_ids", "agreement.attendee_not_party", per.Name("en"))
			continue
		}
		attendees = append(attendees, Attendee{PersonID: pid, InstitutionID: party, NameZH: per.NameZH, NameEN: per.NameEN,
			Leader: slices.Contains(in.LeaderIDs, pid)})
	}
	if len(es) > 0 {
		return Meeting{}, es
	}
	m := Meeting{AgreementID: agreementID, HeldOn: in.HeldOn, Place: in.Place, Minutes: in.Minutes, Attendees: attendees, CreatedAt: store.Now()}
	err = tx.QueryRow(ctx, `INSERT INTO agreement_meetings (agreement_id, held_on, place, minutes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		agreementID, m.HeldOn, m.Place, m.Minutes, m.CreatedAt).Scan(&m.ID)
	if err != nil {
		return Meeting{}, fmt.Errorf("agreement %d: add meeting: %w", agreementID, err)
	}
	for _, at := range attendees {
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_meeting_attendees (meeting_id, person_id, institution_id, leader) VALUES (?, ?, ?, ?)`,
			m.ID, at.PersonID, at.InstitutionID, at.Leader); err != nil {
			return Meeting{}, fmt.Errorf("agreement %d: add meeting: %w", agreementID, err)
		}
	}
	err = audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "agreement_meeting", EntityID: m.ID,
		InstitutionID: a.Parties[0].InstitutionID, After: m})
	return m, err
}

// Meetings lists an agreement's meetings, earliest first, with attendees.
func Meetings(ctx context.Context, q store.Querier, agreementID int64) ([]Meeting, error) {
	rows, err := q.Query(ctx, `SELECT id, agreement_id, held_on, place, minutes, created_at FROM agreement_meetings
		WHERE agreement_id = ? ORDER BY held_on, id`, agreementID)
	if err != nil {
		return nil, fmt.Errorf("agreement %d: meetings: %w", agreementID, err)
	}
	out := []Meeting{}
	index := map[int64]int{}
	err = each(rows, func(rows *sql.Rows) error {
		var m Meeting
		err := rows.Scan(&m.ID, &m.AgreementID, &m.HeldOn, &m.Place, &m.Minutes, &m.CreatedAt)
		m.HeldOn, m.CreatedAt, m.Attendees = dateOnly(m.HeldOn), m.CreatedAt.UTC(), []Attendee{}
		index[m.ID] = len(out)
		out = append(out, m)
		return err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = q.Query(ctx, `SELECT t.meeting_id, t.person_id, t.institution_id, t.leader, p.name_zh, p.name_en
		FROM agreement_meeting_attendees t JOIN agreement_meetings m ON m.id = t.meeting_id JOIN people p ON p.id = t.person_id
		WHERE m.agreement_id = ? ORDER BY t.meeting_id, t.leader DESC, p.sort_key, p.id`, agreementID)
	if err != nil {
		return nil, fmt.Errorf("agreement %d: attendees: %w", agreementID, err)
	}
	err = each(rows, func(rows *sql.Rows) error {
		var mid int64
		var at Attendee
		if err := rows.Scan(&mid, &at.PersonID, &at.InstitutionID, &at.Leader, &at.NameZH, &at.NameEN); err != nil {
			return err
		}
		out[index[mid]].Attendees = append(out[index[mid]].Attendees, at)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("agreement %d: attendees: %w", agreementID, err)
	}
	return out, nil
}

// SideCounts counts m's attendees on the side of each party, in the order of parties.
func (m Meeting) SideCounts(parties []Party) []Side {
	out := make([]Side, 0, len(parties))
	for _, p := range parties {
		n := 0
		for _, at := range m.Attendees {
			if at.InstitutionID == p.InstitutionID {
				n++
			}
		}
		out = append(out, Side{InstitutionID: p.InstitutionID, Count: n})
	}
	return out
}
