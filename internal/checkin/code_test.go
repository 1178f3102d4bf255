package checkin_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meded/meded/internal/checkin"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// TestCodeRotation: a code is accepted in its own step and the next one,
// and refused from the step after, at the exact step boundaries.
func TestCodeRotation(t *testing.T) {
	const step = 15
	boundary := time.Unix(1_800_000_000-1_800_000_000%step, 0) // a step starts here
	code := checkin.Code(testKey, 7, checkin.Step(boundary, step))
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"first instant of its step", boundary, true},
		{"last instant of its step", boundary.Add(step*time.Second - time.Nanosecond), true},
		{"first instant of the next step", boundary.Add(step * time.Second), true},
		{"last instant of the next step", boundary.Add(2*step*time.Second - time.Nanosecond), true},
		{"two steps later", boundary.Add(2 * step * time.Second), false},
		{"the step before it", boundary.Add(-time.Nanosecond), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkin.CodeMatches(testKey, 7, code, tt.at, step); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if len(code) != 6 || checkin.NormalizeCode(code) != code {
		t.Errorf("code %q is not six digits", code)
	}
	if checkin.CodeMatches(testKey, 8, code, boundary, step) && checkin.Code(testKey, 8, checkin.Step(boundary, step)) != code {
		t.Error("a code of session 7 passed for session 8")
	}
	if checkin.CodeMatches([]byte("another key of thirty-two bytes!"), 7, code, boundary, step) &&
		checkin.Code([]byte("another key of thirty-two bytes!"), 7, checkin.Step(boundary, step)) != code {
		t.Error("a code passed under another key")
	}
	// Typed with spaces, a dash or full-width digits it is the same code.
	spaced := code[:3] + " " + code[3:]
	if !checkin.CodeMatches(testKey, 7, spaced, boundary, step) {
		t.Errorf("%q refused", spaced)
	}
	full := strings.Map(func(r rune) rune { return r - '0' + '０' }, code)
	if !checkin.CodeMatches(testKey, 7, full, boundary, step) {
		t.Errorf("full-width %q refused", full)
	}
	for _, bad := range []string{"", "12345", "1234567", "12a456", "123456\n"} {
		if bad != code && checkin.CodeMatches(testKey, 7, bad, boundary, step) {
			t.Errorf("%q accepted", bad)
		}
	}
	// Codes of consecutive steps differ (the projector shows a new one).
	same := 0
	for s := int64(0); s < 200; s++ {
		if checkin.Code(testKey, 7, s) == checkin.Code(testKey, 7, s+1) {
			same++
		}
	}
	if same > 1 {
		t.Errorf("%d of 200 consecutive codes repeated", same)
	}
}

func TestQRToken(t *testing.T) {
	const step = 15
	now := time.Unix(1_800_000_000, 0)
	stepOf := func(int64) (int, error) { return step, nil }
	tok := checkin.QRToken(testKey, 42, checkin.Step(now, step))
	if id, _, err := checkin.ParseQRToken(testKey, tok, now, stepOf); err != nil || id != 42 {
		t.Fatalf("got %d, %v", id, err)
	}
	if _, _, err := checkin.ParseQRToken(testKey, tok, now.Add(step*time.Second), stepOf); err != nil {
		t.Errorf("previous step refused: %v", err)
	}
	if _, _, err := checkin.ParseQRToken(testKey, tok, now.Add(2*step*time.Second), stepOf); err != checkin.ErrBadCode {
		t.Errorf("expired token: got %v", err)
	}
	forged := strings.Replace(tok, "42.", "43.", 1)
	if _, _, err := checkin.ParseQRToken(testKey, forged, now, stepOf); err != checkin.ErrBadCode {
		t.Errorf("forged token: got %v", err)
	}
	// A token for a later step (made by someone guessing ahead) is refused too.
	ahead := checkin.QRToken(testKey, 42, checkin.Step(now, step)+4)
	if _, _, err := checkin.ParseQRToken(testKey, ahead, now, stepOf); err != checkin.ErrBadCode {
		t.Errorf("token from the future: got %v", err)
	}
}

