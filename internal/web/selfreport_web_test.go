package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

type apiSelfReport struct {
	ID             int64  `json:"id"`
	Status         string `json:"status"`
	Claimed        int64  `json:"claimed_amount"`
	ApprovedAmount int64  `json:"approved_amount"`
	LedgerEntryID  int64  `json:"ledger_entry_id"`
	Documents      []struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		SHA256      string `json:"sha256"`
	} `json:"documents"`
}

func decodeInto(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}

func selfReportTotal(t *testing.T, f *fixture, role, query string) int {
	t.Helper()
	status, body := f.apiCall(t, role, "GET", "/api/v1/self-reports"+query, "")
	if status != 200 {
		t.Fatalf("list: %d %s", status, body)
	}
	var list struct {
		Items []apiSelfReport `json:"items"`
		Total int             `json:"total"`
	}
	decodeInto(t, body, &list)
	return list.Total
}

// creditTotal is the person's credits in year from their credit file.
func creditTotal(t *testing.T, f *fixture, personHandle string, year int) (int64, []map[string]any) {
	t.Helper()
	_, body := f.apiCall(t, "education_office", "GET", fmt.Sprintf("/api/v1/people/{%s}/credits?year=%d&from=%d&to=%d", personHandle, year, year, year), "")
	var file struct {
		Transcript struct {
			Entries []map[string]any `json:"entries"`
			Totals  []struct {
				Amount int64 `json:"amount"`
			} `json:"totals"`
		} `json:"transcript"`
	}
	decodeInto(t, body, &file)
	var sum int64
	for _, tot := range file.Transcript.Totals {
		sum += tot.Amount
	}
	return sum, file.Transcript.Entries
}

