package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func days(n int) Duration { return Duration(time.Duration(n) * day) }

func TestDefaultMatchesSpec(t *testing.T) {
	p := Default()
	durations := []struct {
		key       string
		got, want Duration
	}{
		{"namespace.retention", p.Namespace.Retention, days(30)},
		{"ethics.screening", p.Ethics.Screening, days(14)},
		{"ethics.screening_reminder", p.Ethics.ScreeningReminder, days(7)},
		{"ethics.response", p.Ethics.Response, days(21)},
		{"ethics.appeal_window", p.Ethics.AppealWindow, days(15)},
		{"ethics.removal_ineligibility", p.Ethics.RemovalIneligibility, days(730)},
		{"arbitration.challenge_window", p.Arbitration.ChallengeWindow, days(5)},
		{"arbitration.submissions", p.Arbitration.Submissions, days(14)},
		{"arbitration.ruling_due", p.Arbitration.RulingDue, days(30)},
		{"arbitration.max_extension", p.Arbitration.MaxExtension, days(15)},
		{"arbitration.overdue_alert_every", p.Arbitration.OverdueAlertEvery, days(1)},
		{"election.reopen_period", p.Election.ReopenPeriod, days(7)},
		{"election.objection_window", p.Election.ObjectionWindow, Duration(48 * time.Hour)},
		{"election.contest_window", p.Election.ContestWindow, days(14)},
		{"policy.comment_period", p.Statements.CommentPeriod, days(7)},
		{"policy.objection_window", p.Statements.ObjectionWindow, Duration(48 * time.Hour)},
		{"participation.period", p.Participation.Period.Length, days(365)},
		{"participation.restore_within", p.Participation.RestoreWithin, days(365)},
		{"meetings.reminder_before", p.Meetings.ReminderBefore, Duration(24 * time.Hour)},
	}
	for _, d := range durations {
		if d.got != d.want {
			t.Errorf("%s = %s, want %s", d.key, d.got, d.want)
		}
	}
	if !p.Participation.Period.CalendarYear() {
		t.Errorf("participation.period = %s, want calendar_year", p.Participation.Period)
	}
	if m := p.Statements.RatificationMajority; m != "2/3" || m.Rat().Cmp(big.NewRat(2, 3)) != 0 {
		t.Errorf("policy.ratification_majority = %q, want 2/3", m)
	}
	fractions := []struct {
		key       string
		got, want float64
	}{
		{"ethics.quorum", p.Ethics.Quorum, 0.5},
		{"ethics.majority", p.Ethics.Majority, 0.5},
		{"election.quorum", p.Election.Quorum, 0.5},
	}
	for _, f := range fractions {
		if f.got != f.want {
			t.Errorf("%s = %v, want %v", f.key, f.got, f.want)
		}
	}
	if want := []Duration{days(7), days(3), days(1)}; !slices.Equal(p.Arbitration.Reminders, want) {
		t.Errorf("arbitration.reminders = %v, want %v", p.Arbitration.Reminders, want)
	}
	if p.Election.Weighting != WeightingNational || !p.Election.Extension {
		t.Errorf("election weighting/extension = %q/%v, want national/true", p.Election.Weighting, p.Election.Extension)
	}
	wantConflicts := []string{"registry_leadership", "registrar_leadership", "isp_leadership", "industry_chamber_leadership",
		"government_decision_maker", "politician", "icann_staff_family", "icann_contract"}
	if !slices.Equal(p.Election.DisqualifyingConflicts, wantConflicts) {
		t.Errorf("election.disqualifying_conflicts = %v", p.Election.DisqualifyingConflicts)
	}
	if p.Participation.MissedCalls != 3 {
		t.Errorf("participation.missed_calls = %d, want 3", p.Participation.MissedCalls)
	}
	if p.Notifications.DefaultLanguage != "es" || !slices.Equal(p.Notifications.Languages, []string{"es", "en", "pt", "fr"}) {
		t.Errorf("notifications = %+v", p.Notifications)
	}
	if !slices.Equal(p.Statements.Languages, []string{"es", "en"}) {
		t.Errorf("policy.languages = %v, want [es en]", p.Statements.Languages)
	}
	alac := p.Election.Seats["alac_member"]
	if alac.Count != 1 || alac.Method != MethodPlurality || alac.Rotation != RotationSubregion || alac.Group != "alac" ||
		alac.Ballot != BallotOpen || !alac.Distinct || alac.EveryYears != 1 || alac.Term != days(730) || alac.MaxConsecutiveTerms != 1 {
		t.Errorf("election.seats.alac_member = %+v", alac)
	}
	nomcom := p.Election.Seats["nomcom_delegate"]
	if nomcom.Method != MethodRanked || nomcom.Outcome != OutcomeRecommended || nomcom.MaxConsecutiveTerms != 2 || nomcom.MustFillBy != "05-31" {
		t.Errorf("election.seats.nomcom_delegate = %+v", nomcom)
	}
	for _, seat := range []string{"chair", "chair_elect", "secretariat", "secretariat_elect", "alac_member", "nomcom_delegate"} {
		if s := p.Election.Seats[seat]; s.Term != days(730) && seat != "nomcom_delegate" || s.Rotation != RotationSubregion {
			t.Errorf("election.seats.%s = %+v, want a two-year term and the sub-region rotation", seat, s)
		}
		if _, ok := p.Election.Seats[seat]; !ok {
			t.Errorf("election.seats.%s is missing", seat)
		}
	}
	if got := p.Rotation["chair"]; !slices.Equal(got, []string{"mercosur", "central_america_mexico", "andes", "caribbean"}) {
		t.Errorf("rotation.chair = %v", got)
	}
}

