package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/meded/meded/internal/store"
)

const usage = `meded runs MedEd, medical education for a university and its hospitals.

Usage:
  meded serve [--demo] [--db DB] [--addr HOST:PORT] [--base-url URL] [--data-dir DIR]
  meded migrate [--db DB]
  meded demo [--reset] [--db DB]
  meded report expiring [--days 90] [--db DB]
  meded ledger verify [--checkpoint FILE [--public-key KEY.pub]] [--db DB]
  meded ledger checkpoint --out FILE [--key KEY] [--db DB]
  meded user add --role ROLE [--email E] [--phone P] [--username U] [--scope INSTITUTION_ID] [--password PW] [--db DB]

Every command takes --db (a SQLite file path or a postgres:// URL; env MEDED_DB),
default DATA_DIR/meded.db with DATA_DIR ./meded-data (env MEDED_DATA_DIR).
`

// config is read from MEDED_* variables, then flags, into one struct.
type config struct {
	DB       string
	DataDir  string
	Addr     string
	BaseURL  string
	LogLevel string
}

// commonFlags registers the settings every subcommand shares.
func commonFlags(fs *flag.FlagSet, c *config, getenv func(string) string) {
	fs.StringVar(&c.DB, "db", getenv("MEDED_DB"), "database: SQLite file path or postgres:// URL (env MEDED_DB)")
	fs.StringVar(&c.DataDir, "data-dir", envOr(getenv, "MEDED_DATA_DIR", "meded-data"), "directory for keys and the default SQLite file (env MEDED_DATA_DIR)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(getenv, "MEDED_LOG_LEVEL", "info"), "debug, info, warn or error (env MEDED_LOG_LEVEL)")
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

func (c *config) databasePath(name string) string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, name)
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level / MEDED_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return serveCommand(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		return migrateCommand(ctx, args[1:], stdout, stderr, getenv)
	case "demo":
		return demoCommand(ctx, args[1:], stdout, stderr, getenv)
	case "report":
		return reportCommand(ctx, args[1:], stdout, stderr, getenv)
	case "ledger":
		return ledgerCommand(ctx, args[1:], stdout, stderr, getenv)
	case "user":
		if len(args) > 1 && args[1] == "add" {
			return userAddCommand(ctx, args[2:], stdout, stderr, getenv)
		}
		return errors.New("usage: meded user add --role ROLE --email ADDRESS")
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}

// openCurrent opens a database and refuses one whose schema is not current.
func openCurrent(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrateCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var c config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	db, err := store.Open(ctx, c.databasePath("meded.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx, nil)
	if err != nil {
		return err
	}
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s: schema is current (version %d)\n", db.Source, v.Current)
		return nil
	}
	fmt.Fprintf(stdout, "%s: applied migrations %v; schema now at version %d\n", db.Source, applied, v.Current)
	return nil
}
