// Package conference keeps the conferences (and joint workshops) the
// institution attends: the event's organiser, place, size and dates, and
// the institution's delegation to it — members, leader, and each member's
// contributions with their co-authors. The event is an activity of kind
// conference or workshop owned by the sending institution; its members are
// the activity's enrolments (delegate, or presenter once they contribute).
//
// No rule-set profile in internal/rules gives credits for presenting at a
// conference, so recording a contribution posts nothing to the ledger.
package conference

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Allowed values (DESIGN §6).
var (
	Kinds = []string{"conference", "workshop"}
	Types = []string{"keynote", "invited_report", "oral", "poster", "workshop", "chair"}
)

var (
	// ErrNotFound: no conference (or contribution) with that id.
	ErrNotFound = fmt.Errorf("conference: %w", activity.ErrNotFound)
)

// Conference is a conference or joint workshop and the institution's delegation.
type Conference struct {
	activity.Activity
	OrganiserZH          string `json:"organiser_zh"`
	OrganiserEN          string `json:"organiser_en"`
	City                 string `json:"city"`
	Country              string `json:"country"`
	ExpectedAttendance   int    `json:"expected_attendance"`
	Countries            int    `json:"countries"`
	PartnerInstitutionID int64  `json:"partner_institution_id"`
	LeaderID             int64  `json:"leader_id"`
}

// Organiser is the organiser in lang, falling back to the other language.
func (c Conference) Organiser(lang string) string { return pick(lang, c.OrganiserZH, c.OrganiserEN) }

func pick(lang, zh, en string) string {
	if strings.HasPrefix(lang, "zh") && zh != "" || en == "" {
		return zh
	}
	return en
}

// Input describes a conference. InstitutionID is the sending institution,
// DirectorID the person answerable for the record (often the leader).
type Input struct {
	Kind                 string `json:"kind"`
	TitleZH              string `json:"title_zh"`
	TitleEN              string `json:"title_en"`
	InstitutionID        int64  `json:"institution_id"`
	DepartmentID         int64  `json:"department_id"`
	DirectorID           int64  `json:"director_id"`
	OrganiserZH          string `json:"organiser_zh"`
	OrganiserEN          string `json:"organiser_en"`
	City                 string `json:"city"`
	Country              string `json:"country"`
	StartDate            string `json:"start_date"`
	EndDate              string `json:"end_date"`
	PlannedHours         string `json:"planned_hours"`
	ExpectedAttendance   int    `json:"expected_attendance"`
	Countries            int    `json:"countries"`
	PartnerInstitutionID int64  `json:"partner_institution_id"`
}

func (in *Input) normalize() {
	for _, s := range []*string{&in.Kind, &in.TitleZH, &in.TitleEN, &in.OrganiserZH, &in.OrganiserEN, &in.City,
		&in.Country, &in.StartDate, &in.EndDate, &in.PlannedHours} {
		*s = strings.TrimSpace(*s)
	}
	in.Country = strings.ToUpper(in.Country)
	if in.Kind == "" {
		in.Kind = "conference"
	}
}

// InputOf is the input that would write c as it is (for edit forms).
func InputOf(c Conference) Input {
	return Input{Kind: c.Kind, TitleZH: c.TitleZH, TitleEN: c.TitleEN, InstitutionID: c.InstitutionID,
		DepartmentID: c.DepartmentID, DirectorID: c.DirectorID, OrganiserZH: c.OrganiserZH, OrganiserEN: c.OrganiserEN,
		City: c.City, Country: c.Country, StartDate: c.StartDate, EndDate: c.EndDate, PlannedHours: c.PlannedHours(),
		ExpectedAttendance: c.ExpectedAttendance, Countries: c.Countries, PartnerInstitutionID: c.PartnerInstitutionID}
}

func (in Input) activityInput() activity.Input {
	kind := in.Kind
	if kind != "conference" && kind != "workshop" {
		kind = "conference" // the kind is refused by check; the activity needs a valid one to check the rest
	}
	// Attending is not an accredited CME project of the institution: level none.
	return activity.Input{Kind: kind, Level: "none", TitleZH: in.TitleZH, TitleEN: in.TitleEN,
		InstitutionID: in.InstitutionID, DepartmentID: in.DepartmentID, DirectorID: in.DirectorID,
		PlannedHours: in.PlannedHours, StartDate: in.StartDate, EndDate: in.EndDate}
}

