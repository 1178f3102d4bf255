package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/person"
)

const (
	sessionCookie = "meded_session"
	langCookie    = "meded_lang"
)

// visit is what the server knows about the request's sender.
type visit struct {
	lang      string
	principal *account.Principal // nil when nobody is signed in
	session   string             // the session token, when signed in by cookie
	ip        string
	zone      *time.Location // where the sender's institution is; times are shown there
	info      *requestInfo
}

type visitKey struct{}

func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{lang: i18n.Chinese, info: &requestInfo{}, zone: i18n.Zone("")}
}

// requestInfo carries facts found deep in the chain back to the outer
// logging and metrics middleware.
type requestInfo struct {
	route string
	err   error
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	if ri, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// withVisit signs the sender in (API token or session cookie) and picks the language.
func (s *Server) withVisit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &visit{ip: clientIP(r), info: infoOf(r.Context())}
		var acct account.Account
		var err error
		signedIn := false
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			acct, err = account.TokenAccount(r.Context(), s.db, strings.TrimSpace(bearer))
			signedIn = err == nil
			if err != nil && !errors.Is(err, account.ErrNoSession) {
				s.fail(w, r, err)
				return
			}
			if err != nil {
				s.fail(w, r, errBadToken)
				return
			}
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			acct, err = account.SessionAccount(r.Context(), s.db, c.Value, s.cfg.SessionIdle)
			switch {
			case err == nil:
				signedIn, v.session = true, c.Value
			case errors.Is(err, account.ErrNoSession):
				clearCookie(w, sessionCookie, s.cfg.SecureCookies)
			default:
				s.fail(w, r, err)
				return
			}
		}
		v.zone = i18n.Zone("")
		if signedIn {
			v.principal, err = account.LoadPrincipal(r.Context(), s.db, acct)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if acct.PersonID != 0 {
				if name, err := person.TimeZone(r.Context(), s.db, acct.PersonID); err == nil {
					v.zone = i18n.Zone(name)
				}
			}
		}
		choice := ""
		if c, err := r.Cookie(langCookie); err == nil {
			choice = c.Value
		}
		if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
			choice = q
		}
		setting := ""
		if v.principal != nil {
			setting = v.principal.Account.Locale
		}
		v.lang = i18n.Negotiate(setting, choice, r.Header.Get("Accept-Language"))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), visitKey{}, v)))
	})
}

// guard checks the route's access rule, then runs its handler and renders
// any error it returns.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		v.info.route = rt.method + " " + rt.pattern
		if err := rt.access.check(v.principal); err != nil {
			s.fail(w, r, err)
			return
		}
		if v.principal != nil && v.principal.Account.MustChangePassword && !isAPI(r) && !rt.allowedBeforePasswordChange() {
			http.Redirect(w, r, "/profile?must_change=1", http.StatusSeeOther)
			return
		}
		if err := rt.handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (rt route) allowedBeforePasswordChange() bool {
	switch rt.pattern {
	case "/profile", "/profile/password", "/logout", "/language", "/static/":
		return true
	}
	return false
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// securityHeaders sets a Content-Security-Policy without inline scripts or
// styles from the first page on, so later hardening needs no retrofit.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// observe logs each request once and counts it in the metrics; it also turns
// a panic into a 500 so one bad request never takes the server down.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", p)
				if !rec.wrote {
					http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				}
			}
			route := info.route
			if route == "" {
				route = "other"
			}
			elapsed := time.Since(start)
			s.metrics.observe(route, rec.status, elapsed)
			attrs := []any{"method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status,
				"duration_ms", elapsed.Milliseconds(), "ip", clientIP(r)}
			if info.err != nil {
				attrs = append(attrs, "error", info.err.Error())
				s.log.ErrorContext(r.Context(), "request failed", attrs...)
				return
			}
			s.log.InfoContext(r.Context(), "request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

func clearCookie(w http.ResponseWriter, name string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
