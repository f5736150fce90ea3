package workflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/lacralo/ralo/policy"
)

// Duration is a period in a process's input or state. JSON writes it in the
// policy's notation ("14d", "36h", "90m"), in requests and responses
// alike; it reads that notation and, for histories recorded before the
// notation was adopted, a bare number of nanoseconds.
type Duration time.Duration

// D returns the duration as a time.Duration, for timers and arithmetic.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String writes the duration in the policy's notation.
func (d Duration) String() string { return policy.Duration(d).String() }

// MarshalJSON writes the duration as a string in the policy's notation.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// ErrDurationForm is the message of a duration that cannot be read.
var ErrDurationForm = errors.New("must be a duration such as 14d, 36h or 90m")

// UnmarshalJSON reads "14d", "36h", "90m" (or "1h30m"), or a number of
// nanoseconds as older histories hold.
func (d *Duration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' {
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil || n < 0 {
			return ErrDurationForm
		}
		*d = Duration(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return ErrDurationForm
	}
	v, err := policy.ParseDuration(s)
	if err != nil {
		return ErrDurationForm
	}
	*d = Duration(v)
	return nil
}
