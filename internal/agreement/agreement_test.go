package agreement_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/person"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
	"github.com/meded/meded/internal/validate"
)

var sys = audit.System("test")

func inTx[T any](t *testing.T, db *store.DB, fn func(tx *store.Tx) (T, error)) (T, error) {
	t.Helper()
	var out T
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

func institutions(t *testing.T, db *store.DB, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		inst, err := inTx(t, db, func(tx *store.Tx) (institution.Institution, error) {
			return institution.Create(context.Background(), tx, sys, institution.Input{Kind: "university", NameEN: "U" + string(rune('A'+i)), Country: "CN"})
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inst.ID)
	}
	return ids
}

// fieldKey returns the key of the first error on field, or "".
func fieldKey(err error, field string) string {
	es, _ := validate.As(err)
	for _, e := range es {
		if e.Field == field {
			return e.Key
		}
	}
	return ""
}

func TestCreateRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ids := institutions(t, db, 2)
		ok := agreement.Input{Kind: "internship_base", NameEN: "Base", StartOn: "2024-01-01", EndOn: "2026-12-31", PartyIDs: ids}
		tests := []struct {
			name, field, key string
			change           func(in *agreement.Input)
		}{
			{"one party", "party_ids", "agreement.two_parties", func(in *agreement.Input) { in.PartyIDs = ids[:1] }},
			{"same party twice", "party_ids", "agreement.party_twice", func(in *agreement.Input) { in.PartyIDs = []int64{ids[0], ids[0]} }},
			{"unknown party", "party_ids", "error.no_such_record", func(in *agreement.Input) { in.PartyIDs = append(in.PartyIDs, 999999) }},
			{"end before start", "end_on", "agreement.end_before_start", func(in *agreement.Input) { in.EndOn = "2023-12-31" }},
			{"bad date", "start_on", "agreement.invalid_date", func(in *agreement.Input) { in.StartOn = "2024-02-30" }},
			{"no start", "start_on", "error.required", func(in *agreement.Input) { in.StartOn = "" }},
			{"signed without date", "signed_on", "error.required", func(in *agreement.Input) { in.Status = "signed" }},
			{"created renewed", "status", "error.invalid_choice", func(in *agreement.Input) { in.Status = "renewed"; in.SignedOn = "2024-01-01" }},
			{"bad kind", "kind", "error.invalid_choice", func(in *agreement.Input) { in.Kind = "friendship" }},
			{"no name", "name_zh", "error.name_required", func(in *agreement.Input) { in.NameEN = "" }},
			{"bad term kind", "terms", "error.invalid_choice", func(in *agreement.Input) { in.Terms = []agreement.Term{{Kind: "wish", Text: "x"}} }},
			{"zero capacity", "capacities", "error.out_of_range", func(in *agreement.Input) {
				in.Capacities = []agreement.Capacity{{Discipline: "bme", PerYear: 0}}
			}},
			{"capacity twice", "capacities", "agreement.capacity_duplicate", func(in *agreement.Input) {
				in.Capacities = []agreement.Capacity{{Discipline: "bme", PerYear: 2}, {Discipline: "bme", PerYear: 3}}
			}},
			{"contact of no party", "contacts", "agreement.contact_not_party", func(in *agreement.Input) {
				in.Contacts = []agreement.Contact{{InstitutionID: 999999, Name: "X"}}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				in.PartyIDs = append([]int64(nil), ids...)
				tt.change(&in)
				_, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
					return agreement.Create(context.Background(), tx, sys, in)
				})
				if got := fieldKey(err, tt.field); got != tt.key {
					t.Errorf("got %q on %s (%v), want %q", got, tt.field, err, tt.key)
				}
			})
		}
		a, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Create(context.Background(), tx, sys, ok)
		})
		if err != nil || a.Status != "negotiating" || len(a.Parties) != 2 {
			t.Errorf("valid agreement: %+v %v", a, err)
		}
	})
}

func TestTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := institutions(t, db, 2)
		fresh := func(status string) int64 {
			in := agreement.Input{Kind: "partnership", NameEN: "MoU", StartOn: "2024-01-01", EndOn: "2028-12-31", PartyIDs: ids, Status: status}
			if status != "negotiating" {
				in.SignedOn = "2024-01-01"
			}
			a, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) { return agreement.Create(ctx, tx, sys, in) })
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		allowed := map[string]map[string]bool{
			"negotiating": {"signed": true, "terminated": true},
			"signed":      {"active": true, "terminated": true},
			"active":      {"expiring": true, "expired": true, "terminated": true},
			"expiring":    {"active": true, "expired": true, "terminated": true},
			"expired":     {},
			"terminated":  {},
		}
		for from, ok := range allowed {
			for _, to := range agreement.Statuses {
				t.Run(from+"→"+to, func(t *testing.T) {
					id := fresh(from)
					a, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) { return agreement.Transition(ctx, tx, sys, id, to) })
					switch {
					case ok[to]:
						if err != nil || a.Status != to {
							t.Errorf("got %q, %v; want %q", a.Status, err, to)
						}
					case to == "renewed":
						if got := fieldKey(err, "status"); got != "agreement.renew_instead" {
							t.Errorf("got %q (%v), want agreement.renew_instead", got, err)
						}
					default:
						if got := fieldKey(err, "status"); got != "agreement.bad_transition" {
							t.Errorf("got %q (%v), want agreement.bad_transition", got, err)
						}
					}
				})
			}
		}
		if _, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Transition(ctx, tx, sys, 999999, "signed")
		}); !errors.Is(err, agreement.ErrNotFound) {
			t.Errorf("missing agreement: %v", err)
		}
	})
}