// TestRotation2019 checks the table against LACRALO's 2019 vote and the
// rotation order after it.
func TestRotation2019(t *testing.T) {
	p := Default()
	tests := []struct {
		seat     string
		year     int
		want     string
		excluded []string
	}{
		{"chair", 2019, "mercosur", nil},
		{"chair_elect", 2019, "central_america_mexico", nil},
		{"secretariat", 2019, "andes", nil},
		{"secretariat_elect", 2019, "caribbean", nil},
		{"alac_member", 2019, "mercosur", []string{"AR"}},
		{"nomcom_delegate", 2019, "caribbean", nil},
		{"chair", 2020, "mercosur", nil},
		{"chair", 2021, "central_america_mexico", nil},
		{"chair", 2027, "mercosur", nil},
		{"alac_member", 2020, "central_america_mexico", nil},
		{"alac_member", 2023, "mercosur", nil},
		{"nomcom_delegate", 2020, "mercosur", nil},
		{"chair", 2018, "", nil},
		{"treasurer", 2019, "", nil},
	}
	for _, tt := range tests {
		got, excl := p.RotationFor(tt.seat, tt.year)
		if got != tt.want || !slices.Equal(excl, tt.excluded) {
			t.Errorf("RotationFor(%s, %d) = %q, %v; want %q, %v", tt.seat, tt.year, got, excl, tt.want, tt.excluded)
		}
	}
}

// TestDefaultComplete makes the embedded file the complete reference: a
// field it forgets would be zero here.
func TestDefaultComplete(t *testing.T) {
	var check func(v reflect.Value, key string)
	check = func(v reflect.Value, key string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				check(v.Field(i), join(key, tagName(v.Type().Field(i))))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				check(v.MapIndex(k), join(key, k.String()))
			}
			if v.Len() == 0 {
				t.Errorf("%s is empty in lacralo.yaml", key)
			}
		default:
			// distinct, must_fill_by, succeeds and recommend_to are
			// meaningful when zero (no distinctness, no date, no
			// succession, nobody to tell), so a seat may leave them out.
			optional := false
			for _, k := range []string{".distinct", ".must_fill_by", ".succeeds", ".recommend_to"} {
				optional = optional || strings.HasSuffix(key, k)
			}
			if v.IsZero() && !optional {
				t.Errorf("%s is not set in lacralo.yaml", key)
			}
		}
	}
	check(reflect.ValueOf(Default()).Elem(), "")
}

func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Subregions["caribbean"][0] = "XX"
	a.Election.Seats["chair"] = Seat{}
	if b := Default(); b.Subregions["caribbean"][0] == "XX" || b.Election.Seats["chair"].Count != 1 {
		t.Fatal("Default shares state between calls")
	}
}

