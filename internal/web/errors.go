package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/validate"
)

// httpError is an error with a status, a stable code for API clients and a
// catalogue key for people.
type httpError struct {
	status int
	code   string
	key    string
}

func (e *httpError) Error() string { return e.code }

var (
	errSignInRequired = &httpError{http.StatusUnauthorized, "unauthenticated", "error.sign_in_required"}
	errBadToken       = &httpError{http.StatusUnauthorized, "invalid_token", "error.invalid_token"}
	errForbidden      = &httpError{http.StatusForbidden, "forbidden", "error.forbidden"}
	errNotFound       = &httpError{http.StatusNotFound, "not_found", "error.not_found"}
	errCrossOrigin    = &httpError{http.StatusForbidden, "cross_origin", "error.cross_origin"}
	errBadJSON        = &httpError{http.StatusBadRequest, "bad_request", "error.bad_json"}
	errConflict       = &httpError{http.StatusConflict, "conflict", "error.conflict"}
)

// classify maps domain errors to what the sender sees; anything unknown is
// an internal error whose text never reaches a page.
func classify(err error) (*httpError, validate.Errors) {
	var he *httpError
	var throttled account.ThrottledError
	switch {
	case errors.As(err, &he):
		return he, nil
	case errors.As(err, new(ledger.ClosedError)):
		return &httpError{http.StatusConflict, "person_merged", "error.person_merged"}, nil
	case errors.As(err, &throttled):
		return &httpError{http.StatusTooManyRequests, "throttled", "error.throttled"}, nil
	case errors.Is(err, account.ErrBadCredentials):
		return &httpError{http.StatusUnauthorized, "bad_credentials", "error.bad_credentials"}, nil
	case errors.Is(err, account.ErrDisabled):
		return &httpError{http.StatusForbidden, "account_disabled", "error.account_disabled"}, nil
	case errors.Is(err, account.ErrNotFound), errors.Is(err, person.ErrNotFound), errors.Is(err, institution.ErrNotFound):
		return errNotFound, nil
	case errors.Is(err, activity.ErrNotFound), errors.Is(err, session.ErrNotFound), errors.Is(err, enrolment.ErrNotFound):
		return errNotFound, nil
	case errors.Is(err, account.ErrConflict), errors.Is(err, activity.ErrConflict):
		return errConflict, nil
	case errors.Is(err, agreement.ErrNotFound), errors.Is(err, placement.ErrNotFound), errors.Is(err, furtherstudy.ErrNotFound):
		return errNotFound, nil
	case errors.Is(err, agreement.ErrConflict):
		return errConflict, nil
	case errors.Is(err, ledger.ErrConflict):
		return errConflict, nil
	case errors.Is(err, ledger.ErrNotFound):
		return errNotFound, nil
	case errors.Is(err, selfreport.ErrNotFound), errors.Is(err, document.ErrNotFound):
		return errNotFound, nil
	case errors.Is(err, selfreport.ErrConflict):
		return &httpError{http.StatusConflict, "conflict", "selfreport.already_reviewed"}, nil
	case errors.Is(err, account.ErrInvalidReset):
		return &httpError{http.StatusGone, "invalid_reset", "error.invalid_reset"}, nil
	}
	if fields, ok := validate.As(err); ok {
		return &httpError{http.StatusUnprocessableEntity, "validation_failed", "error.validation_failed"}, fields
	}
	return &httpError{http.StatusInternalServerError, "internal", "error.internal"}, nil
}

// fail renders err as JSON for the API and as a page otherwise, and makes
// sure it is logged once (by observe) when it is the server's fault.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	he, fields := classify(err)
	v := visitOf(r)
	if he.status >= 500 {
		v.info.err = err
	}
	if he == errSignInRequired && !isAPI(r) {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if isAPI(r) {
		s.writeAPIError(w, v.lang, he, fields)
		return
	}
	s.renderStatus(w, r, he.status, "error", errorPage{Key: he.key, Fields: fields})
}

type errorPage struct {
	Key    string
	Fields validate.Errors
}

type apiFieldError struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

type apiErrorBody struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Field   string          `json:"field,omitempty"`
	Fields  []apiFieldError `json:"fields,omitempty"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, lang string, he *httpError, fields validate.Errors) {
	body := apiErrorBody{Code: he.code, Message: s.cat.T(lang, he.key)}
	for _, f := range fields {
		body.Fields = append(body.Fields, apiFieldError{Row: f.Row, Field: f.Field, Key: f.Key, Message: s.cat.T(lang, f.Key, f.Args...)})
	}
	if len(body.Fields) > 0 {
		body.Field = body.Fields[0].Field
		body.Message = body.Fields[0].Field + ": " + body.Fields[0].Message
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(he.status)
	json.NewEncoder(w).Encode(map[string]apiErrorBody{"error": body})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errNotFound)
}

func fieldErr(field, key string, args ...any) error { return validate.Field(field, key, args...) }

func asFields(err error) (validate.Errors, bool) { return validate.As(err) }

// renameField shows a domain field under the form's own name.
func renameField(err error, from, to string) error {
	fields, ok := validate.As(err)
	if !ok {
		return err
	}
	out := make(validate.Errors, len(fields))
	for i, f := range fields {
		if f.Field == from {
			f.Field = to
		}
		out[i] = f
	}
	return out
}
