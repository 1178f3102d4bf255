package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/store/storetest"
)

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
		Fields  []struct {
			Field, Key, Message string
		} `json:"fields"`
	} `json:"error"`
}

func TestPeopleThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// A bad person: every problem names its field.
		status, body := f.apiCall(t, "education_office", "POST", "/api/v1/people",
			`{"name_zh":"","institution_id":{hospital},"email":"not-an-email","national_id":"123"}`)
		if status != 422 {
			t.Fatalf("invalid person: status %d, want 422: %s", status, body)
		}
		var e apiError
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatal(err)
		}
		fields := map[string]bool{}
		for _, fe := range e.Error.Fields {
			fields[fe.Field] = true
			if fe.Message == "" || fe.Message == fe.Key {
				t.Errorf("field %s: message %q is not translated", fe.Field, fe.Message)
			}
		}
		for _, want := range []string{"name_zh", "email", "national_id"} {
			if !fields[want] {
				t.Errorf("errors %+v do not name field %s", e.Error.Fields, want)
			}
		}
		// Nothing was written.
		status, body = f.apiCall(t, "education_office", "GET", "/api/v1/people?q=not-an-email", "")
		if status != 200 || !strings.Contains(string(body), `"total":0`) {
			t.Errorf("after a refused create: %d %s, want no match", status, body)
		}

		status, body = f.apiCall(t, "education_office", "POST", "/api/v1/people",
			`{"name_zh":"赵敏","name_en":"Zhao Min","institution_id":{hospital},"department_id":{dept},"category":"nurse","title":"intermediate","staff_number":"H777","phone":"13800138000","national_id":"11010519491231002X"}`)
		if status != 201 {
			t.Fatalf("create person: %d %s", status, body)
		}
		var created struct {
			ID         int64  `json:"id"`
			NationalID string `json:"national_id"`
		}
		json.Unmarshal(body, &created)
		if created.NationalID != "11010519491231002X" {
			t.Errorf("the office sees national_id %q, want it in full", created.NationalID)
		}
		f.ids["new"] = created.ID
		// A project director reads the person but not the full ID number.
		_, body = f.apiCall(t, "project_director", "GET", "/api/v1/people/{new}", "")
		if !strings.Contains(string(body), `"national_id":"**************002X"`) {
			t.Errorf("director sees %s, want the ID masked to its last four", body)
		}
		// Pinyin search finds 赵敏 by "zhao", by initials and in Chinese.
		for _, q := range []string{"zhao", "zm", "赵", "h777"} {
			_, body = f.apiCall(t, "education_office", "GET", "/api/v1/people?q="+q, "")
			if !strings.Contains(string(body), `"name_zh":"赵敏"`) {
				t.Errorf("search %q: %s, want 赵敏", q, body)
			}
		}
		// The change is in the audit log, with the ID number masked.
		_, body = f.apiCall(t, "education_office", "GET", "/api/v1/audit?entity=person&entity_id={new}", "")
		if !strings.Contains(string(body), `"action":"create"`) || strings.Contains(string(body), "11010519491231002X") {
			t.Errorf("audit log: %s, want a create entry without the full ID number", body)
		}
		// Duplicate staff number: refused, naming the field.
		status, body = f.apiCall(t, "education_office", "POST", "/api/v1/people",
			`{"name_zh":"赵敏","institution_id":{hospital},"staff_number":"H777"}`)
		if status != 422 || !strings.Contains(string(body), `"field":"staff_number"`) {
			t.Errorf("duplicate staff number: %d %s", status, body)
		}
	})
}

func TestErrorsSpeakTheCallersLanguage(t *testing.T) {
	f := sqliteFixture(t)
	for lang, want := range map[string]string{"en": "Enter a Chinese or an English name.", "zh-CN": "请填写中文名或英文名。"} {
		status, body := f.apiCallLang(t, "education_office", lang, "POST", "/api/v1/institutions/{hospital}/departments", `{"name_zh":"","name_en":""}`)
		var e apiError
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatal(err)
		}
		if status != 422 || e.Error.Field != "name_zh" || !strings.Contains(e.Error.Message, want) {
			t.Errorf("%s: %d %+v, want 422 naming name_zh with %q", lang, status, e.Error, want)
		}
	}
}

func TestDepartmentReviewerReadsOwnDepartmentOnly(t *testing.T) {
	f := sqliteFixture(t)
	_, body := f.apiCall(t, "department_reviewer", "GET", "/api/v1/people", "")
	if !strings.Contains(string(body), "张伟") || !strings.Contains(string(body), "李娜") || strings.Contains(string(body), "刘洋") {
		t.Errorf("reviewer of Medicine lists %s, want 张伟 and 李娜 but not 刘洋 of Surgery", body)
	}
	if status, _ := f.apiCall(t, "department_reviewer", "GET", "/api/v1/people/{surgeon}", ""); status != 404 {
		t.Errorf("reviewer reads a surgeon: %d, want 404", status)
	}
	// The office of the whole university reads both departments.
	_, body = f.apiCall(t, "education_office", "GET", "/api/v1/people?institution_id={hospital}", "")
	if !strings.Contains(string(body), "刘洋") || !strings.Contains(string(body), "张伟") {
		t.Errorf("office lists %s, want the people of both departments", body)
	}
}
