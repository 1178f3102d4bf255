package web

import (
	"net/http"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
)

type dashboardPage struct {
	People, Institutions, PendingRegistrations int
	ShowPeople, ShowRegistrations              bool
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	p := visitOf(r).principal
	ctx := r.Context()
	var page dashboardPage
	var err error
	if p.Has(peopleReaders...) {
		page.ShowPeople = true
		f := person.ListFilter{Limit: 1}
		peopleScope(p, &f)
		if _, page.People, err = person.List(ctx, s.db, f); err != nil {
			return err
		}
		if _, page.Institutions, err = institution.List(ctx, s.db, institution.ListFilter{Limit: 1}); err != nil {
			return err
		}
	}
	if p.Has(accountManagers...) {
		page.ShowRegistrations = true
		regs, err := account.Registrations(ctx, s.db, scopeOf(p, accountManagers...), "pending")
		if err != nil {
			return err
		}
		page.PendingRegistrations = len(regs)
	}
	return s.render(w, r, "dashboard", page)
}
