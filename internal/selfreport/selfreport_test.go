package selfreport_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/document"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/selfreport"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var (
	learner = audit.Actor{AccountID: 0, Label: "learner"}
	office  = audit.Actor{Label: "office"}
	today   = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
)

// pdf is the smallest file the sniffer calls a PDF.
func pdf(name string) document.Upload {
	return document.Upload{Name: name, DeclaredType: "application/pdf", Content: []byte("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")}
}

// setup makes an institution under profile (from 2020) and one person in it.
func setup(t *testing.T, db *store.DB, profile string) person.Person {
	t.Helper()
	ctx := context.Background()
	var who person.Person
	err := db.InTx(ctx, func(tx *store.Tx) error {
		inst, err := institution.Create(ctx, tx, office, institution.Input{Kind: "hospital", NameEN: "H", TimeZone: "Asia/Shanghai"})
		if err != nil {
			return err
		}
		if _, err := rules.Assign(ctx, tx, office, inst.ID, 2020, profile); err != nil {
			return err
		}
		who, err = person.Create(ctx, tx, office, person.Input{NameZH: "林医生", InstitutionID: inst.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return who
}

func submit(t *testing.T, db *store.DB, personID int64, in selfreport.Input, files ...document.Upload) (selfreport.Report, error) {
	t.Helper()
	var r selfreport.Report
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = selfreport.Submit(context.Background(), tx, learner, personID, in, files, today)
		return err
	})
	return r, err
}

func approve(db *store.DB, id int64, rv selfreport.Review) (selfreport.Report, ledger.Entry, error) {
	var r selfreport.Report
	var e ledger.Entry
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		r, e, err = selfreport.Approve(context.Background(), tx, office, id, rv)
		return err
	})
	return r, e, err
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSuggestionsFollowTheRuleSet works each computing method out by hand
// under the 2006 and 2024 profiles.
func TestSuggestionsFollowTheRuleSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		old, now := setup(t, db, "cn-2006"), setup(t, db, "cn-2024")
		cases := []struct {
			name       string
			who        person.Person
			in         selfreport.Input
			class      string
			suggested  int64
			cap, hours int64
		}{
			// 4,500 characters ÷ 2,000 = 2.25, Class II; the yearly self-study cap is 5.
			{"self-study 2006", old, selfreport.Input{Category: "self_study", CreditYear: 2026, Title: "综述", Details: map[string]string{"characters": "4500"}}, "II", 225, 225, 0},
			// 12,000 characters would be 6, but at most 5 a year.
			{"self-study capped", old, selfreport.Input{Category: "self_study", CreditYear: 2024, Title: "长综述", Details: map[string]string{"characters": "12000"}}, "II", 500, 500, 0},
			// Paper in a national journal, second author: 5.
			{"paper", old, selfreport.Input{Category: "paper", CreditYear: 2025, Title: "论文", Details: map[string]string{"journal": "中华医学杂志", "level": "national", "author_rank": "2"}}, "II", 500, 500, 0},
			// Provincial research project, member 4: 5.
			{"research", now, selfreport.Input{Category: "research_project", CreditYear: 2026, Title: "课题", Details: map[string]string{"project_number": "2025-01", "funder": "省卫健委", "level": "provincial", "member_rank": "4"}}, "none", 500, 500, 0},
			// Outside CME, 2024: 7.5 h ÷ 3 = 2.5, 7.5 study hours kept.
			{"outside CME", now, selfreport.Input{Category: "outside_cme", CreditYear: 2026, Title: "外院项目", Details: map[string]string{"organiser": "X 医院", "certificate_number": "C-1", "hours": "7.5"}}, "none", 250, 250, 750},
			// Government task: assessed by the office, at most 25 per report.
			{"assessed", now, selfreport.Input{Category: "government_task", CreditYear: 2026, Title: "援疆", Amount: "12", Details: map[string]string{"task": "援疆医疗队", "organiser": "省卫健委"}}, "none", 0, 2500, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r, err := submit(t, db, c.who.ID, c.in, pdf("evidence.pdf"))
				if err != nil {
					t.Fatal(err)
				}
				if r.Class != c.class || r.Suggested != c.suggested || r.Cap != c.cap || r.Hours != c.hours {
					t.Errorf("got class %s suggested %d cap %d hours %d, want %s %d %d %d (%s)", r.Class, r.Suggested, r.Cap, r.Hours, c.class, c.suggested, c.cap, c.hours, r.Computation)
				}
				want := c.suggested
				if c.in.Amount != "" {
					want, _ = rules.ParseHundredths(c.in.Amount)
				}
				if r.Claimed != want {
					t.Errorf("got claimed %d, want %d", r.Claimed, want)
				}
			})
		}
	})
}

