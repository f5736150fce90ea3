package process

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// Refusal names a refused transition for a transport that speaks the
// reader's language: a stable code (the web's "refusal.<code>" message),
// the values its sentence needs, and, when the refusal is about one field
// of the request, that field's name. It travels as the application
// error's details; the error's message stays the English sentence the
// JSON API shows.
type Refusal struct {
	Code  string            `json:"code"`
	Args  map[string]string `json:"args,omitempty"`
	Field string            `json:"field,omitempty"`
}

// ForbiddenCode refuses a transition because of who asks (403), with a
// code and its arguments (name, value pairs).
func ForbiddenCode(code, msg string, args ...any) error {
	return refuse(ErrForbidden, code, "", msg, args)
}

// InvalidStateCode refuses a transition the state does not allow now
// (409), with a code and its arguments.
func InvalidStateCode(code, msg string, args ...any) error {
	return refuse(ErrInvalidState, code, "", msg, args)
}

// InvalidInputCode refuses a transition's input (422), with a code and its
// arguments.
func InvalidInputCode(code, msg string, args ...any) error {
	return refuse(ErrInvalidInput, code, "", msg, args)
}

// InvalidFieldCode refuses one field of a transition's input (422): the
// pages show the message beside that field.
func InvalidFieldCode(field, code, msg string, args ...any) error {
	return refuse(ErrInvalidInput, code, field, msg, args)
}

func refuse(typ, code, field, msg string, args []any) error {
	r := Refusal{Code: code, Field: field}
	if len(args) > 1 {
		r.Args = make(map[string]string, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			if k, ok := args[i].(string); ok {
				r.Args[k] = argString(args[i+1])
			}
		}
	}
	return temporal.NewApplicationErrorWithOptions(msg, typ, temporal.ApplicationErrorOptions{Details: []any{r}})
}

// argString writes an argument as the message catalogue reads it; a time
// as RFC 3339, which the pages show in the reader's time zone.
func argString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case interface{ Format(string) string }:
		return x.Format("2006-01-02T15:04:05Z07:00")
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// RefusalOf is the refusal an error carries, if it carries one.
func RefusalOf(err error) (Refusal, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.HasDetails() {
		return Refusal{}, false
	}
	var r Refusal
	if appErr.Details(&r) != nil || r.Code == "" {
		return Refusal{}, false
	}
	return r, true
}
