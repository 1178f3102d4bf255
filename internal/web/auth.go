package web

import (
	"net/http"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/store"
)

type loginPage struct {
	Next, Login, Error string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if visitOf(r).principal != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, "login", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	v := visitOf(r)
	login, next := r.PostForm.Get("login"), safeNext(r.PostForm.Get("next"))
	release, err := s.hashSlot(r)
	if err != nil {
		return err
	}
	acct, err := account.Authenticate(r.Context(), s.db, login, r.PostForm.Get("password"), v.ip, s.cfg.Throttle)
	release()
	if err != nil {
		he, _ := classify(err)
		if he.status >= 500 {
			return err
		}
		p := s.newPage(r, "login", loginPage{Next: next, Login: login, Error: he.key})
		return s.renderPage(w, he.status, p)
	}
	token, err := account.StartSession(r.Context(), s.db, acct.ID, v.ip, r.UserAgent(), s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	setCookie(w, sessionCookie, token, s.cfg.SessionTTL, s.cfg.SecureCookies)
	if acct.Locale != "" {
		setCookie(w, langCookie, acct.Locale, 365*24*60*60*1e9, s.cfg.SecureCookies)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	v := visitOf(r)
	if v.session != "" {
		if err := account.EndSession(r.Context(), s.db, v.session); err != nil {
			return err
		}
	}
	clearCookie(w, sessionCookie, s.cfg.SecureCookies)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// chooseLanguage remembers a visitor's language in a cookie and, for a
// signed-in account, in its settings.
func (s *Server) chooseLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	lang := r.PostForm.Get("lang")
	if !i18n.Supported(lang) {
		return errBadForm
	}
	setCookie(w, langCookie, lang, 365*24*60*60*1e9, s.cfg.SecureCookies)
	if p := visitOf(r).principal; p != nil && p.Account.Locale != lang {
		err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
			return account.SetLocale(r.Context(), tx, s.actor(r), p.Account.ID, lang)
		})
		if err != nil {
			return err
		}
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// actor names the sender for the audit log.
func (s *Server) actor(r *http.Request) audit.Actor {
	v := visitOf(r)
	a := audit.Actor{IP: v.ip, Label: "anonymous"}
	if v.principal != nil {
		a.AccountID = v.principal.Account.ID
		a.Label = v.principal.Account.DisplayName
	}
	return a
}

var errBadForm = &httpError{http.StatusBadRequest, "bad_request", "error.bad_form"}

// hashSlot waits for a free password-check slot; the caller releases it.
func (s *Server) hashSlot(r *http.Request) (release func(), err error) {
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}
