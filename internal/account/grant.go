package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// roleNames lists Roles as strings, for error.invalid_choice.
func roleNames() []string {
	out := make([]string, len(Roles))
	for i, r := range Roles {
		out[i] = string(r)
	}
	return out
}

// checkGrant validates the scope of g for its role, adding problems to es
// under prefix+field. It fills in the institution of a department grant.
//
//   - admin, learner: no scope
//   - education_office, partnership_office: an institution
//   - department_reviewer: a department (its institution is filled in)
//   - project_director, lecturer, auditor: an optional institution
func checkGrant(ctx context.Context, q store.Querier, g *Grant, prefix string, es *validate.Errors) error {
	if !g.Role.Valid() {
		es.OneOf(prefix+"role", string(g.Role), roleNames())
		return nil
	}
	noScope := func(field string, id int64) {
		if id != 0 {
			es.Add(prefix+field, "error.scope_not_allowed")
		}
	}
	checkInstitution := true
	switch g.Role {
	case Admin, Learner:
		noScope("institution_id", g.InstitutionID)
		noScope("department_id", g.DepartmentID)
		checkInstitution = false
	case EducationOffice, PartnershipOffice:
		if g.InstitutionID == 0 {
			es.Add(prefix+"institution_id", "error.required")
		}
		noScope("department_id", g.DepartmentID)
	case DepartmentReviewer:
		checkInstitution = false
		if g.DepartmentID == 0 {
			es.Add(prefix+"department_id", "error.required")
			break
		}
		var inst int64
		err := q.QueryRow(ctx, `SELECT institution_id FROM departments WHERE id = ?`, g.DepartmentID).Scan(&inst)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			es.Add(prefix+"department_id", "error.not_found")
		case err != nil:
			return fmt.Errorf("account: load department %d: %w", g.DepartmentID, err)
		case g.InstitutionID != 0 && g.InstitutionID != inst:
			es.Add(prefix+"department_id", "error.department_mismatch")
		default:
			g.InstitutionID = inst
		}
	default:
		noScope("department_id", g.DepartmentID)
	}
	if checkInstitution && g.InstitutionID != 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM institutions WHERE id = ?`, g.InstitutionID).Scan(&n); err != nil {
			return fmt.Errorf("account: check institution %d: %w", g.InstitutionID, err)
		}
		if n == 0 {
			es.Add(prefix+"institution_id", "error.not_found")
		}
	}
	return nil
}

func insertGrant(ctx context.Context, tx *store.Tx, accountID int64, g Grant) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO account_roles (account_id, role, institution_id, department_id, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`,
		accountID, g.Role, nullID(g.InstitutionID), nullID(g.DepartmentID), store.Now()).Scan(&id)
	if store.IsUniqueViolation(err) {
		return 0, validate.Field("role", "error.duplicate")
	}
	if err != nil {
		return 0, fmt.Errorf("account %d: add grant: %w", accountID, err)
	}
	return id, nil
}

// loadGrants returns the grants of the given accounts, oldest first.
func loadGrants(ctx context.Context, q store.Querier, accountIDs ...int64) (map[int64][]Grant, error) {
	out := make(map[int64][]Grant, len(accountIDs))
	for start := 0; start < len(accountIDs); start += maxParams {
		chunk := accountIDs[start:min(start+maxParams, len(accountIDs))]
		rows, err := q.Query(ctx, `SELECT id, account_id, role, institution_id, department_id FROM account_roles
			WHERE account_id IN (`+store.Marks(len(chunk))+`) ORDER BY id`, store.Args(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("account: load grants: %w", err)
		}
		for rows.Next() {
			var g Grant
			var account int64
			var inst, dept sql.NullInt64
			if err := rows.Scan(&g.ID, &account, &g.Role, &inst, &dept); err != nil {
				rows.Close()
				return nil, fmt.Errorf("account: scan grant: %w", err)
			}
			g.InstitutionID, g.DepartmentID = inst.Int64, dept.Int64
			out[account] = append(out[account], g)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("account: load grants: %w", err)
		}
	}
	return out, nil
}

// AddGrant gives an account a role. The scope rules are those of
// checkGrant; a grant the account already holds is error.duplicate.
func AddGrant(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, g Grant) (Grant, error) {
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return Grant{}, fmt.Errorf("account %d: %w", accountID, err)
	}
	var es validate.Errors
	if err := checkGrant(ctx, tx, &g, "", &es); err != nil {
		return Grant{}, err
	}
	for _, have := range a.Grants {
		if have.Role == g.Role && have.InstitutionID == g.InstitutionID && have.DepartmentID == g.DepartmentID {
			es.Add("role", "error.duplicate")
		}
	}
	if err := es.Err(); err != nil {
		return Grant{}, err
	}
	if g.ID, err = insertGrant(ctx, tx, accountID, g); err != nil {
		return Grant{}, err
	}
	inst, err := grantInstitution(ctx, tx, a, g)
	if err != nil {
		return Grant{}, err
	}
	err = audit.Record(ctx, tx, actor, audit.Change{
		Action: "add_grant", Entity: "account", EntityID: accountID, InstitutionID: inst, After: g,
	})
	if err != nil {
		return Grant{}, err
	}
	return g, nil
}

// RemoveGrant takes a role away. It returns ErrNotFound when the grant is
// not that account's and ErrLastAdmin when it would leave no administrator.
func RemoveGrant(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID, grantID int64) error {
	a, err := Get(ctx, tx, accountID)
	if err != nil {
		return fmt.Errorf("account %d: %w", accountID, err)
	}
	var g Grant
	for _, have := range a.Grants {
		if have.ID == grantID {
			g = have
		}
	}
	if g.ID == 0 {
		return fmt.Errorf("account %d: grant %d: %w", accountID, grantID, ErrNotFound)
	}
	if g.Role == Admin {
		if err := keepAnAdmin(ctx, tx, a); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM account_roles WHERE id = ? AND account_id = ?`, grantID, accountID); err != nil {
		return fmt.Errorf("account %d: remove grant %d: %w", accountID, grantID, err)
	}
	inst, err := grantInstitution(ctx, tx, a, g)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, audit.Change{
		Action: "remove_grant", Entity: "account", EntityID: accountID, InstitutionID: inst, Before: g,
	})
}

// grantInstitution files a grant change under the grant's institution, so
// the office of that institution sees who was given a role there; otherwise
// under the account's institution.
func grantInstitution(ctx context.Context, q store.Querier, a Account, g Grant) (int64, error) {
	if g.InstitutionID != 0 {
		return g.InstitutionID, nil
	}
	return auditInstitution(ctx, q, a)
}

// maxParams bounds the ids sent in one IN list (SQLite allows 32,766
// parameters, PostgreSQL 65,535).
const maxParams = 500
