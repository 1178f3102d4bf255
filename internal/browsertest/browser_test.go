package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// roles lists every demo role with the navigation item that its own menu
// must show (nav a[data-menu="KEY"]).
var roles = []struct{ name, menu string }{
	{"admin", "accounts"},
	{"education_office", "registrations"},
	{"department_reviewer", "people"},
	{"project_director", "people"},
	{"lecturer", "profile"},
	{"partnership_office", "institutions"},
	{"learner", "profile"},
	{"auditor", "audit"},
}

var languages = []string{"zh-CN", "en"}

type viewport struct {
	width, height int64
	mobile        bool
}

var viewports = []viewport{
	{width: 390, height: 844, mobile: true},
	{width: 1280, height: 800},
}

const (
	buildTimeout       = 5 * time.Minute
	serverStartTimeout = 90 * time.Second // the first demo load can be slow
	loginLinesGrace    = 5 * time.Second  // demo logins may follow the URL line
	browserTimeout     = 6 * time.Minute  // hard bound on everything the browser does
	runTimeout         = 2 * time.Minute  // one role × language × viewport
	stepTimeout        = 15 * time.Second // one navigation, click or query
	maxNavPages        = 12               // menu pages visited per login
	maxFailedRuns      = 3                // stop early: the rest would fail the same way
	stopTimeout        = 10 * time.Second // SIGTERM to exit
)

var (
	listeningRE = regexp.MustCompile(`listening on (http://\S+)`)
	demoLoginRE = regexp.MustCompile(`demo login: role=(\S+) login=(\S+) password=(\S+)`)
)

// TestBrowser logs in as every demo role, in every language, on a phone and a
// desktop screen, and checks the landing page and every page of the menu.
func TestBrowser(t *testing.T) {
	chromium := findChromium(t)
	root := moduleRoot(t)
	dir := t.TempDir()
	bin := buildMeded(t, root, dir)
	srv := startServer(t, bin, dir)
	browser := startBrowser(t, chromium)
	runAll(t, browser, srv, filepath.Join(root, "test-artifacts", "screens"))
}

// runAll runs every role × language × viewport in turn, each in a fresh
// browser context of the one browser.
func runAll(t *testing.T, browser context.Context, srv *server, screens string) {
	if err := os.MkdirAll(screens, 0o755); err != nil {
		t.Fatal(err)
	}
	known := make(map[string]bool, len(roles))
	for _, role := range roles {
		known[role.name] = true
		if _, ok := srv.logins[role.name]; !ok {
			t.Errorf("meded serve --demo printed no `demo login: role=%s …` line", role.name)
		}
	}
	for role := range srv.logins {
		if !known[role] {
			t.Errorf("demo role %q has no expected menu item: add it to roles in browser_test.go", role)
		}
	}
	failed := 0
	for _, role := range roles {
		l, ok := srv.logins[role.name]
		if !ok {
			continue
		}
		for _, lang := range languages {
			for _, vp := range viewports {
				r := &run{
					base: srv.baseURL, role: role.name, menu: role.menu,
					login: l, lang: lang, vp: vp, screens: screens, browser: browser,
				}
				if !t.Run(fmt.Sprintf("%s/%s/%d", role.name, lang, vp.width), r.exec) {
					failed++
				}
				if failed >= maxFailedRuns {
					t.Fatalf("stopping after %d failed runs", failed)
				}
			}
		}
	}
}

// run is one login: a role, a language and a viewport.
type run struct {
	base, role, menu string
	login            login
	lang             string
	vp               viewport
	screens          string
	browser          context.Context // the one chromium

	t            *testing.T
	tab          context.Context // this run's tab, in a browser context of its own
	failureSaved bool
}

// pageState is what the checks need to know about the page in the tab.
type pageState struct {
	URL         string   `json:"url"`
	Lang        string   `json:"lang"`
	Page        *string  `json:"page"` // body's data-page; nil when missing
	HasMenu     bool     `json:"hasMenu"`
	HasBanner   bool     `json:"hasBanner"`
	ScrollWidth float64  `json:"scrollWidth"`
	ClientWidth float64  `json:"clientWidth"`
	InnerWidth  float64  `json:"innerWidth"`
	Links       []string `json:"links"` // hrefs of nav a[data-menu]
}

