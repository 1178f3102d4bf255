package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/completion"
	"github.com/meded/meded/internal/enrolment"
	"github.com/meded/meded/internal/review"
	"github.com/meded/meded/internal/session"
	"github.com/meded/meded/internal/store"
)

// closedActivity adds a closed activity next year where the fixture's two
// hospital people completed (both attended its one session).
func closedActivity(t *testing.T, f *fixture) (year int, activityID, sessionID int64) {
	t.Helper()
	ctx := context.Background()
	sys := audit.System("test")
	year = time.Now().In(activity.Zone).Year() + 1
	day := fmt.Sprintf("%d-06-01", year)
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := activity.Create(ctx, tx, sys, activity.Input{Level: "national", TitleZH: "国家级项目", InstitutionID: f.ids["hospital"],
			DirectorID: f.ids["directorp"], PlannedHours: "3", StartDate: day, EndDate: day, MinAttendancePct: 80})
		if err != nil {
			return err
		}
		s, err := session.Create(ctx, tx, sys, a.ID, session.Input{StartsAt: day + "T08:00", EndsAt: day + "T11:00", Venue: "报告厅",
			Format: "surgical_observation", Hours: "3"})
		if err != nil {
			return err
		}
		if _, err := activity.Transition(ctx, tx, sys, a.ID, "submit", ""); err != nil {
			return err
		}
		if _, err := review.Approve(ctx, tx, sys, a.ID, activity.Approval{Code: fmt.Sprintf("%d-04-01-001", year), ApprovingBody: "全国继续医学教育委员会",
			DocumentNumber: "全继委发〔2026〕1号", Credits: "10", Hours: "3"}); err != nil {
			return err
		}
		for _, p := range []string{"person", "self"} {
			if _, err := enrolment.SelfEnrol(ctx, tx, sys, a.ID, f.ids[p]); err != nil {
				return err
			}
		}
		if _, err := activity.Transition(ctx, tx, sys, a.ID, "start", ""); err != nil {
			return err
		}
		activityID, sessionID = a.ID, s.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"person", "self"} {
		code, body := f.apiCall(t, "project_director", "PUT", fmt.Sprintf("/api/v1/activities/%d/attendance", activityID),
			fmt.Sprintf(`{"marks": [{"session_id": %d, "person_id": {%s}, "present": true}]}`, sessionID, p))
		if code != http.StatusOK {
			t.Fatalf("attendance: got %d %s", code, body)
		}
	}
	err = f.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := completion.Close(ctx, tx, sys, activityID, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return year, activityID, sessionID
}

