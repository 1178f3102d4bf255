package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/conference"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/training"
)

// reportYear is ?year=, or the current year in the institutions' zone.
func reportYear(r *http.Request) int {
	if y := yearParam(r); y >= 1900 && y <= 9999 {
		return y
	}
	return time.Now().In(activity.Zone).Year()
}

func (s *Server) contributionsOf(r *http.Request) (conference.Report, error) {
	return conference.YearReport(r.Context(), s.db, conference.ReportFilter{Year: reportYear(r),
		InstitutionIDs: scopeOf(visitOf(r).principal, facultyReaders...)})
}

type contributionReportPage struct {
	Report conference.Report
	Prev   int
	Next   int
}

func (s *Server) contributionReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.contributionsOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_contributions", contributionReportPage{Report: rep, Prev: rep.Year - 1, Next: rep.Year + 1})
}

func (s *Server) apiContributionReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.contributionsOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// contributionCSV is the year's list, one contribution a row, both languages.
func (s *Server) contributionCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.contributionsOf(r)
	if err != nil {
		return err
	}
	rows := [][]string{{"year", "type", "title_zh", "title_en", "presenter_id", "presenter_zh", "presenter_en",
		"presenter_institution", "co_authors", "session", "conference_id", "conference_kind", "conference_zh",
		"conference_en", "city", "country", "start_date", "end_date"}}
	for _, l := range rep.Lines {
		rows = append(rows, []string{strconv.Itoa(rep.Year), l.Type, l.TitleZH, l.TitleEN, strconv.FormatInt(l.PersonID, 10),
			l.PresenterZH, l.PresenterEN, l.PresenterInstitution("en"), l.CoAuthorList(), l.Session,
			strconv.FormatInt(l.ConferenceID, 10), l.ConferenceKind, l.ConferenceZH, l.ConferenceEN, l.City,
			l.Country, l.StartDate, l.EndDate})
	}
	return s.writeCSV(w, "contributions-"+strconv.Itoa(rep.Year)+".csv", rows)
}

// facultyRecord is a person's classes and contributions.
type facultyRecord struct {
	Classes       []training.Taken        `json:"classes"`
	Contributions []conference.ReportLine `json:"contributions"`
	Conferences   []conference.Conference `json:"conferences"`
}

func (s *Server) facultyRecordOf(r *http.Request, personID int64) (facultyRecord, error) {
	var rec facultyRecord
	var err error
	if rec.Classes, err = training.OfPerson(r.Context(), s.db, personID); err != nil {
		return rec, err
	}
	if rec.Contributions, err = conference.OfPerson(r.Context(), s.db, personID); err != nil {
		return rec, err
	}
	if rec.Conferences, _, err = conference.List(r.Context(), s.db, conference.Filter{PersonID: personID}); err != nil {
		return rec, err
	}
	if rec.Classes == nil {
		rec.Classes = []training.Taken{}
	}
	if rec.Contributions == nil {
		rec.Contributions = []conference.ReportLine{}
	}
	if rec.Conferences == nil {
		rec.Conferences = []conference.Conference{}
	}
	return rec, nil
}

// facultyMine shows the signed-in person's own classes and contributions.
func (s *Server) facultyMine(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.facultyRecordOf(r, ownPerson(visitOf(r).principal))
	if err != nil {
		return err
	}
	return s.render(w, r, "faculty_mine", rec)
}

func (s *Server) apiFacultyMine(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.facultyRecordOf(r, ownPerson(visitOf(r).principal))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rec)
}

// personFaculty is the faculty development section of a person's page,
// shown to whoever may read the person (their home institution's offices,
// auditors, the person themself).
func (s *Server) personFaculty(r *http.Request, per person.Person) (*facultyRecord, error) {
	rec, err := s.facultyRecordOf(r, per.ID)
	if err != nil || len(rec.Classes)+len(rec.Contributions)+len(rec.Conferences) == 0 {
		return nil, err
	}
	return &rec, nil
}
