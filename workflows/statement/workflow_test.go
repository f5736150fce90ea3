package statement_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

// t0 is when every test statement opens.
var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

var (
	staff = workflows.Actor{MemberID: "m-staff", Roles: []string{"member", "staff"}}
	penEs = workflows.Actor{MemberID: "m-pen-es", Roles: []string{"member"}}
	penEn = workflows.Actor{MemberID: "m-pen-en", Roles: []string{"member"}}
	ana   = workflows.Actor{MemberID: "m-ana", Roles: []string{"member"}}
	beto  = workflows.Actor{MemberID: "m-beto", Roles: []string{"member"}}
	rep   = workflows.Actor{MemberID: "m-rep", Roles: []string{"member", "als_rep"}}
)

// input opens a statement in es and en whose ICANN close date is 40 days
// away: 7 days of comments, a 2-day objection window and a 7-day vote
// (14 with its extension) fit comfortably.
func input(id string) statement.Input {
	return statement.Input{
		StatementID: id,
		Proceeding:  statement.Proceeding{Title: "Proposed RDAP policy", URL: "https://www.icann.org/public-comments/rdap", ClosesAt: t0.Add(40 * processtest.Day)},
		Kind:        statement.KindStatement,
		Languages:   []string{"es", "en"},
		Topic:       "rdap",
		Rules: statement.Rules{
			CommentPeriod: workflows.Duration(7 * processtest.Day), ObjectionWindow: workflows.Duration(2 * processtest.Day), VotePeriod: workflows.Duration(7 * processtest.Day),
			RemindersBeforeClose: []workflows.Duration{workflows.Duration(7 * processtest.Day), workflows.Duration(2 * processtest.Day)},
			Quorum:               0.5, Extension: true, Weighting: domain.WeightingNational,
		},
		StaffIDs:  []string{staff.MemberID},
		CreatedBy: staff.MemberID,
		CreatedAt: t0,
	}
}

// harness is the shared workflow harness with the statement's own
// activities: the roll the election's activity freezes, and the
// participation it records, kept for the checks.
type harness struct {
	*processtest.Harness[statement.State]
	mu      sync.Mutex // mocks run on their own goroutines
	acts    []statement.ParticipationInput
	counted []workflows.BallotParticipationInput
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{Harness: processtest.NewHarness[statement.State](t, statement.Statement, statement.WorkflowName, statement.Query, t0)}
	// Registered as a struct, like the real activities, so that each
	// method goes under its name: the harness has mocked its shared
	// activities already, after which registering by name is refused.
	h.Env.RegisterActivity(&fakeActivities{h: h})
	return h
}

// fakeActivities are the activities a statement calls besides the shared
// ones, as the tests see them.
type fakeActivities struct{ h *harness }

// FreezeElectionRoll is the election's roll-freezing activity, as the
// registry would answer: no proxies are asked for.
func (f *fakeActivities) FreezeElectionRoll(_ context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
	if len(in.Proxies) != 0 {
		return workflows.FreezeRollResult{}, errors.New("a ratification vote takes no proxies")
	}
	return workflows.FreezeRollResult{Entries: slices.Clone(processtest.Roll)}, nil
}

// RecordStatementParticipation keeps the drafts and comments counted.
func (f *fakeActivities) RecordStatementParticipation(_ context.Context, in statement.ParticipationInput) error {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	f.h.acts = append(f.h.acts, in)
	return nil
}

// RecordBallotParticipation keeps the counted ballots.
func (f *fakeActivities) RecordBallotParticipation(_ context.Context, in workflows.BallotParticipationInput) error {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	f.h.counted = append(f.h.counted, in)
	return nil
}

// result is an update's outcome as the harness keeps it.
type result = processtest.Result[statement.State]

// commentOf and receiptOf read what an update answered.
func commentOf(r *result) statement.Comment {
	c, _ := r.Value.(statement.Comment)
	return c
}

func receiptOf(r *result) workflows.BallotReceipt {
	v, _ := r.Value.(workflows.BallotReceipt)
	return v
}

