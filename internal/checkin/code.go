package checkin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Codes are derived, never stored: any instance holding the key computes
// the code of a session for a time step, so instances share no memory and a
// code is checked against the current and the previous step only.

// TicketTTL is how long a ticket issued by scanning the projector QR stays
// valid: long enough to sign in on a phone, too short to pass around.
const TicketTTL = 5 * time.Minute

// Errors of codes, tickets and badges; web shows them as field errors.
var (
	ErrBadCode   = errors.New("checkin: code expired or not valid")
	ErrBadTicket = errors.New("checkin: ticket expired or not valid")
	ErrBadBadge  = errors.New("checkin: badge not valid")
)

// Step is the time step t falls in, for steps of stepSeconds.
func Step(t time.Time, stepSeconds int) int64 {
	return t.Unix() / int64(stepSeconds)
}

// StepEnds is when step ends.
func StepEnds(step int64, stepSeconds int) time.Time {
	return time.Unix((step+1)*int64(stepSeconds), 0).UTC()
}

func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(strings.Join(parts, "|")))
	return h.Sum(nil)
}

// Code is the 6-digit code of a session for a step, truncated from the
// HMAC as HOTP does (RFC 4226 §5.3).
func Code(key []byte, sessionID, step int64) string {
	sum := mac(key, "code", strconv.FormatInt(sessionID, 10), strconv.FormatInt(step, 10))
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// CodeMatches reports whether code is the session's code for the step of
// now or the step before it.
func CodeMatches(key []byte, sessionID int64, code string, now time.Time, stepSeconds int) bool {
	code = NormalizeCode(code)
	if len(code) != 6 {
		return false
	}
	step := Step(now, stepSeconds)
	for _, s := range []int64{step, step - 1} {
		if hmac.Equal([]byte(Code(key, sessionID, s)), []byte(code)) {
			return true
		}
	}
	return false
}

// NormalizeCode drops the spaces and dashes people type into a code and
// turns full-width digits (Chinese input methods) into ASCII.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '-' || r == '\u3000':
		default:
			return ""
		}
	}
	return b.String()
}

var b64 = base64.RawURLEncoding

// QRToken is what the projector's QR link carries for a step: the session,
// the step and a MAC longer than the typed code, so it cannot be guessed.
func QRToken(key []byte, sessionID, step int64) string {
	body := strconv.FormatInt(sessionID, 10) + "." + strconv.FormatInt(step, 10)
	return body + "." + b64.EncodeToString(mac(key, "qr", body)[:16])
}

// ParseQRToken checks a QR token against the current and previous step
// and returns its session.
func ParseQRToken(key []byte, token string, now time.Time, stepOf func(sessionID int64) (int, error)) (sessionID, step int64, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, 0, ErrBadCode
	}
	sessionID, err1 := strconv.ParseInt(parts[0], 10, 64)
	step, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || sessionID <= 0 {
		return 0, 0, ErrBadCode
	}
	if !hmac.Equal([]byte(QRToken(key, sessionID, step)), []byte(token)) {
		return 0, 0, ErrBadCode
	}
	stepSeconds, err := stepOf(sessionID)
	if err != nil {
		return 0, 0, err
	}
	if cur := Step(now, stepSeconds); step != cur && step != cur-1 {
		return 0, 0, ErrBadCode
	}
	return sessionID, step, nil
}

// Ticket is issued when a QR link is opened: it carries the check-in
// through a sign-in, for TicketTTL.
type Ticket struct {
	SessionID int64
	IssuedAt  time.Time
}

// IssueTicket signs a ticket for a session, issued at t.
func IssueTicket(key []byte, sessionID int64, t time.Time) string {
	body := strconv.FormatInt(sessionID, 10) + "." + strconv.FormatInt(t.Unix(), 10)
	return body + "." + b64.EncodeToString(mac(key, "ticket", body)[:16])
}

// ParseTicket checks a ticket's signature and age at now.
func ParseTicket(key []byte, s string, now time.Time) (Ticket, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Ticket{}, ErrBadTicket
	}
	sessionID, err1 := strconv.ParseInt(parts[0], 10, 64)
	issued, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || sessionID <= 0 {
		return Ticket{}, ErrBadTicket
	}
	if !hmac.Equal([]byte(IssueTicket(key, sessionID, time.Unix(issued, 0))), []byte(s)) {
		return Ticket{}, ErrBadTicket
	}
	t := Ticket{SessionID: sessionID, IssuedAt: time.Unix(issued, 0).UTC()}
	if age := now.Sub(t.IssuedAt); age > TicketTTL || age < -time.Minute {
		return Ticket{}, ErrBadTicket
	}
	return t, nil
}

// badgePrefix marks a personal badge among whatever a USB scanner types.
const badgePrefix = "MEDED-P-"

// Badge is the text of a person's personal QR code, shown on the profile
// and the printable badge, scanned at the kiosk.
func Badge(key []byte, personID int64) string {
	id := strconv.FormatInt(personID, 10)
	return badgePrefix + id + "-" + b64.EncodeToString(mac(key, "badge", id)[:12])
}

// ParseBadge returns the person of a badge. Scanners sometimes add spaces
// or a trailing newline; those are dropped.
func ParseBadge(key []byte, s string) (int64, error) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(strings.ToUpper(s[:min(len(s), len(badgePrefix))])+s[min(len(s), len(badgePrefix)):], badgePrefix)
	if !ok {
		return 0, ErrBadBadge
	}
	id, _, ok := strings.Cut(rest, "-")
	personID, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || personID <= 0 {
		return 0, ErrBadBadge
	}
	if !hmac.Equal([]byte(Badge(key, personID)), []byte(badgePrefix+rest)) {
		return 0, ErrBadBadge
	}
	return personID, nil
}
