package statement_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/processtest"
	"github.com/lacralo/ralo/workflows/statement"
)

// stT0 is when every test statement opens.
var stT0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

var (
	stStaff = workflows.Actor{MemberID: "m-staff", Roles: []string{"member", "staff"}}
	stPenEs = workflows.Actor{MemberID: "m-pen-es", Roles: []string{"member"}}
	stPenEn = workflows.Actor{MemberID: "m-pen-en", Roles: []string{"member"}}
	stAna   = workflows.Actor{MemberID: "m-ana", Roles: []string{"member"}}
	stBeto  = workflows.Actor{MemberID: "m-beto", Roles: []string{"member"}}
	stRep   = workflows.Actor{MemberID: "m-rep", Roles: []string{"member", "als_rep"}}
)

// stInput opens a statement in es and en whose ICANN close date is 40 days
// away: 7 days of comments, a 2-day objection window and a 7-day vote
// (14 with its extension) fit comfortably.
func stInput(id string) statement.Input {
	return statement.Input{
		StatementID: id,
		Proceeding:  statement.Proceeding{Title: "Proposed RDAP policy", URL: "https://www.icann.org/public-comments/rdap", ClosesAt: stT0.Add(40 * processtest.Day)},
		Kind:        statement.KindStatement,
		Languages:   []string{"es", "en"},
		Topic:       "rdap",
		Rules: statement.Rules{
			CommentPeriod: workflows.Duration(7 * processtest.Day), ObjectionWindow: workflows.Duration(2 * processtest.Day), VotePeriod: workflows.Duration(7 * processtest.Day),
			RemindersBeforeClose: []workflows.Duration{workflows.Duration(7 * processtest.Day), workflows.Duration(2 * processtest.Day)},
			Quorum:               0.5, Extension: true, Weighting: domain.WeightingNational,
		},
		StaffIDs:  []string{stStaff.MemberID},
		CreatedBy: stStaff.MemberID,
		CreatedAt: stT0,
	}
}

// stNote is a notification the workflow started, at the simulated time.
type stNote struct {
	At time.Time
	In workflows.NotifyInput
}

type stResult struct {
	name    string
	done    bool
	err     error
	state   statement.State
	version statement.DraftVersion
	comment statement.Comment
	receipt workflows.BallotReceipt
}

// stHarness runs the real Statement workflow in the time-skipping test
// environment with the activities and the Notify child mocked.
type stHarness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	mu      sync.Mutex
	audits  []workflows.AuditInput
	notes   []stNote
	acts    []statement.ParticipationInput
	counted []workflows.BallotParticipationInput
	saves   []workflows.CaseIndex
	results []*stResult
}

func newStHarness(t *testing.T) *stHarness {
	t.Helper()
	h := &stHarness{t: t}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: 10 * time.Second})
	env.SetStartTime(stT0)
	env.RegisterWorkflowWithOptions(statement.Statement, workflow.RegisterOptions{Name: statement.WorkflowName})
	env.RegisterActivityWithOptions(func(context.Context, workflows.AuditInput) (workflows.AuditResult, error) {
		return workflows.AuditResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityRecordAudit})
	env.RegisterActivityWithOptions(func(context.Context, workflows.CaseIndex) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivitySaveCase})
	env.RegisterActivityWithOptions(func(context.Context, workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
		return workflows.FreezeRollResult{}, nil
	}, activity.RegisterOptions{Name: workflows.ActivityFreezeElectionRoll})
	env.RegisterActivityWithOptions(func(context.Context, statement.ParticipationInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordStatementParticipation})
	env.RegisterActivityWithOptions(func(context.Context, workflows.BallotParticipationInput) error { return nil },
		activity.RegisterOptions{Name: workflows.ActivityRecordBallotParticipation})
	env.OnActivity(workflows.ActivityRecordBallotParticipation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.BallotParticipationInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.counted = append(h.counted, in)
			return nil
		})
	env.OnActivity(workflows.ActivityRecordAudit, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.AuditInput) (workflows.AuditResult, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.audits = append(h.audits, in)
			return workflows.AuditResult{Seq: int64(len(h.audits))}, nil
		})
	env.OnActivity(workflows.ActivitySaveCase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.CaseIndex) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.saves = append(h.saves, in)
			return nil
		})
	env.OnActivity(workflows.ActivityRecordStatementParticipation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in statement.ParticipationInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.acts = append(h.acts, in)
			return nil
		})
	// The election's roll-freezing activity, as the registry would answer:
	// no proxies are asked for.
	env.OnActivity(workflows.ActivityFreezeElectionRoll, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in workflows.FreezeRollInput) (workflows.FreezeRollResult, error) {
			if len(in.Proxies) != 0 {
				return workflows.FreezeRollResult{}, errors.New("a ratification vote takes no proxies")
			}
			return workflows.FreezeRollResult{Entries: slices.Clone(processtest.Roll)}, nil
		})
	env.OnWorkflow(workflows.Notify, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in workflows.NotifyInput) error {
			at := workflow.Now(ctx)
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notes = append(h.notes, stNote{At: at, In: in})
			return nil
		})
	h.env = env
	return h
}

