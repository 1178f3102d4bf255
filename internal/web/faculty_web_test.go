package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

func (f *fixture) page(t *testing.T, role, path string) (int, string) {
	t.Helper()
	resp := f.do(role, "GET", path, "", "")
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestFacultyFigures: the fixture's class and delegation give their figures
// on the pages and in the API; removing one contribution takes it out of
// the yearly list, the CSV and the API.
func TestFacultyFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		code, body := f.apiCall(t, "education_office", "GET", "/api/v1/faculty/classes/{class}", "")
		if code != http.StatusOK {
			t.Fatalf("class: %d %s", code, body)
		}
		var cls struct {
			Summary struct {
				Participants, Lecturers, Items, Attendances int
				Outside                                     int `json:"outside_lecturer_institutions"`
			}
		}
		json.Unmarshal(body, &cls)
		if s := cls.Summary; s.Participants != 1 || s.Lecturers != 1 || s.Outside != 1 || s.Items != 1 || s.Attendances != 0 {
			t.Errorf("class figures: got %+v", s)
		}
		call := func(role, method, path, body string) []byte {
			t.Helper()
			code, got := f.apiCall(t, role, method, path, body)
			if code != http.StatusOK {
				t.Fatalf("%s %s: %d %s", method, path, code, got)
			}
			return got
		}
		classFigures := func() string {
			var c struct {
				Summary struct{ Attendances int }
				Cohort  []struct {
					Quarters int `json:"attended_quarters"`
				}
			}
			json.Unmarshal(call("auditor", "GET", "/api/v1/faculty/classes/{class}", ""), &c)
			q := -1
			if len(c.Cohort) == 1 {
				q = c.Cohort[0].Quarters
			}
			return fmt.Sprintf("%d attendances, %d quarters", c.Summary.Attendances, q)
		}
		call("education_office", "PUT", "/api/v1/activities/{class}/attendance", `{"marks":[{"session_id":{class_sess},"person_id":{self},"present":true}]}`)
		if got := classFigures(); got != "1 attendances, 8 quarters" {
			t.Errorf("after marking the learner present: %s", got)
		}
		call("education_office", "PUT", "/api/v1/activities/{class}/attendance", `{"marks":[{"session_id":{class_sess},"person_id":{self},"present":false}]}`)
		if got := classFigures(); got != "0 attendances, 0 quarters" {
			t.Errorf("after removing the attendance: %s", got)
		}
		report := func() map[string]int {
			code, body := f.apiCall(t, "partnership_office", "GET", "/api/v1/faculty/contributions?year=2026", "")
			if code != http.StatusOK {
				t.Fatalf("report: %d %s", code, body)
			}
			var rep struct {
				Conferences, Contributions int
				ByType                     []struct {
					Type  string
					Count int
				} `json:"by_type"`
			}
			json.Unmarshal(body, &rep)
			out := map[string]int{"conferences": rep.Conferences, "contributions": rep.Contributions}
			for _, b := range rep.ByType {
				out[b.Type] = b.Count
			}
			return out
		}
		if got := report(); got["conferences"] != 1 || got["contributions"] != 2 || got["oral"] != 1 || got["poster"] != 1 {
			t.Errorf("2026 contributions: got %v", got)
		}
		_, page := f.page(t, "auditor", "/faculty/contributions?year=2026")
		for _, want := range []string{`data-figure="oral">1<`, `data-figure="poster">1<`, `data-figure="contributions">2<`, "Medical humanities education"} {
			if !strings.Contains(page, want) {
				t.Errorf("contributions page lacks %q", want)
			}
		}
		_, csvText := f.page(t, "education_office", "/faculty/contributions.csv?year=2026")
		if lines := strings.Count(strings.TrimSpace(csvText), "\n"); lines != 2 || !strings.Contains(csvText, "Ms Tan (Other University)") {
			t.Errorf("CSV: %d data lines:\n%s", lines, csvText)
		}
		if code, body := f.apiCall(t, "admin", "DELETE", "/api/v1/faculty/contributions/{contrib2}", ""); code != http.StatusOK {
			t.Fatalf("delete: %d %s", code, body)
		}
		if got := report(); got["contributions"] != 1 || got["poster"] != 0 || got["oral"] != 1 {
			t.Errorf("after removing the poster: got %v", got)
		}
		_, csvText = f.page(t, "education_office", "/faculty/contributions.csv?year=2026")
		if lines := strings.Count(strings.TrimSpace(csvText), "\n"); lines != 1 {
			t.Errorf("CSV after removing the poster: %d data lines", lines)
		}
		if _, page := f.page(t, "education_office", "/faculty/classes/{class}"); !strings.Contains(page, `data-figure="participants">1<`) ||
			!strings.Contains(page, "Prof Guest (Other University)") {
			t.Errorf("class page lacks its figures or schedule")
		}
		if _, page := f.page(t, "learner", "/faculty/mine"); !strings.Contains(page, "骨干教师培训班") || !strings.Contains(page, "医学人文教育") {
			t.Errorf("the learner's own page lacks their class or contribution")
		}
		if _, page := f.page(t, "education_office", "/people/{self}"); !strings.Contains(page, `id="faculty"`) || !strings.Contains(page, "骨干教师培训班") {
			t.Errorf("the person page lacks the faculty section")
		}
	})
}

