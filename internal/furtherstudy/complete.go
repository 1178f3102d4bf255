package furtherstudy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/institution"
	"github.com/meded/meded/internal/ledger"
	"github.com/meded/meded/internal/placement"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/store"
	"github.com/meded/meded/internal/validate"
)

// Completion closes a stay: the last day, and the final evaluation.
type Completion struct {
	CompletedOn string `json:"completed_on"`
	Score       int    `json:"score"`
	Comment     string `json:"comment"`
}

// SourceRef names an application's entries in the ledger.
func SourceRef(id int64) string { return "further_study:" + strconv.FormatInt(id, 10) }

// Complete completes an arrived trainee's stay: on a day from the arrival
// to the end of the period, not in the future, after at least one whole
// month. The placement is evaluated and completed, and the credits of the
// whole months studied, by the host institution's rule set for the credit
// year (the year of completion), are posted to the trainee's ledger.
func Complete(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64, in Completion) (Application, error) {
	before, err := get(ctx, tx, id, true)
	if err != nil {
		return Application{}, err
	}
	switch before.Status {
	case Arrived:
	case Accepted:
		return Application{}, validate.Field("status", "furtherstudy.not_arrived", before.Status)
	default:
		return Application{}, validate.Field("status", "furtherstudy.bad_transition", before.Status, Completed)
	}
	in.CompletedOn, in.Comment = strings.TrimSpace(in.CompletedOn), strings.TrimSpace(in.Comment)
	if in.CompletedOn == "" {
		in.CompletedOn = before.EndOn
	}
	var es validate.Errors
	months := 0
	if end, ok := date(&es, "completed_on", in.CompletedOn); ok {
		arrived, _ := date(&es, "arrived_on", before.ArrivedOn)
		switch {
		case in.CompletedOn < before.ArrivedOn:
			es.Add("completed_on", "furtherstudy.before_arrival", before.ArrivedOn)
		case in.CompletedOn > before.EndOn:
			es.Add("completed_on", "furtherstudy.after_period", before.EndOn)
		case in.CompletedOn > today():
			es.Add("completed_on", "furtherstudy.in_future")
		default:
			if months = WholeMonths(arrived, end); months < 1 {
				es.Add("completed_on", "furtherstudy.under_a_month")
			}
		}
	}
	if in.Score < 0 || in.Score > 100 {
		es.Add("score", "error.out_of_range", 0, 100)
	}
	es.MaxLen("comment", in.Comment, 2000)
	if len(es) > 0 {
		return Application{}, es
	}
	if _, err := placement.Evaluate(ctx, tx, actor, before.PlacementID, placement.Evaluation{Score: in.Score, Comment: in.Comment}); err != nil {
		return Application{}, err
	}
	year, _ := strconv.Atoi(in.CompletedOn[:4])
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET status = ?, completed_on = ?, months_completed = ?, final_score = ?,
		final_comment = ?, credit_year = ?, updated_at = ? WHERE id = ?`,
		Completed, in.CompletedOn, months, in.Score, in.Comment, year, store.Now(), id)
	if err != nil {
		return Application{}, fmt.Errorf("further study %d: complete: %w", id, err)
	}
	if _, err := PostCredits(ctx, tx, actor, id); err != nil {
		return Application{}, err
	}
	return finish(ctx, tx, actor, before, "complete")
}

// PostCredits brings the trainee's ledger in line with a completed stay:
// what the host's rule set for the credit year gives minus what was already
// posted under SourceRef (ledger.Reconcile), so running it again (after a
// rule set is corrected) posts only the difference, and twice posts
// nothing. It stores the credits and their computation on the application,
// and returns the number of entries posted.
func PostCredits(ctx context.Context, tx *store.Tx, actor audit.Actor, id int64) (int, error) {
	a, err := get(ctx, tx, id, true)
	if err != nil {
		return 0, err
	}
	if a.Status != Completed {
		return 0, validate.Field("status", "furtherstudy.not_completed", a.Status)
	}
	profile, err := rules.For(ctx, tx, a.HostInstitutionID, a.CreditYear)
	if err != nil {
		return 0, fmt.Errorf("further study %d: rule set: %w", id, err)
	}
	host, err := institution.Get(ctx, tx, a.HostInstitutionID)
	if err != nil {
		return 0, err
	}
	award, full, err := profile.FurtherStudyAward(a.MonthsCompleted)
	if err != nil {
		// The rule set gives nothing for further study (e.g. AMA PRA): the
		// stay completes without credits, and the page says why.
		award, full = rules.Award{Class: ledger.ClassNone, Category: "further_study",
			Explanation: fmt.Sprintf("rule set %s gives no credits for further study", profile.ID)}, false
	} else {
		award.Explanation = fmt.Sprintf("further study %s–%s at %s, %s (rule set %s v%d)", a.ArrivedOn, a.CompletedOn,
			host.Name("zh-CN"), award.Explanation, profile.ID, profile.Version)
	}
	fullFlag := 0
	if full {
		fullFlag = 1
	}
	_, err = tx.Exec(ctx, `UPDATE further_study_applications SET credits = ?, full_year = ?, credit_explanation = ?, updated_at = ?
		WHERE id = ?`, award.Amount, fullFlag, award.Explanation, store.Now(), id)
	if err != nil {
		return 0, fmt.Errorf("further study %d: credits: %w", id, err)
	}
	want := map[ledger.Key]ledger.Want{}
	if award.Amount != 0 {
		want[ledger.Key{PersonID: a.PersonID, Role: "trainee", Class: award.Class, Category: award.Category}] = ledger.Want{Amount: award.Amount, Evidence: award.Explanation}
	}
	return ledger.Reconcile(ctx, tx, actor, ledger.Target{SourceRef: SourceRef(id), Source: "further_study", CreditYear: a.CreditYear, Want: want,
		Recomputed: func(now, was int64) string {
			return fmt.Sprintf("now %s credits (was %s)", rules.Hundredths(now), rules.Hundredths(was))
		}})
}
