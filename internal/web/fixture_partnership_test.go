package web_test

import (
	"context"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
)

// fixturePDF is the smallest file the document type check takes for a PDF.
const fixturePDF = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

// addPartnership adds the agreements, bases and placements the partnership
// rows of the authorization table use: {agr} a partnership of the offices'
// university with the outside university (in the offices' scope), with a
// document {doc}; {agr_out} a partnership of the outside university with a
// third one (outside every office's scope); {base} an internship base of the
// university at its hospital taking 2 students of medicine a year; and
// {placement} the doctor's planned placement at that base.
func (f *fixture) addPartnership(ctx context.Context, tx *store.Tx) error {
	sys := audit.System("fixture")
	far, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "outside_university", NameEN: "Far University", Country: "AU"})
	if err != nil {
		return err
	}
	f.ids["far"] = far.ID
	for _, a := range []struct {
		handle string
		in     agreement.Input
	}{
		{"agr", agreement.Input{Kind: "partnership", NameEN: "MoU with Other University", SignedOn: "2024-01-01", StartOn: "2024-01-01",
			EndOn: "2029-12-31", Status: "active", PartyIDs: []int64{f.ids["home"], f.ids["other"]},
			Contacts: []agreement.Contact{{InstitutionID: f.ids["other"], Name: "Ms Tan", Role: "international office", Email: "tan@other.example"}}}},
		{"agr_out", agreement.Input{Kind: "partnership", NameEN: "Other and Far", SignedOn: "2024-01-01", StartOn: "2024-01-01",
			EndOn: "2029-12-31", Status: "active", PartyIDs: []int64{f.ids["other"], far.ID}}},
		{"base", agreement.Input{Kind: "internship_base", NameEN: "Internship base", SignedOn: "2024-01-01", StartOn: "2024-01-01",
			EndOn: "2029-12-31", Status: "active", PartyIDs: []int64{f.ids["home"], f.ids["hospital"]},
			Capacities: []agreement.Capacity{{Discipline: "medicine", PerYear: 2}},
			Terms:      []agreement.Term{{Kind: "right", Text: "Place students"}, {Kind: "safety", Text: "Insure students"}}}},
	} {
		created, err := agreement.Create(ctx, tx, sys, a.in)
		if err != nil {
			return err
		}
		f.ids[a.handle] = created.ID
	}
	doc, err := agreement.AddDocument(ctx, tx, sys, f.ids["agr"], "signed.pdf", "application/pdf", []byte(fixturePDF))
	if err != nil {
		return err
	}
	f.ids["doc"] = doc.ID
	p, err := placement.Create(ctx, tx, sys, placement.Input{PersonID: f.ids["person"], Kind: "internship", AgreementID: f.ids["base"],
		HostInstitutionID: f.ids["hospital"], Discipline: "medicine", StartOn: "2025-03-01", EndOn: "2025-04-30"})
	if err != nil {
		return err
	}
	f.ids["placement"] = p.ID
	return nil
}
