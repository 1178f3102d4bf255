// Package account holds logins and what they may do: accounts and their
// scoped role grants, argon2id passwords, failed-login throttling, server-side
// web sessions, API tokens, password reset links, bulk accounts for imported
// people, self-registration of outside learners, and the Principal that the
// web layer asks "may this account do that, and where?".
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
)

// Role is what a grant lets an account do; see DESIGN.md §1.
type Role string

const (
	Admin              Role = "admin"
	EducationOffice    Role = "education_office"
	DepartmentReviewer Role = "department_reviewer"
	ProjectDirector    Role = "project_director"
	Lecturer           Role = "lecturer"
	PartnershipOffice  Role = "partnership_office"
	Learner            Role = "learner"
	Auditor            Role = "auditor"
)

// Roles lists every role in the order pages show them.
var Roles = []Role{Admin, EducationOffice, DepartmentReviewer, ProjectDirector, Lecturer, PartnershipOffice, Learner, Auditor}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Locales an account may choose; "" follows the browser.
var Locales = []string{"", "zh-CN", "en"}

var (
	ErrNotFound = errors.New("account: not found")
	// ErrConflict refuses a change that the current state forbids, such as
	// reviewing a registration twice.
	ErrConflict = errors.New("account: conflicting change")
	// ErrLastAdmin refuses to disable or demote the last enabled administrator.
	ErrLastAdmin = fmt.Errorf("%w: the last administrator must stay", ErrConflict)
)

// Grant gives an account a role, optionally scoped to an institution (and
// its descendants) or a department.
type Grant struct {
	ID            int64 `json:"id"`
	Role          Role  `json:"role"`
	InstitutionID int64 `json:"institution_id"`
	DepartmentID  int64 `json:"department_id"`
}

// Account is a login. PersonID is 0 for accounts without a person (a
// system administrator). Username, Email and Phone are stored normalized.
type Account struct {
	ID                 int64      `json:"id"`
	PersonID           int64      `json:"person_id"`
	Username           string     `json:"username"`
	Email              string     `json:"email"`
	Phone              string     `json:"phone"`
	DisplayName        string     `json:"display_name"`
	Locale             string     `json:"locale"`
	MustChangePassword bool       `json:"must_change_password"`
	Disabled           bool       `json:"disabled"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	LastLoginAt        *time.Time `json:"last_login_at"`
	Grants             []Grant    `json:"grants"`
}

// NewAccount is the input of Create. At least one of Username, Email and
// Phone is required. DisplayName defaults to the person's name.
type NewAccount struct {
	PersonID           int64   `json:"person_id"`
	Username           string  `json:"username"`
	Email              string  `json:"email"`
	Phone              string  `json:"phone"`
	DisplayName        string  `json:"display_name"`
	Locale             string  `json:"locale"`
	Password           string  `json:"password"`
	MustChangePassword bool    `json:"must_change_password"`
	Grants             []Grant `json:"grants"`
	// Hasher sets the cost of hashing Password; the zero value means
	// DefaultHasher. Tests and bulk tools may choose a cheaper one; a login
	// upgrades the hash to DefaultHasher.
	Hasher Hasher `json:"-"`
}

// ActorFor is the audit actor for changes a signed-in account makes.
func ActorFor(a Account, ip string) audit.Actor {
	label := a.DisplayName
	if label == "" {
		label = a.Username
	}
	if label == "" {
		label = fmt.Sprintf("account %d", a.ID)
	}
	return audit.Actor{AccountID: a.ID, Label: label, IP: ip}
}

const accountColumns = `a.id, a.person_id, a.username, a.email, a.phone, a.display_name, a.locale,
	a.must_change_password, a.disabled, a.created_at, a.updated_at, a.last_login_at`

type scanner interface{ Scan(dest ...any) error }

func scanAccount(row scanner, extra ...any) (Account, error) {
	var a Account
	var person sql.NullInt64
	var username, email, phone sql.NullString
	var lastLogin sql.NullTime
	dest := append([]any{&a.ID, &person, &username, &email, &phone, &a.DisplayName, &a.Locale,
		&a.MustChangePassword, &a.Disabled, &a.CreatedAt, &a.UpdatedAt, &lastLogin}, extra...)
	if err := row.Scan(dest...); err != nil {
		return a, err
	}
	a.PersonID, a.Username, a.Email, a.Phone = person.Int64, username.String, email.String, phone.String
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if lastLogin.Valid {
		t := lastLogin.Time.UTC()
		a.LastLoginAt = &t
	}
	return a, nil
}

// Get returns an account with its grants.
func Get(ctx context.Context, q store.Querier, id int64) (Account, error) {
	return getWhere(ctx, q, "a.id = ?", id)
}

// ByPerson returns the account of a person, with its grants.
func ByPerson(ctx context.Context, q store.Querier, personID int64) (Account, error) {
	a, err := getWhere(ctx, q, "a.person_id = ?", personID)
	if err != nil {
		return a, fmt.Errorf("person %d: %w", personID, err)
	}
	return a, nil
}

func getWhere(ctx context.Context, q store.Querier, cond string, arg int64) (Account, error) {
	a, err := scanAccount(q.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("account: %w", ErrNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("account: load: %w", err)
	}
	grants, err := loadGrants(ctx, q, a.ID)
	if err != nil {
		return Account{}, err
	}
	a.Grants = grants[a.ID]
	if a.Grants == nil {
		a.Grants = []Grant{}
	}
	return a, nil
}

// getWithHash loads an account together with its password hash.
func getWithHash(ctx context.Context, q store.Querier, id int64) (Account, string, error) {
	var hash string
	a, err := scanAccount(q.QueryRow(ctx, `SELECT `+accountColumns+`, a.password_hash FROM accounts a WHERE a.id = ?`, id), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, "", fmt.Errorf("account %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Account{}, "", fmt.Errorf("account %d: load: %w", id, err)
	}
	grants, err := loadGrants(ctx, q, id)
	if err != nil {
		return Account{}, "", err
	}
	a.Grants = grants[id]
	return a, hash, nil
}

// record writes an audit entry about account a.
func record(ctx context.Context, tx *store.Tx, actor audit.Actor, action string, a Account, before, after any) error {
	inst, err := auditInstitution(ctx, tx, a)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, audit.Change{
		Action: action, Entity: "account", EntityID: a.ID, InstitutionID: inst, Before: before, After: after,
	})
}

// auditInstitution is the institution whose offices may read audit entries
// about a: its person's institution, else its first scoped grant's.
func auditInstitution(ctx context.Context, q store.Querier, a Account) (int64, error) {
	if a.PersonID != 0 {
		var inst int64
		err := q.QueryRow(ctx, `SELECT institution_id FROM people WHERE id = ?`, a.PersonID).Scan(&inst)
		if err == nil {
			return inst, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("account %d: load person institution: %w", a.ID, err)
		}
	}
	for _, g := range a.Grants {
		if g.InstitutionID != 0 {
			return g.InstitutionID, nil
		}
	}
	return 0, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