func (h *stHarness) update(at time.Duration, name string, in any) *stResult {
	r := &stResult{name: name}
	h.results = append(h.results, r)
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.done, r.err = true, err },
			OnComplete: func(v any, err error) {
				r.done, r.err = true, err
				switch x := v.(type) {
				case statement.State:
					r.state = x
				case statement.DraftVersion:
					r.version = x
				case statement.Comment:
					r.comment = x
				case workflows.BallotReceipt:
					r.receipt = x
				}
			},
		}, in)
	}, at)
	return r
}

func (h *stHarness) ok(r *stResult) *stResult {
	h.t.Cleanup(func() {
		if !r.done {
			h.t.Errorf("update %s never completed", r.name)
		} else if r.err != nil {
			h.t.Errorf("update %s: unexpected error %v", r.name, r.err)
		}
	})
	return r
}

func (h *stHarness) refused(r *stResult, errType string) {
	h.t.Cleanup(func() {
		var appErr *temporal.ApplicationError
		if !r.done || !errors.As(r.err, &appErr) || appErr.Type() != errType {
			h.t.Errorf("update %s: want %s error, got done=%v %v", r.name, errType, r.done, r.err)
		}
	})
}

func (h *stHarness) query(at time.Duration) *statement.State {
	st := &statement.State{}
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(statement.Query)
		if err == nil {
			err = v.Get(st)
		}
		if err != nil {
			h.t.Errorf("query at T0+%v: %v", at, err)
		}
	}, at)
	return st
}

func (h *stHarness) run(in statement.Input) statement.State {
	h.t.Helper()
	h.env.ExecuteWorkflow(statement.WorkflowName, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the statement did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow error: %v", err)
	}
	var st statement.State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *stHarness) notesOf(event string) []stNote {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []stNote
	for _, n := range h.notes {
		if n.In.Event == event {
			out = append(out, n)
		}
	}
	return out
}

func (h *stHarness) audit(action string) *workflows.AuditInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range h.audits {
		if h.audits[i].Action == action {
			return &h.audits[i]
		}
	}
	return nil
}

// drafting sets up both groups' penholders, an es version published for
// comments at T0+1h and its en translation.
func (h *stHarness) drafting() {
	h.ok(h.update(time.Minute, statement.UpdatePenholders, statement.PenholdersInput{Actor: stPenEs, Language: "es", MemberIDs: []string{stPenEs.MemberID}}))
	h.refused(h.update(2*time.Minute, statement.UpdatePenholders, statement.PenholdersInput{Actor: stAna, Language: "en", MemberIDs: []string{stBeto.MemberID}}), workflows.ErrForbidden)
	h.ok(h.update(3*time.Minute, statement.UpdatePenholders, statement.PenholdersInput{Actor: stStaff, Language: "en", MemberIDs: []string{stPenEn.MemberID}}))
	h.refused(h.update(4*time.Minute, statement.UpdateDraft, statement.DraftInput{Actor: stPenEn, Language: "es", Text: "borrador"}), workflows.ErrForbidden)
	h.ok(h.update(time.Hour, statement.UpdateDraft, statement.DraftInput{Actor: stPenEs, Language: "es", Text: "Borrador 1.\n", OpenComments: true}))
	h.ok(h.update(2*time.Hour, statement.UpdateDraft, statement.DraftInput{Actor: stPenEn, Language: "en", Text: "Draft 1.\n",
		TranslationOf: &statement.TranslationRef{Language: "es", Version: 1}, OpenComments: true}))
}

