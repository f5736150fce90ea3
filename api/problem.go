package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/api/problem"
	"github.com/lacralo/ralo/service"
)

// Problem is an RFC 9457 problem document, the body of every error.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
	// Code names a refused transition stably (process.Refusal), for a
	// client that explains it in its own words; Detail stays English.
	Code string `json:"code,omitempty"`
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

// toProblem maps any error to its problem document: the transport's own
// errors (a body that cannot be read, a missing token, Echo's routing
// errors) here, everything else through the service's one error table
// (service.AsError: refused transitions by their type, the store's typed
// errors, internal errors never shown).
func toProblem(err error) Problem {
	var (
		apiErr  *Error
		httpErr *echo.HTTPError
	)
	p := Problem{}
	switch {
	case errors.As(err, &apiErr):
		p.Status, p.Detail, p.Errors = apiErr.Status, apiErr.Error(), apiErr.Fields
	case errors.As(err, &httpErr):
		p.Status = httpErr.Code
		p.Detail = http.StatusText(httpErr.Code)
		if msg, ok := httpErr.Message.(string); ok {
			p.Detail = msg
		}
	default:
		e := service.AsError(err)
		p.Status, p.Detail, p.Errors = e.Kind.Status(), e.Detail, e.Fields
		if e.Kind != service.KindInternal {
			p.Code = e.Code
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
