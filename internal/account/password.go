package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Hasher holds argon2id cost parameters. Memory is in KiB. Hashes record
// their own parameters, so a hash made with one Hasher checks with any.
type Hasher struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultHasher is OWASP's argon2id suggestion (19 MiB, 2 passes, 1 lane),
// which keeps a 2-core server at a few dozen logins a second per core. It is
// never modified by this package; treat it as a constant.
var DefaultHasher = Hasher{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32

	// Bounds for parameters read from a stored hash, so a corrupt or
	// hostile hash string cannot make a check allocate gigabytes.
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 32
	maxThreads = 16

	minPasswordLen = 8
	maxPasswordLen = 256
)

// ErrMalformedHash is returned by CheckPassword for a string that is not an
// argon2id hash MedEd can check.
var ErrMalformedHash = errors.New("account: malformed password hash")

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func (h Hasher) Hash(pw string) (string, error) {
	if h.Time < 1 || h.Threads < 1 || h.Memory < 8*uint32(h.Threads) {
		return "", fmt.Errorf("account: invalid hasher parameters m=%d t=%d p=%d", h.Memory, h.Time, h.Threads)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("account: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, h.Time, h.Memory, h.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.Memory, h.Time, h.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// NeedsRehash reports whether hash was made with other parameters than h
// (or is not an argon2id hash at all), so a successful login should store a
// fresh hash.
func (h Hasher) NeedsRehash(hash string) bool {
	p, err := parseHash(hash)
	if err != nil {
		return true
	}
	return p.hasher != h || len(p.key) != keyLen
}

// HashPassword hashes pw with DefaultHasher.
func HashPassword(pw string) (string, error) { return DefaultHasher.Hash(pw) }

// NeedsRehash reports whether hash differs from what DefaultHasher makes.
func NeedsRehash(hash string) bool { return DefaultHasher.NeedsRehash(hash) }

// CheckPassword reports whether pw matches hash, comparing in constant time.
// A hash it cannot read returns ErrMalformedHash.
func CheckPassword(hash, pw string) (bool, error) {
	p, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), p.salt, p.hasher.Time, p.hasher.Memory, p.hasher.Threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(got, p.key) == 1, nil
}

// spendCheck costs as much as checking a hash made by h, so a login for an
// unknown account takes as long as one for a known account.
func spendCheck(h Hasher, pw string) {
	argon2.IDKey([]byte(pw), make([]byte, saltLen), h.Time, h.Memory, h.Threads, keyLen)
}

type parsedHash struct {
	hasher    Hasher
	salt, key []byte
}

func parseHash(s string) (parsedHash, error) {
	var p parsedHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, ErrMalformedHash
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || value == "" || (len(value) > 1 && value[0] == '0') {
			return p, ErrMalformedHash
		}
		n, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return p, ErrMalformedHash
		}
		var i int
		switch name {
		case "m":
			i, p.hasher.Memory = 0, uint32(n)
		case "t":
			i, p.hasher.Time = 1, uint32(n)
		case "p":
			if n > maxThreads {
				return p, ErrMalformedHash
			}
			i, p.hasher.Threads = 2, uint8(n)
		default:
			return p, ErrMalformedHash
		}
		if seen[i] {
			return p, ErrMalformedHash
		}
		seen[i] = true
	}
	h := p.hasher
	if !seen[0] || !seen[1] || !seen[2] ||
		h.Threads < 1 || h.Time < 1 || h.Time > maxTime || h.Memory < 8*uint32(h.Threads) || h.Memory > maxMemory {
		return p, ErrMalformedHash
	}
	var err error
	if p.salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(p.salt) < 8 || len(p.salt) > 64 {
		return p, ErrMalformedHash
	}
	if p.key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, ErrMalformedHash
	}
	return p, nil
}

// checkPasswordPolicy adds problems with pw to es under field: at least
// minPasswordLen characters, not only digits, not one of the account's logins.
func checkPasswordPolicy(es *validate.Errors, field, pw string, logins ...string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < minPasswordLen:
		es.Add(field, "error.password_too_short", minPasswordLen)
		return
	case len(pw) > maxPasswordLen:
		es.Add(field, "error.too_long", maxPasswordLen)
		return
	}
	allDigits := true
	for _, r := range pw {
		if !unicode.IsDigit(r) {
			allDigits = false
			break
		}
	}
	if allDigits {
		es.Add(field, "error.password_too_weak")
		return
	}
	for _, l := range logins {
		if l != "" && strings.EqualFold(strings.TrimSpace(pw), l) {
			es.Add(field, "error.password_too_weak")
			return
		}
	}
}

// loginsOf lists the identifiers someone could log in to a with, for the
// password policy: its username, email, phone and its person's staff number.
func loginsOf(ctx context.Context, q store.Querier, a Account) ([]string, error) {
	logins := []string{a.Username, a.Email, a.Phone}
	if a.PersonID == 0 {
		return logins, nil
	}
	var staff sql.NullString
	err := q.QueryRow(ctx, `SELECT staff_number FROM people WHERE id = ?`, a.PersonID).Scan(&staff)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("account %d: load staff number: %w", a.ID, err)
	}
	return append(logins, staff.String), nil
}

// SetPassword replaces the password of an account (an administrator's
// reset), sets whether it must be changed at next login, ends the account's
// sessions and clears its failed logins.
func SetPassword(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, password string, mustChange bool) error {
	a, oldHash, err := getWithHash(ctx, tx, accountID)
	if err != nil {
		return err
	}
	logins, err := loginsOf(ctx, tx, a)
	if err != nil {
		return err
	}
	var es validate.Errors
	checkPasswordPolicy(&es, "password", password, logins...)
	if err := es.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return storePassword(ctx, tx, actor, a, oldHash, hash, mustChange, "set_password")
}

// ChangePassword lets account holders replace their own password after
// proving the current one. It ends every session of the account, so the
// caller starts a fresh one for the browser that made the change.
func ChangePassword(ctx context.Context, tx *store.Tx, actor audit.Actor, accountID int64, current, next string) error {
	a, oldHash, err := getWithHash(ctx, tx, accountID)
	if err != nil {
		return err
	}
	ok, err := CheckPassword(oldHash, current)
	if err != nil && !errors.Is(err, ErrMalformedHash) {
		return fmt.Errorf("account %d: check password: %w", accountID, err)
	}
	logins, err := loginsOf(ctx, tx, a)
	if err != nil {
		return err
	}
	var es validate.Errors
	if !ok {
		es.Add("current_password", "error.wrong_password")
	}
	checkPasswordPolicy(&es, "new_password", next, logins...)
	if err := es.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return storePassword(ctx, tx, actor, a, oldHash, hash, false, "change_password")
}

func storePassword(ctx context.Context, tx *store.Tx, actor audit.Actor, a Account, oldHash, hash string, mustChange bool, action string) error {
	_, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?`,
		hash, mustChange, store.Now(), a.ID)
	if err != nil {
		return fmt.Errorf("account %d: store password: %w", a.ID, err)
	}
	if err := EndSessions(ctx, tx, a.ID); err != nil {
		return err
	}
	if err := clearFailures(ctx, tx, a.ID); err != nil {
		return err
	}
	type change struct {
		PasswordHash       string `json:"password_hash"`
		MustChangePassword bool   `json:"must_change_password"`
	}
	inst, err := auditInstitution(ctx, tx, a)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, audit.Change{
		Action: action, Entity: "account", EntityID: a.ID, InstitutionID: inst,
		Before: change{oldHash, a.MustChangePassword}, After: change{hash, mustChange},
	})
}
