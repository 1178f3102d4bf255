package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// visibleSeries lists the series the signed-in person may see.
func (s *Server) visibleSeries(r *http.Request) ([]series.Summary, error) {
	all, err := series.List(r.Context(), s.db, time.Now())
	if err != nil {
		return nil, err
	}
	p := visitOf(r).principal
	out := []series.Summary{}
	for _, x := range all {
		a := activity.Activity{ID: x.ID, Status: x.Status, InstitutionID: x.InstitutionID, DirectorID: x.DirectorID, Kind: "series"}
		if canSeeSeries(p, a) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (s *Server) seriesList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.visibleSeries(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "series_list", list)
}

type seriesPage struct {
	Activity    activity.Activity
	Schedule    *series.Schedule
	Holidays    []series.Holiday
	Sessions    []session.Session
	Figures     series.Figures
	Year        int
	Years       []int
	People      map[int64]person.Person
	CanManage   bool
	CanRates    bool
	Formats     []string
	Weekdays    []int
	Nths        []int
	Frequencies []string
	Zone        string
	// Mine is the viewer's own attendance rate, when they are enrolled.
	Mine *series.Rate
}

func seriesYear(r *http.Request, a activity.Activity) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1900 && y <= 2200 {
		return y
	}
	// This year while the series runs through it, else the series' own year.
	today := activity.Today()
	if a.StartDate <= today && today <= a.EndDate || a.Year == 0 {
		return time.Now().In(activity.Zone).Year()
	}
	return a.Year
}

func (s *Server) seriesView(r *http.Request, a activity.Activity) (seriesPage, error) {
	ctx := r.Context()
	p := visitOf(r).principal
	v := seriesPage{Activity: a, Year: seriesYear(r, a), CanManage: canManageActivity(p, a), CanRates: canReadRates(p, a),
		Formats: session.Formats, Weekdays: []int{1, 2, 3, 4, 5, 6, 0}, Nths: []int{0, 1, 2, 3, 4, 5, -1}, Frequencies: series.Frequencies, Zone: "Asia/Shanghai",
		People: map[int64]person.Person{}}
	if sch, err := series.Get(ctx, s.db, a.ID); err == nil {
		v.Schedule = &sch
		v.Zone = sch.Zone
	} else if !errors.Is(err, series.ErrNotFound) {
		return v, err
	}
	var err error
	if v.Holidays, err = series.Holidays(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	if v.Sessions, err = session.List(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	years := map[int]bool{}
	for _, sess := range v.Sessions {
		years[sess.StartsAt.In(activity.Zone).Year()] = true
		for _, l := range sess.Lecturers {
			if l.PersonID != 0 {
				v.People[l.PersonID] = person.Person{}
			}
		}
	}
	for y := range years {
		v.Years = append(v.Years, y)
	}
	for id := range v.People {
		if per, err := person.Get(ctx, s.db, id); err == nil {
			v.People[id] = per
		}
	}
	if v.Figures, err = series.YearFigures(ctx, s.db, a.ID, v.Year, time.Now()); err != nil {
		return v, seriesErr(err)
	}
	if pid := ownPerson(p); pid != 0 {
		rates, err := series.Rates(ctx, s.db, a.ID, v.Year, time.Now())
		if err != nil {
			return v, seriesErr(err)
		}
		for i := range rates {
			if rates[i].PersonID == pid {
				v.Mine = &rates[i]
			}
		}
	}
	return v, nil
}

func (s *Server) seriesShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadSeries(r)
	if err != nil {
		return err
	}
	v, err := s.seriesView(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, "series", v)
}

// seriesFormError shows the series page again with a form's errors.
func (s *Server) seriesFormError(w http.ResponseWriter, r *http.Request, a activity.Activity, err error) error {
	v, verr := s.seriesView(r, a)
	if verr != nil {
		return verr
	}
	return s.renderForm(w, r, "series", v, err)
}

func scheduleForm(id int64, f map[string][]string) series.Schedule {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	atoi := func(k string, fallback int) int {
		n, err := strconv.Atoi(get(k))
		if err != nil {
			return fallback
		}
		return n
	}
	return series.Schedule{ActivityID: id, Frequency: get("frequency"), Weekday: atoi("weekday", -1), Nth: atoi("nth", 0),
		StartTime: get("start_time"), Minutes: atoi("minutes", 0), Zone: get("zone"), AnchorDate: get("anchor_date"),
		Format: get("format"), Venue: get("venue"), ExpectedPct: atoi("expected_pct", -1), CreditDelayMinutes: atoi("credit_delay_minutes", -1)}
}

func (s *Server) saveSchedule(r *http.Request, in series.Schedule) (series.Schedule, error) {
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return series.Schedule{}, err
	}
	in.ActivityID = a.ID
	var out series.Schedule
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		out, err = series.Save(r.Context(), tx, s.actor(r), in)
		return err
	})
	return out, seriesErr(err)
}

