package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/audit"
)

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	loc := visitOf(r).zone
	day := func(k string) time.Time {
		t, err := time.ParseInLocation("2006-01-02", q.Get(k), loc)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	f := audit.Filter{Entity: strings.TrimSpace(q.Get("entity")), Action: strings.TrimSpace(q.Get("action")),
		EntityID: queryID(r, "entity_id"), AccountID: queryID(r, "account_id"), From: day("from"), To: day("to")}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	p := visitOf(r).principal
	if !p.Has(account.Admin) {
		f.InstitutionIDs = scopeOf(p, account.EducationOffice, account.Auditor)
	}
	return f
}

type auditPage struct {
	Entries []audit.Entry
	Filter  audit.Filter
	Query   map[string]string
	Pager   pager
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	f := auditFilter(r)
	page, limit, offset := pageOf(r)
	f.Limit, f.Offset = limit, offset
	entries, total, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return s.render(w, r, "audit", auditPage{Entries: entries, Filter: f, Pager: newPager(r, page, total),
		Query: map[string]string{"entity": q.Get("entity"), "action": q.Get("action"), "from": q.Get("from"), "to": q.Get("to")}})
}

func (s *Server) apiAuditList(w http.ResponseWriter, r *http.Request) error {
	f := auditFilter(r)
	f.Limit, f.Offset = apiPage(r)
	entries, total, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody(entries, total, f.Limit, f.Offset))
}
