package ledger

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/store"
)

// Head is the last entry of one chain at the time of a checkpoint.
type Head struct {
	PersonID int64  `json:"person_id"`
	Seq      int64  `json:"seq"`
	Hash     string `json:"hash"`
}

// Checkpoint is a signed statement of every chain's head at one moment. An
// auditor who keeps it can later prove that no entry before it was
// rewritten: each head must still be in its chain, with the same hash, and
// each chain must still verify.
type Checkpoint struct {
	Version    string    `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	Heads      []Head    `json:"heads"`
	MerkleRoot string    `json:"merkle_root"`
	PublicKey  string    `json:"public_key"` // base64 ed25519 public key
	Signature  string    `json:"signature"`  // base64 ed25519 signature of SignedBytes
}

const checkpointVersion = "meded-ledger-checkpoint-v1"

// SignedBytes is what the signature covers: the version, the time in UTC
// microseconds, the number of heads and their Merkle root.
func (c Checkpoint) SignedBytes() []byte {
	return []byte(fmt.Sprintf("%s\ncreated_at_us=%d\nheads=%d\nmerkle_root=%s\n",
		c.Version, c.CreatedAt.UTC().UnixMicro(), len(c.Heads), c.MerkleRoot))
}

// MerkleRoot hashes the heads, sorted by person, into one root: a leaf is
// SHA-256("leaf\n<person>\n<seq>\n<hash>"), a node SHA-256("node\n<left><right>")
// over hex strings, and an odd node moves up unchanged.
func MerkleRoot(heads []Head) string {
	sorted := append([]Head(nil), heads...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].PersonID < sorted[j].PersonID })
	level := make([]string, len(sorted))
	for i, h := range sorted {
		level[i] = sha256Hex("leaf\n" + strconv.FormatInt(h.PersonID, 10) + "\n" + strconv.FormatInt(h.Seq, 10) + "\n" + h.Hash)
	}
	if len(level) == 0 {
		return sha256Hex("empty")
	}
	for len(level) > 1 {
		var next []string
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				next = append(next, level[i])
				continue
			}
			next = append(next, sha256Hex("node\n"+level[i]+level[i+1]))
		}
		level = next
	}
	return level[0]
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// MakeCheckpoint verifies the ledger and, when it is intact, signs its heads.
func MakeCheckpoint(ctx context.Context, q store.Querier, key ed25519.PrivateKey) (Checkpoint, error) {
	r, err := Verify(ctx, q)
	if err != nil {
		return Checkpoint{}, err
	}
	if !r.OK() {
		var b bytes.Buffer
		r.Write(&b)
		return Checkpoint{}, fmt.Errorf("ledger: refusing to sign a broken ledger:\n%s", b.String())
	}
	rows, err := q.Query(ctx, "SELECT person_id, seq, hash FROM ledger_heads WHERE seq > 0 ORDER BY person_id")
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: checkpoint: %w", err)
	}
	defer rows.Close()
	c := Checkpoint{Version: checkpointVersion, CreatedAt: store.Now(), Heads: []Head{}}
	for rows.Next() {
		var h Head
		if err := rows.Scan(&h.PersonID, &h.Seq, &h.Hash); err != nil {
			return Checkpoint{}, fmt.Errorf("ledger: checkpoint: %w", err)
		}
		c.Heads = append(c.Heads, h)
	}
	if err := rows.Err(); err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: checkpoint: %w", err)
	}
	c.MerkleRoot = MerkleRoot(c.Heads)
	c.PublicKey = base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.SignedBytes()))
	return c, nil
}

// VerifyCheckpoint checks c's signature (by one of trusted, when given), its
// Merkle root, and that every head it names is still in its chain with the
// same hash. It returns the problems found; none means nothing before the
// checkpoint was rewritten (run Verify too, for the chains' own integrity).
func VerifyCheckpoint(ctx context.Context, q store.Querier, c Checkpoint, trusted []ed25519.PublicKey) ([]string, error) {
	pub, err := base64.StdEncoding.DecodeString(c.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return []string{"the checkpoint's public key is malformed"}, nil
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.SignedBytes(), sig) {
		return []string{"the checkpoint's signature is not valid: the file was altered or signed by another key"}, nil
	}
	if len(trusted) > 0 {
		ok := false
		for _, t := range trusted {
			if bytes.Equal(t, pub) {
				ok = true
			}
		}
		if !ok {
			return []string{"the checkpoint was signed by a key that is not trusted here"}, nil
		}
	}
	if MerkleRoot(c.Heads) != c.MerkleRoot {
		return []string{"the checkpoint's heads do not match its signed Merkle root"}, nil
	}
	var problems []string
	for _, h := range c.Heads {
		var hash string
		err := q.QueryRow(ctx, "SELECT hash FROM ledger_entries WHERE person_id = ? AND seq = ?", h.PersonID, h.Seq).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			problems = append(problems, fmt.Sprintf("person %d: entry seq %d named by the checkpoint is gone", h.PersonID, h.Seq))
		case err != nil:
			return nil, fmt.Errorf("ledger: verify checkpoint: %w", err)
		case hash != h.Hash:
			problems = append(problems, fmt.Sprintf("person %d: entry seq %d differs from the checkpoint (history was rewritten)", h.PersonID, h.Seq))
		}
	}
	return problems, nil
}

// LoadOrCreateKey reads the ed25519 signing key at path (a base64 seed), or
// creates one (mode 0600) when the file does not exist.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("ledger: key directory: %w", err)
		}
		enc := base64.StdEncoding.EncodeToString(seed) + "\n"
		if err := os.WriteFile(path, []byte(enc), 0o600); err != nil {
			return nil, false, fmt.Errorf("ledger: write key: %w", err)
		}
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		if err := os.WriteFile(path+".pub", []byte(base64.StdEncoding.EncodeToString(pub)+"\n"), 0o644); err != nil {
			return nil, false, fmt.Errorf("ledger: write public key: %w", err)
		}
		return ed25519.NewKeyFromSeed(seed), true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("ledger: read key: %w", err)
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, false, fmt.Errorf("ledger: %s is not a base64 ed25519 seed", path)
	}
	return ed25519.NewKeyFromSeed(seed), false, nil
}

// ReadPublicKey reads a base64 ed25519 public key file (KEY.pub).
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: read public key: %w", err)
	}
	pub, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ledger: %s is not a base64 ed25519 public key", path)
	}
	return pub, nil
}