func TestSelfReportsThroughTheAPI(t *testing.T) {
	f := sqliteFixture(t)
	year := time.Now().Year()
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%%EOF\n"))
	paper := func(year int, files string) string {
		return fmt.Sprintf(`{"category":"paper","credit_year":%d,"title":"Ward rounds that teach","details":{"journal":"中华医学杂志","level":"national","author_rank":"2"},"files":[%s]}`, year, files)
	}
	// The preview suggests 5 credits (national journal, second author) and says the title is missing.
	status, body := f.apiCall(t, "learner", "POST", "/api/v1/self-reports/preview",
		fmt.Sprintf(`{"category":"paper","credit_year":%d,"details":{"journal":"J","level":"national","author_rank":"2"}}`, year))
	if status != 200 || !strings.Contains(string(body), `"suggested_amount":500`) || !strings.Contains(string(body), `"field":"title"`) {
		t.Fatalf("preview: %d %s", status, body)
	}
	before := selfReportTotal(t, f, "learner", "")
	// Refusals: each names its field (a file by its name), and nothing is stored.
	refusals := []struct {
		name, body, field, says string
	}{
		{"wrong type", paper(year, `{"name":"virus.exe","content":"`+base64.StdEncoding.EncodeToString([]byte("MZ\x90\x00binary"))+`"}`), "files", "virus.exe"},
		{"no evidence", paper(year, ""), "files", ""},
		{"future year", paper(year+1, `{"name":"p.pdf","content":"`+pdf+`"}`), "credit_year", ""},
		{"above the cap", strings.Replace(paper(year, `{"name":"p.pdf","content":"`+pdf+`"}`), `"title"`, `"amount":"5.5","title"`, 1), "amount", ""},
		{"zero", strings.Replace(paper(year, `{"name":"p.pdf","content":"`+pdf+`"}`), `"title"`, `"amount":"0","title"`, 1), "amount", ""},
		{"no title", strings.Replace(paper(year, `{"name":"p.pdf","content":"`+pdf+`"}`), `"Ward rounds that teach"`, `""`, 1), "title", ""},
	}
	for _, c := range refusals {
		status, body := f.apiCall(t, "learner", "POST", "/api/v1/self-reports", c.body)
		if status != 422 || !strings.Contains(string(body), `"field":"`+c.field+`"`) || !strings.Contains(string(body), c.says) {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}
	// Content that is not base64 (which the document already rules out) is refused by the server too.
	resp := f.do("learner", "POST", "/api/v1/self-reports", "application/json", paper(year, `{"name":"scan.pdf","content":"%%%"}`))
	if got := readAll(t, resp); resp.StatusCode != 422 || !strings.Contains(got, "scan.pdf") {
		t.Errorf("bad base64: %d %s", resp.StatusCode, got)
	}
	if got := selfReportTotal(t, f, "learner", ""); got != before {
		t.Errorf("refused submissions stored reports: %d, want %d", got, before)
	}

	// Submitted, it waits in the office's queue and is not yet in the credit file.
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/self-reports", paper(year, `{"name":"论文.pdf","content_type":"application/pdf","content":"`+pdf+`"}`))
	if status != 201 {
		t.Fatalf("submit: %d %s", status, body)
	}
	var rep apiSelfReport
	decodeInto(t, body, &rep)
	if rep.Status != "submitted" || rep.Claimed != 500 || len(rep.Documents) != 1 || rep.Documents[0].ContentType != "application/pdf" {
		t.Fatalf("submitted report: %+v", rep)
	}
	f.ids["sr_new"] = rep.ID
	// The queue: the learner's two waiting reports and the doctor's, not the outside person's.
	if got := selfReportTotal(t, f, "education_office", "?status=submitted"); got != 3 {
		t.Errorf("office queue: %d, want 3", got)
	}
	if got := selfReportTotal(t, f, "admin", "?status=submitted"); got != 3 {
		t.Errorf("admin queue: %d, want 3", got)
	}
	if got := selfReportTotal(t, f, "education_office", "?status=submitted&category=paper"); got != 1 {
		t.Errorf("office queue of papers: %d, want 1", got)
	}
	if got := selfReportTotal(t, f, "learner", ""); got != before+1 {
		t.Errorf("learner's own list: %d, want %d", got, before+1)
	}
	if got := selfReportTotal(t, f, "lecturer", ""); got != 0 {
		t.Errorf("a lecturer without reports sees %d", got)
	}
	creditsBefore, _ := creditTotal(t, f, "self", year)

	// The office adjusts the amount: a reason is needed, and the cap holds.
	if status, body := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_new}/approve", `{"amount":"4"}`); status != 422 || !strings.Contains(string(body), `"field":"reason"`) {
		t.Errorf("adjusting without a reason: %d %s", status, body)
	}
	if status, body := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_new}/approve", `{"amount":"6","reason":"x"}`); status != 422 || !strings.Contains(string(body), `"field":"amount"`) {
		t.Errorf("approving above the cap: %d %s", status, body)
	}
	status, body = f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_new}/approve", `{"amount":"4","reason":"third author in the published version"}`)
	if status != 200 {
		t.Fatalf("approve: %d %s", status, body)
	}
	decodeInto(t, body, &rep)
	if rep.Status != "approved" || rep.ApprovedAmount != 400 || rep.LedgerEntryID == 0 {
		t.Fatalf("approved report: %+v", rep)
	}
	if status, _ := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_new}/approve", `{}`); status != 409 {
		t.Errorf("approving twice: %d, want 409", status)
	}
	creditsAfter, entries := creditTotal(t, f, "self", year)
	if creditsAfter-creditsBefore != 400 {
		t.Errorf("credit file grew by %d, want 400", creditsAfter-creditsBefore)
	}
	found := 0
	for _, e := range entries {
		if e["source"] == "self_report" && e["source_ref"] == "self_report:"+strconv.FormatInt(rep.ID, 10) {
			found++
		}
	}
	if found != 1 {
		t.Errorf("transcript holds %d entries of the report, want 1: %v", found, entries)
	}

	// Rejecting needs a reason and posts nothing.
	if status, _ := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_self}/reject", `{"reason":" "}`); status != 422 {
		t.Errorf("rejecting without a reason: %d, want 422", status)
	}
	if status, body := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_self}/reject", `{"reason":"a case report, not a review"}`); status != 200 || !strings.Contains(string(body), `"status":"rejected"`) {
		t.Errorf("reject: %d %s", status, body)
	}
	if got, _ := creditTotal(t, f, "self", year); got != creditsAfter {
		t.Errorf("rejection changed the credit file: %d, want %d", got, creditsAfter)
	}
	// The author sees the reason and can report it again.
	resp = f.do("learner", "GET", "/self-reports/{sr_self}", "", "")
	if page := readAll(t, resp); !strings.Contains(page, "a case report, not a review") || !strings.Contains(page, "/self-reports/new?category=self_study&amp;credit_year=") {
		t.Errorf("rejected report page lacks the reason or the link to report again")
	}
	// The office cannot withdraw for the author; the author withdraws a waiting report, which then cannot be approved.
	status, body = f.apiCall(t, "learner", "POST", "/api/v1/self-reports", paper(year-1, `{"name":"p.pdf","content":"`+pdf+`"}`))
	if status != 201 {
		t.Fatalf("submit: %d %s", status, body)
	}
	decodeInto(t, body, &rep)
	f.ids["sr_new2"] = rep.ID
	if status, _ := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_new2}/withdraw", ""); status != 403 {
		t.Errorf("office withdrawing: %d, want 403", status)
	}
	if status, body := f.apiCall(t, "learner", "POST", "/api/v1/self-reports/{sr_new2}/withdraw", ""); status != 200 || !strings.Contains(string(body), `"status":"withdrawn"`) {
		t.Errorf("withdraw: %d %s", status, body)
	}
	if status, _ := f.apiCall(t, "education_office", "POST", "/api/v1/self-reports/{sr_new2}/approve", `{}`); status != 409 {
		t.Errorf("approving a withdrawn report: %d, want 409", status)
	}

	// Reversing the approved entry goes through the ledger; the report page says so.
	f.ids["sr_entry"] = 0
	_, body = f.apiCall(t, "learner", "GET", "/api/v1/self-reports/{sr_new}", "")
	decodeInto(t, body, &rep)
	f.ids["sr_entry"] = rep.LedgerEntryID
	if status, body := f.apiCall(t, "education_office", "POST", "/api/v1/credits/{sr_entry}/reverse", `{"reason":"paper retracted"}`); status != 201 {
		t.Fatalf("reverse: %d %s", status, body)
	}
	if got, _ := creditTotal(t, f, "self", year); got != creditsBefore {
		t.Errorf("after the reversal: %d, want %d", got, creditsBefore)
	}
	resp = f.do("learner", "GET", "/self-reports/{sr_new}", "", "")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `data-status="reversed"`) {
		t.Errorf("report page after reversal: %d", resp.StatusCode)
	}
}