// TestStatementConsensus runs the ordinary path: drafts in two groups,
// the comment period, answers to comments, consolidation with divergent
// views, a consensus call without objection, the submission.
func TestStatementConsensus(t *testing.T) {
	h := newStHarness(t)
	h.drafting()
	c1 := h.ok(h.update(processtest.Day, statement.UpdateComment, statement.CommentInput{Actor: stAna, Language: "es", Version: 1, Text: "Falta el punto 3."}))
	c2 := h.ok(h.update(processtest.Day+time.Hour, statement.UpdateComment, statement.CommentInput{Actor: stBeto, Language: "en", Version: 1, Text: "Oppose the whole thing."}))
	h.ok(h.update(processtest.Day+2*time.Hour, statement.UpdateComment, statement.CommentInput{Actor: stAna, Language: "en", Version: 1, Text: "I disagree with Beto.", ReplyTo: "c2"}))
	h.refused(h.update(processtest.Day+3*time.Hour, statement.UpdateComment, statement.CommentInput{Actor: stAna, Language: "es", Version: 2, Text: "x"}), workflows.ErrInvalidInput)
	// es v2 is not published: no comments on it.
	h.ok(h.update(2*processtest.Day, statement.UpdateDraft, statement.DraftInput{Actor: stPenEs, Language: "es", Text: "Borrador 2, con el punto 3.\n"}))
	h.refused(h.update(2*processtest.Day+time.Minute, statement.UpdateComment, statement.CommentInput{Actor: stAna, Language: "es", Version: 2, Text: "x"}), workflows.ErrInvalidState)
	mid := h.query(2*processtest.Day + 2*time.Minute)
	h.refused(h.update(3*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEs,
		Texts: map[string]string{"es": "a", "en": "b"}, DivergentViews: "x"}), workflows.ErrInvalidState) // the period runs
	h.refused(h.update(3*processtest.Day+time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEs, CommentID: "c2", Status: statement.CommentAnswered, Reply: "x"}), workflows.ErrForbidden)
	h.ok(h.update(3*processtest.Day+2*time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEs, CommentID: "c1", Status: statement.CommentIncorporated, Reply: "Añadido en v2."}))
	h.ok(h.update(3*processtest.Day+3*time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEn, CommentID: "c2", Status: statement.CommentNotAdopted, Reply: "The region supports it."}))
	// After the period (T0+7d+1h): c3 is still unanswered.
	h.refused(h.update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEs,
		Texts: map[string]string{"es": "a", "en": "b"}, DivergentViews: "x"}), workflows.ErrInvalidState)
	h.ok(h.update(8*processtest.Day+time.Minute, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEn, CommentID: "c3", Status: statement.CommentAnswered, Reply: "Noted."}))
	h.refused(h.update(8*processtest.Day+2*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEs,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}}), workflows.ErrInvalidInput) // divergent views missing
	h.refused(h.update(8*processtest.Day+3*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stAna,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}, DivergentViews: "x"}), workflows.ErrForbidden)
	cons := h.ok(h.update(8*processtest.Day+4*time.Minute, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEs,
		Texts: map[string]string{"es": "Texto final.", "en": "Final text."}, DivergentViews: "One member opposed the proposal as a whole."}))
	h.refused(h.update(8*processtest.Day+5*time.Minute, statement.UpdateDraft, statement.DraftInput{Actor: stPenEs, Language: "es", Text: "tarde"}), workflows.ErrInvalidState)
	h.refused(h.update(8*processtest.Day+6*time.Minute, statement.UpdateSubmit, statement.SubmitInput{Actor: stStaff,
		URL: "https://www.icann.org/s/1", SubmittedAt: stT0.Add(8 * processtest.Day)}), workflows.ErrInvalidState) // not ratified yet
	ratified := h.query(10*processtest.Day + 5*time.Minute)
	h.refused(h.update(10*processtest.Day+6*time.Minute, statement.UpdateObject, statement.ObjectInput{Actor: stBeto, Reason: "late"}), workflows.ErrInvalidState)
	h.refused(h.update(10*processtest.Day+7*time.Minute, statement.UpdateSubmit, statement.SubmitInput{Actor: stPenEs,
		URL: "https://www.icann.org/s/1", SubmittedAt: stT0.Add(10 * processtest.Day)}), workflows.ErrForbidden)
	h.ok(h.update(11*processtest.Day, statement.UpdateSubmit, statement.SubmitInput{Actor: stStaff,
		URL: "https://www.icann.org/s/1", SubmittedAt: stT0.Add(11 * processtest.Day)}))

	final := h.run(stInput("st-1"))

	if c1.comment.ID != "c1" || c2.comment.ID != "c2" {
		t.Errorf("comment IDs %q %q", c1.comment.ID, c2.comment.ID)
	}
	if mid.Status != statement.StatusComments || len(mid.Groups) != 2 || mid.Groups[0].Latest != 2 || mid.Groups[1].Latest != 1 {
		t.Fatalf("mid-period state %+v", mid)
	}
	if !mid.OutOfStep || mid.Translations[0].InStep {
		t.Errorf("es v2 has no en translation yet: the groups are out of step: %+v", mid.Translations)
	}
	v := mid.Groups[0].Versions[1]
	if v.Author != stPenEs.MemberID || v.Size != len("Borrador 2, con el punto 3.\n") || v.SHA256 != statement.TextHash("Borrador 2, con el punto 3.\n") || v.OpenedComments {
		t.Errorf("version metadata %+v", v)
	}
	if p := mid.CommentPeriods; len(p) != 1 || !p[0].Closes.Equal(stT0.Add(time.Hour+7*processtest.Day)) || len(p[0].Versions) != 2 {
		t.Errorf("one comment period from the es version, the en version added to it: %+v", p)
	}
	if cons.state.Status != statement.StatusConsensus {
		t.Errorf("after consolidation: %q", cons.state.Status)
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
	if a := h.audit("statement.submitted"); a == nil || a.Audience != "public" {
		t.Errorf("submission audit %+v", a)
	} else if pub, ok := a.Details.(map[string]any); !ok || pub["ratification"] == nil || pub["divergent_views"] == "" || pub["texts"] == nil {
		t.Errorf("the public record carries the texts, the ratification and the divergent views: %+v", a.Details)
	}
	if n := h.notesOf("statement.comment_period"); len(n) != 1 || n[0].In.Audience != workflows.AudienceAllMembers ||
		!n[0].At.Equal(stT0.Add(time.Hour)) {
		t.Errorf("the comment period is announced once to all members: %+v", n)
	}
	if n := h.notesOf("statement.opened"); len(n) != 1 || n[0].In.Audience != workflows.AudienceAllMembers {
		t.Errorf("opening announced %+v", n)
	}
	if n := h.notesOf("statement.submitted"); len(n) != 1 {
		t.Errorf("submission announced %+v", n)
	}
	if n := h.notesOf("statement.deadline_alert"); len(n) != 0 {
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

// TestStatementVote: an objection sends the text to a nationally weighted
// vote of the ALSes with a revote; the yes side wins on weight.
func TestStatementVote(t *testing.T) {
	h := newStHarness(t)
	h.drafting()
	h.ok(h.update(processtest.Day, statement.UpdateComment, statement.CommentInput{Actor: stAna, Language: "es", Version: 1, Text: "No."}))
	h.ok(h.update(2*processtest.Day, statement.UpdateResolveComment, statement.ResolveCommentInput{Actor: stPenEs, CommentID: "c1", Status: statement.CommentNotAdopted, Reply: "Kept."}))
	h.ok(h.update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEn,
		Texts: map[string]string{"es": "Texto.", "en": "Text."}, DivergentViews: "Ana opposed."}))
	h.ok(h.update(8*processtest.Day+time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: stAna, Reason: "I still oppose it."}))
	h.refused(h.update(8*processtest.Day+2*time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: stAna, Reason: "again"}), workflows.ErrInvalidState)
	h.refused(h.update(8*processtest.Day+3*time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: stRep, ALSID: "als-a1", CastByALSID: "als-a1", Vote: "yes"}), workflows.ErrInvalidState)
	// The vote opens at T0+10d; roll: a1, a2 (AR, 50/3 each), b1, c1 (100/3).
	vote := func(at time.Duration, als, v string) *stResult {
		return h.update(10*processtest.Day+at, statement.UpdateBallot, statement.BallotInput{Actor: stRep, ALSID: als, CastByALSID: als, Vote: v})
	}
	first := h.ok(vote(time.Hour, "als-b1", "no"))
	h.ok(vote(2*time.Hour, "als-a1", "no"))
	h.ok(vote(3*time.Hour, "als-c1", "yes"))
	h.ok(vote(4*time.Hour, "als-a2", "abstain"))
	h.ok(vote(5*time.Hour, "als-b1", "yes")) // the revote counts
	h.refused(vote(6*time.Hour, "als-zz", "yes"), workflows.ErrForbidden)
	h.refused(h.update(10*processtest.Day+7*time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: stRep, ALSID: "als-c1", CastByALSID: "als-b1", Vote: "no"}), workflows.ErrForbidden)
	h.refused(vote(8*time.Hour, "als-c1", "maybe"), workflows.ErrInvalidInput)
	voting := h.query(10*processtest.Day + 9*time.Hour)
	h.refused(vote(7*processtest.Day+time.Minute, "als-c1", "no"), workflows.ErrInvalidState) // closed
	h.ok(h.update(17*processtest.Day+time.Hour, statement.UpdateSubmit, statement.SubmitInput{Actor: stStaff,
		URL: "https://www.icann.org/s/2", SubmittedAt: stT0.Add(17 * processtest.Day)}))

	final := h.run(stInput("st-2"))

	if first.receipt.Receipt == "" || first.receipt.ALSID != "als-b1" {
		t.Errorf("receipt %+v", first.receipt)
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
	if n := h.notesOf("statement.vote_open"); len(n) != 1 || !n[0].At.Equal(stT0.Add(10*processtest.Day)) {
		t.Errorf("vote announced %+v", n)
	}
	if final.Status != statement.StatusSubmitted || final.Submission.AsDraft {
		t.Errorf("final %q %+v", final.Status, final.Submission)
	}
}

