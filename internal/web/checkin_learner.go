package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

var errCodeExpired = &httpError{http.StatusGone, "code_expired", "error.checkin_code_expired"}

// checkinView is what the learner pages show about a check-in.
type checkinView struct {
	Place   checkin.Place
	Title   string
	When    string // the session's start, in the learner's zone
	Result  *checkin.Result
	At      string // "19:02": when the result happened
	Ticket  string
	Action  string // the button the confirm page offers: in, out, or "" (nothing left to do)
	Message string // catalogue key of the result
}

func activityTitle(lang string, a activity.Activity) string {
	if lang == i18n.English && a.TitleEN != "" {
		return a.TitleEN
	}
	if a.TitleZH != "" {
		return a.TitleZH
	}
	return a.TitleEN
}

func (s *Server) viewOf(r *http.Request, pl checkin.Place, res *checkin.Result) checkinView {
	v := visitOf(r)
	cv := checkinView{Place: pl, Title: activityTitle(v.lang, pl.Activity), When: i18n.FormatTime(pl.Session.StartsAt, v.zone, v.lang), Result: res}
	if res != nil {
		at := res.CheckedInAt
		if res.CheckedOutAt != nil && (res.Status == checkin.CheckedOut || res.Status == checkin.AlreadyCheckedOut) {
			at = *res.CheckedOutAt
		}
		cv.At = at.In(v.zone).Format("15:04")
		cv.Message = "checkin.result." + res.Status
	}
	return cv
}

// nextAction is what the person can still do at the session.
func nextAction(pl checkin.Place, existing *checkin.Result) string {
	switch {
	case existing == nil:
		return "in"
	case pl.Settings.Checkout && existing.CheckedOutAt == nil:
		return "out"
	}
	return ""
}

func (s *Server) checkinKey(r *http.Request) ([]byte, error) { return checkin.Key(r.Context(), s.db) }

// checkinQR is where the projector's QR code points. It needs no sign-in:
// it turns the short-lived code into a ticket valid for a few minutes and
// sends the phone on to confirm, through the sign-in page if need be.
func (s *Server) checkinQR(w http.ResponseWriter, r *http.Request) error {
	key, err := s.checkinKey(r)
	if err != nil {
		return err
	}
	now := time.Now()
	sessionID, _, err := checkin.ParseQRToken(key, r.PathValue("token"), now, func(id int64) (int, error) {
		st, err := checkin.SettingsOf(r.Context(), s.db, id)
		return st.StepSeconds, err
	})
	if errors.Is(err, checkin.ErrBadCode) {
		return errCodeExpired
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/checkin/t/"+checkin.IssueTicket(key, sessionID, now), http.StatusSeeOther)
	return nil
}

func (s *Server) ticketPlace(r *http.Request) (checkin.Ticket, checkin.Place, error) {
	key, err := s.checkinKey(r)
	if err != nil {
		return checkin.Ticket{}, checkin.Place{}, err
	}
	tk, err := checkin.ParseTicket(key, r.PathValue("ticket"), time.Now())
	if err != nil {
		return tk, checkin.Place{}, errCodeExpired
	}
	pl, err := checkin.PlaceOf(r.Context(), s.db, tk.SessionID)
	return tk, pl, err
}

func (s *Server) existing(r *http.Request, sessionID, personID int64) (*checkin.Result, error) {
	res, err := checkin.Find(r.Context(), s.db, sessionID, personID)
	if errors.Is(err, checkin.ErrNotCheckedIn) {
		return nil, nil
	}
	return &res, err
}

// checkinTicketForm asks for the one tap that confirms a scanned check-in.
func (s *Server) checkinTicketForm(w http.ResponseWriter, r *http.Request) error {
	tk, pl, err := s.ticketPlace(r)
	if err != nil {
		return err
	}
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return errNoPerson
	}
	ex, err := s.existing(r, pl.Session.ID, pid)
	if err != nil {
		return err
	}
	cv := s.viewOf(r, pl, ex)
	cv.Ticket, cv.Action = r.PathValue("ticket"), nextAction(pl, ex)
	if cv.Action == "in" {
		err := checkin.Admissible(r.Context(), s.db, pl, pid, tk.IssuedAt, time.Now())
		if fields, ok := validate.As(err); ok {
			cv.Action = ""
			page := s.newPage(r, "checkin_confirm", cv)
			page.Errors = fields
			return s.renderPage(w, http.StatusOK, page)
		}
		if err != nil {
			return err
		}
	}
	return s.render(w, r, "checkin_confirm", cv)
}

