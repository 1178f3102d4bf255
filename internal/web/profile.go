package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
)

type profilePage struct {
	Account    account.Account
	Person     *person.Person
	Tokens     []account.Token
	NewToken   string
	MustChange bool
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, newToken string, formErr error) error {
	p := visitOf(r).principal
	page := profilePage{Account: p.Account, NewToken: newToken, MustChange: p.Account.MustChangePassword}
	if p.Account.PersonID != 0 {
		per, err := person.Get(r.Context(), s.db, p.Account.PersonID)
		if err != nil {
			return err
		}
		per.NationalID = per.MaskedNationalID()
		page.Person = &per
	}
	var err error
	if page.Tokens, err = account.Tokens(r.Context(), s.db, p.Account.ID); err != nil {
		return err
	}
	if formErr != nil {
		return s.renderForm(w, r, "profile", page, formErr)
	}
	return s.render(w, r, "profile", page)
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) error {
	return s.renderProfile(w, r, "", nil)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	v := visitOf(r)
	f := r.PostForm
	if f.Get("new_password") != f.Get("confirm_password") {
		return s.renderProfile(w, r, "", fieldErr("confirm_password", "error.password_mismatch"))
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return account.ChangePassword(r.Context(), tx, s.actor(r), v.principal.Account.ID, f.Get("current_password"), f.Get("new_password"))
	})
	if err != nil {
		return s.renderProfile(w, r, "", renameField(err, "password", "new_password"))
	}
	// Every other session ended with the change; keep this one going.
	token, err := account.StartSession(r.Context(), s.db, v.principal.Account.ID, v.ip, r.UserAgent(), s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	setCookie(w, sessionCookie, token, s.cfg.SessionTTL, s.cfg.SecureCookies)
	return redirectFlash(w, r, "/profile", "flash.password_changed")
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func (s *Server) createToken(r *http.Request, req tokenRequest) (string, account.Token, error) {
	var secret string
	var tok account.Token
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		secret, tok, err = account.CreateToken(r.Context(), tx, s.actor(r), visitOf(r).principal.Account.ID, strings.TrimSpace(req.Name), req.ExpiresAt)
		return err
	})
	return secret, tok, err
}

func (s *Server) createTokenPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	req := tokenRequest{Name: r.PostForm.Get("name")}
	if days, err := strconv.Atoi(r.PostForm.Get("days")); err == nil && days > 0 {
		t := time.Now().UTC().Add(time.Duration(days) * 24 * time.Hour)
		req.ExpiresAt = &t
	}
	secret, _, err := s.createToken(r, req)
	if err != nil {
		return s.renderProfile(w, r, "", err)
	}
	return s.renderProfile(w, r, secret, nil)
}

func (s *Server) revokeToken(r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return account.RevokeToken(r.Context(), tx, s.actor(r), visitOf(r).principal.Account.ID, id)
	})
}

func (s *Server) revokeTokenPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.revokeToken(r); err != nil {
		return err
	}
	return redirectFlash(w, r, "/profile", "flash.token_revoked")
}

type resetPage struct{ Token string }

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "reset", resetPage{Token: r.PathValue("token")})
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	token := r.PathValue("token")
	if r.PostForm.Get("password") != r.PostForm.Get("confirm_password") {
		return s.renderForm(w, r, "reset", resetPage{Token: token}, fieldErr("confirm_password", "error.password_mismatch"))
	}
	if _, err := account.UseReset(r.Context(), s.db, token, r.PostForm.Get("password")); err != nil {
		if _, ok := asFields(err); ok {
			return s.renderForm(w, r, "reset", resetPage{Token: token}, err)
		}
		return err
	}
	return redirectFlash(w, r, "/login", "flash.password_changed")
}

type meResponse struct {
	Account account.Account `json:"account"`
	Person  *person.Person  `json:"person,omitempty"`
	Lang    string          `json:"lang"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	v := visitOf(r)
	resp := meResponse{Account: v.principal.Account, Lang: v.lang}
	if v.principal.Account.PersonID != 0 {
		per, err := person.Get(r.Context(), s.db, v.principal.Account.PersonID)
		if err != nil {
			return err
		}
		per.NationalID = per.MaskedNationalID()
		resp.Person = &per
	}
	return writeJSON(w, http.StatusOK, resp)
}

type createdToken struct {
	Token  account.Token `json:"token"`
	Secret string        `json:"secret"`
}

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) error {
	toks, err := account.Tokens(r.Context(), s.db, visitOf(r).principal.Account.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(toks, len(toks), len(toks), 0))
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	secret, tok, err := s.createToken(r, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, createdToken{Token: tok, Secret: secret})
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.revokeToken(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