// auditOf is the first audit entry of an action, or nil.
func (h *harness) auditOf(action string) *workflows.AuditInput {
	if as := h.AuditOf(action); len(as) > 0 {
		return &as[0]
	}
	return nil
}

// drafting sets up both groups' penholders, an es version published for
// comments at T0+1h and its en translation.
func (h *harness) drafting() {
	h.OK(h.Update(time.Minute, statement.UpdatePenholders, statement.PenholdersInput{Actor: penEs, Language: "es", MemberIDs: []string{penEs.MemberID}}))
	h.Refused(h.Update(2*time.Minute, statement.UpdatePenholders, statement.PenholdersInput{Actor: ana, Language: "en", MemberIDs: []string{beto.MemberID}}), workflows.ErrForbidden)
	h.OK(h.Update(3*time.Minute, statement.UpdatePenholders, statement.PenholdersInput{Actor: staff, Language: "en", MemberIDs: []string{penEn.MemberID}}))
	h.Refused(h.Update(4*time.Minute, statement.UpdateDraft, statement.DraftInput{Actor: penEn, Language: "es", Text: "borrador"}), workflows.ErrForbidden)
	h.OK(h.Update(time.Hour, statement.UpdateDraft, statement.DraftInput{Actor: penEs, Language: "es", Text: "Borrador 1.\n", OpenComments: true}))
	h.OK(h.Update(2*time.Hour, statement.UpdateDraft, statement.DraftInput{Actor: penEn, Language: "en", Text: "Draft 1.\n",
		TranslationOf: &statement.TranslationRef{Language: "es", Version: 1}, OpenComments: true}))
}

