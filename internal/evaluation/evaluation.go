// Package evaluation keeps the evaluation form each institution asks its
// learners to fill in after an activity (questions configurable per
// institution), the answers, and a summary per activity.
package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Kinds of question: a rating from 1 to 5, or free text.
var Kinds = []string{"rating", "text"}

// Question is one question of an institution's form.
type Question struct {
	ID            int64  `json:"id"`
	InstitutionID int64  `json:"institution_id"`
	Position      int    `json:"position"`
	Kind          string `json:"kind"`
	TextZH        string `json:"text_zh"`
	TextEN        string `json:"text_en"`
}

// Text is the question in lang.
func (q Question) Text(lang string) string {
	if lang == "en" && q.TextEN != "" || q.TextZH == "" {
		return q.TextEN
	}
	return q.TextZH
}

// AddQuestion appends a question to an institution's form.
func AddQuestion(ctx context.Context, tx *store.Tx, actor audit.Actor, in Question) (Question, error) {
	var es validate.Errors
	in.TextZH, in.TextEN = strings.TrimSpace(in.TextZH), strings.TrimSpace(in.TextEN)
	es.OneOf("kind", in.Kind, Kinds)
	if in.TextZH == "" && in.TextEN == "" {
		es.Add("text_zh", "error.required")
	}
	es.MaxLen("text_zh", in.TextZH, 300)
	es.MaxLen("text_en", in.TextEN, 500)
	if in.InstitutionID == 0 {
		es.Add("institution_id", "error.required")
	}
	if len(es) > 0 {
		return Question{}, es
	}
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM evaluation_questions WHERE institution_id = ?`,
		in.InstitutionID).Scan(&in.Position); err != nil {
		return Question{}, fmt.Errorf("evaluation: position: %w", err)
	}
	err := tx.QueryRow(ctx, `INSERT INTO evaluation_questions (institution_id, position, kind, text_zh, text_en, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.InstitutionID, in.Position, in.Kind, in.TextZH, in.TextEN, true, store.Now()).Scan(&in.ID)
	if err != nil {
		return Question{}, fmt.Errorf("evaluation: add question: %w", err)
	}
	return in, audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "evaluation_question", EntityID: in.ID,
		InstitutionID: in.InstitutionID, After: in})
}