// TestStatementVoteRejectedAndExtended: a vote that is not quorate is
// extended once by its length; a tie is not adopted and the text goes back to its
// penholders; staff then submit it as a draft.
func TestStatementVoteRejectedAndExtended(t *testing.T) {
	h := newStHarness(t)
	h.drafting()
	h.ok(h.update(8*processtest.Day, statement.UpdateConsolidate, statement.ConsolidateInput{Actor: stPenEn,
		Texts: map[string]string{"es": "Texto.", "en": "Text."}}))
	h.ok(h.update(8*processtest.Day+time.Hour, statement.UpdateObject, statement.ObjectInput{Actor: stAna, Reason: "No."}))
	h.ok(h.update(10*processtest.Day+time.Hour, statement.UpdateBallot, statement.BallotInput{Actor: stRep, ALSID: "als-b1", CastByALSID: "als-b1", Vote: "yes"}))
	extended := h.query(17*processtest.Day + time.Hour)
	h.ok(h.update(18*processtest.Day, statement.UpdateBallot, statement.BallotInput{Actor: stRep, ALSID: "als-c1", CastByALSID: "als-c1", Vote: "no"}))
	back := h.query(24*processtest.Day + time.Hour)
	h.ok(h.update(25*processtest.Day, statement.UpdateSubmit, statement.SubmitInput{Actor: stStaff,
		URL: "https://www.icann.org/s/3", SubmittedAt: stT0.Add(25 * processtest.Day), AsDraft: true, Texts: map[string]string{"en": "Draft text."}}))

	final := h.run(stInput("st-3"))

	if extended.Status != statement.StatusVoting || !extended.Ratifications[0].Extended ||
		!extended.Ratifications[0].VoteCloses.Equal(stT0.Add(24*processtest.Day)) {
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

// TestStatementDeadlineAlert: the alert fires at the exact instant the
// remaining periods stop fitting before ICANN's close date, as recomputed
// when the stage changes; reminders go out before the close date.
func TestStatementDeadlineAlert(t *testing.T) {
	h := newStHarness(t)
	in := stInput("st-4")
	// Close date T0+30d. Drafting needs 7+2+14 = 23 days: the alert would
	// be at T0+7d. The comment period opened at T0+1h fixes the end at
	// T0+7d1h+16d = T0+23d1h, which fits; once it is over (consolidation,
	// 16 days needed) the alert is due at T0+14d.
	in.Proceeding.ClosesAt = stT0.Add(30 * processtest.Day)
	h.drafting()
	drafting := h.query(30 * time.Minute)
	comments := h.query(3 * processtest.Day)
	before := h.query(14*processtest.Day - time.Second)
	after := h.query(14*processtest.Day + time.Second)
	h.ok(h.update(29*processtest.Day, statement.UpdateDecline, statement.DeclineInput{Actor: stStaff, Reason: "No time left."}))

	final := h.run(in)

	if drafting.DeadlineAlertAt == nil || !drafting.DeadlineAlertAt.Equal(stT0.Add(7*processtest.Day)) {
		t.Errorf("while drafting the alert is scheduled for T0+7d: %v", drafting.DeadlineAlertAt)
	}
	if comments.DeadlineAlertAt != nil {
		t.Errorf("during the comment period ratification fits: %v", comments.DeadlineAlertAt)
	}
	if before.DeadlineAlerted != nil || before.DeadlineAlertAt == nil || !before.DeadlineAlertAt.Equal(stT0.Add(14*processtest.Day)) {
		t.Errorf("before T0+14d: alerted %v, scheduled %v", before.DeadlineAlerted, before.DeadlineAlertAt)
	}
	if after.DeadlineAlerted == nil || !after.DeadlineAlerted.Equal(stT0.Add(14*processtest.Day)) {
		t.Errorf("the alert fired at %v, want T0+14d", after.DeadlineAlerted)
	}
	alerts := h.notesOf("statement.deadline_alert")
	if len(alerts) != 1 || !alerts[0].At.Equal(stT0.Add(14*processtest.Day)) || alerts[0].In.Audience != workflows.AudienceStaff {
		t.Errorf("alerts %+v", alerts)
	}
	reminders := h.notesOf("statement.reminder")
	if len(reminders) != 2 || !reminders[0].At.Equal(stT0.Add(23*processtest.Day)) || !reminders[1].At.Equal(stT0.Add(28*processtest.Day)) {
		t.Errorf("reminders at 7 and 2 days before the close date: %+v", reminders)
	} else if to := reminders[0].In.MemberIDs; !slices.Equal(to, []string{stPenEn.MemberID, stPenEs.MemberID, stStaff.MemberID}) {
		t.Errorf("reminders go to penholders and staff: %v", to)
	}
	if final.Status != statement.StatusDeclined {
		t.Errorf("final %q", final.Status)
	}
}

// TestStatementDecline: leadership or staff decline with a reason; the
// decision is recorded publicly and the statement closes.
func TestStatementDecline(t *testing.T) {
	h := newStHarness(t)
	h.refused(h.update(time.Hour, statement.UpdateDecline, statement.DeclineInput{Actor: stAna, Reason: "no"}), workflows.ErrForbidden)
	h.refused(h.update(2*time.Hour, statement.UpdateDecline, statement.DeclineInput{Actor: stStaff}), workflows.ErrInvalidInput)
	h.ok(h.update(3*time.Hour, statement.UpdateDecline, statement.DeclineInput{Actor: stAna, Leadership: true, Reason: "Outside the region's remit."}))

	final := h.run(stInput("st-5"))

	if final.Status != statement.StatusDeclined || final.Declined == nil || final.Declined.Reason != "Outside the region's remit." ||
		final.Declined.By != stAna.MemberID {
		t.Fatalf("final %+v", final)
	}
	if a := h.audit("statement.declined"); a == nil || a.Audience != "public" {
		t.Errorf("decline audit %+v", a)
	}
	if s := h.saves; len(s) == 0 || s[len(s)-1].Status != statement.StatusDeclined || s[len(s)-1].Process != "statement" {
		t.Errorf("cases index %+v", s)
	}
}

// TestStatementCloseDateMoved: staff record the later close date ICANN
// granted after the deadline alert; the reminders and the alert follow the
// new date, under keys of their own, and the move is audited and emailed.
func TestStatementCloseDateMoved(t *testing.T) {
	h := newStHarness(t)
	in := stInput("st-6")
	in.Proceeding.ClosesAt = stT0.Add(30 * processtest.Day) // the alert fires at T0+14d (TestStatementDeadlineAlert)
	h.drafting()
	newClose := stT0.Add(60 * processtest.Day)
	move := statement.CloseDateInput{Actor: stStaff, ClosesAt: newClose, Reason: "ICANN extended the proceeding."}
	h.refused(h.update(15*processtest.Day, statement.UpdateCloseDate, statement.CloseDateInput{Actor: stPenEs, ClosesAt: newClose}), workflows.ErrForbidden)
	h.refused(h.update(16*processtest.Day, statement.UpdateCloseDate, statement.CloseDateInput{Actor: stStaff, ClosesAt: stT0.Add(processtest.Day)}), workflows.ErrInvalidInput)
	h.refused(h.update(17*processtest.Day, statement.UpdateCloseDate, statement.CloseDateInput{Actor: stStaff, ClosesAt: in.Proceeding.ClosesAt}), workflows.ErrInvalidInput)
	// After the first reminder (7 days before the old date, T0+23d).
	moved := h.ok(h.update(25*processtest.Day, statement.UpdateCloseDate, move))
	after := h.query(26 * processtest.Day)
	h.ok(h.update(59*processtest.Day, statement.UpdateDecline, statement.DeclineInput{Actor: stStaff, Reason: "No consensus in time."}))

	final := h.run(in)

	st := moved.state
	if !st.Proceeding.ClosesAt.Equal(newClose) || len(st.CloseDateChanges) != 1 {
		t.Fatalf("after the move: closes %v, changes %+v", st.Proceeding.ClosesAt, st.CloseDateChanges)
	}
	if c := st.CloseDateChanges[0]; !c.From.Equal(stT0.Add(30*processtest.Day)) || !c.To.Equal(newClose) || c.By != stStaff.MemberID ||
		c.Reason != move.Reason || !c.At.Equal(stT0.Add(25*processtest.Day)) {
		t.Errorf("change %+v", c)
	}
	// Consolidation needs 2 + 14 days: the alert is re-armed for T0+44d.
	if after.DeadlineAlerted != nil || after.DeadlineAlertAt == nil || !after.DeadlineAlertAt.Equal(stT0.Add(44*processtest.Day)) {
		t.Errorf("after the move: alerted %v, scheduled %v; want the alert re-armed for T0+44d", after.DeadlineAlerted, after.DeadlineAlertAt)
	}
	if i := slices.IndexFunc(after.Deadlines, func(d workflows.Deadline) bool { return d.Name == "icann_close" }); i < 0 || !after.Deadlines[i].At.Equal(newClose) {
		t.Errorf("deadlines %+v: want icann_close at the new date", after.Deadlines)
	}
	alerts := h.notesOf("statement.deadline_alert")
	if len(alerts) != 2 || !alerts[0].At.Equal(stT0.Add(14*processtest.Day)) || !alerts[1].At.Equal(stT0.Add(44*processtest.Day)) ||
		alerts[0].In.Step == alerts[1].In.Step {
		t.Errorf("alerts %+v: want one for each close date, at T0+14d and T0+44d, each with its own step", alerts)
	}
	// The 7-day reminder of the old date went out; both of the new date
	// go out too, the 7-day one again under a key of its own.
	reminders := h.notesOf("statement.reminder")
	if len(reminders) != 3 || !reminders[0].At.Equal(stT0.Add(23*processtest.Day)) || !reminders[1].At.Equal(stT0.Add(53*processtest.Day)) ||
		!reminders[2].At.Equal(stT0.Add(58*processtest.Day)) {
		t.Errorf("reminders %+v: want 7 days before the old date, then 7 and 2 days before the new one", reminders)
	} else if reminders[0].In.Step == reminders[1].In.Step {
		t.Errorf("the 7-day reminders of both dates share the step %q: the second would not be sent", reminders[0].In.Step)
	}
	notes := h.notesOf("statement.close_date_changed")
	if len(notes) != 1 || !slices.Equal(notes[0].In.MemberIDs, []string{stPenEn.MemberID, stPenEs.MemberID, stStaff.MemberID}) {
		t.Errorf("close date emails %+v: want one, to penholders and staff", notes)
	} else if due := notes[0].In.Data["due"]; due != newClose.Format(time.RFC3339) {
		t.Errorf("email names due %v, want %v", notes[0].In.Data["due"], newClose)
	}
	if a := h.audit("statement.close_date_changed"); a == nil || a.Actor != stStaff.MemberID {
		t.Errorf("audit %+v", a)
	} else if d, _ := a.Details.(map[string]any); d == nil || d["to"] != newClose.Format(time.RFC3339) {
		t.Errorf("audit details %+v: want the new date", a.Details)
	}
	if !final.Proceeding.ClosesAt.Equal(newClose) || final.Status != statement.StatusDeclined {
		t.Errorf("final: closes %v, status %q", final.Proceeding.ClosesAt, final.Status)
	}
}