// TestConsensus runs the ordinary path: drafts in two groups,
// the comment period, answers to comments, consolidation with divergent
// views, a consensus call without objection, the submission.
func TestConsensus(t *testing.T) {
	h := newHarness(t)
	h.drafting()
	c1 := h.OK(h.Update(processtest.Day, statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 1, Text: "Falta el punto 3."}))
	c2 := h.OK(h.Update(processtest.Day+time.Hour, statement.UpdateComment, statement.CommentInput{Actor: beto, Language: "en", Version: 1, Text: "Oppose the whole thing."}))
	h.OK(h.Update(processtest.Day+2*time.Hour, statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "en", Version: 1, Text: "I disagree with Beto.", ReplyTo: "c2"}))
	h.Refused(h.Update(processtest.Day+3*time.Hour, statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 2, Text: "x"}), workflows.ErrInvalidInput)
	// es v2 is not published: no comments on it.
	h.OK(h.Update(2*processtest.Day, statement.UpdateDraft, statement.DraftInput{Actor: penEs, Language: "es", Text: "Borrador 2, con el punto 3.\n"}))
	h.Refused(h.Update(2*processtest.Day+time.Minute, statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 2, Text: "x"}), workflows.ErrInvalidState)
	mid := h.Query(2*processtest.Day + 2*time.Minute)
	h.Refused(h.Update(3*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs,
		Texts: map[string]string{"es": "a", "en": "b"}, DivergentViews: "x"}), workflows.ErrInvalidState) // the period runs
	h.Refused(h.Update(3*processtest.Day+time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: "c2", Status: statement.CommentAnswered, Reply: "x"}), workflows.ErrForbidden)
	h.OK(h.Update(3*processtest.Day+2*time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: "c1", Status: statement.CommentIncorporated, Reply: "Añadido en v2."}))
	h.OK(h.Update(3*processtest.Day+3*time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEn, CommentID: "c2", Status: statement.CommentNotAdopted, Reply: "The region supports it."}))
	// After the period (T0+7d+1h): c3 is still unanswered.
	h.Refused(h.Update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEs,
		Texts: map[string]string{"es": "a", "en": "b"}, DivergentViews: "x"}), workflows.ErrInvalidState)
	h.OK(h.Update(8*processtest.Day+time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEn, CommentID: "c3", Status: statement.CommentAnswered, Reply: "Noted."}))
	h.Refused(h.Update(8*processtest.Day+2*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}}), workflows.ErrInvalidInput) // divergent views missing
	h.Refused(h.Update(8*processtest.Day+3*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: ana,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}, DivergentViews: "x"}), workflows.ErrForbidden)
	cons := h.OK(h.Update(8*processtest.Day+4*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}, DivergentViews: "One member opposed the proposal as a whole."}))
	h.Refused(h.Update(8*processtest.Day+5*time.Minute, statement.UpdateDraft, statement.DraftInput{Actor: penEs, Language: "es", Text: "tarde"}), workflows.ErrInvalidState)
	h.Refused(h.Update(8*processtest.Day+6*time.Minute, statement.UpdateSubmit, statement.SubmitInput{Actor: staff,
		URL: "https://www.icann.org/s/1", SubmittedAt: t0.Add(8 * processtest.Day)}), workflows.ErrInvalidState) // not ratified yet
	ratified := h.Query(10*processtest.Day + 5*time.Minute)
	h.Refused(h.Update(10*processtest.Day+6*time.Minute, statement.UpdateObject, statement.ObjectInput{Actor: beto, Reason: "late"}), workflows.ErrInvalidState)
	h.Refused(h.Update(10*processtest.Day+7*time.Minute, statement.UpdateSubmit, statement.SubmitInput{Actor: penEs,
		URL: "https://www.icann.org/s/1", SubmittedAt: t0.Add(10 * processtest.Day)}), workflows.ErrForbidden)
	h.OK(h.Update(11*processtest.Day, statement.UpdateSubmit, statement.SubmitInput{Actor: staff,
		URL: "https://www.icann.org/s/1", SubmittedAt: t0.Add(11 * processtest.Day)}))

	final := h.Run(statement.WorkflowName, input("st-1"))

	if commentOf(c1).ID != "c1" || commentOf(c2).ID != "c2" {
		t.Errorf("comment IDs %q %q", commentOf(c1).ID, commentOf(c2).ID)
	}
	if mid.Status != statement.StatusComments || len(mid.Groups) != 2 || mid.Groups[0].Latest != 2 || mid.Groups[1].Latest != 1 {
		t.Fatalf("mid-period state %+v", mid)
	}
	if !mid.OutOfStep || mid.Translations[0].InStep {
		t.Errorf("es v2 has no en translation yet: the groups are out of step: %+v", mid.Translations)
	}
	v := mid.Groups[0].Versions[1]
	if v.Author != penEs.MemberID || v.Size != len("Borrador 2, con el punto 3.\n") || v.SHA256 != statement.TextHash("Borrador 2, con el punto 3.\n") || v.OpenedComments {
		t.Errorf("version metadata %+v", v)
	}
	if p := mid.CommentPeriods; len(p) != 1 || !p[0].Closes.Equal(t0.Add(time.Hour+7*processtest.Day)) || len(p[0].Versions) != 2 {
		t.Errorf("one comment period from the es version, the en version added to it: %+v", p)
	}
	if cons.State.Status != statement.StatusConsensus {
		t.Errorf("after consolidation: %q", cons.State.Status)
	}
	if ratified.Status != statement.StatusRatified {
		t.Fatalf("after the objection window: %q", ratified.Status)
	}
	r := ratified.Ratifications[0]
	if r.Result == nil || !r.Result.ByConsensus || r.Result.Outcome != statement.RatificationRatified || r.VoteOpens != nil {
		t.Errorf("ratification %+v", r)
	}
	if final.Status != statement.StatusSubmitted || final.Submission == nil {
		t.Fatalf("final %+v", final)
	}
	es := final.Submission.Texts["es"]
	if !strings.HasPrefix(es, "Texto final.") || !strings.Contains(es, "## Opiniones divergentes") || !strings.Contains(es, "opposed the proposal") {
		t.Errorf("the submitted text defaults to the consolidated one with its divergent views: %q", es)
	}
	if got := final.Consolidation.NotAdopted; len(got) != 1 || got[0] != "c2" {
		t.Errorf("not adopted %v", got)
	}
	if a := h.auditOf("statement.submitted"); a == nil || a.Audience != "public" {
		t.Errorf("submission audit %+v", a)
	} else if pub, ok := a.Details.(map[string]any); !ok || pub["ratification"] == nil || pub["divergent_views"] == "" || pub["texts"] == nil {
		t.Errorf("the public record carries the texts, the ratification and the divergent views: %+v", a.Details)
	}
	if n := h.NotesOf("statement.comment_period"); len(n) != 1 || n[0].In.Audience != workflows.AudienceAllMembers ||
		!n[0].At.Equal(t0.Add(time.Hour)) {
		t.Errorf("the comment period is announced once to all members: %+v", n)
	}
	if n := h.NotesOf("statement.opened"); len(n) != 1 || n[0].In.Audience != workflows.AudienceAllMembers {
		t.Errorf("opening announced %+v", n)
	}
	if n := h.NotesOf("statement.submitted"); len(n) != 1 {
		t.Errorf("submission announced %+v", n)
	}
	if n := h.NotesOf("statement.deadline_alert"); len(n) != 0 {
		t.Errorf("nothing was late: %+v", n)
	}
	kinds := map[string]int{}
	for _, a := range h.acts {
		kinds[a.Kind]++
	}
	if kinds[domain.ActivityComment] != 3 || kinds[domain.ActivityDraft] != 3 {
		t.Errorf("participation %v", kinds)
	}
}

