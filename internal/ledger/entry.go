// Package ledger keeps every person's credits as an append-only chain of
// entries, each holding the hash of the one before it, so that any row
// altered outside MedEd is found by Verify. Corrections are new entries that
// reverse old ones; nothing is updated or deleted (the database refuses it).
package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Credit classes (DESIGN.md §6).
const (
	ClassI    = "I"
	ClassII   = "II"
	ClassNone = "none"
)

// Classes lists the credit classes.
var Classes = []string{ClassI, ClassII, ClassNone}

// Sources of ledger entries (DESIGN.md §6).
var Sources = []string{"activity", "session", "self_report", "further_study", "import", "manual", "correction", "merge"}

// GenesisHash is the previous hash of a chain's first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one line of a person's credit file. Amount is in hundredths of a
// credit and Hours in hundredths of a study hour; a reversal has negative
// amounts and names the entry it reverses.
type Entry struct {
	ID         int64     `json:"id"`
	PersonID   int64     `json:"person_id"`
	Seq        int64     `json:"seq"`
	CreditYear int       `json:"credit_year"`
	Class      string    `json:"class"`
	Category   string    `json:"category"`
	Amount     int64     `json:"amount"`
	Hours      int64     `json:"hours"`
	Source     string    `json:"source"`
	SourceRef  string    `json:"source_ref"`
	Role       string    `json:"role"`
	Evidence   string    `json:"evidence"`
	Reverses   int64     `json:"reverses,omitempty"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// canonicalVersion names the encoding; a new encoding gets a new name and
// old entries keep verifying under theirs.
const canonicalVersion = "meded-ledger-v1"

// Canonical is the byte string an entry's hash covers: the version line,
// then one "name=value" line per field in this fixed order, with strings as
// JSON strings, integers in decimal, the time in UTC microseconds since the
// Unix epoch, and the entry's database id left out (a chain copied to another
// database keeps verifying). docs/ledger.md documents it for outside
// verifiers.
func (e Entry) Canonical() []byte {
	var b strings.Builder
	b.WriteString(canonicalVersion)
	b.WriteByte('\n')
	num := func(name string, v int64) {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteByte('\n')
	}
	str := func(name, v string) {
		q, _ := json.Marshal(v) // a string always marshals
		b.WriteString(name)
		b.WriteByte('=')
		b.Write(q)
		b.WriteByte('\n')
	}
	num("person_id", e.PersonID)
	num("seq", e.Seq)
	num("credit_year", int64(e.CreditYear))
	str("class", e.Class)
	str("category", e.Category)
	num("amount", e.Amount)
	num("hours", e.Hours)
	str("source", e.Source)
	str("source_ref", e.SourceRef)
	str("role", e.Role)
	str("evidence", e.Evidence)
	num("reverses", e.Reverses)
	str("recorded_by", e.RecordedBy)
	num("recorded_at_us", e.RecordedAt.UTC().UnixMicro())
	str("prev_hash", e.PrevHash)
	return []byte(b.String())
}

// ComputeHash is the hex SHA-256 of the canonical encoding.
func (e Entry) ComputeHash() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}
