package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/checkin"
)

// noFollow is a client without cookies that shows every redirect.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (f *fixture) checkinKey(t *testing.T) []byte {
	t.Helper()
	key, err := checkin.Key(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func (f *fixture) attendanceRows(t *testing.T, sessionID int64) int {
	t.Helper()
	n, err := checkin.Count(context.Background(), f.db, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCheckinQRJourney: a phone with no cookies opens the projector's QR
// link, is sent to sign in, comes back to the same check-in, confirms with
// one tap, and exactly one attendance row exists.
func TestCheckinQRJourney(t *testing.T) {
	f := sqliteFixture(t)
	sess := f.ids["live_sess"]
	key := f.checkinKey(t)
	link := f.http.URL + "/c/" + checkin.QRToken(key, sess, checkin.Step(time.Now(), 15))

	resp, err := noFollow.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	ticketPath := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(ticketPath, "/checkin/t/") {
		t.Fatalf("QR link: %d → %q", resp.StatusCode, ticketPath)
	}
	resp, err = noFollow.Get(f.http.URL + ticketPath)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	loginPath := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loginPath, "/login?next=") {
		t.Fatalf("ticket without a session: %d → %q", resp.StatusCode, loginPath)
	}
	lu, _ := url.Parse(loginPath)
	next := lu.Query().Get("next")
	if next != ticketPath {
		t.Fatalf("login would return to %q, not %q", next, ticketPath)
	}
	resp, err = noFollow.PostForm(f.http.URL+"/login", url.Values{"login": {"learner"}, "password": {fixturePassword}, "next": {next}})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ticketPath {
		t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "meded_session" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie after login")
	}
	req, _ := http.NewRequest("GET", f.http.URL+ticketPath, nil)
	req.AddCookie(cookie)
	req.Header.Set("Accept-Language", "en")
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, `value="in"`) || !strings.Contains(page, "Thursday clinical lecture") {
		t.Fatalf("confirm page: %d\n%s", resp.StatusCode, page)
	}
	if n := f.attendanceRows(t, sess); n != 0 {
		t.Fatalf("%d rows before confirming", n)
	}
	req, _ = http.NewRequest("POST", f.http.URL+ticketPath, strings.NewReader("action=in"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "en")
	req.AddCookie(cookie)
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page = readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, "Checked in at ") || !strings.Contains(page, ", Thursday clinical lecture") {
		t.Fatalf("confirm: %d\n%s", resp.StatusCode, page)
	}
	if n := f.attendanceRows(t, sess); n != 1 {
		t.Fatalf("got %d rows, want 1", n)
	}
	// Confirming again (a double tap) answers kindly and adds nothing.
	req, _ = http.NewRequest("POST", f.http.URL+ticketPath, strings.NewReader("action=in"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	resp, _ = noFollow.Do(req)
	if page := readAll(t, resp); resp.StatusCode != 200 || !strings.Contains(page, "签到过：周四临床讲座") {
		t.Fatalf("second confirm: %d\n%s", resp.StatusCode, page)
	}
	if n := f.attendanceRows(t, sess); n != 1 {
		t.Fatalf("got %d rows, want 1", n)
	}
}

// TestCheckinRefusedByWeb: expired and forged codes, tickets and QR links,
// and a person not enrolled, are refused with their message; nothing is
// recorded.
func TestCheckinRefusedByWeb(t *testing.T) {
	f := sqliteFixture(t)
	sess := f.ids["live_sess"]
	key := f.checkinKey(t)
	now := time.Now()
	post := func(role, path, form string) (int, string) {
		req, _ := http.NewRequest("POST", f.http.URL+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "en")
		req.AddCookie(f.session(role))
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readAll(t, resp)
	}
	expired := checkin.Code(key, sess, checkin.Step(now, 15)-2)
	if expired == checkin.Code(key, sess, checkin.Step(now, 15)) || expired == checkin.Code(key, sess, checkin.Step(now, 15)-1) {
		t.Skip("the expired code happens to equal a valid one")
	}
	tests := []struct {
		name, role, path, form string
		status                 int
		want                   string
	}{
		{"expired code", "learner", "/checkin", "code=" + expired, 422, "This code has expired or is not valid"},
		{"no code", "learner", "/checkin", "code=", 422, "checkin-form"},
		{"an account without a person", "auditor", "/checkin/t/" + checkin.IssueTicket(key, sess, now), "action=in", 403, ""},
		{"expired ticket", "learner", "/checkin/t/" + checkin.IssueTicket(key, sess, now.Add(-6*time.Minute)), "action=in", 410, "Scan the code on the screen again"},
		{"forged ticket", "learner", "/checkin/t/" + checkin.IssueTicket([]byte("not the key, not the key, at all"), sess, now), "action=in", 410, "has expired or is not valid"},
		{"check-out not asked for", "learner", "/checkin/t/" + checkin.IssueTicket(key, sess, now), "action=out", 422, "does not take check-outs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(tt.role, tt.path, tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("got %d, want %d with %q\n%s", status, tt.status, tt.want, body)
			}
		})
	}
	// h001's person is in the hospital but not enrolled in the activity.
	f.logins["h001"] = account.Account{ID: f.ids["acct"]}
	// The page a scan opens says so at once, with no button.
	req, _ := http.NewRequest("GET", f.http.URL+"/checkin/t/"+checkin.IssueTicket(key, sess, now), nil)
	req.Header.Set("Accept-Language", "en")
	req.AddCookie(f.session("h001"))
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if page := readAll(t, resp); resp.StatusCode != 200 || !strings.Contains(page, "not enrolled in this activity") || strings.Contains(page, "confirm-form") {
		t.Errorf("ticket page for a person not enrolled: %d\n%s", resp.StatusCode, page)
	}
	status, body := post("h001", "/checkin", "code="+checkin.Code(key, sess, checkin.Step(time.Now(), 15)))
	if status != 422 || !strings.Contains(body, "not enrolled in this activity") {
		t.Errorf("not enrolled: got %d\n%s", status, body)
	}
	resp, err = noFollow.Get(f.http.URL + "/c/" + checkin.QRToken(key, sess, checkin.Step(now, 15)-2))
	if err != nil {
		t.Fatal(err)
	}
	if readAll(t, resp); resp.StatusCode != http.StatusGone {
		t.Errorf("expired QR link: got %d", resp.StatusCode)
	}
	// Guessing: after ten wrong codes (one above), even the right one is
	// refused for a while.
	for i := range checkin.CodeAttempts - 1 {
		if status, _ := post("learner", "/checkin", "code="+expired); status != 422 {
			t.Fatalf("wrong code %d: %d", i, status)
		}
	}
	status, body = post("learner", "/checkin", "code="+checkin.Code(key, sess, checkin.Step(time.Now(), 15)))
	if status != 422 || !strings.Contains(body, "Too many wrong codes") {
		t.Errorf("the right code after ten wrong ones: got %d\n%s", status, body)
	}
	if n := f.attendanceRows(t, sess); n != 0 {
		t.Errorf("%d rows recorded by refused check-ins", n)
	}
	// The QR path is not held back: its token cannot be guessed.
	status, _ = post("learner", "/checkin/t/"+checkin.IssueTicket(key, sess, time.Now()), "action=in")
	if status != 200 || f.attendanceRows(t, sess) != 1 {
		t.Errorf("QR check-in after the code limit: %d", status)
	}
}

// TestCheckinCodeAndAPI: the typed code checks in; the projector's live
// JSON follows the count; the kiosk takes a badge queue; the director
// reads the list; every API call is checked against the OpenAPI document.
func TestCheckinCodeAndAPI(t *testing.T) {
	f := sqliteFixture(t)
	sess := f.ids["live_sess"]
	key := f.checkinKey(t)
	path := fmt.Sprintf("/api/v1/checkin/sessions/%d", sess)

	status, body := f.apiCall(t, "project_director", "GET", path+"/live", "")
	var live struct {
		Code  string
		Count int
		URL   string
	}
	if json.Unmarshal(body, &live); status != 200 || len(live.Code) != 6 || live.Count != 0 || !strings.HasPrefix(live.URL, "http://meded.test/c/") {
		t.Fatalf("live: %d %s", status, body)
	}
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/checkin", fmt.Sprintf(`{"code": %q}`, live.Code))
	if status != 200 || !strings.Contains(string(body), `"status":"checked_in"`) || !strings.Contains(string(body), "周四临床讲座") {
		t.Fatalf("check-in by code: %d %s", status, body)
	}
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/checkin", fmt.Sprintf(`{"code": %q}`, live.Code))
	if status != 200 || !strings.Contains(string(body), `"status":"already_checked_in"`) {
		t.Fatalf("again: %d %s", status, body)
	}
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/checkin", `{"code": "12345"}`)
	if status != 422 || !strings.Contains(string(body), `"field":"code"`) {
		t.Fatalf("short code: %d %s", status, body)
	}
	// The kiosk: the director opens the session to walk-ins, then sends a
	// queue kept offline: h001's badge, a forged one, and h001 again.
	status, body = f.apiCall(t, "project_director", "PUT", path+"/settings", `{"enrolment_required": false, "step_seconds": 2}`)
	if status != 422 || !strings.Contains(string(body), "step_seconds") {
		t.Fatalf("bad settings: %d %s", status, body)
	}
	if status, body = f.apiCall(t, "project_director", "PUT", path+"/settings", `{"enrolment_required": false, "step_seconds": 20}`); status != 200 {
		t.Fatalf("settings: %d %s", status, body)
	}
	badge := checkin.Badge(key, f.ids["person"])
	scanned := time.Now().Add(-3 * time.Minute).UTC().Format(time.RFC3339)
	queue := fmt.Sprintf(`{"scans": [{"badge": %q, "scanned_at": %q}, {"badge": "MEDED-P-1-forged"}, {"badge": %q}]}`, badge, scanned, badge)
	status, body = f.apiCall(t, "education_office", "POST", path+"/kiosk", queue)
	var kiosk struct {
		Count   int
		Results []struct {
			Status string
			Error  *struct{ Key string }
		}
	}
	if json.Unmarshal(body, &kiosk); status != 200 || kiosk.Count != 2 || len(kiosk.Results) != 3 ||
		kiosk.Results[0].Status != "checked_in" || kiosk.Results[1].Error == nil || kiosk.Results[1].Error.Key != "error.checkin_bad_badge" ||
		kiosk.Results[2].Status != "already_checked_in" {
		t.Fatalf("kiosk: %d %s", status, body)
	}
	// Sent again (the answer was lost): nothing new.
	if status, body = f.apiCall(t, "education_office", "POST", path+"/kiosk", queue); status != 200 || !strings.Contains(string(body), `"count":2`) {
		t.Fatalf("kiosk again: %d %s", status, body)
	}
	status, body = f.apiCall(t, "project_director", "GET", path+"/attendance", "")
	var list struct {
		Count   int
		Entries []struct {
			Method      string
			CheckedInAt time.Time `json:"checked_in_at"`
		}
	}
	if json.Unmarshal(body, &list); status != 200 || list.Count != 2 || list.Entries[0].Method != "kiosk" || list.Entries[0].CheckedInAt.Format(time.RFC3339) != scanned {
		t.Fatalf("attendance: %d %s", status, body)
	}
	// The USB-scanner path: the kiosk form, no script.
	resp := f.do("education_office", "POST", fmt.Sprintf("/checkin/sessions/%d/kiosk", sess), "application/x-www-form-urlencoded",
		url.Values{"badge": {checkin.Badge(key, f.ids["surgeon"])}, "action": {"in"}}.Encode())
	if page := readAll(t, resp); resp.StatusCode != 200 || !strings.Contains(page, "刘洋") {
		t.Fatalf("kiosk form: %d\n%s", resp.StatusCode, page)
	}
	resp = f.do("education_office", "POST", fmt.Sprintf("/checkin/sessions/%d/kiosk", sess), "application/x-www-form-urlencoded", "badge=nonsense")
	if page := readAll(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "无法识别") {
		t.Fatalf("kiosk form, bad badge: %d\n%s", resp.StatusCode, page)
	}
	if n := f.attendanceRows(t, sess); n != 3 {
		t.Errorf("got %d rows, want 3", n)
	}
	// The session page lists them; the projector page and QR image render.
	for _, p := range []string{"", "/projector", "/qr.svg", "/kiosk"} {
		resp := f.do("project_director", "GET", fmt.Sprintf("/checkin/sessions/%d%s", sess, p), "", "")
		if page := readAll(t, resp); resp.StatusCode != 200 || (p == "" && !strings.Contains(page, "刘洋")) || (p == "/qr.svg" && !strings.HasPrefix(page, "<svg")) {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

// TestCheckinLecturer: the session's own lecturer shows the code but runs
// no kiosk and changes no settings.
func TestCheckinLecturer(t *testing.T) {
	f := sqliteFixture(t)
	f.logins["h001"] = account.Account{ID: f.ids["acct"]}
	sess := f.ids["live_sess"]
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/checkin/sessions/%d/projector", 200},
		{"GET", "/api/v1/checkin/sessions/%d/live", 200},
		{"GET", "/checkin/sessions/%d", 200},
		{"GET", "/checkin/sessions/%d/kiosk", 403},
		{"POST", "/checkin/sessions/%d/settings", 403},
	} {
		resp := f.do("h001", tt.method, fmt.Sprintf(tt.path, sess), "application/x-www-form-urlencoded", "")
		readAll(t, resp)
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: got %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
}

// TestCheckoutByCode: on a session asking for check-out, the learner checks
// in and out with the code; the answer gives the minutes present, and the
// confirm page then offers nothing more.
func TestCheckoutByCode(t *testing.T) {
	f := sqliteFixture(t)
	sess := f.ids["live_sess"]
	key := f.checkinKey(t)
	path := fmt.Sprintf("/api/v1/checkin/sessions/%d/settings", sess)
	if status, body := f.apiCall(t, "education_office", "PUT", path, `{"checkout": true}`); status != 200 || !strings.Contains(string(body), `"checkout":true`) {
		t.Fatalf("settings: %d %s", status, body)
	}
	code := func() string { return checkin.Code(key, sess, checkin.Step(time.Now(), 15)) }
	status, body := f.apiCall(t, "learner", "POST", "/api/v1/checkin", fmt.Sprintf(`{"code": %q, "action": "in"}`, code()))
	if status != 200 || !strings.Contains(string(body), `"status":"checked_in"`) {
		t.Fatalf("in: %d %s", status, body)
	}
	tk := "/checkin/t/" + checkin.IssueTicket(key, sess, time.Now())
	if page := readAll(t, f.do("learner", "GET", tk, "", "")); !strings.Contains(page, `value="out"`) {
		t.Fatalf("the confirm page does not offer check-out:\n%s", page)
	}
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/checkin", fmt.Sprintf(`{"code": %q, "action": "out"}`, code()))
	var got struct {
		Status         string
		PresentMinutes *int `json:"present_minutes"`
	}
	// The session started ten minutes ago; the learner arrived just now.
	if json.Unmarshal(body, &got); status != 200 || got.Status != "checked_out" || got.PresentMinutes == nil || *got.PresentMinutes > 1 {
		t.Fatalf("out: %d %s", status, body)
	}
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/checkin", fmt.Sprintf(`{"code": %q, "action": "out"}`, code()))
	if status != 200 || !strings.Contains(string(body), `"status":"already_checked_out"`) {
		t.Fatalf("out again: %d %s", status, body)
	}
	if page := readAll(t, f.do("learner", "GET", tk, "", "")); strings.Contains(page, "confirm-form") {
		t.Errorf("the confirm page still offers a button after check-out:\n%s", page)
	}
}
