package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/assessment"
	"github.com/meded/meded/internal/attendance"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/evaluation"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/review"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

func activityFilter(r *http.Request) activity.Filter {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	f := activity.Filter{Query: strings.TrimSpace(q.Get("q")), Year: year, Level: q.Get("level"), Status: q.Get("status"),
		InstitutionID: queryID(r, "institution_id"), Discipline: strings.TrimSpace(q.Get("discipline")), Format: q.Get("format")}
	activityScope(visitOf(r).principal, &f)
	return f
}

type activityListPage struct {
	Activities []activity.Activity
	Filter     activity.Filter
	Pager      pager
	Levels     []string
	Statuses   []string
	Formats    []string
	CanCreate  bool
	Notices    []activity.Notice
	Organisers []institution.Institution
}

func (s *Server) activityList(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	f := activityFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	list, total, err := activity.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	data := activityListPage{Activities: list, Filter: f, Pager: newPager(r, page, total), Levels: activity.Levels,
		Statuses: activity.Statuses, Formats: session.Formats, CanCreate: p.Has(cmeManagers...)}
	ids, err := activity.Organisers(r.Context(), s.db, f.InstitutionIDs)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		if data.Organisers, _, err = institution.List(r.Context(), s.db, institution.ListFilter{IDs: ids, Limit: len(ids)}); err != nil {
			return err
		}
	}
	if pid := ownPerson(p); pid != 0 && p.Has(account.ProjectDirector) {
		if data.Notices, err = activity.Notices(r.Context(), s.db, pid, 5); err != nil {
			return err
		}
	}
	return s.render(w, r, "activities", data)
}

// activityFormPage is the application form.
type activityFormPage struct {
	Activity     activity.Activity
	Input        activity.Input
	New          bool
	Institutions []institution.Institution
	Departments  []institution.Department
	Levels       []string
}

func (s *Server) activityFormData(r *http.Request, a activity.Activity, in activity.Input, isNew bool) (activityFormPage, error) {
	p := visitOf(r).principal
	scope := scopeOf(p, account.Admin, account.EducationOffice, account.ProjectDirector)
	insts, _, err := institution.List(r.Context(), s.db, institution.ListFilter{IDs: scope, Limit: 1000})
	if err != nil {
		return activityFormPage{}, err
	}
	page := activityFormPage{Activity: a, Input: in, New: isNew, Institutions: insts, Levels: activity.Levels}
	instID := in.InstitutionID
	if instID == 0 && len(insts) > 0 {
		instID = insts[0].ID
	}
	if instID != 0 {
		page.Departments, err = institution.Departments(r.Context(), s.db, instID)
	}
	return page, err
}

func (s *Server) activityNew(w http.ResponseWriter, r *http.Request) error {
	in := activity.Input{Level: "institutional", MinAttendancePct: 80, InstitutionID: queryID(r, "institution_id"),
		DirectorID: ownPerson(visitOf(r).principal)}
	if k := r.URL.Query().Get("kind"); slices.Contains(activity.Kinds, k) {
		in.Kind = k // "New series" on the series list opens this form for a series
	}
	page, err := s.activityFormData(r, activity.Activity{}, in, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "activity_form", page)
}

func (s *Server) activityEdit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadManaged(r)
	if err != nil {
		return err
	}
	page, err := s.activityFormData(r, a, activity.InputOf(a), false)
	if err != nil {
		return err
	}
	return s.render(w, r, "activity_form", page)
}

