// Package policy holds LACRALO's governance rules as configuration: every
// period, threshold and list the ralo processes use, the sub-regions of the
// region and the seat rotation table.
//
// The embedded file lacralo.yaml is the default and the only place the
// defaults are written. An operator's file names only the keys it changes
// ([Parse]): sections and named maps merge key by key, lists replace, an
// empty entry of a named map removes it, and an unknown key or a bad value is
// an error naming the dotted key (`ethics.screening`), so a typo stops the
// start instead of silently keeping a default.
package policy

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed lacralo.yaml
var defaultYAML []byte

// Policy is the set of rules in force. Its YAML and JSON names are the
// dotted names of the spec: `ethics.response` is Ethics.Response.
type Policy struct {
	Namespace     Namespace     `yaml:"namespace" json:"namespace"`
	Ethics        Ethics        `yaml:"ethics" json:"ethics"`
	Arbitration   Arbitration   `yaml:"arbitration" json:"arbitration"`
	Election      Election      `yaml:"election" json:"election"`
	Statements    Statements    `yaml:"policy" json:"policy"`
	Participation Participation `yaml:"participation" json:"participation"`
	Meetings      Meetings      `yaml:"meetings" json:"meetings"`
	Notifications Notifications `yaml:"notifications" json:"notifications"`
	Budgets       Budgets       `yaml:"budgets" json:"budgets"`
	Members       Members       `yaml:"members" json:"members"`
	// Subregions maps a sub-region name to the ISO 3166-1 alpha-2 codes of
	// its countries and territories; each code is in exactly one sub-region.
	Subregions map[string][]string `yaml:"subregions" json:"subregions"`
	// Rotation maps a seat of Election.Seats to the ordered sub-regions its
	// holder comes from, cycle after cycle, when the seat's rotation is
	// `subregion`.
	Rotation map[string][]string `yaml:"rotation" json:"rotation"`
	// RotationExclusions maps a seat to cycle years (as strings, "2019") and
	// the countries its rotation excludes that year.
	RotationExclusions map[string]map[string][]string `yaml:"rotation_exclusions" json:"rotation_exclusions"`
}

// Namespace configures the Temporal namespace the processes run in.
type Namespace struct {
	// Retention is how long Temporal keeps the history of a closed process.
	Retention Duration `yaml:"retention" json:"retention"`
}

// Ethics holds the periods and thresholds of ethics complaints (process 1).
type Ethics struct {
	// Screening is the time from filing to admission or dismissal.
	Screening Duration `yaml:"screening" json:"screening"`
	// ScreeningReminder is how long before the screening deadline the
	// committee and staff are reminded of a complaint still pending.
	ScreeningReminder Duration `yaml:"screening_reminder" json:"screening_reminder"`
	// ScreeningEscalation is how long after a missed screening deadline
	// (when a second reminder goes out) the case is escalated.
	ScreeningEscalation Duration `yaml:"screening_escalation" json:"screening_escalation"`
	// Response is the respondent's time to answer once notified.
	Response Duration `yaml:"response" json:"response"`
	// AppealWindow is the parties' time to appeal a decision.
	AppealWindow Duration `yaml:"appeal_window" json:"appeal_window"`
	// RemovalIneligibility is how long a person removed from a position
	// may not stand for one.
	RemovalIneligibility Duration `yaml:"removal_ineligibility" json:"removal_ineligibility"`
	// Quorum is the share of non-recused committee members who must vote:
	// strictly more than Quorum × members, or all of them when Quorum is 1.
	// See [Ethics.QuorumRequired].
	Quorum float64 `yaml:"quorum" json:"quorum"`
	// Majority is the share of the votes cast a decision needs: strictly
	// more than Majority × votes, or all of them when Majority is 1.
	// See [Ethics.MajorityRequired].
	Majority float64 `yaml:"majority" json:"majority"`
}

