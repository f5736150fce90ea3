package policy

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validate checks the policy as a whole: fractions in (0, 1], positive
// durations, known enum values, sub-regions that split the countries without
// overlap, and a rotation table naming existing seats and sub-regions. It
// returns every problem found, each a [*KeyError] naming its dotted key,
// joined with [errors.Join]; nil when the policy is sound.
func (p *Policy) Validate() error {
	var v validator

	v.atLeast("namespace.retention", p.Namespace.Retention, Duration(day),
		"Temporal keeps closed processes at least one day")

	e := p.Ethics
	v.positive("ethics.screening", e.Screening)
	v.positive("ethics.screening_reminder", e.ScreeningReminder)
	if e.ScreeningReminder > 0 && e.ScreeningReminder >= e.Screening {
		v.add("ethics.screening_reminder", "must be shorter than ethics.screening (%s), got %s", e.Screening, e.ScreeningReminder)
	}
	v.positive("ethics.screening_escalation", e.ScreeningEscalation)
	v.positive("ethics.response", e.Response)
	v.positive("ethics.appeal_window", e.AppealWindow)
	v.positive("ethics.removal_ineligibility", e.RemovalIneligibility)
	v.fraction("ethics.quorum", e.Quorum)
	v.fraction("ethics.majority", e.Majority)

	a := p.Arbitration
	v.positive("arbitration.challenge_window", a.ChallengeWindow)
	v.positive("arbitration.submissions", a.Submissions)
	v.positive("arbitration.ruling_due", a.RulingDue)
	v.positive("arbitration.max_extension", a.MaxExtension)
	for i, r := range a.Reminders {
		key := fmt.Sprintf("arbitration.reminders[%d]", i)
		v.positive(key, r)
		if r > 0 && r >= a.RulingDue {
			v.add(key, "must be shorter than arbitration.ruling_due (%s), got %s", a.RulingDue, r)
		}
	}
	v.positive("arbitration.overdue_alert_every", a.OverdueAlertEvery)

	el := p.Election
	v.positive("election.reopen_period", el.ReopenPeriod)
	v.positive("election.objection_window", el.ObjectionWindow)
	v.positive("election.contest_window", el.ContestWindow)
	v.fraction("election.quorum", el.Quorum)
	oneOf(&v, "election.weighting", el.Weighting, WeightingNational, WeightingEqual)
	if el.MaxBallotChanges < 1 {
		v.add("election.max_ballot_changes", "must be a whole number of at least 1, got %d", el.MaxBallotChanges)
	}
	v.names("election.disqualifying_conflicts", el.DisqualifyingConflicts)
	if len(el.Seats) == 0 {
		v.add("election.seats", "must name at least one seat")
	}
	for _, name := range sorted(el.Seats) {
		p.validateSeat(&v, name, el.Seats[name])
	}

	s := p.Statements
	v.languages("policy.languages", s.Languages)
	v.positive("policy.comment_period", s.CommentPeriod)
	v.positive("policy.objection_window", s.ObjectionWindow)
	v.positive("policy.vote_period", s.VotePeriod)
	for i, r := range s.RemindersBeforeClose {
		v.positive(fmt.Sprintf("policy.reminders_before_close[%d]", i), r)
	}
	oneOf(&v, "policy.survey_weighting", s.SurveyWeighting, SurveyMember, SurveyNational)
	if m := s.RatificationMajority.Rat(); m == nil || m.Cmp(big.NewRat(1, 2)) < 0 || m.Cmp(big.NewRat(1, 1)) > 0 {
		v.add("policy.ratification_majority", "must be a fraction between 1/2 and 1 such as 2/3, got %q", s.RatificationMajority)
	}

	pa := p.Participation
	if pa.MissedCalls < 1 {
		v.add("participation.missed_calls", "must be at least 1, got %d", pa.MissedCalls)
	}
	if pa.Period.Kind != PeriodCalendarYear && pa.Period.Kind != PeriodRolling {
		v.add("participation.period", "must be calendar_year, rolling or a duration, got %q", pa.Period.Kind)
	} else {
		v.positive("participation.period", pa.Period.Length)
	}
	v.positive("participation.warning_before", pa.WarningBefore)
	if pa.WarningBefore > 0 && pa.WarningBefore >= pa.Period.Length {
		v.add("participation.warning_before", "must be shorter than participation.period (%s), got %s", pa.Period, pa.WarningBefore)
	}
	v.positive("participation.restore_within", pa.RestoreWithin)

	v.positive("meetings.reminder_before", p.Meetings.ReminderBefore)

	n := p.Notifications
	v.languages("notifications.languages", n.Languages)
	if !languageCode(n.DefaultLanguage) {
		v.add("notifications.default_language", "must be a language code such as es, got %q", n.DefaultLanguage)
	} else if !slices.Contains(n.Languages, n.DefaultLanguage) {
		v.add("notifications.default_language", "must be one of notifications.languages, got %q", n.DefaultLanguage)
	}

	b := p.Budgets
	if b.UpdateBurst < 1 {
		v.add("budgets.update_burst", "must be a whole number of at least 1, got %d", b.UpdateBurst)
	}
	v.positive("budgets.update_every", b.UpdateEvery)
	if b.HistoryEvents < 100 || b.HistoryEvents > 50_000 {
		v.add("budgets.history_events", "must be between 100 and 50000 (Temporal's limit is 51200), got %d", b.HistoryEvents)
	}
	for _, lang := range n.Languages {
		if strings.TrimSpace(p.Members.Guidelines[lang]) == "" {
			v.add("members.guidelines."+lang, "the new-member guidelines are missing in %s, one of notifications.languages", lang)
		}
	}

	p.validateSubregions(&v)
	p.validateRotation(&v)
	return errors.Join(v.errs...)
}

