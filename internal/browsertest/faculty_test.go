package browsertest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFacultyPages opens the faculty development pages that are not in the
// menu (a class, a conference, the yearly contributions) on a phone, for the
// admin (the demo's education office is the Hangzhou hospital's, and the class is the university's) and the partnership office, and checks them like the menu pages: no error, no
// sideways scrolling.
func TestFacultyPages(t *testing.T) {
	chromium := findChromium(t)
	root := moduleRoot(t)
	dir := t.TempDir()
	bin := buildMeded(t, root, dir)
	srv := startServer(t, bin, dir)
	browser := startBrowser(t, chromium)
	screens := filepath.Join(root, "test-artifacts", "screens")
	for _, role := range []struct{ name, menu, list string }{
		{"admin", "accounts", "/faculty/classes?year=2025"},
		{"partnership_office", "institutions", "/faculty/conferences?year=2026"},
	} {
		for _, lang := range languages {
			r := &run{base: srv.baseURL, role: role.name, menu: role.menu, login: srv.logins[role.name], lang: lang,
				vp: viewports[0], screens: screens, browser: browser}
			t.Run(role.name+"/"+lang, func(t *testing.T) { r.faculty(t, role.list) })
		}
	}
}

func (r *run) faculty(t *testing.T, list string) {
	r.t = t
	runCtx, cancelRun := context.WithTimeout(r.browser, runTimeout)
	defer cancelRun()
	tab, cancelTab := chromedp.NewContext(runCtx, chromedp.WithNewBrowserContext())
	defer cancelTab()
	r.tab = tab
	if err := chromedp.Do(tab, chromedp.EmulateViewport(r.vp.width, r.vp.height, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		r.fatalf("", "open a tab: %v", err)
	}
	st, status := r.open(r.base + "/login")
	r.requirePage(st, status, "login")
	langButton := fmt.Sprintf(`button[data-lang=%q]`, r.lang)
	st, _ = r.follow(st.URL, "choose the language", chromedp.Click(chromedp.CSS(langButton)))
	r.do(st.URL, "fill in the login form",
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=login]`), r.login.login),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), r.login.password))
	st, status = r.follow(st.URL, "submit the login form", chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	r.check(st, status)

	st, status = r.open(r.base + list)
	r.check(st, status)
	ctx, cancel := r.stepCtx()
	detail, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const a = document.querySelector("table a[href^='/faculty/']"); return a ? a.href : ""; })()`))
	cancel()
	if err != nil || detail == "" {
		r.fatalf(st.URL, "no record linked from the list: %v", err)
	}
	for _, u := range []string{detail, r.base + "/faculty/contributions?year=2026"} {
		st, status := r.open(u)
		r.check(st, status)
		if st.Page != nil {
			r.screenshot(st.URL, *st.Page)
		}
	}
	r.logout()
}
