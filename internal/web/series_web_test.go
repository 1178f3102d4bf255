package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/meded/meded/internal/activity"
)

// seriesPastYear is the year of {series_past} in the series' zone (the
// fixture's series runs from 8 weeks ago, so near New Year it spans two).
func (f *fixture) seriesPastYear(t *testing.T) string {
	t.Helper()
	var at time.Time
	if err := f.db.QueryRow(context.Background(), `SELECT starts_at FROM cme_sessions WHERE id = ?`, f.ids["series_past"]).Scan(&at); err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(at.In(activity.Zone).Year())
}

type figuresJSON struct {
	Held        int `json:"held"`
	Attendances int `json:"attendances"`
	Distinct    int `json:"distinct_attendees"`
	Upcoming    int `json:"upcoming"`
}

// TestSeriesThroughTheAPI drives a series end to end as its director and
// the office: figures follow a hand-made attendance and its removal, rates
// follow an excuse, the sweep posts credits once, and bad input names its field.
func TestSeriesThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	_, body := f.apiCall(t, "project_director", "GET", "/api/v1/series/{series}", "")
	if !strings.Contains(string(body), `"frequency":"weekly"`) {
		t.Fatalf("series detail: %s", body)
	}
	year := f.seriesPastYear(t)
	figures := func() figuresJSON {
		t.Helper()
		status, body := f.apiCall(t, "auditor", "GET", "/api/v1/series/{series}/figures?year="+year, "")
		var fig figuresJSON
		if status != 200 || json.Unmarshal(body, &fig) != nil {
			t.Fatalf("figures: %d %s", status, body)
		}
		return fig
	}
	before := figures()
	if before.Attendances != 2 || before.Distinct != 2 || before.Held == 0 {
		t.Fatalf("fixture figures: %+v, want 2 attendances by 2 people", before)
	}
	// The director adds the surgeon by hand, with a reason.
	status, body := f.apiCall(t, "project_director", "POST", "/api/v1/series-sessions/{series_past}/attendance",
		`{"person_id":{surgeon},"present":true,"reason":"signed the paper sheet"}`)
	if status != 204 {
		t.Fatalf("add attendance: %d %s", status, body)
	}
	if got := figures(); got.Attendances != before.Attendances+1 || got.Distinct != before.Distinct+1 {
		t.Errorf("after adding: %+v", got)
	}
	status, body = f.apiCall(t, "project_director", "POST", "/api/v1/series-sessions/{series_past}/attendance",
		`{"person_id":{surgeon},"present":false,"reason":""}`)
	if status != 422 || !strings.Contains(string(body), `"field":"reason"`) {
		t.Errorf("removal without a reason: %d %s", status, body)
	}
	f.apiCall(t, "project_director", "POST", "/api/v1/series-sessions/{series_past}/attendance",
		`{"person_id":{person},"present":false,"reason":"was on night duty"}`)
	if got := figures(); got.Attendances != before.Attendances || got.Distinct != before.Distinct {
		t.Errorf("after removing one: %+v, want %+v", got, before)
	}
	// Rates: the learner attended 1 of the sessions held so far.
	rates := func() (items []struct {
		PersonID int64 `json:"person_id"`
		Attended int   `json:"attended"`
		Excused  int   `json:"excused"`
		Expected int   `json:"expected_sessions"`
		Below    bool  `json:"below"`
	}) {
		t.Helper()
		status, body := f.apiCall(t, "education_office", "GET", "/api/v1/series/{series}/rates?year="+year, "")
		var r struct {
			Items []struct {
				PersonID int64 `json:"person_id"`
				Attended int   `json:"attended"`
				Excused  int   `json:"excused"`
				Expected int   `json:"expected_sessions"`
				Below    bool  `json:"below"`
			} `json:"items"`
		}
		if status != 200 || json.Unmarshal(body, &r) != nil || len(r.Items) != 1 {
			t.Fatalf("rates: %d %s", status, body)
		}
		return r.Items
	}
	r0 := rates()[0]
	if r0.PersonID != f.ids["self"] || r0.Attended != 1 || r0.Expected != before.Held {
		t.Fatalf("learner's rate: %+v (held %d)", r0, before.Held)
	}
	if status, _ := f.apiCall(t, "project_director", "POST", "/api/v1/series/{series}/excuses",
		`{"session_id":{series_past},"person_id":{self},"reason":"leave"}`); status != 403 {
		t.Errorf("director excusing: %d, want 403 (the office's to enter)", status)
	}
	status, body = f.apiCall(t, "education_office", "POST", "/api/v1/series/{series}/excuses",
		`{"session_id":{series_past},"person_id":{self},"reason":"leave"}`)
	if status != 422 || !strings.Contains(string(body), `"field":"person_id"`) {
		t.Errorf("excusing an attended session: %d %s", status, body)
	}
	// Sweep: credits post once, for the learner and the surgeon (0.5 each).
	status, body = f.apiCall(t, "education_office", "POST", "/api/v1/series/sweep", "")
	if status != 200 || !strings.Contains(string(body), `"entries":2`) {
		t.Fatalf("first sweep: %d %s", status, body)
	}
	if status, body = f.apiCall(t, "education_office", "POST", "/api/v1/series/sweep", ""); !strings.Contains(string(body), `"entries":0`) {
		t.Errorf("second sweep: %d %s", status, body)
	}
	// Schedule and generation refuse bad input by field.
	status, body = f.apiCall(t, "project_director", "PUT", "/api/v1/series/{series}/schedule",
		`{"frequency":"weekly","weekday":4,"start_time":"16:70","minutes":90,"zone":"Asia/Shanghai","anchor_date":"2026-01-01","format":"lecture","venue":"x"}`)
	if status != 422 || !strings.Contains(string(body), `"field":"start_time"`) {
		t.Errorf("bad schedule: %d %s", status, body)
	}
	status, body = f.apiCall(t, "project_director", "POST", "/api/v1/series/{series}/generate", `{"from":"2026-03-01","to":"2026-01-01"}`)
	if status != 422 || !strings.Contains(string(body), `"field":"to"`) {
		t.Errorf("bad generate: %d %s", status, body)
	}
}

