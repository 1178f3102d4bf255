package demo_test

import (
	"context"
	"testing"

	"github.com/meded/meded/internal/cmereport"
	"github.com/meded/meded/internal/demo"
	"github.com/meded/meded/internal/store"
)

// TestDemoReproducesTheCMEPage checks the Hangzhou hospital's figures with
// the report functions the CME figures page uses: 15 national projects in
// 1997, 115 in 2019, rising in between, and more than 21,000 person-times
// trained in 2019.
func checkCMEPage(t *testing.T, db *store.DB) {
	{
		ctx := context.Background()
		years, err := cmereport.Yearly(ctx, db, cmereport.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		byYear := map[int]cmereport.Year{}
		for _, y := range years {
			byYear[y.Year] = y
		}
		if got, want := byYear[1997].ByLevel["national"], 15; got != want {
			t.Errorf("national projects in 1997: got %d, want %d", got, want)
		}
		if got, want := byYear[2019].ByLevel["national"], 115; got != want {
			t.Errorf("national projects in 2019: got %d, want %d", got, want)
		}
		for y := 1998; y <= 2019; y++ {
			if byYear[y].ByLevel["national"] < byYear[y-1].ByLevel["national"] {
				t.Errorf("national projects fall from %d to %d", y-1, y)
			}
			if byYear[y].ByLevel["national"] != demo.NationalProjects(y) {
				t.Errorf("%d: got %d national projects, want %d", y, byYear[y].ByLevel["national"], demo.NationalProjects(y))
			}
		}
		for _, level := range []string{"provincial", "municipal", "institutional"} {
			if byYear[2019].ByLevel[level] == 0 {
				t.Errorf("no %s projects in 2019", level)
			}
		}
		if got := byYear[2019].PersonTimes; got <= 21000 {
			t.Errorf("person-times trained in 2019: got %d, want more than 21,000", got)
		}
		var staff int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE institution_id = (SELECT institution_id FROM people WHERE staff_number = 'Z00001')`).Scan(&staff); err != nil {
			t.Fatal(err)
		}
		if staff < 2000 {
			t.Errorf("the hospital has %d staff, want a few thousand", staff)
		}
	}
}
