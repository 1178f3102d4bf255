package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/cmereport"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/store"
)

// csvSafe keeps a cell from being read as a formula by spreadsheets.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Server) writeCSV(w http.ResponseWriter, name string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write([]byte("\xef\xbb\xbf")) // a BOM, so spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (s *Server) attendanceCSV(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	v, err := s.activityView(r, a)
	if err != nil {
		return err
	}
	lang := visitOf(r).lang
	head := []string{s.cat.T(lang, "field.person_name"), s.cat.T(lang, "field.staff_number"), s.cat.T(lang, "field.status")}
	for _, sess := range v.Sessions {
		head = append(head, sess.StartsAt.In(activity.Zone).Format("2006-01-02 15:04")+" "+s.cat.T(lang, "format."+sess.Format))
	}
	head = append(head, s.cat.T(lang, "field.hours_attended"))
	rows := [][]string{head}
	for _, e := range v.Enrolments {
		per := v.People[e.PersonID]
		row := []string{per.Name(lang), per.StaffNumber, s.cat.T(lang, "enrolment_status."+e.Status)}
		for _, sess := range v.Sessions {
			mark := ""
			if v.Grid.Has(e.PersonID, sess.ID) {
				mark = "1"
			}
			row = append(row, mark)
		}
		rows = append(rows, append(row, activity.Hours(v.Grid.Quarters[e.PersonID])))
	}
	return s.writeCSV(w, fmt.Sprintf("attendance-%d.csv", a.ID), rows)
}

func (s *Server) learnersCSV(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	v, err := s.activityView(r, a)
	if err != nil {
		return err
	}
	lang := visitOf(r).lang
	rows := [][]string{{s.cat.T(lang, "field.person_name"), s.cat.T(lang, "field.staff_number"), s.cat.T(lang, "field.phone"),
		s.cat.T(lang, "field.category"), s.cat.T(lang, "field.status"), s.cat.T(lang, "field.hours_attended"), s.cat.T(lang, "field.assessment")}}
	for _, e := range v.Enrolments {
		per := v.People[e.PersonID]
		res := ""
		if x, ok := v.Assessments[e.PersonID]; ok {
			res = s.cat.T(lang, "assessment."+strconv.FormatBool(x.Passed))
			if x.Score != nil {
				res += " " + strconv.Itoa(*x.Score)
			}
		}
		rows = append(rows, []string{per.Name(lang), per.StaffNumber, per.Phone, s.cat.T(lang, "category."+per.Category),
			s.cat.T(lang, "enrolment_status."+e.Status), activity.Hours(v.Grid.Quarters[e.PersonID]), res})
	}
	return s.writeCSV(w, fmt.Sprintf("learners-%d.csv", a.ID), rows)
}

func reportFilter(r *http.Request) cmereport.Filter {
	p := visitOf(r).principal
	f := cmereport.Filter{}
	if !p.Has(account.Admin) {
		f.InstitutionIDs = scopeOf(p, account.EducationOffice, account.Auditor)
	}
	f.From, _ = strconv.Atoi(r.URL.Query().Get("from"))
	f.To, _ = strconv.Atoi(r.URL.Query().Get("to"))
	return f
}

// bar is one bar of the chart, in SVG units.
type bar struct {
	X, Y, W, H int
	Label      string
	Value      int
}

type reportPage struct {
	Years  []cmereport.Year
	Levels []string
	Bars   []bar
	Width  int
	Height int
	Max    int
}

// chart draws national projects per year as bars (server-rendered SVG).
func chart(years []cmereport.Year) ([]bar, int, int, int) {
	const h, bw, gap, top = 160, 14, 4, 16
	maxV := 1
	for _, y := range years {
		maxV = max(maxV, y.ByLevel["national"])
	}
	var bars []bar
	for i, y := range years {
		v := y.ByLevel["national"]
		bh := v * h / maxV
		bars = append(bars, bar{X: i * (bw + gap), Y: top + h - bh, W: bw, H: bh, Label: strconv.Itoa(y.Year), Value: v})
	}
	return bars, max(len(years)*(bw+gap), bw), h + top + 20, maxV
}

