package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/partner"
	"github.com/meded/meded/internal/store"
)

// partnersOf builds the partners report for ?institution_id=, or for the
// reader's own institution, or the first university for a reader with none.
func (s *Server) partnersOf(r *http.Request) (partner.Report, institution.Institution, error) {
	id := queryID(r, "institution_id")
	scope := scopeOf(visitOf(r).principal, partnershipReaders...)
	if id == 0 && len(scope) > 0 {
		id = scope[0]
	}
	if id == 0 {
		var err error
		if id, err = partner.DefaultHome(r.Context(), s.db); err != nil {
			return partner.Report{}, institution.Institution{}, err
		}
	}
	if !inScope(scope, id) {
		return partner.Report{}, institution.Institution{}, errNotFound
	}
	home, err := institution.Get(r.Context(), s.db, id)
	if err != nil {
		return partner.Report{}, institution.Institution{}, err
	}
	rep, err := partner.Build(r.Context(), s.db, id)
	return rep, home, err
}

type partnersPage struct {
	Report      partner.Report
	Home        institution.Institution
	Chart       template.HTML
	Continents  string
	CountryList []partnerCountry
}

type partnerCountry struct {
	Code  string
	Count int
}

func (s *Server) partnersPage(w http.ResponseWriter, r *http.Request) error {
	rep, home, err := s.partnersOf(r)
	if err != nil {
		return err
	}
	lang := visitOf(r).lang
	label := func(key string) string { return s.cat.T(lang, "continent."+key) }
	var names []string
	for _, c := range rep.ByContinent {
		names = append(names, label(c.Key))
	}
	page := partnersPage{Report: rep, Home: home, Continents: strings.Join(names, s.cat.T(lang, "partners.list_sep")),
		// Chart escapes every text it writes and holds no style or script.
		Chart: template.HTML(partner.Chart(rep, label, s.cat.T(lang, "partners.by_continent")))}
	for _, c := range rep.ByCountry {
		page.CountryList = append(page.CountryList, partnerCountry{Code: c.Key, Count: c.Count})
	}
	return s.render(w, r, "partners", page)
}

func (s *Server) partnersCSV(w http.ResponseWriter, r *http.Request) error {
	rep, _, err := s.partnersOf(r)
	if err != nil {
		return err
	}
	rows := [][]string{{"institution_id", "name_zh", "name_en", "country", "country_name", "continent", "agreements"}}
	for _, p := range rep.List {
		ids := make([]string, len(p.AgreementIDs))
		for i, id := range p.AgreementIDs {
			ids[i] = fmt.Sprint(id)
		}
		rows = append(rows, []string{fmt.Sprint(p.InstitutionID), p.NameZH, p.NameEN, p.Country, geo.Name(p.Country, "en"),
			string(p.Continent), strings.Join(ids, " ")})
	}
	return s.writeCSV(w, "partners.csv", rows)
}

func (s *Server) apiPartnersReport(w http.ResponseWriter, r *http.Request) error {
	rep, _, err := s.partnersOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// agreementExpiringICS serves the agreements in force that end within
// ?days= (default 90) as an iCalendar feed (RFC 5545): one all-day event on
// each end date.
func (s *Server) agreementExpiringICS(w http.ResponseWriter, r *http.Request) error {
	days := agreement.ExpiryWindow
	if d := queryID(r, "days"); d > 0 && d <= 3650 {
		days = int(d)
	}
	now := store.Now()
	list, err := agreement.ExpiringIn(r.Context(), s.db, now.In(visitOf(r).zone), days, scopeOf(visitOf(r).principal, partnershipReaders...))
	if err != nil {
		return err
	}
	lang := visitOf(r).lang
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICS(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//MedEd//Agreements//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:" + escapeICS(s.cat.T(lang, "agreement.ics_name")))
	stamp := now.Format("20060102T150405Z")
	host := strings.TrimPrefix(strings.TrimPrefix(s.cfg.BaseURL, "https://"), "http://")
	for _, a := range list {
		end, _ := agreement.ParseDate(a.EndOn)
		line("BEGIN:VEVENT")
		line(fmt.Sprintf("UID:agreement-%d-end@%s", a.ID, host))
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + end.Format("20060102"))
		line("DTEND;VALUE=DATE:" + end.Add(24*time.Hour).Format("20060102"))
		line("SUMMARY:" + escapeICS(s.cat.T(lang, "agreement.ics_summary", a.Name(lang))))
		line(fmt.Sprintf("URL:%s/agreements/%d", strings.TrimSuffix(s.cfg.BaseURL, "/"), a.ID))
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	_, err = w.Write([]byte(b.String()))
	return err
}

// escapeICS escapes a TEXT value (RFC 5545 §3.3.11).
func escapeICS(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// foldICS ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 character (RFC 5545 §3.1).
func foldICS(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	return b.String()
}
