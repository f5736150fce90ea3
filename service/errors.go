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
type Error struct {
	Kind   Kind
	Detail string
	Fields map[string]string
}

func (e *Error) Error() string { return e.Detail }

// Forbidden refuses the actor.
func Forbidden(detail string) *Error { return &Error{Kind: KindForbidden, Detail: detail} }

// NotFound says the object is unknown (or must seem so).
func NotFound() *Error { return &Error{Kind: KindNotFound, Detail: "no such resource"} }

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
		switch appErr.Type() {
		case process.ErrForbidden:
			return Forbidden(appErr.Message())
		case process.ErrInvalidState:
			return Conflict(appErr.Message())
		case process.ErrInvalidInput:
			return InvalidDetail(appErr.Message())
		case process.ErrNotFound:
			return NotFound()
		}
	}
	var (
		fields   store.FieldErrors
		notFound *serviceerror.NotFound
	)
	switch {
	case errors.As(err, &fields):
		return Invalid(fields)
	case errors.Is(err, store.ErrNotFound), errors.As(err, &notFound):
		return NotFound()
	case errors.Is(err, store.ErrConflict):
		return Conflict(err.Error())
	}
	return &Error{Kind: KindInternal, Detail: "internal error"}
}
