package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meded/meded/internal/furtherstudy"
	"github.com/meded/meded/internal/ledger"
)

// The whole stay through the API, each step by the role that takes it:
// the department's reviewer approves, the office accepts with a supervisor
// of the department and records arrival, the supervisor evaluates a month,
// the office completes, and the credits reach the trainee's ledger.
func TestFurtherStudyThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	steps := []struct {
		role, path, body string
		want             int
		check            string
	}{
		{"department_reviewer", "/api/v1/further-study/{fs}/department-review", `{"approve":true,"comment":"we have room"}`, 200, `"status":"department_approved"`},
		{"education_office", "/api/v1/further-study/{fs}/accept", `{"start_on":"2025-09-01","end_on":"2026-02-28","supervisor_id":{person}}`, 200, `"status":"accepted"`},
		{"education_office", "/api/v1/further-study/{fs}/arrive", `{"arrived_on":"2025-09-01"}`, 200, `"status":"arrived"`},
		{"fs_supervisor", "/api/v1/further-study/{fs}/evaluations", `{"month":"2025-09","score":86,"comment":"careful"}`, 201, `"month":"2025-09"`},
		{"department_reviewer", "/api/v1/further-study/{fs}/evaluations", `{"month":"2025-10","score":88}`, 201, `"score":88`},
		{"education_office", "/api/v1/further-study/{fs}/complete", `{"completed_on":"2026-02-28","score":90,"comment":"passed"}`, 200, `"credits":3000`},
	}
	for _, s := range steps {
		status, body := f.apiCall(t, s.role, "POST", s.path, s.body)
		if status != s.want || !strings.Contains(string(body), s.check) {
			t.Fatalf("%s %s: got %d %s, want %d with %s", s.role, s.path, status, body, s.want, s.check)
		}
	}
	var a furtherstudy.Application
	status, body := f.apiCall(t, "education_office", "GET", "/api/v1/further-study/{fs}", "")
	if err := json.Unmarshal(body, &a); status != 200 || err != nil {
		t.Fatalf("get: %d %s", status, body)
	}
	if a.MonthsCompleted != 6 || !a.FullYear || a.CreditYear != 2026 || !strings.Contains(a.CreditExplanation, "6 months × 5") {
		t.Errorf("completed: got %+v", a)
	}
	entries, err := ledger.Entries(context.Background(), f.db, f.ids["otherperson"], 2026, 2026)
	var posted []ledger.Entry
	for _, e := range entries {
		if e.SourceRef == furtherstudy.SourceRef(a.ID) {
			posted = append(posted, e)
		}
	}
	if err != nil || len(posted) != 1 || posted[0].Amount != 3000 || posted[0].Source != "further_study" || posted[0].Category != "further_study" {
		t.Errorf("ledger: got %+v, %v", posted, err)
	}
	status, body = f.apiCall(t, "department_reviewer", "GET", "/api/v1/further-study?status=completed&year=2025", "")
	if status != 200 || !strings.Contains(string(body), `"total":1`) {
		t.Errorf("list: %d %s", status, body)
	}
	status, body = f.apiCall(t, "auditor", "GET", "/api/v1/further-study/{fs}/evaluations", "")
	if status != 200 || strings.Count(string(body), `"month"`) != 2 {
		t.Errorf("evaluations: %d %s", status, body)
	}
}

