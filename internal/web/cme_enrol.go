package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/assessment"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

var errNoPerson = &httpError{http.StatusForbidden, "no_person", "error.no_person"}

func activityPath(id int64) string { return "/activities/" + strconv.FormatInt(id, 10) }

func (s *Server) selfEnrol(r *http.Request) (enrolment.Enrolment, error) {
	a, err := s.loadActivity(r)
	if err != nil {
		return enrolment.Enrolment{}, err
	}
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return enrolment.Enrolment{}, errNoPerson
	}
	var out enrolment.Enrolment
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = enrolment.SelfEnrol(r.Context(), tx, s.actor(r), a.ID, pid)
		return err
	})
	return out, err
}

func (s *Server) enrolSelf(w http.ResponseWriter, r *http.Request) error {
	e, err := s.selfEnrol(r)
	if err != nil {
		return s.activityFormError(w, r, err)
	}
	return redirectFlash(w, r, activityPath(e.ActivityID), "flash.enrol_"+e.Status)
}

// withdraw takes the sender off the activity, or (for a manager) the person
// named by person_id.
func (s *Server) withdraw(r *http.Request, personID int64) (enrolment.Enrolment, error) {
	a, err := s.loadActivity(r)
	if err != nil {
		return enrolment.Enrolment{}, err
	}
	p := visitOf(r).principal
	if personID == 0 || personID == ownPerson(p) {
		personID = ownPerson(p)
		if personID == 0 {
			return enrolment.Enrolment{}, errNoPerson
		}
	} else if !canManageActivity(p, a) {
		return enrolment.Enrolment{}, errForbidden
	}
	var out enrolment.Enrolment
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = enrolment.Withdraw(r.Context(), tx, s.actor(r), a.ID, personID)
		return err
	})
	return out, err
}

func (s *Server) withdrawPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	e, err := s.withdraw(r, formID(r, "person_id"))
	if err != nil {
		return s.activityFormError(w, r, err)
	}
	return redirectFlash(w, r, activityPath(e.ActivityID), "flash.withdrawn")
}

// pasteScope is where a manager's pasted list is looked up: the admin
// everywhere, an office its institutions, a director the organiser's.
func pasteScope(p *account.Principal, a activity.Activity) []int64 {
	if p.Has(account.Admin) {
		return nil
	}
	if ids := scopeOf(p, account.EducationOffice); len(ids) > 0 && p.Has(account.EducationOffice) {
		return ids
	}
	return []int64{a.InstitutionID}
}

func (s *Server) enrolList(r *http.Request, text string) ([]enrolment.Line, error) {
	a, err := s.loadManaged(r)
	if err != nil {
		return nil, err
	}
	var out []enrolment.Line
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = enrolment.EnrolList(r.Context(), tx, s.actor(r), a.ID, pasteScope(visitOf(r).principal, a), text)
		return err
	})
	return out, err
}

type enrolReportPage struct {
	Activity activity.Activity
	Lines    []enrolment.Line
	Counts   map[string]int
}

func (s *Server) enrolListPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	lines, err := s.enrolList(r, r.PostForm.Get("list"))
	if err != nil {
		return s.activityFormError(w, r, err)
	}
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, l := range lines {
		counts[l.Outcome]++
	}
	return s.render(w, r, "enrol_report", enrolReportPage{Activity: a, Lines: lines, Counts: counts})
}

// setAttendance records marks for a managed activity and, once it is
// closed, decides completion again.
func (s *Server) setAttendance(r *http.Request, marks []attendanceMark) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		for _, m := range marks {
			sess, err := session.Get(r.Context(), tx, m.SessionID)
			if err != nil || sess.ActivityID != a.ID {
				return fieldErr("session_id", "error.not_found")
			}
			method := m.Method
			if method == "" {
				method = "manual"
			}
			if err := attendance.Set(r.Context(), tx, s.actor(r), m.SessionID, m.PersonID, m.Present, method); err != nil {
				return err
			}
		}
		return completion.Apply(r.Context(), tx, s.actor(r), a.ID)
	})
}