func seriesPath(id int64) string { return "/series/" + strconv.FormatInt(id, 10) }

func (s *Server) seriesSchedulePage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return err
	}
	if _, err := s.saveSchedule(r, scheduleForm(a.ID, r.PostForm)); err != nil {
		return s.seriesFormError(w, r, a, err)
	}
	return redirectFlash(w, r, seriesPath(a.ID), "flash.saved")
}

func (s *Server) generateSessions(r *http.Request, from, to string) ([]string, error) {
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return nil, err
	}
	var days []string
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		days, err = series.Generate(r.Context(), tx, s.actor(r), a.ID, from, to)
		return err
	})
	if days == nil {
		days = []string{}
	}
	return days, seriesErr(err)
}

func (s *Server) seriesGeneratePage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return err
	}
	if _, err := s.generateSessions(r, r.PostForm.Get("from"), r.PostForm.Get("to")); err != nil {
		return s.seriesFormError(w, r, a, err)
	}
	return redirectFlash(w, r, seriesPath(a.ID), "flash.saved")
}

func (s *Server) seriesHolidayAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := series.AddHoliday(r.Context(), tx, s.actor(r), a.ID, series.Holiday{Day: r.PostForm.Get("day"), Note: r.PostForm.Get("note")})
		return err
	})
	if err != nil {
		return s.seriesFormError(w, r, a, seriesErr(err))
	}
	return redirectFlash(w, r, seriesPath(a.ID), "flash.saved")
}

func (s *Server) seriesHolidayRemove(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return series.RemoveHoliday(r.Context(), tx, s.actor(r), a.ID, r.PostForm.Get("day"))
	})
	if err != nil {
		return seriesErr(err)
	}
	return redirectFlash(w, r, seriesPath(a.ID), "flash.saved")
}

// seriesFiguresCSV exports a year's figures: the totals, then one row per
// session, department and category.
func (s *Server) seriesFiguresCSV(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadSeries(r)
	if err != nil {
		return err
	}
	year := seriesYear(r, a)
	f, err := series.YearFigures(r.Context(), s.db, a.ID, year, time.Now())
	if err != nil {
		return seriesErr(err)
	}
	lang := visitOf(r).lang
	t := func(k string) string { return s.cat.T(lang, k) }
	itoa := strconv.Itoa
	rows := [][]string{
		{t("series.csv_section"), t("series.csv_item"), t("series.attendances"), t("series.people")},
		{t("series.totals"), t("series.held"), itoa(f.Held), ""},
		{t("series.totals"), t("series.cancelled_sessions"), itoa(f.Cancelled), ""},
		{t("series.totals"), t("series.attendances"), itoa(f.Attendances), itoa(f.Distinct)},
		{t("series.totals"), t("series.average"), f.AveragePerSession(), ""},
	}
	for _, x := range f.PerSession {
		state := t("format." + x.Format)
		if x.Cancelled {
			state = t("series.cancelled")
		}
		rows = append(rows, []string{t("series.per_session"), x.StartsAt.In(activity.Zone).Format("2006-01-02 15:04") + " " + x.Topic + " (" + state + ")",
			itoa(x.Attendees), ""})
	}
	for _, g := range f.ByDepartment {
		name := g.Name(lang)
		if g.Key == "" {
			name = t("series.no_department")
		}
		rows = append(rows, []string{t("series.by_department"), name, itoa(g.Attendances), itoa(g.People)})
	}
	for _, g := range f.ByCategory {
		rows = append(rows, []string{t("series.by_category"), t("category." + g.Key), itoa(g.Attendances), itoa(g.People)})
	}
	return s.writeCSV(w, "series-"+strconv.FormatInt(a.ID, 10)+"-"+itoa(year)+".csv", rows)
}
