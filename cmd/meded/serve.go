package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/demo"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/web"
)

func serveCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var c config
	var withDemo bool
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	commonFlags(fs, &c, getenv)
	fs.StringVar(&c.Addr, "addr", envOr(getenv, "MEDED_ADDR", "127.0.0.1:8080"), "listen address (env MEDED_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", getenv("MEDED_BASE_URL"), "address phones and links use, e.g. https://meded.example.org (env MEDED_BASE_URL)")
	fs.BoolVar(&withDemo, "demo", false, "serve the demo data from its own database (DATA_DIR/demo.db)")
	var tlsCert, tlsKey string
	fs.StringVar(&tlsCert, "tls-cert", getenv("MEDED_TLS_CERT"), "certificate file (PEM) to serve HTTPS, which camera scanning in browsers needs (env MEDED_TLS_CERT)")
	fs.StringVar(&tlsKey, "tls-key", getenv("MEDED_TLS_KEY"), "private key file (PEM) of --tls-cert (env MEDED_TLS_KEY)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if (tlsCert == "") != (tlsKey == "") {
		return errors.New("--tls-cert / MEDED_TLS_CERT and --tls-key / MEDED_TLS_KEY: give both or neither")
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("--base-url / MEDED_BASE_URL: %q must start with http:// or https://", c.BaseURL)
	}
	logger, err := c.logger(stderr)
	if err != nil {
		return err
	}
	dsn := c.databasePath("meded.db")
	if withDemo && c.DB == "" {
		dsn = filepath.Join(c.DataDir, "demo.db")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepareSchema(ctx, db, stdout); err != nil {
		return err
	}
	var logins []demo.Login
	if withDemo {
		start := time.Now()
		loaded, current, err := demo.Ensure(ctx, db)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if loaded {
			fmt.Fprintf(stdout, "Loaded the demo data into %s in %s.\n", db.Source, time.Since(start).Round(time.Millisecond))
		} else if !current {
			fmt.Fprintf(stdout, "The demo data in %s is from an older MedEd: run `meded demo --reset` to rebuild it.\n", db.Source)
		}
		logins = demo.Logins()
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("--addr / MEDED_ADDR: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if tlsCert != "" {
		ln, err = listenTLS(ln, tlsCert, tlsKey)
		if err != nil {
			return err
		}
		url = "https://" + ln.Addr().String()
	}
	if c.BaseURL == "" {
		c.BaseURL = url
	}
	srv, err := web.New(web.Config{DB: db, Logger: logger, Catalog: cat, BaseURL: c.BaseURL, Demo: withDemo,
		SecureCookies: strings.HasPrefix(c.BaseURL, "https://")})
	if err != nil {
		ln.Close()
		return err
	}
	if !withDemo {
		if has, err := account.HasAdmin(ctx, db); err == nil && !has {
			fmt.Fprintf(stdout, "No admin account yet. Create one with:\n  meded user add --db %s --role admin --email you@example.org\n", db.Source)
		}
	}
	fmt.Fprintf(stdout, "MedEd is listening on %s (database %s)\n", url, db.Source)
	for _, l := range logins {
		fmt.Fprintf(stdout, "demo login: role=%s login=%s password=%s\n", l.Role, l.Login, l.Password)
	}
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { defer close(swept); sweepSeriesCredits(sweepCtx, db, logger, time.Minute) }()
	defer func() { stopSweep(); <-swept }()
	return srv.Serve(ctx, ln, 20*time.Second)
}

// listenTLS serves HTTPS on ln: browsers allow the camera (kiosk and phone
// scanning) only on secure pages.
func listenTLS(ln net.Listener, certFile, keyFile string) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("--tls-cert / --tls-key: %w", err)
	}
	return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), nil
}

// prepareSchema migrates an empty database and refuses an out-of-date one,
// so an upgrade is always a deliberate `meded migrate`.
func prepareSchema(ctx context.Context, db *store.DB, stdout io.Writer) error {
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	if v.Empty {
		if _, err := db.Migrate(ctx, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created the MedEd schema (version %d) in %s.\n", v.Target, db.Source)
		return nil
	}
	if _, err := db.CheckSchema(ctx); err != nil {
		if errors.Is(err, store.ErrSchemaOutOfDate) {
			return fmt.Errorf("%w\n  meded migrate --db %s", err, db.Source)
		}
		return err
	}
	return nil
}
