package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meded/meded/internal/account"
	"github.com/meded/meded/internal/geo"
	"github.com/meded/meded/internal/i18n"
	"github.com/meded/meded/internal/rules"
	"github.com/meded/meded/internal/validate"
	webfiles "github.com/meded/meded/web"
)

// pageSet holds one parsed template per page, each wrapped in the layout.
type pageSet struct {
	pages map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"key":        func(prefix string, value any) string { return prefix + "." + fmt.Sprint(value) },
	"list3":      func(a, b, c string) []string { return []string{a, b, c} },
	"country":    func(code, lang string) string { return geo.Name(code, lang) },
	"hundredths": rules.Hundredths,
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"json": func(s string) string {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return s
		}
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	},
	"str": func(v any) string {
		switch x := v.(type) {
		case int64:
			if x == 0 {
				return ""
			}
			return strconv.FormatInt(x, 10)
		case int:
			if x == 0 {
				return ""
			}
			return strconv.Itoa(x)
		}
		return fmt.Sprint(v)
	},
}

func loadPages() (*pageSet, error) {
	layout, err := fs.ReadFile(webfiles.Templates, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	names, err := fs.Glob(webfiles.Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		body, err := fs.ReadFile(webfiles.Templates, file)
		if err != nil {
			return nil, err
		}
		t, err := template.New("layout").Funcs(templateFuncs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		ps.pages[name] = t
	}
	return ps, nil
}

// menuItem is one link of the navigation; Key is also its data-menu name.
type menuItem struct {
	Key, Href string
	Active    bool
}

// pageData is what every template receives; page-specific data is in Data.
type pageData struct {
	Lang      string
	Languages []string
	Page      string
	Path      string
	Next      string
	Demo      bool
	Principal *account.Principal
	Menu      []menuEntry
	Flash     string
	Errors    validate.Errors
	Form      url.Values
	Data      any
	cat       *i18n.Catalog
	loc       *time.Location
}

// T translates a catalogue key into the page's language.
func (p *pageData) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// TOr translates key, or shows fallback when the catalogue has no such key
// (names an admin made up, such as a requirement in an edited rule set).
func (p *pageData) TOr(key, fallback string) string {
	if !p.cat.Has(p.Lang, key) {
		return fallback
	}
	return p.cat.T(p.Lang, key)
}

// TA translates a key with arguments held in a slice (field errors).
func (p *pageData) TA(key string, args []any) string { return p.cat.T(p.Lang, key, args...) }

// Time shows t in the institution's zone.
func (p *pageData) Time(t any) string {
	switch x := t.(type) {
	case time.Time:
		return i18n.FormatTime(x, p.loc, p.Lang)
	case *time.Time:
		if x == nil {
			return ""
		}
		return i18n.FormatTime(*x, p.loc, p.Lang)
	}
	return ""
}

// Err is the translated error for a form field, or "".
func (p *pageData) Err(field string) string {
	var msgs []string
	for _, e := range p.Errors {
		if e.Field == field {
			msgs = append(msgs, p.cat.T(p.Lang, e.Key, e.Args...))
		}
	}
	return strings.Join(msgs, " ")
}

// Val is the submitted value of a field, to refill a form after an error.
func (p *pageData) Val(field string) string { return p.Form.Get(field) }

// Can reports whether the signed-in account holds any of the roles.
func (p *pageData) Can(roles ...string) bool {
	if p.Principal == nil {
		return false
	}
	rs := make([]account.Role, len(roles))
	for i, r := range roles {
		rs[i] = account.Role(r)
	}
	return p.Principal.Has(rs...)
}

// menuRule is one navigation link and who sees it.
type menuRule struct {
	key, href string
	roles     []account.Role // nil: everyone signed in
}

var coreMenu = []menuRule{
	{"dashboard", "/", nil},
	{"institutions", "/institutions", staffRoles},
	{"people", "/people", peopleReaders},
	{"accounts", "/accounts", accountManagers},
	{"registrations", "/registrations", accountManagers},
	{"audit", "/audit", auditReaders},
}

// menuSections is the whole navigation in order, in sections: Home, each
// domain's links, and the profile last. A section's key names its menu
// when the links are grouped ("" for links that always stand alone).
var menuSections = []struct {
	key   string
	rules []menuRule
}{
	{"", coreMenu[:1]},
	{"learning", slices.Concat(cmeMenu, seriesMenu, checkinMenu)},
	{"faculty", facultyMenu},
	{"credits", slices.Concat(creditMenu, selfReportMenu)},
	{"records", coreMenu[1:]},
	{"partnership", slices.Concat(partnershipMenu, furtherStudyMenu)},
	{"", []menuRule{{"profile", "/profile", nil}}},
}

// flatMenuLimit is the most links shown side by side: a learner's few links
// stay one tap away, an office's or the admin's many go into a menu per
// section.
const flatMenuLimit = 10

// menuEntry is one place in the navigation bar: a link, or a section's
// menu of links (Group is its key).
type menuEntry struct {
	Group  string
	Active bool
	Items  []menuItem
}

func menuFor(p *account.Principal, path string) []menuEntry {
	if p == nil {
		return nil
	}
	var sections []menuEntry
	total := 0
	for _, sec := range menuSections {
		e := menuEntry{Group: sec.key}
		for _, m := range sec.rules {
			if m.roles != nil && !p.Has(m.roles...) {
				continue
			}
			active := path == m.href || (m.href != "/" && strings.HasPrefix(path, m.href+"/"))
			e.Items = append(e.Items, menuItem{Key: m.key, Href: m.href, Active: active})
			e.Active = e.Active || active
		}
		if len(e.Items) > 0 {
			sections = append(sections, e)
			total += len(e.Items)
		}
	}
	var out []menuEntry
	for _, sec := range sections {
		if total > flatMenuLimit && sec.Group != "" && len(sec.Items) > 1 {
			out = append(out, sec)
			continue
		}
		for _, it := range sec.Items {
			out = append(out, menuEntry{Active: it.Active, Items: []menuItem{it}})
		}
	}
	return out
}

func (s *Server) newPage(r *http.Request, name string, data any) *pageData {
	v := visitOf(r)
	p := &pageData{
		Lang: v.lang, Languages: i18n.Languages, Page: name, Path: r.URL.Path, Next: r.URL.RequestURI(),
		Demo: s.cfg.Demo, Principal: v.principal, Menu: menuFor(v.principal, r.URL.Path),
		Data: data, cat: s.cat, loc: v.zone, Form: url.Values{},
	}
	if f := r.URL.Query().Get("flash"); strings.HasPrefix(f, "flash.") && s.cat.Has(v.lang, f) {
		p.Flash = f
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) error {
	return s.renderPage(w, http.StatusOK, s.newPage(r, name, data))
}

// renderForm shows a form again with the submitted values and the errors.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name string, data any, err error) error {
	fields, ok := validate.As(err)
	if !ok {
		return err
	}
	p := s.newPage(r, name, data)
	p.Errors = fields
	p.Form = r.PostForm
	return s.renderPage(w, http.StatusUnprocessableEntity, p)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.renderPage(w, status, s.newPage(r, name, data)); err != nil {
		visitOf(r).info.err = err
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

func (s *Server) renderPage(w http.ResponseWriter, status int, p *pageData) error {
	t, ok := s.pages.pages[p.Page]
	if !ok {
		return fmt.Errorf("web: no template %q", p.Page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("web: render %s: %w", p.Page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(webfiles.Static, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// redirectFlash sends the browser to path with a flash message key.
func redirectFlash(w http.ResponseWriter, r *http.Request, path, flash string) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	http.Redirect(w, r, path+sep+"flash="+url.QueryEscape(flash), http.StatusSeeOther)
	return nil
}

// pager describes one page of a list.
type pager struct {
	Page, Pages, Total, Size int
	Prev, Next               string
}

const pageSize = 50

// pageOf reads ?page= and returns the limit and offset for it.
func pageOf(r *http.Request) (page, limit, offset int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	return page, pageSize, (page - 1) * pageSize
}

func newPager(r *http.Request, page, total int) pager {
	pages := max((total+pageSize-1)/pageSize, 1)
	p := pager{Page: page, Pages: pages, Total: total, Size: pageSize}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < pages {
		p.Next = link(page + 1)
	}
	return p
}
