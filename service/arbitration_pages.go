package service

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
)

// What the arbitration pages show: a case with the names of its parties
// and arbitrator, what the reader may do now, the roster with each
// arbitrator's conflicts (for staff) and the timeline. The workflow's
// validators still decide every transition.

// ArbitrationPage is one arbitration case as its page shows it.
type ArbitrationPage struct {
	Arbitration
	// Names are the names of the members and ALSes the case names.
	Names map[string]string
	// As is "party", "arbitrator" or "staff".
	As string
	// May lists the forms to offer: assign, confirm, challenge,
	// decide_challenge, submit, hearing, extend, ruling, ombudsman,
	// ombudsman_outcome.
	May map[string]bool
	// Roster is the arbitrators staff may assign, each with the reasons
	// the conflict check refuses them (none: assignable).
	Roster   []RosterEntry
	Timeline []TimelineEntry
	// Outcomes are the ruling's possible outcomes.
	Outcomes []string
	// ChallengeEnds is when the parties' challenge window closes, once an
	// arbitrator is assigned.
	ChallengeEnds *time.Time
	// SubmissionsEnd is when the parties' submissions close.
	SubmissionsEnd *time.Time
}

// RosterEntry is an arbitrator of the roster with the conflict check's
// reasons against this case.
type RosterEntry struct {
	ID, Name  string
	Conflicts []ConflictReason
}

// ConflictReason is one reason of the conflict check (domain's
// ArbitratorConflicts) as a page writes it in the reader's language: a
// code with the names it cites; Text is domain's sentence with names for
// IDs, for a reason the code list does not know.
type ConflictReason struct {
	Code, Party, ALS, Text string
}

// conflictForms are domain.ArbitratorConflicts' sentences, each with its
// code and the places of the party and the ALS it names.
var conflictForms = []struct {
	code       string
	re         *regexp.Regexp
	party, als int
}{
	{"is_party", regexp.MustCompile(`^the arbitrator (\S+) is a party$`), 0, 0},
	{"als_party", regexp.MustCompile(`^the arbitrator (\S+) belongs to ALS (\S+), which is a party$`), 0, 2},
	{"same_als", regexp.MustCompile(`^the arbitrator (\S+) and party (\S+) are from the same ALS (\S+)$`), 2, 3},
	{"declared_party", regexp.MustCompile(`^the arbitrator (\S+) declared an interest involving party (\S+)$`), 2, 0},
	{"declared_als_party", regexp.MustCompile(`^the arbitrator (\S+) declared an interest involving ALS (\S+), which is a party$`), 0, 2},
	{"declared_als_of_party", regexp.MustCompile(`^the arbitrator (\S+) declared an interest involving ALS (\S+) of party (\S+)$`), 3, 2},
}

// conflictReason reads one reason of the check, naming people and ALSes.
func conflictReason(reason string, named *strings.Replacer, names func(string) string) ConflictReason {
	out := ConflictReason{Text: named.Replace(reason)}
	for _, f := range conflictForms {
		m := f.re.FindStringSubmatch(reason)
		if m == nil {
			continue
		}
		out.Code = f.code
		if f.party > 0 {
			out.Party = names(m[f.party])
		}
		if f.als > 0 {
			out.ALS = names(m[f.als])
		}
		break
	}
	return out
}

