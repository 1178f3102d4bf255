package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/meded/meded/internal/ledger"
)

func ledgerCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New("usage: meded ledger verify [--checkpoint FILE] | meded ledger checkpoint --out FILE")
	}
	switch args[0] {
	case "verify":
		return ledgerVerify(ctx, args[1:], stdout, stderr, getenv)
	case "checkpoint":
		return ledgerCheckpoint(ctx, args[1:], stdout, stderr, getenv)
	}
	return fmt.Errorf("unknown ledger command %q: use verify or checkpoint", args[0])
}

// keyFlag names the ledger signing key: --key, MEDED_LEDGER_KEY, or the data directory.
func keyFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("key", getenv("MEDED_LEDGER_KEY"), "ed25519 signing key file (env MEDED_LEDGER_KEY; default DATA_DIR/ledger-signing.key, created when missing)")
}

func resolveKey(path string, c *config) string {
	if path != "" {
		return path
	}
	return filepath.Join(c.DataDir, "ledger-signing.key")
}

func ledgerVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var c config
	fs := flag.NewFlagSet("ledger verify", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	cpFile := fs.String("checkpoint", "", "also prove that nothing before this signed checkpoint was rewritten")
	pubFile := fs.String("public-key", "", "trust only checkpoints signed by this public key (a KEY.pub file)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	db, err := openCurrent(ctx, c.databasePath("meded.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := ledger.Verify(ctx, db)
	if err != nil {
		return err
	}
	r.Write(stdout)
	broken := !r.OK()
	if *cpFile != "" {
		b, err := os.ReadFile(*cpFile)
		if err != nil {
			return fmt.Errorf("--checkpoint: %w", err)
		}
		var cp ledger.Checkpoint
		if err := json.Unmarshal(b, &cp); err != nil {
			return fmt.Errorf("--checkpoint: %s is not a MedEd ledger checkpoint: %w", *cpFile, err)
		}
		var trusted []ed25519.PublicKey
		if *pubFile != "" {
			pub, err := ledger.ReadPublicKey(*pubFile)
			if err != nil {
				return fmt.Errorf("--public-key: %w", err)
			}
			trusted = append(trusted, pub)
		}
		problems, err := ledger.VerifyCheckpoint(ctx, db, cp, trusted)
		if err != nil {
			return err
		}
		for _, p := range problems {
			fmt.Fprintln(stdout, "CHECKPOINT", p)
		}
		if len(problems) == 0 {
			fmt.Fprintf(stdout, "checkpoint of %s holds: %d chain heads unchanged\n", cp.CreatedAt.Format("2006-01-02 15:04:05 UTC"), len(cp.Heads))
		}
		broken = broken || len(problems) > 0
	}
	if broken {
		return errors.New("the credit ledger does not verify")
	}
	return nil
}

func ledgerCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var c config
	fs := flag.NewFlagSet("ledger checkpoint", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	out := fs.String("out", "", "file to write the signed checkpoint to (required)")
	key := keyFlag(fs, getenv)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out is required")
	}
	path := resolveKey(*key, &c)
	priv, created, err := ledger.LoadOrCreateKey(path)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "Created the ledger signing key %s (public half in %s.pub).\n", path, path)
	}
	db, err := openCurrent(ctx, c.databasePath("meded.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	cp, err := ledger.MakeCheckpoint(ctx, db, priv)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote a checkpoint of %d chains to %s (Merkle root %s).\n", len(cp.Heads), *out, cp.MerkleRoot)
	return nil
}
