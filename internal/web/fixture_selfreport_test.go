package web_test

import (
	"context"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/store"
)

// selfReportPDF is a tiny file the sniffer calls a PDF.
var selfReportPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// addSelfReports adds the fixture records of self-reported credits:
// {sr_self} the learner's report waiting for review, with evidence file
// {sr_doc}; {sr_done} a report of the learner already rejected (so review
// and withdrawal requests meet a conflict and change nothing); {sr_person}
// a waiting report of the doctor in the office's scope; {sr_other} a
// rejected report of the outside person, with evidence file {sr_otherdoc}.
func (f *fixture) addSelfReports(ctx context.Context, tx *store.Tx) error {
	today := time.Now()
	sys := audit.System("fixture")
	add := func(handle, docHandle, personHandle string) (selfreport.Report, error) {
		in := selfreport.Input{Category: "self_study", CreditYear: today.Year(), Title: "综述：" + handle,
			Details: map[string]string{"characters": "4000"}}
		r, err := selfreport.Submit(ctx, tx, sys, f.ids[personHandle], in,
			[]document.Upload{{Name: "综述.pdf", DeclaredType: "application/pdf", Content: selfReportPDF}}, today)
		if err != nil {
			return r, err
		}
		f.ids[handle] = r.ID
		if docHandle != "" {
			f.ids[docHandle] = r.Documents[0].ID
		}
		return r, nil
	}
	if _, err := add("sr_self", "sr_doc", "self"); err != nil {
		return err
	}
	done, err := add("sr_done", "", "self")
	if err != nil {
		return err
	}
	if _, err := selfreport.Reject(ctx, tx, sys, done.ID, "fixture: not a review article"); err != nil {
		return err
	}
	if _, err := add("sr_person", "", "person"); err != nil {
		return err
	}
	other, err := add("sr_other", "sr_otherdoc", "otherperson")
	if err != nil {
		return err
	}
	_, err = selfreport.Reject(ctx, tx, sys, other.ID, "fixture: no evidence of publication")
	return err
}