// ArbitrationPageFor loads a case's page for the reader; anyone who may
// not see it is told it does not exist.
func (s *Service) ArbitrationPageFor(ctx context.Context, a *Actor, id string) (ArbitrationPage, error) {
	cs, err := s.arbitrationCase(ctx, a, id)
	if err != nil {
		return ArbitrationPage{}, err
	}
	doc, err := s.GetArbitration(ctx, a, id)
	if err != nil {
		return ArbitrationPage{}, err
	}
	st := doc.State
	p := ArbitrationPage{Arbitration: doc, May: map[string]bool{}}
	party := cs.Parties.Has(a.ID) || cs.Members.Has(a.ID) && !a.IsStaff() && st.ArbitratorID != a.ID
	switch {
	case party:
		p.As = "party"
	case st.ArbitratorID == a.ID:
		p.As = "arbitrator"
	default:
		p.As = "staff"
	}
	for _, d := range st.Deadlines {
		d := d
		switch d.Name {
		case "challenge_window":
			p.ChallengeEnds = &d.At
		case "submissions":
			p.SubmissionsEnd = &d.At
		}
	}
	now := time.Now()
	open := st.Status != arbitration.StatusRuled
	pending := len(st.Challenges) > 0 && st.Challenges[len(st.Challenges)-1].Decision == ""
	held := st.Hearing != nil && !now.Before(st.Hearing.StartsAt)
	switch p.As {
	case "staff":
		p.May["assign"] = st.Status == arbitration.StatusFiled
		p.May["decide_challenge"] = pending
		p.May["ombudsman_outcome"] = st.Ombudsman != nil && st.Ombudsman.Outcome == ""
	case "arbitrator":
		p.May["confirm"] = open && !st.Confirmed
		p.May["hearing"] = open && st.Confirmed && !pending && !held
		p.May["extend"] = open && held && st.Extension == nil
		p.May["ruling"] = open && held
	case "party":
		p.May["challenge"] = open && st.ArbitratorID != "" && !pending && p.ChallengeEnds != nil && now.Before(*p.ChallengeEnds)
		p.May["submit"] = open && p.SubmissionsEnd != nil && now.Before(*p.SubmissionsEnd)
		p.May["ombudsman"] = open && st.Ombudsman == nil
		p.May["ombudsman_outcome"] = st.Ombudsman != nil && st.Ombudsman.Outcome == ""
	}
	p.Outcomes = []string{workflows.RulingDecided, workflows.RulingDismissed}
	if st.AppealOf != nil {
		p.Outcomes = []string{workflows.RulingUphold, workflows.RulingOverturn, workflows.RulingModify, workflows.RulingDismissed}
	}
	ids := []string{st.ArbitratorID, st.FiledBy}
	for _, x := range st.Parties {
		ids = append(ids, x.ID)
	}
	for _, x := range st.Submissions {
		ids = append(ids, x.By)
	}
	for _, c := range st.Challenges {
		ids = append(ids, c.By, c.ArbitratorID)
	}
	if p.Names, err = s.memberNames(ctx, ids); err != nil {
		return ArbitrationPage{}, err
	}
	for _, x := range st.Parties {
		if x.Kind == arbitration.PartyALS {
			if al, err := s.store.GetALS(ctx, x.ID); err == nil {
				p.Names[x.ID] = al.Name
			}
		}
	}
	if p.May["assign"] {
		ms, err := s.store.ListMembers(ctx, store.MemberFilter{Role: store.RoleArbitrator, Limit: 1000})
		if err != nil {
			return ArbitrationPage{}, err
		}
		named, err := s.namer(ctx, p.Names, ms)
		if err != nil {
			return ArbitrationPage{}, err
		}
		for _, m := range ms {
			if cs.Parties.Has(m.ID) {
				continue
			}
			conflicts, err := s.arbitratorConflicts(ctx, cs, m)
			if err != nil {
				return ArbitrationPage{}, err
			}
			entry := RosterEntry{ID: m.ID, Name: m.Name}
			for _, c := range conflicts {
				entry.Conflicts = append(entry.Conflicts, conflictReason(c, named, named.Replace))
			}
			p.Roster = append(p.Roster, entry)
		}
	}
	if p.Timeline, err = s.timeline(ctx, a, ArbitrationProcess, cs.ID, party, p.Names, "staff"); err != nil {
		return ArbitrationPage{}, err
	}
	return p, nil
}

// PartyChoice is a member or an ALS that an arbitration may name as a
// party.
type PartyChoice struct {
	ID, Name, Kind string
}

