package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/calendar"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/store"
)

// writeFeed sends events as an iCalendar file.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, name string, events []calendar.Event) error {
	lang := visitOf(r).lang
	feed := calendar.Feed{Name: name, Events: events,
		Link: func(e calendar.Event) string {
			// A series session has a page of its own; other sessions show on their activity's.
			if e.Kind == "series" {
				return strings.TrimRight(s.cfg.BaseURL, "/") + seriesSessionPath(e.SessionID)
			}
			return strings.TrimRight(s.cfg.BaseURL, "/") + "/activities/" + strconv.FormatInt(e.ActivityID, 10)
		},
		FormatName: func(f string) string { return s.cat.T(lang, "format."+f) }}
	var buf bytes.Buffer
	if err := feed.Write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="meded.ics"`)
	// Feeds change when sessions do; clients poll, so let them revalidate.
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, err := w.Write(buf.Bytes())
	return err
}

// feedLang lets a calendar client, which sends no cookie, ask for English.
func feedLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh-CN" {
		return l
	}
	return visitOf(r).lang
}

// personalFeed serves /calendar/{token}.ics: no sign-in, the secret token
// in the address is the key, so calendar apps can subscribe.
func (s *Server) personalFeed(w http.ResponseWriter, r *http.Request) error {
	token, ok := strings.CutSuffix(r.PathValue("token"), ".ics")
	if !ok {
		return errNotFound
	}
	pid, err := calendar.PersonOf(r.Context(), s.db, token)
	if err != nil {
		return seriesErr(err)
	}
	lang := feedLang(r)
	events, err := calendar.PersonEvents(r.Context(), s.db, pid, lang, time.Now())
	if err != nil {
		return err
	}
	return s.writeFeed(w, r, s.cat.T(lang, "calendar.my_feed_name"), events)
}

// seriesFeed is an announced series' sessions, for anyone.
func (s *Server) seriesFeed(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := series.Series(r.Context(), s.db, id)
	if err != nil {
		return seriesErr(err)
	}
	if !canSeeSeries(visitOf(r).principal, a) {
		return errNotFound
	}
	lang := feedLang(r)
	events, err := calendar.SeriesEvents(r.Context(), s.db, a.ID, lang, time.Now())
	if err != nil {
		return err
	}
	return s.writeFeed(w, r, a.Title(lang), events)
}

// institutionFeed is an institution's announced activities, for anyone.
func (s *Server) institutionFeed(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inst, err := institution.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	lang := feedLang(r)
	events, err := calendar.InstitutionEvents(r.Context(), s.db, inst.ID, lang, time.Now())
	if err != nil {
		return err
	}
	return s.writeFeed(w, r, inst.Name(lang), events)
}

type calendarPage struct {
	HasPerson bool
	FeedURL   string
	WebcalURL string
	// InstitutionName and InstitutionFeed: the person's own institution's
	// announced activities.
	InstitutionName string
	InstitutionFeed string
	Series          []calendarSeries
}

type calendarSeries struct {
	Title string
	URL   string
}

// myCalendar shows the person's feed address (made on first visit) and the
// public feeds worth subscribing to.
func (s *Server) myCalendar(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	var page calendarPage
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	if pid := ownPerson(p); pid != 0 {
		var token string
		err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
			var err error
			token, err = calendar.Token(r.Context(), tx, pid)
			return err
		})
		if err != nil {
			return err
		}
		page.HasPerson = true
		page.FeedURL = base + "/calendar/" + token + ".ics"
		page.WebcalURL = "webcal" + strings.TrimPrefix(strings.TrimPrefix(page.FeedURL, "https"), "http")
		if per, err := person.Get(r.Context(), s.db, pid); err == nil {
			if inst, err := institution.Get(r.Context(), s.db, per.InstitutionID); err == nil {
				page.InstitutionName = inst.Name(visitOf(r).lang)
				page.InstitutionFeed = base + "/institutions/" + strconv.FormatInt(inst.ID, 10) + "/calendar.ics"
			}
		}
	}
	list, err := s.visibleSeries(r)
	if err != nil {
		return err
	}
	lang := visitOf(r).lang
	for _, x := range list {
		if x.Status == "running" || x.Status == "approved" {
			page.Series = append(page.Series, calendarSeries{Title: x.Title(lang), URL: base + "/series/" + strconv.FormatInt(x.ID, 10) + "/calendar.ics"})
		}
	}
	return s.render(w, r, "calendar", page)
}

// resetCalendar gives the person a new feed address; the old one stops.
func (s *Server) resetCalendar(w http.ResponseWriter, r *http.Request) error {
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return fieldErr("person", "error.calendar_no_person")
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := calendar.Reset(r.Context(), tx, s.actor(r), pid)
		return err
	})
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/profile/calendar", "flash.calendar_reset")
}
