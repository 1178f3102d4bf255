package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

func TestLedgerVerifyAndCheckpointCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "meded.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var entries []ledger.Entry
	err = db.InTx(ctx, func(tx *store.Tx) error {
		actor := audit.System("test")
		inst, err := institution.Create(ctx, tx, actor, institution.Input{Kind: "hospital", NameEN: "Hospital"})
		if err != nil {
			return err
		}
		p, err := person.Create(ctx, tx, actor, person.Input{NameZH: "张伟", InstitutionID: inst.ID})
		if err != nil {
			return err
		}
		for _, amount := range []int64{200, 150} {
			e, err := ledger.Post(ctx, tx, actor, ledger.Posting{PersonID: p.ID, CreditYear: 2019, Class: "I", Category: "national_project",
				Amount: amount, Hours: amount * 3, Source: "activity"})
			if err != nil {
				return err
			}
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ledgerRun := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"ledger"}, append(args, "--db", dbPath, "--data-dir", dir)...), &out, io.Discard, env(nil))
		return out.String(), err
	}
	if out, err := ledgerRun("verify"); err != nil || !strings.Contains(out, "ledger intact") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	cpFile := filepath.Join(dir, "checkpoint.json")
	if out, err := ledgerRun("checkpoint", "--out", cpFile); err != nil || !strings.Contains(out, "Created the ledger signing key") {
		t.Fatalf("checkpoint: %v\n%s", err, out)
	}
	pub := filepath.Join(dir, "ledger-signing.key.pub")
	if out, err := ledgerRun("verify", "--checkpoint", cpFile, "--public-key", pub); err != nil || !strings.Contains(out, "checkpoint of") {
		t.Fatalf("verify --checkpoint: %v\n%s", err, out)
	}
	// Alter the first entry directly in the file, as someone with the
	// sqlite3 shell would: drop the guard, update, put the guard back.
	for _, stmt := range []string{
		"DROP TRIGGER ledger_entries_no_update",
		"UPDATE ledger_entries SET amount = 900 WHERE id = " + itoa(entries[0].ID),
		"CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END",
	} {
		if _, err := db.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	out, err := ledgerRun("verify", "--checkpoint", cpFile)
	if err == nil || !strings.Contains(out, "BROKEN person 1: entry "+itoa(entries[0].ID)+" (seq 1)") {
		t.Errorf("verify after tampering: %v\n%q", err, out)
	}
	if _, err := ledgerRun("checkpoint", "--out", filepath.Join(dir, "x.json")); err == nil {
		t.Error("a checkpoint of a broken ledger was signed")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
