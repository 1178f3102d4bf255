package web

import (
	"net/http"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/assessment"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/session"
)

func (s *Server) apiActivityList(w http.ResponseWriter, r *http.Request) error {
	f := activityFilter(r)
	f.Limit, f.Offset = apiPage(r)
	list, total, err := activity.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(list, total, f.Limit, f.Offset))
}

func (s *Server) apiActivityCreate(w http.ResponseWriter, r *http.Request) error {
	var in activity.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.saveActivity(r, 0, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

// activityDetail is an activity with what its page shows, for the API.
type activityDetail struct {
	activity.Activity
	History  []activity.HistoryEntry `json:"history"`
	Sessions []session.Session       `json:"sessions"`
	Counts   map[string]int          `json:"enrolment_counts"`
	Steps    []string                `json:"steps"`
}

func (s *Server) apiActivityGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	v, err := s.activityView(r, a)
	if err != nil {
		return err
	}
	d := activityDetail{Activity: a, History: v.History, Sessions: v.Sessions, Counts: v.Counts, Steps: v.Steps}
	if d.Sessions == nil {
		d.Sessions = []session.Session{}
	}
	if d.Steps == nil {
		d.Steps = []string{}
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiActivityUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in activity.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.saveActivity(r, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

type transitionBody struct {
	Reason string `json:"reason"`
	activity.Approval
}

func (s *Server) apiTransition(step string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body transitionBody
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		a, err := s.transition(r, step, body.Reason, body.Approval)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, a)
	}
}

func (s *Server) apiSessionList(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	list, err := session.List(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []session.Session{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

func (s *Server) apiSessionCreate(w http.ResponseWriter, r *http.Request) error {
	var in session.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, err := s.createSession(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, sess)
}

func (s *Server) apiSessionCancel(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.cancelSession(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sess)
}

func (s *Server) apiDeclarationCreate(w http.ResponseWriter, r *http.Request) error {
	var in declaration.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.recordDeclaration(r, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}

func (s *Server) apiEnrolSelf(w http.ResponseWriter, r *http.Request) error {
	e, err := s.selfEnrol(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, e)
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		PersonID int64 `json:"person_id"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	e, err := s.withdraw(r, body.PersonID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiEnrolmentList(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	list, err := enrolment.List(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	counts, err := enrolment.Counts(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []enrolment.Enrolment{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": list, "counts": counts})
}

func (s *Server) apiEnrolList(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		List string `json:"list"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	lines, err := s.enrolList(r, body.List)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"lines": lines})
}

func (s *Server) apiAttendanceGet(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	g, err := attendance.GridOf(r.Context(), s.db, a.ID)
	if err != nil {
		return err
	}
	var marks []attendanceMark
	for pid, row := range g.Present {
		for sid := range row {
			marks = append(marks, attendanceMark{SessionID: sid, PersonID: pid, Present: true})
		}
	}
	if marks == nil {
		marks = []attendanceMark{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"marks": marks})
}

func (s *Server) apiAttendanceSet(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Marks []attendanceMark `json:"marks"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Marks) == 0 {
		return fieldErr("marks", "error.required")
	}
	if err := s.setAttendance(r, body.Marks); err != nil {
		return err
	}
	return s.apiAttendanceGet(w, r)
}

func (s *Server) apiAssessment(w http.ResponseWriter, r *http.Request) error {
	var res assessment.Result
	if err := decodeJSON(r, &res); err != nil {
		return err
	}
	if err := s.recordAssessment(r, res); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiEvaluationSummary(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	sum, err := evaluation.Summarize(r.Context(), s.db, a.ID, a.InstitutionID)
	if err != nil {
		return err
	}
	if sum.Questions == nil {
		sum.Questions = []evaluation.QuestionSummary{}
	}
	return writeJSON(w, http.StatusOK, sum)
}

func (s *Server) apiEvaluationSubmit(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Answers []evaluation.Answer `json:"answers"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if err := s.submitEvaluation(r, body.Answers); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]bool{"submitted": true})
}