// Arbitration holds the periods of arbitration cases (process 2).
type Arbitration struct {
	// ChallengeWindow is the parties' time to challenge an assignment.
	ChallengeWindow Duration `yaml:"challenge_window" json:"challenge_window"`
	// Submissions is the parties' time to file submissions.
	Submissions Duration `yaml:"submissions" json:"submissions"`
	// RulingDue is the time from the hearing to the ruling.
	RulingDue Duration `yaml:"ruling_due" json:"ruling_due"`
	// MaxExtension caps the arbitrator's single extension of RulingDue.
	MaxExtension Duration `yaml:"max_extension" json:"max_extension"`
	// Reminders are sent to the arbitrator this long before the ruling is due.
	Reminders []Duration `yaml:"reminders" json:"reminders"`
	// OverdueAlertEvery is the interval of staff alerts past the due date.
	OverdueAlertEvery Duration `yaml:"overdue_alert_every" json:"overdue_alert_every"`
}

// Election holds the rules of election cycles (process 3).
type Election struct {
	// ReopenPeriod is how long nominations reopen to all countries when a
	// seat has no eligible candidate at nominations close.
	ReopenPeriod Duration `yaml:"reopen_period" json:"reopen_period"`
	// ObjectionWindow is the time to object to an election by acclamation.
	ObjectionWindow Duration `yaml:"objection_window" json:"objection_window"`
	// ContestWindow is how long after certification the result may be
	// appealed to arbitration.
	ContestWindow Duration `yaml:"contest_window" json:"contest_window"`
	// Quorum is the share of voting ALSes whose ballots (abstentions
	// included) make a vote valid: at least Quorum × voting ALSes.
	// See [Election.QuorumRequired].
	Quorum float64 `yaml:"quorum" json:"quorum"`
	// Extension extends a vote that is not quorate at close once, by its
	// original length; after it no quorum applies.
	Extension bool `yaml:"extension" json:"extension"`
	// Weighting is how an ALS's vote counts.
	Weighting Weighting `yaml:"weighting" json:"weighting"`
	// MaxBallotChanges is how many times an ALS may replace its ballot for
	// one seat and round; the replacement after that is refused and the
	// last ballot stands.
	MaxBallotChanges int `yaml:"max_ballot_changes" json:"max_ballot_changes"`
	// DisqualifyingConflicts are the declared-interest categories that make
	// a candidate ineligible.
	DisqualifyingConflicts []string `yaml:"disqualifying_conflicts" json:"disqualifying_conflicts"`
	// RotationStart is the cycle year of the rotation table's first entry.
	RotationStart int `yaml:"rotation_start" json:"rotation_start"`
	// Seats are the seats a cycle may fill, by seat name.
	Seats map[string]Seat `yaml:"seats" json:"seats"`
}

// Seat describes how one seat is filled.
type Seat struct {
	// Position is the leadership position the seat fills.
	Position string `yaml:"position" json:"position"`
	// Count is how many holders the seat has.
	Count int `yaml:"count" json:"count"`
	// Method is how the vote is counted.
	Method Method `yaml:"method" json:"method"`
	// Ballot says whether each ALS's choice is published.
	Ballot Ballot `yaml:"ballot" json:"ballot"`
	// Rotation is the rule on where the holder comes from.
	Rotation RotationRule `yaml:"rotation" json:"rotation"`
	// Group names the seats whose holders must differ in country and ALS
	// under [RotationDistinctCountryALS]; empty means the seat alone.
	Group string `yaml:"group" json:"group"`
	// Distinct requires holders of the seat's group, those sitting and
	// those elected in the same cycle, of different ALSes and nationalities
	// (the two ALAC members).
	Distinct bool `yaml:"distinct" json:"distinct"`
	// Outcome says what the result is: elected (empty too) or recommended
	// (LACRALO recommends its NomCom delegate; the ALAC appoints).
	Outcome Outcome `yaml:"outcome" json:"outcome"`
	// Term is the length of a term; 0 when the policy sets none.
	Term Duration `yaml:"term" json:"term"`
	// EveryYears is how many cycle years apart the seat is elected; the
	// rotation table moves one entry per election. 0 counts as 1.
	EveryYears int `yaml:"every_years" json:"every_years"`
	// MaxConsecutiveTerms is how many terms in a row one person may hold
	// the position; 0 means no limit.
	MaxConsecutiveTerms int `yaml:"max_consecutive_terms" json:"max_consecutive_terms"`
	// MustFillBy is the day of the year, MM-DD, by which the seat must be
	// filled; empty when there is none.
	MustFillBy string `yaml:"must_fill_by" json:"must_fill_by"`
	// Succeeds is the position the holder takes, automatically, when the
	// sitting holder's term ends (the chair-elect becomes chair); empty for
	// none.
	Succeeds string `yaml:"succeeds" json:"succeeds"`
	// RecommendTo is the position whose holders are told of a recommended
	// outcome (the ALAC chair, for the NomCom delegate); empty for none.
	RecommendTo string `yaml:"recommend_to" json:"recommend_to"`
}

