package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func inCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// findChromium returns the browser to drive, or ends the test: a failure with
// CI=true, a skip otherwise.
func findChromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("MEDED_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	found, err := exec.LookPath(path)
	if err != nil {
		msg := fmt.Sprintf("no chromium at %s (apt-get install chromium, or set MEDED_CHROMIUM): %v", path, err)
		if inCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return found
}

// moduleRoot walks up from the package directory to the directory of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

func buildMeded(t *testing.T, root, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), buildTimeout)
	defer cancel()
	bin := filepath.Join(dir, "meded")
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/meded")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/meded: %v\n%s", err, out)
	}
	t.Logf("built meded in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

type login struct {
	login, password string
}

// server is a running `meded serve --demo`, read through its output.
type server struct {
	baseURL string
	logins  map[string]login // by role

	mu      sync.Mutex
	out     logBuffer
	url     string
	seen    map[string]login
	changed chan struct{} // a line was read
	exited  chan struct{} // closed when the process has ended
	waitErr error
}

func startServer(t *testing.T, bin, dir string) *server {
	t.Helper()
	s := &server{
		seen:    make(map[string]login),
		changed: make(chan struct{}, 1),
		exited:  make(chan struct{}),
	}
	cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"))
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MEDED_DB=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout = &lineWriter{fn: s.line}
	cmd.Stderr = &lineWriter{fn: s.line}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", bin, err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			t.Errorf("meded serve still running %s after SIGTERM; killing it", stopTimeout)
			_ = cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("meded serve output:\n%s", s.out.tail(16<<10))
		}
	})

	// The URL line, then any demo login lines still to come.
	start := time.Now()
	deadline := time.After(serverStartTimeout)
	var grace <-chan time.Time
wait:
	for {
		s.mu.Lock()
		haveURL, haveAll := s.url != "", len(s.seen) >= len(roles)
		s.mu.Unlock()
		switch {
		case haveURL && haveAll:
			break wait
		case haveURL && grace == nil:
			grace = time.After(loginLinesGrace)
		}
		select {
		case <-s.changed:
		case <-grace:
			break wait
		case <-s.exited:
			t.Fatalf("meded serve exited (%v) before printing its URL and demo logins:\n%s", s.waitErr, s.out.tail(16<<10))
		case <-deadline:
			t.Fatalf("meded serve printed no `listening on http://…` line within %s:\n%s", serverStartTimeout, s.out.tail(16<<10))
		}
	}
	s.mu.Lock()
	s.baseURL = strings.TrimRight(s.url, "/")
	s.logins = make(map[string]login, len(s.seen))
	for role, l := range s.seen {
		s.logins[role] = l
	}
	s.mu.Unlock()
	t.Logf("meded serve listening on %s after %s, %d demo logins", s.baseURL, time.Since(start).Round(time.Millisecond), len(s.logins))
	checkReachable(t, s.baseURL+"/login")
	return s
}

// line handles one line of the server's stdout or stderr.
func (s *server) line(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(&s.out, line)
	if m := listeningRE.FindStringSubmatch(line); m != nil && s.url == "" {
		s.url = m[1]
	}
	if m := demoLoginRE.FindStringSubmatch(line); m != nil {
		s.seen[m[1]] = login{login: m[2], password: m[3]}
	}
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// checkReachable fails fast, with the server's answer, when the login page is
// broken, rather than letting every browser run time out on it.
func checkReachable(t *testing.T, u string) {
	t.Helper()
	client := &http.Client{Timeout: stepTimeout}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode >= 400 {
		t.Fatalf("GET %s: HTTP %d:\n%s", u, resp.StatusCode, body)
	}
}

// startBrowser starts one headless chromium for the whole test and returns a
// context holding it; each login opens its own browser context in it.
func startBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	// Chromium leaves singleton sockets under $TMPDIR; keep them in the
	// test's own directory, which the testing package removes.
	tmp := t.TempDir()
	out := &logBuffer{}
	// Headless chromium on a machine without D-Bus complains on every start.
	filtered := &lineWriter{fn: func(line string) {
		if !strings.Contains(line, "dbus") {
			out.printf("%s", line)
		}
	}}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Env("TMPDIR=" + tmp),
		chromedp.CombinedOutput(filtered),
	}
	ctx, cancel := context.WithTimeout(t.Context(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(out.printf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
		if t.Failed() {
			t.Logf("chromium output:\n%s", out.tail(8<<10))
		}
	})
	start := time.Now()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start %s: %v\n%s", chromium, err, out.tail(8<<10))
	}
	t.Logf("started %s in %s", chromium, time.Since(start).Round(time.Millisecond))
	return browser
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always marshals
	}
	return string(b)
}

// lineWriter calls fn with each complete line written to it.
type lineWriter struct {
	fn  func(string)
	mu  sync.Mutex
	buf []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.fn(strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
}

// logBuffer collects output from several goroutines, keeping the last 1 MiB.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - 1<<20; over > 0 {
		b.buf = b.buf[over:]
	}
	return len(p), nil
}

func (b *logBuffer) printf(format string, args ...any) {
	fmt.Fprintf(b, format+"\n", args...)
}

// tail returns the last n bytes written.
func (b *logBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) > n {
		return "…" + string(b.buf[len(b.buf)-n:])
	}
	return string(b.buf)
}
