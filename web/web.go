// Package web embeds MedEd's HTML templates and static files, so the binary
// carries its whole interface. It sits at the repository root because
// the embed directive cannot reach into parent directories.
package web

import "embed"

// Templates holds the page templates; layout.html wraps every page.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds stylesheets, scripts and images served under /static/.
//
//go:embed static
var Static embed.FS