// Outcome is what a seat's result is.
type Outcome string

// The seat outcomes.
const (
	// OutcomeElected: the winners take the position.
	OutcomeElected Outcome = "elected"
	// OutcomeRecommended: the winners are recommended to the body that
	// appoints (the ALAC, for the NomCom delegate).
	OutcomeRecommended Outcome = "recommended"
)

// Statements holds the rules of policy statements (process 4); its key is
// `policy`, as in `policy.comment_period`.
type Statements struct {
	// Languages are the language groups a statement opens with by default.
	Languages []string `yaml:"languages" json:"languages"`
	// CommentPeriod is the minimum member comment period on a draft.
	CommentPeriod Duration `yaml:"comment_period" json:"comment_period"`
	// ObjectionWindow is the consensus call's time to object.
	ObjectionWindow Duration `yaml:"objection_window" json:"objection_window"`
	// VotePeriod is the length of the ratification vote after an objection.
	VotePeriod Duration `yaml:"vote_period" json:"vote_period"`
	// RemindersBeforeClose are sent this long before ICANN's close date.
	RemindersBeforeClose []Duration `yaml:"reminders_before_close" json:"reminders_before_close"`
	// SurveyWeighting is how answers to the priorities survey count.
	SurveyWeighting SurveyWeighting `yaml:"survey_weighting" json:"survey_weighting"`
	// RatificationMajority is the share of the weighted yes+no votes of the
	// ALSes voting a substantive motion needs (Rules of Procedure 12.8);
	// abstentions count for the quorum only.
	RatificationMajority Fraction `yaml:"ratification_majority" json:"ratification_majority"`
}

// Participation holds the inactivity rule (process 5).
type Participation struct {
	// MissedCalls is how many consecutive monthly calls an ALS's delegates
	// may miss before the ALS can become inactive.
	MissedCalls int `yaml:"missed_calls" json:"missed_calls"`
	// Period is the span over which an ALS must show no other participation
	// to become inactive: the calendar year (LACRALO's rule) or a rolling
	// period.
	Period ParticipationPeriod `yaml:"period" json:"period"`
	// WarningBefore is how long before becoming inactive an ALS is warned.
	WarningBefore Duration `yaml:"warning_before" json:"warning_before"`
	// RestoreWithin is the time an inactive ALS has to resume participation
	// before staff are asked to review its accreditation.
	RestoreWithin Duration `yaml:"restore_within" json:"restore_within"`
}

// Meetings holds the rules of scheduled meetings (process 5).
type Meetings struct {
	// ReminderBefore is how long before a meeting invitees are reminded.
	ReminderBefore Duration `yaml:"reminder_before" json:"reminder_before"`
}