// TestVote: an objection sends the text to a nationally weighted
// vote of the ALSes with a revote; the yes side wins on weight.
func TestVote(t *testing.T) {
	h := newHarness(t)
	h.drafting()
	h.OK(h.Update(processtest.Day, statement.UpdateComment, statement.CommentInput{Actor: ana, Language: "es", Version: 1, Text: "No."}))
	h.OK(h.Update(2*processtest.Day, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: penEs, CommentID: "c1", Status: statement.CommentNotAdopted, Reply: "Kept."}))
	h.OK(h.Update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto.", "en": "Text."}, DivergentViews: "Ana opposed."}))
	h.OK(h.Update(8*processtest.Day+time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: ana, Reason: "I still oppose it."}))
	h.Refused(h.Update(8*processtest.Day+2*time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: ana, Reason: "again"}), workflows.ErrInvalidState)
	h.Refused(h.Update(8*processtest.Day+3*time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: "als-a1", CastByALSID: "als-a1", Vote: "yes"}), workflows.ErrInvalidState)
	// The vote opens at T0+10d; roll: a1, a2 (AR, 50/3 each), b1, c1 (100/3).
	vote := func(at time.Duration, als, v string) *result {
		return h.Update(10*processtest.Day+at, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: als, CastByALSID: als, Vote: v})
	}
	first := h.OK(vote(time.Hour, "als-b1", "no"))
	h.OK(vote(2*time.Hour, "als-a1", "no"))
	h.OK(vote(3*time.Hour, "als-c1", "yes"))
	h.OK(vote(4*time.Hour, "als-a2", "abstain"))
	h.OK(vote(5*time.Hour, "als-b1", "yes")) // the revote counts
	h.Refused(vote(6*time.Hour, "als-zz", "yes"), workflows.ErrForbidden)
	h.Refused(h.Update(10*processtest.Day+7*time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: "als-c1", CastByALSID: "als-b1", Vote: "no"}), workflows.ErrForbidden)
	h.Refused(vote(8*time.Hour, "als-c1", "maybe"), workflows.ErrInvalidInput)
	voting := h.Query(10*processtest.Day + 9*time.Hour)
	h.Refused(vote(7*processtest.Day+time.Minute, "als-c1", "no"), workflows.ErrInvalidState) // closed
	h.OK(h.Update(17*processtest.Day+time.Hour, statement.UpdateSubmit, statement.SubmitInput{Actor: staff,
		URL: "https://www.icann.org/s/2", SubmittedAt: t0.Add(17 * processtest.Day)}))

	final := h.Run(statement.WorkflowName, input("st-2"))

	if receiptOf(first).Receipt == "" || receiptOf(first).ALSID != "als-b1" {
		t.Errorf("receipt %+v", receiptOf(first))
	}
	if voting.Status != statement.StatusVoting || len(voting.Ratifications[0].Roll) != 4 || len(voting.Ratifications[0].Voted) != 4 {
		t.Fatalf("during the vote %+v", voting.Ratifications)
	}
	r := final.Ratifications[0]
	res := r.Result
	if res == nil || res.Outcome != statement.RatificationRatified || res.ByConsensus {
		t.Fatalf("result %+v", res)
	}
	// yes: b1 + c1 = 200/3; no: a1 = 50/3; a2 abstains.
	if math.Abs(res.Yes-200.0/3) > 1e-9 || math.Abs(res.No-50.0/3) > 1e-9 || res.YesBallots != 2 || res.NoBallots != 1 || res.Abstentions != 1 {
		t.Errorf("tally %+v", res)
	}
	if res.Quorum == nil || !res.Quorum.Met || res.Quorum.Cast != 4 || res.Quorum.Required != 2 || r.Extended {
		t.Errorf("quorum %+v extended %v", res.Quorum, r.Extended)
	}
	if len(res.Ballots) != 4 || !slices.ContainsFunc(res.Ballots, func(b statement.RatificationBallot) bool { return b.ALSID == "als-b1" && b.Vote == "yes" }) {
		t.Errorf("ballots %+v", res.Ballots)
	}
	if len(h.counted) != 1 || len(h.counted[0].Ballots) != 4 || h.counted[0].ElectionID != "statement/st-2" {
		t.Errorf("the counted ballot of each ALS counts once for its participation: %+v", h.counted)
	}
	if n := h.NotesOf("statement.vote_open"); len(n) != 1 || !n[0].At.Equal(t0.Add(10*processtest.Day)) {
		t.Errorf("vote announced %+v", n)
	}
	if final.Status != statement.StatusSubmitted || final.Submission.AsDraft {
		t.Errorf("final %q %+v", final.Status, final.Submission)
	}
}

