package account_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func register(db *store.DB, in account.RegistrationInput) (account.Registration, error) {
	var r account.Registration
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = account.Register(context.Background(), tx, in)
		return err
	})
	return r, err
}

func TestRegisterRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inst := addInstitution(t, db, "Hospital", 0)
		create(t, db, account.NewAccount{Username: "taken", Email: "taken@example.cn", Password: "s3cret-pass"})
		if _, err := register(db, account.RegistrationInput{NameZH: "陈静", Email: "pending@example.cn", Password: "s3cret-pass", InstitutionID: inst}); err != nil {
			t.Fatal(err)
		}
		good := func() account.RegistrationInput {
			return account.RegistrationInput{NameZH: "刘洋", Email: "liu@example.cn", Phone: "13700001111", InstitutionName: "县医院",
				Category: "physician", Title: "intermediate", Password: "s3cret-pass", InstitutionID: inst}
		}
		tests := []struct {
			name       string
			edit       func(in *account.RegistrationInput)
			field, key string
		}{
			{"no name", func(in *account.RegistrationInput) { in.NameZH = " " }, "name_zh", "error.required"},
			{"no email or phone", func(in *account.RegistrationInput) { in.Email, in.Phone = "", "" }, "email", "error.login_required"},
			{"bad email", func(in *account.RegistrationInput) { in.Email = "liu" }, "email", "error.invalid_email"},
			{"bad phone", func(in *account.RegistrationInput) { in.Phone = "call me" }, "phone", "error.invalid_phone"},
			{"category", func(in *account.RegistrationInput) { in.Category = "surgeon" }, "category", "error.invalid_choice"},
			{"title", func(in *account.RegistrationInput) { in.Title = "professor" }, "title", "error.invalid_choice"},
			{"no institution", func(in *account.RegistrationInput) { in.InstitutionID = 0 }, "institution_id", "error.required"},
			{"unknown institution", func(in *account.RegistrationInput) { in.InstitutionID = 999999 }, "institution_id", "error.not_found"},
			{"weak password", func(in *account.RegistrationInput) { in.Password = "13700001111" }, "password", "error.password_too_weak"},
			{"email of an account", func(in *account.RegistrationInput) { in.Email = "Taken@example.cn" }, "email", "error.duplicate"},
			{"email of a pending registration", func(in *account.RegistrationInput) { in.Email = "pending@example.cn" }, "email", "error.duplicate"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := good()
				tt.edit(&in)
				_, err := register(db, in)
				wantField(t, err, tt.field, tt.key)
			})
		}
	})
}

func TestReviewRegistrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h1 := addInstitution(t, db, "Hospital One", 0)
		h2 := addInstitution(t, db, "Hospital Two", 0)
		reviewer := adminActor(t, db)
		liu, err := register(db, account.RegistrationInput{NameZH: "刘洋", Email: "Liu@Example.cn", Phone: "137-0000-1111",
			InstitutionName: "县医院", Password: "s3cret-pass", InstitutionID: h1})
		if err != nil {
			t.Fatal(err)
		}
		chen, err := register(db, account.RegistrationInput{NameEN: "Chen Jing", Phone: "13700002222", Password: "s3cret-pass", InstitutionID: h1})
		if err != nil {
			t.Fatal(err)
		}
		other, err := register(db, account.RegistrationInput{NameZH: "黄磊", Email: "huang@example.cn", Password: "s3cret-pass", InstitutionID: h2})
		if err != nil {
			t.Fatal(err)
		}
		if liu.Status != account.RegistrationPending || liu.Category != "other" || liu.Title != "none" || liu.Email != "liu@example.cn" {
			t.Errorf("registration: got %+v", liu)
		}

		list, err := account.Registrations(ctx, db, []int64{h1}, account.RegistrationPending)
		if err != nil || len(list) != 2 || list[0].ID != liu.ID || list[1].ID != chen.ID {
			t.Fatalf("pending in hospital one: got %+v, %v", list, err)
		}
		if list, _ := account.Registrations(ctx, db, nil, ""); len(list) != 3 {
			t.Errorf("all registrations: got %d, want 3", len(list))
		}
		if list, _ := account.Registrations(ctx, db, []int64{}, ""); len(list) != 0 {
			t.Errorf("empty scope: got %d, want 0", len(list))
		}
		_, err = account.Registrations(ctx, db, nil, "waiting")
		wantField(t, err, "status", "error.invalid_choice")

		pid := addPerson(t, db, person{inst: h1, nameZh: "刘洋", email: "liu@example.cn"})
		var a account.Account
		inTx(t, db, func(tx *store.Tx) error {
			a, err = account.ApproveRegistration(ctx, tx, reviewer, liu.ID, pid)
			return err
		})
		if a.PersonID != pid || a.Email != "liu@example.cn" || a.Phone != "13700001111" || a.DisplayName != "刘洋" ||
			len(a.Grants) != 1 || a.Grants[0].Role != account.Learner || a.MustChangePassword {
			t.Errorf("approved account: got %+v", a)
		}
		// Their own password works, by email or phone.
		if got, err := account.Authenticate(ctx, db, "137 0000 1111", "s3cret-pass", "", account.DefaultThrottle); err != nil || got.ID != a.ID {
			t.Errorf("login by phone after approval: got %d, %v", got.ID, err)
		}
		r, err := account.RegistrationByID(ctx, db, liu.ID)
		if err != nil || r.Status != account.RegistrationApproved || r.AccountID != a.ID || r.ReviewedAt == nil || r.ReviewedBy != reviewer.AccountID {
			t.Errorf("approved registration: got %+v, %v", r, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM registrations WHERE id = ? AND password_hash = ''`, liu.ID); n != 1 {
			t.Error("a reviewed registration still holds the password hash")
		}

		inTx(t, db, func(tx *store.Tx) error {
			return account.RejectRegistration(ctx, tx, reviewer, chen.ID, "not a partner hospital")
		})
		if r, _ := account.RegistrationByID(ctx, db, chen.ID); r.Status != account.RegistrationRejected || r.Reason != "not a partner hospital" {
			t.Errorf("rejected registration: got %+v", r)
		}

		pid2 := addPerson(t, db, person{inst: h1, nameEn: "Chen Jing"})
		tests := []struct {
			name string
			op   func(tx *store.Tx) error
			want error
		}{
			{"approve twice", func(tx *store.Tx) error {
				_, err := account.ApproveRegistration(ctx, tx, reviewer, liu.ID, pid2)
				return err
			}, account.ErrConflict},
			{"reject approved", func(tx *store.Tx) error { return account.RejectRegistration(ctx, tx, reviewer, liu.ID, "") }, account.ErrConflict},
			{"approve rejected", func(tx *store.Tx) error {
				_, err := account.ApproveRegistration(ctx, tx, reviewer, chen.ID, pid2)
				return err
			}, account.ErrConflict},
			{"reject twice", func(tx *store.Tx) error { return account.RejectRegistration(ctx, tx, reviewer, chen.ID, "") }, account.ErrConflict},
			{"unknown", func(tx *store.Tx) error { return account.RejectRegistration(ctx, tx, reviewer, 999999, "") }, account.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantIs(t, txErr(db, tt.op), tt.want)
			})
		}
		err = txErr(db, func(tx *store.Tx) error {
			_, err := account.ApproveRegistration(ctx, tx, reviewer, other.ID, 0)
			return err
		})
		wantField(t, err, "person_id", "error.required")

		entries, _, err := audit.List(ctx, db, audit.Filter{Entity: "registration", InstitutionIDs: []int64{h1}})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
		}
		if actions["create"] != 2 || actions["approve"] != 1 || actions["reject"] != 1 {
			t.Errorf("registration audit in hospital one: got %v", actions)
		}
	})
}
