package namekey

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

var fuzzSeeds = []string{"张伟", "Zhang Wei", "  曾 伟 ", "北京协和医院（东单）", "50%_off\\", "Émile", "ＡＢＣ１", "İstanbul", "\xff\xfe", "阿卜杜·热合曼", "𠀀", ""}

func FuzzSort(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "", false)
		f.Add("", s, true)
	}
	f.Fuzz(func(t *testing.T, zh, en string, person bool) {
		key := sortKey(zh, en, person)
		if !utf8.ValidString(key) {
			t.Fatalf("sort key %q is not valid UTF-8", key)
		}
		if strings.TrimSpace(key) != key || strings.Contains(key, "  ") {
			t.Errorf("sort key %q has stray spaces", key)
		}
		if strings.ToLower(key) != key {
			t.Errorf("sort key %q is not lower case", key)
		}
		for _, r := range key {
			if _, ok := pinyin.PinyinDict[int(r)]; ok {
				t.Errorf("sort key %q keeps the Han character %q", key, r)
			}
		}
		if again := sortKey(zh, en, person); again != key {
			t.Errorf("sort key %q then %q for the same name", key, again)
		}
	})
}

// FuzzSearch checks the promise users rely on: typing a name, or any piece
// of it, finds it.
func FuzzSearch(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "x", 0, 2)
	}
	f.Fuzz(func(t *testing.T, a, b string, from, n int) {
		text := SearchPerson(a, b)
		if !utf8.ValidString(text) {
			t.Fatalf("search text %q is not valid UTF-8", text)
		}
		for _, part := range []string{a, b} {
			if !likeMatch(LikePattern(part), text) {
				t.Errorf("search text %q does not find %q", text, part)
			}
			rs := []rune(fold(part))
			if len(rs) == 0 {
				continue
			}
			start := int(uint(from) % uint(len(rs)))
			piece := string(rs[start:min(len(rs), start+int(uint(n)%8))])
			if !likeMatch(LikePattern(piece), text) {
				t.Errorf("search text %q does not find the piece %q of %q", text, piece, part)
			}
		}
	})
}

func FuzzLikePattern(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p := LikePattern(q)
		if len(p) < 2 || p[0] != '%' || p[len(p)-1] != '%' {
			t.Fatalf("LikePattern(%q) = %q, want it between %% wildcards", q, p)
		}
		// Unescaping the inside gives back the folded query, and no
		// metacharacter is left unescaped.
		var got strings.Builder
		inner := []rune(p[1 : len(p)-1])
		for i := 0; i < len(inner); i++ {
			switch r := inner[i]; r {
			case '%', '_':
				t.Fatalf("LikePattern(%q) = %q: unescaped %q", q, p, r)
			case '\\':
				if i+1 == len(inner) || !strings.ContainsRune(`\%_`, inner[i+1]) {
					t.Fatalf("LikePattern(%q) = %q: dangling escape", q, p)
				}
				i++
				got.WriteRune(inner[i])
			default:
				got.WriteRune(r)
			}
		}
		if got.String() != fold(q) {
			t.Errorf("LikePattern(%q) unescapes to %q, want %q", q, got.String(), fold(q))
		}
		if strings.IndexFunc(got.String(), unicode.IsUpper) >= 0 && strings.ToLower(got.String()) != got.String() {
			t.Errorf("LikePattern(%q) = %q is not lower case", q, p)
		}
	})
}
