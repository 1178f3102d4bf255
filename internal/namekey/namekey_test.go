package namekey

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

func TestSort(t *testing.T) {
	tests := []struct {
		zh, en string
		want   string
	}{
		{"张伟", "Zhang Wei", "zhang wei"},
		{"张伟", "", "zhang wei"},
		{"", "Zhang Wei", "zhang wei"},
		{"", "  Mary   O'Brien ", "mary o'brien"},
		{"", "Émile Zola", "emile zola"},
		{"", "", ""},
		{"  ", "Li", "li"},
		{"吕", "", "lv"},
		{"北京协和医院", "", "bei jing xie he yi yuan"},
		{"重庆医科大学附属第一医院", "", "chong qing yi ke da xue fu shu di yi yi yuan"},
		{"厦门大学", "", "xia men da xue"},
		{"中南大学湘雅医院（长沙）", "", "zhong nan da xue xiang ya yi yuan ( chang sha )"},
		{"协和ICU", "", "xie he icu"},
		{"第３医院", "", "di 3 yi yuan"},
		{"买买提·艾力", "", "mai mai ti · ai li"},
		{"张　伟", "", "zhang wei"}, // ideographic space
		{"曾伟", "", "ceng wei"},   // not a person: 曾 read as in 曾经
	}
	for _, tt := range tests {
		if got := Sort(tt.zh, tt.en); got != tt.want {
			t.Errorf("Sort(%q, %q) = %q, want %q", tt.zh, tt.en, got, tt.want)
		}
	}
}

func TestSortPerson(t *testing.T) {
	tests := []struct {
		zh, want string
	}{
		{"曾伟", "zeng wei"},
		{"单田芳", "shan tian fang"},
		{"尉迟恭", "yu chi gong"},
		{"张曾", "zhang ceng"}, // only the surname is read as one
		{"重庆", "chong qing"},
		{"李娜", "li na"},
		{"卜凡", "bu fan"},
	}
	for _, tt := range tests {
		if got := SortPerson(tt.zh, "x"); got != tt.want {
			t.Errorf("SortPerson(%q) = %q, want %q", tt.zh, got, tt.want)
		}
	}
}

func TestSortOrdersByPinyin(t *testing.T) {
	names := []string{"张伟", "王芳", "李娜", "", "陈静", "赵磊", "李"}
	en := map[string]string{"": "Adams"}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = SortPerson(n, en[n])
	}
	slices.Sort(keys)
	want := []string{"adams", "chen jing", "li", "li na", "wang fang", "zhang wei", "zhao lei"}
	if !slices.Equal(keys, want) {
		t.Errorf("sorted keys %q, want %q", keys, want)
	}
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		finds []string
		not   []string
	}{
		{"person", SearchPerson("张伟", "Zhang Wei", "S001", "13800001111", "Zhang.Wei@Example.com"),
			[]string{"张", "张伟", "zhang", "zhangwei", "zw", "zhang wei", "s001", "1111", "zhang.wei@example.com", "ZHANG"},
			[]string{"wei zhang", "li"}},
		{"surname", SearchPerson("曾伟"), []string{"zeng", "zengwei", "zw"}, []string{"ceng"}},
		{"institution", Search("北京协和医院", "Peking Union Medical College Hospital", "北京"),
			[]string{"协和", "xiehe", "bjxhyy", "union", "xie he yi"}, []string{"shanghai"}},
		{"accents", Search("", "Émile"), []string{"émile", "emile", "Émile"}, nil},
		{"full width query", Search("ABC 医院"), []string{"ＡＢＣ", "abc yi yuan", "abcyy"}, nil},
		{"minority name", SearchPerson("买买提·艾力"), []string{"maimaitiaili", "aili", "mai mai ti ai", "mmtal", "提·艾"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, q := range tt.finds {
				if !likeMatch(LikePattern(q), tt.text) {
					t.Errorf("search text %q: %q not found, want found", tt.text, q)
				}
			}
			for _, q := range tt.not {
				if likeMatch(LikePattern(q), tt.text) {
					t.Errorf("search text %q: %q found, want not found", tt.text, q)
				}
			}
		})
	}
}

func TestSearchIsCompact(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Search("张伟"), "张伟\tzhang wei\tzhangwei\tzw"},
		{SearchPerson("张伟", "Zhang Wei", "zhangwei"), "张伟\tzhang wei\tzhangwei\tzw"},
		{Search("张"), "张\tzhang"},
		{Search("Li Na", "li"), "li na"},
		{Search("", " ", "Li"), "li"},
		{Search(), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("search text %q, want %q", tt.got, tt.want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	tests := []struct {
		q, want string
	}{
		{"Zhang", "%zhang%"},
		{"  张 伟  ", "%张 伟%"},
		{"50%", `%50\%%`},
		{"a_b", `%a\_b%`},
		{`c:\x`, `%c:\\x%`},
		{"", "%%"},
	}
	for _, tt := range tests {
		if got := LikePattern(tt.q); got != tt.want {
			t.Errorf("LikePattern(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestReadingTables keeps the exception tables honest: each entry has one
// syllable per character and differs from what go-pinyin reads on its own.
func TestReadingTables(t *testing.T) {
	for name, table := range map[string]map[string][]string{"phrases": phrases, "surnames": surnames} {
		for word, syllables := range table {
			if n := utf8.RuneCountInString(word); n != len(syllables) || n > maxWordLen {
				t.Errorf("%s[%q] has %d syllables for %d characters (max %d)", name, word, len(syllables), n, maxWordLen)
			}
			if plain := pinyin.LazyPinyin(word, pinyinArgs); slices.Equal(plain, syllables) {
				t.Errorf("%s[%q] = %q, the same as go-pinyin's reading: drop it", name, word, syllables)
			}
			for _, s := range syllables {
				if s != strings.ToLower(s) || strings.ContainsAny(s, " ") {
					t.Errorf("%s[%q] syllable %q is not a lower-case word", name, word, s)
				}
			}
		}
	}
}

// likeMatch is LIKE with ESCAPE '\' as both databases evaluate it on
// lower-cased text, for checking patterns without a database.
func likeMatch(pattern, text string) bool {
	p, s := []rune(pattern), []rune(text)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for i < len(p) {
			switch c := p[i]; {
			case c == '%':
				for k := j; k <= len(s); k++ {
					if match(i+1, k) {
						return true
					}
				}
				return false
			case c == '_':
				if j >= len(s) {
					return false
				}
			default:
				if c == '\\' && i+1 < len(p) {
					i++
					c = p[i]
				}
				if j >= len(s) || s[j] != c {
					return false
				}
			}
			i++
			j++
		}
		return j == len(s)
	}
	return match(0, 0)
}

// TestConcurrentUse: names are keyed from many requests at once.
func TestConcurrentUse(t *testing.T) {
	done := make(chan string, 8)
	for i := range 8 {
		go func() { done <- Search("Zoë Müller", "张伟", string(rune('a'+i))) }()
	}
	for range 8 {
		if got := <-done; !strings.Contains(got, "zoe muller") {
			t.Errorf("Search = %q, want the unaccented form", got)
		}
	}
}