func activityInputForm(f url.Values) activity.Input {
	n := func(k string) int { v, _ := strconv.Atoi(strings.TrimSpace(f.Get(k))); return v }
	id := func(k string) int64 { v, _ := strconv.ParseInt(strings.TrimSpace(f.Get(k)), 10, 64); return v }
	b := func(k string) bool { return f.Get(k) == "on" || f.Get(k) == "true" || f.Get(k) == "1" }
	return activity.Input{Kind: f.Get("kind"), Level: f.Get("level"), Year: n("year"), TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"),
		InstitutionID: id("institution_id"), DepartmentID: id("department_id"), DirectorID: id("director_id"),
		Discipline: f.Get("discipline"), Audience: f.Get("audience"), PlannedHours: f.Get("planned_hours"), Credits: f.Get("credits"),
		Remote: b("remote"), StartDate: f.Get("start_date"), EndDate: f.Get("end_date"), Capacity: n("capacity"),
		EnrolDeadline: f.Get("enrol_deadline"), MinAttendancePct: n("min_attendance_pct"),
		AssessmentRequired: b("assessment_required"), EvaluationRequired: b("evaluation_required")}
}

// saveActivity creates (id 0) or updates an application. A director
// applies as director for themself; the office for anyone in its scope.
func (s *Server) saveActivity(r *http.Request, id int64, in activity.Input) (activity.Activity, error) {
	p := visitOf(r).principal
	var out activity.Activity
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		probe := activity.Activity{InstitutionID: in.InstitutionID, DirectorID: in.DirectorID}
		if in.InstitutionID != 0 && !canManageActivity(p, probe) {
			return errForbidden
		}
		var err error
		if id == 0 {
			out, err = activity.Create(r.Context(), tx, s.actor(r), in)
			return err
		}
		old, err := activity.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if !canManageActivity(p, old) {
			return errNotFound
		}
		out, err = activity.Update(r.Context(), tx, s.actor(r), id, in)
		return err
	})
	return out, err
}

func (s *Server) activityCreate(w http.ResponseWriter, r *http.Request) error {
	return s.activitySubmit(w, r, 0)
}

func (s *Server) activityUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.activitySubmit(w, r, id)
}

func (s *Server) activitySubmit(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	in := activityInputForm(r.PostForm)
	a, err := s.saveActivity(r, id, in)
	if err != nil {
		page, ferr := s.activityFormData(r, activity.Activity{ID: id}, in, id == 0)
		if ferr != nil {
			return ferr
		}
		return s.renderForm(w, r, "activity_form", page, err)
	}
	return redirectFlash(w, r, "/activities/"+strconv.FormatInt(a.ID, 10), "flash.saved")
}

// activityView is everything the activity page shows.
type activityView struct {
	Activity    activity.Activity
	Institution institution.Institution
	Director    person.Person
	History     []activity.HistoryEntry
	Sessions    []session.Session
	Enrolments  []enrolment.Enrolment
	Counts      map[string]int
	People      map[int64]person.Person
	Grid        attendance.Grid
	Assessments map[int64]assessment.Result
	Outcomes    map[int64]completion.Outcome
	Problems    []declaration.Problem
	Evaluation  evaluation.Summary
	Steps       []string
	CanManage   bool
	Own         *enrolment.Enrolment
	CanEnrol    bool
	CanEvaluate bool
	Formats     []string
	HeldHours   string
}