// TestBadInputStoresNothing: every refusal names its field, and nothing is
// written — no report, no document.
func TestBadInputStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		who := setup(t, db, "cn-2006")
		good := selfreport.Input{Category: "self_study", CreditYear: 2026, Title: "综述", Details: map[string]string{"characters": "4000"}}
		with := func(change func(*selfreport.Input)) selfreport.Input {
			in := good
			in.Details = map[string]string{"characters": "4000"}
			change(&in)
			return in
		}
		exe := document.Upload{Name: "virus.pdf", DeclaredType: "application/pdf", Content: []byte("MZ\x90\x00\x03\x00\x00\x00binary")}
		big := document.Upload{Name: "huge.pdf", DeclaredType: "application/pdf", Content: append([]byte("%PDF-1.4\n"), make([]byte, selfreport.Evidence.MaxSize)...)}
		cases := []struct {
			name  string
			in    selfreport.Input
			files []document.Upload
			field string
			key   string
		}{
			{"missing title", with(func(in *selfreport.Input) { in.Title = " " }), nil, "title", "error.required"},
			{"no category", with(func(in *selfreport.Input) { in.Category = "" }), nil, "category", "error.required"},
			{"unknown category", with(func(in *selfreport.Input) { in.Category = "hobby" }), nil, "category", "error.invalid_choice"},
			{"not credited by 2006", with(func(in *selfreport.Input) { in.Category = "practice"; in.Details = map[string]string{"organiser": "x"} }), nil, "category", "selfreport.not_credited"},
			{"future year", with(func(in *selfreport.Input) { in.CreditYear = 2027 }), nil, "credit_year", "selfreport.year_in_future"},
			{"zero amount", with(func(in *selfreport.Input) { in.Amount = "0" }), nil, "amount", "selfreport.amount_positive"},
			{"negative amount", with(func(in *selfreport.Input) { in.Amount = "-1" }), nil, "amount", "selfreport.amount_positive"},
			{"above the cap", with(func(in *selfreport.Input) { in.Amount = "2.01" }), nil, "amount", "selfreport.above_cap"},
			{"not a number", with(func(in *selfreport.Input) { in.Amount = "two" }), nil, "amount", "error.invalid_decimal"},
			{"missing characters", with(func(in *selfreport.Input) { in.Details = map[string]string{} }), nil, "details.characters", "error.required"},
			{"bad characters", with(func(in *selfreport.Input) { in.Details["characters"] = "many" }), nil, "details.characters", "error.out_of_range"},
			{"unknown detail", with(func(in *selfreport.Input) { in.Details["journal"] = "x" }), nil, "details.journal", "selfreport.unknown_detail"},
			{"rank beyond the table", with(func(in *selfreport.Input) {
				in.Category, in.Details = "paper", map[string]string{"journal": "J", "level": "national", "author_rank": "4"}
			}), nil, "details.author_rank", "selfreport.rank_not_credited"},
			{"unknown level", with(func(in *selfreport.Input) {
				in.Category, in.Details = "research_project", map[string]string{"project_number": "1", "funder": "F", "level": "galactic", "member_rank": "1"}
			}), nil, "details.level", "error.invalid_choice"},
			{"title too long", with(func(in *selfreport.Input) { in.Title = strings.Repeat("题", 301) }), nil, "title", "error.too_long"},
			{"control characters", with(func(in *selfreport.Input) { in.Title = "a\x00b" }), nil, "title", "selfreport.invalid_text"},
			{"no evidence", good, []document.Upload{}, "files", "selfreport.evidence_required"},
			{"too many files", good, []document.Upload{pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf"), pdf("4.pdf"), pdf("5.pdf"), pdf("6.pdf")}, "files", "selfreport.too_many_files"},
			{"wrong type", good, []document.Upload{pdf("ok.pdf"), exe}, "files", "document.bad_type"},
			{"type lies", good, []document.Upload{{Name: "photo.png", DeclaredType: "image/png", Content: pdf("x").Content}}, "files", "document.bad_type"},
			{"too big", good, []document.Upload{big}, "files", "document.too_large"},
			{"empty file", good, []document.Upload{{Name: "empty.pdf"}}, "files", "document.empty"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				files := c.files
				if files == nil {
					files = []document.Upload{pdf("evidence.pdf")}
				}
				_, err := submit(t, db, who.ID, c.in, files...)
				es, ok := validate.As(err)
				if !ok {
					t.Fatalf("got %v, want validation errors", err)
				}
				found := false
				for _, e := range es {
					if e.Field == c.field && e.Key == c.key {
						found = true
						if strings.HasPrefix(c.key, "document.") && (len(e.Args) == 0 || e.Args[0] == "") {
							t.Errorf("file error %v does not name the file", e)
						}
					}
				}
				if !found {
					t.Errorf("got %v, want %s on %s", es, c.key, c.field)
				}
			})
		}
		if n := count(t, db, "SELECT COUNT(*) FROM self_reports"); n != 0 {
			t.Errorf("got %d reports stored, want none", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM documents"); n != 0 {
			t.Errorf("got %d documents stored, want none", n)
		}
	})
}

