package policy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// day is the length of the `d` unit. Governance periods are counted in
// calendar days; a day is 24 hours because the deadlines are durable timers,
// not wall-clock dates, and a daylight-saving shift must not move them.
const day = 24 * time.Hour

// Duration is a period of the policy. It is written `30s`, `90m`, `336h`,
// `14d` or any combination [time.ParseDuration] accepts plus the `d` (24h)
// unit, such as `1d12h`, and is never negative. It renders in the shortest
// readable form: `14d` for a whole number of days, else Go's duration string
// without zero tails (`36h`, `1h30m`).
type Duration time.Duration

// D returns the duration as a [time.Duration], for timers and arithmetic.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String renders the duration as the policy file writes it.
func (d Duration) String() string {
	td := time.Duration(d)
	if td == 0 {
		return "0s"
	}
	if td > 0 && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ParseDuration reads a duration as the policy file writes it. A bare `0` is
// accepted; any other number needs a unit. Signs, spaces and values past
// about 292 years are refused.
func ParseDuration(s string) (Duration, error) {
	invalid := func(why string) (Duration, error) {
		if why != "" {
			return 0, fmt.Errorf("invalid duration %q: %s", s, why)
		}
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	switch {
	case s == "":
		return invalid("empty")
	case s == "0":
		return 0, nil
	case s[0] == '-':
		return invalid("must not be negative")
	}
	isNum := func(c byte) bool { return c >= '0' && c <= '9' || c == '.' }
	var total time.Duration
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && isNum(rest[i]) {
			i++
		}
		j := i
		for j < len(rest) && !isNum(rest[j]) && rest[j] != '-' && rest[j] != '+' {
			j++
		}
		if i == 0 {
			return invalid("")
		}
		if j == i {
			return invalid("missing unit (s, m, h or d)")
		}
		num, unit := rest[:i], rest[i:j]
		var part time.Duration
		if unit == "d" {
			h, err := time.ParseDuration(num + "h")
			if err != nil {
				return invalid("")
			}
			if h > math.MaxInt64/24 {
				return invalid("too long")
			}
			part = h * 24
		} else {
			var err error
			if part, err = time.ParseDuration(num + unit); err != nil {
				return invalid("")
			}
		}
		if total > math.MaxInt64-part {
			return invalid("too long")
		}
		total += part
		rest = rest[j:]
	}
	return Duration(total), nil
}

// MarshalText renders the duration for JSON and other text encodings.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a duration from JSON (a string; a JSON number is
// refused because it carries no unit) and other text encodings.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML renders the duration as a YAML string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads a duration from a YAML scalar. It is explicit because
// the default decoding would read a bare `30` as 30 nanoseconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("invalid duration: expected a value such as 14d, got %s", describe(n))
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
