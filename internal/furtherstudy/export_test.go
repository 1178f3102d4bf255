package furtherstudy

import "testing"

// SetToday fixes the current date for a test.
func SetToday(t *testing.T, day string) {
	old := today
	today = func() string { return day }
	t.Cleanup(func() { today = old })
}
