package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/i18n"
)

func reportCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "expiring" {
		return errors.New("usage: meded report expiring [--days 90]")
	}
	var c config
	fs := flag.NewFlagSet("report expiring", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	days := fs.Int("days", agreement.ExpiryWindow, "list agreements in force that end within this many days")
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	if *days < 1 || *days > 3650 {
		return fmt.Errorf("--days: %d is not between 1 and 3650", *days)
	}
	db, err := openCurrent(ctx, c.databasePath("meded.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().In(i18n.Zone(""))
	list, err := agreement.Expiring(ctx, db, now, *days)
	if err != nil {
		return err
	}
	return agreement.WriteExpiring(stdout, now, list)
}
