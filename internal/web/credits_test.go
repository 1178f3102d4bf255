package web_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func TestCreditFileThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	// The office posts a manual credit; the figure follows on the file.
	status, body := f.apiCall(t, "education_office", "POST", "/api/v1/people/{person}/credits",
		`{"credit_year":2026,"class":"II","category":"outside_cme","amount":"3.5","hours":"10","reason":"certificate of the provincial congress"}`)
	if status != 201 {
		t.Fatalf("manual credit: %d %s", status, body)
	}
	var file struct {
		Transcript struct {
			Totals []struct {
				Year   int    `json:"year"`
				Class  string `json:"class"`
				Amount int64  `json:"amount"`
			} `json:"totals"`
		} `json:"transcript"`
	}
	classTotal := func(class string) int64 {
		_, body := f.apiCall(t, "education_office", "GET", "/api/v1/people/{person}/credits?year=2026", "")
		file.Transcript.Totals = nil
		if err := json.Unmarshal(body, &file); err != nil {
			t.Fatal(err)
		}
		for _, tot := range file.Transcript.Totals {
			if tot.Year == 2026 && tot.Class == class {
				return tot.Amount
			}
		}
		return 0
	}
	if got := classTotal("II"); got != 350 {
		t.Errorf("Class II after the manual credit: %d, want 350", got)
	}
	if got := classTotal("I"); got != 300 {
		t.Errorf("Class I from the fixture's two entries: %d, want 300", got)
	}
	// Reversing one entry takes it off the total; a second reversal is refused.
	status, body = f.apiCall(t, "education_office", "POST", "/api/v1/credits/{entry}/reverse", `{"reason":"wrong person"}`)
	if status != 201 || !strings.Contains(string(body), `"amount":-200`) {
		t.Fatalf("reverse: %d %s", status, body)
	}
	if got := classTotal("I"); got != 100 {
		t.Errorf("Class I after reversing 2.00: %d, want 100", got)
	}
	if status, _ := f.apiCall(t, "education_office", "POST", "/api/v1/credits/{entry}/reverse", `{"reason":"again"}`); status != 409 {
		t.Errorf("second reversal: %d, want 409", status)
	}
	// Bad input names the field.
	status, body = f.apiCall(t, "education_office", "POST", "/api/v1/people/{person}/credits",
		`{"credit_year":2026,"class":"I","category":"x","amount":"2.555","reason":"r"}`)
	if status != 422 || !strings.Contains(string(body), `"field":"amount"`) {
		t.Errorf("three decimals: %d %s", status, body)
	}
}

func TestRuleSetsThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	status, body := f.apiCall(t, "admin", "POST", "/api/v1/rules-assignments", `{"institution_id":{home},"from_year":2026,"profile_id":"cn-2024"}`)
	if status != 201 {
		t.Fatalf("assign: %d %s", status, body)
	}
	// The doctor's hospital inherits the university's 2024 rules for 2026.
	_, body = f.apiCall(t, "education_office", "GET", "/api/v1/people/{person}/credits?year=2026", "")
	if !strings.Contains(string(body), `"profile":"cn-2024"`) {
		t.Errorf("credit file after the assignment: %s", body)
	}
	_, body = f.apiCall(t, "education_office", "GET", "/api/v1/people/{person}/credits?year=2025", "")
	if !strings.Contains(string(body), `"profile":"cn-2006"`) {
		t.Errorf("2025 keeps the default: %s", body)
	}
	status, body = f.apiCall(t, "admin", "PUT", "/api/v1/rules/cn-2024", `{"id":"cn-2024","requirements":[]}`)
	if status != 422 || !strings.Contains(string(body), "requirements") {
		t.Errorf("a rule set without requirements: %d %s", status, body)
	}
}

func TestComplianceDashboardAndExport(t *testing.T) {
	f := sqliteFixture(t)
	count := func(role string) (map[string]int, int) {
		_, body := f.apiCall(t, role, "GET", "/api/v1/compliance?year=2026", "")
		var d struct {
			Counts   map[string]int `json:"counts"`
			Everyone int            `json:"everyone"`
		}
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		return d.Counts, d.Everyone
	}
	_, office := count("education_office")
	_, reviewer := count("department_reviewer")
	_, admin := count("admin")
	if office < 3 || reviewer >= office || admin <= office {
		t.Errorf("everyone: office %d, reviewer %d, admin %d; want the reviewer's department inside the office's university inside the admin's all", office, reviewer, admin)
	}
	resp := f.do("education_office", "GET", "/compliance.csv?year=2026", "", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), "张伟") || !strings.Contains(string(b), "yearly_total") {
		t.Errorf("CSV export: %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
}

func TestHistoricImportNamesEveryBadRow(t *testing.T) {
	f := sqliteFixture(t)
	status, body := f.apiCall(t, "education_office", "POST", "/api/v1/credits/import",
		`{"entries":[{"person_id":{person},"credit_year":2012,"class":"I","category":"national_project","amount":"2","hours":"6"},
		{"person_id":{otherperson},"credit_year":2012,"class":"I","category":"national_project","amount":"x"}]}`)
	if status != 422 || !strings.Contains(string(body), `"row":2`) || !strings.Contains(string(body), `"field":"person_id"`) || !strings.Contains(string(body), `"field":"amount"`) {
		t.Fatalf("bad import: %d %s", status, body)
	}
	status, body = f.apiCall(t, "education_office", "POST", "/api/v1/credits/import",
		`{"entries":[{"person_id":{person},"credit_year":2012,"class":"I","category":"national_project","amount":"2","hours":"6","evidence":"2012 register #17"}]}`)
	if status != 201 || !strings.Contains(string(body), `"posted":1`) {
		t.Fatalf("good import: %d %s", status, body)
	}
}
