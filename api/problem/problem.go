// Package problem holds the API's error type and its strict JSON request
// decoder. It has no dependency on Temporal or the database, so that the
// decoder can be fuzzed on its own.
package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Error is an error with an HTTP status; handlers return it, and one place
// (the API's error handler) turns every error into a problem document.
type Error struct {
	Status int
	Detail string
	Fields map[string]string
	Err    error
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return http.StatusText(e.Status)
}

func (e *Error) Unwrap() error { return e.Err }

// Bind decodes a JSON body strictly: malformed JSON is a 400; an unknown
// field (a typo, or a privileged field a client should not send) is a 422
// naming it, so nothing is silently ignored. Fields named in reserved exist
// in v but are set by the server (who the actor is), so a client sending
// them is refused the same way.
func Bind(c echo.Context, v any, reserved ...string) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return &Error{Status: http.StatusBadRequest, Detail: "the body must be application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, 1<<20))
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Detail: "the body could not be read: " + err.Error()}
	}
	if len(reserved) > 0 {
		var probe map[string]json.RawMessage
		if json.Unmarshal(body, &probe) == nil {
			for key := range probe {
				for _, name := range reserved {
					if !strings.EqualFold(key, name) {
						continue
					}
					return &Error{Status: http.StatusUnprocessableEntity, Detail: "some fields are invalid", Fields: map[string]string{key: "unknown field"}}
				}
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return &Error{Status: http.StatusUnprocessableEntity, Detail: "some fields are invalid", Fields: map[string]string{strings.Trim(msg, `"`): "unknown field"}}
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &Error{Status: http.StatusUnprocessableEntity, Detail: "some fields are invalid", Fields: map[string]string{typeErr.Field: "must be " + typeErr.Type.String()}}
		}
		return &Error{Status: http.StatusBadRequest, Detail: "malformed JSON body: " + err.Error()}
	}
	if dec.More() {
		return &Error{Status: http.StatusBadRequest, Detail: "the body must hold one JSON value"}
	}
	return nil
}