func (in Input) check(ctx context.Context, q store.Querier) (validate.Errors, error) {
	var es validate.Errors
	es.OneOf("kind", in.Kind, Kinds)
	if in.TitleZH == "" {
		es.Add("title_zh", "error.required")
	}
	if in.TitleEN == "" {
		es.Add("title_en", "error.required")
	}
	if in.OrganiserZH == "" && in.OrganiserEN == "" {
		es.Add("organiser_zh", "error.required")
	}
	es.MaxLen("organiser_zh", in.OrganiserZH, 300)
	es.MaxLen("organiser_en", in.OrganiserEN, 500)
	es.MaxLen("city", in.City, 100)
	if in.Kind == "conference" && in.City == "" {
		es.Add("city", "error.required")
	}
	if in.Country == "" {
		if in.Kind == "conference" {
			es.Add("country", "error.required")
		}
	} else if !geo.Valid(in.Country) {
		es.Add("country", "error.invalid_country")
	}
	if in.ExpectedAttendance < 0 || in.ExpectedAttendance > 1000000 {
		es.Add("expected_attendance", "error.range", 0, 1000000)
	}
	if in.Countries < 0 || in.Countries > 250 {
		es.Add("countries", "error.range", 0, 250)
	}
	if in.PartnerInstitutionID != 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM institutions WHERE id = ?`, in.PartnerInstitutionID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			es.Add("partner_institution_id", "error.not_found")
		} else if in.PartnerInstitutionID == in.InstitutionID {
			es.Add("partner_institution_id", "error.partner_is_self")
		}
	}
	return es, nil
}

func merge(es validate.Errors, err error) error {
	if err == nil {
		return es.Err()
	}
	if more, ok := validate.As(err); ok {
		return append(more, es...)
	}
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Create records a conference the institution attends, with no members yet.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in Input) (Conference, error) {
	in.normalize()
	es, err := in.check(ctx, tx)
	if err != nil {
		return Conference{}, fmt.Errorf("conference: create: %w", err)
	}
	a, err := activity.Create(ctx, tx, actor, in.activityInput())
	if err := merge(es, err); err != nil {
		return Conference{}, err
	}
	c := Conference{Activity: a}
	c.apply(in)
	if _, err := tx.Exec(ctx, `INSERT INTO conferences (activity_id, organiser_zh, organiser_en, city, country,
		expected_attendance, countries, partner_institution_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, c.OrganiserZH,
		c.OrganiserEN, c.City, c.Country, c.ExpectedAttendance, c.Countries, nullID(c.PartnerInstitutionID)); err != nil {
		return Conference{}, fmt.Errorf("conference: create: %w", err)
	}
	return c, audit.Record(ctx, tx, actor, audit.Change{Action: "create", Entity: "conference", EntityID: a.ID,
		InstitutionID: a.InstitutionID, After: c})
}

func (c *Conference) apply(in Input) {
	c.OrganiserZH, c.OrganiserEN, c.City, c.Country = in.OrganiserZH, in.OrganiserEN, in.City, in.Country
	c.ExpectedAttendance, c.Countries, c.PartnerInstitutionID = in.ExpectedAttendance, in.Countries, in.PartnerInstitutionID
}

// Update changes a conference's details. Its activity part (titles, dates,
// institution) follows the activity's rule: draft or rejected only.
func Update(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Input) (Conference, error) {
	before, err := lock(ctx, tx, id)
	if err != nil {
		return Conference{}, err
	}
	in.normalize()
	es, err := in.check(ctx, tx)
	if err != nil {
		return Conference{}, fmt.Errorf("conference %d: update: %w", id, err)
	}
	after := before
	switch before.Status {
	case "draft", "rejected":
		a, err := activity.Update(ctx, tx, actor, id, in.activityInput())
		if err := merge(es, err); err != nil {
			return Conference{}, err
		}
		after.Activity = a
	case "archived":
		return Conference{}, validate.Field("status", "error.activity_not_editable")
	default:
		if len(es) > 0 {
			return Conference{}, es
		}
		if activityChanged(before.Activity, in.activityInput()) {
			// Past the draft the activity's own fields are settled; saying so beats ignoring the change.
			return Conference{}, validate.Field("status", "error.activity_not_editable")
		}
	}
	after.apply(in)
	if _, err := tx.Exec(ctx, `UPDATE conferences SET organiser_zh = ?, organiser_en = ?, city = ?, country = ?,
		expected_attendance = ?, countries = ?, partner_institution_id = ? WHERE activity_id = ?`, after.OrganiserZH,
		after.OrganiserEN, after.City, after.Country, after.ExpectedAttendance, after.Countries,
		nullID(after.PartnerInstitutionID), id); err != nil {
		return Conference{}, fmt.Errorf("conference %d: update: %w", id, err)
	}
	return after, audit.Record(ctx, tx, actor, audit.Change{Action: "update", Entity: "conference", EntityID: id,
		InstitutionID: after.InstitutionID, Before: before, After: after})
}