// TestSeriesPages renders every series page for each role that may see it,
// and the figures CSV.
func TestSeriesPages(t *testing.T) {
	f := sqliteFixture(t)
	year := f.seriesPastYear(t)
	for _, c := range []struct{ role, path, want string }{
		{"learner", "/series", "周四讲座series"},
		{"learner", "/series/{series}?year=" + year, `id="figure-attendances">2<`},
		{"learner", "/series/{series}?year=" + year, `id="my-rate">`},
		{"learner", "/series-sessions/{series_past}", "报告厅"},
		{"project_director", "/series/{series}", `action="/series/{series}/schedule"`},
		{"project_director", "/series-sessions/{series_next}", `action="/series-sessions/{series_next}/cancel"`},
		{"education_office", "/series/{series}/rates", `action="/series/{series}/excuses"`},
		{"auditor", "/series/{series}/rates", "李娜"},
		{"learner", "/profile/calendar", "/calendar/"},
		{"project_director", "/series", `href="/activities/new?kind=series"`},
		{"project_director", "/activities/new?kind=series", `name="kind" value="series"`},
		{"project_director", "/activities/{series_draft}/edit", `name="kind" value="series"`},
	} {
		resp := f.do(c.role, "GET", c.path, "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), f.path(c.want)) {
			t.Errorf("%s %s: %d, want %q in the page", c.role, c.path, resp.StatusCode, f.path(c.want))
		}
	}
	// A learner does not see who attended.
	resp := f.do("learner", "GET", "/series-sessions/{series_past}", "", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "张伟") {
		t.Error("the learner sees the names of attendees")
	}
	resp = f.do("education_office", "GET", "/series/{series}/figures.csv?year="+year, "", "")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), "内科,2,2") {
		t.Errorf("figures CSV: %s", b)
	}
	// A bad schedule re-shows the form with the field's error.
	resp = f.do("project_director", "POST", "/series/{series}/schedule", "application/x-www-form-urlencoded",
		"frequency=weekly&weekday=4&start_time=25:99&minutes=90&zone=Asia/Shanghai&anchor_date=2026-01-01&format=lecture&venue=x&expected_pct=70&credit_delay_minutes=15")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), "16:30") {
		t.Errorf("bad start time: %d", resp.StatusCode)
	}
}

var feedURL = regexp.MustCompile(`http://meded\.test(/calendar/[A-Za-z0-9_-]+\.ics)`)