func TestTicket(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tk := checkin.IssueTicket(testKey, 5, now)
	for _, tt := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"at once", now, true},
		{"after 4m59s", now.Add(checkin.TicketTTL - time.Second), true},
		{"after 5m01s", now.Add(checkin.TicketTTL + time.Second), false},
	} {
		got, err := checkin.ParseTicket(testKey, tk, tt.at)
		if (err == nil) != tt.ok || (tt.ok && got.SessionID != 5) {
			t.Errorf("%s: got %+v, %v", tt.name, got, err)
		}
	}
	for _, bad := range []string{"", "5.1800000000", "6" + tk[1:], tk + "x", strings.Replace(tk, ".1800000000.", ".1800000100.", 1)} {
		if _, err := checkin.ParseTicket(testKey, bad, now); err != checkin.ErrBadTicket {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}

func TestBadge(t *testing.T) {
	b := checkin.Badge(testKey, 1234)
	for _, s := range []string{b, " " + b + "\r\n", strings.ToLower(b[:8]) + b[8:]} {
		if id, err := checkin.ParseBadge(testKey, s); err != nil || id != 1234 {
			t.Errorf("%q: got %d, %v", s, id, err)
		}
	}
	forged := strings.Replace(b, "-1234-", "-1235-", 1)
	for _, bad := range []string{"", "MEDED-P-", "MEDED-P-1234", forged, "1234", b + "x"} {
		if _, err := checkin.ParseBadge(testKey, bad); err != checkin.ErrBadBadge {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}

func FuzzParseBadge(f *testing.F) {
	for _, s := range []string{checkin.Badge(testKey, 1), "MEDED-P-1-x", "", "MEDED-P--", "meded-p-99999999999999999999-aa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := checkin.ParseBadge(testKey, s)
		if err == nil && checkin.Badge(testKey, id) != strings.ToUpper(strings.TrimSpace(s)[:8])+strings.TrimSpace(s)[8:] {
			t.Errorf("%q accepted as %d", s, id)
		}
	})
}

func FuzzParseTicket(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	for _, s := range []string{checkin.IssueTicket(testKey, 1, now), "1.2.3", "", "..", "-1.-1.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tk, err := checkin.ParseTicket(testKey, s, now)
		if err == nil && checkin.IssueTicket(testKey, tk.SessionID, tk.IssuedAt) != s {
			t.Errorf("%q accepted", s)
		}
	})
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"123456", "123 456", "１２３４５６", "12-34-56", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := checkin.NormalizeCode(s)
		for _, r := range n {
			if r < '0' || r > '9' {
				t.Fatalf("%q normalized to %q", s, n)
			}
		}
	})
}

// TestQRSVG: the image is a square of a valid QR size (17 + 4v modules for
// version v, plus a quiet zone of 4 on each side) with the three finder
// patterns' dark corners where a reader looks for them.
func TestQRSVG(t *testing.T) {
	svg, err := checkin.QRSVG("http://meded.test/c/" + checkin.QRToken(testKey, 12345, 120000000))
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	var size int
	if _, err := fmt.Sscanf(s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d`, &size); err != nil {
		t.Fatalf("%v in %.80s", err, s)
	}
	if modules := size - 8; modules < 21 || (modules-17)%4 != 0 {
		t.Fatalf("%d modules is not a QR size", modules)
	}
	n := size - 8
	for _, corner := range [][2]int{{0, 0}, {n - 1, 0}, {0, n - 1}} {
		if !strings.Contains(s, fmt.Sprintf("M%d %dh1v1h-1z", corner[0]+4, corner[1]+4)) {
			t.Errorf("no dark module at finder corner %v", corner)
		}
	}
	if strings.Contains(s, fmt.Sprintf("M%d %dh1v1h-1z", n-1+4, n-1+4)) {
		t.Error("a finder pattern in the bottom-right corner")
	}
}