// multipartBody builds a form with fields and files (name → content).
func multipartBody(t *testing.T, fields map[string]string, files [][2]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, file := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files"; filename="%s"`, file[0]))
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		part.Write([]byte(file[1]))
	}
	w.Close()
	return w.FormDataContentType(), buf.String()
}

func TestSelfReportFormAndEvidenceDownload(t *testing.T) {
	f := sqliteFixture(t)
	year := strconv.Itoa(time.Now().Year())
	// The form asks for the category's details.
	resp := f.do("learner", "GET", "/self-reports/new?category=self_study&credit_year="+year, "", "")
	if page := readAll(t, resp); resp.StatusCode != 200 || !strings.Contains(page, `name="details.characters"`) || !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	fields := map[string]string{"category": "self_study", "credit_year": year, "title": "心衰指南综述", "details.characters": "4500", "action": "preview"}
	// The preview: 4,500 characters = 2.25; the fixture's waiting report of 2 leaves 3 of the yearly 5.
	ctype, body := multipartBody(t, fields, nil)
	resp = f.do("learner", "POST", "/self-reports", ctype, body)
	page := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, "2.25") || !strings.Contains(page, `data-testid="suggestion"`) {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	if got := selfReportTotal(t, f, "learner", ""); got != 2 {
		t.Errorf("the preview stored something: %d reports, want 2", got)
	}
	// A text file is refused by name, and nothing is stored.
	fields["action"] = "submit"
	ctype, body = multipartBody(t, fields, [][2]string{{"scan.pdf", "%PDF-1.4\n%%EOF"}, {"notes.txt", "just some text"}})
	resp = f.do("learner", "POST", "/self-reports", ctype, body)
	if page := readAll(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "notes.txt") {
		t.Errorf("text file: %d", resp.StatusCode)
	}
	if got := selfReportTotal(t, f, "learner", ""); got != 2 {
		t.Errorf("a refused submission stored something: %d reports, want 2", got)
	}
	// Two good files: stored, and the browser goes to the new report.
	pdf := "%PDF-1.4\n\x00\x01binary\n%%EOF"
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	ctype, body = multipartBody(t, fields, [][2]string{{"综述 全文.pdf", pdf}, {"page1.png", png}})
	resp = f.do("learner", "POST", "/self-reports", ctype, body)
	readAll(t, resp)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/self-reports/") {
		t.Fatalf("submit: %d %s", resp.StatusCode, loc)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/self-reports/"), 10, 64)
	f.ids["sr_form"] = id
	_, raw := f.apiCall(t, "learner", "GET", "/api/v1/self-reports/{sr_form}", "")
	var rep apiSelfReport
	decodeInto(t, raw, &rep)
	if rep.Claimed != 225 || len(rep.Documents) != 2 {
		t.Fatalf("stored report: %+v", rep)
	}
	f.ids["sr_form_doc"] = rep.Documents[0].ID
	// The evidence downloads as an attachment with its type, to the author, the office and the auditor only.
	for role, want := range map[string]int{"learner": 200, "education_office": 200, "auditor": 200, "admin": 200, "lecturer": 404, "department_reviewer": 404, "partnership_office": 404} {
		resp := f.do(role, "GET", "/self-reports/{sr_form}/documents/{sr_form_doc}", "", "")
		got := readAll(t, resp)
		if resp.StatusCode != want {
			t.Errorf("download as %s: %d, want %d", role, resp.StatusCode, want)
			continue
		}
		if want != 200 {
			continue
		}
		if got != pdf || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''%E7%BB%BC%E8%BF%B0%20%E5%85%A8%E6%96%87.pdf") {
			t.Errorf("download as %s: %q %v", role, got, resp.Header)
		}
	}
	// The queue shows it to the office, filtered by category.
	resp = f.do("education_office", "GET", "/self-report-queue?category=self_study", "", "")
	if page := readAll(t, resp); !strings.Contains(page, "心衰指南综述") {
		t.Errorf("queue misses the report")
	}
	resp = f.do("education_office", "GET", "/self-report-queue?category=paper", "", "")
	if page := readAll(t, resp); strings.Contains(page, "心衰指南综述") {
		t.Errorf("the paper filter shows a self-study report")
	}
	// The office approves from the page; the flash confirms.
	form := "amount=&reason="
	resp = f.do("education_office", "POST", "/self-reports/{sr_form}/approve", "application/x-www-form-urlencoded", form)
	readAll(t, resp)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "flash.selfreport_approved") {
		t.Errorf("approve from the page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Adjusting on the page without a reason shows the form again with the error.
	resp = f.do("education_office", "POST", "/self-reports/{sr_self}/approve", "application/x-www-form-urlencoded", "amount=1.5&reason=")
	if page := readAll(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "field-error") {
		t.Errorf("adjust without a reason: %d", resp.StatusCode)
	}
}