// Notifications holds the languages of email notifications.
type Notifications struct {
	// DefaultLanguage is used for a recipient without a preferred language.
	DefaultLanguage string `yaml:"default_language" json:"default_language"`
	// Languages are those a member may prefer.
	Languages []string `yaml:"languages" json:"languages"`
}

// Budgets bound what one member can make the processes hold, so that
// every long-lived workflow stays within Temporal's limits whatever
// members do (SPEC "Integrity rules that hold everywhere").
type Budgets struct {
	// UpdateBurst and UpdateEvery rate-limit each member's writes through
	// the API (every POST, PATCH, PUT and DELETE): a burst of UpdateBurst,
	// then one every UpdateEvery; beyond, 429 with Retry-After.
	UpdateBurst int      `yaml:"update_burst" json:"update_burst"`
	UpdateEvery Duration `yaml:"update_every" json:"update_every"`
	// HistoryEvents is the number of history events after which a
	// long-lived workflow continues as new, carrying its whole state; it
	// also continues when Temporal suggests it.
	HistoryEvents int `yaml:"history_events" json:"history_events"`
}

// Members holds what new members are told.
type Members struct {
	// Guidelines are the new-member guidelines by language (one text per
	// language of Notifications.Languages), sent in the welcome email.
	Guidelines map[string]string `yaml:"guidelines" json:"guidelines"`
}

// GuidelinesData is the guidelines as data of the welcome email: one key
// per language, guidelines_es, guidelines_en…, each template reading its own.
func (m Members) GuidelinesData() map[string]any {
	out := make(map[string]any, len(m.Guidelines))
	for lang, text := range m.Guidelines {
		out["guidelines_"+lang] = strings.TrimSpace(text)
	}
	return out
}

// Weighting is how an ALS's vote counts in elections and ratification votes.
type Weighting string

// The election weightings.
const (
	// WeightingNational gives each country with a voting ALS an equal share
	// (100 / countries), split equally among its voting ALSes.
	WeightingNational Weighting = "national"
	// WeightingEqual counts each vote 1.
	WeightingEqual Weighting = "equal"
)

// SurveyWeighting is how answers to the priorities survey count.
type SurveyWeighting string

// The survey weightings.
const (
	// SurveyMember counts each member's answer once.
	SurveyMember SurveyWeighting = "member"
	// SurveyNational gives each country with an answer an equal share,
	// split among the members of that country who answered.
	SurveyNational SurveyWeighting = "national"
)

// Method is how an election seat's vote is counted.
type Method string

// The counting methods.
const (
	// MethodPlurality elects the candidates with the most weighted votes.
	MethodPlurality Method = "plurality"
	// MethodRanked runs an instant-runoff over weighted ranked ballots.
	MethodRanked Method = "ranked"
)

// Ballot says what of a seat's ballots is published at certification.
type Ballot string

// The ballot kinds.
const (
	// BallotOpen publishes each ALS's choice.
	BallotOpen Ballot = "open"
	// BallotSecret publishes only receipts and totals.
	BallotSecret Ballot = "secret"
)

// RotationRule restricts where a seat's holder comes from.
type RotationRule string

// The rotation rules.
const (
	// RotationNone places no restriction.
	RotationNone RotationRule = "none"
	// RotationSubregion requires the sub-region the rotation table names
	// for the cycle.
	RotationSubregion RotationRule = "subregion"
	// RotationDistinctCountryALS requires a country and an ALS different
	// from those of the other holders of the seat's group.
	RotationDistinctCountryALS RotationRule = "distinct_country_als"
)

// Default returns a fresh copy of the embedded LACRALO policy. It panics
// only if the embedded file is broken, which the package's tests rule out.
func Default() *Policy { return mustParseDefault(defaultYAML) }

func mustParseDefault(data []byte) *Policy {
	p := new(Policy)
	if err := decode(p, data, "lacralo.yaml"); err != nil {
		panic("policy: embedded default: " + err.Error())
	}
	if err := p.Validate(); err != nil {
		panic("policy: embedded default: " + err.Error())
	}
	return p
}

