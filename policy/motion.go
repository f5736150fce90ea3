package policy

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Fraction is a share written as a fraction ("2/3") or a decimal
// ("0.6667"), kept as written so that `ralo policy show` and the results
// print what the policy says.
type Fraction string

// ParseFraction reads a fraction or a decimal.
func ParseFraction(s string) (Fraction, error) {
	if _, ok := new(big.Rat).SetString(strings.TrimSpace(s)); !ok || strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("invalid fraction %q (write 2/3 or 0.6667)", s)
	}
	return Fraction(strings.TrimSpace(s)), nil
}

// Rat is the fraction's exact value; nil when it is empty or unreadable
// (the policy loader refuses both).
func (f Fraction) Rat() *big.Rat {
	r, ok := new(big.Rat).SetString(string(f))
	if !ok || f == "" {
		return nil
	}
	return r
}

// UnmarshalYAML reads a fraction from a YAML scalar: `2/3` is a string to
// YAML and `0.6667` a number; both are accepted.
func (f *Fraction) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a fraction such as 2/3, got %s", describe(n))
	}
	v, err := ParseFraction(n.Value)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// PeriodKind is how the inactivity rule's participation period is
// counted.
type PeriodKind string

// The participation periods.
const (
	// PeriodCalendarYear judges an ALS on the calendar year (LACRALO's
	// rule): participation in the last complete calendar year or in the
	// current one so far keeps it active.
	PeriodCalendarYear PeriodKind = "calendar_year"
	// PeriodRolling judges it on the Length before each evaluation.
	PeriodRolling PeriodKind = "rolling"
)

// rollingYear is the length of `period: rolling`.
const rollingYear = 365 * 24 * time.Hour

// ParticipationPeriod is `participation.period`: `calendar_year` (the
// default), `rolling` (the 365 days before each evaluation), or a duration
// such as `365d` (a rolling period of that length, the form of earlier
// policy files).
type ParticipationPeriod struct {
	Kind   PeriodKind
	Length Duration // the rolling period's length; 365d for a calendar year
}

// ParsePeriod reads `calendar_year`, `rolling` or a duration.
func ParsePeriod(s string) (ParticipationPeriod, error) {
	switch PeriodKind(s) {
	case PeriodCalendarYear:
		return ParticipationPeriod{Kind: PeriodCalendarYear, Length: Duration(rollingYear)}, nil
	case PeriodRolling:
		return ParticipationPeriod{Kind: PeriodRolling, Length: Duration(rollingYear)}, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return ParticipationPeriod{}, fmt.Errorf("expected calendar_year, rolling or a duration such as 365d, got %q", s)
	}
	return ParticipationPeriod{Kind: PeriodRolling, Length: d}, nil
}

// CalendarYear reports whether the period is the calendar year.
func (p ParticipationPeriod) CalendarYear() bool { return p.Kind == PeriodCalendarYear }

// D is the period's length (365 days for a calendar year).
func (p ParticipationPeriod) D() time.Duration { return p.Length.D() }

// String is the period as the policy writes it.
func (p ParticipationPeriod) String() string {
	if p.Kind == PeriodCalendarYear || p.Kind == PeriodRolling && p.Length.D() == rollingYear {
		return string(p.Kind)
	}
	return p.Length.String()
}

// MarshalText renders the period for JSON.
func (p ParticipationPeriod) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads the period from JSON.
func (p *ParticipationPeriod) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// MarshalYAML renders the period as a YAML string.
func (p ParticipationPeriod) MarshalYAML() (any, error) { return p.String(), nil }

// UnmarshalYAML reads the period from a YAML scalar.
func (p *ParticipationPeriod) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected calendar_year, rolling or a duration, got %s", describe(n))
	}
	v, err := ParsePeriod(n.Value)
	if err != nil {
		return err
	}
	*p = v
	return nil
}
