package account

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

// Registration statuses.
const (
	RegistrationPending  = "pending"
	RegistrationApproved = "approved"
	RegistrationRejected = "rejected"
)

// RegistrationStatuses lists the statuses of a registration.
var RegistrationStatuses = []string{RegistrationPending, RegistrationApproved, RegistrationRejected}

// Person categories and professional titles a registration may give
// (DESIGN.md §6).
var (
	Categories = []string{"physician", "nurse", "technician", "pharmacist", "resident", "student", "teacher", "administrator", "other"}
	Titles     = []string{"junior", "intermediate", "associate_senior", "senior", "none"}
)

// RegistrationInput is what an outside learner fills in to ask for an
// account. InstitutionID is the institution they register with (whose
// office reviews the request); InstitutionName is their own employer, as
// they write it.
type RegistrationInput struct {
	NameZH          string `json:"name_zh"`
	NameEN          string `json:"name_en"`
	Email           string `json:"email"`
	Phone           string `json:"phone"`
	InstitutionName string `json:"institution_name"`
	Category        string `json:"category"`
	Title           string `json:"title"`
	Password        string `json:"password"`
	InstitutionID   int64  `json:"institution_id"`
}

// Registration is a request for a learner account awaiting review.
type Registration struct {
	ID              int64      `json:"id"`
	NameZH          string     `json:"name_zh"`
	NameEN          string     `json:"name_en"`
	Email           string     `json:"email"`
	Phone           string     `json:"phone"`
	InstitutionName string     `json:"institution_name"`
	Category        string     `json:"category"`
	Title           string     `json:"title"`
	InstitutionID   int64      `json:"institution_id"`
	Status          string     `json:"status"`
	Reason          string     `json:"reason"`
	CreatedAt       time.Time  `json:"created_at"`
	ReviewedAt      *time.Time `json:"reviewed_at"`
	ReviewedBy      int64      `json:"reviewed_by"`
	AccountID       int64      `json:"account_id"`
}

// registrationActor records self-registrations, which nobody signed in makes.
var registrationActor = audit.System("self-registration")

