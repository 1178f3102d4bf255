package web

import (
	"net/http"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/series"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

func (s *Server) apiSeriesList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.visibleSeries(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

// seriesDetail is a series with its schedule and holidays.
type seriesDetail struct {
	Activity activity.Activity `json:"activity"`
	Schedule *series.Schedule  `json:"schedule"`
	Holidays []series.Holiday  `json:"holidays"`
}

func (s *Server) apiSeriesGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadSeries(r)
	if err != nil {
		return err
	}
	d := seriesDetail{Activity: a, Holidays: []series.Holiday{}}
	if sch, err := series.Get(r.Context(), s.db, a.ID); err == nil {
		d.Schedule = &sch
	}
	hs, err := series.Holidays(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	if hs != nil {
		d.Holidays = hs
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiSeriesSchedule(w http.ResponseWriter, r *http.Request) error {
	var in series.Schedule
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.saveSchedule(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

type generateInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (s *Server) apiSeriesGenerate(w http.ResponseWriter, r *http.Request) error {
	var in generateInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	days, err := s.generateSessions(r, in.From, in.To)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"days": days})
}

func (s *Server) apiSeriesFigures(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadSeries(r)
	if err != nil {
		return err
	}
	f, err := series.YearFigures(r.Context(), s.db, a.ID, seriesYear(r, a), time.Now())
	if err != nil {
		return seriesErr(err)
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) apiSeriesRates(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadRatesSeries(r)
	if err != nil {
		return err
	}
	v, err := s.ratesView(r, a)
	if err != nil {
		return err
	}
	items := v.Shown
	if items == nil {
		items = []series.Rate{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"year": v.Year, "expected_pct": v.Expected, "items": items})
}

func (s *Server) apiSeriesExcuse(w http.ResponseWriter, r *http.Request) error {
	var in excuseInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if _, err := s.recordExcuse(r, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSeriesAttendance(w http.ResponseWriter, r *http.Request) error {
	var in attendanceChange
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if _, err := s.setSeriesAttendance(r, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSeriesSweep(w http.ResponseWriter, r *http.Request) error {
	res, err := s.runSweep(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiSeriesSessionUpdate(w http.ResponseWriter, r *http.Request) error {
	var in session.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.updateSeriesSession(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiSeriesHolidayAdd(w http.ResponseWriter, r *http.Request) error {
	var in series.Holiday
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return err
	}
	var cancelled int
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		cancelled, err = series.AddHoliday(r.Context(), tx, s.actor(r), a.ID, in)
		return err
	})
	if err != nil {
		return seriesErr(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"cancelled_sessions": cancelled})
}

func (s *Server) apiSeriesHolidayRemove(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManagedSeries(r)
	if err != nil {
		return err
	}
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return series.RemoveHoliday(r.Context(), tx, s.actor(r), a.ID, r.PathValue("day"))
	})
	if err != nil {
		return seriesErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