// TestVoteRejectedAndExtended: a vote that is not quorate is
// extended once by its length; a tie is not adopted and the text goes back to its
// penholders; staff then submit it as a draft.
func TestVoteRejectedAndExtended(t *testing.T) {
	h := newHarness(t)
	h.drafting()
	h.OK(h.Update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: staff,
		Texts: map[string]string{"es": "Texto.", "en": "Text."}}))
	h.OK(h.Update(8*processtest.Day+time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: ana, Reason: "No."}))
	h.OK(h.Update(10*processtest.Day+time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: "als-b1", CastByALSID: "als-b1", Vote: "yes"}))
	extended := h.Query(17*processtest.Day + time.Hour)
	h.OK(h.Update(18*processtest.Day, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: "als-c1", CastByALSID: "als-c1", Vote: "no"}))
	back := h.Query(24*processtest.Day + time.Hour)
	h.OK(h.Update(25*processtest.Day, statement.UpdateSubmit, statement.SubmitInput{Actor: staff,
		URL: "https://www.icann.org/s/3", SubmittedAt: t0.Add(25 * processtest.Day), AsDraft: true, Texts: map[string]string{"en": "Draft text."}}))

	final := h.Run(statement.WorkflowName, input("st-3"))

	if extended.Status != statement.StatusVoting || !extended.Ratifications[0].Extended ||
		!extended.Ratifications[0].VoteCloses.Equal(t0.Add(24*processtest.Day)) {
		t.Fatalf("one of four ALSes is not quorate: the vote is extended by its length: %+v", extended.Ratifications)
	}
	res := back.Ratifications[0].Result
	if res == nil || res.Outcome != statement.RatificationRejected || !res.Quorum.Met || !res.Quorum.Extended || res.Quorum.Cast != 2 {
		t.Fatalf("a 100/3 to 100/3 tie is not adopted: %+v", res)
	}
	if back.Status != statement.StatusConsolidation || back.Consolidation != nil {
		t.Errorf("a rejected text goes back to its penholders for a new consolidation: %q", back.Status)
	}
	if !final.Submission.AsDraft || final.Submission.Texts["en"] != "Draft text." {
		t.Errorf("submission %+v", final.Submission)
	}
}