// Register stores a registration as pending. Email or phone is required
// (the account will log in with them) and must not belong to an account
// or another pending registration. The password is hashed at once.
func Register(ctx context.Context, tx *store.Tx, in RegistrationInput) (Registration, error) {
	r := Registration{
		NameZH:          strings.TrimSpace(in.NameZH),
		NameEN:          strings.TrimSpace(in.NameEN),
		Email:           validate.NormalizeEmail(in.Email),
		Phone:           validate.NormalizePhone(in.Phone),
		InstitutionName: strings.TrimSpace(in.InstitutionName),
		Category:        strings.TrimSpace(in.Category),
		Title:           strings.TrimSpace(in.Title),
		InstitutionID:   in.InstitutionID,
		Status:          RegistrationPending,
	}
	if r.Category == "" {
		r.Category = "other"
	}
	if r.Title == "" {
		r.Title = "none"
	}
	var es validate.Errors
	if r.NameZH == "" && r.NameEN == "" {
		es.Add("name_zh", "error.required")
	}
	es.MaxLen("name_zh", r.NameZH, 100)
	es.MaxLen("name_en", r.NameEN, 100)
	if r.Email == "" && r.Phone == "" {
		es.Add("email", "error.login_required")
	}
	es.Email("email", r.Email)
	es.Phone("phone", strings.TrimSpace(in.Phone))
	es.MaxLen("institution_name", r.InstitutionName, 200)
	es.OneOf("category", r.Category, Categories)
	es.OneOf("title", r.Title, Titles)
	if r.InstitutionID == 0 {
		es.Add("institution_id", "error.required")
	} else {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM institutions WHERE id = ?`, r.InstitutionID).Scan(&n); err != nil {
			return Registration{}, fmt.Errorf("registration: check institution %d: %w", r.InstitutionID, err)
		}
		if n == 0 {
			es.Add("institution_id", "error.not_found")
		}
	}
	for _, f := range []struct{ field, value string }{{"email", r.Email}, {"phone", r.Phone}} {
		if f.value == "" || es.Has(f.field) {
			continue
		}
		taken, err := identifierTaken(ctx, tx, f.value, 0)
		if err != nil {
			return Registration{}, err
		}
		var pending int
		if !taken {
			err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM registrations WHERE status = ? AND `+f.field+` = ?`,
				RegistrationPending, f.value).Scan(&pending)
			if err != nil {
				return Registration{}, fmt.Errorf("registration: check %s: %w", f.field, err)
			}
		}
		if taken || pending > 0 {
			es.Add(f.field, "error.duplicate")
		}
	}
	checkPasswordPolicy(&es, "password", in.Password, r.Email, r.Phone)
	if err := es.Err(); err != nil {
		return Registration{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return Registration{}, err
	}
	r.CreatedAt = store.Now()
	err = tx.QueryRow(ctx, `INSERT INTO registrations
		(name_zh, name_en, email, phone, institution_name, category, title, password_hash, institution_id, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.NameZH, r.NameEN, r.Email, r.Phone, r.InstitutionName, r.Category, r.Title, hash, r.InstitutionID,
		r.Status, r.CreatedAt).Scan(&r.ID)
	if err != nil {
		return Registration{}, fmt.Errorf("registration: insert: %w", err)
	}
	err = audit.Record(ctx, tx, registrationActor, audit.Change{
		Action: "create", Entity: "registration", EntityID: r.ID, InstitutionID: r.InstitutionID, After: r,
	})
	if err != nil {
		return Registration{}, err
	}
	return r, nil
}

const registrationColumns = `id, name_zh, name_en, email, phone, institution_name, category, title, institution_id,
	status, reason, created_at, reviewed_at, reviewed_by, account_id`

func scanRegistration(row scanner, extra ...any) (Registration, error) {
	var r Registration
	var reviewedAt sql.NullTime
	var reviewedBy, account sql.NullInt64
	dest := append([]any{&r.ID, &r.NameZH, &r.NameEN, &r.Email, &r.Phone, &r.InstitutionName, &r.Category, &r.Title,
		&r.InstitutionID, &r.Status, &r.Reason, &r.CreatedAt, &reviewedAt, &reviewedBy, &account}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.ReviewedAt, r.ReviewedBy, r.AccountID = timePtr(reviewedAt), reviewedBy.Int64, account.Int64
	return r, nil
}

// RegistrationByID returns one registration.
func RegistrationByID(ctx context.Context, q store.Querier, id int64) (Registration, error) {
	r, err := scanRegistration(q.QueryRow(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("registration %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("registration %d: load: %w", id, err)
	}
	return r, nil
}

// Registrations lists registrations, oldest first. institutionIDs nil
// means every institution and an empty slice none; status "" means any.
func Registrations(ctx context.Context, q store.Querier, institutionIDs []int64, status string) ([]Registration, error) {
	var es validate.Errors
	if status != "" {
		es.OneOf("status", status, RegistrationStatuses)
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	out := []Registration{}
	if institutionIDs != nil && len(institutionIDs) == 0 {
		return out, nil
	}
	var where []string
	var args []any
	if status != "" {
		where = append(where, "status = ?")
		args = append(args, status)
	}
	if institutionIDs != nil {
		where = append(where, "institution_id IN ("+store.Marks(len(institutionIDs))+")")
		args = append(args, store.Args(institutionIDs)...)
	}
	query := `SELECT ` + registrationColumns + ` FROM registrations`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.Query(ctx, query+" ORDER BY created_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("registration: list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, fmt.Errorf("registration: scan: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registration: list: %w", err)
	}
	return out, nil
}

// claimRegistration moves a pending registration to status, returning
// ErrNotFound for no such registration and ErrConflict for one already
// reviewed. The conditional update makes two reviewers racing end with
// one winner.
func claimRegistration(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, status, reason string) (Registration, string, error) {
	r, err := RegistrationByID(ctx, tx, id)
	if err != nil {
		return r, "", err
	}
	var hash string
	if err := tx.QueryRow(ctx, `SELECT password_hash FROM registrations WHERE id = ?`, id).Scan(&hash); err != nil {
		return r, "", fmt.Errorf("registration %d: load: %w", id, err)
	}
	now := store.Now()
	// The password hash moves to the account (or is dropped on rejection):
	// a reviewed registration keeps no secret.
	res, err := tx.Exec(ctx, `UPDATE registrations SET status = ?, reason = ?, reviewed_at = ?, reviewed_by = ?, password_hash = ''
		WHERE id = ? AND status = ?`, status, reason, now, nullID(actor.AccountID), id, RegistrationPending)
	if err != nil {
		return r, "", fmt.Errorf("registration %d: review: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return r, "", errors.Join(fmt.Errorf("registration %d is %s: %w", id, r.Status, ErrConflict), err)
	}
	r.Status, r.Reason, r.ReviewedAt, r.ReviewedBy = status, reason, &now, actor.AccountID
	return r, hash, nil
}

// ApproveRegistration creates the learner account of a pending
// registration for personID (the caller creates that person in the same
// transaction) with the registered email, phone and password, and marks
// the registration approved. Reviewing twice is ErrConflict.
func ApproveRegistration(ctx context.Context, tx *store.Tx, actor audit.Actor, id, personID int64) (Account, error) {
	if personID == 0 {
		return Account{}, validate.Field("person_id", "error.required")
	}
	r, hash, err := claimRegistration(ctx, tx, actor, id, RegistrationApproved, "")
	if err != nil {
		return Account{}, err
	}
	a, err := createHashed(ctx, tx, actor, NewAccount{
		PersonID:    personID,
		Email:       r.Email,
		Phone:       r.Phone,
		DisplayName: firstNonEmpty(r.NameZH, r.NameEN),
		Grants:      []Grant{{Role: Learner}},
	}, hash)
	if err != nil {
		return Account{}, fmt.Errorf("registration %d: %w", id, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE registrations SET account_id = ? WHERE id = ?`, a.ID, id); err != nil {
		return Account{}, fmt.Errorf("registration %d: link account: %w", id, err)
	}
	r.AccountID = a.ID
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "approve", Entity: "registration", EntityID: id, InstitutionID: r.InstitutionID,
		Before: map[string]string{"status": RegistrationPending}, After: r,
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// RejectRegistration refuses a pending registration, with a reason the
// applicant may be shown. Reviewing twice is ErrConflict.
func RejectRegistration(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	var es validate.Errors
	es.MaxLen("reason", reason, 1000)
	if err := es.Err(); err != nil {
		return err
	}
	r, _, err := claimRegistration(ctx, tx, actor, id, RegistrationRejected, reason)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, audit.Change{
		Action: "reject", Entity: "registration", EntityID: id, InstitutionID: r.InstitutionID,
		Before: map[string]string{"status": RegistrationPending}, After: r,
	})
}
