package account_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func TestCreateRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstitution(t, db, "Hospital", 0)
		other := addInstitution(t, db, "Other", 0)
		dept := addDepartment(t, db, inst, "Cardiology")
		good := func() account.NewAccount {
			return account.NewAccount{Username: "lifang", Password: "s3cret-pass", Hasher: cheap}
		}
		tests := []struct {
			name       string
			edit       func(in *account.NewAccount)
			field, key string
		}{
			{"no login", func(in *account.NewAccount) { in.Username = "" }, "username", "error.login_required"},
			{"username with space", func(in *account.NewAccount) { in.Username = "li fang" }, "username", "error.invalid_username"},
			{"username with @", func(in *account.NewAccount) { in.Username = "li@fang" }, "username", "error.invalid_username"},
			{"bad email", func(in *account.NewAccount) { in.Email = "li.fang@" }, "email", "error.invalid_email"},
			{"bad phone", func(in *account.NewAccount) { in.Phone = "12ab" }, "phone", "error.invalid_phone"},
			{"short password", func(in *account.NewAccount) { in.Password = "a1b2c3" }, "password", "error.password_too_short"},
			{"digits only", func(in *account.NewAccount) { in.Password = "1234567890" }, "password", "error.password_too_weak"},
			{"password is the username", func(in *account.NewAccount) { in.Password = "LiFang88"; in.Username = "lifang88" }, "password", "error.password_too_weak"},
			{"password is the email", func(in *account.NewAccount) { in.Email = "li@example.cn"; in.Password = "LI@example.cn" }, "password", "error.password_too_weak"},
			{"locale", func(in *account.NewAccount) { in.Locale = "fr" }, "locale", "error.invalid_choice"},
			{"display name", func(in *account.NewAccount) { in.DisplayName = strings.Repeat("李", 101) }, "display_name", "error.too_long"},
			{"unknown person", func(in *account.NewAccount) { in.PersonID = 999999 }, "person_id", "error.not_found"},
			{"unknown role", func(in *account.NewAccount) { in.Grants = []account.Grant{{Role: "dean"}} }, "grants[0].role", "error.invalid_choice"},
			{"office without institution", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.Learner}, {Role: account.EducationOffice}}
			}, "grants[1].institution_id", "error.required"},
			{"partnership office without institution", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.PartnershipOffice}}
			}, "grants[0].institution_id", "error.required"},
			{"reviewer without department", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.DepartmentReviewer, InstitutionID: inst}}
			}, "grants[0].department_id", "error.required"},
			{"reviewer with department elsewhere", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.DepartmentReviewer, InstitutionID: other, DepartmentID: dept}}
			}, "grants[0].department_id", "error.department_mismatch"},
			{"unknown department", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.DepartmentReviewer, DepartmentID: 999999}}
			}, "grants[0].department_id", "error.not_found"},
			{"scoped admin", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.Admin, InstitutionID: inst}}
			}, "grants[0].institution_id", "error.scope_not_allowed"},
			{"scoped learner", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.Learner, DepartmentID: dept}}
			}, "grants[0].department_id", "error.scope_not_allowed"},
			{"lecturer in a department", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.Lecturer, InstitutionID: inst, DepartmentID: dept}}
			}, "grants[0].department_id", "error.scope_not_allowed"},
			{"unknown institution", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.Auditor, InstitutionID: 999999}}
			}, "grants[0].institution_id", "error.not_found"},
			{"same grant twice", func(in *account.NewAccount) {
				in.Grants = []account.Grant{{Role: account.Lecturer}, {Role: account.Lecturer}}
			}, "grants[1].role", "error.duplicate"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := good()
				tt.edit(&in)
				err := txErr(db, func(tx *store.Tx) error {
					_, err := account.Create(ctx, tx, tester, in)
					return err
				})
				wantField(t, err, tt.field, tt.key)
			})
		}
		if n := count(t, db, `SELECT COUNT(*) FROM accounts`); n != 0 {
			t.Errorf("refused input left %d accounts", n)
		}
	})
}

func TestPasswordMayNotBeTheStaffNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inst := addInstitution(t, db, "Hospital", 0)
		pid := addPerson(t, db, person{inst: inst, nameEn: "Li Fang", staff: "H0042abcd"})
		err := txErr(db, func(tx *store.Tx) error {
			_, err := account.Create(context.Background(), tx, tester,
				account.NewAccount{PersonID: pid, Username: "lf", Password: "h0042ABCD", Hasher: cheap})
			return err
		})
		wantField(t, err, "password", "error.password_too_weak")
	})
}

func TestCreateNormalizesAndReadsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstitution(t, db, "Hospital", 0)
		dept := addDepartment(t, db, inst, "Cardiology")
		pid := addPerson(t, db, person{inst: inst, nameZh: "李芳", nameEn: "Li Fang"})
		a := create(t, db, account.NewAccount{
			PersonID: pid, Username: " Li.Fang ", Email: "Li.Fang@Example.CN", Phone: "138-0000 1111",
			Password: "s3cret-pass", Locale: "en",
			Grants: []account.Grant{{Role: account.Learner}, {Role: account.DepartmentReviewer, DepartmentID: dept}},
		})
		got, err := account.Get(ctx, db, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != "li.fang" || got.Email != "li.fang@example.cn" || got.Phone != "13800001111" {
			t.Errorf("identifiers: got %q %q %q, want li.fang li.fang@example.cn 13800001111", got.Username, got.Email, got.Phone)
		}
		if got.DisplayName != "李芳" || got.Locale != "en" || got.PersonID != pid || got.Disabled || got.LastLoginAt != nil {
			t.Errorf("account: got %+v", got)
		}
		if len(got.Grants) != 2 || got.Grants[1].InstitutionID != inst || got.Grants[1].DepartmentID != dept {
			t.Errorf("grants: got %+v, want learner and reviewer of department %d in institution %d", got.Grants, dept, inst)
		}
		if !got.CreatedAt.Equal(a.CreatedAt) {
			t.Errorf("created_at: got %v, want %v", got.CreatedAt, a.CreatedAt)
		}
		byPerson, err := account.ByPerson(ctx, db, pid)
		if err != nil || byPerson.ID != a.ID {
			t.Errorf("ByPerson: got %d, %v; want %d", byPerson.ID, err, a.ID)
		}
		if _, err := account.Get(ctx, db, 999999); err == nil {
			t.Error("Get(999999): got no error")
		} else {
			wantIs(t, err, account.ErrNotFound)
		}
		_, err = account.ByPerson(ctx, db, 999999)
		wantIs(t, err, account.ErrNotFound)

		entries, _, err := audit.List(ctx, db, audit.Filter{Entity: "account", EntityID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "create" || entries[0].InstitutionID != inst {
			t.Fatalf("audit: got %+v, want one create entry in institution %d", entries, inst)
		}
		if strings.Contains(entries[0].After, "argon2") || !strings.Contains(entries[0].After, `"password_hash":"(changed)"`) {
			t.Errorf("audit after = %s, want the hash hidden", entries[0].After)
		}
	})
}

func TestIdentifiersAreUnique(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstitution(t, db, "Hospital", 0)
		pid := addPerson(t, db, person{inst: inst, nameEn: "Li Fang"})
		create(t, db, account.NewAccount{PersonID: pid, Username: "lifang", Email: "li@example.cn", Phone: "13800001111", Password: "s3cret-pass"})
		tests := []struct {
			name       string
			in         account.NewAccount
			field, key string
		}{
			{"username in other case", account.NewAccount{Username: "LiFang"}, "username", "error.duplicate"},
			{"email in other case", account.NewAccount{Email: "LI@example.cn"}, "email", "error.duplicate"},
			{"phone spelled with dashes", account.NewAccount{Phone: "138-0000-1111"}, "phone", "error.duplicate"},
			{"username that is another's phone", account.NewAccount{Username: "13800001111"}, "username", "error.duplicate"},
			{"person with an account", account.NewAccount{PersonID: pid, Username: "li2"}, "person_id", "error.duplicate"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.in.Password, tt.in.Hasher = "an0ther-pass", cheap
				err := txErr(db, func(tx *store.Tx) error {
					_, err := account.Create(ctx, tx, tester, tt.in)
					return err
				})
				wantField(t, err, tt.field, tt.key)
			})
		}
	})
}

func TestGrantsAndTheLastAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstitution(t, db, "Hospital", 0)
		if has, err := account.HasAdmin(ctx, db); err != nil || has {
			t.Fatalf("HasAdmin on empty: got %v, %v; want false", has, err)
		}
		root := create(t, db, account.NewAccount{Username: "root", Password: "s3cret-pass", Grants: []account.Grant{{Role: account.Admin}}})
		office := create(t, db, account.NewAccount{Username: "office", Password: "s3cret-pass"})
		if has, err := account.HasAdmin(ctx, db); err != nil || !has {
			t.Fatalf("HasAdmin: got %v, %v; want true", has, err)
		}

		var g account.Grant
		inTx(t, db, func(tx *store.Tx) error {
			var err error
			g, err = account.AddGrant(ctx, tx, tester, office.ID, account.Grant{Role: account.EducationOffice, InstitutionID: inst})
			return err
		})
		err := txErr(db, func(tx *store.Tx) error {
			_, err := account.AddGrant(ctx, tx, tester, office.ID, account.Grant{Role: account.EducationOffice, InstitutionID: inst})
			return err
		})
		wantField(t, err, "role", "error.duplicate")
		err = txErr(db, func(tx *store.Tx) error {
			_, err := account.AddGrant(ctx, tx, tester, office.ID, account.Grant{Role: account.EducationOffice})
			return err
		})
		wantField(t, err, "institution_id", "error.required")
		err = txErr(db, func(tx *store.Tx) error {
			_, err := account.AddGrant(ctx, tx, tester, 999999, account.Grant{Role: account.Learner})
			return err
		})
		wantIs(t, err, account.ErrNotFound)
		err = txErr(db, func(tx *store.Tx) error { return account.RemoveGrant(ctx, tx, tester, root.ID, g.ID) })
		wantIs(t, err, account.ErrNotFound)
		inTx(t, db, func(tx *store.Tx) error { return account.RemoveGrant(ctx, tx, tester, office.ID, g.ID) })
		if got, _ := account.Get(ctx, db, office.ID); len(got.Grants) != 0 {
			t.Errorf("after RemoveGrant: got grants %+v, want none", got.Grants)
		}

		adminGrant := root.Grants[0].ID
		err = txErr(db, func(tx *store.Tx) error { return account.RemoveGrant(ctx, tx, tester, root.ID, adminGrant) })
		wantIs(t, err, account.ErrLastAdmin)
		wantIs(t, err, account.ErrConflict)
		err = txErr(db, func(tx *store.Tx) error { return account.SetDisabled(ctx, tx, tester, root.ID, true) })
		wantIs(t, err, account.ErrLastAdmin)

		inTx(t, db, func(tx *store.Tx) error {
			_, err := account.AddGrant(ctx, tx, tester, office.ID, account.Grant{Role: account.Admin})
			return err
		})
		inTx(t, db, func(tx *store.Tx) error { return account.SetDisabled(ctx, tx, tester, root.ID, true) })
		err = txErr(db, func(tx *store.Tx) error { return account.SetDisabled(ctx, tx, tester, office.ID, true) })
		wantIs(t, err, account.ErrLastAdmin)
		inTx(t, db, func(tx *store.Tx) error { return account.SetDisabled(ctx, tx, tester, root.ID, false) })
		if got, _ := account.Get(ctx, db, root.ID); got.Disabled {
			t.Error("re-enabled account is still disabled")
		}
		actions := map[string]int{}
		entries, _, err := audit.List(ctx, db, audit.Filter{Entity: "account", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			actions[e.Action]++
		}
		for _, want := range []string{"create", "add_grant", "remove_grant", "disable", "enable"} {
			if actions[want] == 0 {
				t.Errorf("audit actions %v: no %q", actions, want)
			}
		}
	})
}