// figures reads a year's national projects and person-times from the API
// and the person-times cell of the page.
func figures(t *testing.T, f *fixture, year int) (national, apiTimes int, page string) {
	t.Helper()
	code, body := f.apiCall(t, "education_office", "GET", "/api/v1/cme/report", "")
	if code != http.StatusOK {
		t.Fatalf("report: got %d", code)
	}
	var rep struct {
		Years []struct {
			Year        int            `json:"year"`
			ByLevel     map[string]int `json:"by_level"`
			PersonTimes int            `json:"person_times"`
		} `json:"years"`
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	for _, y := range rep.Years {
		if y.Year == year {
			national, apiTimes = y.ByLevel["national"], y.PersonTimes
		}
	}
	resp := f.do("education_office", "GET", "/cme/report", "", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	marker := fmt.Sprintf(`data-year="%d" class="person-times">`, year)
	i := strings.Index(string(b), marker)
	if i < 0 {
		t.Fatalf("the report page has no person-times cell for %d", year)
	}
	rest := string(b)[i+len(marker):]
	return national, apiTimes, rest[:strings.Index(rest, "<")]
}

// TestPersonTimesDropByOne: two learners completed a national project, so
// the year shows one national project and 2 person-times on the page and in
// the API; taking back one attendance drops both to 1.
func TestPersonTimesDropByOne(t *testing.T) {
	f := sqliteFixture(t)
	year, activityID, sessionID := closedActivity(t, f)
	national, times, page := figures(t, f, year)
	if national != 1 || times != 2 || page != "2" {
		t.Fatalf("before: got %d national, %d person-times (page %q); want 1, 2, 2", national, times, page)
	}
	code, body := f.apiCall(t, "project_director", "PUT", fmt.Sprintf("/api/v1/activities/%d/attendance", activityID),
		fmt.Sprintf(`{"marks": [{"session_id": %d, "person_id": {self}, "present": false}]}`, sessionID))
	if code != http.StatusOK {
		t.Fatalf("take back attendance: got %d %s", code, body)
	}
	national, times, page = figures(t, f, year)
	if national != 1 || times != 1 || page != "1" {
		t.Errorf("after: got %d national, %d person-times (page %q); want 1, 1, 1", national, times, page)
	}
	e, err := enrolment.Find(context.Background(), f.db, activityID, f.ids["self"])
	if err != nil || e.Status != "not_completed" {
		t.Errorf("the learner's enrolment: got %q (%v), want not_completed", e.Status, err)
	}
}

// TestRefusalsSpeakClearly checks that the refusals reach the sender as
// field errors with a message in their language.
func TestRefusalsSpeakClearly(t *testing.T) {
	f := sqliteFixture(t)
	year := time.Now().In(activity.Zone).Year() + 1
	tests := []struct {
		name, role, method, path, body string
		status                         int
		field, message                 string
	}{
		{"hours not in quarter steps", "project_director", "POST", "/api/v1/activities",
			fmt.Sprintf(`{"level": "institutional", "title_zh": "x", "institution_id": {hospital}, "director_id": {directorp}, "planned_hours": "1.1", "start_date": "%d-03-01", "end_date": "%d-03-02"}`, year, year),
			422, "planned_hours", "quarter"},
		{"session outside the dates", "project_director", "POST", "/api/v1/activities/{act_draft}/sessions",
			`{"starts_at": "2001-01-01T08:00", "ends_at": "2001-01-01T10:00", "venue": "x", "format": "lecture", "hours": "2"}`,
			422, "starts_at", "outside"},
		{"code in the wrong format", "education_office", "POST", "/api/v1/activities/{act_submitted}/approve", `{"code": "12-34"}`,
			422, "code", "format"},
		{"duplicate enrolment", "learner", "POST", "/api/v1/activities/{act_open}/enrol", "", 422, "person_id", "already enrolled"},
		{"rejection without a reason", "education_office", "POST", "/api/v1/activities/{act_submitted}/reject", `{}`, 422, "reason", "required"},
		{"a step out of order", "project_director", "POST", "/api/v1/activities/{act_draft}/start", `{}`, 422, "status", "not possible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.apiCallLang(t, tt.role, "en", tt.method, tt.path, tt.body)
			var e struct {
				Error struct {
					Field   string `json:"field"`
					Message string `json:"message"`
				} `json:"error"`
			}
			json.Unmarshal(body, &e)
			if code != tt.status || e.Error.Field != tt.field || !strings.Contains(strings.ToLower(e.Error.Message), tt.message) {
				t.Errorf("got %d %s, want %d on %s saying %q", code, body, tt.status, tt.field, tt.message)
			}
		})
	}
}

func TestMyTeachingListsOwnSessions(t *testing.T) {
	f := sqliteFixture(t)
	a, err := account.Get(context.Background(), f.db, f.ids["acct"])
	if err != nil {
		t.Fatal(err)
	}
	f.logins["h001"] = a // the account of 张伟, who lectures at the fixture's session
	for role, want := range map[string]bool{"h001": true, "learner": false} {
		resp := f.do(role, "GET", "/my-sessions", "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := strings.Contains(string(b), "示教室"); resp.StatusCode != 200 || got != want {
			t.Errorf("%s: %d, lists the session: %v, want %v", role, resp.StatusCode, got, want)
		}
	}
}