type attendanceMark struct {
	SessionID int64  `json:"session_id"`
	PersonID  int64  `json:"person_id"`
	Present   bool   `json:"present"`
	Method    string `json:"method,omitempty"`
}

// attendancePage takes the grid: one checkbox "p<person>_s<session>" per
// cell, and "cell" listing every cell shown so unticked ones are removed.
func (s *Server) attendancePage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	var marks []attendanceMark
	for _, cell := range r.PostForm["cell"] {
		var pid, sid int64
		ps, ss, ok := strings.Cut(cell, "_")
		pid, _ = strconv.ParseInt(strings.TrimPrefix(ps, "p"), 10, 64)
		sid, _ = strconv.ParseInt(strings.TrimPrefix(ss, "s"), 10, 64)
		if !ok || pid <= 0 || sid <= 0 {
			return fieldErr("cell", "error.invalid_choice", "p<id>_s<id>")
		}
		marks = append(marks, attendanceMark{SessionID: sid, PersonID: pid, Present: r.PostForm.Get(cell) == "on"})
	}
	if len(marks) == 0 {
		return s.activityFormError(w, r, fieldErr("cell", "error.required"))
	}
	if err := s.setAttendance(r, marks); err != nil {
		return s.activityFormError(w, r, err)
	}
	id, _ := pathID(r, "id")
	return redirectFlash(w, r, activityPath(id), "flash.saved")
}

func (s *Server) recordAssessment(r *http.Request, res assessment.Result) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		if err := assessment.Record(r.Context(), tx, s.actor(r), a.ID, res); err != nil {
			return err
		}
		return completion.Apply(r.Context(), tx, s.actor(r), a.ID)
	})
}

func (s *Server) assessmentPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	res := assessment.Result{PersonID: formID(r, "person_id"), Passed: r.PostForm.Get("passed") == "on"}
	if v := strings.TrimSpace(r.PostForm.Get("score")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return s.activityFormError(w, r, fieldErr("score", "error.range", 0, 100))
		}
		res.Score = &n
	}
	if err := s.recordAssessment(r, res); err != nil {
		return s.activityFormError(w, r, err)
	}
	id, _ := pathID(r, "id")
	return redirectFlash(w, r, activityPath(id), "flash.saved")
}

type evaluationPage struct {
	Activity  activity.Activity
	Questions []evaluation.Question
}

func (s *Server) evaluationForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	qs, err := evaluation.Form(r.Context(), s.db, a.InstitutionID)
	if err != nil {
		return err
	}
	return s.render(w, r, "activity_evaluation", evaluationPage{Activity: a, Questions: qs})
}

func (s *Server) submitEvaluation(r *http.Request, answers []evaluation.Answer) error {
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	pid := ownPerson(visitOf(r).principal)
	if pid == 0 {
		return errNoPerson
	}
	return s.db.InTx(r.Context(), func(tx *store.Tx) error {
		return completion.SubmitEvaluation(r.Context(), tx, s.actor(r), a.ID, pid, answers)
	})
}

func (s *Server) evaluationSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	qs, err := evaluation.Form(r.Context(), s.db, a.InstitutionID)
	if err != nil {
		return err
	}
	var answers []evaluation.Answer
	for _, q := range qs {
		key := "q" + strconv.FormatInt(q.ID, 10)
		n, _ := strconv.Atoi(r.PostForm.Get(key))
		answers = append(answers, evaluation.Answer{QuestionID: q.ID, Rating: n, Text: r.PostForm.Get(key + "_text")})
	}
	if err := s.submitEvaluation(r, answers); err != nil {
		if _, ok := asFields(err); ok {
			return s.renderForm(w, r, "activity_evaluation", evaluationPage{Activity: a, Questions: qs}, err)
		}
		return err
	}
	return redirectFlash(w, r, activityPath(a.ID), "flash.evaluated")
}
