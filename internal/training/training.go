// Package training keeps faculty development training classes: an activity
// of kind training_class with its host institution, organiser and theme.
// The cohort, the schedule of items, the outside lecturers, attendance and
// completion are the activity's enrolments, sessions, session lecturers and
// attendance, so the CME pages and rules apply to a class unchanged.
package training

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Kind is the activity kind of a training class.
const Kind = "training_class"

// ErrNotFound: no training class with that id (or the activity is of
// another kind); it is an activity.ErrNotFound, so callers may test either.
var ErrNotFound = fmt.Errorf("training: %w", activity.ErrNotFound)

// Class is a training class: its activity and what a class adds to it.
type Class struct {
	activity.Activity
	HostInstitutionID int64  `json:"host_institution_id"`
	OrganiserZH       string `json:"organiser_zh"`
	OrganiserEN       string `json:"organiser_en"`
	ThemeZH           string `json:"theme_zh"`
	ThemeEN           string `json:"theme_en"`
	HostZH            string `json:"host_zh"` // the host institution's names, for lists
	HostEN            string `json:"host_en"`
}

// Host is the host institution's name in lang.
func (c Class) Host(lang string) string { return pick(lang, c.HostZH, c.HostEN) }

// Organiser is the organiser in lang, falling back to the other language.
func (c Class) Organiser(lang string) string { return pick(lang, c.OrganiserZH, c.OrganiserEN) }

// Theme is the theme in lang, falling back to the other language.
func (c Class) Theme(lang string) string { return pick(lang, c.ThemeZH, c.ThemeEN) }

func pick(lang, zh, en string) string {
	if strings.HasPrefix(lang, "zh") && zh != "" || en == "" {
		return zh
	}
	return en
}

// Input describes a class. InstitutionID is the institution that runs the
// class (its office manages it); HostInstitutionID where it takes place.
type Input struct {
	TitleZH           string `json:"title_zh"`
	TitleEN           string `json:"title_en"`
	Level             string `json:"level"`
	InstitutionID     int64  `json:"institution_id"`
	DepartmentID      int64  `json:"department_id"`
	DirectorID        int64  `json:"director_id"`
	HostInstitutionID int64  `json:"host_institution_id"`
	OrganiserZH       string `json:"organiser_zh"`
	OrganiserEN       string `json:"organiser_en"`
	ThemeZH           string `json:"theme_zh"`
	ThemeEN           string `json:"theme_en"`
	Audience          string `json:"audience"`
	StartDate         string `json:"start_date"`
	EndDate           string `json:"end_date"`
	PlannedHours      string `json:"planned_hours"`
	Capacity          int    `json:"capacity"`
	MinAttendancePct  int    `json:"min_attendance_pct"`
}

func (in *Input) normalize() {
	for _, s := range []*string{&in.TitleZH, &in.TitleEN, &in.Level, &in.OrganiserZH, &in.OrganiserEN, &in.ThemeZH,
		&in.ThemeEN, &in.Audience, &in.StartDate, &in.EndDate, &in.PlannedHours} {
		*s = strings.TrimSpace(*s)
	}
	// A class of the institution's own staff is not an accredited CME
	// project unless the office says so: no level, no credits.
	if in.Level == "" {
		in.Level = "none"
	}
}

func (in Input) activityInput() activity.Input {
	return activity.Input{Kind: Kind, Level: in.Level, TitleZH: in.TitleZH, TitleEN: in.TitleEN,
		InstitutionID: in.InstitutionID, DepartmentID: in.DepartmentID, DirectorID: in.DirectorID, Audience: in.Audience,
		PlannedHours: in.PlannedHours, StartDate: in.StartDate, EndDate: in.EndDate, Capacity: in.Capacity,
		MinAttendancePct: in.MinAttendancePct}
}

