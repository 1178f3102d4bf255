package web_test

import (
	"strings"
	"testing"
)

// TestMenuGroupsOnlyLongMenus: a learner's few links stand side by side;
// the admin's many go into a menu per section, every link still there.
func TestMenuGroupsOnlyLongMenus(t *testing.T) {
	f := sqliteFixture(t)
	admin := readAll(t, f.do("admin", "GET", "/", "", ""))
	for _, want := range []string{`<details class="menu-group">`, `data-menu="accounts"`, `data-menu="rules"`, `data-menu="agreements"`, `data-menu="profile"`} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin's navigation lacks %s", want)
		}
	}
	learner := readAll(t, f.do("learner", "GET", "/", "", ""))
	if strings.Contains(learner, "menu-group") || !strings.Contains(learner, `data-menu="credits"`) || !strings.Contains(learner, `data-menu="dashboard" class="active"`) {
		t.Errorf("the learner's navigation should be flat, with Home marked active")
	}
	// The section holding the current page is marked too.
	rules := readAll(t, f.do("admin", "GET", "/rules", "", ""))
	if !strings.Contains(rules, `<summary class="active">`) {
		t.Errorf("the section of the current page is not marked active")
	}
}
