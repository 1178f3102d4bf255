// Package validate collects input errors that name their field (and row, for
// imports) with a translation key, so the same check reads well in Chinese
// and English on a page, in JSON and in an import report.
package validate

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

// FieldError is one problem with one field. Key is a catalogue key such as
// "error.required"; Args fill its placeholders.
type FieldError struct {
	Row   int    `json:"row,omitempty"` // 1-based row of an imported file; 0 for forms
	Field string `json:"field"`
	Key   string `json:"key"`
	Args  []any  `json:"args,omitempty"`
}

func (e FieldError) Error() string {
	msg := e.Field + ": " + e.Key
	if len(e.Args) > 0 {
		msg += fmt.Sprint(e.Args)
	}
	if e.Row > 0 {
		return fmt.Sprintf("row %d, %s", e.Row, msg)
	}
	return msg
}

// Errors is a list of field errors; it is an error when non-empty.
type Errors []FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Add records a problem with field.
func (es *Errors) Add(field, key string, args ...any) {
	*es = append(*es, FieldError{Field: field, Key: key, Args: args})
}

// Has reports whether field already has a problem.
func (es Errors) Has(field string) bool {
	for _, e := range es {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns es as an error, or nil when there is nothing to report.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// AtRow returns a copy of es with every error placed on row.
func (es Errors) AtRow(row int) Errors {
	out := make(Errors, len(es))
	for i, e := range es {
		e.Row = row
		out[i] = e
	}
	return out
}

// As extracts field errors from err, if it carries any.
func As(err error) (Errors, bool) {
	var es Errors
	if errors.As(err, &es) {
		return es, true
	}
	var fe FieldError
	if errors.As(err, &fe) {
		return Errors{fe}, true
	}
	return nil, false
}

// Field builds a single-field error.
func Field(field, key string, args ...any) Errors {
	return Errors{{Field: field, Key: key, Args: args}}
}

// Required adds error.required when value is blank.
func (es *Errors) Required(field, value string) bool {
	if strings.TrimSpace(value) == "" {
		es.Add(field, "error.required")
		return false
	}
	return true
}

// MaxLen adds error.too_long when value has more than n characters.
func (es *Errors) MaxLen(field, value string, n int) {
	if utf8.RuneCountInString(value) > n {
		es.Add(field, "error.too_long", n)
	}
}

// OneOf adds error.invalid_choice when value is not among allowed.
func (es *Errors) OneOf(field, value string, allowed []string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	es.Add(field, "error.invalid_choice", strings.Join(allowed, ", "))
}

// Email adds error.invalid_email when a non-empty value is not an address.
func (es *Errors) Email(field, value string) {
	if value == "" {
		return
	}
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || !strings.Contains(value[strings.LastIndex(value, "@")+1:], ".") {
		es.Add(field, "error.invalid_email")
	}
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{5,18}[0-9]$`)

// Phone adds error.invalid_phone when a non-empty value is not a phone number.
func (es *Errors) Phone(field, value string) {
	if value != "" && !phonePattern.MatchString(value) {
		es.Add(field, "error.invalid_phone")
	}
}

// NormalizePhone removes spaces and dashes so one number has one spelling.
func NormalizePhone(s string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
}

// NormalizeEmail trims and lowercases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
