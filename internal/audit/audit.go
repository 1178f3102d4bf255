// Package audit records every change (who, what, before, after, when, from
// which IP) in the same transaction as the change, and lists the log.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meded/meded/internal/store"
)

// Actor is who makes a change. System changes (demo load, migrations, the
// command line) use a label and no account.
type Actor struct {
	AccountID int64
	Label     string
	IP        string
}

// System is the actor for changes made by meded itself or from its shell.
func System(label string) Actor { return Actor{Label: label} }

// Entry is one row of the audit log.
type Entry struct {
	ID            int64     `json:"id"`
	At            time.Time `json:"at"`
	AccountID     int64     `json:"account_id,omitempty"`
	Actor         string    `json:"actor"`
	IP            string    `json:"ip,omitempty"`
	Action        string    `json:"action"`
	Entity        string    `json:"entity"`
	EntityID      int64     `json:"entity_id,omitempty"`
	InstitutionID int64     `json:"institution_id,omitempty"`
	Before        string    `json:"before,omitempty"`
	After         string    `json:"after,omitempty"`
}

// Change describes one change for Record.
type Change struct {
	Action        string // create, update, delete, login, approve…
	Entity        string // table-like name: person, institution, account…
	EntityID      int64
	InstitutionID int64 // the institution whose office may read this entry; 0 for system-wide
	Before, After any   // marshalled to JSON; nil for none
}

// Record writes c to the log on q, which should be the transaction making the change.
func Record(ctx context.Context, q store.Querier, actor Actor, c Change) error {
	before, err := encode(c.Before)
	if err != nil {
		return fmt.Errorf("audit: %s %s: %w", c.Action, c.Entity, err)
	}
	after, err := encode(c.After)
	if err != nil {
		return fmt.Errorf("audit: %s %s: %w", c.Action, c.Entity, err)
	}
	beforeJSON, afterJSON := maskPair(before, after)
	_, err = q.Exec(ctx, `INSERT INTO audit_log
		(at, account_id, actor, ip, action, entity, entity_id, institution_id, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		store.Now(), nullID(actor.AccountID), actor.Label, actor.IP, c.Action, c.Entity,
		nullID(c.EntityID), nullID(c.InstitutionID), beforeJSON, afterJSON)
	if err != nil {
		return fmt.Errorf("audit: record %s %s: %w", c.Action, c.Entity, err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func encode(v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		// Not an object: keep it under one key.
		var scalar any
		if err := json.Unmarshal(b, &scalar); err != nil {
			return nil, err
		}
		return map[string]any{"value": scalar}, nil
	}
	return m, nil
}

// secret fields never reach the log, not even masked: only that they changed.
var secretFields = map[string]bool{"password": true, "password_hash": true, "token": true, "token_hash": true}

// maskedFields are kept with all but their last four characters hidden.
var maskedFields = map[string]bool{"national_id": true, "phone": true}

func maskPair(before, after map[string]any) (string, string) {
	for key := range secretFields {
		b, inBefore := before[key]
		a, inAfter := after[key]
		if !inBefore && !inAfter {
			continue
		}
		delete(before, key)
		delete(after, key)
		if fmt.Sprint(a) != fmt.Sprint(b) || !inBefore {
			if after == nil {
				after = map[string]any{}
			}
			after[key] = "(changed)"
		}
	}
	for _, m := range []map[string]any{before, after} {
		for key := range maskedFields {
			if s, ok := m[key].(string); ok && s != "" {
				m[key] = MaskTail(s)
			}
		}
	}
	return marshal(before), marshal(after)
}

func marshal(m map[string]any) string {
	if m == nil {
		return ""
	}
	b, _ := json.Marshal(m) // a map decoded from JSON always re-encodes
	return string(b)
}

// MaskTail hides all but the last four characters of s.
func MaskTail(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}
