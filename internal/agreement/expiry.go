package agreement

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/store"
)

// ExpiryWindow is how many days ahead the partnership office is warned.
const ExpiryWindow = 90

// Sweep moves agreements along with the calendar: an active agreement whose
// end falls within window days of today becomes expiring, and one in force
// whose end has passed becomes expired. It returns how many it moved.
func Sweep(ctx context.Context, tx *store.Tx, actor audit.Actor, now time.Time, window int) (int, error) {
	today := now.Format(DateLayout)
	soon := now.AddDate(0, 0, window).Format(DateLayout)
	moved := 0
	for _, step := range []struct{ from, to, cond string }{
		{"'signed', 'active', 'expiring'", "expired", "end_on < ?"},
		{"'active'", "expiring", "end_on <= ?"},
	} {
		arg := today
		if step.to == "expiring" {
			arg = soon
		}
		rows, err := tx.Query(ctx, `SELECT id, status FROM agreements WHERE end_on <> '' AND status IN (`+step.from+`) AND `+step.cond+` ORDER BY id`, arg)
		if err != nil {
			return moved, fmt.Errorf("agreement: sweep: %w", err)
		}
		type row struct {
			id     int64
			status string
		}
		var due []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.status); err != nil {
				rows.Close()
				return moved, fmt.Errorf("agreement: sweep: %w", err)
			}
			due = append(due, r)
		}
		rows.Close()
		for _, r := range due {
			if _, err := tx.Exec(ctx, `UPDATE agreements SET status = ?, updated_at = ? WHERE id = ?`, step.to, store.Now(), r.id); err != nil {
				return moved, fmt.Errorf("agreement %d: sweep: %w", r.id, err)
			}
			err := audit.Record(ctx, tx, actor, audit.Change{Action: "status", Entity: "agreement", EntityID: r.id,
				Before: map[string]string{"status": r.status}, After: map[string]string{"status": step.to}})
			if err != nil {
				return moved, err
			}
			moved++
		}
	}
	return moved, nil
}

// WriteExpiring writes agreements (as Expiring returns them) as a plain
// table for `meded report expiring`: end date, days left, kind, status,
// name and parties, in English.
func WriteExpiring(w io.Writer, now time.Time, list []Agreement) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "END\tDAYS\tKIND\tSTATUS\tID\tAGREEMENT\tPARTIES")
	today, _ := ParseDate(now.Format(DateLayout))
	for _, a := range list {
		end, _ := ParseDate(a.EndOn)
		days := int(end.Sub(today).Hours() / 24)
		names := make([]string, len(a.Parties))
		for i, p := range a.Parties {
			names[i] = p.Name("en")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%s\t%s\n", a.EndOn, days, a.Kind, a.Status, a.ID, a.Name("en"), strings.Join(names, "; "))
	}
	if len(list) == 0 {
		fmt.Fprintln(tw, "(none)")
	}
	return tw.Flush()
}
