package account_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

var initialPattern = regexp.MustCompile(`^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$`)

func TestInitialPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw, err := account.InitialPassword()
		if err != nil {
			t.Fatal(err)
		}
		if !initialPattern.MatchString(pw) {
			t.Fatalf("initial password %q: want three groups of four unambiguous characters", pw)
		}
		if seen[pw] {
			t.Fatalf("initial password %q twice", pw)
		}
		seen[pw] = true
	}
}

func TestCreateForPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h1 := addInstitution(t, db, "Hospital One", 0)
		h2 := addInstitution(t, db, "Hospital Two", 0)
		wang := addPerson(t, db, person{inst: h1, nameZh: "王伟", staff: "H001", phone: "139 0000 0001", email: "Wang@Example.cn"})
		zhao := addPerson(t, db, person{inst: h1, nameZh: "赵敏", staff: "H002", phone: "139-0000-0002"})
		sun := addPerson(t, db, person{inst: h1, nameZh: "孙丽"})                   // no identifiers
		twin := addPerson(t, db, person{inst: h2, nameZh: "王伟", staff: "H001"})   // same staff number elsewhere
		owner := addPerson(t, db, person{inst: h1, nameZh: "钱峰", staff: "H003"})  // has an account
		clash := addPerson(t, db, person{inst: h1, nameZh: "周杰", staff: "admin"}) // staff number is a username
		odd := addPerson(t, db, person{inst: h1, nameZh: "吴军", staff: "H 004", email: "no-at-sign"})
		create(t, db, account.NewAccount{PersonID: owner, Username: "qianfeng", Password: "s3cret-pass"})
		create(t, db, account.NewAccount{Username: "admin", Password: "s3cret-pass"})

		run := func(loginBy string, ids ...int64) ([]account.BulkResult, error) {
			var res []account.BulkResult
			err := txErr(db, func(tx *store.Tx) error {
				var err error
				res, err = account.CreateForPeopleWith(ctx, tx, tester, cheap, ids, loginBy, account.Grant{Role: account.Learner})
				return err
			})
			return res, err
		}
		_, err := run("national_id", wang)
		wantField(t, err, "login_by", "error.invalid_choice")
		err = txErr(db, func(tx *store.Tx) error {
			_, err := account.CreateForPeopleWith(ctx, tx, tester, cheap, []int64{wang}, account.LoginByPhone,
				account.Grant{Role: account.EducationOffice})
			return err
		})
		wantField(t, err, "institution_id", "error.required")

		res, err := run(account.LoginByStaffNumber, wang, zhao, sun, twin, owner, clash, odd, 999999, wang)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			person  int64
			login   string
			skipped string
		}{
			{wang, "h001", ""},
			{zhao, "h002", ""},
			{sun, "", account.SkipNoLogin},
			{twin, "h001", account.SkipLoginTaken},
			{owner, "", account.SkipHasAccount},
			{clash, "admin", account.SkipLoginTaken},
			{odd, "h 004", account.SkipInvalidLogin},
			{999999, "", account.SkipNotFound},
		}
		if len(res) != len(want) {
			t.Fatalf("got %d results, want %d (duplicates dropped): %+v", len(res), len(want), res)
		}
		for i, w := range want {
			r := res[i]
			if r.PersonID != w.person || r.Login != w.login || r.Skipped != w.skipped {
				t.Errorf("result %d: got %+v, want person %d login %q skipped %q", i, r, w.person, w.login, w.skipped)
			}
			if (r.Skipped == "") != (r.AccountID != 0 && initialPattern.MatchString(r.InitialPassword)) {
				t.Errorf("result %d: got %+v, want an account and a password exactly when not skipped", i, r)
			}
		}
		for _, r := range res[:2] {
			a, err := login(db, r.Login, r.InitialPassword, "", account.DefaultThrottle)
			if err != nil {
				t.Fatalf("login %s with its initial password: %v", r.Login, err)
			}
			if a.ID != r.AccountID || !a.MustChangePassword || a.PersonID != r.PersonID ||
				len(a.Grants) != 1 || a.Grants[0].Role != account.Learner {
				t.Errorf("account: got %+v, want a learner who must change the password", a)
			}
		}
		if a, _ := account.Get(ctx, db, res[0].AccountID); a.DisplayName != "王伟" {
			t.Errorf("display name: got %q, want the person's name", a.DisplayName)
		}

		// By phone and by email, for the people still without an account.
		res, err = run(account.LoginByPhone, twin, odd)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Skipped != account.SkipNoLogin || res[1].Skipped != account.SkipNoLogin {
			t.Errorf("by phone: got %+v, want both without a phone", res)
		}
		res, err = run(account.LoginByEmail, odd)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Skipped != account.SkipInvalidLogin {
			t.Errorf("by email: got %+v, want an invalid email", res)
		}
		sunPhone := addPerson(t, db, person{inst: h1, nameZh: "孙丽", phone: "139-0000-0002"}) // zhao's number
		newcomer := addPerson(t, db, person{inst: h1, nameZh: "郑洁", phone: "139 0000 0009", email: "Zheng@Example.cn"})
		res, err = run(account.LoginByPhone, sunPhone, newcomer)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Skipped != "" || res[0].Login != "13900000002" || res[1].Login != "13900000009" {
			// zhao logs in by staff number, so the phone is still free.
			t.Errorf("by phone: got %+v", res)
		}
		if _, err := login(db, "139-0000-0009", res[1].InitialPassword, "", account.DefaultThrottle); err != nil {
			t.Errorf("login by phone: %v", err)
		}
	})
}

// TestBulkPlanRechecksOnApply: a plan made outside the transaction never
// writes a second account for someone who got one in the meantime.
func TestBulkPlanRechecksOnApply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstitution(t, db, "Hospital", 0)
		a := addPerson(t, db, person{inst: inst, nameZh: "张一", staff: "S1"})
		b := addPerson(t, db, person{inst: inst, nameZh: "张二", staff: "S2"})
		plan, err := account.PlanForPeople(ctx, db, cheap, []int64{a, b}, account.LoginByStaffNumber, account.Grant{Role: account.Learner})
		if err != nil {
			t.Fatal(err)
		}
		// Meanwhile someone makes an account for the first person.
		create(t, db, account.NewAccount{PersonID: a, Username: "other-login", Password: "Some-Pass-123", Grants: []account.Grant{{Role: account.Learner}}})
		var res []account.BulkResult
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = plan.Apply(ctx, tx, tester)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Skipped != account.SkipHasAccount || res[0].InitialPassword != "" || res[1].AccountID == 0 {
			t.Errorf("results %+v: want the first skipped (has an account now) and the second created", res)
		}
	})
}