func TestRenew(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := institutions(t, db, 2)
		old, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Create(ctx, tx, sys, agreement.Input{Kind: "internship_base", NameEN: "Base", SignedOn: "2022-07-05",
				StartOn: "2022-09-01", EndOn: "2027-08-31", Status: "active", PartyIDs: ids,
				Capacities: []agreement.Capacity{{Discipline: "bme", PerYear: 4}}, Terms: []agreement.Term{{Kind: "right", Text: "R"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Renew(ctx, tx, sys, old.ID, agreement.RenewInput{StartOn: "2022-01-01", EndOn: "2030-01-01"})
		})
		if got := fieldKey(err, "start_on"); got != "agreement.renewal_starts_early" {
			t.Errorf("early renewal: %q (%v)", got, err)
		}
		next, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Renew(ctx, tx, sys, old.ID, agreement.RenewInput{SignedOn: "2027-06-01", StartOn: "2027-09-01", EndOn: "2032-08-31"})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := agreement.Get(ctx, db, old.ID)
		if next.RenewsID != old.ID || next.Status != "signed" || got.Status != "renewed" || got.RenewedByID != next.ID ||
			len(next.Capacities) != 1 || len(next.Terms) != 1 {
			t.Errorf("renewal %+v of %+v", next, got)
		}
		_, err = inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Renew(ctx, tx, sys, old.ID, agreement.RenewInput{StartOn: "2028-01-01"})
		})
		if got := fieldKey(err, "status"); got != "agreement.bad_transition" {
			t.Errorf("renewing twice: %q (%v)", got, err)
		}
	})
}

func TestExpiring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := institutions(t, db, 2)
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		for _, c := range []struct{ name, end, status string }{
			{"today", "2026-11-23", "active"},
			{"in 90 days", "2027-02-21", "active"},
			{"in 91 days", "2027-02-22", "active"},
			{"yesterday", "2026-11-22", "active"},
			{"terminated soon", "2026-12-01", "terminated"},
			{"expiring soon", "2026-12-15", "expiring"},
			{"negotiating soon", "2026-12-15", "negotiating"},
		} {
			in := agreement.Input{Kind: "partnership", NameEN: c.name, StartOn: "2020-01-01", EndOn: c.end, Status: c.status, PartyIDs: ids}
			if c.status != "negotiating" {
				in.SignedOn = "2020-01-01"
			}
			if _, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) { return agreement.Create(ctx, tx, sys, in) }); err != nil {
				t.Fatal(err)
			}
		}
		list, err := agreement.Expiring(ctx, db, now, 90)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range list {
			names = append(names, a.NameEN)
		}
		if got, want := strings.Join(names, ","), "today,expiring soon,in 90 days"; got != want {
			t.Errorf("expiring: %s, want %s", got, want)
		}
		var buf bytes.Buffer
		if err := agreement.WriteExpiring(&buf, now, list); err != nil || !strings.Contains(buf.String(), "2027-02-21  90") {
			t.Errorf("table:\n%s (%v)", buf.String(), err)
		}
		scoped, _ := agreement.ExpiringIn(ctx, db, now, 90, []int64{})
		if len(scoped) != 0 {
			t.Errorf("empty scope lists %d", len(scoped))
		}
		moved, err := inTx(t, db, func(tx *store.Tx) (int, error) { return agreement.Sweep(ctx, tx, sys, now, 90) })
		if err != nil || moved != 3 { // yesterday → expired; today and in 90 days → expiring
			t.Errorf("sweep moved %d (%v), want 3", moved, err)
		}
	})
}

func TestDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := institutions(t, db, 2)
		a, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Create(ctx, tx, sys, agreement.Input{Kind: "partnership", NameEN: "MoU", StartOn: "2024-01-01", PartyIDs: ids})
		})
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		tests := []struct {
			name, file, ctype string
			content           []byte
			key               string
		}{
			{"pdf", "signed.pdf", "application/pdf", pdf, ""},
			{"pdf without type", "signed.pdf", "", pdf, ""},
			{"empty", "x.pdf", "application/pdf", nil, "agreement.document_empty"},
			{"too large", "big.pdf", "application/pdf", append(pdf, make([]byte, agreement.MaxDocumentSize)...), "agreement.document_too_large"},
			{"html posing as pdf", "x.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>"), "agreement.document_bad_type"},
			{"pdf declared png", "x.png", "image/png", pdf, "agreement.document_bad_type"},
			{"path in name", "../x.pdf", "application/pdf", pdf, "agreement.document_bad_name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				d, err := inTx(t, db, func(tx *store.Tx) (agreement.Document, error) {
					return agreement.AddDocument(ctx, tx, sys, a.ID, tt.file, tt.ctype, tt.content)
				})
				if got := fieldKey(err, "file"); got != tt.key {
					t.Fatalf("got %q (%v), want %q", got, err, tt.key)
				}
				if tt.key != "" {
					return
				}
				sum := sha256.Sum256(tt.content)
				got, err := agreement.GetDocument(ctx, db, a.ID, d.ID)
				if err != nil || got.SHA256 != hex.EncodeToString(sum[:]) || !bytes.Equal(got.Content, tt.content) ||
					got.ContentType != "application/pdf" || got.Size != int64(len(tt.content)) {
					t.Errorf("stored %+v (%v)", got, err)
				}
			})
		}
		if _, err := agreement.GetDocument(ctx, db, a.ID+1, 1); !errors.Is(err, agreement.ErrNotFound) {
			t.Errorf("document of another agreement: %v", err)
		}
	})
}

func TestUpdateKeepsStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := institutions(t, db, 3)
		a, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Create(ctx, tx, sys, agreement.Input{Kind: "partnership", NameEN: "MoU", SignedOn: "2024-01-01",
				StartOn: "2024-01-01", Status: "active", PartyIDs: ids[:2], Terms: []agreement.Term{{Kind: "right", Text: "Old"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		in := agreement.Input{Kind: "joint_programme", NameEN: "Joint programme", SignedOn: "2024-01-01", StartOn: "2024-01-01",
			EndOn: "2028-12-31", PartyIDs: ids, Terms: []agreement.Term{{Kind: "obligation", Text: "New"}},
			Capacities: []agreement.Capacity{{Discipline: "nursing", PerYear: 5}}}
		got, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) { return agreement.Update(ctx, tx, sys, a.ID, in) })
		if err != nil || got.Status != "active" || got.Kind != "joint_programme" || len(got.Parties) != 3 ||
			len(got.Terms) != 1 || got.Terms[0].Text != "New" || len(got.Capacities) != 1 {
			t.Errorf("updated %+v (%v)", got, err)
		}
		in.PartyIDs = ids[:1]
		_, err = inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) { return agreement.Update(ctx, tx, sys, a.ID, in) })
		if fieldKey(err, "party_ids") != "agreement.two_parties" {
			t.Errorf("one party: %v", err)
		}
		if again, _ := agreement.Get(ctx, db, a.ID); len(again.Parties) != 3 {
			t.Errorf("a refused update changed the parties: %+v", again.Parties)
		}
	})
}

func TestMeetingSides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := institutions(t, db, 3)
		var people []int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			college, err := institution.Create(ctx, tx, sys, institution.Input{Kind: "college", NameEN: "College of A", ParentID: ids[0]})
			if err != nil {
				return err
			}
			for _, inst := range []int64{college.ID, ids[1], ids[1], ids[2]} {
				p, err := person.Create(ctx, tx, sys, person.Input{NameEN: "P", InstitutionID: inst})
				if err != nil {
					return err
				}
				people = append(people, p.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		a, err := inTx(t, db, func(tx *store.Tx) (agreement.Agreement, error) {
			return agreement.Create(ctx, tx, sys, agreement.Input{Kind: "internship_base", NameEN: "Base", StartOn: "2022-09-01", PartyIDs: ids[:2]})
		})
		if err != nil {
			t.Fatal(err)
		}
		add := func(in agreement.MeetingInput) (agreement.Meeting, error) {
			return inTx(t, db, func(tx *store.Tx) (agreement.Meeting, error) { return agreement.AddMeeting(ctx, tx, sys, a.ID, in) })
		}
		if _, err := add(agreement.MeetingInput{HeldOn: "2022-07-05", PersonIDs: people}); fieldKey(err, "person_ids") != "agreement.attendee_not_party" {
			t.Errorf("outsider at the meeting: %v", err)
		}
		if _, err := add(agreement.MeetingInput{HeldOn: "5 July", PersonIDs: people[:3]}); fieldKey(err, "held_on") != "agreement.invalid_date" {
			t.Errorf("bad date: %v", err)
		}
		if _, err := add(agreement.MeetingInput{HeldOn: "2022-07-05", PersonIDs: people[:3], LeaderIDs: people[:1]}); err != nil {
			t.Fatal(err)
		}
		ms, err := agreement.Meetings(ctx, db, a.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("meetings %v %v", ms, err)
		}
		sides := ms[0].SideCounts(a.Parties)
		// The college's person sits on the side of its university.
		if sides[0].Count != 1 || sides[1].Count != 2 || !ms[0].Attendees[0].Leader {
			t.Errorf("sides %+v attendees %+v", sides, ms[0].Attendees)
		}
	})
}