// TestDelegationRefusalsOverHTTP: each refusal answers 422 naming the field,
// on the page and in the API.
func TestDelegationRefusalsOverHTTP(t *testing.T) {
	f := sqliteFixture(t)
	for _, tc := range []struct {
		name, method, path, body, field, key string
	}{
		{"dates out of order", "POST", "/api/v1/faculty/conferences", `{"kind":"conference","title_zh":"会","title_en":"Conf","institution_id":{home},"director_id":{person},"organiser_en":"S","city":"Yiwu","country":"CN","start_date":"2026-02-02","end_date":"2026-02-01","planned_hours":"8"}`, "end_date", "error.end_before_start"},
		{"member added twice", "POST", "/api/v1/faculty/conferences/{conf}/members", `{"person_id":{person}}`, "person_id", "error.already_member"},
		{"leader not a member", "PUT", "/api/v1/faculty/conferences/{conf}/leader", `{"leader_id":{surgeon}}`, "leader_id", "error.leader_not_member"},
		{"contribution by a non-member", "POST", "/api/v1/faculty/conferences/{conf}/contributions", `{"person_id":{surgeon},"type":"oral","title_zh":"题","title_en":"Title"}`, "person_id", "error.not_member"},
		{"removing the leader", "DELETE", "/api/v1/faculty/conferences/{conf}/members/{self}", "", "person_id", "error.member_is_leader"},
		{"class dates out of order", "POST", "/api/v1/faculty/classes", `{"title_zh":"班","title_en":"Class","institution_id":{home},"director_id":{person},"host_institution_id":{other},"organiser_zh":"中心","start_date":"2025-04-26","end_date":"2025-04-20","planned_hours":"8"}`, "end_date", "error.end_before_start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := f.apiCall(t, "education_office", tc.method, tc.path, tc.body)
			if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"field":"`+tc.field+`"`) || !strings.Contains(string(body), tc.key) {
				t.Errorf("got %d %s, want 422 on %s with %s", code, body, tc.field, tc.key)
			}
		})
	}
	resp := f.do("partnership_office", "POST", "/faculty/conferences/{conf}/members", "application/x-www-form-urlencoded", "person=H003")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("adding the surgeon by staff number: got %d", resp.StatusCode)
	}
	resp = f.do("partnership_office", "POST", "/faculty/conferences/{conf}/members", "application/x-www-form-urlencoded", "person=H003")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Already a member") && !strings.Contains(string(b), "已是代表团成员") {
		t.Errorf("adding the surgeon twice on the page: got %d", resp.StatusCode)
	}
}

// TestFacultyAPIFlow: a delegation and a class recorded end to end through
// the JSON API, each answer checked against the OpenAPI document.
func TestFacultyAPIFlow(t *testing.T) {
	f := sqliteFixture(t)
	call := func(role, method, path, body string, want int) []byte {
		t.Helper()
		code, got := f.apiCall(t, role, method, path, body)
		if code != want {
			t.Fatalf("%s %s as %s: got %d %s, want %d", method, path, role, code, got, want)
		}
		return got
	}
	var created struct{ ID int64 }
	json.Unmarshal(call("partnership_office", "POST", "/api/v1/faculty/conferences", `{"kind":"workshop","title_zh":"联合工作坊","title_en":"Joint workshop",
		"institution_id":{home},"director_id":{person},"organiser_en":"Home University and Other University","start_date":"2025-09-10","end_date":"2025-09-11",
		"planned_hours":"8","partner_institution_id":{other}}`, http.StatusCreated), &created)
	f.ids["ws"] = created.ID
	call("partnership_office", "POST", "/api/v1/faculty/conferences/{ws}/members", `{"person_id":{surgeon}}`, http.StatusCreated)
	call("partnership_office", "POST", "/api/v1/faculty/conferences/{ws}/members", `{"person_id":{otherperson}}`, http.StatusUnprocessableEntity)
	call("partnership_office", "PUT", "/api/v1/faculty/conferences/{ws}/leader", `{"leader_id":{surgeon}}`, http.StatusOK)
	call("partnership_office", "POST", "/api/v1/faculty/conferences/{ws}/contributions", `{"person_id":{surgeon},"type":"workshop",
		"title_zh":"领导力","title_en":"Leadership","co_authors":[{"person_id":{person}},{"name":"Dr Lim","institution":"Other University"}]}`, http.StatusCreated)
	var detail struct {
		Conference struct {
			LeaderID  int64 `json:"leader_id"`
			PartnerID int64 `json:"partner_institution_id"`
		}
		Members       []struct{ Role string }
		Contributions []struct {
			CoAuthors []struct{ Name string } `json:"co_authors"`
		}
	}
	json.Unmarshal(call("auditor", "GET", "/api/v1/faculty/conferences/{ws}", "", http.StatusOK), &detail)
	if detail.Conference.LeaderID != f.ids["surgeon"] || detail.Conference.PartnerID != f.ids["other"] || len(detail.Members) != 1 ||
		detail.Members[0].Role != "presenter" || len(detail.Contributions) != 1 || len(detail.Contributions[0].CoAuthors) != 2 ||
		detail.Contributions[0].CoAuthors[0].Name != "张伟" {
		t.Errorf("workshop: got %+v", detail)
	}
	var rep struct {
		ByType []struct {
			Type  string
			Count int
		} `json:"by_type"`
	}
	json.Unmarshal(call("education_office", "GET", "/api/v1/faculty/contributions?year=2025", "", http.StatusOK), &rep)
	for _, b := range rep.ByType {
		if want := map[bool]int{true: 1, false: 0}[b.Type == "workshop"]; b.Count != want {
			t.Errorf("2025 %s: got %d, want %d", b.Type, b.Count, want)
		}
	}
	json.Unmarshal(call("education_office", "POST", "/api/v1/faculty/classes", `{"title_zh":"新教师培训班","title_en":"New teachers' class",
		"institution_id":{hospital},"director_id":{person},"host_institution_id":{home},"organiser_zh":"教师发展中心","start_date":"2025-07-01",
		"end_date":"2025-07-03","planned_hours":"12"}`, http.StatusCreated), &created)
	f.ids["newclass"] = created.ID
	call("education_office", "PUT", "/api/v1/faculty/classes/{newclass}", `{"title_zh":"新教师培训班","title_en":"New teachers' class",
		"institution_id":{hospital},"director_id":{person},"host_institution_id":{home},"organiser_zh":"教师发展中心","theme_en":"Teaching basics",
		"start_date":"2025-07-01","end_date":"2025-07-03","planned_hours":"12"}`, http.StatusOK)
	var cls struct {
		Class struct {
			ThemeEN string `json:"theme_en"`
			Kind    string
		}
	}
	json.Unmarshal(call("auditor", "GET", "/api/v1/faculty/classes/{newclass}", "", http.StatusOK), &cls)
	if cls.Class.ThemeEN != "Teaching basics" || cls.Class.Kind != "training_class" {
		t.Errorf("class: got %+v", cls)
	}
	call("education_office", "POST", "/api/v1/faculty/classes", `{"title_zh":"班","title_en":"Class","institution_id":{other},"director_id":{person},
		"host_institution_id":{home},"organiser_zh":"中心","start_date":"2025-07-01","end_date":"2025-07-03","planned_hours":"12"}`, http.StatusForbidden)
}

// TestClassForm: the class form saves good input and shows each refusal
// next to its field.
func TestClassForm(t *testing.T) {
	f := sqliteFixture(t)
	form := func(start, end string) string {
		v := url.Values{"title_zh": {"骨干教师培训班"}, "title_en": {"Backbone teachers' class"}, "institution_id": {f.path("{home}")},
			"director_id": {f.path("{person}")}, "host_institution_id": {f.path("{other}")}, "organiser_zh": {"教师发展中心"},
			"theme_en": {"Teaching"}, "level": {"none"}, "start_date": {start}, "end_date": {end}, "planned_hours": {"2"}, "min_attendance_pct": {"80"}}
		return v.Encode()
	}
	resp := f.do("education_office", "POST", "/faculty/classes/{class}", "application/x-www-form-urlencoded", form("2025-04-20", "2025-04-26"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("saving the class: got %d", resp.StatusCode)
	}
	if _, page := f.page(t, "education_office", "/faculty/classes/{class}"); !strings.Contains(page, "Teaching") {
		t.Errorf("the saved theme is not shown")
	}
	resp = f.do("education_office", "POST", "/faculty/classes", "application/x-www-form-urlencoded", form("2025-04-26", "2025-04-20"))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `class="field-error"`) {
		t.Errorf("dates out of order: got %d", resp.StatusCode)
	}
}
