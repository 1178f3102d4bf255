package training

import (
	"context"
	"fmt"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/store"
)

// Taken is one class a person took part in, with the hours they attended:
// what their home institution reads on the person's page.
type Taken struct {
	ActivityID       int64  `json:"activity_id"`
	TitleZH          string `json:"title_zh"`
	TitleEN          string `json:"title_en"`
	HostZH           string `json:"host_zh"`
	HostEN           string `json:"host_en"`
	StartDate        string `json:"start_date"`
	EndDate          string `json:"end_date"`
	Status           string `json:"status"` // the enrolment's: enrolled, completed, not_completed
	AttendedQuarters int    `json:"attended_quarters"`
}

// Title is the class title in lang.
func (t Taken) Title(lang string) string { return pick(lang, t.TitleZH, t.TitleEN) }

// Host is the host institution's name in lang.
func (t Taken) Host(lang string) string { return pick(lang, t.HostZH, t.HostEN) }

// Hours is the attended hours as a decimal.
func (t Taken) Hours() string { return activity.Hours(t.AttendedQuarters) }

// OfPerson lists the classes person took part in (as a participant, not
// withdrawn or waiting), newest first.
func OfPerson(ctx context.Context, q store.Querier, personID int64) ([]Taken, error) {
	out, err := store.QueryAll(ctx, q, func(s store.Scanner) (Taken, error) {
		var t Taken
		err := s.Scan(&t.ActivityID, &t.TitleZH, &t.TitleEN, &t.HostZH, &t.HostEN, &t.StartDate, &t.EndDate, &t.Status,
			&t.AttendedQuarters)
		t.StartDate, t.EndDate = dateOnly(t.StartDate), dateOnly(t.EndDate)
		return t, err
	}, `SELECT a.id, a.title_zh, a.title_en, h.name_zh, h.name_en, a.start_date, a.end_date, e.status,
		COALESCE((SELECT SUM(x.quarters) FROM attendance t JOIN cme_sessions x ON x.id = t.session_id
			WHERE x.activity_id = a.id AND x.cancelled = ? AND t.person_id = e.person_id), 0)
		FROM enrolments e JOIN activities a ON a.id = e.activity_id
		JOIN training_classes c ON c.activity_id = a.id JOIN institutions h ON h.id = c.host_institution_id
		WHERE e.person_id = ? AND e.role = 'participant' AND e.status IN ('enrolled', 'completed', 'not_completed')
		ORDER BY a.start_date DESC, a.id DESC`, false, personID)
	if err != nil {
		return nil, fmt.Errorf("training: classes of person %d: %w", personID, err)
	}
	return out, nil
}

func dateOnly(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// Participant is one teacher of a class's cohort with their hours and
// completion: the data a completion certificate is made from.
type Participant struct {
	PersonID         int64  `json:"person_id"`
	NameZH           string `json:"name_zh"`
	NameEN           string `json:"name_en"`
	InstitutionID    int64  `json:"institution_id"`
	InstitutionZH    string `json:"institution_zh"`
	InstitutionEN    string `json:"institution_en"`
	Status           string `json:"status"`
	AttendedQuarters int    `json:"attended_quarters"`
}

// Name is the participant's name in lang.
func (p Participant) Name(lang string) string { return pick(lang, p.NameZH, p.NameEN) }

// Institution is the participant's home institution in lang.
func (p Participant) Institution(lang string) string {
	return pick(lang, p.InstitutionZH, p.InstitutionEN)
}

// Hours is the attended hours as a decimal.
func (p Participant) Hours() string { return activity.Hours(p.AttendedQuarters) }

// Cohort lists a class's participants (not withdrawn or waiting) by home
// institution and name, with the hours each attended.
func Cohort(ctx context.Context, q store.Querier, id int64) ([]Participant, error) {
	out, err := store.QueryAll(ctx, q, func(s store.Scanner) (Participant, error) {
		var p Participant
		return p, s.Scan(&p.PersonID, &p.NameZH, &p.NameEN, &p.InstitutionID, &p.InstitutionZH, &p.InstitutionEN, &p.Status,
			&p.AttendedQuarters)
	}, `SELECT p.id, p.name_zh, p.name_en, i.id, i.name_zh, i.name_en, e.status,
		COALESCE((SELECT SUM(x.quarters) FROM attendance t JOIN cme_sessions x ON x.id = t.session_id
			WHERE x.activity_id = e.activity_id AND x.cancelled = ? AND t.person_id = e.person_id), 0)
		FROM enrolments e JOIN people p ON p.id = e.person_id JOIN institutions i ON i.id = p.institution_id
		WHERE e.activity_id = ? AND e.role = 'participant' AND e.status IN ('enrolled', 'completed', 'not_completed')
		ORDER BY i.sort_key, p.sort_key, p.id`, false, id)
	if err != nil {
		return nil, fmt.Errorf("training %d: cohort: %w", id, err)
	}
	return out, nil
}