func (s *Server) cmeReport(w http.ResponseWriter, r *http.Request) error {
	years, err := cmereport.Yearly(r.Context(), s.db, reportFilter(r))
	if err != nil {
		return err
	}
	bars, width, height, maxV := chart(years)
	return s.render(w, r, "cme_report", reportPage{Years: years, Levels: activity.Levels, Bars: bars, Width: width, Height: height, Max: maxV})
}

func (s *Server) apiCMEReport(w http.ResponseWriter, r *http.Request) error {
	years, err := cmereport.Yearly(r.Context(), s.db, reportFilter(r))
	if err != nil {
		return err
	}
	if years == nil {
		years = []cmereport.Year{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"years": years, "counted_statuses": cmereport.Counted()})
}

type settingsPage struct {
	Formats     []activity.Format
	Institution int64
	Questions   []evaluation.Question
	Kinds       []string
	Levels      []string
	CanFormats  bool
}

// settingsInstitution is the institution whose form the office edits.
func settingsInstitution(r *http.Request) int64 {
	p := visitOf(r).principal
	if id := queryID(r, "institution_id"); id != 0 {
		return id
	}
	if ids := scopeOf(p, account.EducationOffice); len(ids) > 0 {
		return ids[0]
	}
	return 0
}

func (s *Server) cmeSettings(w http.ResponseWriter, r *http.Request) error {
	formats, err := activity.CodeFormats(r.Context(), s.db)
	if err != nil {
		return err
	}
	page := settingsPage{Formats: formats, Institution: settingsInstitution(r), Kinds: evaluation.Kinds, Levels: activity.Levels,
		CanFormats: visitOf(r).principal.Has(account.Admin)}
	if page.Institution != 0 {
		if !inScope(scopeOf(visitOf(r).principal, cmeOffice...), page.Institution) {
			return errNotFound
		}
		if page.Questions, err = evaluation.Form(r.Context(), s.db, page.Institution); err != nil {
			return err
		}
	}
	return s.render(w, r, "cme_settings", page)
}

func (s *Server) codeFormatSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := activity.Format{Level: r.PostForm.Get("level"), Pattern: strings.TrimSpace(r.PostForm.Get("pattern")), Example: strings.TrimSpace(r.PostForm.Get("example"))}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := activity.SetCodeFormat(r.Context(), tx, s.actor(r), f)
		return err
	})
	if err != nil {
		formats, ferr := activity.CodeFormats(r.Context(), s.db)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "cme_settings", settingsPage{Formats: formats, Kinds: evaluation.Kinds, Levels: activity.Levels, CanFormats: true}, err)
	}
	return redirectFlash(w, r, "/cme/settings", "flash.saved")
}

func (s *Server) questionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	q := evaluation.Question{InstitutionID: formID(r, "institution_id"), Kind: r.PostForm.Get("kind"),
		TextZH: r.PostForm.Get("text_zh"), TextEN: r.PostForm.Get("text_en")}
	if q.InstitutionID != 0 && !inScope(scopeOf(visitOf(r).principal, cmeOffice...), q.InstitutionID) {
		return errForbidden
	}
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := evaluation.AddQuestion(r.Context(), tx, s.actor(r), q)
		return err
	})
	if err != nil {
		formats, ferr := activity.CodeFormats(r.Context(), s.db)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "cme_settings", settingsPage{Formats: formats, Kinds: evaluation.Kinds, Levels: activity.Levels,
			Institution: q.InstitutionID, CanFormats: visitOf(r).principal.Has(account.Admin)}, err)
	}
	return redirectFlash(w, r, "/cme/settings?institution_id="+strconv.FormatInt(q.InstitutionID, 10), "flash.saved")
}
