package conference

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Contribution is what one member gave at the conference.
type Contribution struct {
	ID          int64      `json:"id"`
	ActivityID  int64      `json:"activity_id"`
	PersonID    int64      `json:"person_id"`
	Type        string     `json:"type"`
	TitleZH     string     `json:"title_zh"`
	TitleEN     string     `json:"title_en"`
	Session     string     `json:"session"`
	CoAuthors   []CoAuthor `json:"co_authors"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PresenterZH string     `json:"presenter_zh"`
	PresenterEN string     `json:"presenter_en"`
}

// Title is the title in lang, falling back to the other language.
func (c Contribution) Title(lang string) string { return pick(lang, c.TitleZH, c.TitleEN) }

// Presenter is the presenter's name in lang.
func (c Contribution) Presenter(lang string) string { return pick(lang, c.PresenterZH, c.PresenterEN) }

// CoAuthorList is the co-authors in one line, as a form writes them.
func (c Contribution) CoAuthorList() string { return FormatCoAuthors(c.CoAuthors) }

// CoAuthor is a co-author: a person of MedEd or a name with an institution.
type CoAuthor struct {
	PersonID    int64  `json:"person_id,omitempty"`
	Name        string `json:"name"`
	Institution string `json:"institution"`
}

// ContributionInput describes a contribution.
type ContributionInput struct {
	PersonID  int64      `json:"person_id"`
	Type      string     `json:"type"`
	TitleZH   string     `json:"title_zh"`
	TitleEN   string     `json:"title_en"`
	Session   string     `json:"session"`
	CoAuthors []CoAuthor `json:"co_authors"`
}

// MaxCoAuthors is the most co-authors one contribution lists.
const MaxCoAuthors = 50

func (in *ContributionInput) check(ctx context.Context, q store.Querier) (validate.Errors, error) {
	in.Type, in.TitleZH, in.TitleEN = strings.TrimSpace(in.Type), strings.TrimSpace(in.TitleZH), strings.TrimSpace(in.TitleEN)
	in.Session = strings.TrimSpace(in.Session)
	var es validate.Errors
	es.OneOf("type", in.Type, Types)
	if in.TitleZH == "" {
		es.Add("title_zh", "error.required")
	}
	if in.TitleEN == "" {
		es.Add("title_en", "error.required")
	}
	es.MaxLen("title_zh", in.TitleZH, 300)
	es.MaxLen("title_en", in.TitleEN, 500)
	es.MaxLen("session", in.Session, 300)
	if len(in.CoAuthors) > MaxCoAuthors {
		es.Add("co_authors", "error.too_many_coauthors", MaxCoAuthors)
	}
	seen := map[string]bool{}
	for i := range in.CoAuthors {
		a := &in.CoAuthors[i]
		a.Name, a.Institution = strings.TrimSpace(a.Name), strings.TrimSpace(a.Institution)
		if a.PersonID != 0 {
			err := q.QueryRow(ctx, `SELECT CASE WHEN name_zh <> '' THEN name_zh ELSE name_en END FROM people WHERE id = ?`, a.PersonID).Scan(&a.Name)
			if errors.Is(err, sql.ErrNoRows) {
				es.Add("co_authors", "error.coauthor_not_found", i+1)
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		switch {
		case a.Name == "":
			es.Add("co_authors", "error.coauthor_name", i+1)
		case len([]rune(a.Name)) > 100 || len([]rune(a.Institution)) > 200:
			es.Add("co_authors", "error.coauthor_too_long", i+1)
		case a.PersonID != 0 && a.PersonID == in.PersonID:
			es.Add("co_authors", "error.coauthor_is_presenter", i+1)
		}
		k := strings.ToLower(a.Name + "|" + a.Institution)
		if a.PersonID != 0 {
			k = fmt.Sprint(a.PersonID)
		}
		if seen[k] {
			es.Add("co_authors", "error.coauthor_twice", i+1)
		}
		seen[k] = true
	}
	if in.PersonID == 0 {
		es.Add("person_id", "error.required")
	}
	return es, nil
}

// AddContribution records a member's contribution; its presenter becomes a
// presenter on the delegation. Only members may contribute.
func AddContribution(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in ContributionInput) (Contribution, error) {
	c, err := lock(ctx, tx, id)
	if err != nil {
		return Contribution{}, err
	}
	if err := changeable(c); err != nil {
		return Contribution{}, err
	}
	es, err := in.check(ctx, tx)
	if err != nil {
		return Contribution{}, fmt.Errorf("conference %d: contribution: %w", id, err)
	}
	if in.PersonID != 0 {
		ok, err := isMember(ctx, tx, id, in.PersonID)
		if err != nil {
			return Contribution{}, fmt.Errorf("conference %d: contribution: %w", id, err)
		}
		if !ok {
			es.Add("person_id", "error.not_member")
		}
	}
	if len(es) > 0 {
		return Contribution{}, es
	}
	now := store.Now()
	out := Contribution{ActivityID: id, PersonID: in.PersonID, Type: in.Type, TitleZH: in.TitleZH, TitleEN: in.TitleEN,
		Session: in.Session, CoAuthors: in.CoAuthors, CreatedAt: now, UpdatedAt: now}
	err = tx.QueryRow(ctx, `INSERT INTO conference_contributions (activity_id, person_id, type, title_zh, title_en,
		session_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, out.PersonID, out.Type,
		out.TitleZH, out.TitleEN, out.Session, now, now).Scan(&out.ID)
	if err != nil {
		return Contribution{}, fmt.Errorf("conference %d: contribution: %w", id, err)
	}
	for i, a := range out.CoAuthors {
		if _, err := tx.Exec(ctx, `INSERT INTO contribution_coauthors (contribution_id, position, person_id, name, institution)
			VALUES (?, ?, ?, ?, ?)`, out.ID, i+1, nullID(a.PersonID), a.Name, a.Institution); err != nil {
			return Contribution{}, fmt.Errorf("conference %d: co-author: %w", id, err)
		}
	}
	if err := setRole(ctx, tx, id, out.PersonID); err != nil {
		return Contribution{}, err
	}
	return out, audit.Record(ctx, tx, actor, audit.Change{Action: "add_contribution", Entity: "conference", EntityID: id,
		InstitutionID: c.InstitutionID, After: out})
}

