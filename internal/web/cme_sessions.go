package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// sessionInputForm reads a session form: lecturers are staff person ids
// (lecturer_id, repeated) and guests as "name | institution" lines.
func sessionInputForm(f url.Values) session.Input {
	in := session.Input{StartsAt: f.Get("starts_at"), EndsAt: f.Get("ends_at"), Venue: f.Get("venue"), OnlineURL: f.Get("online_url"),
		Format: f.Get("format"), Hours: f.Get("hours"), Topic: f.Get("topic")}
	for _, v := range f["lecturer_id"] {
		if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && id > 0 {
			in.Lecturers = append(in.Lecturers, session.Lecturer{PersonID: id})
		}
	}
	for _, line := range strings.Split(f.Get("guests"), "\n") {
		name, inst, _ := strings.Cut(line, "|")
		if strings.TrimSpace(name) != "" {
			in.Lecturers = append(in.Lecturers, session.Lecturer{GuestName: name, GuestInstitution: inst})
		}
	}
	return in
}

func (s *Server) createSession(r *http.Request, in session.Input) (session.Session, error) {
	a, err := s.loadManaged(r)
	if err != nil {
		return session.Session{}, err
	}
	var out session.Session
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = session.Create(r.Context(), tx, s.actor(r), a.ID, in)
		return err
	})
	return out, err
}

func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	sess, err := s.createSession(r, sessionInputForm(r.PostForm))
	if err != nil {
		return s.activityFormError(w, r, err)
	}
	return redirectFlash(w, r, "/activities/"+strconv.FormatInt(sess.ActivityID, 10), "flash.saved")
}

func (s *Server) cancelSession(r *http.Request) (session.Session, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return session.Session{}, err
	}
	var out session.Session
	err = s.db.InTx(r.Context(), func(tx *store.Tx) error {
		sess, err := session.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		a, err := activity.Get(r.Context(), tx, sess.ActivityID)
		if err != nil {
			return err
		}
		if !s.canSeeActivity(r, a) {
			return errNotFound
		}
		if !canManageActivity(visitOf(r).principal, a) {
			return errForbidden
		}
		if out, err = session.Cancel(r.Context(), tx, s.actor(r), id); err != nil {
			return err
		}
		// Cancelled after the close: completion and credits follow.
		return completion.Apply(r.Context(), tx, s.actor(r), a.ID)
	})
	return out, err
}

func (s *Server) sessionCancel(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.cancelSession(r)
	if err != nil {
		return err
	}
	return redirectFlash(w, r, "/activities/"+strconv.FormatInt(sess.ActivityID, 10), "flash.saved")
}

func (s *Server) recordDeclaration(r *http.Request, in declaration.Input) (declaration.Declaration, error) {
	if _, err := s.loadManaged(r); err != nil {
		return declaration.Declaration{}, err
	}
	var out declaration.Declaration
	err := s.db.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		out, err = declaration.Record(r.Context(), tx, s.actor(r), in)
		return err
	})
	return out, err
}

func (s *Server) declarationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	in := declaration.Input{Conflicts: f.Get("conflicts"), Consent: f.Get("consent") == "on", SignedOn: f.Get("signed_on")}
	if key := f.Get("lecturer_key"); strings.HasPrefix(key, "person:") {
		in.Lecturer.PersonID, _ = strconv.ParseInt(strings.TrimPrefix(key, "person:"), 10, 64)
	} else if strings.HasPrefix(key, "guest:") {
		name, inst, _ := strings.Cut(strings.TrimPrefix(key, "guest:"), "|")
		in.Lecturer = session.Lecturer{GuestName: name, GuestInstitution: inst}
	}
	if _, err := s.recordDeclaration(r, in); err != nil {
		return s.activityFormError(w, r, err)
	}
	return redirectFlash(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], "flash.saved")
}