// TestPersonalFeed: the learner's feed address works without signing in,
// lists the series' sessions with stable UIDs, shows a cancellation with a
// higher SEQUENCE, and stops working once the learner resets it.
func TestPersonalFeed(t *testing.T) {
	f := sqliteFixture(t)
	page := func() string {
		resp := f.do("learner", "GET", "/profile/calendar", "", "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := feedURL.FindStringSubmatch(string(b))
		if m == nil {
			t.Fatalf("no feed address on the page")
		}
		return m[1]
	}
	addr := page()
	if again := page(); again != addr {
		t.Errorf("the address changed between visits: %s, %s", addr, again)
	}
	events := func(path string) map[string]*ics.VEvent {
		t.Helper()
		resp := f.do("anonymous", "GET", path, "", "")
		defer resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		cal, err := ics.ParseCalendar(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			out[e.Id()] = e
		}
		return out
	}
	uid := f.path("session-{series_next}@meded")
	evs := events(addr)
	if len(evs) < 10 || evs[uid] == nil || evs[uid].GetProperty(ics.ComponentPropertySequence).Value != "0" {
		t.Fatalf("feed: %d events", len(evs))
	}
	resp := f.do("project_director", "POST", "/series-sessions/{series_next}/cancel", "application/x-www-form-urlencoded", "")
	resp.Body.Close()
	e := events(addr)[uid]
	if e == nil || e.GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" || e.GetProperty(ics.ComponentPropertySequence).Value != "1" {
		t.Errorf("cancelled event: %v", e)
	}
	if got := events("/series/{series}/calendar.ics"); got[uid] == nil {
		t.Error("the series feed lacks the session")
	}
	resp = f.do("learner", "POST", "/profile/calendar/reset", "application/x-www-form-urlencoded", "")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if resp := f.do("anonymous", "GET", addr, "", ""); resp.StatusCode != 404 {
		t.Errorf("old address after reset: %d, want 404", resp.StatusCode)
	}
	if fresh := page(); fresh == addr {
		t.Error("reset kept the address")
	}
}

// TestSeriesHolidaysAndSessionsThroughTheAPI: a holiday on a day with a
// session cancels it; removing an unknown holiday is 404; moving a session
// keeps its id and raises its revision for calendars.
func TestSeriesHolidaysAndSessionsThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	_, body := f.apiCall(t, "project_director", "GET", "/api/v1/series/{series}/figures", "")
	var fig struct {
		Sessions []struct {
			ID       int64  `json:"session_id"`
			StartsAt string `json:"starts_at"`
			Held     bool   `json:"held"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal(body, &fig); err != nil {
		t.Fatal(err)
	}
	var day string
	for _, s := range fig.Sessions {
		if s.ID == f.ids["series_next"] {
			day = s.StartsAt[:10] // 16:30 in Shanghai is 08:30 UTC, the same day
		}
	}
	status, body := f.apiCall(t, "project_director", "POST", "/api/v1/series/{series}/holidays", `{"day":"`+day+`","note":"停电"}`)
	if status != 201 || !strings.Contains(string(body), `"cancelled_sessions":1`) {
		t.Fatalf("holiday: %d %s", status, body)
	}
	if status, _ := f.apiCall(t, "project_director", "POST", "/api/v1/series/{series}/holidays", `{"day":"`+day+`","note":""}`); status != 422 {
		t.Errorf("the same holiday twice: %d, want 422", status)
	}
	if status, _ := f.apiCall(t, "project_director", "DELETE", "/api/v1/series/{series}/holidays/2001-01-01", ""); status != 404 {
		t.Errorf("removing an unknown holiday: %d, want 404", status)
	}
	if status, _ := f.apiCall(t, "project_director", "DELETE", "/api/v1/series/{series}/holidays/"+day, ""); status != 204 {
		t.Errorf("removing the holiday: %d, want 204", status)
	}
	// The cancelled session can no longer change; another one moves.
	status, body = f.apiCall(t, "project_director", "PUT", "/api/v1/series-sessions/{series_next}",
		`{"starts_at":"`+day+`T17:00","ends_at":"`+day+`T18:00","venue":"x","format":"lecture","hours":"1"}`)
	if status != 422 {
		t.Errorf("changing a cancelled session: %d %s", status, body)
	}
	status, body = f.apiCall(t, "project_director", "PUT", "/api/v1/series-sessions/{series_past}",
		`{"starts_at":"`+fig.Sessions[0].StartsAt+`","ends_at":"`+fig.Sessions[0].StartsAt[:11]+`23:59:00Z","venue":"外科楼","format":"grand_rounds","hours":"1.5","topic":"疑难病例","lecturers":[{"person_id":{surgeon}}]}`)
	if status != 200 || !strings.Contains(string(body), `"topic":"疑难病例"`) || !strings.Contains(string(body), f.path(`"person_id":{surgeon}`)) {
		t.Errorf("changing a session: %d %s", status, body)
	}
}
