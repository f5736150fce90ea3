package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/lacralo/ralo/store"
)

// Problem is an RFC 9457 problem document, the body of every error.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

// Error is an error with an HTTP status; handlers return it, and one place
// (handleError) turns every error into a problem document.
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

func errStatus(status int, detail string) *Error { return &Error{Status: status, Detail: detail} }

var (
	errUnauthorized = errStatus(http.StatusUnauthorized, "a valid bearer token is required")
	errForbidden    = errStatus(http.StatusForbidden, "your roles do not allow this action")
	errNotFound     = errStatus(http.StatusNotFound, "no such resource")
)

func badRequest(detail string) *Error { return errStatus(http.StatusBadRequest, detail) }

func conflict(detail string) *Error { return errStatus(http.StatusConflict, detail) }

func invalid(fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Detail: "some fields are invalid", Fields: fields}
}

// problemType names each status with a stable URI, so clients can switch on it.
func problemType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "https://ralo.lacralo.org/problems/malformed-request"
	case http.StatusUnauthorized:
		return "https://ralo.lacralo.org/problems/unauthenticated"
	case http.StatusForbidden:
		return "https://ralo.lacralo.org/problems/forbidden"
	case http.StatusNotFound:
		return "https://ralo.lacralo.org/problems/not-found"
	case http.StatusConflict:
		return "https://ralo.lacralo.org/problems/invalid-state"
	case http.StatusUnprocessableEntity:
		return "https://ralo.lacralo.org/problems/invalid-fields"
	case http.StatusTooManyRequests:
		return "https://ralo.lacralo.org/problems/rate-limited"
	default:
		return "about:blank"
	}
}

// toProblem maps any error to its problem document.
func toProblem(err error) Problem {
	var (
		apiErr   *Error
		fields   store.FieldErrors
		httpErr  *echo.HTTPError
		notFound *serviceerror.NotFound
	)
	p := Problem{Status: http.StatusInternalServerError, Detail: "internal error"}
	switch {
	case errors.As(err, &apiErr):
		p.Status, p.Detail, p.Errors = apiErr.Status, apiErr.Error(), apiErr.Fields
	case errors.As(err, &fields):
		p.Status, p.Detail, p.Errors = http.StatusUnprocessableEntity, "some fields are invalid", fields
	case errors.Is(err, store.ErrNotFound), errors.As(err, &notFound):
		p.Status, p.Detail = http.StatusNotFound, "no such resource"
	case errors.Is(err, store.ErrConflict):
		p.Status, p.Detail = http.StatusConflict, err.Error()
	case errors.As(err, &httpErr):
		p.Status = httpErr.Code
		p.Detail = http.StatusText(httpErr.Code)
		if msg, ok := httpErr.Message.(string); ok {
			p.Detail = msg
		}
	}
	p.Type = problemType(p.Status)
	p.Title = http.StatusText(p.Status)
	return p
}

// handleError is Echo's error handler: every error becomes a problem
// document; internal errors are logged, never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := toProblem(err)
	p.Instance = c.Request().URL.Path
	if p.Status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed",
			"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	body, _ := json.Marshal(p)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	if err := c.Blob(p.Status, "application/problem+json", body); err != nil {
		s.log.WarnContext(c.Request().Context(), "writing problem failed", "err", err)
	}
}

// bind decodes a JSON body strictly: malformed JSON is a 400; an unknown
// field (a typo, or a privileged field a client should not send) is a 422
// naming it, so nothing is silently ignored. Fields named in reserved exist
// in v but are set by the server (who the actor is), so a client sending
// them is refused the same way.
func bind(c echo.Context, v any, reserved ...string) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return badRequest("the body must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, 1<<20))
	if err != nil {
		return badRequest("the body could not be read: " + err.Error())
	}
	if len(reserved) > 0 {
		var probe map[string]json.RawMessage
		if json.Unmarshal(body, &probe) == nil {
			for _, name := range reserved {
				if _, ok := probe[name]; ok {
					return invalid(map[string]string{name: "unknown field"})
				}
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return invalid(map[string]string{strings.Trim(msg, `"`): "unknown field"})
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return invalid(map[string]string{typeErr.Field: "must be " + typeErr.Type.String()})
		}
		return badRequest("malformed JSON body: " + err.Error())
	}
	if dec.More() {
		return badRequest("the body must hold one JSON value")
	}
	return nil
}
