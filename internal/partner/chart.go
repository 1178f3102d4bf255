package partner

import (
	"fmt"
	"html"
	"strings"
)

// Chart draws the partners by continent as an SVG bar chart, one labelled
// bar a row, with presentation attributes only (no style attributes, so it
// passes the page's content security policy). label names a continent key
// in the reader's language.
func Chart(r Report, label func(key string) string, title string) string {
	const rowH, barMax, labelW, width = 28, 260, 150, 470
	most := 1
	for _, c := range r.ByContinent {
		most = max(most, c.Count)
	}
	h := rowH*len(r.ByContinent) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s">`,
		width, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(title))
	for i, c := range r.ByContinent {
		y := 5 + i*rowH
		w := c.Count * barMax / most
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="14" fill="currentColor">%s</text>`, y+18, html.EscapeString(label(c.Key)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="20" fill="#2b6cb0"></rect>`, labelW, y+4, max(w, 1))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="currentColor">%d</text>`, labelW+w+6, y+18, c.Count)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
