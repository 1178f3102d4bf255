package checkin

import (
	"context"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// MaxScans is the most scans one kiosk upload may carry; a kiosk that was
// offline longer sends its queue in several uploads.
const MaxScans = 500

// Scan is one badge read at a kiosk.
type Scan struct {
	Badge string `json:"badge"`
	// ScannedAt is when the badge was read; a kiosk that lost its
	// connection sends its queue later with the original times. Zero: now.
	ScannedAt time.Time `json:"scanned_at"`
	// Action is "in" (the default) or "out" for sessions with check-out.
	Action string `json:"action,omitempty"`
}

// ScanResult is what became of one scan: a status, or the error that
// refused it (nothing was recorded for it then).
type ScanResult struct {
	Index    int                  `json:"index"`
	PersonID int64                `json:"person_id,omitempty"`
	Status   string               `json:"status,omitempty"`
	Error    *validate.FieldError `json:"error,omitempty"`
	Result   *Result              `json:"result,omitempty"`
}

// Kiosk records a batch of badge scans for a session. Each scan is its own
// transaction, so one bad badge refuses that scan only; sending the same
// queue twice (the answer was lost) records nothing new.
func Kiosk(ctx context.Context, db *store.DB, actor audit.Actor, key []byte, sessionID int64, scans []Scan, now time.Time) ([]ScanResult, error) {
	if len(scans) > MaxScans {
		return nil, validate.Field("scans", "error.too_many_rows", MaxScans)
	}
	out := make([]ScanResult, len(scans))
	for i, sc := range scans {
		out[i].Index = i
		personID, err := ParseBadge(key, sc.Badge)
		if err != nil {
			out[i].Error = &validate.FieldError{Field: "badge", Key: "error.checkin_bad_badge"}
			continue
		}
		out[i].PersonID = personID
		at := sc.ScannedAt
		if at.IsZero() {
			at = now
		}
		req := Request{SessionID: sessionID, PersonID: personID, Method: MethodKiosk, At: at}
		var res Result
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			switch sc.Action {
			case "", "in":
				res, err = In(ctx, tx, actor, req, now)
			case "out":
				res, err = Out(ctx, tx, actor, req, now)
			default:
				err = validate.Field("action", "error.invalid_choice", "in, out")
			}
			return err
		})
		if fields, ok := validate.As(err); ok {
			out[i].Error = &fields[0]
			continue
		}
		if err != nil {
			return out, err
		}
		out[i].Status, out[i].Result = res.Status, &res
	}
	return out, nil
}
