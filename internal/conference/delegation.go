package conference

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Member is one person of the delegation.
type Member struct {
	PersonID      int64  `json:"person_id"`
	NameZH        string `json:"name_zh"`
	NameEN        string `json:"name_en"`
	InstitutionID int64  `json:"institution_id"`
	Role          string `json:"role"` // delegate, or presenter once they contribute
	Leader        bool   `json:"leader"`
}

// Name is the member's name in lang.
func (m Member) Name(lang string) string { return pick(lang, m.NameZH, m.NameEN) }

// changeable refuses changes to an archived record: archived means filed.
func changeable(c Conference) error {
	if c.Status == "archived" {
		return validate.Field("status", "error.activity_not_editable")
	}
	return nil
}

// Members lists the delegation, the leader first.
func Members(ctx context.Context, q store.Querier, id int64) ([]Member, error) {
	out, err := store.QueryAll(ctx, q, func(s store.Scanner) (Member, error) {
		var m Member
		return m, s.Scan(&m.PersonID, &m.NameZH, &m.NameEN, &m.InstitutionID, &m.Role, &m.Leader)
	}, `SELECT p.id, p.name_zh, p.name_en, p.institution_id, e.role, CASE WHEN c.leader_id = p.id THEN 1 ELSE 0 END
		FROM enrolments e JOIN people p ON p.id = e.person_id JOIN conferences c ON c.activity_id = e.activity_id
		WHERE e.activity_id = ? AND e.status <> 'withdrawn'
		ORDER BY CASE WHEN c.leader_id = p.id THEN 0 ELSE 1 END, p.sort_key, p.id`, id)
	if err != nil {
		return nil, fmt.Errorf("conference %d: members: %w", id, err)
	}
	return out, nil
}

func memberStatus(ctx context.Context, q store.Querier, id, personID int64) (int64, string, error) {
	var enrolID int64
	var status string
	err := q.QueryRow(ctx, `SELECT id, status FROM enrolments WHERE activity_id = ? AND person_id = ?`, id, personID).Scan(&enrolID, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return enrolID, status, err
}

func isMember(ctx context.Context, q store.Querier, id, personID int64) (bool, error) {
	_, status, err := memberStatus(ctx, q, id, personID)
	return status != "" && status != "withdrawn", err
}

// AddMember puts a person on the delegation as a delegate.
func AddMember(ctx context.Context, tx *store.Tx, actor audit.Actor, id, personID int64) (Member, error) {
	c, err := lock(ctx, tx, id)
	if err != nil {
		return Member{}, err
	}
	if err := changeable(c); err != nil {
		return Member{}, err
	}
	if personID == 0 {
		return Member{}, validate.Field("person_id", "error.required")
	}
	m := Member{PersonID: personID, Role: "delegate"}
	err = tx.QueryRow(ctx, `SELECT name_zh, name_en, institution_id FROM people WHERE id = ?`, personID).Scan(&m.NameZH, &m.NameEN, &m.InstitutionID)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, validate.Field("person_id", "error.not_found")
	}
	if err != nil {
		return Member{}, fmt.Errorf("conference %d: member: %w", id, err)
	}
	enrolID, status, err := memberStatus(ctx, tx, id, personID)
	if err != nil {
		return Member{}, fmt.Errorf("conference %d: member: %w", id, err)
	}
	now := store.Now()
	switch status {
	case "":
		_, err = tx.Exec(ctx, `INSERT INTO enrolments (activity_id, person_id, role, status, created_at, updated_at)
			VALUES (?, ?, ?, 'enrolled', ?, ?)`, id, personID, m.Role, now, now)
		if store.IsUniqueViolation(err) {
			return Member{}, validate.Field("person_id", "error.already_member")
		}
	case "withdrawn":
		_, err = tx.Exec(ctx, `UPDATE enrolments SET role = ?, status = 'enrolled', updated_at = ? WHERE id = ?`, m.Role, now, enrolID)
	default:
		return Member{}, validate.Field("person_id", "error.already_member")
	}
	if err != nil {
		return Member{}, fmt.Errorf("conference %d: member: %w", id, err)
	}
	return m, audit.Record(ctx, tx, actor, audit.Change{Action: "add_member", Entity: "conference", EntityID: id,
		InstitutionID: c.InstitutionID, After: m})
}

// RemoveMember takes a person off the delegation. The leader and members
// with contributions stay until those are changed, so no contribution is
// left without its presenter.
func RemoveMember(ctx context.Context, tx *store.Tx, actor audit.Actor, id, personID int64) error {
	c, err := lock(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := changeable(c); err != nil {
		return err
	}
	enrolID, status, err := memberStatus(ctx, tx, id, personID)
	if err != nil {
		return fmt.Errorf("conference %d: member: %w", id, err)
	}
	if status == "" || status == "withdrawn" {
		return validate.Field("person_id", "error.not_member")
	}
	if c.LeaderID == personID {
		return validate.Field("person_id", "error.member_is_leader")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM conference_contributions WHERE activity_id = ? AND person_id = ?`, id, personID).Scan(&n); err != nil {
		return fmt.Errorf("conference %d: member: %w", id, err)
	}
	if n > 0 {
		return validate.Field("person_id", "error.member_has_contributions", n)
	}
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'withdrawn', updated_at = ? WHERE id = ?`, store.Now(), enrolID); err != nil {
		return fmt.Errorf("conference %d: member: %w", id, err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "remove_member", Entity: "conference", EntityID: id,
		InstitutionID: c.InstitutionID, Before: map[string]any{"person_id": personID}})
}

// SetLeader names the delegation's leader, who must be a member (0: none).
func SetLeader(ctx context.Context, tx *store.Tx, actor audit.Actor, id, personID int64) (Conference, error) {
	c, err := lock(ctx, tx, id)
	if err != nil {
		return Conference{}, err
	}
	if err := changeable(c); err != nil {
		return Conference{}, err
	}
	if personID != 0 {
		ok, err := isMember(ctx, tx, id, personID)
		if err != nil {
			return Conference{}, fmt.Errorf("conference %d: leader: %w", id, err)
		}
		if !ok {
			return Conference{}, validate.Field("leader_id", "error.leader_not_member")
		}
	}
	before := c
	c.LeaderID = personID
	if _, err := tx.Exec(ctx, `UPDATE conferences SET leader_id = ? WHERE activity_id = ?`, nullID(personID), id); err != nil {
		return Conference{}, fmt.Errorf("conference %d: leader: %w", id, err)
	}
	return c, audit.Record(ctx, tx, actor, audit.Change{Action: "set_leader", Entity: "conference", EntityID: id,
		InstitutionID: c.InstitutionID, Before: map[string]any{"leader_id": before.LeaderID}, After: map[string]any{"leader_id": personID}})
}
