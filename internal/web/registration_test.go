package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

func TestSelfRegistrationApproval(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	resp, body := f.postForm(t, nil, "/register", url.Values{"institution_id": {f.path("{hospital}")}, "name_zh": {"孙进修"},
		"email": {"trainee@county.example"}, "category": {"physician"}, "title": {"intermediate"},
		"institution_name": {"某县人民医院"}, "password": {"Trainee-Pass-1"}}, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("register: %d %s", resp.StatusCode, body)
	}
	regs, err := account.Registrations(ctx, f.db, nil, "pending")
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, r := range regs {
		if r.Email == "trainee@county.example" {
			id = r.ID
		}
	}
	if id == 0 {
		t.Fatalf("registration not stored: %+v", regs)
	}
	f.ids["trainee"] = id
	status, body2 := f.apiCall(t, "education_office", "POST", "/api/v1/registrations/{trainee}/approve", "")
	if status != 200 {
		t.Fatalf("approve: %d %s", status, body2)
	}
	if _, err := account.Authenticate(ctx, f.db, "trainee@county.example", "Trainee-Pass-1", "127.0.0.1", account.DefaultThrottle); err != nil {
		t.Errorf("the approved trainee cannot sign in: %v", err)
	}
	if _, total, _ := person.List(ctx, f.db, person.ListFilter{Query: "孙进修"}); total != 1 {
		t.Errorf("approval made %d people, want 1", total)
	}
}

// TestFailedApprovalLeavesNothingBehind: when the account cannot be made,
// the person made a moment before in the same transaction is gone too.
func TestFailedApprovalLeavesNothingBehind(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		reg, err := account.Register(ctx, tx, account.RegistrationInput{NameZH: "周重名", Email: "taken@example.org", Category: "nurse",
			Title: "junior", Password: "Trainee-Pass-1", InstitutionID: f.ids["hospital"]})
		f.ids["dup"] = reg.ID
		if err != nil {
			return err
		}
		// Meanwhile someone else gets an account with the same email.
		_, err = account.Create(ctx, tx, audit.System("test"), account.NewAccount{Email: "taken@example.org", Password: "Other-Pass-12",
			Grants: []account.Grant{{Role: account.Learner}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, before, _ := person.List(ctx, f.db, person.ListFilter{})
	status, body := f.apiCall(t, "education_office", "POST", "/api/v1/registrations/{dup}/approve", "")
	if status < 400 {
		t.Fatalf("approving a registration whose email is taken: %d %s, want a refusal", status, body)
	}
	_, after, _ := person.List(ctx, f.db, person.ListFilter{})
	if after != before {
		t.Errorf("a refused approval left %d people behind", after-before)
	}
	reg, err := account.RegistrationByID(ctx, f.db, f.ids["dup"])
	if err != nil || reg.Status != "pending" {
		t.Errorf("registration after a refused approval: %+v %v, want still pending", reg, err)
	}
}

func TestBulkAccountsShowOneTimePasswordsOnce(t *testing.T) {
	f := sqliteFixture(t)
	c := f.session("education_office")
	resp, body := f.postForm(t, c, "/accounts/bulk", url.Values{"login_by": {"staff_number"},
		"person_id": {f.path("{surgeon}"), f.path("{person}")}}, map[string]string{"Accept-Language": "en"})
	if resp.StatusCode != 200 {
		t.Fatalf("bulk create: %d %s", resp.StatusCode, body)
	}
	// 刘洋 (H003) gets an account; 张伟 already has one and is skipped with the reason.
	if !strings.Contains(body, "h003") || !strings.Contains(body, "Already has an account") {
		t.Errorf("bulk result page lacks the new login or the skip reason:\n%s", body)
	}
	pw := regexp.MustCompile(`class="secret">([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<`).FindStringSubmatch(body)
	if pw == nil {
		t.Fatalf("no one-time password shown:\n%s", body)
	}
	a, err := account.Authenticate(context.Background(), f.db, "H003", pw[1], "127.0.0.1", account.DefaultThrottle)
	if err != nil || !a.MustChangePassword {
		t.Errorf("the one-time password does not sign in, or need no change: %+v %v", a, err)
	}
	// Someone outside the office's institutions cannot be included.
	resp, _ = f.postForm(t, c, "/accounts/bulk", url.Values{"login_by": {"staff_number"}, "person_id": {f.path("{otherperson}")}}, nil)
	if resp.StatusCode != 404 {
		t.Errorf("bulk for a person outside the scope: %d, want 404", resp.StatusCode)
	}
}