// InputOf is the input that would write c as it is (for edit forms).
func InputOf(c Class) Input {
	return Input{TitleZH: c.TitleZH, TitleEN: c.TitleEN, Level: c.Level, InstitutionID: c.InstitutionID,
		DepartmentID: c.DepartmentID, DirectorID: c.DirectorID, HostInstitutionID: c.HostInstitutionID,
		OrganiserZH: c.OrganiserZH, OrganiserEN: c.OrganiserEN, ThemeZH: c.ThemeZH, ThemeEN: c.ThemeEN,
		Audience: c.Audience, StartDate: c.StartDate, EndDate: c.EndDate, PlannedHours: c.PlannedHours(),
		Capacity: c.Capacity, MinAttendancePct: c.MinAttendancePct}
}

// check validates what a class adds to an activity.
func (in Input) check(ctx context.Context, q store.Querier) (validate.Errors, error) {
	var es validate.Errors
	if in.TitleZH == "" || in.TitleEN == "" {
		// Classes are reported in both languages (issue 8).
		if in.TitleZH == "" {
			es.Add("title_zh", "error.required")
		}
		if in.TitleEN == "" {
			es.Add("title_en", "error.required")
		}
	}
	if in.OrganiserZH == "" && in.OrganiserEN == "" {
		es.Add("organiser_zh", "error.required")
	}
	es.MaxLen("organiser_zh", in.OrganiserZH, 200)
	es.MaxLen("organiser_en", in.OrganiserEN, 300)
	es.MaxLen("theme_zh", in.ThemeZH, 300)
	es.MaxLen("theme_en", in.ThemeEN, 500)
	if in.HostInstitutionID == 0 {
		es.Add("host_institution_id", "error.required")
		return es, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM institutions WHERE id = ?`, in.HostInstitutionID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		es.Add("host_institution_id", "error.not_found")
	}
	return es, nil
}

// merge runs the activity's own write (which checks its fields) and returns
// every problem of both checks at once.
func merge(es validate.Errors, err error) error {
	if err == nil {
		return es.Err()
	}
	if more, ok := validate.As(err); ok {
		return append(more, es...)
	}
	return err
}

// Create records a new class as a draft activity with its details.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Class, error) {
	in.normalize()
	es, err := in.check(ctx, tx)
	if err != nil {
		return Class{}, fmt.Errorf("training: create: %w", err)
	}
	a, err := activity.Create(ctx, tx, actor, in.activityInput())
	if err := merge(es, err); err != nil {
		return Class{}, err
	}
	c := Class{Activity: a, HostInstitutionID: in.HostInstitutionID, OrganiserZH: in.OrganiserZH, OrganiserEN: in.OrganiserEN,
		ThemeZH: in.ThemeZH, ThemeEN: in.ThemeEN}
	if _, err := tx.Exec(ctx, `INSERT INTO training_classes (activity_id, host_institution_id, organiser_zh, organiser_en,
		theme_zh, theme_en) VALUES (?, ?, ?, ?, ?, ?)`, a.ID, c.HostInstitutionID, c.OrganiserZH, c.OrganiserEN,
		c.ThemeZH, c.ThemeEN); err != nil {
		return Class{}, fmt.Errorf("training: create: %w", err)
	}
	if c, err = Get(ctx, tx, a.ID); err != nil {
		return Class{}, err
	}
	return c, audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "training_class", EntityID: a.ID,
		InstitutionID: a.InstitutionID, After: c})
}

// Update changes a class. The activity part follows the activity's rule
// (draft or rejected only); the host, organiser and theme may be corrected
// until the class is archived, since they describe, not decide.
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Class, error) {
	before, err := Get(ctx, tx, id)
	if err != nil {
		return Class{}, err
	}
	in.normalize()
	es, err := in.check(ctx, tx)
	if err != nil {
		return Class{}, fmt.Errorf("training %d: update: %w", id, err)
	}
	after := before
	if before.Status == "draft" || before.Status == "rejected" {
		a, err := activity.Update(ctx, tx, actor, id, in.activityInput())
		if err := merge(es, err); err != nil {
			return Class{}, err
		}
		after.Activity = a
	} else if before.Status == "archived" {
		return Class{}, validate.Field("status", "error.activity_not_editable")
	} else if len(es) > 0 {
		return Class{}, es
	} else if activityChanged(before.Activity, in.activityInput()) {
		// Past the draft the activity's own fields are settled; saying so beats ignoring the change.
		return Class{}, validate.Field("status", "error.activity_not_editable")
	}
	after.HostInstitutionID, after.OrganiserZH, after.OrganiserEN = in.HostInstitutionID, in.OrganiserZH, in.OrganiserEN
	after.ThemeZH, after.ThemeEN = in.ThemeZH, in.ThemeEN
	if _, err := tx.Exec(ctx, `UPDATE training_classes SET host_institution_id = ?, organiser_zh = ?, organiser_en = ?,
		theme_zh = ?, theme_en = ? WHERE activity_id = ?`, after.HostInstitutionID, after.OrganiserZH, after.OrganiserEN,
		after.ThemeZH, after.ThemeEN, id); err != nil {
		return Class{}, fmt.Errorf("training %d: update: %w", id, err)
	}
	if after, err = Get(ctx, tx, id); err != nil {
		return Class{}, err
	}
	return after, audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "training_class", EntityID: id,
		InstitutionID: after.InstitutionID, Before: before, After: after})
}

// Get returns one class.
func Get(ctx context.Context, q store.Querier, id int64) (Class, error) {
	c, err := scanClass(q.QueryRow(ctx, selectClasses+` WHERE a.id = ? AND a.kind = ?`, id, Kind))
	if errors.Is(err, sql.ErrNoRows) {
		return Class{}, ErrNotFound
	}
	if err != nil {
		return Class{}, fmt.Errorf("training %d: load: %w", id, err)
	}
	return c, nil
}

// selectClasses reads a class's activity, details and host in one query.
var selectClasses = `SELECT ` + activity.Columns("a") + `, t.host_institution_id, t.organiser_zh, t.organiser_en,
	t.theme_zh, t.theme_en, i.name_zh, i.name_en
	FROM activities a JOIN training_classes t ON t.activity_id = a.id JOIN institutions i ON i.id = t.host_institution_id`

func scanClass(s store.Scanner) (Class, error) {
	var c Class
	a, err := activity.ScanWith(s, &c.HostInstitutionID, &c.OrganiserZH, &c.OrganiserEN, &c.ThemeZH, &c.ThemeEN, &c.HostZH, &c.HostEN)
	c.Activity = a
	return c, err
}

// Filter narrows a list of classes.
type Filter struct {
	Year           int
	InstitutionIDs []int64 // nil: every institution
	Limit, Offset  int
}

// List returns one page of classes, newest first, and the number matching.
func List(ctx context.Context, q store.Querier, f Filter) ([]Class, int, error) {
	where := []string{`a.kind = ?`}
	args := []any{Kind}
	if f.Year != 0 {
		where, args = append(where, `a.year = ?`), append(args, f.Year)
	}
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			return nil, 0, nil
		}
		where = append(where, `a.institution_id IN (`+store.Marks(len(f.InstitutionIDs))+`)`)
		args = append(args, store.Args(f.InstitutionIDs)...)
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM activities a JOIN training_classes t ON t.activity_id = a.id`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("training: count: %w", err)
	}
	page, pargs := store.PageClause(f.Limit, f.Offset)
	out, err := store.QueryAll(ctx, q, scanClass, selectClasses+cond+` ORDER BY a.start_date DESC, a.id DESC`+page, append(args, pargs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("training: list: %w", err)
	}
	return out, total, nil
}

// activityChanged reports whether in would change a's own fields.
func activityChanged(a activity.Activity, in activity.Input) bool {
	quarters, _ := activity.ParseQuarters(in.PlannedHours)
	return a.TitleZH != in.TitleZH || a.TitleEN != in.TitleEN || a.Level != in.Level || a.InstitutionID != in.InstitutionID ||
		a.DepartmentID != in.DepartmentID || a.DirectorID != in.DirectorID || a.StartDate != in.StartDate ||
		a.EndDate != in.EndDate || a.PlannedQuarters != quarters || a.Capacity != in.Capacity ||
		a.MinAttendancePct != in.MinAttendancePct || a.Audience != in.Audience
}