// Form returns an institution's active questions in order.
func Form(ctx context.Context, q store.Querier, institutionID int64) ([]Question, error) {
	rows, err := q.Query(ctx, `SELECT id, institution_id, position, kind, text_zh, text_en FROM evaluation_questions
		WHERE institution_id = ? AND active = ? ORDER BY position, id`, institutionID, true)
	if err != nil {
		return nil, fmt.Errorf("evaluation: form: %w", err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var qu Question
		if err := rows.Scan(&qu.ID, &qu.InstitutionID, &qu.Position, &qu.Kind, &qu.TextZH, &qu.TextEN); err != nil {
			return nil, err
		}
		out = append(out, qu)
	}
	return out, rows.Err()
}

// Answer is one answer of a learner.
type Answer struct {
	QuestionID int64  `json:"question_id"`
	Rating     int    `json:"rating,omitempty"`
	Text       string `json:"text,omitempty"`
}

// Submit stores a learner's answers to the form of the activity's
// institution; every rating question needs a rating from 1 to 5. A learner
// submits once.
func Submit(ctx context.Context, tx *store.Tx, actor audit.Actor, activityID, institutionID, personID int64, answers []Answer) error {
	form, err := Form(ctx, tx, institutionID)
	if err != nil {
		return err
	}
	byID := map[int64]Answer{}
	for _, a := range answers {
		byID[a.QuestionID] = a
	}
	var es validate.Errors
	for _, q := range form {
		a := byID[q.ID]
		field := fmt.Sprintf("q%d", q.ID)
		if q.Kind == "rating" && (a.Rating < 1 || a.Rating > 5) {
			es.Add(field, "error.rating")
		}
		es.MaxLen(field, a.Text, 2000)
	}
	if Submitted(ctx, tx, activityID, personID) {
		es.Add("evaluation", "error.already_submitted")
	}
	if len(es) > 0 {
		return es
	}
	var rid int64
	if err := tx.QueryRow(ctx, `INSERT INTO evaluation_responses (activity_id, person_id, submitted_at) VALUES (?, ?, ?) RETURNING id`,
		activityID, personID, store.Now()).Scan(&rid); err != nil {
		if store.IsUniqueViolation(err) {
			return validate.Field("evaluation", "error.already_submitted")
		}
		return fmt.Errorf("evaluation: submit: %w", err)
	}
	for _, q := range form {
		a := byID[q.ID]
		var rating any
		if q.Kind == "rating" {
			rating = a.Rating
		}
		if _, err := tx.Exec(ctx, `INSERT INTO evaluation_answers (response_id, question_id, rating, answer) VALUES (?, ?, ?, ?)`,
			rid, q.ID, rating, strings.TrimSpace(a.Text)); err != nil {
			return fmt.Errorf("evaluation: answer: %w", err)
		}
	}
	return audit.Record(ctx, tx, actor, audit.Change{Action: "evaluate", Entity: "evaluation_response", EntityID: rid, After: map[string]any{"activity_id": activityID}})
}

// Submitted reports whether the person has evaluated the activity.
func Submitted(ctx context.Context, q store.Querier, activityID, personID int64) bool {
	var n int
	_ = q.QueryRow(ctx, `SELECT COUNT(*) FROM evaluation_responses WHERE activity_id = ? AND person_id = ?`, activityID, personID).Scan(&n)
	return n > 0
}

// SubmittedBy lists who has evaluated the activity.
func SubmittedBy(ctx context.Context, q store.Querier, activityID int64) (map[int64]bool, error) {
	rows, err := q.Query(ctx, `SELECT person_id FROM evaluation_responses WHERE activity_id = ?`, activityID)
	if err != nil {
		return nil, fmt.Errorf("evaluation: submitted: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// QuestionSummary is the answers to one question: the number of ratings and
// their average in hundredths (so 4.25 is 425), or the texts.
type QuestionSummary struct {
	Question    Question `json:"question"`
	Ratings     int      `json:"ratings"`
	AverageX100 int      `json:"average_x100"`
	Texts       []string `json:"texts,omitempty"`
}

// Summary is an activity's evaluation results.
type Summary struct {
	Responses int               `json:"responses"`
	Questions []QuestionSummary `json:"questions"`
}

// Summarize sums up an activity's evaluations against its institution's form.
func Summarize(ctx context.Context, q store.Querier, activityID, institutionID int64) (Summary, error) {
	var s Summary
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM evaluation_responses WHERE activity_id = ?`, activityID).Scan(&s.Responses); err != nil {
		return s, fmt.Errorf("evaluation: summary: %w", err)
	}
	form, err := Form(ctx, q, institutionID)
	if err != nil {
		return s, err
	}
	for _, qu := range form {
		qs := QuestionSummary{Question: qu}
		var sum sql.NullInt64
		if err := q.QueryRow(ctx, `SELECT COUNT(a.rating), SUM(a.rating) FROM evaluation_answers a JOIN evaluation_responses r ON r.id = a.response_id
			WHERE r.activity_id = ? AND a.question_id = ?`, activityID, qu.ID).Scan(&qs.Ratings, &sum); err != nil {
			return s, fmt.Errorf("evaluation: summary: %w", err)
		}
		if qs.Ratings > 0 {
			qs.AverageX100 = int((sum.Int64*100 + int64(qs.Ratings)/2) / int64(qs.Ratings))
		}
		if qu.Kind == "text" {
			rows, err := q.Query(ctx, `SELECT a.answer FROM evaluation_answers a JOIN evaluation_responses r ON r.id = a.response_id
				WHERE r.activity_id = ? AND a.question_id = ? AND a.answer <> '' ORDER BY a.id LIMIT 50`, activityID, qu.ID)
			if err != nil {
				return s, err
			}
			for rows.Next() {
				var t string
				if err := rows.Scan(&t); err != nil {
					rows.Close()
					return s, err
				}
				qs.Texts = append(qs.Texts, t)
			}
			rows.Close()
		}
		s.Questions = append(s.Questions, qs)
	}
	return s, nil
}

// Average is the average rating as a decimal with two places ("4.25").
func (q QuestionSummary) Average() string {
	return fmt.Sprintf("%d.%02d", q.AverageX100/100, q.AverageX100%100)
}
