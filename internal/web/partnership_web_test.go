package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/meded/meded/internal/agreement"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

// TestAgreementTransitionsByRole sends every status change from every
// status as every role through the API: only the admin and the partnership
// office move an agreement, and only along the status diagram.
func TestAgreementTransitionsByRole(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	allowed := map[string][]string{
		"negotiating": {"signed", "terminated"},
		"signed":      {"active", "terminated"},
		"active":      {"expiring", "expired", "terminated"},
		"expiring":    {"active", "expired", "terminated"},
		"expired":     nil, "terminated": nil,
	}
	for _, role := range authzRoles {
		for from, next := range allowed {
			for _, to := range agreement.Statuses {
				in := agreement.Input{Kind: "partnership", NameEN: from + " to " + to, StartOn: "2024-01-01", EndOn: "2030-01-01",
					Status: from, PartyIDs: []int64{f.ids["home"], f.ids["other"]}}
				if from != "negotiating" {
					in.SignedOn = "2024-01-01"
				}
				var a agreement.Agreement
				err := f.db.InTx(ctx, func(tx *store.Tx) error {
					var err error
					a, err = agreement.Create(ctx, tx, audit.System("test"), in)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				resp := f.do(role, "POST", fmt.Sprintf("/api/v1/agreements/%d/status", a.ID), "application/json", `{"status":"`+to+`"}`)
				resp.Body.Close()
				want := http.StatusForbidden
				switch {
				case role == "anonymous":
					want = http.StatusUnauthorized
				case role != "admin" && role != "partnership_office":
				case strings.Contains(strings.Join(next, ","), to):
					want = http.StatusOK
				default:
					want = http.StatusUnprocessableEntity
				}
				if resp.StatusCode != want {
					t.Errorf("%s: %s → %s: got %d, want %d", role, from, to, resp.StatusCode, want)
				}
			}
		}
	}
}

var figure = regexp.MustCompile(`data-figure="(\w+)">(\d+)<`)

func pageFigures(t *testing.T, f *fixture, role, path string) map[string]string {
	t.Helper()
	resp := f.do(role, "GET", path, "", "")
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	out := map[string]string{}
	for _, m := range figure.FindAllStringSubmatch(string(body), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestPartnersFollowTheData: the partners page and API count the fixture's
// one partner abroad, and none once its agreement is terminated.
func TestPartnersFollowTheData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		report := func() (int, int) {
			status, body := f.apiCall(t, "partnership_office", "GET", "/api/v1/reports/partners", "")
			if status != http.StatusOK {
				t.Fatalf("report: %d %s", status, body)
			}
			var r struct{ Partners, Countries int }
			json.Unmarshal(body, &r)
			return r.Partners, r.Countries
		}
		if p, c := report(); p != 1 || c != 1 {
			t.Errorf("API before: %d partners in %d countries, want 1 in 1", p, c)
		}
		if got := pageFigures(t, f, "partnership_office", "/partners"); got["partners"] != "1" || got["countries"] != "1" {
			t.Errorf("page before: %v", got)
		}
		status, body := f.apiCall(t, "partnership_office", "POST", "/api/v1/agreements/{agr}/status", `{"status":"terminated"}`)
		if status != http.StatusOK {
			t.Fatalf("terminate: %d %s", status, body)
		}
		if p, c := report(); p != 0 || c != 0 {
			t.Errorf("API after: %d partners in %d countries, want 0 in 0", p, c)
		}
		if got := pageFigures(t, f, "partnership_office", "/partners"); got["partners"] != "0" || got["countries"] != "0" {
			t.Errorf("page after: %v", got)
		}
	})
}

func TestPlacementRefusalsThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	tests := []struct {
		name, body, field string
		want              int
	}{
		{"overlap", `{"person_id":{person},"kind":"internship","agreement_id":{base},"discipline":"medicine","start_on":"2025-04-01","end_on":"2025-05-31"}`, "start_on", 422},
		{"fits", `{"person_id":{surgeon},"kind":"internship","agreement_id":{base},"host_institution_id":{hospital},"discipline":"medicine","start_on":"2025-04-01","end_on":"2025-05-31"}`, "", 201},
		{"over capacity", `{"person_id":{self},"kind":"internship","agreement_id":{base},"host_institution_id":{hospital},"discipline":"medicine","start_on":"2025-09-01","end_on":"2025-10-31"}`, "agreement_id", 422},
		{"end before start", `{"person_id":{self},"kind":"internship","agreement_id":{base},"discipline":"medicine","start_on":"2026-09-01","end_on":"2026-08-31"}`, "end_on", 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.apiCall(t, "partnership_office", "POST", "/api/v1/placements", tt.body)
			if status != tt.want || (tt.field != "" && !strings.Contains(string(body), `"field":"`+tt.field+`"`)) {
				t.Errorf("got %d %s, want %d naming %s", status, body, tt.want, tt.field)
			}
		})
	}
	status, body := f.apiCall(t, "partnership_office", "POST", "/api/v1/placements/{placement}/status", `{"status":"completed"}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"field":"status"`) {
		t.Errorf("planned → completed: %d %s", status, body)
	}
}

