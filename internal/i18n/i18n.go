// Package i18n holds MedEd's catalogue of user-visible strings in Simplified
// Chinese and English, picks a language for a request, and formats times in
// an institution's zone. Code and templates refer to strings by stable keys.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// The languages MedEd speaks; the first is the default.
const (
	Chinese = "zh-CN"
	English = "en"
)

// Languages lists every supported language tag, default first.
var Languages = []string{Chinese, English}

//go:embed catalog/*.json
var catalogFiles embed.FS

// Catalog maps language → key → text. Texts use {1}, {2}… for arguments so
// translators can reorder them.
type Catalog struct {
	texts map[string]map[string]string
}

// Load reads the embedded catalogue files, named AREA.LANG.json (one area
// per domain, so work on two domains never edits the same file). A key
// defined in two files is an error.
func Load() (*Catalog, error) {
	c := &Catalog{texts: map[string]map[string]string{}}
	for _, lang := range Languages {
		c.texts[lang] = map[string]string{}
		files, err := fs.Glob(catalogFiles, "catalog/*."+lang+".json")
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("i18n: no catalogue for %s", lang)
		}
		for _, file := range files {
			b, err := catalogFiles.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", file, err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", file, err)
			}
			for k, v := range m {
				if _, dup := c.texts[lang][k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is defined twice", file, k)
				}
				c.texts[lang][k] = v
			}
		}
	}
	return c, nil
}

// Keys returns the sorted keys of one language.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether lang has key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.texts[lang][key]
	return ok
}

// T translates key into lang, filling {n} with args. A missing key shows
// itself, which the catalogue test prevents from shipping.
func (c *Catalog) T(lang, key string, args ...any) string {
	text, ok := c.texts[lang][key]
	if !ok {
		text, ok = c.texts[Chinese][key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '{' {
			if end := strings.IndexByte(text[i:], '}'); end > 1 {
				if n, err := strconv.Atoi(text[i+1 : i+end]); err == nil && n >= 1 && n <= len(args) {
					fmt.Fprint(&b, args[n-1])
					i += end
					continue
				}
			}
		}
		b.WriteByte(text[i])
	}
	return b.String()
}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Negotiate picks the language for a request: the account's setting, then
// the visitor's explicit choice (cookie), then Accept-Language.
func Negotiate(accountSetting, choice, acceptLanguage string) string {
	for _, l := range []string{accountSetting, choice} {
		if Supported(l) {
			return l
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, idx, conf := matcher.Match(tags...)
			if conf != language.No {
				return Languages[idx]
			}
		}
	}
	return Chinese
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return lang == Chinese || lang == English }
