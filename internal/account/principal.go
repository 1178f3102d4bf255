package account

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/meded/meded/internal/store"
)

// Principal is a signed-in account with its grants resolved into scopes,
// which the web layer asks before each action. An administrator holds every
// role everywhere; an auditor without an institution reads everywhere.
type Principal struct {
	Account Account
	Grants  []Grant

	admin  bool
	scopes map[Role]*scope
}

// scope is where one role of a principal applies.
type scope struct {
	all          bool
	institutions map[int64]bool
	departments  map[int64]bool
}

// LoadPrincipal resolves the grants of a (as Get or SessionAccount return
// it): each institution-scoped grant covers its institution and every
// descendant; a department_reviewer grant covers its department and, for
// InInstitution, only the department's own institution. A disabled account
// gets no grants.
func LoadPrincipal(ctx context.Context, q store.Querier, a Account) (*Principal, error) {
	p := &Principal{Account: a, scopes: map[Role]*scope{}}
	if a.Disabled {
		return p, nil
	}
	p.Grants = slices.Clone(a.Grants)
	var roots []int64
	for _, g := range p.Grants {
		if g.InstitutionID != 0 && g.Role != DepartmentReviewer {
			roots = append(roots, g.InstitutionID)
		}
	}
	slices.Sort(roots)
	tree, err := descendants(ctx, q, slices.Compact(roots))
	if err != nil {
		return nil, fmt.Errorf("account %d: principal: %w", a.ID, err)
	}
	for _, g := range p.Grants {
		s := p.scopes[g.Role]
		if s == nil {
			s = &scope{institutions: map[int64]bool{}, departments: map[int64]bool{}}
			p.scopes[g.Role] = s
		}
		switch {
		case g.Role == Admin:
			p.admin = true
			s.all = true
		case g.Role == Auditor && g.InstitutionID == 0:
			s.all = true
		case g.Role == DepartmentReviewer:
			s.institutions[g.InstitutionID] = true
			s.departments[g.DepartmentID] = true
		case g.InstitutionID != 0:
			for _, id := range tree[g.InstitutionID] {
				s.institutions[id] = true
			}
		}
	}
	return p, nil
}

// descendants maps each of roots to itself and every institution below it,
// with one recursive query (UNION, not UNION ALL, so a parent cycle in bad
// data ends instead of looping).
func descendants(ctx context.Context, q store.Querier, roots []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(roots) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `WITH RECURSIVE tree(root, id) AS (
			SELECT id, id FROM institutions WHERE id IN (`+store.Marks(len(roots))+`)
			UNION
			SELECT tree.root, i.id FROM institutions i JOIN tree ON i.parent_id = tree.id
		)
		SELECT root, id FROM tree ORDER BY root, id`, store.Args(roots)...)
	if err != nil {
		return nil, fmt.Errorf("institution tree: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var root, id int64
		if err := rows.Scan(&root, &id); err != nil {
			return nil, fmt.Errorf("institution tree: %w", err)
		}
		out[root] = append(out[root], id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("institution tree: %w", err)
	}
	return out, nil
}

// selected returns the scopes of roles, or of every role held when roles
// is empty.
func (p *Principal) selected(roles []Role) []*scope {
	var out []*scope
	if len(roles) == 0 {
		for _, s := range p.scopes {
			out = append(out, s)
		}
		return out
	}
	for _, r := range roles {
		if s := p.scopes[r]; s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Has reports whether p holds any of roles (an administrator holds them
// all), or any role at all when roles is empty.
func (p *Principal) Has(roles ...Role) bool {
	if p == nil {
		return false
	}
	return p.admin || len(p.selected(roles)) > 0
}

// Institutions returns the union of the institutions where p acts in any
// of roles (every role held when roles is empty), sorted, or all=true when
// one of them applies everywhere: admin always, auditor without scope.
func (p *Principal) Institutions(roles ...Role) (ids []int64, all bool) {
	if p == nil {
		return nil, false
	}
	if p.admin {
		return nil, true
	}
	set := map[int64]bool{}
	for _, s := range p.selected(roles) {
		if s.all {
			return nil, true
		}
		maps.Copy(set, s.institutions)
	}
	return slices.Sorted(maps.Keys(set)), false
}

// InInstitution reports whether p acts in institution id in any of roles
// (every role held when roles is empty).
func (p *Principal) InInstitution(id int64, roles ...Role) bool {
	if p == nil {
		return false
	}
	if p.admin {
		return true
	}
	for _, s := range p.selected(roles) {
		if s.all || s.institutions[id] {
			return true
		}
	}
	return false
}

// Departments returns the departments of p's department_reviewer grants
// among roles (every role held when roles is empty), sorted. Wider scopes
// (an office's institution, an administrator) are not listed: ask
// InInstitution about the department's institution first.
func (p *Principal) Departments(roles ...Role) []int64 {
	if p == nil {
		return nil
	}
	set := map[int64]bool{}
	for _, s := range p.selected(roles) {
		maps.Copy(set, s.departments)
	}
	return slices.Sorted(maps.Keys(set))
}
