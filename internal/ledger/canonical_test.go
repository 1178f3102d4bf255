package ledger_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/meded/meded/internal/ledger"
)

// TestCanonicalEncodingIsStable pins the encoding documented in
// docs/ledger.md: changing it would break every chain already written.
func TestCanonicalEncodingIsStable(t *testing.T) {
	e := ledger.Entry{ID: 99, PersonID: 42, Seq: 3, CreditYear: 2019, Class: "I", Category: "national_project",
		Amount: 200, Hours: 600, Source: "activity", SourceRef: "activity:7", Role: "participant",
		Evidence: "6 h ÷ 3 = 2.00, Class I, national project 2017-09-02-144", RecordedBy: "CME office (account 7)",
		RecordedAt: time.Date(2019, 11, 21, 11, 0, 0, 123456000, time.UTC), PrevHash: ledger.GenesisHash}
	want := "meded-ledger-v1\nperson_id=42\nseq=3\ncredit_year=2019\nclass=\"I\"\ncategory=\"national_project\"\namount=200\nhours=600\n" +
		"source=\"activity\"\nsource_ref=\"activity:7\"\nrole=\"participant\"\nevidence=\"6 h ÷ 3 = 2.00, Class I, national project 2017-09-02-144\"\n" +
		"reverses=0\nrecorded_by=\"CME office (account 7)\"\nrecorded_at_us=1574334000123456\nprev_hash=\"" + ledger.GenesisHash + "\"\n"
	if got := string(e.Canonical()); got != want {
		t.Errorf("canonical encoding:\n%s\nwant:\n%s", got, want)
	}
	// The digest of this example is also printed in docs/ledger.md, so an
	// outside verifier can check their own implementation against it.
	if got, want := e.ComputeHash(), "b78173d9939f9bdc940cbd4d7ff32b23aa47b7cfde58a52c3963621126d82aa4"; got != want {
		t.Errorf("hash %s, want %s", got, want)
	}
	moved := e
	moved.ID = 1234
	moved.RecordedAt = e.RecordedAt.In(time.FixedZone("CST", 8*3600))
	if moved.ComputeHash() != e.ComputeHash() {
		t.Error("the hash depends on the database id or the time zone")
	}
}

// FuzzCanonicalSeparatesFields: no choice of text fields makes two
// different entries encode alike (text is quoted, so it cannot forge a line).
func FuzzCanonicalSeparatesFields(f *testing.F) {
	f.Add("national_project", "x\nseq=4", "role")
	f.Add("a\"", "", "\u2028")
	f.Fuzz(func(t *testing.T, category, evidence, role string) {
		a := ledger.Entry{PersonID: 1, Seq: 1, Category: category, Evidence: evidence, Role: role}
		b := a
		b.Evidence, b.Role = evidence+role, ""
		if (a.Evidence != b.Evidence || a.Role != b.Role) && bytes.Equal(a.Canonical(), b.Canonical()) {
			t.Fatalf("different entries encode alike: %q", a.Canonical())
		}
		if n := bytes.Count(a.Canonical(), []byte("\n")); n != 16 {
			t.Fatalf("encoding has %d lines, want 16: %q", n, a.Canonical())
		}
	})
}