func (r *run) exec(t *testing.T) {
	r.t = t
	runCtx, cancelRun := context.WithTimeout(r.browser, runTimeout)
	defer cancelRun()
	tab, cancelTab := chromedp.NewContext(runCtx, chromedp.WithNewBrowserContext())
	defer cancelTab()
	r.tab = tab

	emulate := chromedp.EmulateViewport(r.vp.width, r.vp.height)
	if r.vp.mobile {
		emulate = chromedp.EmulateViewport(r.vp.width, r.vp.height,
			chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	// The first action on a tab opens it, for as long as runCtx lives.
	if err := chromedp.Do(tab, emulate); err != nil {
		r.fatalf("", "open a tab: %v", err)
	}

	st, status := r.open(r.base + "/login")
	r.requirePage(st, status, "login")

	langButton := fmt.Sprintf(`button[data-lang=%q]`, r.lang)
	r.require(st.URL, langButton)
	st, status = r.follow(st.URL, "choose the language", chromedp.Click(chromedp.CSS(langButton)))
	r.requirePage(st, status, "login")
	if st.Lang != r.lang {
		r.fatalf(st.URL, "after choosing the language: <html lang=%q>, want %q", st.Lang, r.lang)
	}

	const (
		loginInput    = `#login-form input[name=login]`
		passwordInput = `#login-form input[name=password]`
		submitButton  = `#login-form button[type=submit]`
	)
	for _, sel := range []string{loginInput, passwordInput, submitButton} {
		r.require(st.URL, sel)
	}
	r.do(st.URL, "fill in the login form",
		chromedp.SendKeys(chromedp.CSS(loginInput), r.login.login),
		chromedp.SendKeys(chromedp.CSS(passwordInput), r.login.password))
	st, status = r.follow(st.URL, "submit the login form", chromedp.Click(chromedp.CSS(submitButton)))
	if st.Page != nil && *st.Page == "login" {
		r.fatalf(st.URL, "still on the login page after logging in as %q", r.login.login)
	}
	r.check(st, status)
	r.screenshot(st.URL, "")

	for _, link := range r.menuLinks(st) {
		st, status := r.open(link)
		r.check(st, status)
		// Every page on a phone, for a person to look at in test-artifacts.
		if r.vp.mobile && st.Page != nil {
			r.screenshot(st.URL, *st.Page)
		}
	}

	r.logout()
}

// fatalf ends the run with a message naming the role, language, width and URL.
func (r *run) fatalf(at, format string, args ...any) {
	r.t.Helper()
	r.saveFailure()
	r.t.Fatalf("%s %s %dpx %s: %s", r.role, r.lang, r.vp.width, at, fmt.Sprintf(format, args...))
}

func (r *run) errorf(at, format string, args ...any) {
	r.t.Helper()
	r.saveFailure()
	r.t.Errorf("%s %s %dpx %s: %s", r.role, r.lang, r.vp.width, at, fmt.Sprintf(format, args...))
}

// saveFailure keeps a screenshot of the tab at the run's first problem, as
// FAILED-ROLE-LANG-WIDTH.png beside the other screenshots. It is best effort.
func (r *run) saveFailure() {
	if r.failureSaved || r.tab == nil {
		return
	}
	r.failureSaved = true
	ctx, cancel := context.WithTimeout(r.tab, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		r.t.Logf("no screenshot of the failure: %v", err)
		return
	}
	name := filepath.Join(r.screens, fmt.Sprintf("FAILED-%s-%s-%d.png", r.role, r.lang, r.vp.width))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		r.t.Log(err)
		return
	}
	r.t.Logf("screenshot of the failure: %s", name)
}

// stepCtx bounds one step, so that a missing element fails instead of hanging.
func (r *run) stepCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.tab, stepTimeout)
}

func (r *run) stepErr(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("nothing happened within %s (%v)", stepTimeout, err)
	}
	return err.Error()
}

// do runs actions that load no new page.
func (r *run) do(at, what string, actions ...chromedp.Action[chromedp.Void]) {
	r.t.Helper()
	ctx, cancel := r.stepCtx()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		r.fatalf(at, "%s: %s", what, r.stepErr(err))
	}
}

// open navigates to u and returns the page that loaded and its HTTP status.
func (r *run) open(u string) (pageState, int64) {
	r.t.Helper()
	ctx, cancel := r.stepCtx()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		r.fatalf(u, "open: %s", r.stepErr(err))
	}
	var status int64
	if resp != nil {
		status = resp.Status
	}
	return r.inspect(u), status
}

// follow runs actions that load a new page (a click that posts a form) and
// returns that page and its HTTP status.
func (r *run) follow(at, what string, actions ...chromedp.Action[chromedp.Void]) (pageState, int64) {
	r.t.Helper()
	ctx, cancel := r.stepCtx()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		r.fatalf(at, "%s: no page loaded: %s", what, r.stepErr(err))
	}
	var status int64
	if resp != nil {
		status = resp.Status
	}
	return r.inspect(at), status
}

// require fails the run at once when no element matches sel, rather than
// waiting for it to appear: the pages are rendered on the server.
func (r *run) require(at, sel string) {
	r.t.Helper()
	ctx, cancel := r.stepCtx()
	defer cancel()
	found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(sel))))
	if err != nil {
		r.fatalf(at, "look for %s: %s", sel, r.stepErr(err))
	}
	if !found {
		r.fatalf(at, "no element matches %s", sel)
	}
}

