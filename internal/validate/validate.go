// Package validate holds what every area's forms share: problems with
// the input, by field, which a page shows beside each field.
package validate

import (
	"errors"
	"sort"
	"strings"
)

// Errors lists what is wrong with a form or a request, by field name
// ("form" for the whole). Pages re-render the form with each message
// beside its field.
type Errors map[string]string

// Error lists the problems in field order.
func (e Errors) Error() string {
	keys := e.fields()
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Messages is the problems' messages alone, in field order, as one text
// (for a notice that cannot sit beside the fields).
func (e Errors) Messages() string {
	keys := e.fields()
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = e[k]
	}
	return strings.Join(parts, " ")
}

func (e Errors) fields() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OrNil returns e as an error, or nil when it lists no problem.
func (e Errors) OrNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// As returns the field problems inside err, if it carries any.
func As(err error) (Errors, bool) {
	var e Errors
	ok := errors.As(err, &e)
	return e, ok
}
