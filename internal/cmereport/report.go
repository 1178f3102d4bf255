// Package cmereport computes the CME office's yearly figures from the
// records: activities per level per year (the 1997 → 2019 trend of national
// projects) and person-times trained.
//
// Only activities of kind cme_project count: series, training classes and
// conferences report their own figures.
//
// Person-times trained in a year is the number of completed participant
// enrolments in activities of that year: one learner completing three
// projects counts three times; withdrawn, waitlisted and not-completed
// enrolments do not count.
package cmereport

import (
	"context"
	"fmt"
	"strings"

	"github.com/meded/meded/internal/activity"
	"github.com/meded/meded/internal/store"
)

// counted are the statuses of activities that count in the yearly figures:
// approved ones and those after them (not drafts, submissions or rejections).
var counted = []string{"approved", "running", "closed", "archived"}

// Year is one year's figures.
type Year struct {
	Year        int            `json:"year"`
	ByLevel     map[string]int `json:"by_level"`
	Total       int            `json:"total"`
	PersonTimes int            `json:"person_times"`
}

// Filter limits the report to institutions (nil: all) and years.
type Filter struct {
	InstitutionIDs []int64
	From, To       int
}

func scopeClause(f Filter, col string) (string, []any) {
	var parts []string
	var args []any
	if f.InstitutionIDs != nil {
		if len(f.InstitutionIDs) == 0 {
			parts = append(parts, "1 = 0")
		} else {
			parts = append(parts, col+"institution_id IN ("+store.Marks(len(f.InstitutionIDs))+")")
			for _, id := range f.InstitutionIDs {
				args = append(args, id)
			}
		}
	}
	if f.From != 0 {
		parts = append(parts, col+"year >= ?")
		args = append(args, f.From)
	}
	if f.To != 0 {
		parts = append(parts, col+"year <= ?")
		args = append(args, f.To)
	}
	parts = append(parts, col+"status IN ('approved', 'running', 'closed', 'archived')")
	// Series, training classes and conferences are activities too, with
	// figures of their own; the yearly CME figures are projects only.
	parts = append(parts, col+"kind = 'cme_project'")
	return strings.Join(parts, " AND "), args
}

// Yearly returns the figures per year, oldest first.
func Yearly(ctx context.Context, q store.Querier, f Filter) ([]Year, error) {
	where, args := scopeClause(f, "")
	rows, err := q.Query(ctx, `SELECT year, level, COUNT(*) FROM activities WHERE `+where+` GROUP BY year, level ORDER BY year`, args...)
	if err != nil {
		return nil, fmt.Errorf("cmereport: by level: %w", err)
	}
	byYear := map[int]*Year{}
	var years []int
	get := func(y int) *Year {
		if byYear[y] == nil {
			byYear[y] = &Year{Year: y, ByLevel: map[string]int{}}
			for _, l := range activity.Levels {
				byYear[y].ByLevel[l] = 0
			}
			years = append(years, y)
		}
		return byYear[y]
	}
	for rows.Next() {
		var y, n int
		var level string
		if err := rows.Scan(&y, &level, &n); err != nil {
			rows.Close()
			return nil, err
		}
		yr := get(y)
		yr.ByLevel[level] += n
		yr.Total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	where, args = scopeClause(f, "a.")
	rows, err = q.Query(ctx, `SELECT a.year, COUNT(*) FROM enrolments e JOIN activities a ON a.id = e.activity_id
		WHERE `+where+` AND e.status = 'completed' AND e.role = 'participant' GROUP BY a.year`, args...)
	if err != nil {
		return nil, fmt.Errorf("cmereport: person-times: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			return nil, err
		}
		get(y).PersonTimes = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Year, 0, len(years))
	for y := range sortedInts(years) {
		out = append(out, *byYear[y])
	}
	return out, nil
}

func sortedInts(xs []int) func(func(int) bool) {
	s := append([]int(nil), xs...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return func(yield func(int) bool) {
		for _, x := range s {
			if !yield(x) {
				return
			}
		}
	}
}

// Counted lists the activity statuses the figures count.
func Counted() []string { return append([]string(nil), counted...) }
