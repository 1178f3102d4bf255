package checkin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/web"
)

// BenchmarkCheckin measures check-ins per second through the real HTTP
// handler (sign-in by cookie, ticket check, window and enrolment checks,
// the insert and its audit record), and raw single-row INSERTs of the same
// rows in the same run, on SQLite and PostgreSQL. ratio is HTTP time over
// raw time: what the checks and the HTTP round trip cost per row.
//
//	go test ./internal/checkin -run '^$' -bench Checkin -benchtime 2000x
func BenchmarkCheckin(b *testing.B) {
	// Each run gets a fresh database: the framework calls a benchmark more
	// than once, and each builds its own world.
	b.Run("sqlite", func(b *testing.B) { benchCheckin(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		db := storetest.Postgres(b)
		if db == nil {
			b.Skip("MEDED_TEST_POSTGRES_URL not set")
		}
		benchCheckin(b, db)
	})
}

func benchCheckin(b *testing.B, db *store.DB) {
	ctx := context.Background()
	w := newWorld(b, db)
	// The world's session is next year; the benchmark's are open now.
	if _, err := db.Exec(ctx, `UPDATE activities SET start_date = ?, end_date = ? WHERE id = ?`,
		time.Now().In(activity.Zone).AddDate(0, 0, -1).Format(time.DateOnly), time.Now().In(activity.Zone).AddDate(0, 0, 1).Format(time.DateOnly), w.activity.ID); err != nil {
		b.Fatal(err)
	}
	var acct account.Account
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		acct, err = account.Create(ctx, tx, sys, account.NewAccount{PersonID: w.enrolled, Username: fmt.Sprintf("bench%d", time.Now().UnixNano()),
			Password: "bench-Pass-2026-x", Grants: []account.Grant{{Role: account.Learner}}})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	token, err := account.StartSession(ctx, db, acct.ID, "127.0.0.1", "bench", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{DB: db, Catalog: cat, BaseURL: "http://meded.test"})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	key, err := checkin.Key(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	// One session per row, so each check-in inserts: b.N for HTTP one at a
	// time, b.N raw, b.N for HTTP from eight clients at once.
	sessions := make([]int64, 3*b.N)
	start := time.Now().Add(-5 * time.Minute).UTC().Truncate(time.Microsecond)
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := range sessions {
			if err := tx.QueryRow(ctx, `INSERT INTO cme_sessions (activity_id, starts_at, ends_at, venue, format, quarters, topic, created_at, updated_at)
				VALUES (?, ?, ?, '报告厅', 'lecture', 4, '', ?, ?) RETURNING id`, w.activity.ID, start, start.Add(time.Hour), store.Now(), store.Now()).Scan(&sessions[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	bodies := make([]string, 3*b.N)
	for i := range bodies {
		bodies[i] = fmt.Sprintf(`{"ticket": %q}`, checkin.IssueTicket(key, sessions[i], now))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	b.ResetTimer()
	began := time.Now()
	for i := range b.N {
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/checkin", strings.NewReader(bodies[i]))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: "meded_session", Value: token})
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("check-in %d: status %d", i, resp.StatusCode)
		}
	}
	httpTime := time.Since(began)
	b.StopTimer()
	began = time.Now()
	for i := range b.N {
		if _, err := db.Exec(ctx, `INSERT INTO attendance (session_id, person_id, method, recorded_at, checked_in_at) VALUES (?, ?, ?, ?, ?)`,
			sessions[b.N+i], w.enrolled, checkin.MethodCode, store.Now(), store.Now()); err != nil {
			b.Fatal(err)
		}
	}
	rawTime := time.Since(began)
	// Eight clients at once, as at the door of a conference.
	const clients = 8
	next := make(chan int)
	errs := make(chan error, clients)
	began = time.Now()
	for range clients {
		go func() {
			for i := range next {
				req, _ := http.NewRequest("POST", hs.URL+"/api/v1/checkin", strings.NewReader(bodies[2*b.N+i]))
				req.Header.Set("Content-Type", "application/json")
				req.AddCookie(&http.Cookie{Name: "meded_session", Value: token})
				resp, err := client.Do(req)
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("check-in %d: status %d", i, resp.StatusCode)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	for range clients {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	parallelTime := time.Since(began)
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM attendance WHERE person_id = ?`, w.enrolled).Scan(&n); err != nil || n != 3*b.N {
		b.Fatalf("got %d rows (%v), want %d", n, err, 3*b.N)
	}
	b.ReportMetric(float64(b.N)/parallelTime.Seconds(), "checkins/s_8clients")
	b.ReportMetric(float64(b.N)/httpTime.Seconds(), "checkins/s")
	b.ReportMetric(float64(b.N)/rawTime.Seconds(), "raw_inserts/s")
	b.ReportMetric(httpTime.Seconds()/rawTime.Seconds(), "ratio")
}
