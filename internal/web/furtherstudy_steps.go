package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/store"
)

// furtherStudyInput is what any step may carry; each step reads its part.
type furtherStudyInput struct {
	decision   furtherstudy.Decision
	acceptance furtherstudy.Acceptance
	arrivedOn  string
	evaluation furtherstudy.EvaluationInput
	completion furtherstudy.Completion
	withdrawal furtherstudy.Withdrawal
	comment    string
}

// runFurtherStudyStep takes step on the application of the path, in one
// transaction, if the principal may; it returns the application after the
// step and, for an evaluation, the evaluation recorded.
func (s *Server) runFurtherStudyStep(r *http.Request, step string, in furtherStudyInput) (furtherstudy.Application, *furtherstudy.Evaluation, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return furtherstudy.Application{}, nil, err
	}
	var out furtherstudy.Application
	var ev *furtherstudy.Evaluation
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		ctx, actor := r.Context(), s.actor(r)
		a, err := furtherstudy.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		p := visitOf(r).principal
		if !canSeeFurtherStudy(p, a) {
			return errNotFound
		}
		if !furtherStudyStepAllowed(p, a, step) {
			return errForbidden
		}
		switch step {
		case "department-review":
			out, err = furtherstudy.ReviewByDepartment(ctx, tx, actor, id, in.decision)
		case "reject":
			out, err = furtherstudy.Reject(ctx, tx, actor, id, in.comment)
		case "accept":
			out, err = furtherstudy.Accept(ctx, tx, actor, id, in.acceptance)
		case "arrive":
			out, err = furtherstudy.Arrive(ctx, tx, actor, id, in.arrivedOn)
		case "evaluate":
			var e furtherstudy.Evaluation
			if e, err = furtherstudy.Evaluate(ctx, tx, actor, id, in.evaluation); err == nil {
				ev = &e
				out, err = furtherstudy.Get(ctx, tx, id)
			}
		case "complete":
			out, err = furtherstudy.Complete(ctx, tx, actor, id, in.completion)
		case "withdraw":
			out, err = furtherstudy.Withdraw(ctx, tx, actor, id, in.withdrawal)
		default:
			return errNotFound
		}
		return err
	})
	return out, ev, err
}

// formInt reads a whole number from a form; anything else is -1, which
// every range check refuses.
func formInt(r *http.Request, name string) int {
	v := strings.TrimSpace(r.PostForm.Get(name))
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

// furtherStudyStep is the form handler of a step: it shows the application
// again with the errors, or goes back to it with a flash.
func (s *Server) furtherStudyStep(step string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return errBadForm
		}
		f := r.PostForm.Get
		in := furtherStudyInput{
			decision:   furtherstudy.Decision{Approve: f("decision") == "approve", Comment: f("comment")},
			acceptance: furtherstudy.Acceptance{StartOn: f("start_on"), EndOn: f("end_on"), SupervisorID: formID(r, "supervisor_id"), AgreementID: formID(r, "agreement_id"), Discipline: f("discipline"), Comment: f("comment")},
			arrivedOn:  f("arrived_on"),
			evaluation: furtherstudy.EvaluationInput{Month: f("month"), Score: formInt(r, "score"), Comment: f("comment")},
			completion: furtherstudy.Completion{CompletedOn: f("completed_on"), Score: formInt(r, "score"), Comment: f("comment")},
			withdrawal: furtherstudy.Withdrawal{Comment: f("comment"), LeftOn: f("left_on")},
			comment:    f("comment"),
		}
		a, _, err := s.runFurtherStudyStep(r, step, in)
		if err != nil {
			if _, ok := asFields(err); ok {
				a, lerr := s.loadFurtherStudy(r)
				if lerr != nil {
					return lerr
				}
				page, lerr := s.furtherStudyPage(r, a)
				if lerr != nil {
					return lerr
				}
				page.FailedStep = step
				return s.renderForm(w, r, "further_study", page, err)
			}
			return err
		}
		return redirectFlash(w, r, "/further-study/"+strconv.FormatInt(a.ID, 10), "flash.saved")
	}
}

// apiFurtherStudyStep is the JSON handler of a step; each step has its own body.
func (s *Server) apiFurtherStudyStep(step string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in furtherStudyInput
		var err error
		switch step {
		case "department-review":
			err = decodeJSON(r, &in.decision)
		case "accept":
			err = decodeJSON(r, &in.acceptance)
		case "arrive":
			var body struct {
				ArrivedOn string `json:"arrived_on"`
			}
			err = decodeJSON(r, &body)
			in.arrivedOn = body.ArrivedOn
		case "evaluate":
			err = decodeJSON(r, &in.evaluation)
		case "complete":
			err = decodeJSON(r, &in.completion)
		case "withdraw":
			err = decodeJSON(r, &in.withdrawal)
		default: // reject
			var body struct {
				Comment string `json:"comment"`
			}
			err = decodeJSON(r, &body)
			in.comment = body.Comment
		}
		if err != nil {
			return err
		}
		a, ev, err := s.runFurtherStudyStep(r, step, in)
		if err != nil {
			return err
		}
		if ev != nil {
			return writeJSON(w, http.StatusCreated, ev)
		}
		return writeJSON(w, http.StatusOK, a)
	}
}