// setRole keeps the member's enrolment role in step with their contributions.
func setRole(ctx context.Context, tx *store.Tx, id, personID int64) error {
	_, err := tx.Exec(ctx, `UPDATE enrolments SET role = CASE WHEN EXISTS (SELECT 1 FROM conference_contributions x
		WHERE x.activity_id = enrolments.activity_id AND x.person_id = enrolments.person_id) THEN 'presenter' ELSE 'delegate' END
		WHERE activity_id = ? AND person_id = ?`, id, personID)
	if err != nil {
		return fmt.Errorf("conference %d: role: %w", id, err)
	}
	return nil
}

// DeleteContribution removes a contribution recorded in error.
func DeleteContribution(ctx context.Context, tx *store.Tx, actor audit.Actor, contributionID int64) (Contribution, error) {
	before, err := GetContribution(ctx, tx, contributionID)
	if err != nil {
		return Contribution{}, err
	}
	c, err := lock(ctx, tx, before.ActivityID)
	if err != nil {
		return Contribution{}, err
	}
	if err := changeable(c); err != nil {
		return Contribution{}, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM contribution_coauthors WHERE contribution_id = ?`, contributionID); err != nil {
		return Contribution{}, fmt.Errorf("contribution %d: delete: %w", contributionID, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM conference_contributions WHERE id = ?`, contributionID); err != nil {
		return Contribution{}, fmt.Errorf("contribution %d: delete: %w", contributionID, err)
	}
	if err := setRole(ctx, tx, before.ActivityID, before.PersonID); err != nil {
		return Contribution{}, err
	}
	return before, audit.Record(ctx, tx, actor, audit.Change{Action: "delete_contribution", Entity: "conference",
		EntityID: before.ActivityID, InstitutionID: c.InstitutionID, Before: before})
}

const contributionColumns = `x.id, x.activity_id, x.person_id, x.type, x.title_zh, x.title_en, x.session_name,
	x.created_at, x.updated_at, p.name_zh, p.name_en`

func scanContribution(s store.Scanner) (Contribution, error) {
	var c Contribution
	err := s.Scan(&c.ID, &c.ActivityID, &c.PersonID, &c.Type, &c.TitleZH, &c.TitleEN, &c.Session, &c.CreatedAt,
		&c.UpdatedAt, &c.PresenterZH, &c.PresenterEN)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// GetContribution returns one contribution with its co-authors.
func GetContribution(ctx context.Context, q store.Querier, id int64) (Contribution, error) {
	c, err := scanContribution(q.QueryRow(ctx, `SELECT `+contributionColumns+`
		FROM conference_contributions x JOIN people p ON p.id = x.person_id WHERE x.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Contribution{}, ErrNotFound
	}
	if err != nil {
		return Contribution{}, fmt.Errorf("contribution %d: load: %w", id, err)
	}
	list := []Contribution{c}
	if err := withCoAuthors(ctx, q, list); err != nil {
		return Contribution{}, err
	}
	return list[0], nil
}

// Contributions lists a conference's contributions in the order of the types.
func Contributions(ctx context.Context, q store.Querier, id int64) ([]Contribution, error) {
	list, err := store.QueryAll(ctx, q, scanContribution, `SELECT `+contributionColumns+`
		FROM conference_contributions x JOIN people p ON p.id = x.person_id WHERE x.activity_id = ?
		ORDER BY `+typeOrder+`, x.id`, id)
	if err != nil {
		return nil, fmt.Errorf("conference %d: contributions: %w", id, err)
	}
	return list, withCoAuthors(ctx, q, list)
}

// typeOrder sorts contributions as Types lists them (keynote first).
var typeOrder = func() string {
	var b strings.Builder
	b.WriteString("CASE x.type")
	for i, t := range Types {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", t, i)
	}
	b.WriteString(" ELSE 99 END")
	return b.String()
}()

// withCoAuthors fills the co-authors of list in one query.
func withCoAuthors(ctx context.Context, q store.Querier, list []Contribution) error {
	if len(list) == 0 {
		return nil
	}
	index := map[int64]int{}
	ids := make([]int64, len(list))
	for i, c := range list {
		index[c.ID], ids[i] = i, c.ID
		list[i].CoAuthors = []CoAuthor{}
	}
	type row struct {
		contribution int64
		CoAuthor
	}
	rows, err := store.QueryAll(ctx, q, func(s store.Scanner) (row, error) {
		var r row
		var pid sql.NullInt64
		err := s.Scan(&r.contribution, &pid, &r.Name, &r.Institution)
		r.PersonID = pid.Int64
		return r, err
	}, `SELECT contribution_id, person_id, name, institution FROM contribution_coauthors
		WHERE contribution_id IN (`+store.Marks(len(ids))+`) ORDER BY contribution_id, position`, store.Args(ids)...)
	if err != nil {
		return fmt.Errorf("conference: co-authors: %w", err)
	}
	for _, r := range rows {
		i := index[r.contribution]
		list[i].CoAuthors = append(list[i].CoAuthors, r.CoAuthor)
	}
	return nil
}
