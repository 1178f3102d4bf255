package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSeriesPagesOnAPhone opens the series pages the menu does not reach
// (a series with its figures, one of its sessions, the attendance rates and
// the calendar subscription) on a 390 px phone, in both languages, as the
// roles that use them, with the same checks as every menu page: no error, no
// sideways scrolling, the role's menu and the demo banner present.
func TestSeriesPagesOnAPhone(t *testing.T) {
	chromium := findChromium(t)
	root := moduleRoot(t)
	dir := t.TempDir()
	bin := buildMeded(t, root, dir)
	srv := startServer(t, bin, dir)
	browser := startBrowser(t, chromium)
	screens := filepath.Join(root, "test-artifacts", "screens")
	if err := os.MkdirAll(screens, 0o755); err != nil {
		t.Fatal(err)
	}
	phone := viewports[0]
	for _, role := range roles {
		switch role.name {
		case "education_office", "project_director", "learner", "auditor":
		default:
			continue
		}
		for _, lang := range languages {
			r := &run{base: srv.baseURL, role: role.name, menu: role.menu, login: srv.logins[role.name], lang: lang, vp: phone,
				screens: screens, browser: browser}
			t.Run(fmt.Sprintf("%s/%s", role.name, lang), r.seriesPages)
		}
	}
}

func (r *run) seriesPages(t *testing.T) {
	r.t = t
	runCtx, cancelRun := context.WithTimeout(r.browser, runTimeout)
	defer cancelRun()
	tab, cancelTab := chromedp.NewContext(runCtx, chromedp.WithNewBrowserContext())
	defer cancelTab()
	r.tab = tab
	r.signIn()
	st, status := r.open(r.base + "/series")
	r.check(st, status)
	series := r.firstHref(st.URL, `table a[href^="/series/"]`)
	st, status = r.open(series)
	r.check(st, status)
	r.screenshot(st.URL, "series")
	if session := r.firstHref(st.URL, `table a[href^="/series-sessions/"]`); session != "" {
		st, status = r.open(session)
		r.check(st, status)
		r.screenshot(st.URL, "series_session")
	}
	if r.role != "learner" {
		st, status = r.open(series + "/rates")
		r.check(st, status)
		r.screenshot(st.URL, "series_rates")
	}
	st, status = r.open(r.base + "/profile/calendar")
	r.check(st, status)
	r.screenshot(st.URL, "calendar")
	r.logout()
}

// signIn opens a phone-sized tab and logs in, as TestBrowser does.
func (r *run) signIn() {
	r.t.Helper()
	if err := chromedp.Do(r.tab, chromedp.EmulateViewport(r.vp.width, r.vp.height,
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		r.fatalf("", "open a tab: %v", err)
	}
	st, status := r.open(r.base + "/login")
	r.requirePage(st, status, "login")
	langButton := fmt.Sprintf(`button[data-lang=%q]`, r.lang)
	st, status = r.follow(st.URL, "choose the language", chromedp.Click(chromedp.CSS(langButton)))
	r.requirePage(st, status, "login")
	r.do(st.URL, "fill in the login form",
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=login]`), r.login.login),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), r.login.password))
	st, status = r.follow(st.URL, "submit the login form", chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	if st.Page != nil && *st.Page == "login" {
		r.fatalf(st.URL, "still on the login page after logging in as %q", r.login.login)
	}
	r.check(st, status)
}

// firstHref is the absolute address of the first element matching sel.
func (r *run) firstHref(at, sel string) string {
	r.t.Helper()
	c, cancel := r.stepCtx()
	defer cancel()
	href, err := chromedp.Run(c, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const a = document.querySelector(%s); return a ? a.href : ""; })()`, jsString(sel))))
	if err != nil || href == "" {
		r.fatalf(at, "no link matches %s", sel)
	}
	return href
}
