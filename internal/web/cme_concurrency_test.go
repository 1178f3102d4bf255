package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/web"
)

// secondServer runs another MedEd server with its own store pool on the
// database at dsn, as a second instance behind a load balancer would.
func secondServer(t *testing.T, dsn string) *httptest.Server {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{DB: db, Catalog: cat, BaseURL: "http://meded.test"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs
}

// TestLastPlaceTwoServers: two learners ask for the last place of an
// activity at the same moment, through two servers with separate pools on
// one database. Each of 50 rounds must end with one place and one waitlist,
// both answers 201, and exactly two enrolment rows.
func TestLastPlaceTwoServers(t *testing.T) {
	dbs := map[string]struct {
		db  *store.DB
		dsn string
	}{}
	lite := storetest.SQLite(t)
	dbs["sqlite"] = struct {
		db  *store.DB
		dsn string
	}{lite, lite.Source}
	if pg := storetest.Postgres(t); pg != nil {
		var name string
		if err := pg.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(storetest.PostgresAdminURL(t))
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		dbs["postgres"] = struct {
			db  *store.DB
			dsn string
		}{pg, u.String()}
	}
	for dialect, d := range dbs {
		t.Run(dialect, func(t *testing.T) { lastPlaceRounds(t, d.db, d.dsn) })
	}
}

func lastPlaceRounds(t *testing.T, db *store.DB, dsn string) {
	ctx := context.Background()
	f := newFixture(t, db)
	other := secondServer(t, dsn)
	sys := audit.System("test")
	var tokens [2]string
	var accounts [2]int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range tokens {
			per, err := person.Create(ctx, tx, sys, person.Input{NameZH: fmt.Sprintf("学员%d", i), InstitutionID: f.ids["hospital"], StaffNumber: fmt.Sprintf("R%d", i)})
			if err != nil {
				return err
			}
			a, err := account.Create(ctx, tx, sys, account.NewAccount{PersonID: per.ID, Username: fmt.Sprintf("racer%d", i),
				Password: fixturePassword, Grants: []account.Grant{{Role: account.Learner}}})
			if err != nil {
				return err
			}
			accounts[i] = a.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tokens {
		if tokens[i], err = account.StartSession(ctx, db, accounts[i], "127.0.0.1", "test", time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	urls := [2]string{f.http.URL, other.URL}
	today := time.Now().In(activity.Zone)
	start := today.AddDate(0, 0, 5).Format(time.DateOnly)
	for round := range 50 {
		var act activity.Activity
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			act, err = activity.Create(ctx, tx, sys, activity.Input{Level: "institutional", TitleZH: fmt.Sprintf("抢位%d", round),
				InstitutionID: f.ids["hospital"], DirectorID: f.ids["directorp"], PlannedHours: "2", StartDate: start, EndDate: start,
				Capacity: 1, EnrolDeadline: start, MinAttendancePct: 80})
			if err != nil {
				return err
			}
			if _, err = activity.Transition(ctx, tx, sys, act.ID, "submit", ""); err != nil {
				return err
			}
			_, err = activity.Approve(ctx, tx, sys, act.ID, activity.Approval{Code: fmt.Sprintf("RACE-%s-%03d", start[:4], round)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		var wg sync.WaitGroup
		var statuses [2]int
		var got [2]string
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/activities/%d/enrol", urls[i], act.ID), nil)
				req.AddCookie(&http.Cookie{Name: "meded_session", Value: tokens[i]})
				<-release
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				statuses[i] = resp.StatusCode
				var e struct{ Status string }
				json.Unmarshal(body, &e)
				got[i] = e.Status
			}()
		}
		close(release)
		wg.Wait()
		if statuses != [2]int{201, 201} {
			t.Fatalf("round %d: got statuses %v, want 201 201", round, statuses)
		}
		answers := strings.Join([]string{got[0], got[1]}, " ")
		if answers != "enrolled waitlisted" && answers != "waitlisted enrolled" {
			t.Fatalf("round %d: got %q, want one enrolled and one waitlisted", round, answers)
		}
		var rows, enrolled int
		if err := db.QueryRow(ctx, `SELECT COUNT(*), SUM(CASE WHEN status = 'enrolled' THEN 1 ELSE 0 END) FROM enrolments WHERE activity_id = ?`,
			act.ID).Scan(&rows, &enrolled); err != nil {
			t.Fatal(err)
		}
		if rows != 2 || enrolled != 1 {
			t.Fatalf("round %d: got %d rows, %d enrolled; want 2 and 1", round, rows, enrolled)
		}
	}
}