func TestBrokenDefaultPanics(t *testing.T) {
	for _, data := range []string{"ethics: {", "ethics:\n  screenin: 1d\n", "ethics:\n  quorum: 2\n"} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), "policy: embedded default") {
					t.Errorf("mustParseDefault(%q) recovered %v, want a panic", data, r)
				}
			}()
			mustParseDefault([]byte(data))
		}()
	}
}

func TestParseOverrides(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want func(p *Policy)
	}{
		{"empty", "", func(*Policy) {}},
		{"comments only", "# nothing to change\n", func(*Policy) {}},
		{"null document", "~\n", func(*Policy) {}},
		{"empty section", "ethics:\n  # response: 30d\n", func(*Policy) {}},
		{"one scalar", "ethics:\n  response: 30d\n", func(p *Policy) { p.Ethics.Response = days(30) }},
		{"hours", "namespace:\n  retention: 720h\n", func(*Policy) {}},
		{"combined units", "policy:\n  comment_period: 1d12h\n", func(p *Policy) {
			p.Statements.CommentPeriod = Duration(36 * time.Hour)
		}},
		{"percentage", "election:\n  quorum: 60%\n", func(p *Policy) { p.Election.Quorum = 0.6 }},
		{"integer fraction", "ethics:\n  majority: 1\n", func(p *Policy) { p.Ethics.Majority = 1 }},
		{"bool and enum", "election:\n  extension: false\n  weighting: equal\n", func(p *Policy) {
			p.Election.Extension = false
			p.Election.Weighting = WeightingEqual
		}},
		{"list replaces", "arbitration:\n  reminders: [2d]\n", func(p *Policy) {
			p.Arbitration.Reminders = []Duration{days(2)}
		}},
		{"empty list", "election:\n  disqualifying_conflicts: []\n", func(p *Policy) {
			p.Election.DisqualifyingConflicts = []string{}
		}},
		{"seat merges", "election:\n  seats:\n    chair:\n      ballot: secret\n", func(p *Policy) {
			s := p.Election.Seats["chair"]
			s.Ballot = BallotSecret
			p.Election.Seats["chair"] = s
		}},
		{"new seat", "election:\n  seats:\n    treasurer: {position: treasurer, count: 1, method: ranked, ballot: secret, rotation: none}\n",
			func(p *Policy) {
				p.Election.Seats["treasurer"] = Seat{Position: "treasurer", Count: 1, Method: MethodRanked, Ballot: BallotSecret, Rotation: RotationNone}
			}},
		{"seat removed", "election:\n  seats:\n    nomcom_delegate: ~\nrotation:\n  nomcom_delegate: ~\n", func(p *Policy) {
			delete(p.Election.Seats, "nomcom_delegate")
			delete(p.Rotation, "nomcom_delegate")
		}},
		{"sub-region split", "subregions:\n  central_america_mexico: [BZ, CR, GT, HN, NI, PA, SV]\n  mexico: [MX]\n", func(p *Policy) {
			p.Subregions["central_america_mexico"] = []string{"BZ", "CR", "GT", "HN", "NI", "PA", "SV"}
			p.Subregions["mexico"] = []string{"MX"}
		}},
		{"rotation replaced", "rotation:\n  chair: [andes]\n", func(p *Policy) {
			p.Rotation["chair"] = []string{"andes"}
		}},
		{"exclusion added", "rotation_exclusions:\n  chair:\n    \"2021\": [MX]\n", func(p *Policy) {
			p.RotationExclusions["chair"] = map[string][]string{"2021": {"MX"}}
		}},
		{"majority as a fraction", "policy:\n  ratification_majority: 3/5\n", func(p *Policy) { p.Statements.RatificationMajority = "3/5" }},
		{"majority as a decimal", "policy:\n  ratification_majority: 0.6667\n", func(p *Policy) { p.Statements.RatificationMajority = "0.6667" }},
		{"rolling period", "participation:\n  period: rolling\n", func(p *Policy) {
			p.Participation.Period = ParticipationPeriod{Kind: PeriodRolling, Length: days(365)}
		}},
		{"period as a duration", "participation:\n  period: 400d\n", func(p *Policy) {
			p.Participation.Period = ParticipationPeriod{Kind: PeriodRolling, Length: days(400)}
		}},
		{"majority under one half", "policy:\n  ratification_majority: 1/3\n", nil},
		{"majority in words", "policy:\n  ratification_majority: two thirds\n", nil},
		{"period unknown", "participation:\n  period: fiscal_year\n", nil},
		{"aliases", "x-period: &week 7d\n", nil},
		{"alias values", "ethics:\n  response: &r 10d\n  appeal_window: *r\n", func(p *Policy) {
			p.Ethics.Response = days(10)
			p.Ethics.AppealWindow = days(10)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if tt.want == nil {
				if err == nil {
					t.Fatalf("Parse(%q) succeeded, want an error", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			want := Default()
			tt.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.in, got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown top key", "ethic:\n  screening: 1d\n", "policy: ethic: unknown key (line 1)"},
		{"unknown section key", "ethics:\n  screenin: 14d\n", "policy: ethics.screenin: unknown key (line 2)"},
		{"unknown seat key", "election:\n  seats:\n    chair:\n      metod: ranked\n", "policy: election.seats.chair.metod: unknown key (line 4)"},
		{"bad duration", "arbitration:\n  ruling_due: thirty\n", `policy: arbitration.ruling_due: invalid duration "thirty" (line 2)`},
		{"duration without unit", "ethics:\n  response: 21\n", `policy: ethics.response: invalid duration "21": missing unit`},
		{"negative duration", "ethics:\n  response: -1d\n", `policy: ethics.response: invalid duration "-1d": must not be negative`},
		{"bad list item", "arbitration:\n  reminders: [7d, soon]\n", `policy: arbitration.reminders[1]: invalid duration "soon"`},
		{"null duration", "ethics:\n  response:\n", "policy: ethics.response: expected a duration such as 14d, got nothing"},
		{"list for duration", "ethics:\n  response: [1d]\n", "policy: ethics.response: expected a duration such as 14d, got a list"},
		{"bad number", "ethics:\n  quorum: half\n", `policy: ethics.quorum: invalid number "half"`},
		{"bad percentage", "ethics:\n  quorum: lots%\n", `policy: ethics.quorum: invalid number "lots%"`},
		{"bad integer", "participation:\n  missed_calls: 2.5\n", `policy: participation.missed_calls: invalid integer "2.5"`},
		{"huge integer", "participation:\n  missed_calls: 99999999999999999999\n", `policy: participation.missed_calls: invalid integer`},
		{"bad boolean", "election:\n  extension: yes\n", `policy: election.extension: invalid boolean "yes"`},
		{"number for string", "notifications:\n  default_language: 1\n", `policy: notifications.default_language: expected a string, got "1"`},
		{"mapping for string", "election:\n  weighting: {a: b}\n", "policy: election.weighting: expected a string, got a mapping"},
		{"scalar for section", "ethics: 14d\n", `policy: ethics: expected a mapping of keys, got "14d"`},
		{"scalar for map", "subregions: all\n", `policy: subregions: expected a mapping of names, got "all"`},
		{"scalar for list", "arbitration:\n  reminders: 7d\n", `policy: arbitration.reminders: expected a list, got "7d"`},
		{"null list", "arbitration:\n  reminders:\n", "policy: arbitration.reminders: expected a list, got nothing"},
		{"list document", "- ethics\n", "policy: expected a mapping of keys, got a list"},
		{"duplicate key", "ethics:\n  screening: 14d\n  screening: 10d\n", "policy: ethics.screening: duplicate key (line 3)"},
		{"merge key", "ethics:\n  <<: {screening: 1d}\n", "policy: ethics.<<: merge keys are not supported"},
		{"non-scalar key", "ethics:\n  ? [a]\n  : 1d\n", "policy: ethics: a key must be a name, got a list"},
		{"syntax", "ethics: {\n", "policy: yaml: line"},
		{"two documents", "ethics: {}\n---\nelection: {}\n", "policy: more than one YAML document (line 2)"},
		{"bad enum", "election:\n  weighting: proportional\n", `policy: election.weighting: must be national or equal, got "proportional"`},
		{"bad seat enum", "election:\n  seats:\n    chair: {method: approval}\n", `policy: election.seats.chair.method: must be plurality or ranked, got "approval"`},
		{"unknown sub-region", "rotation:\n  chair: [caribean]\n", `policy: rotation.chair[0]: unknown sub-region "caribean"`},
		{"deep unknown in new seat", "election:\n  seats:\n    treasurer:\n      count: 1\n      colour: red\n", "policy: election.seats.treasurer.colour: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want an error", tt.in)
			}
			if p != nil {
				t.Errorf("Parse returned a policy with its error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error =\n  %v\nwant it to contain\n  %s", tt.in, err, tt.want)
			}
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Errorf("error %v is not a *KeyError", err)
			}
		})
	}
}

