package demo

import (
	"fmt"

	"github.com/meded/meded/internal/checkin"
)

// loadCheckIn records live check-in: projector codes, the learner check-in page and the kiosk.
// It creates the signing key up front (so every instance started on the
// demo database shares it from the first request) and asks for check-out at
// today's surgical observation, so credit there follows the time present.
func (b *builder) loadCheckIn() error {
	if _, err := checkin.Key(b.ctx, b.tx); err != nil {
		return err
	}
	ids, err := b.column(`SELECT s.id FROM cme_sessions s JOIN activities a ON a.id = s.activity_id
		WHERE a.title_en = ? ORDER BY s.starts_at, s.id`, "Laparoscopic hepatectomy: surgical observation")
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("demo: check-in: the running project has no sessions")
	}
	st := checkin.Defaults(ids[0])
	st.Checkout = true
	_, err = checkin.SaveSettings(b.ctx, b.tx, actor, st)
	return err
}