func (p *Policy) validateSeat(v *validator, name string, s Seat) {
	key := "election.seats." + name
	if !identifier(name) {
		v.add(key, "a seat name must be lowercase letters, digits and _")
	}
	if s.Position == "" {
		v.add(key+".position", "must name the position the seat fills")
	}
	if s.Count < 1 {
		v.add(key+".count", "must be at least 1, got %d", s.Count)
	}
	oneOf(v, key+".method", s.Method, MethodPlurality, MethodRanked)
	oneOf(v, key+".ballot", s.Ballot, BallotOpen, BallotSecret)
	oneOf(v, key+".rotation", s.Rotation, RotationNone, RotationSubregion, RotationDistinctCountryALS)
	if s.Rotation == RotationSubregion && len(p.Rotation[name]) == 0 {
		v.add(key+".rotation", "is subregion but rotation.%s lists no sub-regions", name)
	}
	if s.Outcome != "" {
		oneOf(v, key+".outcome", s.Outcome, OutcomeElected, OutcomeRecommended)
	}
	if s.Term < 0 {
		v.add(key+".term", "must not be negative, got %s", s.Term)
	}
	if s.EveryYears < 0 {
		v.add(key+".every_years", "must not be negative, got %d", s.EveryYears)
	}
	if s.MaxConsecutiveTerms < 0 {
		v.add(key+".max_consecutive_terms", "must not be negative, got %d", s.MaxConsecutiveTerms)
	}
	if s.MustFillBy != "" {
		if _, err := time.Parse("01-02", s.MustFillBy); err != nil {
			v.add(key+".must_fill_by", "must be a day of the year MM-DD such as 05-31, got %q", s.MustFillBy)
		}
	}
	if s.Succeeds != "" && !identifier(s.Succeeds) {
		v.add(key+".succeeds", "must be lowercase letters, digits and _, got %q", s.Succeeds)
	}
	if s.RecommendTo != "" && !identifier(s.RecommendTo) {
		v.add(key+".recommend_to", "must be lowercase letters, digits and _, got %q", s.RecommendTo)
	}
	if s.Group != "" && !identifier(s.Group) {
		v.add(key+".group", "must be lowercase letters, digits and _, got %q", s.Group)
	}
}

func (p *Policy) validateSubregions(v *validator) {
	if len(p.Subregions) == 0 {
		v.add("subregions", "must name at least one sub-region")
	}
	home := map[string]string{}
	for _, name := range sorted(p.Subregions) {
		key := "subregions." + name
		if !identifier(name) {
			v.add(key, "a sub-region name must be lowercase letters, digits and _")
		}
		if len(p.Subregions[name]) == 0 {
			v.add(key, "must list at least one country")
		}
		for i, c := range p.Subregions[name] {
			ckey := fmt.Sprintf("%s[%d]", key, i)
			switch other, dup := home[c]; {
			case !countryCode(c):
				v.add(ckey, "must be an ISO 3166-1 alpha-2 code in capitals such as MX, got %q", c)
			case dup && other == name:
				v.add(ckey, "country %s is listed twice", c)
			case dup:
				v.add(ckey, "country %s is already in sub-region %s", c, other)
			default:
				home[c] = name
			}
		}
	}
}

