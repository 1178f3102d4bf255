package furtherstudy_test

import (
	"testing"
	"time"

	"github.com/meded/meded/internal/furtherstudy"
)

// FuzzWholeMonths: for any two dates in order, the whole months lie
// between the calendar months spanned minus one and that span, and a day
// more never counts fewer months.
func FuzzWholeMonths(f *testing.F) {
	for _, s := range [][2]string{{"2019-03-01", "2019-08-31"}, {"2019-01-31", "2019-02-28"}, {"2020-02-29", "2021-02-28"}, {"2019-12-15", "2020-12-14"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		start, err1 := time.Parse(time.DateOnly, a)
		end, err2 := time.Parse(time.DateOnly, b)
		if err1 != nil || err2 != nil || end.Before(start) || end.Year()-start.Year() > 50 {
			return
		}
		got := furtherstudy.WholeMonths(start, end)
		span := (end.Year()-start.Year())*12 + int(end.Month()) - int(start.Month()) + 1
		if got < span-2 || got > span {
			t.Errorf("%s – %s: %d whole months, calendar span %d", a, b, got, span)
		}
		if next := furtherstudy.WholeMonths(start, end.AddDate(0, 0, 1)); next < got {
			t.Errorf("%s – %s: %d months, one day more %d", a, b, got, next)
		}
	})
}

// FuzzStayMonths: whatever the stored dates, the months of a stay are
// well-formed, in order, and at most a year and a bit.
func FuzzStayMonths(f *testing.F) {
	f.Add("2019-03-01", "2019-08-31", "")
	f.Add("2019-03-01", "2019-12-31", "2019-06-15")
	f.Add("", "", "")
	f.Add("2019", "x", "2019-0")
	f.Fuzz(func(t *testing.T, arrived, end, completed string) {
		a := furtherstudy.Application{ArrivedOn: arrived, EndOn: end, CompletedOn: completed}
		months := a.StayMonths()
		if len(months) > furtherstudy.MaxMonths+2 {
			t.Fatalf("%d months", len(months))
		}
		for i, m := range months {
			if _, err := time.Parse("2006-01", m); err != nil || (i > 0 && m <= months[i-1]) {
				t.Fatalf("months %v", months)
			}
		}
	})
}