func TestSetLocale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := create(t, db, account.NewAccount{Username: "lifang", Password: "s3cret-pass"})
		for _, locale := range []string{"zh-CN", "en", ""} {
			inTx(t, db, func(tx *store.Tx) error { return account.SetLocale(ctx, tx, tester, a.ID, locale) })
			if got, _ := account.Get(ctx, db, a.ID); got.Locale != locale {
				t.Errorf("locale: got %q, want %q", got.Locale, locale)
			}
		}
		err := txErr(db, func(tx *store.Tx) error { return account.SetLocale(ctx, tx, tester, a.ID, "zh") })
		wantField(t, err, "locale", "error.invalid_choice")
		err = txErr(db, func(tx *store.Tx) error { return account.SetLocale(ctx, tx, tester, 999999, "en") })
		wantIs(t, err, account.ErrNotFound)
	})
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h1 := addInstitution(t, db, "Hospital One", 0)
		h2 := addInstitution(t, db, "Hospital Two", 0)
		wang := addPerson(t, db, person{inst: h1, nameZh: "王伟", nameEn: "Wang Wei", staff: "W100"})
		zhao := addPerson(t, db, person{inst: h2, nameZh: "赵敏", nameEn: "Zhao Min"})
		aWang := create(t, db, account.NewAccount{PersonID: wang, Username: "wangwei", Password: "s3cret-pass",
			Grants: []account.Grant{{Role: account.Learner}}})
		aZhao := create(t, db, account.NewAccount{PersonID: zhao, Email: "zhao@example.cn", Password: "s3cret-pass",
			Grants: []account.Grant{{Role: account.Learner}}})
		aOffice := create(t, db, account.NewAccount{Username: "office", DisplayName: "Office 100% team", Password: "s3cret-pass",
			Grants: []account.Grant{{Role: account.EducationOffice, InstitutionID: h2}}})
		ids := func(as []account.Account) []int64 {
			out := []int64{}
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		tests := []struct {
			name   string
			filter account.ListFilter
			want   []int64
		}{
			{"all", account.ListFilter{}, []int64{aWang.ID, aZhao.ID, aOffice.ID}},
			{"chinese name", account.ListFilter{Query: "王"}, []int64{aWang.ID}},
			{"english name in other case", account.ListFilter{Query: "zhao MIN"}, []int64{aZhao.ID}},
			{"staff number", account.ListFilter{Query: "w100"}, []int64{aWang.ID}},
			{"percent is literal", account.ListFilter{Query: "100%"}, []int64{aOffice.ID}},
			{"role", account.ListFilter{Role: account.EducationOffice}, []int64{aOffice.ID}},
			{"person or grant in institution", account.ListFilter{InstitutionIDs: []int64{h2}}, []int64{aZhao.ID, aOffice.ID}},
			{"empty scope", account.ListFilter{InstitutionIDs: []int64{}}, []int64{}},
			{"page", account.ListFilter{Limit: 1, Offset: 1}, []int64{aZhao.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := account.List(ctx, db, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if g := ids(got); !equalIDs(g, tt.want) {
					t.Errorf("got %v, want %v", g, tt.want)
				}
				if tt.filter.Limit == 0 && total != len(tt.want) {
					t.Errorf("total: got %d, want %d", total, len(tt.want))
				}
				for _, a := range got {
					if len(a.Grants) != 1 {
						t.Errorf("account %d: got grants %+v, want one", a.ID, a.Grants)
					}
				}
			})
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
