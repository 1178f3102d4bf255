package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestCheckinOnceTwoServers: the same learner posts the same check-in
// twenty times at once, half through each of two servers with separate
// pools on one database. Every round, for 50 rounds on SQLite and on
// PostgreSQL, must give one "checked_in", nineteen "already_checked_in",
// all 200, and exactly one attendance row.
func TestCheckinOnceTwoServers(t *testing.T) {
	lite := storetest.SQLite(t)
	t.Run("sqlite", func(t *testing.T) { checkinRounds(t, lite, lite.Source) })
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
		t.Run("postgres", func(t *testing.T) { checkinRounds(t, pg, u.String()) })
	}
}

func checkinRounds(t *testing.T, db *store.DB, dsn string) {
	ctx := context.Background()
	f := newFixture(t, db)
	other := secondServer(t, dsn)
	sys := audit.System("test")
	token, err := account.StartSession(ctx, db, f.logins["learner"].ID, "127.0.0.1", "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	key := f.checkinKey(t)
	urls := [2]string{f.http.URL, other.URL}
	const senders = 20
	start := time.Now().In(activity.Zone).Add(-5 * time.Minute).Truncate(time.Minute)
	for round := range 50 {
		var s session.Session
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			s, err = session.Create(ctx, tx, sys, f.ids["act_live"], session.Input{StartsAt: start.Format(time.RFC3339),
				EndsAt: start.Add(time.Hour).Format(time.RFC3339), Venue: "报告厅", Format: "lecture", Hours: "1", Topic: fmt.Sprintf("第%d讲", round)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf(`{"ticket": %q}`, checkin.IssueTicket(key, s.ID, time.Now()))
		release := make(chan struct{})
		var wg sync.WaitGroup
		statuses := make([]int, senders)
		answers := make([]string, senders)
		for i := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", urls[i%2]+"/api/v1/checkin", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.AddCookie(&http.Cookie{Name: "meded_session", Value: token})
				<-release
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				statuses[i] = resp.StatusCode
				var a struct{ Status string }
				json.Unmarshal(b, &a)
				answers[i] = a.Status
			}()
		}
		close(release)
		wg.Wait()
		first, already := 0, 0
		for i := range senders {
			if statuses[i] != 200 {
				t.Fatalf("round %d, request %d: status %d", round, i, statuses[i])
			}
			switch answers[i] {
			case "checked_in":
				first++
			case "already_checked_in":
				already++
			default:
				t.Fatalf("round %d, request %d: answer %q", round, i, answers[i])
			}
		}
		if first != 1 || already != senders-1 {
			t.Fatalf("round %d: %d checked in, %d already; want 1 and %d", round, first, already, senders-1)
		}
		var rows int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE session_id = ? AND person_id = ?`, s.ID, f.ids["self"]).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Fatalf("round %d: %d attendance rows, want 1", round, rows)
		}
	}
}
