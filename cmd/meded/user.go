package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
)

func userAddCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var c config
	var in account.NewAccount
	var role string
	var scope int64
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	fs.StringVar(&role, "role", "", "role: admin, education_office, department_reviewer, project_director, lecturer, partnership_office, learner or auditor")
	fs.StringVar(&in.Email, "email", "", "login email")
	fs.StringVar(&in.Phone, "phone", "", "login phone")
	fs.StringVar(&in.Username, "username", "", "login name (e.g. a staff number)")
	fs.StringVar(&in.DisplayName, "name", "", "display name")
	fs.StringVar(&in.Password, "password", "", "initial password (default: generated and printed; it must be changed at first sign-in)")
	fs.Int64Var(&scope, "scope", 0, "institution ID the role is scoped to (needed for education_office and partnership_office)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if role == "" {
		return fmt.Errorf("--role is required")
	}
	generated := in.Password == ""
	if generated {
		in.Password = "Md-" + rand.Text()[:12]
		in.MustChangePassword = true
	}
	if in.DisplayName == "" {
		in.DisplayName = firstNonEmpty(in.Username, in.Email, in.Phone)
	}
	in.Grants = []account.Grant{{Role: account.Role(role), InstitutionID: scope}}
	db, err := openCurrent(ctx, c.databasePath("meded.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	var a account.Account
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		a, err = account.Create(ctx, tx, audit.System("meded user add"), in)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created account %d (%s) with role %s.\n", a.ID, firstNonEmpty(a.Username, a.Email, a.Phone), role)
	if generated {
		fmt.Fprintf(stdout, "Initial password: %s (to be changed at first sign-in)\n", in.Password)
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
