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
	"reflect"
	"strconv"
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
// them is refused the same way. A value of the wrong form is a 422 naming
// the field by its JSON path ("calendar.voting_open") and the form it
// must take ("must be a date-time such as 2027-05-01T14:00:00Z"): no
// error shows a Go parser message.
func Bind(c echo.Context, v any, reserved ...string) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return &Error{Status: http.StatusBadRequest, Detail: "the body must be application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &Error{Status: http.StatusBadRequest, Detail: "the body is larger than 1 MiB", Err: err}
		}
		return &Error{Status: http.StatusBadRequest, Detail: "the body could not be read", Err: err}
	}
	if len(reserved) > 0 {
		var probe map[string]json.RawMessage
		if json.Unmarshal(body, &probe) == nil {
			for key := range probe {
				for _, name := range reserved {
					if !strings.EqualFold(key, name) {
						continue
					}
					return invalidFields(map[string]string{key: formUnknown})
				}
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(body, v, err)
	}
	if dec.More() {
		return &Error{Status: http.StatusBadRequest, Detail: "the body must hold one JSON value"}
	}
	return nil
}

// maxBody is the largest body Bind reads.
const maxBody = 1 << 20

func invalidFields(fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Detail: "some fields are invalid", Fields: fields}
}

// decodeError explains why body could not be read into v: a 400 when it
// is not JSON, else a 422 naming each field that is unknown or not in the
// form its type needs. Go's own text is kept in Err for the logs, never
// shown.
func decodeError(body []byte, v any, err error) error {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if derr := dec.Decode(&raw); derr != nil {
		var syntax *json.SyntaxError
		switch {
		case errors.Is(derr, io.EOF):
			return &Error{Status: http.StatusBadRequest, Detail: "the body is empty: it must hold a JSON value", Err: err}
		case errors.As(derr, &syntax):
			return &Error{Status: http.StatusBadRequest, Detail: "malformed JSON body at byte " + strconv.FormatInt(syntax.Offset, 10), Err: err}
		default:
			return &Error{Status: http.StatusBadRequest, Detail: "malformed JSON body: it ends too soon", Err: err}
		}
	}
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return &Error{Status: http.StatusInternalServerError, Detail: "internal error", Err: err}
	}
	fields := fieldErrors(t.Elem(), raw)
	if msg, ok := fields[""]; ok {
		return &Error{Status: http.StatusBadRequest, Detail: "the body " + msg, Err: err}
	}
	if len(fields) == 0 {
		return &Error{Status: http.StatusUnprocessableEntity, Detail: "the body does not match the expected fields", Err: err}
	}
	e := invalidFields(fields)
	e.Err = err
	return e
}
