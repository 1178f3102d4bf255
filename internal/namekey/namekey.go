// Package namekey turns names into the two derived columns that make lists
// usable in Chinese: a sort key (tone-less pinyin, so 李 sorts before 张 by
// byte order on both SQLite and PostgreSQL) and a search text that a plain
// LIKE '%q%' finds by characters, full pinyin or pinyin initials.
package namekey

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Sort returns the sort key of a name: the pinyin of zh, syllables separated
// by spaces (张伟 → "zhang wei"), or the lower-cased English name when zh is
// empty. Latin accents are dropped so Émile sorts among the e's, not after z.
func Sort(zh, en string) string { return sortKey(zh, en, false) }

// SortPerson is Sort for a personal name: the leading characters of zh are
// read as a surname, so 曾伟 is "zeng wei" rather than "ceng wei".
func SortPerson(zh, en string) string { return sortKey(zh, en, true) }

func sortKey(zh, en string, person bool) string {
	name := fold(zh)
	if name == "" {
		// Read en the same way: a Chinese name typed into the English
		// field still sorts by its pinyin.
		name = fold(en)
	}
	var words []string
	for _, t := range tokenize(name, person) {
		// A token of nothing but combining marks vanishes here.
		if w := unaccent(t.text); w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// Search returns the search text of an entity described by parts (names,
// numbers, addresses): every part folded to lower case, and for parts holding
// Chinese their pinyin spaced, unspaced and as initials, each kept only when
// the text does not already contain it. Pieces are separated by tabs, which a
// folded query never holds, so a query never matches across two pieces
// ("wei zhang" does not find 张伟 through "zhang wei\tzhangwei").
func Search(parts ...string) string { return search(false, parts) }

// SearchPerson is Search where zh, the first part, is a personal name read
// with surname pronunciations (see SortPerson).
func SearchPerson(zh string, parts ...string) string {
	return search(true, append([]string{zh}, parts...))
}

func search(person bool, parts []string) string {
	var b searchBuilder
	for i, p := range parts {
		f := fold(p)
		if f == "" {
			continue
		}
		b.add(f)
		b.add(unaccent(f))
		b.addPinyin(tokenize(f, person && i == 0))
	}
	return b.String()
}

const separator = '\t'

type searchBuilder struct{ strings.Builder }

// add appends s unless the text holds it already: a LIKE on any substring
// of s then matches either way, so the repeat would only cost space.
func (b *searchBuilder) add(s string) {
	if s == "" || strings.Contains(b.String(), s) {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(separator)
	}
	b.WriteString(s)
}

func (b *searchBuilder) addPinyin(tokens []token) {
	var words []string
	var initials strings.Builder
	han := false
	for _, t := range tokens {
		if !t.han && !hasLetterOrDigit(t.text) {
			continue // 买买提·艾力 is found as "maimaitiaili", not "maimaiti·aili"
		}
		han = han || t.han
		words = append(words, t.text)
		if t.han {
			r, _ := utf8.DecodeRuneInString(t.text)
			initials.WriteRune(r)
		} else {
			initials.WriteString(t.text)
		}
	}
	if !han {
		return
	}
	b.add(strings.Join(words, " "))
	b.add(strings.Join(words, ""))
	b.add(initials.String())
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// LikePattern turns a user's query into a pattern for
// `search_text LIKE ? ESCAPE '\'`: folded like the search text, with the LIKE
// metacharacters escaped, between wildcards. A blank query gives "%%", which
// matches everything; callers usually skip the condition instead.
func LikePattern(q string) string {
	f := fold(q)
	var b strings.Builder
	b.Grow(len(f) + 4)
	b.WriteByte('%')
	for _, r := range f {
		if r == '\\' || r == '%' || r == '_' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('%')
	return b.String()
}

// fold is the one normalisation shared by stored text and queries, so that
// whatever a user types matches what was stored from the same typing: valid
// UTF-8, full-width Latin and digits made narrow (ＡＢＣ１ → abc1), lower case,
// whitespace runs collapsed to one space and trimmed.
func fold(s string) string {
	s = width.Fold.String(strings.ToValidUTF8(s, ""))
	s = strings.ToLower(s)
	return strings.Join(strings.Fields(s), " ")
}

// newAccentRemover makes a transformer per call: a transform.Chain keeps
// state and is not safe to share between goroutines.
func newAccentRemover() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// unaccent drops combining marks from Latin letters (é → e). Han text has
// none, so pinyin passes through unchanged.
func unaccent(s string) string {
	if isASCII(s) {
		return s
	}
	out, _, err := transform.String(newAccentRemover(), s)
	if err != nil {
		return s
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// token is one word of a folded name: a pinyin syllable of one Han
// character, or a run of other characters without spaces.
type token struct {
	text string
	han  bool
}

var pinyinArgs = pinyin.Args{Style: pinyin.Normal, Fallback: func(rune, pinyin.Args) []string { return nil }}

// tokenize splits a folded name into tokens, reading multi-character words
// from the phrase tables (重庆 → chong qing) and, for a person, the surname
// at the start from the surname table.
func tokenize(s string, person bool) []token {
	var out []token
	rs := []rune(s)
	other := -1 // start of the current run of non-Han characters
	flush := func(end int) {
		if other >= 0 {
			for _, w := range strings.Fields(string(rs[other:end])) {
				out = append(out, token{text: w})
			}
			other = -1
		}
	}
	for i := 0; i < len(rs); {
		var syllables []string
		if person && i == 0 {
			syllables = lookup(surnames, rs)
		}
		if syllables == nil {
			syllables = lookup(phrases, rs[i:])
		}
		if syllables == nil {
			if _, ok := pinyin.PinyinDict[int(rs[i])]; ok {
				syllables = pinyin.SinglePinyin(rs[i], pinyinArgs)
			}
		}
		if len(syllables) == 0 {
			if other < 0 {
				other = i
			}
			i++
			continue
		}
		flush(i)
		for _, s := range syllables {
			out = append(out, token{text: s, han: true})
		}
		i += len(syllables)
	}
	flush(len(rs))
	return out
}

// lookup finds the longest table entry at the start of rs. Entries map a
// word of n characters to n syllables.
func lookup(table map[string][]string, rs []rune) []string {
	for n := min(len(rs), maxWordLen); n >= 1; n-- {
		if syllables, ok := table[string(rs[:n])]; ok {
			return syllables
		}
	}
	return nil
}
