package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// sessionCheckinPage is a session's check-in: settings, links to the
// projector and kiosk, and who is checked in.
type sessionCheckinPage struct {
	checkinView
	CanManage bool
	CanShow   bool
	Opens     time.Time
	Closes    time.Time
	Entries   []checkin.Entry
}

func (s *Server) sessionCheckin(r *http.Request, pl checkin.Place) (sessionCheckinPage, error) {
	p := visitOf(r).principal
	page := sessionCheckinPage{checkinView: s.viewOf(r, pl, nil), CanManage: canManageActivity(p, pl.Activity)}
	page.CanShow = page.CanManage || isLecturerOf(p, pl)
	page.Opens, page.Closes = pl.Settings.Window(pl.Session)
	var err error
	page.Entries, err = checkin.List(r.Context(), s.db, pl.Session.ID)
	return page, err
}

func (s *Server) checkinSessionPage(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinRead)
	if err != nil {
		return err
	}
	page, err := s.sessionCheckin(r, pl)
	if err != nil {
		return err
	}
	return s.render(w, r, "checkin_session", page)
}

// settingsForm reads the settings form; a number that is not one is named.
func settingsForm(sessionID int64, f url.Values) (checkin.Settings, error) {
	st := checkin.Settings{SessionID: sessionID, Checkout: f.Get("checkout") == "on", EnrolmentRequired: f.Get("enrolment_required") == "on"}
	var es validate.Errors
	num := func(field string, lo, hi int) int {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(field)))
		if err != nil {
			es.Add(field, "error.out_of_range", lo, hi)
		}
		return n
	}
	st.StepSeconds = num("step_seconds", checkin.MinStepSeconds, checkin.MaxStepSeconds)
	st.OpensBeforeMinutes = num("opens_before_minutes", 0, checkin.MaxWindowMin)
	st.ClosesAfterMinutes = num("closes_after_minutes", 0, checkin.MaxWindowMin)
	if len(es) > 0 {
		return st, es
	}
	return st, nil
}

func (s *Server) saveSettings(r *http.Request, st checkin.Settings) (checkin.Settings, error) {
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		st, err = checkin.SaveSettings(r.Context(), tx, s.actor(r), st)
		return err
	})
	return st, err
}

func (s *Server) checkinSettingsSave(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinManage)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	st, err := settingsForm(pl.Session.ID, r.PostForm)
	if err == nil {
		_, err = s.saveSettings(r, st)
	}
	if err != nil {
		page, perr := s.sessionCheckin(r, pl)
		if perr != nil {
			return perr
		}
		return s.renderForm(w, r, "checkin_session", page, err)
	}
	return redirectFlash(w, r, "/checkin/sessions/"+strconv.FormatInt(pl.Session.ID, 10), "flash.saved")
}

// liveCode is what the projector shows for the current step.
type liveCode struct {
	SessionID   int64     `json:"session_id"`
	Step        int64     `json:"step"`
	StepSeconds int       `json:"step_seconds"`
	Code        string    `json:"code"`
	URL         string    `json:"url"`
	QR          string    `json:"qr"`
	ExpiresAt   time.Time `json:"expires_at"`
	Count       int       `json:"count"`
	Open        bool      `json:"open"`
}

func (s *Server) liveCodeOf(r *http.Request, pl checkin.Place) (liveCode, error) {
	key, err := s.checkinKey(r)
	if err != nil {
		return liveCode{}, err
	}
	now := time.Now()
	step := checkin.Step(now, pl.Settings.StepSeconds)
	id := strconv.FormatInt(pl.Session.ID, 10)
	lc := liveCode{SessionID: pl.Session.ID, Step: step, StepSeconds: pl.Settings.StepSeconds, Code: checkin.Code(key, pl.Session.ID, step),
		URL:       strings.TrimSuffix(s.cfg.BaseURL, "/") + "/c/" + checkin.QRToken(key, pl.Session.ID, step),
		QR:        "/checkin/sessions/" + id + "/qr.svg?step=" + strconv.FormatInt(step, 10),
		ExpiresAt: checkin.StepEnds(step, pl.Settings.StepSeconds), Open: pl.Open(now, now) == nil}
	lc.Count, err = checkin.Count(r.Context(), s.db, pl.Session.ID)
	return lc, err
}

type projectorView struct {
	checkinView
	Live       liveCode
	CheckinURL string // where learners type the code
}

func (s *Server) projectorPage(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinShow)
	if err != nil {
		return err
	}
	lc, err := s.liveCodeOf(r, pl)
	if err != nil {
		return err
	}
	return s.render(w, r, "checkin_projector", projectorView{checkinView: s.viewOf(r, pl, nil), Live: lc,
		CheckinURL: strings.TrimSuffix(s.cfg.BaseURL, "/") + "/checkin"})
}

func (s *Server) projectorQR(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinShow)
	if err != nil {
		return err
	}
	lc, err := s.liveCodeOf(r, pl)
	if err != nil {
		return err
	}
	return writeSVG(w, lc.URL)
}

func writeSVG(w http.ResponseWriter, text string) error {
	svg, err := checkin.QRSVG(text)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(svg)
	return err
}

