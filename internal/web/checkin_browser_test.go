package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/meded/meded/internal/audit"
	"github.com/meded/meded/internal/checkin"
	"github.com/meded/meded/internal/store"
)

// checkinBrowser opens a headless chromium on a 390 px phone screen, signed
// in as role on the fixture's server; it skips without chromium.
func checkinBrowser(t *testing.T, f *fixture, base, role string) context.Context {
	t.Helper()
	path := os.Getenv("MEDED_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Skipf("no chromium at %s: %v", path, err)
	}
	tmp := t.TempDir()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Env("TMPDIR="+tmp))
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	c := f.session(role)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: base}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// TestCheckinPagesOnAPhone: every check-in page, in Chinese and English,
// fits a 390 px screen without sideways scrolling and shows no error; the
// projector's count follows a check-in without a reload.
func TestCheckinPagesOnAPhone(t *testing.T) {
	f := sqliteFixture(t)
	sess := f.ids["live_sess"]
	key := f.checkinKey(t)
	shots := os.Getenv("MEDED_CHECKIN_SCREENS") // a directory to save screenshots in, for a look by eye
	pages := map[string][]string{
		"learner": {"/checkin", "/checkin/t/" + checkin.IssueTicket(key, sess, time.Now()), "/me/badge", "/profile"},
		"project_director": {fmt.Sprintf("/checkin/sessions/%d", sess), fmt.Sprintf("/checkin/sessions/%d/projector", sess),
			fmt.Sprintf("/checkin/sessions/%d/kiosk", sess)},
	}
	for role, paths := range pages {
		ctx := checkinBrowser(t, f, f.http.URL, role)
		for _, lang := range []string{"zh-CN", "en"} {
			for _, p := range paths {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(f.http.URL+p+sep+"lang="+lang)); err != nil {
					t.Fatalf("%s %s: %v", p, lang, err)
				}
				type state struct {
					Page          string
					Scroll, Inner float64
				}
				st, err := chromedp.Run(ctx, chromedp.Evaluate[state](`({page: document.body.dataset.page || "", scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`))
				if err != nil {
					t.Fatalf("%s %s: %v", p, lang, err)
				}
				page, scroll, inner := st.Page, st.Scroll, st.Inner
				if page == "" || page == "error" || scroll > inner || inner != 390 {
					t.Errorf("%s as %s in %s: page %q, scrollWidth %g, innerWidth %g", p, role, lang, page, scroll, inner)
				}
				if shots != "" {
					shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					name := strings.NewReplacer("/", "_", "?", "_", ".", "_").Replace(p)
					if len(name) > 40 {
						name = name[:40]
					}
					os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s%s_%s.png", role, name, lang)), shot, 0o644)
				}
			}
		}
	}
	// The projector page refreshes its count by itself.
	ctx := checkinBrowser(t, f, f.http.URL, "project_director")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/checkin/sessions/%d/projector", f.http.URL, sess))); err != nil {
		t.Fatal(err)
	}
	before, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#projector-count")))
	if err != nil {
		t.Fatal(err)
	}
	if before != "0" {
		t.Fatalf("count before: %q", before)
	}
	err = f.db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := checkin.In(context.Background(), tx, audit.System("test"), checkin.Request{SessionID: sess, PersonID: f.ids["self"],
			Method: checkin.MethodCode, At: time.Now()}, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(waitCtx, chromedp.Poll[bool](`document.getElementById('projector-count').textContent === '1'`)); err != nil {
		t.Errorf("the projector's count did not follow the check-in: %v", err)
	}
}

// TestKioskQueuesOffline: the kiosk keeps scanning without a connection,
// holds the scans in localStorage, and sends them with their original
// times when the connection returns. The connection is cut by a front that
// drops every request while "offline", as a broken network would.
func TestKioskQueuesOffline(t *testing.T) {
	f := sqliteFixture(t)
	sess := f.ids["live_sess"]
	key := f.checkinKey(t)
	var offline atomic.Bool
	inner := f.server.Handler()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if offline.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	ctx := checkinBrowser(t, f, front.URL, "education_office")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/checkin/sessions/%d/kiosk", front.URL, sess)), chromedp.WaitVisible(chromedp.CSS("#badge"))); err != nil {
		t.Fatal(err)
	}
	queueLen := fmt.Sprintf(`JSON.parse(localStorage.getItem('meded.kiosk.%d') || '[]').length`, sess)
	offline.Store(true)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#badge"), checkin.Badge(key, f.ids["self"])+"\r"), chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	queued, err := chromedp.Run(ctx, chromedp.Evaluate[int](queueLen))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.attendanceRows(t, sess); queued != 1 || n != 0 {
		t.Fatalf("offline: %d queued, %d rows; want 1 and 0", queued, n)
	}
	scannedBy := time.Now()
	time.Sleep(1500 * time.Millisecond)
	offline.Store(false)
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(waitCtx, chromedp.Poll[bool](queueLen+` === 0 && document.getElementById('kiosk-count').textContent === '1'`)); err != nil {
		t.Fatalf("the queue was not sent: %v", err)
	}
	r, err := checkin.Find(context.Background(), f.db, sess, f.ids["self"])
	if err != nil || r.Method != checkin.MethodKiosk || r.CheckedInAt.After(scannedBy) {
		t.Errorf("got %+v, %v; want a kiosk check-in at the time of the scan (before %v)", r, err, scannedBy)
	}
}
