package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/cmereport"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/demo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestDemo loads the demo once per dialect (a load is the slow part, the
// more so under the race detector) and checks every figure on it.
func TestDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		start := time.Now()
		loaded, current, err := demo.Ensure(context.Background(), db)
		if err != nil || !loaded || !current {
			t.Fatalf("Ensure: loaded %v current %v err %v", loaded, current, err)
		}
		t.Logf("%s: demo loaded in %v", db.Dialect(), time.Since(start))
		t.Run("roles and institutions", func(t *testing.T) { checkRolesAndInstitutions(t, db) })
		t.Run("CME page", func(t *testing.T) { checkCMEPage(t, db) })
		t.Run("partners report", func(t *testing.T) { checkPartnersReport(t, db) })
		t.Run("bases", func(t *testing.T) { checkBases(t, db) })
		t.Run("credits", func(t *testing.T) { checkCredits(t, db) })
		t.Run("faculty development", func(t *testing.T) { checkFaculty(t, db) })
		t.Run("Thursday lecture", func(t *testing.T) { checkThursdayLecture(t, db) })
		t.Run("self-reports", func(t *testing.T) { checkSelfReports(t, db) })
		t.Run("further study", func(t *testing.T) { checkFurtherStudy(t, db) }) // last: it removes a record
	})
}

func checkRolesAndInstitutions(t *testing.T, db *store.DB) {
	ctx := context.Background()
	{
		for _, l := range demo.Logins() {
			a, err := account.Authenticate(ctx, db, l.Login, l.Password, "127.0.0.1", account.DefaultThrottle)
			if err != nil {
				t.Errorf("%s (%s) cannot sign in: %v", l.Login, l.Role, err)
				continue
			}
			p, err := account.LoadPrincipal(ctx, db, a)
			if err != nil || !p.Has(l.Role) {
				t.Errorf("%s does not hold %s: %v", l.Login, l.Role, err)
			}
		}
		for _, name := range []string{"Chongqing Medical University", "College of Biomedical Engineering", "Chongqing Health Center for Women and Children",
			"West China School of Public Health", "Xi'an Jiaotong University", "National University of Singapore", "Zhejiang University School of Medicine"} {
			if _, n, err := institution.List(ctx, db, institution.ListFilter{Query: name}); err != nil || n == 0 {
				t.Errorf("demo lacks %q (%v)", name, err)
			}
		}
		bme, _, _ := institution.List(ctx, db, institution.ListFilter{Query: "College of Biomedical Engineering"})
		if len(bme) != 1 || bme[0].Founded != 2002 {
			t.Errorf("College of Biomedical Engineering: %+v, want one founded in 2002", bme)
		}
		if _, n, _ := person.List(ctx, db, person.ListFilter{}); n < 250 {
			t.Errorf("demo has %d people, want a hospital's worth", n)
		}
		// Loading again is a no-op.
		loaded, current, err := demo.Ensure(ctx, db)
		if err != nil || loaded || !current {
			t.Errorf("second Ensure: loaded %v current %v err %v", loaded, current, err)
		}
	}
}

// checkCredits: closing the demo's 2019 projects posted one participant
// entry per person-time trained (the same completions the CME figures
// count), plus the lecturers', and every chain verifies.
func checkCredits(t *testing.T, db *store.DB) {
	ctx := context.Background()
	r, err := ledger.Verify(ctx, db)
	if err != nil || !r.OK() {
		t.Fatalf("demo ledger: %+v %v", r, err)
	}
	var participants int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE credit_year = 2019 AND role = 'participant' AND source = 'activity'`).Scan(&participants); err != nil {
		t.Fatal(err)
	}
	// The staff's files span several years, and 2025 holds both compliant
	// and non-compliant staff: the dashboards show something real.
	hospital := findInstitution(t, db, "The First Affiliated Hospital, Zhejiang University School of Medicine")
	d, err := credit.DashboardOf(ctx, db, person.ListFilter{InstitutionID: hospital.ID}, 2025, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts[rules.Compliant] == 0 || d.Counts[rules.NotCompliant] == 0 {
		t.Errorf("2025 dashboard %v: want some compliant and some not", d.Counts)
	}
	var spread int
	if err := db.QueryRow(ctx, `SELECT COUNT(DISTINCT credit_year) FROM ledger_entries WHERE person_id = (SELECT MIN(person_id) FROM ledger_entries WHERE credit_year = 2024)`).Scan(&spread); err != nil {
		t.Fatal(err)
	}
	if spread < 2 {
		t.Errorf("a regular learner's file spans %d credit years, want several", spread)
	}
	years, err := cmereport.Yearly(ctx, db, cmereport.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		if y.Year == 2019 && y.PersonTimes != participants {
			t.Errorf("2019: %d participant credit entries, %d person-times trained; want one entry per person-time", participants, y.PersonTimes)
		}
	}
}