func (s *Server) apiCheckinLive(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinShow)
	if err != nil {
		return err
	}
	lc, err := s.liveCodeOf(r, pl)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, lc)
}

// kioskView is the kiosk page: the last scan's outcome and the count.
type kioskView struct {
	checkinView
	Last       *checkin.ScanResult
	LastName   string
	LastAction string
	Count      int
}

func (s *Server) kioskView(r *http.Request, pl checkin.Place) (kioskView, error) {
	kv := kioskView{checkinView: s.viewOf(r, pl, nil), LastAction: "in"}
	var err error
	kv.Count, err = checkin.Count(r.Context(), s.db, pl.Session.ID)
	return kv, err
}

func (s *Server) kioskPage(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinManage)
	if err != nil {
		return err
	}
	kv, err := s.kioskView(r, pl)
	if err != nil {
		return err
	}
	return s.render(w, r, "checkin_kiosk", kv)
}

// kioskScan takes one badge typed by a USB scanner (or by hand) without
// any script: the path that works on any laptop.
func (s *Server) kioskScan(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinManage)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	key, err := s.checkinKey(r)
	if err != nil {
		return err
	}
	action := r.PostForm.Get("action")
	res, err := checkin.Kiosk(r.Context(), s.db, s.actor(r), key, pl.Session.ID, []checkin.Scan{{Badge: r.PostForm.Get("badge"), Action: action}}, time.Now())
	if err != nil {
		return err
	}
	kv, err := s.kioskView(r, pl)
	if err != nil {
		return err
	}
	kv.Last, kv.LastAction = &res[0], action
	if kv.Last.PersonID != 0 && kv.Last.Error == nil {
		if p, err := person.Get(r.Context(), s.db, kv.Last.PersonID); err == nil {
			kv.LastName = p.NameZH
			if kv.LastName == "" {
				kv.LastName = p.NameEN
			}
		}
	}
	if kv.Last.Error != nil {
		page := s.newPage(r, "checkin_kiosk", kv)
		page.Errors = validate.Errors{{Field: "badge", Key: kv.Last.Error.Key, Args: kv.Last.Error.Args}}
		return s.renderPage(w, http.StatusUnprocessableEntity, page)
	}
	return s.render(w, r, "checkin_kiosk", kv)
}

type apiKioskBody struct {
	Scans []checkin.Scan `json:"scans"`
}

type apiScanResult struct {
	checkin.ScanResult
	Message string `json:"message,omitempty"`
}

// apiKiosk takes the queue a kiosk kept while offline, with original times.
func (s *Server) apiKiosk(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinManage)
	if err != nil {
		return err
	}
	var body apiKioskBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	key, err := s.checkinKey(r)
	if err != nil {
		return err
	}
	res, err := checkin.Kiosk(r.Context(), s.db, s.actor(r), key, pl.Session.ID, body.Scans, time.Now())
	if err != nil {
		return err
	}
	lang := visitOf(r).lang
	out := make([]apiScanResult, len(res))
	for i, sr := range res {
		out[i].ScanResult = sr
		if sr.Error != nil {
			out[i].Message = s.cat.T(lang, sr.Error.Key, sr.Error.Args...)
		} else {
			out[i].Message = s.cat.T(lang, "checkin.kiosk."+sr.Status)
		}
	}
	count, err := checkin.Count(r.Context(), s.db, pl.Session.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"results": out, "count": count})
}

func (s *Server) apiCheckinAttendance(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinRead)
	if err != nil {
		return err
	}
	entries, err := checkin.List(r.Context(), s.db, pl.Session.ID)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []checkin.Entry{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"session_id": pl.Session.ID, "count": len(entries), "entries": entries})
}

func (s *Server) apiCheckinSettings(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinRead)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pl.Settings)
}

func (s *Server) apiCheckinSettingsSave(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.loadPlace(r, checkinManage)
	if err != nil {
		return err
	}
	st := pl.Settings
	if err := decodeJSON(r, &st); err != nil {
		return err
	}
	st.SessionID = pl.Session.ID
	st, err = s.saveSettings(r, st)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

type badgeView struct {
	Name, StaffNumber, Badge string
}

func (s *Server) ownBadge(r *http.Request) (badgeView, error) {
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return badgeView{}, errNoPerson
	}
	p, err := person.Get(r.Context(), s.db, pid)
	if err != nil {
		return badgeView{}, err
	}
	key, err := s.checkinKey(r)
	if err != nil {
		return badgeView{}, err
	}
	bv := badgeView{Name: p.NameZH, StaffNumber: p.StaffNumber, Badge: checkin.Badge(key, pid)}
	if bv.Name == "" {
		bv.Name = p.NameEN
	}
	return bv, nil
}

// badgePage is the printable badge with the person's kiosk QR code.
func (s *Server) badgePage(w http.ResponseWriter, r *http.Request) error {
	bv, err := s.ownBadge(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "checkin_badge", bv)
}

func (s *Server) badgeSVG(w http.ResponseWriter, r *http.Request) error {
	bv, err := s.ownBadge(r)
	if err != nil {
		return err
	}
	return writeSVG(w, bv.Badge)
}
