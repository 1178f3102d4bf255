package conference

import (
	"strings"
	"unicode/utf8"
)

// ParseCoAuthors reads co-authors written one per line (or separated by
// semicolons), each "name, institution" or "name (institution)"; the
// institution may be left out. Blank entries are skipped.
func ParseCoAuthors(text string) []CoAuthor {
	split := func(r rune) bool { return r == '\n' || r == '\r' || r == ';' || r == '；' }
	var out []CoAuthor
	for _, entry := range strings.FieldsFunc(text, split) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		var a CoAuthor
		if open := strings.IndexAny(entry, "(（"); open > 0 && (strings.HasSuffix(entry, ")") || strings.HasSuffix(entry, "）")) {
			a.Name = entry[:open]
			inner := strings.TrimSuffix(strings.TrimSuffix(entry[open:], ")"), "）")
			a.Institution = strings.TrimPrefix(strings.TrimPrefix(inner, "("), "（")
		} else if i := strings.IndexAny(entry, ",，"); i >= 0 {
			_, size := utf8.DecodeRuneInString(entry[i:])
			a.Name, a.Institution = entry[:i], entry[i+size:]
		} else {
			a.Name = entry
		}
		a.Name, a.Institution = strings.TrimSpace(a.Name), strings.TrimSpace(a.Institution)
		if a.Name == "" && a.Institution == "" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// FormatCoAuthors writes co-authors as ParseCoAuthors reads them.
func FormatCoAuthors(list []CoAuthor) string {
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = a.Name
		if a.Institution != "" {
			parts[i] += " (" + a.Institution + ")"
		}
	}
	return strings.Join(parts, "; ")
}
