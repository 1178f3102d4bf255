// Package review is the office's approval of a submitted application: the
// lecturers' declarations must all hold before the activity is approved.
package review

import (
	"context"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/declaration"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Approve approves an application after checking every session's lecturers
// hold a valid declaration; otherwise it names the first blocked session.
func Approve(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, ap activity.Approval) (activity.Activity, error) {
	if _, err := activity.Lock(ctx, tx, id); err != nil {
		return activity.Activity{}, err
	}
	problems, err := declaration.Check(ctx, tx, id)
	if err != nil {
		return activity.Activity{}, err
	}
	if len(problems) > 0 {
		var es validate.Errors
		for _, p := range problems {
			key := "error.declaration_missing"
			if p.Expired {
				key = "error.declaration_expired"
			}
			es.Add("declarations", key, p.SessionID)
		}
		return activity.Activity{}, es
	}
	return activity.Approve(ctx, tx, actor, id, ap)
}