// TestVoteTwoThirds: a statement opened under policy.ratification_majority
// 2/3 needs two thirds of the weighted yes+no (abstentions aside); the
// results show the majority and the threshold. The same ballots under a
// statement opened before the rule (no majority in its input) keep the
// simple majority.
func TestVoteTwoThirds(t *testing.T) {
	// Roll: a1, a2 (AR, 50/3 each), b1, c1 (100/3 each).
	cases := []struct {
		name      string
		majority  string
		votes     map[string]string
		outcome   string
		threshold float64
	}{
		{name: "exactly two thirds is ratified", majority: "2/3",
			votes:   map[string]string{"als-b1": "yes", "als-c1": "yes", "als-a1": "no", "als-a2": "no"},
			outcome: statement.RatificationRatified, threshold: 200.0 / 3},
		{name: "three fifths is rejected", majority: "2/3",
			votes:   map[string]string{"als-b1": "yes", "als-a1": "yes", "als-c1": "no", "als-a2": "abstain"},
			outcome: statement.RatificationRejected, threshold: 500.0 / 9},
		{name: "three fifths passed before the rule",
			votes:   map[string]string{"als-b1": "yes", "als-a1": "yes", "als-c1": "no", "als-a2": "abstain"},
			outcome: statement.RatificationRatified},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.drafting()
			h.OK(h.Update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: penEn,
				Texts: map[string]string{"en": "Text."}}))
			h.OK(h.Update(8*processtest.Day+time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: ana, Reason: "No."}))
			for _, als := range []string{"als-a1", "als-a2", "als-b1", "als-c1"} {
				h.OK(h.Update(10*processtest.Day+time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: rep, ALSID: als, CastByALSID: als, Vote: c.votes[als]}))
			}
			after := h.Query(17*processtest.Day + time.Hour)
			h.OK(h.Update(18*processtest.Day, statement.UpdateSubmit, statement.SubmitInput{Actor: staff,
				URL: "https://www.icann.org/s/4", SubmittedAt: t0.Add(18 * processtest.Day), AsDraft: c.outcome == statement.RatificationRejected,
				Texts: map[string]string{"en": "Text."}}))
			in := input(fmt.Sprintf("st-23-%d", i))
			in.Rules.RatificationMajority = c.majority
			h.Run(statement.WorkflowName, in)

			res := after.Ratifications[0].Result
			if res == nil || res.Outcome != c.outcome {
				t.Fatalf("result %+v, want %s", res, c.outcome)
			}
			if res.Majority != c.majority {
				t.Errorf("majority %q, want %q", res.Majority, c.majority)
			}
			switch {
			case c.majority == "" && res.Threshold != nil:
				t.Errorf("threshold %v under a simple majority", *res.Threshold)
			case c.majority != "" && (res.Threshold == nil || math.Abs(*res.Threshold-c.threshold) > 1e-9):
				t.Errorf("threshold %v, want %v", res.Threshold, c.threshold)
			}
		})
	}
}