func (p *Policy) validateRotation(v *validator) {
	if p.Election.RotationStart < 0 {
		v.add("election.rotation_start", "must be a year such as 2019, got %d", p.Election.RotationStart)
	}
	for _, seat := range sorted(p.RotationExclusions) {
		key := "rotation_exclusions." + seat
		if _, ok := p.Election.Seats[seat]; !ok {
			v.add(key, "names no seat of election.seats")
		}
		for _, year := range sorted(p.RotationExclusions[seat]) {
			ykey := key + "." + year
			if y, err := strconv.Atoi(year); err != nil || y < 1 {
				v.add(ykey, "must be a year such as \"2019\"")
			}
			for i, c := range p.RotationExclusions[seat][year] {
				if !countryCode(c) {
					v.add(fmt.Sprintf("%s[%d]", ykey, i), "must be an ISO 3166-1 alpha-2 code in capitals such as AR, got %q", c)
				}
			}
		}
	}
	for _, seat := range sorted(p.Rotation) {
		key := "rotation." + seat
		if _, ok := p.Election.Seats[seat]; !ok {
			v.add(key, "names no seat of election.seats")
		}
		if len(p.Rotation[seat]) == 0 {
			v.add(key, "must list at least one sub-region")
		}
		for i, sub := range p.Rotation[seat] {
			if _, ok := p.Subregions[sub]; !ok {
				v.add(fmt.Sprintf("%s[%d]", key, i), "unknown sub-region %q", sub)
			}
		}
	}
}

// validator collects every problem, so an operator fixes a file in one go.
type validator struct{ errs []error }

func (v *validator) add(key, format string, args ...any) {
	v.errs = append(v.errs, &KeyError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) positive(key string, d Duration) {
	if d <= 0 {
		v.add(key, "must be a positive duration, got %s", d)
	}
}

func (v *validator) atLeast(key string, d, floor Duration, why string) {
	if d < floor {
		v.add(key, "must be at least %s (%s), got %s", floor, why, d)
	}
}

func (v *validator) fraction(key string, f float64) {
	if !(f > 0 && f <= 1) || math.IsNaN(f) {
		v.add(key, "must be a fraction in (0, 1] such as 0.5, got %v", f)
	}
}

// oneOf checks an enum value.
func oneOf[T ~string](v *validator, key string, got T, allowed ...T) {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if names[i] = string(a); a == got {
			return
		}
	}
	v.add(key, "must be %s or %s, got %q",
		strings.Join(names[:len(names)-1], ", "), names[len(names)-1], got)
}

// names checks a list of category names: identifiers, no repeats.
func (v *validator) names(key string, list []string) {
	for i, n := range list {
		switch {
		case !identifier(n):
			v.add(fmt.Sprintf("%s[%d]", key, i), "must be lowercase letters, digits and _, got %q", n)
		case slices.Index(list, n) < i:
			v.add(fmt.Sprintf("%s[%d]", key, i), "%q is listed twice", n)
		}
	}
}

func (v *validator) languages(key string, list []string) {
	if len(list) == 0 {
		v.add(key, "must list at least one language")
	}
	for i, l := range list {
		switch {
		case !languageCode(l):
			v.add(fmt.Sprintf("%s[%d]", key, i), "must be a language code such as es, got %q", l)
		case slices.Index(list, l) < i:
			v.add(fmt.Sprintf("%s[%d]", key, i), "%q is listed twice", l)
		}
	}
}

func identifier(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// languageCode accepts ISO 639 codes: two or three lowercase letters.
func languageCode(s string) bool {
	return (len(s) == 2 || len(s) == 3) && lettersIn(s, 'a', 'z')
}

func countryCode(s string) bool { return len(s) == 2 && lettersIn(s, 'A', 'Z') }

func lettersIn(s string, lo, hi byte) bool {
	for _, c := range []byte(s) {
		if c < lo || c > hi {
			return false
		}
	}
	return true
}

func sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