// ArbitrationPartyChoices are the registry's members and ALSes, by name,
// for the filing form; the filer is not offered (they are a party unless
// they act for an ALS).
func (s *Service) ArbitrationPartyChoices(ctx context.Context, a *Actor) ([]PartyChoice, error) {
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	als, err := s.store.ListALS(ctx, store.ALSFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]PartyChoice, 0, len(ms)+len(als))
	for _, x := range als {
		out = append(out, PartyChoice{ID: x.ID, Name: x.Name, Kind: arbitration.PartyALS})
	}
	for _, m := range ms {
		if m.ID != a.ID {
			out = append(out, PartyChoice{ID: m.ID, Name: m.Name, Kind: arbitration.PartyMember})
		}
	}
	slices.SortStableFunc(out, func(x, y PartyChoice) int {
		if x.Kind != y.Kind {
			if x.Kind == arbitration.PartyMember {
				return -1
			}
			return 1
		}
		if x.Name < y.Name {
			return -1
		} else if x.Name > y.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// HearingICS is the hearing's invitation as an iCalendar file for a
// reader of the case, with the summary in the reader's language; NotFound
// while no hearing is scheduled.
func (s *Service) HearingICS(ctx context.Context, a *Actor, id, summary string) ([]byte, error) {
	doc, err := s.GetArbitration(ctx, a, id)
	if err != nil {
		return nil, err
	}
	h := doc.Hearing
	if h == nil {
		return nil, NotFound()
	}
	return notify.ICS(notify.Event{UID: "arbitration-" + doc.ID + "@ralo", Sequence: h.Sequence, Summary: summary,
		Location: h.Location, Start: h.StartsAt, Duration: h.Duration.D()}), nil
}

// PublicRulingPage is one recorded ruling as anyone may read it, with
// the SHA-256 of its text as the audit chain holds it.
type PublicRulingPage struct {
	CaseID    string    `json:"case_id"`
	At        time.Time `json:"at"`
	AuditSeq  int64     `json:"audit_seq"`
	AuditHash string    `json:"audit_hash"`
	Outcome   string    `json:"outcome"`
	Articles  []string  `json:"articles"`
	Text      string    `json:"text"`
	SHA256    string    `json:"sha256"`
	// Matches says the text, hashed again now, gives the recorded SHA-256.
	Matches bool `json:"matches"`
}

// PublicRulingOf is the ruling of one case; NotFound when none is recorded.
func (s *Service) PublicRulingOf(ctx context.Context, caseID string) (PublicRulingPage, error) {
	entries, err := s.store.ListAudit(ctx, store.AuditFilter{Process: ArbitrationProcess, ObjectID: caseID,
		Action: "arbitration.ruling", Audience: store.AudiencePublic, All: true, Limit: 10})
	if err != nil {
		return PublicRulingPage{}, err
	}
	if len(entries) == 0 {
		return PublicRulingPage{}, NotFound()
	}
	e := entries[0]
	var d struct {
		Outcome  string   `json:"outcome"`
		Articles []string `json:"articles"`
		Text     string   `json:"text"`
		SHA256   string   `json:"sha256"`
	}
	if err := json.Unmarshal(e.DetailsJSON(), &d); err != nil {
		return PublicRulingPage{}, err
	}
	return PublicRulingPage{CaseID: e.ObjectID, At: e.At, AuditSeq: e.Seq, AuditHash: e.Hash, Outcome: d.Outcome,
		Articles: d.Articles, Text: d.Text, SHA256: d.SHA256, Matches: arbitration.RulingTextHash(d.Text) == d.SHA256}, nil
}

// namer writes names for the IDs in the conflict check's reasons: the
// case's people, the roster's and every ALS.
func (s *Service) namer(ctx context.Context, names map[string]string, roster []store.Member) (*strings.Replacer, error) {
	var pairs []string
	for id, n := range names {
		pairs = append(pairs, id, n)
	}
	for _, m := range roster {
		pairs = append(pairs, m.ID, m.Name)
	}
	als, err := s.store.ListALS(ctx, store.ALSFilter{})
	if err != nil {
		return nil, err
	}
	for _, a := range als {
		pairs = append(pairs, a.ID, a.Name)
	}
	return strings.NewReplacer(pairs...), nil
}
