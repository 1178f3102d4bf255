// Package web serves MedEd's pages and its JSON API. Handlers parse input,
// check who may act, call a domain package and render; the rules live in the
// domain packages.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/store"
)

// Config is everything the server needs, built once in main.
type Config struct {
	DB      *store.DB
	Logger  *slog.Logger
	Catalog *i18n.Catalog
	// BaseURL is the address phones and links use (QR codes, reset links, feeds).
	BaseURL string
	// Demo marks every page with a banner: the data is made up.
	Demo bool
	// SecureCookies sets the Secure flag; on for https base URLs.
	SecureCookies bool
	SessionTTL    time.Duration
	SessionIdle   time.Duration
	Throttle      account.Throttle
	// Registry receives the server's metrics; nil makes a private one.
	Registry *prometheus.Registry
}

// Server is the HTTP face of MedEd.
type Server struct {
	cfg     Config
	db      *store.DB
	log     *slog.Logger
	cat     *i18n.Catalog
	pages   *pageSet
	api     *apiDoc
	metrics *metrics
	routes  []route
	mux     *http.ServeMux
	// hashSlots bounds concurrent password checks: each argon2id check takes
	// about 19 MiB and 40 ms of a core, so a login rush queues here instead
	// of exhausting memory.
	hashSlots chan struct{}
}

// New builds a server; it fails when a template or the API document does not load.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil || cfg.Catalog == nil {
		return nil, errors.New("web: a database and a catalogue are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 2 * time.Hour
	}
	if cfg.Throttle == (account.Throttle{}) {
		cfg.Throttle = account.DefaultThrottle
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	doc, err := loadAPIDoc()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: cfg.DB, log: cfg.Logger, cat: cfg.Catalog, pages: pages, api: doc,
		hashSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
	s.metrics, err = newMetrics(cfg.Registry, cfg.DB)
	if err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.pattern, s.guard(rt))
	}
	s.mux.Handle("GET /static/", staticHandler())
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// Handler returns the server's root handler with every middleware applied.
func (s *Server) Handler() http.Handler {
	protect := http.NewCrossOriginProtection()
	protect.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	var h http.Handler = s.mux
	h = s.withVisit(h)
	h = protect.Handler(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

// Routes lists the registered routes (method and pattern), for tests and docs.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.method, Pattern: rt.pattern}
	}
	return out
}

// RouteInfo names one route.
type RouteInfo struct{ Method, Pattern string }

// Serve answers on ln until ctx is cancelled (SIGTERM in main), then lets
// in-flight requests finish for up to grace before returning.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
