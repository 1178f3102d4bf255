package i18n_test

import (
	"testing"

	"github.com/meded/meded/internal/i18n"
)

func TestEveryKeyHasBothLanguages(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		for _, other := range i18n.Languages {
			for _, k := range c.Keys(lang) {
				if !c.Has(other, k) {
					t.Errorf("key %q is in %s but missing from %s", k, lang, other)
				}
				if c.T(lang, k) == "" {
					t.Errorf("key %q is empty in %s", k, lang)
				}
			}
		}
	}
}

func TestTranslateFillsArguments(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.T(i18n.English, "pager.page", 2, 7), "Page 2 of 7"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	if got, want := c.T(i18n.Chinese, "pager.page", 2, 7), "第 2 / 7 页"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	if got := c.T(i18n.English, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key shows %q, want the key", got)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		setting, choice, accept, want string
	}{
		{"en", "zh-CN", "zh", "en"},
		{"", "en", "zh-CN", "en"},
		{"", "", "en-US,en;q=0.9", "en"},
		{"", "", "zh-TW,zh;q=0.9", "zh-CN"},
		{"", "", "fr-FR", "zh-CN"},
		{"", "xx", "", "zh-CN"},
		{"", "", "", "zh-CN"},
	}
	for _, tt := range tests {
		if got := i18n.Negotiate(tt.setting, tt.choice, tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", tt.setting, tt.choice, tt.accept, got, tt.want)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("en-US,en;q=0.9,zh;q=0.8")
	f.Add("*;q=0")
	f.Fuzz(func(t *testing.T, accept string) {
		if got := i18n.Negotiate("", "", accept); !i18n.Supported(got) {
			t.Errorf("Negotiate(%q) = %q, not a supported language", accept, got)
		}
	})
}