func TestKeyErrorFields(t *testing.T) {
	_, err := Parse([]byte("arbitration:\n  ruling_due: thirty\n"))
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != "arbitration.ruling_due" || ke.Line != 2 || ke.Msg != `invalid duration "thirty"` {
		t.Fatalf("KeyError = %+v", ke)
	}
}

func TestLoad(t *testing.T) {
	p, err := Load("")
	if err != nil || !reflect.DeepEqual(p, Default()) {
		t.Fatalf("Load(\"\") = %v, %v; want the default", p, err)
	}

	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("ethics:\n  screening: 10d\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err = Load(good)
	if err != nil || p.Ethics.Screening != days(10) || p.Ethics.Response != days(21) {
		t.Fatalf("Load(good) = %+v, %v", p, err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("ethics:\n  screenin: 10d\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if want := "policy: ethics.screenin: unknown key (" + bad + ":2)"; err == nil || err.Error() != want {
		t.Fatalf("Load(bad) error = %v, want %s", err, want)
	}

	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "policy: ") {
		t.Fatalf("Load(missing) error = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *Policy)
		want   string // empty: valid
	}{
		{"default", func(*Policy) {}, ""},
		{"quorum exactly 1", func(p *Policy) { p.Ethics.Quorum = 1 }, ""},
		{"tiny quorum", func(p *Policy) { p.Election.Quorum = 0.01 }, ""},
		{"zero quorum", func(p *Policy) { p.Ethics.Quorum = 0 }, "policy: ethics.quorum: must be a fraction in (0, 1] such as 0.5, got 0"},
		{"quorum above 1", func(p *Policy) { p.Election.Quorum = 1.0001 }, "policy: election.quorum: must be a fraction"},
		{"NaN majority", func(p *Policy) { p.Ethics.Majority = math.NaN() }, "policy: ethics.majority: must be a fraction"},
		{"negative majority", func(p *Policy) { p.Ethics.Majority = -0.5 }, "policy: ethics.majority: must be a fraction"},
		{"zero duration", func(p *Policy) { p.Ethics.Response = 0 }, "policy: ethics.response: must be a positive duration, got 0s"},
		{"negative duration", func(p *Policy) { p.Meetings.ReminderBefore = Duration(-time.Hour) }, "policy: meetings.reminder_before: must be a positive duration, got -1h"},
		{"retention below a day", func(p *Policy) { p.Namespace.Retention = Duration(23 * time.Hour) }, "policy: namespace.retention: must be at least 1d"},
		{"retention a day", func(p *Policy) { p.Namespace.Retention = days(1) }, ""},
		{"reminder not before screening end", func(p *Policy) { p.Ethics.ScreeningReminder = days(14) }, "policy: ethics.screening_reminder: must be shorter than ethics.screening (14d), got 14d"},
		{"arbitration reminder too early", func(p *Policy) { p.Arbitration.Reminders = []Duration{days(30)} }, "policy: arbitration.reminders[0]: must be shorter than arbitration.ruling_due"},
		{"no arbitration reminders", func(p *Policy) { p.Arbitration.Reminders = nil }, ""},
		{"zero statement reminder", func(p *Policy) { p.Statements.RemindersBeforeClose = []Duration{days(2), 0} }, "policy: policy.reminders_before_close[1]: must be a positive duration"},
		{"warning as long as period", func(p *Policy) { p.Participation.WarningBefore = days(365) }, "policy: participation.warning_before: must be shorter than participation.period"},
		{"no missed calls", func(p *Policy) { p.Participation.MissedCalls = 0 }, "policy: participation.missed_calls: must be at least 1, got 0"},
		{"bad survey weighting", func(p *Policy) { p.Statements.SurveyWeighting = "equal" }, `policy: policy.survey_weighting: must be member or national, got "equal"`},
		{"bad conflict name", func(p *Policy) { p.Election.DisqualifyingConflicts = []string{"ISP"} }, `policy: election.disqualifying_conflicts[0]: must be lowercase letters, digits and _, got "ISP"`},
		{"repeated conflict", func(p *Policy) { p.Election.DisqualifyingConflicts = []string{"isp", "isp"} }, `policy: election.disqualifying_conflicts[1]: "isp" is listed twice`},
		{"no seats", func(p *Policy) { p.Election.Seats = nil; p.Rotation = nil }, "policy: election.seats: must name at least one seat"},
		{"seat count", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.Count = 0 }) }, "policy: election.seats.chair.count: must be at least 1, got 0"},
		{"seat ballot", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.Ballot = "" }) }, `policy: election.seats.chair.ballot: must be open or secret, got ""`},
		{"seat rotation", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.Rotation = "country" }) }, `policy: election.seats.chair.rotation: must be none, subregion or distinct_country_als, got "country"`},
		{"seat position", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.Position = "" }) }, "policy: election.seats.chair.position: must name the position"},
		{"seat group", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.Group = "Lead ership" }) }, "policy: election.seats.chair.group: must be lowercase"},
		{"seat name", func(p *Policy) { p.Election.Seats["Vice Chair"] = p.Election.Seats["nomcom_delegate"] }, "policy: election.seats.Vice Chair: a seat name must be lowercase"},
		{"subregion seat without table", func(p *Policy) { delete(p.Rotation, "chair") }, "policy: election.seats.chair.rotation: is subregion but rotation.chair lists no sub-regions"},
		{"table for unknown seat", func(p *Policy) { p.Rotation["chiar"] = []string{"caribbean"} }, "policy: rotation.chiar: names no seat of election.seats"},
		{"empty table entry", func(p *Policy) { p.Rotation["nomcom_delegate"] = []string{} }, "policy: rotation.nomcom_delegate: must list at least one sub-region"},
		{"table for a seat without sub-region rotation", func(p *Policy) { p.Rotation["nomcom_delegate"] = []string{"caribbean"} }, ""},
		{"country in two sub-regions", func(p *Policy) {
			p.Subregions["mexico"] = []string{"MX"}
		}, "policy: subregions.mexico[0]: country MX is already in sub-region central_america_mexico"},
		{"country twice in one", func(p *Policy) {
			p.Subregions["mercosur"] = append(p.Subregions["mercosur"], "AR")
		}, "policy: subregions.mercosur[5]: country AR is listed twice"},
		{"lowercase country", func(p *Policy) { p.Subregions["mercosur"][0] = "ar" }, `policy: subregions.mercosur[0]: must be an ISO 3166-1 alpha-2 code in capitals such as MX, got "ar"`},
		{"empty sub-region", func(p *Policy) { p.Subregions["patagonia"] = nil }, "policy: subregions.patagonia: must list at least one country"},
		{"no sub-regions", func(p *Policy) { p.Subregions = nil }, "policy: subregions: must name at least one sub-region"},
		{"seat outcome", func(p *Policy) { setSeat(p, "nomcom_delegate", func(s *Seat) { s.Outcome = "appointed" }) }, `policy: election.seats.nomcom_delegate.outcome: must be elected or recommended, got "appointed"`},
		{"seat must_fill_by", func(p *Policy) { setSeat(p, "nomcom_delegate", func(s *Seat) { s.MustFillBy = "May" }) }, `policy: election.seats.nomcom_delegate.must_fill_by: must be a day of the year MM-DD such as 05-31, got "May"`},
		{"seat term", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.Term = -1 }) }, "policy: election.seats.chair.term: must not be negative"},
		{"seat max terms", func(p *Policy) { setSeat(p, "chair", func(s *Seat) { s.MaxConsecutiveTerms = -1 }) }, "policy: election.seats.chair.max_consecutive_terms: must not be negative, got -1"},
		{"exclusion for unknown seat", func(p *Policy) { p.RotationExclusions["chiar"] = map[string][]string{"2019": {"AR"}} }, "policy: rotation_exclusions.chiar: names no seat of election.seats"},
		{"exclusion year", func(p *Policy) { p.RotationExclusions["chair"] = map[string][]string{"next": {"AR"}} }, `policy: rotation_exclusions.chair.next: must be a year such as "2019"`},
		{"exclusion country", func(p *Policy) { p.RotationExclusions["chair"] = map[string][]string{"2021": {"ar"}} }, `policy: rotation_exclusions.chair.2021[0]: must be an ISO 3166-1 alpha-2 code in capitals such as AR, got "ar"`},
		{"no languages", func(p *Policy) { p.Notifications.Languages = nil }, "policy: notifications.languages: must list at least one language"},
		{"bad language", func(p *Policy) { p.Statements.Languages = []string{"es", "EN"} }, `policy: policy.languages[1]: must be a language code such as es, got "EN"`},
		{"repeated language", func(p *Policy) { p.Notifications.Languages = []string{"es", "en", "es"} }, `policy: notifications.languages[2]: "es" is listed twice`},
		{"default language not offered", func(p *Policy) { p.Notifications.DefaultLanguage = "de" }, `policy: notifications.default_language: must be one of notifications.languages, got "de"`},
		{"default language malformed", func(p *Policy) { p.Notifications.DefaultLanguage = "" }, `policy: notifications.default_language: must be a language code such as es, got ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			tt.mutate(p)
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate error =\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func setSeat(p *Policy, name string, f func(*Seat)) {
	s := p.Election.Seats[name]
	f(&s)
	p.Election.Seats[name] = s
}

func TestValidateReportsEveryProblem(t *testing.T) {
	p := Default()
	p.Ethics.Quorum = 0
	p.Arbitration.RulingDue = 0
	p.Election.Weighting = "x"
	err := p.Validate()
	if err == nil {
		t.Fatal("Validate succeeded")
	}
	for _, key := range []string{"ethics.quorum", "arbitration.ruling_due", "election.weighting"} {
		if !strings.Contains(err.Error(), "policy: "+key+":") {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	overrides := []string{
		"",
		"ethics:\n  response: 36h\n  quorum: 0.6666666666666666\n",
		"rotation:\n  nomcom_delegate: ~\nelection:\n  seats:\n    nomcom_delegate: ~\n    treasurer: {position: treasurer, count: 1, method: ranked, ballot: secret, rotation: none}\n",
		"subregions:\n  central_america_mexico: [BZ, CR, GT, HN, NI, PA, SV]\n  mexico: [MX]\nrotation:\n  chair: [mexico, caribbean]\nrotation_exclusions:\n  alac_member: ~\n",
		"rotation:\n  secretariat: ~\nelection:\n  seats:\n    secretariat: {rotation: none}\n  disqualifying_conflicts: []\narbitration:\n  reminders: []\n",
		"meetings:\n  reminder_before: 90m\npolicy:\n  comment_period: 1d0h30s\n",
	}
	for _, in := range overrides {
		p, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		out, err := p.YAML()
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(YAML()) for %q: %v\n%s", in, err, out)
		}
		if !reflect.DeepEqual(back, p) {
			t.Errorf("round trip of %q changed the policy:\n%s", in, out)
		}
	}
}

func TestYAMLShowsRemovedEntries(t *testing.T) {
	p, err := Parse([]byte("election:\n  seats:\n    nomcom_delegate: ~\nrotation:\n  nomcom_delegate: ~\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "nomcom_delegate: ~ # removed from the LACRALO default") {
		t.Errorf("YAML does not show the removed seat:\n%s", out)
	}
	if !strings.Contains(string(out), "ruling_due: 30d\n") || !strings.Contains(string(out), "reminders: [7d, 3d, 1d]\n") {
		t.Errorf("YAML does not render durations as the file writes them:\n%s", out)
	}
}

func TestJSON(t *testing.T) {
	p := Default()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		section, key string
		want         any
	}{
		{"ethics", "screening", "14d"},
		{"ethics", "removal_ineligibility", "730d"},
		{"arbitration", "ruling_due", "30d"},
		{"election", "objection_window", "2d"},
		{"election", "quorum", 0.5},
		{"policy", "comment_period", "7d"},
		{"participation", "warning_before", "30d"},
		{"namespace", "retention", "30d"},
	}
	for _, c := range checks {
		if got := doc[c.section][c.key]; got != c.want {
			t.Errorf("JSON %s.%s = %v, want %v", c.section, c.key, got, c.want)
		}
	}
	seat := doc["election"]["seats"].(map[string]any)["alac_member"].(map[string]any)
	if seat["rotation"] != "subregion" || seat["count"] != 1.0 || seat["distinct"] != true || seat["term"] != "730d" {
		t.Errorf("JSON election.seats.alac_member = %v", seat)
	}
	var back Policy
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(&back, p) {
		t.Errorf("JSON round trip = %+v, %v", back, err)
	}
}

func TestSubregionOf(t *testing.T) {
	p := Default()
	tests := []struct {
		country, want string
		ok            bool
	}{
		{"MX", "central_america_mexico", true},
		{"mx", "central_america_mexico", true},
		{"AR", "mercosur", true},
		{"CL", "mercosur", true},
		{"VE", "andes", true},
		{"HT", "caribbean", true},
		{"GY", "caribbean", true},
		{"PR", "", false},
		{"VI", "", false},
		{"AW", "", false},
		{"US", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := p.SubregionOf(tt.country)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SubregionOf(%q) = %q, %v; want %q, %v", tt.country, got, ok, tt.want, tt.ok)
		}
	}
	if got, want := p.SubregionNames(), []string{"andes", "caribbean", "central_america_mexico", "mercosur"}; !slices.Equal(got, want) {
		t.Errorf("SubregionNames = %v, want %v", got, want)
	}
	total := 0
	for _, codes := range p.Subregions {
		total += len(codes)
	}
	if total != 33 {
		t.Errorf("the default sub-regions hold %d countries, want the 33 sovereign states", total)
	}
}

func TestThresholds(t *testing.T) {
	ethics := []struct {
		fraction float64
		n, want  int
	}{
		{0.5, 0, 0},
		{0.5, 1, 1},
		{0.5, 2, 2},
		{0.5, 3, 2},
		{0.5, 4, 3},
		{0.5, 5, 3},
		{0.6, 5, 4},
		{1, 5, 5},
		{0.01, 5, 1},
	}
	for _, tt := range ethics {
		e := Ethics{Quorum: tt.fraction, Majority: tt.fraction}
		if got := e.QuorumRequired(tt.n); got != tt.want {
			t.Errorf("Ethics{Quorum: %v}.QuorumRequired(%d) = %d, want %d", tt.fraction, tt.n, got, tt.want)
		}
		if got := e.MajorityRequired(tt.n); got != tt.want {
			t.Errorf("Ethics{Majority: %v}.MajorityRequired(%d) = %d, want %d", tt.fraction, tt.n, got, tt.want)
		}
	}
	election := []struct {
		fraction float64
		n, want  int
	}{
		{0.5, 0, 0},
		{0.5, 1, 1},
		{0.5, 42, 21},
		{0.5, 41, 21},
		{0.6, 5, 3},
		{0.3, 10, 3},
		{1, 7, 7},
		{0.01, 7, 1},
	}
	for _, tt := range election {
		if got := (Election{Quorum: tt.fraction}).QuorumRequired(tt.n); got != tt.want {
			t.Errorf("Election{Quorum: %v}.QuorumRequired(%d) = %d, want %d", tt.fraction, tt.n, got, tt.want)
		}
	}
}

func TestParseBoundsAliasExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString("subregions:\n  s0: &l [")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("AR")
	}
	b.WriteString("]\n")
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&b, "  s%d: *l\n", i)
	}
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "more than 100000 values") {
		t.Fatalf("Parse of an alias bomb: error = %v", err)
	}
}
