package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/web"
)

// fixture is a small institution network with one account per role, built
// through the domain packages on a real database and served by a real server.
type fixture struct {
	t      testing.TB
	db     *store.DB
	server *web.Server
	http   *httptest.Server
	ids    map[string]int64           // placeholders used in request paths
	logins map[string]account.Account // by role name, plus "other"
}

const fixturePassword = "fixture-Pass-2026"

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: db, ids: map[string]int64{}, logins: map[string]account.Account{}}
	sys := audit.System("fixture")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		home, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "university", NameZH: "本校", NameEN: "Home University", Country: "CN"})
		if err != nil {
			return err
		}
		hospital, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "affiliated_hospital", NameZH: "附属医院", NameEN: "Home Hospital", ParentID: home.ID, Country: "CN"})
		if err != nil {
			return err
		}
		dept, err := institution.CreateDepartment(ctx, tx, sys, hospital.ID, institution.DepartmentInput{NameZH: "内科", NameEN: "Medicine"})
		if err != nil {
			return err
		}
		other, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "outside_university", NameZH: "外校", NameEN: "Other University", Country: "SG"})
		if err != nil {
			return err
		}
		f.ids["home"], f.ids["hospital"], f.ids["dept"], f.ids["other"] = home.ID, hospital.ID, dept.ID, other.ID
		mk := func(handle, name string, inst, dept int64, staff string) (person.Person, error) {
			p, err := person.Create(ctx, tx, sys, person.Input{NameZH: name, Gender: "unknown", Title: "junior", Category: "physician",
				InstitutionID: inst, DepartmentID: dept, StaffNumber: staff, NationalID: "11010519491231002X"})
			f.ids[handle] = p.ID
			return p, err
		}
		if _, err := mk("person", "张伟", hospital.ID, dept.ID, "H001"); err != nil {
			return err
		}
		if _, err := mk("self", "李娜", hospital.ID, dept.ID, "H002"); err != nil {
			return err
		}
		if _, err := mk("otherperson", "王芳", other.ID, 0, "O001"); err != nil {
			return err
		}
		surgery, err := institution.CreateDepartment(ctx, tx, sys, hospital.ID, institution.DepartmentInput{NameZH: "外科", NameEN: "Surgery"})
		if err != nil {
			return err
		}
		if _, err := mk("surgeon", "刘洋", hospital.ID, surgery.ID, "H003"); err != nil {
			return err
		}
		grants := map[string]account.Grant{
			"admin":               {Role: account.Admin},
			"education_office":    {Role: account.EducationOffice, InstitutionID: home.ID},
			"department_reviewer": {Role: account.DepartmentReviewer, DepartmentID: dept.ID},
			"project_director":    {Role: account.ProjectDirector, InstitutionID: hospital.ID},
			"lecturer":            {Role: account.Lecturer, InstitutionID: hospital.ID},
			"partnership_office":  {Role: account.PartnershipOffice, InstitutionID: home.ID},
			"learner":             {Role: account.Learner},
			"auditor":             {Role: account.Auditor, InstitutionID: home.ID},
		}
		for role, g := range grants {
			in := account.NewAccount{Username: role, DisplayName: role, Password: fixturePassword, Grants: []account.Grant{g}}
			if role == "learner" {
				in.PersonID = f.ids["self"]
			}
			a, err := account.Create(ctx, tx, sys, in)
			if err != nil {
				return err
			}
			f.logins[role] = a
		}
		// An account of the person in scope (managed by the office) and one outside it.
		acct, err := account.Create(ctx, tx, sys, account.NewAccount{PersonID: f.ids["person"], Username: "h001", Password: fixturePassword,
			Grants: []account.Grant{{Role: account.Learner}}})
		if err != nil {
			return err
		}
		f.ids["acct"], f.ids["grant"] = acct.ID, acct.Grants[0].ID
		second, err := account.AddGrant(ctx, tx, sys, acct.ID, account.Grant{Role: account.Lecturer, InstitutionID: hospital.ID})
		if err != nil {
			return err
		}
		f.ids["grant2"] = second.ID
		otherAcct, err := account.Create(ctx, tx, sys, account.NewAccount{PersonID: f.ids["otherperson"], Username: "o001", Password: fixturePassword,
			Grants: []account.Grant{{Role: account.Learner}}})
		if err != nil {
			return err
		}
		f.ids["otheracct"] = otherAcct.ID
		for _, h := range []string{"reg", "reg2", "reg3", "reg4"} {
			reg, err := account.Register(ctx, tx, account.RegistrationInput{NameZH: "进修" + h, Email: h + "@example.org", Category: "physician",
				Title: "junior", Password: fixturePassword, InstitutionID: hospital.ID, InstitutionName: "县医院"})
			if err != nil {
				return err
			}
			f.ids[h] = reg.ID
		}
		_, tok, err := account.CreateToken(ctx, tx, sys, f.logins["admin"].ID, "admin token", nil)
		f.ids["token"] = tok.ID
		if err != nil {
			return err
		}
		if err := f.addCME(ctx, tx); err != nil {
			return err
		}
		if err := f.addCredits(ctx, tx); err != nil {
			return err
		}
		if err := f.addPartnership(ctx, tx); err != nil {
			return err
		}
		for _, add := range []func(context.Context, *store.Tx) error{f.addSeries, f.addCheckIn, f.addFaculty, f.addFurtherStudy, f.addSelfReports} {
			if err := add(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f.server, err = web.New(web.Config{DB: db, Catalog: cat, BaseURL: "http://meded.test"})
	if err != nil {
		t.Fatal(err)
	}
	f.http = httptest.NewServer(f.server.Handler())
	t.Cleanup(f.http.Close)
	return f
}

// session signs role in and returns its session cookie; "" for no login.
func (f *fixture) session(role string) *http.Cookie {
	f.t.Helper()
	if role == "anonymous" {
		return nil
	}
	a, ok := f.logins[role]
	if !ok {
		f.t.Fatalf("no fixture login %q", role)
	}
	token, err := account.StartSession(context.Background(), f.db, a.ID, "127.0.0.1", "test", time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	return &http.Cookie{Name: "meded_session", Value: token}
}

// path fills {name} placeholders with fixture ids.
func (f *fixture) path(p string) string {
	for k, v := range f.ids {
		p = strings.ReplaceAll(p, "{"+k+"}", strconv.FormatInt(v, 10))
	}
	return p
}

// do sends one request as role without following redirects.
func (f *fixture) do(role, method, path, contentType, body string) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.http.URL+f.path(path), strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c := f.session(role); c != nil {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

func sqliteFixture(t testing.TB) *fixture { return newFixture(t, storetest.SQLite(t)) }

func (f *fixture) doWithCookie(c *http.Cookie, method, path string) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.http.URL+f.path(path), nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if c != nil {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

// readAll reads and closes a response body.
func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