// Every refusal reaches the caller as a field error with a message.
func TestFurtherStudyRefusalsThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	// The trainee accepted for 2099 applies to Surgery too; the admin reviews it for Surgery.
	status, body := f.apiCall(t, "education_office", "POST", "/api/v1/further-study",
		`{"person_id":{fs_accepted_person},"host_department_id":{dept_surgery},"months":3,"wish_start_on":"2099-02-01"}`)
	var clash furtherstudy.Application
	if err := json.Unmarshal(body, &clash); status != 201 || err != nil {
		t.Fatalf("office enters an application: %d %s", status, body)
	}
	f.ids["fs_clash"] = clash.ID
	if status, body := f.apiCall(t, "admin", "POST", "/api/v1/further-study/{fs_clash}/department-review", `{"approve":true}`); status != 200 {
		t.Fatalf("review: %d %s", status, body)
	}
	tests := []struct {
		name, role, path, body, field, message string
		want                                   int
	}{
		{"months out of range", "learner", "/api/v1/further-study", `{"host_department_id":{fs_dept_out},"months":13,"wish_start_on":"2027-01-01"}`, "months", "1 至 12 个月", 422},
		{"dates out of order", "education_office", "/api/v1/further-study/{fs_approved}/accept", `{"start_on":"2027-06-01","end_on":"2027-03-01","supervisor_id":{person}}`, "end_on", "", 422},
		{"supervisor not in the host department", "education_office", "/api/v1/further-study/{fs_approved}/accept", `{"start_on":"2027-03-01","end_on":"2027-05-31","supervisor_id":{surgeon}}`, "supervisor_id", "带教老师须为接收科室人员", 422},
		{"trainee placed elsewhere", "education_office", "/api/v1/further-study/{fs_clash}/accept", `{"start_on":"2099-02-01","end_on":"2099-04-30","supervisor_id":{surgeon}}`, "start_on", "2099-01-01 至 2099-03-31 已有安排", 422},
		{"completion before arrival", "education_office", "/api/v1/further-study/{fs_accepted}/complete", `{"completed_on":"2099-03-31","score":80}`, "status", "尚未报到", 422},
		{"month outside the stay", "education_office", "/api/v1/further-study/{fs_arrived}/evaluations", `{"month":"2025-12","score":80}`, "month", "不在其中", 422},
		{"evaluating a month", "education_office", "/api/v1/further-study/{fs_arrived}/evaluations", `{"month":"2026-02","score":80}`, "", "", 201},
		{"duplicate monthly evaluation", "department_reviewer", "/api/v1/further-study/{fs_arrived}/evaluations", `{"month":"2026-02","score":70}`, "month", "2026-02 已有考核记录", 422},
		{"reviewer of another department", "department_reviewer", "/api/v1/further-study/{fs_surgery}/department-review", `{"approve":true}`, "", "", 404},
		{"supervisor cannot accept", "fs_supervisor", "/api/v1/further-study/{fs_approved}/accept", `{"start_on":"2027-03-01","end_on":"2027-05-31","supervisor_id":{person}}`, "", "", 403},
		{"trainee cannot withdraw after arrival", "fs_supervisor", "/api/v1/further-study/{fs_arrived}/withdraw", `{"comment":"x"}`, "", "", 403},
		{"rejecting", "education_office", "/api/v1/further-study/{fs_approved}/reject", `{"comment":"no places left"}`, "", "", 200},
		{"accepting a rejected application", "education_office", "/api/v1/further-study/{fs_approved}/accept", `{"start_on":"2027-03-01","end_on":"2027-05-31","supervisor_id":{person}}`, "status", "状态为 rejected 的申请不能变为 accepted", 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.apiCall(t, tt.role, "POST", tt.path, tt.body)
			if status != tt.want || (tt.field != "" && !strings.Contains(string(body), `"field":"`+tt.field+`"`)) ||
				!strings.Contains(string(body), tt.message) {
				t.Errorf("got %d %s, want %d naming %s with %q", status, body, tt.want, tt.field, tt.message)
			}
		})
	}
	// The refused acceptance left the application as it was, with no placement.
	got, err := furtherstudy.Get(context.Background(), f.db, clash.ID)
	if err != nil || got.Status != furtherstudy.DepartmentApproved || got.PlacementID != 0 {
		t.Errorf("after the refusal: %+v, %v", got, err)
	}
}