// Parse applies an override file to the default policy and validates the
// result. The file names only the keys it changes; an empty file gives the
// default. Errors name the dotted key at fault (see [KeyError]).
func Parse(data []byte) (*Policy, error) { return parse(data, "") }

// Load reads and parses the override file at path; an empty path gives the
// default policy.
func Load(path string) (*Policy, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return parse(data, path)
}

func parse(data []byte, file string) (*Policy, error) {
	p := Default()
	if err := decode(p, data, file); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// YAML renders the policy in force as a complete policy file. Entries of the
// default's named maps that this policy removed are rendered empty (`~`), so
// parsing the output gives this policy back.
func (p *Policy) YAML() ([]byte, error) {
	var root yaml.Node
	if err := root.Encode(p); err != nil {
		return nil, fmt.Errorf("policy: render: %w", err)
	}
	markRemoved(&root, p, Default())
	flowScalarLists(&root)
	root.HeadComment = "The ralo governance policy in force: the embedded LACRALO default\n" +
		"with the operator's overrides applied."
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("policy: render: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("policy: render: %w", err)
	}
	return buf.Bytes(), nil
}

// SubregionOf returns the sub-region of a country (ISO 3166-1 alpha-2, any
// case), and whether the policy places the country in one.
func (p *Policy) SubregionOf(country string) (string, bool) {
	country = strings.ToUpper(strings.TrimSpace(country))
	for name, codes := range p.Subregions {
		if slices.Contains(codes, country) {
			return name, true
		}
	}
	return "", false
}

// SubregionNames returns the names of the sub-regions, sorted.
func (p *Policy) SubregionNames() []string {
	names := make([]string, 0, len(p.Subregions))
	for name := range p.Subregions {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// RotationFor is the sub-region the rotation table names for a seat in a
// cycle year, and the countries excluded that year: the table's entry for
// the seat's election of that year, counting one entry per election from
// election.rotation_start (every every_years years), wrapping around. It is
// "" when the seat has no table or the year is before the start.
func (p *Policy) RotationFor(seat string, year int) (subregion string, excluded []string) {
	table := p.Rotation[seat]
	if len(table) == 0 || year < p.Election.RotationStart {
		return "", nil
	}
	every := max(1, p.Election.Seats[seat].EveryYears)
	i := ((year - p.Election.RotationStart) / every) % len(table)
	return table[i], p.RotationExclusions[seat][strconv.Itoa(year)]
}

// eps absorbs the rounding of fraction × count in binary floating point
// (0.6 × 5 must be 3, not 3.0000000000000004).
const eps = 1e-9

// QuorumRequired is how many of members non-recused committee members must
// vote for the committee to decide: strictly more than Quorum × members,
// capped at members (so Quorum 1 means all). With 4 members and the default
// 0.5 it is 3; with 5 it is 3. It is 0 when members is 0: nobody can vote.
func (e Ethics) QuorumRequired(members int) int { return strictlyMore(e.Quorum, members) }

// MajorityRequired is how many of the cast votes a decision needs: strictly
// more than Majority × cast, capped at cast (so Majority 1 means unanimity).
// With 4 votes and the default 0.5 it is 3; with 3 it is 2.
func (e Ethics) MajorityRequired(cast int) int { return strictlyMore(e.Majority, cast) }

// QuorumRequired is how many ballots (abstentions included) a vote needs
// among voting ALSes: at least Quorum × voting, rounded up. With 42 voting
// ALSes and the default 0.5 it is 21; with 41 it is 21.
func (e Election) QuorumRequired(voting int) int {
	if voting <= 0 {
		return 0
	}
	return min(voting, int(math.Ceil(e.Quorum*float64(voting)-eps)))
}

func strictlyMore(fraction float64, n int) int {
	if n <= 0 {
		return 0
	}
	return min(n, int(math.Floor(fraction*float64(n)+eps))+1)
}
