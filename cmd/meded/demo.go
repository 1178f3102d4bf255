package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/meded/meded/internal/demo"
	"github.com/meded/meded/internal/store"
)

func demoCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var c config
	var reset bool
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	fs.BoolVar(&reset, "reset", false, "delete the demo database and load the demo data again")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	dsn := c.DB
	if dsn == "" {
		dsn = filepath.Join(c.DataDir, "demo.db")
	}
	if reset {
		if err := demo.Remove(ctx, dsn); err != nil {
			return err
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepareSchema(ctx, db, stdout); err != nil {
		return err
	}
	start := time.Now()
	loaded, current, err := demo.Ensure(ctx, db)
	if err != nil {
		return err
	}
	switch {
	case loaded:
		fmt.Fprintf(stdout, "Loaded the demo data into %s in %s.\n", db.Source, time.Since(start).Round(time.Millisecond))
	case current:
		fmt.Fprintf(stdout, "%s already holds the current demo data.\n", db.Source)
	default:
		fmt.Fprintf(stdout, "%s holds older demo data: run `meded demo --reset`.\n", db.Source)
	}
	for _, l := range demo.Logins() {
		fmt.Fprintf(stdout, "demo login: role=%s login=%s password=%s\n", l.Role, l.Login, l.Password)
	}
	return nil
}