// The office's form shows a refused acceptance again with the field named.
func TestFurtherStudyFormRefusalNamesTheField(t *testing.T) {
	f := sqliteFixture(t)
	form := url.Values{"start_on": {"2027-03-01"}, "end_on": {"2027-05-31"}, "supervisor_id": {f.path("{surgeon}")}}
	resp := f.do("education_office", "POST", "/further-study/{fs_approved}/accept", "application/x-www-form-urlencoded", form.Encode())
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "带教老师: 带教老师须为接收科室人员") {
		t.Errorf("got %d %s", resp.StatusCode, b)
	}
	// The learner withdraws their open application, applies again for
	// themself and finds both applications in their list.
	resp = f.do("learner", "POST", "/further-study/{fs_own}/withdraw", "application/x-www-form-urlencoded", "comment=later")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	form = url.Values{"host_department_id": {f.path("{fs_dept_out}")}, "months": {"4"}, "wish_start_on": {"2028-03-01"}, "purpose": {"ultrasound"}}
	resp = f.do("learner", "POST", "/further-study/apply", "application/x-www-form-urlencoded", form.Encode())
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d", resp.StatusCode)
	}
	resp = f.do("learner", "GET", "/further-study", "", "")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Count(string(b), `href="/further-study/`) < 2 || !strings.Contains(string(b), "李娜") {
		t.Errorf("learner's list: %s", b)
	}
	for _, p := range []string{"/further-study", "/further-study/{fs_arrived}", "/further-study/{fs_approved}", "/further-study/new?q=王",
		"/further-study/report", "/further-study/apply"} {
		role := "admin"
		if p == "/further-study/apply" {
			role = "learner"
		}
		resp := f.do(role, "GET", p, "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Contains(string(b), "style=") || strings.Contains(string(b), "onclick") {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	// The acceptance form offers the host's bases in force, not a number to type.
	page := readAll(t, f.do("admin", "GET", "/further-study/{fs_approved}", "", ""))
	bases, _, _ := strings.Cut(page[strings.Index(page, `<select id="ac_agr"`)+1:], "</select>")
	if !strings.Contains(bases, f.path(`<option value="{base}">`)) || strings.Contains(bases, f.path(`<option value="{agr_out}">`)) {
		t.Errorf("the acceptance form should offer the hospital's base and nothing the hospital is no party to: %s", bases)
	}
}

// The report counts the trainees who arrived in the year, from the
// records: in the fixture one trainee arrived in 2026; completing a second
// stay in 2026 adds one; removing a record takes it away again.
func TestFurtherStudyReportFollowsTheData(t *testing.T) {
	f := sqliteFixture(t)
	report := func() furtherstudy.Report {
		t.Helper()
		status, body := f.apiCall(t, "education_office", "GET", "/api/v1/reports/further-study?year=2026", "")
		var r furtherstudy.Report
		if err := json.Unmarshal(body, &r); status != 200 || err != nil {
			t.Fatalf("report: %d %s", status, body)
		}
		return r
	}
	if r := report(); r.Trainees != 1 || r.InProgress != 1 || len(r.ByDepartment) != 1 || r.ByDepartment[0].Key != f.path("{dept}") {
		t.Fatalf("fixture 2026: %+v", r)
	}
	for _, s := range []struct{ role, path, body string }{
		{"department_reviewer", "/api/v1/further-study/{fs}/department-review", `{"approve":true}`},
		{"education_office", "/api/v1/further-study/{fs}/accept", `{"start_on":"2026-03-01","end_on":"2026-05-31","supervisor_id":{person}}`},
		{"education_office", "/api/v1/further-study/{fs}/arrive", `{}`},
		{"education_office", "/api/v1/further-study/{fs}/complete", `{"score":75}`},
	} {
		if status, body := f.apiCall(t, s.role, "POST", s.path, s.body); status != 200 {
			t.Fatalf("%s: %d %s", s.path, status, body)
		}
	}
	r := report()
	if r.Trainees != 2 || r.Completed != 1 || r.Months != 3+11 || r.Credits != 1500 {
		t.Errorf("after completing {fs}: %+v", r)
	}
	// The page and the CSV show the same figure.
	resp := f.do("education_office", "GET", "/further-study/report?year=2026", "", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "2026 年共接收进修人员 2 名") {
		t.Errorf("report page: %s", b)
	}
	resp = f.do("education_office", "GET", "/further-study/report.csv?year=2026", "", "")
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) < 2 || strings.Join(rows[1], ",") != "2026,total,,,,2,14" {
		t.Errorf("csv: %v %v", rows, err)
	}
	if _, err := f.db.Exec(context.Background(), `DELETE FROM further_study_applications WHERE id = ?`, f.ids["fs_arrived"]); err != nil {
		t.Fatal(err)
	}
	if r := report(); r.Trainees != 1 || r.InProgress != 0 || r.Months != 3 {
		t.Errorf("after removing {fs_arrived}: %+v", r)
	}
}

// Each reviewer of the work sees what waits for them: the department's
// reviewer the submitted application to their department, the office the
// approved, accepted and studying ones of its hosts.
func TestFurtherStudyWaitingWork(t *testing.T) {
	f := sqliteFixture(t)
	for _, c := range []struct {
		role    string
		want    []string
		notWant []string
	}{
		{"department_reviewer", []string{"1 份申请待科室审核"}, []string{"待录取"}},
		{"education_office", []string{"1 份科室已同意", "1 人已录取", "1 人在修"}, []string{"待科室审核"}},
		{"learner", nil, []string{"待办"}},
	} {
		resp := f.do(c.role, "GET", "/further-study", "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range c.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: no %q", c.role, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(string(b), w) {
				t.Errorf("%s: unexpected %q", c.role, w)
			}
		}
	}
}
