package service

import (
	"errors"
	"net/http"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/process"
)

// Kind is what went wrong, as every transport must tell it: the JSON API
// maps it to a status, the web interface to a message beside the form.
type Kind int

// Kinds of error an operation returns.
const (
	KindInternal    Kind = iota // not the caller's fault; logged, never shown
	KindMalformed               // the request cannot be read (400)
	KindForbidden               // the actor may not do this (403)
	KindNotFound                // unknown, or not the actor's to know (404)
	KindConflict                // not allowed in the current state (409)
	KindInvalid                 // invalid fields (422)
	KindRateLimited             // too many requests (429)
)

// Error is an operation's refusal: its kind, a sentence for the person,
// and, for invalid input, a message per field (named as in the request).
// Code (with Args) and FieldCodes name the same refusal for a transport
// that speaks the reader's language (the web's "refusal.<code>" and
// "field.<code>" messages); the JSON API shows Detail and Fields as they
// are.
type Error struct {
	Kind       Kind
	Detail     string
	Fields     map[string]string
	Code       string
	Args       map[string]any
	FieldCodes map[string]string
}

// Refusal codes the web translates (Error.Code).
const (
	CodeRolesForbid     = "roles_forbid"     // the actor's roles do not allow it
	CodeOwnOnly         = "own_only"         // only the member (or an admin) may
	CodeNotFound        = "not_found"        // unknown, or not the actor's to know
	CodeSignInNeeded    = "sign_in_needed"   // the operation needs a signed-in member
	CodeProfileFields   = "profile_fields"   // a profile field the member may not change
	CodeOwnRoles        = "own_roles"        // nobody changes their own roles or ALS
	CodeAdminRoles      = "admin_roles"      // privileged roles are an admin's act
	CodeReviewNotOpen   = "review_not_open"  // the ALS is not under review
	CodeOwnDeclarations = "own_declarations" // members file their own declarations
)

// Coded gives e a code (and args, name, value pairs) for the pages.
func (e *Error) Coded(code string, args ...any) *Error {
	e.Code = code
	if len(args) > 1 {
		e.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			if k, ok := args[i].(string); ok {
				e.Args[k] = args[i+1]
			}
		}
	}
	return e
}

// InvalidCoded refuses fields, each with its message and its code.
func InvalidCoded(fields, codes map[string]string) *Error {
	e := Invalid(fields)
	e.FieldCodes = codes
	return e
}

func (e *Error) Error() string { return e.Detail }

// Forbidden refuses the actor.
func Forbidden(detail string) *Error { return &Error{Kind: KindForbidden, Detail: detail} }

// NotFound says the object is unknown (or must seem so).
func NotFound() *Error {
	return &Error{Kind: KindNotFound, Detail: "no such resource", Code: CodeNotFound}
}

// Conflict refuses what the state does not allow now.
func Conflict(detail string) *Error { return &Error{Kind: KindConflict, Detail: detail} }

// Invalid refuses fields, each with its message.
func Invalid(fields map[string]string) *Error {
	return &Error{Kind: KindInvalid, Detail: "some fields are invalid", Fields: fields}
}

// InvalidDetail refuses the input with one sentence.
func InvalidDetail(detail string) *Error { return &Error{Kind: KindInvalid, Detail: detail} }

// Malformed refuses a request that cannot be read.
func Malformed(detail string) *Error { return &Error{Kind: KindMalformed, Detail: detail} }

// Status is the HTTP status of a kind, the one table every transport uses.
func (k Kind) Status() int {
	switch k {
	case KindMalformed:
		return http.StatusBadRequest
	case KindForbidden:
		return http.StatusForbidden
	case KindNotFound:
		return http.StatusNotFound
	case KindConflict:
		return http.StatusConflict
	case KindInvalid:
		return http.StatusUnprocessableEntity
	case KindRateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// AsError turns any error an operation meets into an *Error: a refused
// transition's type (process.Err*), the store's typed errors, or an
// internal error. It never reads an error's text.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if e := refused(appErr); e != nil {
			return e
		}
	}
	var (
		coded    store.CodedFieldErrors
		fields   store.FieldErrors
		notFound *serviceerror.NotFound
	)
	switch {
	case errors.As(err, &coded):
		return InvalidCoded(coded.FieldErrors, coded.Codes)
	case errors.As(err, &fields):
		return Invalid(fields)
	case errors.Is(err, store.ErrNotFound), errors.As(err, &notFound):
		return NotFound()
	case errors.Is(err, store.ErrConflict):
		return Conflict(err.Error())
	}
	return &Error{Kind: KindInternal, Detail: "internal error"}
}

// refused is a refused transition as the transports tell it: its kind
// from the application error's type and, when the process named it
// (process.Refusal), its code, arguments and field. Nil for an error that
// is not a refusal.
func refused(appErr *temporal.ApplicationError) *Error {
	var e *Error
	switch appErr.Type() {
	case process.ErrForbidden:
		e = Forbidden(appErr.Message())
	case process.ErrInvalidState:
		e = Conflict(appErr.Message())
	case process.ErrInvalidInput:
		e = InvalidDetail(appErr.Message())
	case process.ErrNotFound:
		return NotFound()
	default:
		return nil
	}
	r, ok := process.RefusalOf(appErr)
	if !ok {
		return e
	}
	e.Code = r.Code
	if len(r.Args) > 0 {
		e.Args = make(map[string]any, len(r.Args))
		for k, v := range r.Args {
			e.Args[k] = v
		}
	}
	if r.Field != "" && e.Kind == KindInvalid {
		e.Fields = map[string]string{r.Field: appErr.Message()}
		e.FieldCodes = map[string]string{r.Field: r.Code}
	}
	return e
}
