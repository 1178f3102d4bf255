package web

import (
	"net/http"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/credit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
)

type dashboardPage struct {
	People, Institutions, PendingRegistrations int
	ShowPeople, ShowRegistrations              bool
	Standing                                   *credit.Standing
	Notices                                    []activity.Notice
	Expiring                                   []agreement.Agreement
}

// dashboard shows each role what needs its attention: a learner's standing,
// a director's notices, the office's registrations, the partnership office's
// agreements about to expire.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	v := visitOf(r)
	p := v.principal
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
	now := time.Now().In(v.zone)
	if pid := p.Account.PersonID; pid != 0 {
		st, err := credit.StandingOf(ctx, s.db, pid, now.Year(), now)
		if err != nil {
			return err
		}
		page.Standing = &st
		if page.Notices, err = activity.Notices(ctx, s.db, pid, 5); err != nil {
			return err
		}
	}
	if p.Has(partnershipReaders...) {
		list, err := agreement.ExpiringIn(ctx, s.db, now, agreement.ExpiryWindow, scopeOf(p, partnershipReaders...))
		if err != nil {
			return err
		}
		page.Expiring = list[:min(len(list), 5)]
	}
	return s.render(w, r, "dashboard", page)
}