// Get returns one conference.
func Get(ctx context.Context, q store.Querier, id int64) (Conference, error) {
	return get(ctx, q, id, false)
}

// lock loads a conference for a change, so concurrent membership changes queue.
func lock(ctx context.Context, tx *store.Tx, id int64) (Conference, error) {
	return get(ctx, tx, id, true)
}

// selectConferences reads a conference's activity and details in one query.
var selectConferences = `SELECT ` + activity.Columns("a") + `, c.organiser_zh, c.organiser_en, c.city, c.country,
	c.expected_attendance, c.countries, c.partner_institution_id, c.leader_id
	FROM activities a JOIN conferences c ON c.activity_id = a.id`

func scanConference(s store.Scanner) (Conference, error) {
	var c Conference
	var partner, leader sql.NullInt64
	a, err := activity.ScanWith(s, &c.OrganiserZH, &c.OrganiserEN, &c.City, &c.Country, &c.ExpectedAttendance,
		&c.Countries, &partner, &leader)
	c.Activity, c.PartnerInstitutionID, c.LeaderID = a, partner.Int64, leader.Int64
	return c, err
}

func get(ctx context.Context, q store.Querier, id int64, forUpdate bool) (Conference, error) {
	if tx, ok := q.(*store.Tx); ok && forUpdate {
		if _, err := activity.Lock(ctx, tx, id); errors.Is(err, activity.ErrNotFound) {
			return Conference{}, ErrNotFound
		} else if err != nil {
			return Conference{}, err
		}
	}
	c, err := scanConference(q.QueryRow(ctx, selectConferences+` WHERE a.id = ? AND a.kind IN ('conference', 'workshop')`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Conference{}, ErrNotFound
	}
	if err != nil {
		return Conference{}, fmt.Errorf("conference %d: load: %w", id, err)
	}
	return c, nil
}

// Filter narrows a list of conferences.
type Filter struct {
	Year           int
	InstitutionIDs []int64 // nil: every institution
	PersonID       int64   // only those the person is a member of
	Limit, Offset  int
}

// List returns one page of conferences, newest first, and the number matching.
func List(ctx context.Context, q store.Querier, f Filter) ([]Conference, int, error) {
	where := []string{`a.kind IN ('conference', 'workshop')`}
	var args []any
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
	if f.PersonID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM enrolments e WHERE e.activity_id = a.id AND e.person_id = ? AND e.status <> 'withdrawn')`)
		args = append(args, f.PersonID)
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM activities a JOIN conferences c ON c.activity_id = a.id`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("conference: count: %w", err)
	}
	page, pargs := store.PageClause(f.Limit, f.Offset)
	out, err := store.QueryAll(ctx, q, scanConference, selectConferences+cond+` ORDER BY a.start_date DESC, a.id DESC`+page, append(args, pargs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("conference: list: %w", err)
	}
	return out, total, nil
}

// activityChanged reports whether in would change a's own fields.
func activityChanged(a activity.Activity, in activity.Input) bool {
	quarters, _ := activity.ParseQuarters(in.PlannedHours)
	return a.Kind != in.Kind || a.TitleZH != in.TitleZH || a.TitleEN != in.TitleEN || a.InstitutionID != in.InstitutionID ||
		a.DepartmentID != in.DepartmentID || a.DirectorID != in.DirectorID || a.StartDate != in.StartDate ||
		a.EndDate != in.EndDate || a.PlannedQuarters != quarters
}
