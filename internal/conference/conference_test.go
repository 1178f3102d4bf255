package conference_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/conference"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

type world struct {
	uni, partner int64
	people       map[string]int64
}

func setup(ctx context.Context, t *testing.T, tx *store.Tx) world {
	t.Helper()
	w := world{people: map[string]int64{}}
	uni, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "university", NameZH: "医科大学", NameEN: "Medical University", Country: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	partner, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "outside_university", NameEN: "Partner University", Country: "SG"})
	if err != nil {
		t.Fatal(err)
	}
	w.uni, w.partner = uni.ID, partner.ID
	for _, n := range []string{"Wang", "Ding", "Wu", "Li"} {
		p, err := person.Create(ctx, tx, sys, person.Input{NameEN: n, InstitutionID: uni.ID})
		if err != nil {
			t.Fatal(err)
		}
		w.people[n] = p.ID
	}
	return w
}

func apmec(w world) conference.Input {
	return conference.Input{Kind: "conference", TitleZH: "亚太医学教育大会", TitleEN: "Asia Pacific Medical Education Conference",
		InstitutionID: w.uni, DirectorID: w.people["Wang"], OrganiserEN: "NUS Medicine", City: "Yiwu", Country: "cn",
		StartDate: "2026-01-23", EndDate: "2026-01-24", PlannedHours: "16", ExpectedAttendance: 1400, Countries: 30}
}

func fields(err error) string {
	es, ok := validate.As(err)
	if !ok {
		return fmt.Sprintf("not a validation error: %v", err)
	}
	out := ""
	for _, e := range es {
		out += e.Field + ":" + e.Key + " "
	}
	return out
}

func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	es, ok := validate.As(err)
	if !ok {
		t.Errorf("%s: got %v, want a %s error on %s", what, err, key, field)
		return
	}
	for _, e := range es {
		if e.Field == field && e.Key == key {
			return
		}
	}
	t.Errorf("%s: got %s, want %s:%s", what, fields(err), field, key)
}