func (r *run) inspect(at string) pageState {
	r.t.Helper()
	ctx, cancel := r.stepCtx()
	defer cancel()
	menu := fmt.Sprintf(`nav a[data-menu=%q]`, r.menu)
	js := fmt.Sprintf(`(() => {
	const d = document.documentElement, b = document.body;
	return {
		url: location.href,
		lang: d.lang,
		page: b && b.hasAttribute("data-page") ? b.getAttribute("data-page") : null,
		hasMenu: document.querySelector(%s) !== null,
		hasBanner: document.querySelector(".demo-banner") !== null,
		scrollWidth: d.scrollWidth,
		clientWidth: d.clientWidth,
		innerWidth: window.innerWidth,
		links: Array.from(document.querySelectorAll("nav a[data-menu]"), a => a.href),
	};
})()`, jsString(menu))
	st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](js))
	if err != nil {
		r.fatalf(at, "inspect the page: %s", r.stepErr(err))
	}
	return st
}

// requirePage fails the run unless the page loaded and is the wanted one.
func (r *run) requirePage(st pageState, status int64, want string) {
	r.t.Helper()
	switch {
	case status >= 400:
		r.fatalf(st.URL, "HTTP status %d", status)
	case st.Page == nil:
		r.fatalf(st.URL, "no body[data-page]")
	case *st.Page != want:
		r.fatalf(st.URL, `body[data-page=%q], want %q`, *st.Page, want)
	}
}

// check reports everything wrong with a page the role may see.
func (r *run) check(st pageState, status int64) {
	r.t.Helper()
	var problems []string
	if status >= 400 {
		problems = append(problems, fmt.Sprintf("HTTP status %d", status))
	}
	switch {
	case st.Page == nil:
		problems = append(problems, "no body[data-page]")
	case *st.Page == "error":
		problems = append(problems, `body[data-page="error"]`)
	}
	if st.Lang != r.lang {
		problems = append(problems, fmt.Sprintf("<html lang=%q>, want %q", st.Lang, r.lang))
	}
	if !st.HasMenu {
		problems = append(problems, fmt.Sprintf(`no nav a[data-menu=%q] (the %s menu)`, r.menu, r.role))
	}
	if !st.HasBanner {
		problems = append(problems, "no .demo-banner")
	}
	if st.ScrollWidth > st.InnerWidth || st.ScrollWidth > st.ClientWidth {
		problems = append(problems, fmt.Sprintf("scrolls sideways: scrollWidth %g > innerWidth %g / clientWidth %g",
			st.ScrollWidth, st.InnerWidth, st.ClientWidth))
	}
	// Without a viewport meta tag, or with content wider than the screen, a
	// phone lays the page out wider than itself and zooms out, and then the
	// check above passes although the page is unreadable.
	if r.vp.mobile && st.InnerWidth != float64(r.vp.width) {
		problems = append(problems, fmt.Sprintf(
			`window.innerWidth is %g on a %dpx phone: missing <meta name="viewport" content="width=device-width, initial-scale=1">, or content wider than the screen`,
			st.InnerWidth, r.vp.width))
	}
	if len(problems) > 0 {
		r.errorf(st.URL, "%s", strings.Join(problems, "; "))
	}
}

// menuLinks returns the distinct same-origin pages of the menu, other than
// the landing page, at most maxNavPages of them.
func (r *run) menuLinks(st pageState) []string {
	base, err := url.Parse(r.base)
	if err != nil {
		r.fatalf(st.URL, "parse base URL: %v", err)
	}
	seen := map[string]bool{stripFragment(st.URL): true}
	var links []string
	for _, href := range st.Links {
		u, err := url.Parse(href)
		if err != nil || u.Host != base.Host || (u.Scheme != "http" && u.Scheme != "https") {
			r.t.Logf("%s %s %dpx %s: skip menu link %q", r.role, r.lang, r.vp.width, st.URL, href)
			continue
		}
		href = stripFragment(href)
		if seen[href] {
			continue
		}
		seen[href] = true
		if len(links) == maxNavPages {
			r.t.Logf("%s %s %dpx: more than %d menu links; visiting the first %d", r.role, r.lang, r.vp.width, maxNavPages, maxNavPages)
			break
		}
		links = append(links, href)
	}
	return links
}

func (r *run) screenshot(at, page string) {
	r.t.Helper()
	ctx, cancel := r.stepCtx()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		r.fatalf(at, "screenshot: %s", r.stepErr(err))
	}
	base := fmt.Sprintf("%s-%s-%d", r.role, r.lang, r.vp.width)
	if page != "" {
		base += "-" + page
	}
	name := filepath.Join(r.screens, base+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// logout submits #logout-form, with a real click when its button can be seen
// (on a phone the menu may be folded away), and expects the login page.
func (r *run) logout() {
	r.t.Helper()
	here := r.inspect("logout").URL
	const button = `#logout-form button`
	r.require(here, button)
	visible, err := chromedp.Run(r.tab, chromedp.Evaluate[bool](
		`(() => { const b = document.querySelector("#logout-form button"); return b.getClientRects().length > 0 && getComputedStyle(b).visibility !== "hidden"; })()`))
	if err != nil {
		r.fatalf(here, "find the logout button: %v", err)
	}
	submit := chromedp.Click(chromedp.CSS(button))
	if !visible {
		submit = chromedp.Evaluate[chromedp.Void](`document.querySelector("#logout-form button").click()`)
	}
	st, status := r.follow(here, "log out", submit)
	r.requirePage(st, status, "login")
}
