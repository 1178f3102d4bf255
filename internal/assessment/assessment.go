// Package assessment records each learner's assessment result for an
// activity: passed or not, and a score out of 100 where one is given.
package assessment

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Result is one learner's assessment.
type Result struct {
	PersonID int64 `json:"person_id"`
	Passed   bool  `json:"passed"`
	Score    *int  `json:"score,omitempty"`
}

// Record stores (or replaces) a learner's result.
func Record(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID int64, r Result) error {
	if r.Score != nil && (*r.Score < 0 || *r.Score > 100) {
		return validate.Field("score", "error.range", 0, 100)
	}
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM enrolments WHERE activity_id = ? AND person_id = ?`, activityID, r.PersonID).Scan(&status)
	if err != nil || status == "withdrawn" || status == "waitlisted" {
		return validate.Field("person_id", "error.not_enrolled")
	}
	var score any
	if r.Score != nil {
		score = *r.Score
	}
	if _, err := tx.Exec(ctx, `DELETE FROM assessments WHERE activity_id = ? AND person_id = ?`, activityID, r.PersonID); err != nil {
		return fmt.Errorf("assessment: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO assessments (activity_id, person_id, passed, score, recorded_at) VALUES (?, ?, ?, ?, ?)`,
		activityID, r.PersonID, r.Passed, score, store.Now()); err != nil {
		return fmt.Errorf("assessment: record: %w", err)
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "assess", Entity: "assessment", EntityID: activityID, After: r})
}

// OfActivity returns the results of an activity by person.
func OfActivity(ctx context.Context, q store.Querier, activityID int64) (map[int64]Result, error) {
	rows, err := q.Query(ctx, `SELECT person_id, passed, score FROM assessments WHERE activity_id = ?`, activityID)
	if err != nil {
		return nil, fmt.Errorf("assessment: list: %w", err)
	}
	defer rows.Close()
	out := map[int64]Result{}
	for rows.Next() {
		var r Result
		var score sql.NullInt64
		if err := rows.Scan(&r.PersonID, &r.Passed, &score); err != nil {
			return nil, err
		}
		if score.Valid {
			n := int(score.Int64)
			r.Score = &n
		}
		out[r.PersonID] = r
	}
	return out, rows.Err()
}