// TestDelegationRefusals: every rule that refuses a change, and a good
// record going through.
func TestDelegationRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			w := setup(ctx, t, tx)
			bad := apmec(w)
			bad.StartDate, bad.EndDate = "2026-01-24", "2026-01-23"
			_, err := conference.Create(ctx, tx, sys, bad)
			wantField(t, "dates out of order", err, "end_date", "error.end_before_start")
			bad = apmec(w)
			bad.TitleEN, bad.City, bad.Country, bad.Kind, bad.Countries = "", "", "XX", "party", -1
			_, err = conference.Create(ctx, tx, sys, bad)
			for _, f := range [][2]string{{"title_en", "error.required"}, {"country", "error.invalid_country"}, {"kind", "error.invalid_choice"}, {"countries", "error.range"}} {
				wantField(t, "bad conference", err, f[0], f[1])
			}
			bad = apmec(w)
			bad.PartnerInstitutionID = w.uni
			_, err = conference.Create(ctx, tx, sys, bad)
			wantField(t, "partner is self", err, "partner_institution_id", "error.partner_is_self")

			c, err := conference.Create(ctx, tx, sys, apmec(w))
			if err != nil {
				t.Fatal(err)
			}
			if c.Country != "CN" || c.Kind != "conference" || c.Level != "none" {
				t.Errorf("created: got %s %s %s", c.Country, c.Kind, c.Level)
			}
			_, err = conference.SetLeader(ctx, tx, sys, c.ID, w.people["Wang"])
			wantField(t, "leader not a member", err, "leader_id", "error.leader_not_member")
			if _, err := conference.AddMember(ctx, tx, sys, c.ID, w.people["Wang"]); err != nil {
				t.Fatal(err)
			}
			_, err = conference.AddMember(ctx, tx, sys, c.ID, w.people["Wang"])
			wantField(t, "member added twice", err, "person_id", "error.already_member")
			_, err = conference.AddMember(ctx, tx, sys, c.ID, 999999)
			wantField(t, "unknown person", err, "person_id", "error.not_found")
			if _, err := conference.SetLeader(ctx, tx, sys, c.ID, w.people["Wang"]); err != nil {
				t.Fatal(err)
			}
			err = conference.RemoveMember(ctx, tx, sys, c.ID, w.people["Wang"])
			wantField(t, "removing the leader", err, "person_id", "error.member_is_leader")

			report := conference.ContributionInput{PersonID: w.people["Wang"], Type: "invited_report", TitleZH: "打破壁垒", TitleEN: "Breaking Barriers",
				CoAuthors: []conference.CoAuthor{{Name: "Tan", Institution: "NUS"}}}
			byOutsider := report
			byOutsider.PersonID = w.people["Li"]
			_, err = conference.AddContribution(ctx, tx, sys, c.ID, byOutsider)
			wantField(t, "contribution by a non-member", err, "person_id", "error.not_member")
			badType := report
			badType.Type, badType.TitleZH = "speech", ""
			_, err = conference.AddContribution(ctx, tx, sys, c.ID, badType)
			wantField(t, "bad type", err, "type", "error.invalid_choice")
			wantField(t, "no Chinese title", err, "title_zh", "error.required")
			twice := report
			twice.CoAuthors = []conference.CoAuthor{{Name: "Tan", Institution: "NUS"}, {Name: "tan", Institution: "nus"}, {PersonID: w.people["Wang"]}, {Institution: "NUS"}}
			_, err = conference.AddContribution(ctx, tx, sys, c.ID, twice)
			wantField(t, "co-author twice", err, "co_authors", "error.coauthor_twice")
			wantField(t, "presenter as co-author", err, "co_authors", "error.coauthor_is_presenter")
			wantField(t, "co-author without a name", err, "co_authors", "error.coauthor_name")

			got, err := conference.AddContribution(ctx, tx, sys, c.ID, report)
			if err != nil {
				t.Fatal(err)
			}
			members, err := conference.Members(ctx, tx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != 1 || members[0].Role != "presenter" || !members[0].Leader {
				t.Errorf("members after the report: got %+v", members)
			}
			if _, err := conference.SetLeader(ctx, tx, sys, c.ID, 0); err != nil {
				t.Fatal(err)
			}
			err = conference.RemoveMember(ctx, tx, sys, c.ID, w.people["Wang"])
			wantField(t, "removing a presenter", err, "person_id", "error.member_has_contributions")
			if _, err := conference.DeleteContribution(ctx, tx, sys, got.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := conference.DeleteContribution(ctx, tx, sys, got.ID); !errors.Is(err, conference.ErrNotFound) {
				t.Errorf("deleting twice: got %v, want ErrNotFound", err)
			}
			if err := conference.RemoveMember(ctx, tx, sys, c.ID, w.people["Wang"]); err != nil {
				t.Errorf("removing a plain member: %v", err)
			}
			err = conference.RemoveMember(ctx, tx, sys, c.ID, w.people["Wang"])
			wantField(t, "removing twice", err, "person_id", "error.not_member")
			if _, err := conference.AddMember(ctx, tx, sys, c.ID, w.people["Wang"]); err != nil {
				t.Errorf("re-adding a removed member: %v", err)
			}
			if _, err := conference.Get(ctx, tx, 987654); !errors.Is(err, conference.ErrNotFound) {
				t.Errorf("unknown conference: got %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestYearReport: a hand-worked delegation (one invited report, two orals,
// a joint workshop the year before) gives the counts by type; removing one
// oral presentation takes it out of the figures.
func TestYearReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			w := setup(ctx, t, tx)
			c, err := conference.Create(ctx, tx, sys, apmec(w))
			if err != nil {
				t.Fatal(err)
			}
			ws := conference.Input{Kind: "workshop", TitleZH: "渝新医学教育工作坊", TitleEN: "Chongqing-Singapore Workshop", InstitutionID: w.uni,
				DirectorID: w.people["Wang"], OrganiserEN: "Medical University and Partner University", StartDate: "2025-09-01", EndDate: "2025-09-02",
				PlannedHours: "8", PartnerInstitutionID: w.partner}
			wc, err := conference.Create(ctx, tx, sys, ws)
			if err != nil {
				t.Fatal(err)
			}
			add := func(conf int64, who, typ, title string) conference.Contribution {
				t.Helper()
				if ok, _ := memberOf(ctx, tx, conf, w.people[who]); !ok {
					if _, err := conference.AddMember(ctx, tx, sys, conf, w.people[who]); err != nil {
						t.Fatal(err)
					}
				}
				x, err := conference.AddContribution(ctx, tx, sys, conf, conference.ContributionInput{PersonID: w.people[who], Type: typ, TitleZH: title, TitleEN: title})
				if err != nil {
					t.Fatal(err)
				}
				return x
			}
			add(c.ID, "Wang", "invited_report", "Breaking Barriers")
			add(c.ID, "Ding", "oral", "Medical humanities")
			oral := add(c.ID, "Wu", "oral", "Global competence")
			add(wc.ID, "Wang", "workshop", "Leadership in Health Professions")

			counts := func(year int) string {
				r, err := conference.YearReport(ctx, tx, conference.ReportFilter{Year: year, InstitutionIDs: []int64{w.uni}})
				if err != nil {
					t.Fatal(err)
				}
				s := fmt.Sprintf("%d conf %d contrib:", r.Conferences, r.Contributions)
				for _, b := range r.ByType {
					s += fmt.Sprintf(" %s=%d", b.Type, b.Count)
				}
				return s
			}
			if got, want := counts(2026), "1 conf 3 contrib: keynote=0 invited_report=1 oral=2 poster=0 workshop=0 chair=0"; got != want {
				t.Errorf("2026: got %q, want %q", got, want)
			}
			if got, want := counts(2025), "1 conf 1 contrib: keynote=0 invited_report=0 oral=0 poster=0 workshop=1 chair=0"; got != want {
				t.Errorf("2025: got %q, want %q", got, want)
			}
			if _, err := conference.DeleteContribution(ctx, tx, sys, oral.ID); err != nil {
				t.Fatal(err)
			}
			if got, want := counts(2026), "1 conf 2 contrib: keynote=0 invited_report=1 oral=1 poster=0 workshop=0 chair=0"; got != want {
				t.Errorf("2026 after removing an oral: got %q, want %q", got, want)
			}
			r, err := conference.YearReport(ctx, tx, conference.ReportFilter{Year: 2026, InstitutionIDs: []int64{w.partner}})
			if err != nil || r.Contributions != 0 {
				t.Errorf("another institution's scope: got %d, %v", r.Contributions, err)
			}
			mine, err := conference.OfPerson(ctx, tx, w.people["Wang"])
			if err != nil || len(mine) != 2 || mine[0].Type != "invited_report" {
				t.Errorf("Wang's contributions: got %+v, %v", mine, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func memberOf(ctx context.Context, q store.Querier, conf, personID int64) (bool, error) {
	ms, err := conference.Members(ctx, q, conf)
	for _, m := range ms {
		if m.PersonID == personID {
			return true, err
		}
	}
	return false, err
}

func TestParseCoAuthors(t *testing.T) {
	got := conference.FormatCoAuthors(conference.ParseCoAuthors("Tan Chay Hoon (NUS Medicine)\n李华，重庆医科大学; Smith, University of Liverpool\n\n  Lone Name ;（无）"))
	want := "Tan Chay Hoon (NUS Medicine); 李华 (重庆医科大学); Smith (University of Liverpool); Lone Name; （无）"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func FuzzParseCoAuthors(f *testing.F) {
	for _, s := range []string{"", "a (b)", "a, b\nc", "（x）", "a(b(c))", "；;\r\n", "名，院"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range conference.ParseCoAuthors(s) {
			if a.Name == "" && a.Institution == "" {
				t.Errorf("%q: an empty co-author", s)
			}
			if a.Name != strings.TrimSpace(a.Name) || a.Institution != strings.TrimSpace(a.Institution) {
				t.Errorf("%q: untrimmed %+v", s, a)
			}
		}
	})
}
