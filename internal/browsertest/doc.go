// Package browsertest holds end-to-end tests that drive the real meded binary
// through a real browser: Debian's chromium, over the DevTools protocol, with
// chromedp.
//
// The package has no code of its own; its tests build ./cmd/meded, start
// `meded serve --demo` on a free loopback port and log in as every demo role,
// in every language, on a phone-sized and a desktop-sized screen.
//
// Chromium is found at $MEDED_CHROMIUM or /usr/bin/chromium. Without it the
// tests skip, except with CI=true, where they fail. Screenshots go to
// test-artifacts/screens under the module root.
package browsertest