// checkinTicket checks in (at the time of the scan) or out (now).
func (s *Server) checkinTicket(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	tk, pl, err := s.ticketPlace(r)
	if err != nil {
		return err
	}
	res, err := s.checkInOrOut(r, pl, r.PostForm.Get("action"), tk.IssuedAt)
	if fields, ok := validate.As(err); ok {
		cv := s.viewOf(r, pl, nil)
		cv.Ticket = r.PathValue("ticket")
		return s.renderForm(w, r, "checkin_confirm", cv, fields)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, "checkin_done", s.viewOf(r, pl, &res))
}

// checkInOrOut records the signed-in person's check-in (at: when they were
// seen) or check-out (now).
func (s *Server) checkInOrOut(r *http.Request, pl checkin.Place, action string, at time.Time) (checkin.Result, error) {
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return checkin.Result{}, errNoPerson
	}
	now := time.Now()
	var res checkin.Result
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		switch action {
		case "", "in":
			res, err = checkin.In(r.Context(), tx, s.actor(r), checkin.Request{SessionID: pl.Session.ID, PersonID: pid, Method: checkin.MethodCode, At: at}, now)
		case "out":
			res, err = checkin.Out(r.Context(), tx, s.actor(r), checkin.Request{SessionID: pl.Session.ID, PersonID: pid, Method: checkin.MethodCode, At: now}, now)
		default:
			err = fieldErr("action", "error.invalid_choice", "in, out")
		}
		return err
	})
	return res, err
}

func (s *Server) checkinForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "checkin", checkinView{})
}

// placeForCode finds the open session of a typed code; if two match at
// once, the one the person is enrolled in wins.
func (s *Server) placeForCode(r *http.Request, code string) (checkin.Place, error) {
	if strings.TrimSpace(code) == "" {
		return checkin.Place{}, fieldErr("code", "error.required")
	}
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return checkin.Place{}, errNoPerson
	}
	key, err := s.checkinKey(r)
	if err != nil {
		return checkin.Place{}, err
	}
	now := time.Now()
	release, err := checkin.ReserveCodeAttempt(r.Context(), s.db, pid, now)
	if err != nil {
		return checkin.Place{}, err
	}
	places, err := checkin.SessionsForCode(r.Context(), s.db, key, code, now)
	if err != nil {
		return checkin.Place{}, err
	}
	if len(places) == 0 {
		return checkin.Place{}, fieldErr("code", "error.checkin_bad_code")
	}
	if err := release(r.Context()); err != nil {
		return checkin.Place{}, err
	}
	for _, pl := range places {
		if _, err := enrolment.Find(r.Context(), s.db, pl.Activity.ID, pid); err == nil {
			return pl, nil
		}
	}
	return places[0], nil
}

// checkinCode checks in with the code typed from the projector.
func (s *Server) checkinCode(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	pl, err := s.placeForCode(r, r.PostForm.Get("code"))
	if err == nil {
		var res checkin.Result
		res, err = s.checkInOrOut(r, pl, r.PostForm.Get("action"), time.Now())
		if err == nil {
			return s.render(w, r, "checkin_done", s.viewOf(r, pl, &res))
		}
	}
	if _, ok := validate.As(err); ok {
		return s.renderForm(w, r, "checkin", checkinView{}, renameField(renameField(err, "session_id", "code"), "person_id", "code"))
	}
	return err
}

// apiCheckinBody is a check-in from the API: a typed code or a scanned ticket.
type apiCheckinBody struct {
	Code   string `json:"code"`
	Ticket string `json:"ticket"`
	Action string `json:"action"`
}

type apiCheckinAnswer struct {
	checkin.Result
	Message       string `json:"message"`
	ActivityTitle string `json:"activity_title"`
	Topic         string `json:"topic"`
}

func (s *Server) apiCheckin(w http.ResponseWriter, r *http.Request) error {
	var body apiCheckinBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var pl checkin.Place
	at := time.Now()
	switch {
	case body.Ticket != "":
		key, err := s.checkinKey(r)
		if err != nil {
			return err
		}
		tk, err := checkin.ParseTicket(key, body.Ticket, at)
		if err != nil {
			return fieldErr("ticket", "error.checkin_code_expired")
		}
		if pl, err = checkin.PlaceOf(r.Context(), s.db, tk.SessionID); err != nil {
			return err
		}
		at = tk.IssuedAt
	default:
		var err error
		if pl, err = s.placeForCode(r, body.Code); err != nil {
			return err
		}
	}
	res, err := s.checkInOrOut(r, pl, body.Action, at)
	if err != nil {
		return err
	}
	cv := s.viewOf(r, pl, &res)
	return writeJSON(w, http.StatusOK, apiCheckinAnswer{Result: res, ActivityTitle: cv.Title, Topic: pl.Session.Topic,
		Message: s.cat.T(visitOf(r).lang, cv.Message, cv.At, cv.Title)})
}
