package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// syncBuffer lets a test read what a running command printed so far.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestMigrateThenServeThenStop(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "meded.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--db", dbPath}, &out, io.Discard, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied migrations") {
		t.Errorf("migrate printed %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"user", "add", "--db", dbPath, "--role", "admin", "--email", "root@example.org"}, &out, io.Discard, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Initial password: ") {
		t.Errorf("user add printed %q, want the generated password", out.String())
	}
	if err := run(context.Background(), []string{"user", "add", "--db", dbPath, "--role", "education_office", "--email", "office@example.org"}, io.Discard, io.Discard, env(nil)); err == nil {
		t.Error("an education office without --scope was accepted")
	}

	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, stdout, io.Discard, env(map[string]string{"MEDED_DB": dbPath}))
	}()
	url := waitForURL(t, stdout)
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/readyz: %d", resp.StatusCode)
	}
	cancel() // what SIGTERM does in main
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func waitForURL(t *testing.T, out *syncBuffer) string {
	t.Helper()
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no URL printed: %q", out.String())
	return ""
}

func TestServeRefusesAnOutOfDateSchema(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "meded.db")
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	// A database at an older version: the version table exists but nothing is applied.
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), "DELETE FROM goose_db_version WHERE version_id > 0"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = run(context.Background(), []string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"}, io.Discard, io.Discard, env(nil))
	if err == nil || !strings.Contains(err.Error(), "meded migrate") {
		t.Errorf("serve on an out-of-date schema: %v, want a refusal naming meded migrate", err)
	}
}

func TestServeMigratesAnEmptyPostgres(t *testing.T) {
	u := storetest.EmptyPostgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", u, "--addr", "127.0.0.1:0"}, stdout, io.Discard, env(nil))
	}()
	waitForURL(t, stdout)
	if !strings.Contains(stdout.String(), "Created the MedEd schema") || !strings.Contains(stdout.String(), "No admin account yet") {
		t.Errorf("serve on an empty PostgreSQL printed %q", stdout.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// TestDemoLoadsOnceAndResets also runs `report expiring` on the demo.
func TestDemoLoadsOnceAndResets(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"demo", "--data-dir", dir}
	if err := run(context.Background(), args, &out, io.Discard, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Loaded the demo data") || strings.Count(out.String(), "demo login: role=") != 8 {
		t.Errorf("first demo run printed %q", out.String())
	}
	// The demo's agreements feed the expiring report (loading the demo is
	// slow under the race detector, so one load serves both).
	out.Reset()
	err := run(context.Background(), []string{"report", "expiring", "--days", "3650", "--db", filepath.Join(dir, "demo.db")}, &out, io.Discard, env(nil))
	if err != nil || !strings.Contains(out.String(), "END") || !strings.Contains(out.String(), "partnership") {
		t.Errorf("report expiring: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), []string{"report", "expiring", "--days", "0", "--db", filepath.Join(dir, "demo.db")}, io.Discard, io.Discard, env(nil)); err == nil || !strings.Contains(err.Error(), "--days") {
		t.Errorf("--days 0: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), args, &out, io.Discard, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "already holds the current demo data") {
		t.Errorf("second demo run printed %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), append(args, "--reset"), &out, io.Discard, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Loaded the demo data") {
		t.Errorf("demo --reset printed %q", out.String())
	}
}

func TestBadSettingsNameTheirVariable(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--base-url", "meded.example.org"}, io.Discard, io.Discard, env(nil))
	if err == nil || !strings.Contains(err.Error(), "MEDED_BASE_URL") {
		t.Errorf("bad base URL: %v", err)
	}
	err = run(context.Background(), []string{"migrate", "--db", filepath.Join(t.TempDir(), "x.db")}, io.Discard, io.Discard, env(map[string]string{"MEDED_LOG_LEVEL": "loud"}))
	if err != nil {
		t.Errorf("migrate ignores the log level: %v", err)
	}
	err = run(context.Background(), []string{"serve", "--log-level", "loud", "--db", filepath.Join(t.TempDir(), "x.db")}, io.Discard, io.Discard, env(nil))
	if err == nil || !strings.Contains(err.Error(), "MEDED_LOG_LEVEL") {
		t.Errorf("bad log level: %v", err)
	}
}