func TestDocumentUploadAndDownload(t *testing.T) {
	f := sqliteFixture(t)
	upload := func(name, ctype string, content []byte) *http.Response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
		h.Set("Content-Type", ctype)
		part, _ := mw.CreatePart(h)
		part.Write(content)
		mw.Close()
		return f.do("partnership_office", "POST", "/agreements/{agr}/documents", mw.FormDataContentType(), buf.String())
	}
	resp := upload("fake.pdf", "application/pdf", []byte("<html>not a pdf</html>"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("html as pdf: %d", resp.StatusCode)
	}
	content := []byte(fixturePDF + "% signed copy\n")
	resp = upload("协议.pdf", "application/pdf", content)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	docs, err := agreement.Documents(context.Background(), f.db, f.ids["agr"])
	if err != nil || len(docs) != 2 {
		t.Fatalf("documents %v %v", docs, err)
	}
	sum := sha256.Sum256(content)
	if docs[1].SHA256 != hex.EncodeToString(sum[:]) || docs[1].Name != "协议.pdf" {
		t.Errorf("stored %+v", docs[1])
	}
	resp = f.do("auditor", "GET", fmt.Sprintf("/agreements/{agr}/documents/%d", docs[1].ID), "", "")
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, content) || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %q %v", got, resp.Header)
	}
}