// TestReviewReachesTheLedgerOnlyWhenApproved follows one report of each
// outcome and the ledger alongside.
func TestReviewReachesTheLedgerOnlyWhenApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		who := setup(t, db, "cn-2006")
		in := selfreport.Input{Category: "paper", CreditYear: 2026, Title: "A trial", Details: map[string]string{"journal": "Lancet", "level": "foreign", "author_rank": "1"}}
		a, err := submit(t, db, who.ID, in, pdf("paper.pdf"), document.Upload{Name: "首页.png", Content: []byte("\x89PNG\r\n\x1a\n0000IHDR")})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Documents) != 2 || a.Documents[0].ContentType != document.PDF || a.Documents[1].ContentType != document.PNG || len(a.Documents[0].SHA256) != 64 {
			t.Fatalf("got documents %+v", a.Documents)
		}
		b, _ := submit(t, db, who.ID, in, pdf("b.pdf"))
		c, _ := submit(t, db, who.ID, in, pdf("c.pdf"))

		// Approved with an adjustment: a reason is required.
		if _, _, err := approve(db, a.ID, selfreport.Review{Amount: 800}); !hasField(err, "reason") {
			t.Fatalf("adjusting without a reason: got %v", err)
		}
		if _, _, err := approve(db, a.ID, selfreport.Review{Amount: 1100, Reason: "x"}); !hasField(err, "amount") {
			t.Fatalf("approving above the cap: got %v", err)
		}
		got, e, err := approve(db, a.ID, selfreport.Review{Amount: 800, Reason: "third author in the published version"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != selfreport.Approved || got.ApprovedAmount != 800 || got.LedgerEntryID != e.ID {
			t.Errorf("got %+v", got)
		}
		if e.Source != "self_report" || e.SourceRef != "self_report:"+itoa(a.ID) || e.Amount != 800 || e.Class != "II" || e.Category != "paper" ||
			!strings.Contains(e.Evidence, a.Documents[0].SHA256[:16]) || !strings.Contains(e.Evidence, "third author") {
			t.Errorf("got entry %+v", e)
		}
		// Approving again, rejecting or withdrawing it now: refused, nothing posted.
		if _, _, err := approve(db, a.ID, selfreport.Review{}); !errors.Is(err, selfreport.ErrConflict) {
			t.Errorf("second approval: got %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { _, err := selfreport.Withdraw(ctx, tx, learner, a.ID); return err })
		if !errors.Is(err, selfreport.ErrConflict) {
			t.Errorf("withdrawing an approved report: got %v", err)
		}

		// Rejected: a reason is required, nothing is posted.
		err = db.InTx(ctx, func(tx *store.Tx) error { _, err := selfreport.Reject(ctx, tx, office, b.ID, " "); return err })
		if !hasField(err, "reason") {
			t.Errorf("rejecting without a reason: got %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := selfreport.Reject(ctx, tx, office, b.ID, "not a peer-reviewed journal")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Withdrawn by its author: then it cannot be approved.
		err = db.InTx(ctx, func(tx *store.Tx) error { _, err := selfreport.Withdraw(ctx, tx, learner, c.ID); return err })
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := approve(db, c.ID, selfreport.Review{}); !errors.Is(err, selfreport.ErrConflict) {
			t.Errorf("approving a withdrawn report: got %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM ledger_entries WHERE person_id = ?", who.ID); n != 1 {
			t.Errorf("got %d ledger entries, want 1", n)
		}
		// The queue, by status.
		for status, want := range map[string]int{"approved": 1, "rejected": 1, "withdrawn": 1, "submitted": 0} {
			_, total, err := selfreport.List(ctx, db, selfreport.Filter{Status: status, InstitutionIDs: []int64{who.InstitutionID}})
			if err != nil || total != want {
				t.Errorf("%s: got %d (%v), want %d", status, total, err, want)
			}
		}
		// Reversing the approved entry goes through the ledger; the report's net is then 0.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Reverse(ctx, tx, office, e.ID, "paper retracted")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		net, _ := ledger.NetOf(ctx, db, "self_report:"+itoa(a.ID))
		if len(net) != 1 || net[0].Amount != 0 {
			t.Errorf("got net %+v after reversal", net)
		}
	})
}

// TestYearCapLeftCountsApprovedAndPending: the 2006 self-study cap of 5
// minus 2 approved and 1.5 pending leaves 1.5, which the next suggestion
// respects; withdrawing the pending report gives it back.
func TestYearCapLeftCountsApprovedAndPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		who := setup(t, db, "cn-2006")
		in := func(chars string) selfreport.Input {
			return selfreport.Input{Category: "self_study", CreditYear: 2026, Title: "综述", Details: map[string]string{"characters": chars}}
		}
		a, _ := submit(t, db, who.ID, in("4000"), pdf("a.pdf"))
		if _, _, err := approve(db, a.ID, selfreport.Review{}); err != nil {
			t.Fatal(err)
		}
		b, err := submit(t, db, who.ID, in("3000"), pdf("b.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		pv, _, _, _, err := selfreport.Evaluate(ctx, db, who.ID, in("8000"), today)
		if err != nil || pv.YearCapLeft != 150 || pv.Suggested != 150 {
			t.Errorf("got left %d suggested %d (%v), want 150 150", pv.YearCapLeft, pv.Suggested, err)
		}
		_ = db.InTx(ctx, func(tx *store.Tx) error { _, err := selfreport.Withdraw(ctx, tx, learner, b.ID); return err })
		pv, _, _, _, _ = selfreport.Evaluate(ctx, db, who.ID, in("8000"), today)
		if pv.YearCapLeft != 300 || pv.Suggested != 300 {
			t.Errorf("after withdrawal: got left %d suggested %d, want 300 300", pv.YearCapLeft, pv.Suggested)
		}
	})
}

// TestConcurrentApprovals: two reports of one person approved at the same
// moment both reach the ledger once and the chain verifies; one report
// approved twice at once posts once.
func TestConcurrentApprovals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		who := setup(t, db, "cn-2024")
		in := selfreport.Input{Category: "outside_cme", CreditYear: 2026, Title: "外院", Details: map[string]string{"organiser": "X", "certificate_number": "C", "hours": "6"}}
		for round := range 5 {
			a, err := submit(t, db, who.ID, in, pdf("a.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := submit(t, db, who.ID, in, pdf("b.pdf"))
			// Two different reports, and the first one a second time.
			ids := []int64{a.ID, b.ID, a.ID}
			errs := make([]error, len(ids))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, errs[i] = approve(db, id, selfreport.Review{})
				}()
			}
			close(start)
			wg.Wait()
			conflicts := 0
			for _, err := range errs {
				switch {
				case errors.Is(err, selfreport.ErrConflict):
					conflicts++
				case err != nil:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if conflicts != 1 {
				t.Errorf("round %d: got %d conflicts, want 1 (errors %v)", round, conflicts, errs)
			}
			for _, id := range []int64{a.ID, b.ID} {
				if n := count(t, db, "SELECT COUNT(*) FROM ledger_entries WHERE source_ref = ?", "self_report:"+itoa(id)); n != 1 {
					t.Errorf("round %d: report %d has %d entries, want 1", round, id, n)
				}
			}
		}
		rep, err := ledger.Verify(ctx, db)
		if err != nil || !rep.OK() {
			t.Errorf("verify: %+v %v", rep, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM ledger_entries WHERE person_id = ?", who.ID); n != 10 {
			t.Errorf("got %d entries, want 10", n)
		}
	})
}

func hasField(err error, field string) bool {
	es, ok := validate.As(err)
	return ok && es.Has(field)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