// TestDeadlineAlert: the alert fires at the exact instant the
// remaining periods stop fitting before ICANN's close date, as recomputed
// when the stage changes; reminders go out before the close date.
func TestDeadlineAlert(t *testing.T) {
	h := newHarness(t)
	in := input("st-4")
	// Close date T0+30d. Drafting needs 7+2+14 = 23 days: the alert would
	// be at T0+7d. The comment period opened at T0+1h fixes the end at
	// T0+7d1h+16d = T0+23d1h, which fits; once it is over (consolidation,
	// 16 days needed) the alert is due at T0+14d.
	in.Proceeding.ClosesAt = t0.Add(30 * processtest.Day)
	h.drafting()
	drafting := h.Query(30 * time.Minute)
	comments := h.Query(3 * processtest.Day)
	before := h.Query(14*processtest.Day - time.Second)
	after := h.Query(14*processtest.Day + time.Second)
	h.OK(h.Update(29*processtest.Day, statement.UpdateDecline, statement.DeclineInput{Actor: staff, Reason: "No time left."}))

	final := h.Run(statement.WorkflowName, in)

	if drafting.DeadlineAlertAt == nil || !drafting.DeadlineAlertAt.Equal(t0.Add(7*processtest.Day)) {
		t.Errorf("while drafting the alert is scheduled for T0+7d: %v", drafting.DeadlineAlertAt)
	}
	if comments.DeadlineAlertAt != nil {
		t.Errorf("during the comment period ratification fits: %v", comments.DeadlineAlertAt)
	}
	if before.DeadlineAlerted != nil || before.DeadlineAlertAt == nil || !before.DeadlineAlertAt.Equal(t0.Add(14*processtest.Day)) {
		t.Errorf("before T0+14d: alerted %v, scheduled %v", before.DeadlineAlerted, before.DeadlineAlertAt)
	}
	if after.DeadlineAlerted == nil || !after.DeadlineAlerted.Equal(t0.Add(14*processtest.Day)) {
		t.Errorf("the alert fired at %v, want T0+14d", after.DeadlineAlerted)
	}
	alerts := h.NotesOf("statement.deadline_alert")
	if len(alerts) != 1 || !alerts[0].At.Equal(t0.Add(14*processtest.Day)) || alerts[0].In.Audience != workflows.AudienceStaff {
		t.Errorf("alerts %+v", alerts)
	}
	reminders := h.NotesOf("statement.reminder")
	if len(reminders) != 2 || !reminders[0].At.Equal(t0.Add(23*processtest.Day)) || !reminders[1].At.Equal(t0.Add(28*processtest.Day)) {
		t.Errorf("reminders at 7 and 2 days before the close date: %+v", reminders)
	} else if to := reminders[0].In.MemberIDs; !slices.Equal(to, []string{penEn.MemberID, penEs.MemberID, staff.MemberID}) {
		t.Errorf("reminders go to penholders and staff: %v", to)
	}
	if final.Status != statement.StatusDeclined {
		t.Errorf("final %q", final.Status)
	}
}

// TestDecline: leadership or staff decline with a reason; the
// decision is recorded publicly and the statement closes.
func TestDecline(t *testing.T) {
	h := newHarness(t)
	h.Refused(h.Update(time.Hour, statement.UpdateDecline, statement.DeclineInput{Actor: ana, Reason: "no"}), workflows.ErrForbidden)
	h.Refused(h.Update(2*time.Hour, statement.UpdateDecline, statement.DeclineInput{Actor: staff}), workflows.ErrInvalidInput)
	h.OK(h.Update(3*time.Hour, statement.UpdateDecline, statement.DeclineInput{Actor: ana, Leadership: true, Reason: "Outside the region's remit."}))

	final := h.Run(statement.WorkflowName, input("st-5"))

	if final.Status != statement.StatusDeclined || final.Declined == nil || final.Declined.Reason != "Outside the region's remit." ||
		final.Declined.By != ana.MemberID {
		t.Fatalf("final %+v", final)
	}
	if a := h.auditOf("statement.declined"); a == nil || a.Audience != "public" {
		t.Errorf("decline audit %+v", a)
	}
	if s := h.Saves(); len(s) == 0 || s[len(s)-1].Status != statement.StatusDeclined || s[len(s)-1].Process != "statement" {
		t.Errorf("cases index %+v", s)
	}
}

