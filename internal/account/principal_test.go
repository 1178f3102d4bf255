package account_test

import (
	"context"
	"slices"
	"testing"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestPrincipalScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// university → college → hospital, a second college, and an outside hospital.
		uni := addInstitution(t, db, "University", 0)
		college := addInstitution(t, db, "College", uni)
		hospital := addInstitution(t, db, "Affiliated Hospital", college)
		college2 := addInstitution(t, db, "College Two", uni)
		outside := addInstitution(t, db, "Outside Hospital", 0)
		cardio := addDepartment(t, db, hospital, "Cardiology")

		tests := []struct {
			name      string
			grants    []account.Grant
			roles     []account.Role
			has       bool
			ids       []int64
			all       bool
			in, notIn []int64
			depts     []int64
		}{
			{"office of the college covers the hospital below it",
				[]account.Grant{{Role: account.EducationOffice, InstitutionID: college}},
				[]account.Role{account.EducationOffice}, true, []int64{college, hospital}, false,
				[]int64{college, hospital}, []int64{uni, college2, outside}, []int64{}},
			{"office of the university covers all three levels",
				[]account.Grant{{Role: account.PartnershipOffice, InstitutionID: uni}},
				[]account.Role{account.PartnershipOffice}, true, []int64{uni, college, hospital, college2}, false,
				[]int64{uni, hospital, college2}, []int64{outside}, []int64{}},
			{"two grants unite",
				[]account.Grant{{Role: account.EducationOffice, InstitutionID: hospital}, {Role: account.EducationOffice, InstitutionID: outside}},
				nil, true, []int64{hospital, outside}, false,
				[]int64{hospital, outside}, []int64{college}, []int64{}},
			{"another role's scope does not count",
				[]account.Grant{{Role: account.Lecturer, InstitutionID: uni}},
				[]account.Role{account.EducationOffice}, false, []int64{}, false,
				nil, []int64{uni, hospital}, []int64{}},
			{"department reviewer",
				[]account.Grant{{Role: account.DepartmentReviewer, DepartmentID: cardio}},
				[]account.Role{account.DepartmentReviewer}, true, []int64{hospital}, false,
				[]int64{hospital}, []int64{college}, []int64{cardio}},
			{"auditor without scope reads everywhere",
				[]account.Grant{{Role: account.Auditor}},
				[]account.Role{account.Auditor}, true, nil, true,
				[]int64{outside, hospital}, nil, []int64{}},
			{"auditor of the college",
				[]account.Grant{{Role: account.Auditor, InstitutionID: college}},
				[]account.Role{account.Auditor}, true, []int64{college, hospital}, false,
				[]int64{hospital}, []int64{uni}, []int64{}},
			{"admin is everything everywhere",
				[]account.Grant{{Role: account.Admin}},
				[]account.Role{account.EducationOffice}, true, nil, true,
				[]int64{outside, hospital}, nil, []int64{}},
			{"learner has no institutions",
				[]account.Grant{{Role: account.Learner}},
				[]account.Role{account.Learner}, true, []int64{}, false,
				nil, []int64{hospital}, []int64{}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := create(t, db, account.NewAccount{Username: "user" + string(rune('a'+i)), Password: "s3cret-pass", Grants: tt.grants})
				p, err := account.LoadPrincipal(ctx, db, a)
				if err != nil {
					t.Fatal(err)
				}
				if got := p.Has(tt.roles...); got != tt.has {
					t.Errorf("Has(%v): got %v, want %v", tt.roles, got, tt.has)
				}
				ids, all := p.Institutions(tt.roles...)
				slices.Sort(tt.ids)
				if all != tt.all || (!tt.all && !slices.Equal(ids, tt.ids)) {
					t.Errorf("Institutions(%v): got %v, all=%v; want %v, all=%v", tt.roles, ids, all, tt.ids, tt.all)
				}
				for _, id := range tt.in {
					if !p.InInstitution(id, tt.roles...) {
						t.Errorf("InInstitution(%d, %v): got false, want true", id, tt.roles)
					}
				}
				for _, id := range tt.notIn {
					if p.InInstitution(id, tt.roles...) {
						t.Errorf("InInstitution(%d, %v): got true, want false", id, tt.roles)
					}
				}
				if got := p.Departments(tt.roles...); !slices.Equal(got, tt.depts) {
					t.Errorf("Departments(%v): got %v, want %v", tt.roles, got, tt.depts)
				}
			})
		}

		// A disabled account has no powers, whatever its grants.
		a := create(t, db, account.NewAccount{Username: "disabledadmin", Password: "s3cret-pass",
			Grants: []account.Grant{{Role: account.Admin}}})
		a.Disabled = true
		p, err := account.LoadPrincipal(ctx, db, a)
		if err != nil {
			t.Fatal(err)
		}
		if p.Has() || p.InInstitution(uni) {
			t.Error("disabled account: got powers, want none")
		}
		var nilP *account.Principal
		if nilP.Has(account.Learner) || nilP.InInstitution(uni) {
			t.Error("nil principal: got powers, want none")
		}
	})
}