func TestExpiringFeedAndCSV(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	end := store.Now().AddDate(0, 0, 30).Format(agreement.DateLayout)
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := agreement.Create(ctx, tx, audit.System("test"), agreement.Input{Kind: "partnership",
			NameEN: "Ends soon; with, commas and a name long enough to need folding at seventy-five octets", SignedOn: "2020-01-01",
			StartOn: "2020-01-01", EndOn: end, Status: "active", PartyIDs: []int64{f.ids["home"], f.ids["far"]}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	resp := f.do("partnership_office", "GET", "/agreements/expiring.ics", "", "")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	ics := string(body)
	if resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" || !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") ||
		strings.Count(ics, "BEGIN:VEVENT") != 1 || !strings.Contains(ics, "DTSTART;VALUE=DATE:"+strings.ReplaceAll(end, "-", "")) ||
		!strings.Contains(ics, `Ends soon\; with\, commas`) {
		t.Errorf("feed:\n%s", ics)
	}
	for _, line := range strings.Split(ics, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	resp = f.do("partnership_office", "GET", "/partners.csv", "", "")
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); len(lines) != 3 || !strings.Contains(string(body), "Other University") {
		t.Errorf("csv:\n%s", body)
	}
}

// TestPlacementTransitionsByRole: only the admin and the partnership office
// move a placement, and only planned → active → completed or to withdrawn.
func TestPlacementTransitionsByRole(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	path := map[string][]string{"planned": nil, "active": {"active"}, "completed": {"active", "completed"}, "withdrawn": {"withdrawn"}}
	allowed := map[string]string{"planned": "active withdrawn", "active": "completed withdrawn"}
	year := 2100
	for _, role := range authzRoles {
		for from, steps := range path {
			for _, to := range placement.Statuses {
				year++
				var p placement.Placement
				err := f.db.InTx(ctx, func(tx *store.Tx) error {
					var err error
					p, err = placement.Create(ctx, tx, audit.System("test"), placement.Input{PersonID: f.ids["surgeon"], Kind: "further_study",
						HostInstitutionID: f.ids["hospital"], StartOn: fmt.Sprintf("%d-01-01", year), EndOn: fmt.Sprintf("%d-06-30", year)})
					for _, s := range steps {
						if err == nil {
							_, err = placement.Transition(ctx, tx, audit.System("test"), p.ID, s)
						}
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				resp := f.do(role, "POST", fmt.Sprintf("/api/v1/placements/%d/status", p.ID), "application/json", `{"status":"`+to+`"}`)
				resp.Body.Close()
				want := http.StatusForbidden
				switch {
				case role == "anonymous":
					want = http.StatusUnauthorized
				case role != "admin" && role != "partnership_office":
				case strings.Contains(allowed[from], to):
					want = http.StatusOK
				default:
					want = http.StatusUnprocessableEntity
				}
				if resp.StatusCode != want {
					t.Errorf("%s: %s → %s: got %d, want %d", role, from, to, resp.StatusCode, want)
				}
			}
		}
	}
}

// TestAgreementEditKeepsContacts: the edit form changes what it shows and
// keeps the contacts, which it does not show.
func TestAgreementEditKeepsContacts(t *testing.T) {
	f := sqliteFixture(t)
	resp := f.do("partnership_office", "GET", "/agreements/{agr}/edit", "", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `action="/agreements/`+f.path("{agr}")+`"`) {
		t.Fatalf("edit page: %d", resp.StatusCode)
	}
	status, before := f.apiCall(t, "partnership_office", "GET", "/api/v1/agreements/{agr}", "")
	if status != 200 {
		t.Fatal(status)
	}
	var a struct {
		NameEN   string            `json:"name_en"`
		SignedOn string            `json:"signed_on"`
		StartOn  string            `json:"start_on"`
		EndOn    string            `json:"end_on"`
		Kind     string            `json:"kind"`
		Contacts []json.RawMessage `json:"contacts"`
		Parties  []struct {
			InstitutionID int64 `json:"institution_id"`
		} `json:"parties"`
	}
	if err := json.Unmarshal(before, &a); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"kind": {a.Kind}, "name_en": {"Renamed agreement"}, "signed_on": {a.SignedOn}, "start_on": {a.StartOn}, "end_on": {a.EndOn}}
	for _, p := range a.Parties {
		form.Add("party_ids", strconv.FormatInt(p.InstitutionID, 10))
	}
	r, body := f.postForm(t, f.session("partnership_office"), "/agreements/{agr}", form, nil)
	if r.StatusCode != 303 {
		t.Fatalf("save edit: %d %s", r.StatusCode, body)
	}
	_, after := f.apiCall(t, "partnership_office", "GET", "/api/v1/agreements/{agr}", "")
	var b2 struct {
		NameEN   string            `json:"name_en"`
		Contacts []json.RawMessage `json:"contacts"`
	}
	json.Unmarshal(after, &b2)
	if len(a.Contacts) == 0 {
		t.Fatal("the fixture agreement has no contacts to keep")
	}
	if b2.NameEN != "Renamed agreement" || len(b2.Contacts) != len(a.Contacts) {
		t.Errorf("after the edit: %q with %d contacts, want the new name and %d contacts", b2.NameEN, len(b2.Contacts), len(a.Contacts))
	}
}
