package statement

import (
	"math/big"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Statement runs one policy statement (SPEC process 4): penholders and
// versioned drafts per language group, the member comment period and the
// answers to comments, the consolidated text with its divergent views,
// ratification by consensus or, on objection, a vote of the ALSes with the
// election's weighting, quorum and extension, reminders and the deadline
// alert before ICANN's close date, and the submission.
//
// Changes to this logic must go behind workflow.GetVersion:
// TestStatementReplay fails the build when a change breaks the recorded
// history of a complete statement.
func Statement(ctx workflow.Context, in Input) (State, error) {
	if err := in.Validate(); err != nil {
		return State{}, err
	}
	s := newStatement(ctx, in)
	if err := s.setup(ctx); err != nil {
		return State{}, err
	}
	if s.runs == 0 {
		s.announce()
	}
	err := s.eng.Run(ctx, s)
	return s.st, err
}

// ownTextsSince is the version from which consolidation takes each
// language's final text from that group's penholders only (or staff).
const ownTextsSince = "statement-consolidate-own-language"

// statement is the state of one running statement. Handlers never block:
// they change the state and queue effects the main loop runs in order.
type statement struct {
	in     Input
	st     State
	logger log.Logger

	texts        map[string][]string // language -> texts of versions 1..n
	draftBytes   int
	roll         domain.Roll
	ballots      []domain.Ballot // the current round's
	reminderDone map[string]bool
	nextComment  int
	// periodsClosed counts the comment periods whose end has fired.
	periodsClosed int
	// ownTexts: each language group's penholders consolidate their own
	// group's text only (staff every text); statements started before
	// let any penholder publish every text.
	ownTexts bool
	// participantCaps: version participantCapsSince, comments and drafts
	// capped per member.
	participantCaps bool
	// ballotBudget: version ballotBudgetSince, an ALS replaces its
	// ratification ballot at most Rules.MaxBallotChanges times a round.
	ballotBudget bool
	// runs counts the runs before this one (continue-as-new).
	runs int
	// flushBatch: version flushBatchSince, a Flush runs the effects queued
	// before it only.
	flushBatch bool
	// majority is the ratification majority of the vote (nil: the simple
	// majority of statements opened before ratificationMajorityChange).
	majority *big.Rat

	effects []effect
	eng     *process.Engine
	saved   workflows.CaseIndex
}

type effect struct {
	audit         *workflows.AuditInput
	notify        *workflows.NotifyInput
	participation *ParticipationInput
	ballots       *workflows.BallotParticipationInput
}

func newStatement(ctx workflow.Context, in Input) *statement {
	createdAt := in.CreatedAt
	if createdAt.IsZero() {
		createdAt = workflow.GetInfo(ctx).WorkflowStartTime
	}
	s := &statement{
		in: in, logger: log.With(workflow.GetLogger(ctx), "statement_id", in.StatementID),
		texts: map[string][]string{}, reminderDone: map[string]bool{},
		eng: process.New(ctx),
	}
	if c := in.Carried; c != nil {
		s.in.Carried = nil
		s.restore(c)
		return s
	}
	groups := make([]LanguageGroup, len(in.Languages))
	for i, l := range in.Languages {
		groups[i] = LanguageGroup{Language: l, Penholders: []string{}, Versions: []DraftVersion{}}
	}
	s.st = State{
		StatementID: in.StatementID, Title: process.Title(in.Proceeding.Title), Proceeding: in.Proceeding, Kind: in.Kind,
		Languages: slices.Clone(in.Languages), Topic: in.Topic, Status: StatusDrafting, Rules: in.Rules,
		Groups: groups, Translations: []TranslationStatus{}, CommentPeriods: []CommentPeriod{},
		Comments: []Comment{}, Ratifications: []Ratification{}, RemindersSent: []string{},
		CloseDateChanges: []CloseDateChange{}, Deadlines: []workflows.Deadline{}, CreatedBy: in.CreatedBy, CreatedAt: createdAt.UTC(),
	}
	// Statements opened before the rule count a simple majority; from this
	// version, the majority the input carries (none: still simple).
	if workflow.GetVersion(ctx, ratificationMajorityChange, workflow.DefaultVersion, 1) >= 1 && in.Rules.RatificationMajority != "" {
		s.majority, _ = domain.ParseMajority(in.Rules.RatificationMajority) // checked by Validate
	}
	s.refresh(createdAt)
	return s
}

// ratificationMajorityChange is the workflow.GetVersion change ID from
// which the ratification tally applies Rules.RatificationMajority.
const ratificationMajorityChange = "ratification-majority"

// participantCapsSince is the version from which comments and drafts are
// capped per member as well as per statement.
const participantCapsSince = "statement-participant-caps"

// ballotBudgetSince is the version from which ratification ballots may be
// replaced at most Rules.MaxBallotChanges times per ALS and round.
const ballotBudgetSince = "statement-ballot-budget"

// flushBatchSince is the version from which a pass of the main loop runs
// only the effects queued before it.
const flushBatchSince = "statement-flush-batch"

// setup registers the queries and the updates.
func (s *statement) setup(ctx workflow.Context) error {
	if s.runs == 0 { // a continued run keeps the versions it carried
		s.ownTexts = workflow.GetVersion(ctx, ownTextsSince, workflow.DefaultVersion, 1) >= 1
		s.participantCaps = workflow.GetVersion(ctx, participantCapsSince, workflow.DefaultVersion, 1) >= 1
		s.ballotBudget = workflow.GetVersion(ctx, ballotBudgetSince, workflow.DefaultVersion, 1) >= 1
		s.flushBatch = workflow.GetVersion(ctx, flushBatchSince, workflow.DefaultVersion, 1) >= 1
	}
	if err := workflow.SetQueryHandler(ctx, Query, func() (State, error) {
		return s.snapshot(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryVersion, func(ref VersionRef) (DraftVersionText, error) {
		g := s.group(ref.Language)
		if g == nil || ref.Version < 1 || ref.Version > len(g.Versions) {
			return DraftVersionText{}, process.NotFound("no such version")
		}
		return DraftVersionText{DraftVersion: g.Versions[ref.Version-1], Text: s.texts[ref.Language][ref.Version-1]}, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryPublic, func() (Public, error) {
		if s.st.Submission == nil {
			return Public{}, process.NotFound("the statement is not submitted")
		}
		return s.public(), nil
	}); err != nil {
		return err
	}
	regs := []func() error{
		func() error {
			return process.Update[State](ctx, s, UpdatePenholders, s.validatePenholders, s.addPenholders)
		},
		func() error { return process.Update[State](ctx, s, UpdateResolveComment, s.validateResolve, s.resolve) },
		func() error {
			return process.Update[State](ctx, s, UpdateConsolidate, s.validateConsolidate, s.consolidate)
		},
		func() error { return process.Update[State](ctx, s, UpdateObject, s.validateObject, s.object) },
		func() error { return process.Update[State](ctx, s, UpdateSubmit, s.validateSubmit, s.submit) },
		func() error { return process.Update[State](ctx, s, UpdateDecline, s.validateDecline, s.decline) },
		func() error {
			return process.Update[State](ctx, s, UpdateCloseDate, s.validateCloseDate, s.moveCloseDate)
		},
		func() error {
			return process.UpdateResult(ctx, s, UpdateDraft, s.validateDraft,
				func(_ workflow.Context, now time.Time, in DraftInput) DraftVersion { return s.draft(now, in) })
		},
		func() error {
			return process.UpdateResult(ctx, s, UpdateComment, s.validateComment,
				func(_ workflow.Context, now time.Time, in CommentInput) Comment { return s.comment(now, in) })
		},
		func() error {
			return process.UpdateResult(ctx, s, UpdateBallot, s.validateBallot,
				func(ctx workflow.Context, now time.Time, in BallotInput) workflows.BallotReceipt {
					return s.ballot(now, in, workflows.NewReceipt(ctx))
				})
		},
	}
	for _, reg := range regs {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}

// announce queues the opening's audit entry and email; the main loop
// (process.Engine.Run over the hooks below) sends them first.
func (s *statement) announce() {
	s.audit(s.in.CreatedBy, "statement.opened", "opened", map[string]any{
		"proceeding": s.in.Proceeding, "kind": s.in.Kind, "languages": s.in.Languages, "topic": s.in.Topic,
	})
	s.notify("opened", "statement.opened", s.in.StaffIDs, workflows.AudienceAllMembers, map[string]any{"due": s.in.Proceeding.ClosesAt})
}

// Wake tells the main loop that an update changed the state.
func (s *statement) Wake() { s.eng.Wake() }

// Snapshot is the state an update answers with.
func (s *statement) Snapshot() State { return s.snapshot() }

// Prepare freezes the roll when a vote has opened: the ballots need it,
// and it comes before the vote's effects.
func (s *statement) Prepare(ctx workflow.Context, _ time.Time) bool {
	if r := s.current(); r != nil && r.VoteOpens != nil && !r.RollFrozen {
		s.freezeRoll(ctx)
		return true
	}
	return false
}

// Busy reports effects queued while the last ones ran.
func (s *statement) Busy() bool { return len(s.effects) > 0 }

// Done reports that the statement is submitted or declined.
func (s *statement) Done() bool { return s.closed() }

// Wait blocks until the next deadline or an update.
func (s *statement) Wait(ctx workflow.Context) {
	ev, ok := s.next(workflow.Now(ctx))
	s.eng.Wait(ctx, ev, ok)
}

func (s *statement) closed() bool { return s.st.Submission != nil || s.st.Declined != nil }

// freezeRoll reads the voting ALSes with the election's activity (no
// proxies: a ratification vote takes none) and weighs them.
func (s *statement) freezeRoll(ctx workflow.Context) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var res workflows.FreezeRollResult
	err := workflow.ExecuteActivity(actx, workflows.ActivityFreezeElectionRoll, workflows.FreezeRollInput{
		ElectionID: WorkflowID(s.in.StatementID),
	}).Get(ctx, &res)
	if err != nil {
		s.logger.Error("roll not frozen", "error", err)
	}
	roll := domain.Roll{}
	for _, e := range res.Entries {
		roll.Entries = append(roll.Entries, domain.RollEntry{ALSID: e.ALSID, Country: e.Country})
	}
	weighted, werr := domain.NationalWeights(roll, s.in.Rules.Weighting)
	if werr != nil {
		s.logger.Error("roll not weighed", "error", werr)
	}
	r := s.current()
	s.roll = weighted
	r.Roll = workflows.RollDoc(weighted)
	r.RollFrozen = true
	s.audit(system, "statement.roll_frozen", "roll/"+strconv.Itoa(r.Round), map[string]any{"round": r.Round, "roll": r.Roll})
}

// Effects.

// audit queues an audit entry; statements are open to every member.
func (s *statement) audit(actor, action, step string, details map[string]any) {
	s.effects = append(s.effects, effect{audit: &workflows.AuditInput{
		Actor: actor, Process: processName, ObjectID: s.in.StatementID, Action: action, Details: details,
		Audience: "members", IdemKey: s.idemKey(step),
	}})
}

// notify queues an email to members and, with audience, to a whole group.
func (s *statement) notify(step, event string, to []string, audience string, extra map[string]any) {
	data := map[string]any{"statement_id": s.in.StatementID, "title": s.st.Title}
	for k, v := range extra {
		data[k] = v
	}
	s.effects = append(s.effects, effect{notify: &workflows.NotifyInput{
		Process: processName, ObjectID: s.in.StatementID, Step: step, Event: event,
		MemberIDs: process.Set(to), Audience: audience, Data: data,
	}})
}

func (s *statement) idemKey(step string) string {
	return WorkflowID(s.in.StatementID) + "/" + step
}

// Flush runs the queued effects in order, then brings the cases index up
// to date. Failures are logged: the workflow's state is the record.
func (s *statement) Flush(ctx workflow.Context) {
	// From version flushBatchSince a pass runs the effects queued before
	// it only, so that a stream of updates cannot keep the main loop in
	// Flush (the engine must reach its continue-as-new check); the rest
	// wait for the next pass, in order.
	todo := -1
	if s.flushBatch {
		todo = len(s.effects)
	}
	for len(s.effects) > 0 && todo != 0 {
		todo--
		e := s.effects[0]
		s.effects = s.effects[1:]
		switch {
		case e.audit != nil:
			if _, err := workflows.RecordAudit(ctx, *e.audit); err != nil {
				s.logger.Error("audit entry not written", "action", e.audit.Action, "error", err)
			}
		case e.notify != nil:
			if err := workflows.StartNotify(ctx, *e.notify); err != nil {
				s.logger.Error("notification not started", "event", e.notify.Event, "error", err)
			}
		case e.participation != nil:
			actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
			if err := workflow.ExecuteActivity(actx, workflows.ActivityRecordStatementParticipation, *e.participation).Get(ctx, nil); err != nil {
				s.logger.Error("participation not recorded", "ref", e.participation.Ref, "error", err)
			}
		case e.ballots != nil:
			actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
			if err := workflow.ExecuteActivity(actx, workflows.ActivityRecordBallotParticipation, *e.ballots).Get(ctx, nil); err != nil {
				s.logger.Error("ballot participation not recorded", "error", err)
			}
		}
	}
	idx := workflows.CaseIndex{ID: s.in.StatementID, Process: processName, Status: s.st.Status, Title: s.st.Title,
		CreatedBy: s.in.CreatedBy, Members: []string{}}
	if idx.Status == s.saved.Status {
		return
	}
	if err := workflows.SaveCase(ctx, idx); err != nil {
		s.logger.Error("cases index not updated", "status", idx.Status, "error", err)
		return
	}
	s.saved = idx
}
