// Package process is the engine every ralo process runs on, written once:
// the main loop that fires deadlines, runs queued effects and waits
// (Engine.Run), the update helper that validates, applies and wakes the
// loop (Update), the one durable timer of the next deadline (Clock), the
// typed errors of a refused transition, and small set and copy helpers.
//
// It depends only on the Temporal SDK: it knows no process, and the
// shared contract (package workflows) may build on it. A process package (ethics, arbitration,
// election, statement, meeting) supplies the hooks.
package process

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
)

// Error types of a refused transition: the application error type of the
// update's failure, which the transports map to statuses in one table.
const (
	ErrForbidden    = "Forbidden"    // the caller may not do this (403)
	ErrInvalidState = "InvalidState" // not allowed in the current state (409)
	ErrInvalidInput = "InvalidInput" // invalid fields (422)
	ErrNotFound     = "NotFound"     // the caller may not know the object (404)
)

// Forbidden refuses a transition because of who asks (403).
func Forbidden(msg string) error { return temporal.NewApplicationError(msg, ErrForbidden) }

// InvalidState refuses a transition the state does not allow now (409).
func InvalidState(msg string) error {
	return temporal.NewApplicationError(msg, ErrInvalidState)
}

// InvalidInput refuses a transition's fields (422).
func InvalidInput(msg string) error {
	return temporal.NewApplicationError(msg, ErrInvalidInput)
}

// NotFound refuses a transition on something the caller may not know
// exists (404).
func NotFound(msg string) error { return temporal.NewApplicationError(msg, ErrNotFound) }

// Message is an error's message without the SDK's decoration, to list
// several problems in one error or to record why an activity failed.
func Message(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}

// CheckText refuses a blank text or one longer than limit bytes.
func CheckText(field, s string, limit int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return InvalidInput(field + " is required")
	case len(s) > limit:
		return InvalidInput(fmt.Sprintf("%s is longer than %d bytes", field, limit))
	}
	return nil
}

// Title is a text shortened for email subjects and listings: its first
// line, at most 80 characters.
func Title(q string) string {
	const limit = 80
	q = strings.TrimSpace(q)
	if i := strings.IndexAny(q, "\r\n"); i >= 0 {
		q = strings.TrimSpace(q[:i]) + "…"
	}
	if utf8.RuneCountInString(q) <= limit {
		return q
	}
	r := []rune(q)
	return strings.TrimSpace(string(r[:limit-1])) + "…"
}

// Label writes a period as people read it in emails: whole days as "14d".
func Label(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

// Set sorts ids and drops duplicates and blanks.
func Set(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Clone copies the value p points to; the values it is used on hold no
// pointers or slices that the workflow changes in place.
func Clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// NonNil keeps JSON arrays as [] rather than null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CloneMap copies a map of plain values.
func CloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Role names the processes check on an Actor, as the registry spells them.
const (
	RoleStaff = "staff"
	RoleAdmin = "admin"
)

// IsStaff says whether roles give staff rights (staff or admin).
func IsStaff(roles []string) bool {
	return slices.Contains(roles, RoleStaff) || slices.Contains(roles, RoleAdmin)
}
