package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/lacralo/ralo/api/problem"
	"github.com/lacralo/ralo/service"
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

// Error is the API's error with an HTTP status.
type Error = problem.Error

func errStatus(status int, detail string) *Error { return &Error{Status: status, Detail: detail} }

var (
	errUnauthorized = errStatus(http.StatusUnauthorized, "a valid bearer token is required")
	errTokenExpired = errStatus(http.StatusUnauthorized, "the bearer token has expired: ask an admin for a new one")
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
		svcErr   *service.Error
		fields   store.FieldErrors
		httpErr  *echo.HTTPError
		notFound *serviceerror.NotFound
	)
	p := Problem{Status: http.StatusInternalServerError, Detail: "internal error"}
	switch {
	case errors.As(err, &apiErr):
		p.Status, p.Detail, p.Errors = apiErr.Status, apiErr.Error(), apiErr.Fields
	case errors.As(err, &svcErr):
		p.Status, p.Detail, p.Errors = svcErr.Kind.Status(), svcErr.Detail, svcErr.Fields
		if svcErr.Kind == service.KindInternal {
			p.Detail = "internal error"
		}
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

func bind(c echo.Context, v any, reserved ...string) error { return problem.Bind(c, v, reserved...) }
