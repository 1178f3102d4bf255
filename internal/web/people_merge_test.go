package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMergeFromThePersonPage: the office folds the surgeon's record into
// the doctor's from the surgeon's page; the old address then leads to the
// kept record, a second merge is refused naming the field, and the merged
// record leaves the people list.
func TestMergeFromThePersonPage(t *testing.T) {
	f := sqliteFixture(t)
	resp := f.do("education_office", "GET", "/people/{surgeon}", "", "")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), f.path(`action="/people/{surgeon}/merge"`)) {
		t.Fatalf("office's view of a person: %d, merge form shown %v", resp.StatusCode, strings.Contains(string(body), "/merge"))
	}
	form := url.Values{"into": {f.path("{person}")}, "reason": {"registered twice"}}.Encode()
	resp = f.do("education_office", "POST", "/people/{surgeon}/merge", "application/x-www-form-urlencoded", form)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, f.path("/people/{person}?")) {
		t.Fatalf("merge: %d to %q, want 303 to the kept record", resp.StatusCode, loc)
	}
	for _, path := range []string{"/people/{surgeon}", "/people/{surgeon}/credits"} {
		resp = f.do("education_office", "GET", path, "", "")
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(loc, f.path(strings.Replace(path, "{surgeon}", "{person}", 1))) {
			t.Errorf("GET %s after the merge: %d to %q, want 301 to the kept record", path, resp.StatusCode, loc)
		}
	}
	resp = f.do("education_office", "POST", "/people/{surgeon}/merge", "application/x-www-form-urlencoded", form)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "already merged") && !strings.Contains(string(body), "已并入") {
		t.Errorf("second merge: %d, want 422 saying it was already merged", resp.StatusCode)
	}
	status, list := f.apiCall(t, "education_office", "GET", "/api/v1/people?q=刘洋", "")
	if status != http.StatusOK || strings.Contains(string(list), "刘洋") {
		t.Errorf("people list after the merge: %d %s, want the merged record gone", status, list)
	}
}

// TestMergeAPIStaysInScope: a record outside the office's institutions
// cannot be the one kept, and the answer does not tell whether it exists.
func TestMergeAPIStaysInScope(t *testing.T) {
	f := sqliteFixture(t)
	status, body := f.apiCall(t, "education_office", "POST", "/api/v1/people/{surgeon}/merge", `{"into": {otherperson}, "reason": "same person"}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"into"`) {
		t.Errorf("merge into a record outside the scope: %d %s, want 422 on into", status, body)
	}
	status, body = f.apiCall(t, "admin", "POST", "/api/v1/people/{surgeon}/merge", `{"into": {person}, "reason": "same person"}`)
	var res struct {
		From, Into int64
		Closing    int64 `json:"closing_entry"`
	}
	if err := json.Unmarshal(body, &res); status != http.StatusOK || err != nil || res.Into != f.ids["person"] || res.Closing == 0 {
		t.Errorf("admin's merge: %d %s", status, body)
	}
	status, body = f.apiCall(t, "admin", "POST", "/api/v1/people/{surgeon}/credits",
		`{"credit_year": 2026, "class": "II", "category": "manual", "amount": "1", "reason": "late certificate"}`)
	if status != http.StatusConflict && status != http.StatusUnprocessableEntity {
		t.Errorf("posting a credit to the merged record: %d %s, want a refusal", status, body)
	}
}
