package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Create validates in, hashes its password and stores the account with its
// grants. Problems come back as validate.Errors naming the field.
func Create(ctx context.Context, tx *store.Tx, actor audit.Actor, in NewAccount) (Account, error) {
	a, es, err := checkNew(ctx, tx, in)
	if err != nil {
		return Account{}, err
	}
	checkPasswordPolicy(&es, "password", in.Password, a.Username, a.Email, a.Phone, a.staffNumber)
	if err := es.Err(); err != nil {
		return Account{}, err
	}
	h := in.Hasher
	if h == (Hasher{}) {
		h = DefaultHasher
	}
	hash, err := h.Hash(in.Password)
	if err != nil {
		return Account{}, err
	}
	return insert(ctx, tx, actor, a.Account, hash)
}

// createHashed is Create for a password hashed beforehand (an approved
// registration, bulk creation); in.Password is ignored.
func createHashed(ctx context.Context, tx *store.Tx, actor audit.Actor, in NewAccount, hash string) (Account, error) {
	a, es, err := checkNew(ctx, tx, in)
	if err != nil {
		return Account{}, err
	}
	if err := es.Err(); err != nil {
		return Account{}, err
	}
	return insert(ctx, tx, actor, a.Account, hash)
}

type checkedAccount struct {
	Account
	staffNumber string
}

// checkNew normalizes and validates everything of in but the password.
func checkNew(ctx context.Context, q store.Querier, in NewAccount) (checkedAccount, validate.Errors, error) {
	var es validate.Errors
	a := checkedAccount{Account: Account{
		PersonID:           in.PersonID,
		Username:           strings.ToLower(strings.TrimSpace(in.Username)),
		Email:              validate.NormalizeEmail(in.Email),
		Phone:              validate.NormalizePhone(in.Phone),
		DisplayName:        strings.TrimSpace(in.DisplayName),
		Locale:             in.Locale,
		MustChangePassword: in.MustChangePassword,
	}}
	if a.Username == "" && a.Email == "" && a.Phone == "" {
		es.Add("username", "error.login_required")
	}
	if a.Username != "" && !usernamePattern.MatchString(a.Username) {
		es.Add("username", "error.invalid_username")
	}
	es.Email("email", a.Email)
	es.Phone("phone", strings.TrimSpace(in.Phone))
	es.MaxLen("display_name", a.DisplayName, 100)
	es.OneOf("locale", a.Locale, Locales)
	for _, f := range []struct{ field, value string }{{"username", a.Username}, {"email", a.Email}, {"phone", a.Phone}} {
		if f.value == "" || es.Has(f.field) {
			continue
		}
		taken, err := identifierTaken(ctx, q, f.value, 0)
		if err != nil {
			return a, nil, err
		}
		if taken {
			es.Add(f.field, "error.duplicate")
		}
	}
	if a.PersonID != 0 {
		var nameZh, nameEn string
		var staff sql.NullString
		var existing int
		err := q.QueryRow(ctx, `SELECT p.name_zh, p.name_en, p.staff_number,
			(SELECT COUNT(*) FROM accounts WHERE person_id = p.id) FROM people p WHERE p.id = ?`, a.PersonID).
			Scan(&nameZh, &nameEn, &staff, &existing)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			es.Add("person_id", "error.not_found")
		case err != nil:
			return a, nil, fmt.Errorf("account: load person %d: %w", a.PersonID, err)
		case existing > 0:
			es.Add("person_id", "error.duplicate")
		default:
			a.staffNumber = staff.String
			if a.DisplayName == "" {
				a.DisplayName = firstNonEmpty(nameZh, nameEn)
			}
		}
	}
	if a.DisplayName == "" {
		a.DisplayName = firstNonEmpty(a.Username, a.Email, a.Phone)
	}
	for i := range in.Grants {
		g := in.Grants[i]
		prefix := fmt.Sprintf("grants[%d].", i)
		if err := checkGrant(ctx, q, &g, prefix, &es); err != nil {
			return a, nil, err
		}
		for _, prev := range a.Grants {
			if prev.Role == g.Role && prev.InstitutionID == g.InstitutionID && prev.DepartmentID == g.DepartmentID {
				es.Add(prefix+"role", "error.duplicate")
			}
		}
		a.Grants = append(a.Grants, g)
	}
	return a, es, nil
}

// identifierTaken reports whether v is the username, email or phone of an
// account other than except: the three kinds share one namespace, so a
// login never matches two accounts.
func identifierTaken(ctx context.Context, q store.Querier, v string, except int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE (username = ? OR email = ? OR phone = ?) AND id <> ?`,
		v, v, v, except).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("account: check identifier: %w", err)
	}
	return n > 0, nil
}

// insert stores a checked account and its grants and records the change.
func insert(ctx context.Context, tx *store.Tx, actor audit.Actor, a Account, hash string) (Account, error) {
	now := store.Now()
	err := tx.QueryRow(ctx, `INSERT INTO accounts
		(person_id, username, email, phone, display_name, password_hash, locale, must_change_password, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(a.PersonID), nullString(a.Username), nullString(a.Email), nullString(a.Phone), a.DisplayName,
		hash, a.Locale, a.MustChangePassword, false, now, now).Scan(&a.ID)
	if err != nil {
		if store.IsUniqueViolation(err) {
			return Account{}, validate.Field(uniqueField(err), "error.duplicate")
		}
		return Account{}, fmt.Errorf("account: insert: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = now, now
	grants := a.Grants
	a.Grants = make([]Grant, 0, len(grants))
	for _, g := range grants {
		if g.ID, err = insertGrant(ctx, tx, a.ID, g); err != nil {
			return Account{}, err
		}
		a.Grants = append(a.Grants, g)
	}
	inst, err := auditInstitution(ctx, tx, a)
	if err != nil {
		return Account{}, err
	}
	type created struct {
		Account
		PasswordHash string `json:"password_hash"`
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "create", Entity: "account", EntityID: a.ID, InstitutionID: inst, After: created{a, hash},
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// uniqueField names the field behind a unique violation that slipped past
// the checks (two writers at once); both drivers name the column.
func uniqueField(err error) string {
	msg := err.Error()
	for _, f := range []string{"email", "phone", "person_id"} {
		if strings.Contains(msg, f) {
			return f
		}
	}
	return "username"
}