// view gathers the page; the learner-facing parts only for readers.
func (s *Server) activityView(r *http.Request, a activity.Activity) (activityView, error) {
	ctx := r.Context()
	p := visitOf(r).principal
	v := activityView{Activity: a, CanManage: canManageActivity(p, a), People: map[int64]person.Person{}, Formats: session.Formats}
	var err error
	if v.Institution, err = institution.Get(ctx, s.db, a.InstitutionID); err != nil {
		return v, err
	}
	if v.Director, err = person.Get(ctx, s.db, a.DirectorID); err != nil {
		return v, err
	}
	if v.History, err = activity.History(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	if v.Sessions, err = session.List(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	held, err := session.HeldQuarters(ctx, s.db, a.ID)
	if err != nil {
		return v, err
	}
	v.HeldHours = activity.Hours(held)
	if v.Counts, err = enrolment.Counts(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	for _, st := range activity.Steps {
		if st.Allowed(a.Status) && stepAllowed(p, a, st.Name) {
			v.Steps = append(v.Steps, st.Name)
		}
	}
	for _, sess := range v.Sessions {
		for _, l := range sess.Lecturers {
			if err := s.addPerson(r, v.People, l.PersonID); err != nil {
				return v, err
			}
		}
	}
	if pid := ownPerson(p); pid != 0 {
		if e, err := enrolment.Find(ctx, s.db, a.ID, pid); err == nil {
			v.Own = &e
			v.CanEvaluate = (e.Status == "enrolled" || e.Status == "completed") && (a.Status == "running" || a.Status == "closed") &&
				!evaluation.Submitted(ctx, s.db, a.ID, pid)
		}
		v.CanEnrol = a.Enrollable(activity.Today()) && (v.Own == nil || v.Own.Status == "withdrawn")
	}
	readers := v.CanManage || p.Has(account.Auditor, account.DepartmentReviewer)
	if !readers {
		return v, nil
	}
	if v.Enrolments, err = enrolment.List(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	for _, e := range v.Enrolments {
		if err := s.addPerson(r, v.People, e.PersonID); err != nil {
			return v, err
		}
	}
	if v.Grid, err = attendance.GridOf(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	if v.Assessments, err = assessment.OfActivity(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	outcomes, err := completion.Preview(ctx, s.db, a.ID)
	if err != nil {
		return v, err
	}
	v.Outcomes = map[int64]completion.Outcome{}
	for _, o := range outcomes {
		v.Outcomes[o.PersonID] = o
	}
	if v.Problems, err = declaration.Check(ctx, s.db, a.ID); err != nil {
		return v, err
	}
	v.Evaluation, err = evaluation.Summarize(ctx, s.db, a.ID, a.InstitutionID)
	return v, err
}

func (s *Server) addPerson(r *http.Request, m map[int64]person.Person, id int64) error {
	if id == 0 {
		return nil
	}
	if _, ok := m[id]; ok {
		return nil
	}
	per, err := person.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	m[id] = per
	return nil
}

func (s *Server) activityShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadActivity(r)
	if err != nil {
		return err
	}
	v, err := s.activityView(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, "activity", v)
}

// transition takes a lifecycle step for whoever may take it.
func (s *Server) transition(r *http.Request, step string, note string, ap activity.Approval) (activity.Activity, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return activity.Activity{}, err
	}
	p := visitOf(r).principal
	var out activity.Activity
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		a, err := activity.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if !s.canSeeActivity(r, a) {
			return errNotFound
		}
		if !stepAllowed(p, a, step) {
			return errForbidden
		}
		switch step {
		case "approve":
			out, err = review.Approve(r.Context(), tx, s.actor(r), id, ap)
		case "close":
			out, err = completion.Close(r.Context(), tx, s.actor(r), id, note)
		default:
			out, err = activity.Transition(r.Context(), tx, s.actor(r), id, step, note)
		}
		return err
	})
	return out, err
}

func approvalForm(f url.Values) activity.Approval {
	return activity.Approval{Code: f.Get("code"), ApprovingBody: f.Get("approving_body"), DocumentNumber: f.Get("document_number"),
		Credits: f.Get("approved_credits"), Hours: f.Get("approved_hours")}
}

func (s *Server) transitionPage(step string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return errBadForm
		}
		a, err := s.transition(r, step, r.PostForm.Get("reason"), approvalForm(r.PostForm))
		if err != nil {
			return s.activityFormError(w, r, err)
		}
		return redirectFlash(w, r, "/activities/"+strconv.FormatInt(a.ID, 10), "flash.saved")
	}
}

// activityFormError shows the activity page again with the errors of a
// form posted from it; other errors go to the error page.
func (s *Server) activityFormError(w http.ResponseWriter, r *http.Request, err error) error {
	if _, ok := asFields(err); !ok {
		return err
	}
	a, lerr := s.loadActivity(r)
	if lerr != nil {
		return lerr
	}
	v, verr := s.activityView(r, a)
	if verr != nil {
		return verr
	}
	return s.renderForm(w, r, "activity", v, err)
}