// TestCloseDateMoved: staff record the later close date ICANN
// granted after the deadline alert; the reminders and the alert follow the
// new date, under keys of their own, and the move is audited and emailed.
func TestCloseDateMoved(t *testing.T) {
	h := newHarness(t)
	in := input("st-6")
	in.Proceeding.ClosesAt = t0.Add(30 * processtest.Day) // the alert fires at T0+14d (TestStatementDeadlineAlert)
	h.drafting()
	newClose := t0.Add(60 * processtest.Day)
	move := statement.CloseDateInput{Actor: staff, ClosesAt: newClose, Reason: "ICANN extended the proceeding."}
	h.Refused(h.Update(15*processtest.Day, statement.UpdateCloseDate, statement.CloseDateInput{Actor: penEs, ClosesAt: newClose}), workflows.ErrForbidden)
	h.Refused(h.Update(16*processtest.Day, statement.UpdateCloseDate, statement.CloseDateInput{Actor: staff, ClosesAt: t0.Add(processtest.Day)}), workflows.ErrInvalidInput)
	h.Refused(h.Update(17*processtest.Day, statement.UpdateCloseDate, statement.CloseDateInput{Actor: staff, ClosesAt: in.Proceeding.ClosesAt}), workflows.ErrInvalidInput)
	// After the first reminder (7 days before the old date, T0+23d).
	moved := h.OK(h.Update(25*processtest.Day, statement.UpdateCloseDate, move))
	after := h.Query(26 * processtest.Day)
	h.OK(h.Update(59*processtest.Day, statement.UpdateDecline, statement.DeclineInput{Actor: staff, Reason: "No consensus in time."}))

	final := h.Run(statement.WorkflowName, in)

	st := moved.State
	if !st.Proceeding.ClosesAt.Equal(newClose) || len(st.CloseDateChanges) != 1 {
		t.Fatalf("after the move: closes %v, changes %+v", st.Proceeding.ClosesAt, st.CloseDateChanges)
	}
	if c := st.CloseDateChanges[0]; !c.From.Equal(t0.Add(30*processtest.Day)) || !c.To.Equal(newClose) || c.By != staff.MemberID ||
		c.Reason != move.Reason || !c.At.Equal(t0.Add(25*processtest.Day)) {
		t.Errorf("change %+v", c)
	}
	// Consolidation needs 2 + 14 days: the alert is re-armed for T0+44d.
	if after.DeadlineAlerted != nil || after.DeadlineAlertAt == nil || !after.DeadlineAlertAt.Equal(t0.Add(44*processtest.Day)) {
		t.Errorf("after the move: alerted %v, scheduled %v; want the alert re-armed for T0+44d", after.DeadlineAlerted, after.DeadlineAlertAt)
	}
	if i := slices.IndexFunc(after.Deadlines, func(d workflows.Deadline) bool { return d.Name == "icann_close" }); i < 0 || !after.Deadlines[i].At.Equal(newClose) {
		t.Errorf("deadlines %+v: want icann_close at the new date", after.Deadlines)
	}
	alerts := h.NotesOf("statement.deadline_alert")
	if len(alerts) != 2 || !alerts[0].At.Equal(t0.Add(14*processtest.Day)) || !alerts[1].At.Equal(t0.Add(44*processtest.Day)) ||
		alerts[0].In.Step == alerts[1].In.Step {
		t.Errorf("alerts %+v: want one for each close date, at T0+14d and T0+44d, each with its own step", alerts)
	}
	// The 7-day reminder of the old date went out; both of the new date
	// go out too, the 7-day one again under a key of its own.
	reminders := h.NotesOf("statement.reminder")
	if len(reminders) != 3 || !reminders[0].At.Equal(t0.Add(23*processtest.Day)) || !reminders[1].At.Equal(t0.Add(53*processtest.Day)) ||
		!reminders[2].At.Equal(t0.Add(58*processtest.Day)) {
		t.Errorf("reminders %+v: want 7 days before the old date, then 7 and 2 days before the new one", reminders)
	} else if reminders[0].In.Step == reminders[1].In.Step {
		t.Errorf("the 7-day reminders of both dates share the step %q: the second would not be sent", reminders[0].In.Step)
	}
	notes := h.NotesOf("statement.close_date_changed")
	if len(notes) != 1 || !slices.Equal(notes[0].In.MemberIDs, []string{penEn.MemberID, penEs.MemberID, staff.MemberID}) {
		t.Errorf("close date emails %+v: want one, to penholders and staff", notes)
	} else if due := notes[0].In.Data["due"]; due != newClose.Format(time.RFC3339) {
		t.Errorf("email names due %v, want %v", notes[0].In.Data["due"], newClose)
	}
	if a := h.auditOf("statement.close_date_changed"); a == nil || a.Actor != staff.MemberID {
		t.Errorf("audit %+v", a)
	} else if d, _ := a.Details.(map[string]any); d == nil || d["to"] != newClose.Format(time.RFC3339) {
		t.Errorf("audit details %+v: want the new date", a.Details)
	}
	if !final.Proceeding.ClosesAt.Equal(newClose) || final.Status != statement.StatusDeclined {
		t.Errorf("final: closes %v, status %q", final.Proceeding.ClosesAt, final.Status)
	}
}
