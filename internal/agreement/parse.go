package agreement

import (
	"strconv"
	"strings"

	"github.com/meded/meded/internal/validate"
)

// ParseTermLines reads terms of one kind from a form's text area: one term
// a line, with list markers ("-", "*", "•", "1." or "1)") removed and blank
// lines skipped.
func ParseTermLines(kind, text string) []Term {
	var out []Term
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimLeft(line, "-*•·")
		if i := strings.IndexAny(line, ".)、"); i > 0 && i <= 3 {
			if _, err := strconv.Atoi(line[:i]); err == nil {
				_, size := firstRune(line[i:])
				line = line[i+size:]
			}
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, Term{Kind: kind, Text: line})
		}
	}
	return out
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// ParseCapacities reads "discipline: number" lines (also "=" or a full-width
// colon) from a form's text area into capacities; a line that does not
// read is a field error on "capacities" naming its line.
func ParseCapacities(text string) ([]Capacity, error) {
	var out []Capacity
	var es validate.Errors
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i := strings.LastIndexAny(line, ":=：")
		if i <= 0 {
			es.Add("capacities", "agreement.capacity_line", n+1)
			continue
		}
		_, size := firstRune(line[i:])
		per, err := strconv.Atoi(strings.TrimSpace(line[i+size:]))
		discipline := strings.TrimSpace(line[:i])
		if err != nil || per < 1 || per > maxCapacity || discipline == "" {
			es.Add("capacities", "agreement.capacity_line", n+1)
			continue
		}
		out = append(out, Capacity{Discipline: discipline, PerYear: per})
	}
	return out, es.Err()
}
