package web

import (
	"context"
	"net/http"
	"time"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database answers and its schema is the
// one this binary expects, so a load balancer skips an instance mid-upgrade.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
	}
	v, err := s.db.CheckSchema(ctx)
	if err != nil {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "schema not current", "schema": v.Current, "expected": v.Target})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "schema": v.Current})
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}
