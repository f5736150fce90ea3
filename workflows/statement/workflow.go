package statement

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// StatementWorkflowName is the name the Statement workflow is registered
// and started under.
const WorkflowName = "Statement"

// StatementWorkflowID is the business key of a policy statement.
func WorkflowID(statementID string) string { return "statement/" + statementID }

// Update and query names of the policy statement process.
const (
	// UpdateStatementPenholders adds penholders to a language group: staff
	// assign anyone, a member volunteers themself. PenholdersInput.
	UpdatePenholders = "penholders"
	// UpdateStatementDraft appends a version to a language group's draft
	// (its penholders), DraftInput -> DraftVersion.
	UpdateDraft = "draft"
	// UpdateStatementComment is a member's comment on a published version,
	// CommentInput -> StatementComment.
	UpdateComment = "comment"
	// UpdateStatementResolveComment is a penholder's answer to a comment,
	// ResolveCommentInput.
	UpdateResolveComment = "resolve_comment"
	// UpdateStatementConsolidate publishes the final texts and opens the
	// consensus call, ConsolidateInput.
	UpdateConsolidate = "consolidate"
	// UpdateStatementObject objects to the consensus, StatementObjectInput.
	UpdateObject = "object"
	// UpdateStatementBallot casts or replaces an ALS's ratification ballot,
	// StatementBallotInput -> BallotReceipt.
	UpdateBallot = "ballot"
	// UpdateStatementSubmit records the submission to ICANN (staff),
	// SubmitStatementInput.
	UpdateSubmit = "submit"
	// UpdateStatementDecline records a decision not to comment, DeclineInput.
	UpdateDecline = "decline"
	// UpdateStatementCloseDate records a new ICANN close date (staff), as
	// when ICANN grants the extension the deadline alert asked for,
	// CloseDateInput.
	UpdateCloseDate = "close_date"

	// QueryStatement returns the StatementState: drafts as version
	// metadata, without their texts.
	Query = "state"
	// QueryStatementVersion returns one version with its text,
	// VersionRef -> DraftVersionText.
	QueryVersion = "version"
	// QueryStatementPublic returns the public record once submitted, and
	// an ErrNotFound error before.
	QueryPublic = "public"
)

// Statuses of a statement, as StatementState.Status reports them.
const (
	StatusDrafting      = "drafting"
	StatusComments      = "comments"
	StatusConsolidation = "consolidation"
	StatusConsensus     = "consensus"
	StatusVoting        = "voting"
	StatusRatified      = "ratified"
	StatusSubmitted     = "submitted"
	StatusDeclined      = "declined"
)

// Output kinds of a statement (SPEC §4).
const (
	KindStatement   = "statement"
	KindAdvice      = "advice"
	KindInteraction = "interaction"
)

// Resolutions of a member comment.
const (
	CommentIncorporated = "incorporated"
	CommentAnswered     = "answered"
	CommentNotAdopted   = "not_adopted"
)

// Outcomes of a ratification.
const (
	RatificationRatified = "ratified"
	RatificationRejected = "rejected"
)

const (
	stProcess = "statement"
	system    = "system"

	// MaxDraftBytes caps one draft version and one final text: the texts
	// live in the workflow's state and history.
	MaxDraftBytes = 200_000
	// maxStDraftTotal caps all the versions of a statement together, which
	// keeps its history well under Temporal's limits; long annexes belong
	// in links.
	maxStDraftTotal = 5_000_000
	// Comments are in the state every query returns, which must stay
	// under the 2 MB payload limit.
	maxStComment  = 4_000
	maxStComments = 300
	maxStShort    = 2_000
)

// Proceeding is the ICANN public comment proceeding a statement answers.
type Proceeding struct {
	Title    string    `json:"title"`
	URL      string    `json:"url"`
	ClosesAt time.Time `json:"closes_at"`
}

// StatementRules are the policy's periods, and the election's vote rules
// the ratification reuses, copied when the statement opens.
type Rules struct {
	CommentPeriod        workflows.Duration   `json:"comment_period"`
	ObjectionWindow      workflows.Duration   `json:"objection_window"`
	VotePeriod           workflows.Duration   `json:"vote_period"`
	RemindersBeforeClose []workflows.Duration `json:"reminders_before_close"`
	Quorum               float64              `json:"quorum"`
	Extension            bool                 `json:"extension"`
	Weighting            string               `json:"weighting"`
}

// StatementInput opens a statement.
type Input struct {
	StatementID string     `json:"statement_id"`
	Proceeding  Proceeding `json:"proceeding"`
	Kind        string     `json:"kind"`
	Languages   []string   `json:"languages"`
	Topic       string     `json:"topic,omitempty"`
	Rules       Rules      `json:"rules"`
	StaffIDs    []string   `json:"staff_ids"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Validate reports the input's problems as an ErrInvalidInput error.
func (in Input) Validate() error {
	var problems []string
	if strings.TrimSpace(in.StatementID) == "" {
		problems = append(problems, "statement_id is required")
	}
	if err := process.CheckText("proceeding.title", in.Proceeding.Title, maxStShort); err != nil {
		problems = append(problems, err.Error())
	}
	if !validURL(in.Proceeding.URL) {
		problems = append(problems, "proceeding.url must be an http or https URL")
	}
	if in.Proceeding.ClosesAt.IsZero() {
		problems = append(problems, "proceeding.closes_at is required")
	}
	switch in.Kind {
	case KindStatement, KindAdvice, KindInteraction:
	default:
		problems = append(problems, "kind must be statement, advice or interaction")
	}
	if len(in.Languages) == 0 {
		problems = append(problems, "at least one language is required")
	}
	if len(process.Set(in.Languages)) != len(in.Languages) {
		problems = append(problems, "languages must be distinct")
	}
	r := in.Rules
	if r.CommentPeriod <= 0 || r.ObjectionWindow <= 0 || r.VotePeriod <= 0 {
		problems = append(problems, "rules: the comment period, objection window and vote period must be positive")
	}
	if r.Weighting != domain.WeightingNational && r.Weighting != domain.WeightingEqual {
		problems = append(problems, "rules.weighting must be national or equal")
	}
	if len(problems) == 0 {
		return nil
	}
	return temporal.NewNonRetryableApplicationError("invalid statement: "+strings.Join(problems, "; "), workflows.ErrInvalidInput, nil)
}

func validURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= maxStShort
}

// TranslationRef names a version of another language group's draft.
type TranslationRef struct {
	Language string `json:"language"`
	Version  int    `json:"version"`
}

// VersionRef names one version of a language group's draft.
type VersionRef struct {
	Language string `json:"language"`
	Version  int    `json:"version"`
}

// PenholdersInput adds penholders to a language group.
type PenholdersInput struct {
	Actor     workflows.Actor `json:"actor"`
	Language  string          `json:"language"`
	MemberIDs []string        `json:"member_ids"`
}

// DraftInput appends a version to a language group's draft; OpenComments
// publishes it for the member comment period.
type DraftInput struct {
	Actor         workflows.Actor `json:"actor"`
	Language      string          `json:"language"`
	Text          string          `json:"text"`
	TranslationOf *TranslationRef `json:"translation_of,omitempty"`
	OpenComments  bool            `json:"open_comments"`
}

// CommentInput is a member's comment on a published version, or a reply
// to another comment.
type CommentInput struct {
	Actor    workflows.Actor `json:"actor"`
	Language string          `json:"language"`
	Version  int             `json:"version"`
	Text     string          `json:"text"`
	ReplyTo  string          `json:"reply_to,omitempty"`
}

// ResolveCommentInput is a penholder's resolution of a comment.
type ResolveCommentInput struct {
	Actor     workflows.Actor `json:"actor"`
	CommentID string          `json:"comment_id"`
	Status    string          `json:"status"`
	Reply     string          `json:"reply"`
}

// ConsolidateInput is the final text of each language group and the
// divergent views, the positions that were not adopted.
type ConsolidateInput struct {
	Actor          workflows.Actor   `json:"actor"`
	Texts          map[string]string `json:"texts"`
	DivergentViews string            `json:"divergent_views"`
}

// StatementObjectInput objects to the consensus on the final text.
type ObjectInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// StatementBallotInput is an ALS's ratification ballot; CastByALSID is the
// ALS of the representative who casts it, as the API established.
type BallotInput struct {
	Actor       workflows.Actor `json:"actor"`
	ALSID       string          `json:"als_id"`
	CastByALSID string          `json:"cast_by_als_id"`
	Vote        string          `json:"vote"`
}

// SubmitStatementInput records the submission to ICANN. Texts default to
// the consolidated final texts; AsDraft submits a text not (yet) ratified.
type SubmitInput struct {
	Actor       workflows.Actor   `json:"actor"`
	URL         string            `json:"url"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Texts       map[string]string `json:"texts,omitempty"`
	AsDraft     bool              `json:"as_draft"`
}

// DeclineInput records a decision not to comment. Leadership is set by the
// API when the actor holds the chair or secretariat position.
type DeclineInput struct {
	Actor      workflows.Actor `json:"actor"`
	Reason     string          `json:"reason"`
	Leadership bool            `json:"leadership"`
}

// DraftVersion is a version's metadata: the default query shows these, not
// the texts.
type DraftVersion struct {
	Language      string          `json:"language"`
	Version       int             `json:"version"`
	Author        string          `json:"author"`
	CreatedAt     time.Time       `json:"created_at"`
	TranslationOf *TranslationRef `json:"translation_of"`
	SHA256        string          `json:"sha256"`
	Size          int             `json:"size"`
	// OpenedComments says the version was published for member comments.
	OpenedComments bool `json:"opened_comments"`
}

// DraftVersionText is one version with its text.
type DraftVersionText struct {
	DraftVersion
	Text string `json:"text"`
}

// LanguageGroup is one language group: its penholders and its versions.
type LanguageGroup struct {
	Language   string         `json:"language"`
	Penholders []string       `json:"penholders"`
	Versions   []DraftVersion `json:"versions"`
	Latest     int            `json:"latest"`
}

// TranslationStatus says whether two groups' latest versions are
// translations of one another.
type TranslationStatus struct {
	Languages []string `json:"languages"`
	Latest    []int    `json:"latest"`
	InStep    bool     `json:"in_step"`
}

// CommentPeriod is a member comment period.
type CommentPeriod struct {
	Opens    time.Time `json:"opens"`
	Closes   time.Time `json:"closes"`
	OpenedBy string    `json:"opened_by"`
	// Versions published for comments during this period.
	Versions []VersionRef `json:"versions"`
}

// StatementComment is a member's comment and its resolution.
type Comment struct {
	ID         string     `json:"id"`
	Language   string     `json:"language"`
	Version    int        `json:"version"`
	ReplyTo    string     `json:"reply_to,omitempty"`
	By         string     `json:"by"`
	Text       string     `json:"text"`
	At         time.Time  `json:"at"`
	Status     string     `json:"status"` // open until resolved
	Reply      string     `json:"reply,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at"`
}

// Consolidation is the final text of each language group, each ending
// with its "divergent views" section.
type Consolidation struct {
	Texts          map[string]string `json:"texts"`
	DivergentViews string            `json:"divergent_views"`
	NotAdopted     []string          `json:"not_adopted"` // IDs of the comments not adopted
	By             string            `json:"by"`
	At             time.Time         `json:"at"`
}

// StatementObjection is a member's objection to the consensus.
type Objection struct {
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// RatificationBallot is a counted ballot as the result publishes it (the
// ratification vote is open, as members asked every vote to be auditable).
type RatificationBallot struct {
	Receipt string `json:"receipt"`
	ALSID   string `json:"als_id"`
	Vote    string `json:"vote"`
}

// RatificationResult is how a round ended.
type RatificationResult struct {
	Outcome     string                  `json:"outcome"`
	ByConsensus bool                    `json:"by_consensus"`
	Yes         float64                 `json:"yes"`
	No          float64                 `json:"no"`
	YesBallots  int                     `json:"yes_ballots"`
	NoBallots   int                     `json:"no_ballots"`
	Abstentions int                     `json:"abstentions"`
	Quorum      *workflows.ResultQuorum `json:"quorum"`
	Ballots     []RatificationBallot    `json:"ballots"`
	Error       string                  `json:"error,omitempty"`
	At          time.Time               `json:"at"`
}

// Ratification is one round: the consensus call on a consolidated text,
// and the vote when someone objected.
type Ratification struct {
	Round         int                           `json:"round"`
	ObjectionEnds time.Time                     `json:"objection_ends"`
	Objections    []Objection                   `json:"objections"`
	VoteOpens     *time.Time                    `json:"vote_opens"`
	VoteCloses    *time.Time                    `json:"vote_closes"`
	Extended      bool                          `json:"extended"`
	Roll          []workflows.ElectionRollEntry `json:"roll"`
	RollFrozen    bool                          `json:"roll_frozen"`
	Voted         []workflows.Voted             `json:"voted"`
	Result        *RatificationResult           `json:"result"`
}

// StatementSubmission records what was submitted to ICANN.
type Submission struct {
	URL         string            `json:"url"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Texts       map[string]string `json:"texts"`
	AsDraft     bool              `json:"as_draft"`
	By          string            `json:"by"`
	At          time.Time         `json:"at"`
}

// CloseDateInput moves ICANN's close date of an open statement.
type CloseDateInput struct {
	Actor    workflows.Actor `json:"actor"`
	ClosesAt time.Time       `json:"closes_at"`
	Reason   string          `json:"reason"`
}

// CloseDateChange records one move of ICANN's close date.
type CloseDateChange struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// StatementDecline records a decision not to comment.
type Decline struct {
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// StatementState is a statement as the default query and every update
// return it.
type State struct {
	StatementID  string              `json:"statement_id"`
	Title        string              `json:"title"`
	Proceeding   Proceeding          `json:"proceeding"`
	Kind         string              `json:"kind"`
	Languages    []string            `json:"languages"`
	Topic        string              `json:"topic,omitempty"`
	Status       string              `json:"status"`
	Rules        Rules               `json:"rules"`
	Groups       []LanguageGroup     `json:"groups"`
	Translations []TranslationStatus `json:"translations"`
	// OutOfStep is true when two groups' latest versions are not
	// translations of one another.
	OutOfStep      bool            `json:"out_of_step"`
	CommentPeriods []CommentPeriod `json:"comment_periods"`
	Comments       []Comment       `json:"comments"`
	Consolidation  *Consolidation  `json:"consolidation"`
	Ratifications  []Ratification  `json:"ratifications"`
	Submission     *Submission     `json:"submission"`
	Declined       *Decline        `json:"declined"`
	RemindersSent  []string        `json:"reminders_sent"`
	// DeadlineAlertAt is when staff will be (or were) alerted that
	// ratification cannot end before ICANN's close date.
	DeadlineAlertAt *time.Time `json:"deadline_alert_at"`
	DeadlineAlerted *time.Time `json:"deadline_alerted"`
	// CloseDateChanges are the moves of ICANN's close date, oldest first;
	// each re-arms the reminders and the deadline alert.
	CloseDateChanges []CloseDateChange    `json:"close_date_changes"`
	Deadlines        []workflows.Deadline `json:"deadlines"`
	CreatedBy        string               `json:"created_by"`
	CreatedAt        time.Time            `json:"created_at"`
}

// StatementPublic is the public record of a submitted statement.
type Public struct {
	StatementID    string              `json:"statement_id"`
	Title          string              `json:"title"`
	Proceeding     Proceeding          `json:"proceeding"`
	Kind           string              `json:"kind"`
	Languages      []string            `json:"languages"`
	Texts          map[string]string   `json:"texts"`
	DivergentViews string              `json:"divergent_views"`
	Ratification   *RatificationResult `json:"ratification"`
	Submission     Submission          `json:"submission"`
	Status         string              `json:"status"`
}

// ParticipationInput counts an act (a comment, a draft) for the ALS of the
// member who did it; Ref makes it idempotent.
type ParticipationInput struct {
	MemberID string    `json:"member_id"`
	Kind     string    `json:"kind"`
	At       time.Time `json:"at"`
	Ref      string    `json:"ref"`
}

// divergentHeading titles the divergent views section in each language.
var divergentHeading = map[string]string{
	"es": "Opiniones divergentes", "en": "Divergent views", "pt": "Opiniões divergentes", "fr": "Opinions divergentes",
}

// FinalText is a language group's consolidated text with its divergent
// views section, as published and submitted.
func FinalText(lang, text, divergent string) string {
	h, ok := divergentHeading[lang]
	if !ok {
		h = divergentHeading["en"]
	}
	if strings.TrimSpace(divergent) == "" {
		divergent = "—"
	}
	return strings.TrimRight(text, "\n") + "\n\n## " + h + "\n\n" + strings.TrimSpace(divergent) + "\n"
}

// TextHash is the SHA-256 of a draft version's text, hex.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

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
	return s.run(ctx)
}

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

	effects []effect
	changed workflow.Channel
	timer   process.Clock
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
		changed: workflow.NewBufferedChannel(ctx, 1),
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
	s.refresh(createdAt)
	return s
}

// setup registers the queries and the updates.
func (s *statement) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, Query, func() (State, error) {
		return s.snapshot(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryVersion, func(ref VersionRef) (DraftVersionText, error) {
		g := s.group(ref.Language)
		if g == nil || ref.Version < 1 || ref.Version > len(g.Versions) {
			return DraftVersionText{}, temporal.NewApplicationError("no such version", workflows.ErrNotFound)
		}
		return DraftVersionText{DraftVersion: g.Versions[ref.Version-1], Text: s.texts[ref.Language][ref.Version-1]}, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryPublic, func() (Public, error) {
		if s.st.Submission == nil {
			return Public{}, temporal.NewApplicationError("the statement is not submitted", workflows.ErrNotFound)
		}
		return s.public(), nil
	}); err != nil {
		return err
	}
	regs := []func() error{
		func() error {
			return update(ctx, s, UpdatePenholders, s.validatePenholders, s.addPenholders)
		},
		func() error { return update(ctx, s, UpdateResolveComment, s.validateResolve, s.resolve) },
		func() error {
			return update(ctx, s, UpdateConsolidate, s.validateConsolidate, s.consolidate)
		},
		func() error { return update(ctx, s, UpdateObject, s.validateObject, s.object) },
		func() error { return update(ctx, s, UpdateSubmit, s.validateSubmit, s.submit) },
		func() error { return update(ctx, s, UpdateDecline, s.validateDecline, s.decline) },
		func() error { return update(ctx, s, UpdateCloseDate, s.validateCloseDate, s.moveCloseDate) },
		func() error {
			return updateResult(ctx, s, UpdateDraft, s.validateDraft,
				func(_ workflow.Context, now time.Time, in DraftInput) DraftVersion { return s.draft(now, in) })
		},
		func() error {
			return updateResult(ctx, s, UpdateComment, s.validateComment,
				func(_ workflow.Context, now time.Time, in CommentInput) Comment { return s.comment(now, in) })
		},
		func() error {
			return updateResult(ctx, s, UpdateBallot, s.validateBallot,
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

// stUpdate registers an update that answers with the state it produced.
func update[T any](ctx workflow.Context, s *statement, name string,
	validate func(now time.Time, in T) error, apply func(now time.Time, in T)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (State, error) {
			if err := applyUpdate(ctx, s, in, validate, func(now time.Time) { apply(now, in) }); err != nil {
				return State{}, err
			}
			return s.snapshot(), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			return validate(workflow.Now(ctx), in)
		}},
	)
}

// stUpdateResult registers an update that answers with what apply returns
// (a version, a comment, a receipt).
func updateResult[T, R any](ctx workflow.Context, s *statement, name string,
	validate func(now time.Time, in T) error, apply func(ctx workflow.Context, now time.Time, in T) R) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in T) (R, error) {
			var out R
			err := applyUpdate(ctx, s, in, validate, func(now time.Time) { out = apply(ctx, now, in) })
			return out, err
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, in T) error {
			return validate(workflow.Now(ctx), in)
		}},
	)
}

// applyUpdate brings the state up to now, validates again (a deadline may
// have fired since the validator ran, in the same workflow time), applies
// the transition, settles what follows and wakes the main loop.
func applyUpdate[T any](ctx workflow.Context, s *statement, in T, validate func(now time.Time, in T) error, apply func(now time.Time)) error {
	now := workflow.Now(ctx)
	s.tick(now)
	if err := validate(now, in); err != nil {
		return err
	}
	apply(now)
	s.tick(now)
	s.changed.SendAsync(struct{}{})
	return nil
}

// snapshot copies the state for a query or an update's answer.
func (s *statement) snapshot() State {
	st := s.st
	st.Languages = slices.Clone(st.Languages)
	st.Groups = make([]LanguageGroup, len(s.st.Groups))
	for i, g := range s.st.Groups {
		g.Penholders = slices.Clone(g.Penholders)
		g.Versions = slices.Clone(g.Versions)
		st.Groups[i] = g
	}
	st.Translations = slices.Clone(st.Translations)
	st.CommentPeriods = slices.Clone(st.CommentPeriods)
	for i := range st.CommentPeriods {
		st.CommentPeriods[i].Versions = slices.Clone(st.CommentPeriods[i].Versions)
	}
	st.Comments = slices.Clone(st.Comments)
	if c := st.Consolidation; c != nil {
		cc := *c
		cc.Texts = process.CloneMap(c.Texts)
		cc.NotAdopted = slices.Clone(c.NotAdopted)
		st.Consolidation = &cc
	}
	st.Ratifications = make([]Ratification, len(s.st.Ratifications))
	for i, r := range s.st.Ratifications {
		st.Ratifications[i] = cloneRatification(r)
	}
	if sub := st.Submission; sub != nil {
		c := *sub
		c.Texts = process.CloneMap(sub.Texts)
		st.Submission = &c
	}
	st.Declined = process.Clone(st.Declined)
	st.RemindersSent = slices.Clone(st.RemindersSent)
	st.DeadlineAlertAt, st.DeadlineAlerted = process.Clone(st.DeadlineAlertAt), process.Clone(st.DeadlineAlerted)
	st.Deadlines = slices.Clone(st.Deadlines)
	return st
}

func cloneRatification(r Ratification) Ratification {
	r.Objections = slices.Clone(r.Objections)
	r.Roll = slices.Clone(r.Roll)
	r.Voted = slices.Clone(r.Voted)
	r.VoteOpens, r.VoteCloses = process.Clone(r.VoteOpens), process.Clone(r.VoteCloses)
	if r.Result != nil {
		res := *r.Result
		res.Ballots = slices.Clone(res.Ballots)
		res.Quorum = process.Clone(res.Quorum)
		r.Result = &res
	}
	return r
}

// public is the public record: what was submitted, the divergent views and
// the vote that ratified it; no comment or draft.
func (s *statement) public() Public {
	st := s.snapshot()
	p := Public{
		StatementID: st.StatementID, Title: st.Title, Proceeding: st.Proceeding, Kind: st.Kind, Languages: st.Languages,
		Texts: st.Submission.Texts, Submission: *st.Submission, Status: st.Status,
	}
	if st.Consolidation != nil {
		p.DivergentViews = st.Consolidation.DivergentViews
	}
	if r := s.current(); r != nil && r.Result != nil {
		res := cloneRatification(*r).Result
		p.Ratification = res
	}
	return p
}

// run announces the statement, then loops: bring the state up to now,
// freeze the roll when a vote opens, run the queued effects, and wait for
// the next deadline or update, until the statement is submitted or
// declined.
func (s *statement) run(ctx workflow.Context) (State, error) {
	s.audit(s.in.CreatedBy, "statement.opened", "opened", map[string]any{
		"proceeding": s.in.Proceeding, "kind": s.in.Kind, "languages": s.in.Languages, "topic": s.in.Topic,
	})
	s.notify("opened", "statement.opened", s.in.StaffIDs, workflows.AudienceAllMembers, map[string]any{"due": s.in.Proceeding.ClosesAt})
	for {
		now := workflow.Now(ctx)
		s.tick(now)
		if r := s.current(); r != nil && r.VoteOpens != nil && !r.RollFrozen {
			s.freezeRoll(ctx)
			continue
		}
		s.flush(ctx)
		for s.changed.ReceiveAsync(nil) {
		}
		if len(s.effects) > 0 {
			continue
		}
		if s.closed() {
			break
		}
		s.wait(ctx)
		if err := ctx.Err(); err != nil {
			return s.st, err
		}
	}
	s.timer.Stop()
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return s.st, err
	}
	return s.st, nil
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

// wait blocks until the next deadline or an update.
func (s *statement) wait(ctx workflow.Context) {
	ev, ok := s.next(workflow.Now(ctx))
	s.timer.Wait(ctx, ev, ok, s.changed)
}

// tick fires every deadline that has passed, oldest first, then derives
// the status. It never blocks.
func (s *statement) tick(now time.Time) {
	for {
		ev, ok := s.next(now)
		if !ok || ev.At.After(now) {
			break
		}
		ev.Fire(now)
		s.refresh(now)
	}
	s.refresh(now)
}

func (s *statement) next(now time.Time) (process.Deadline, bool) {
	return process.Earliest(s.pending(now))
}

// pending lists the deadlines still to fire.
func (s *statement) pending(now time.Time) []process.Deadline {
	if s.closed() {
		return nil
	}
	var evs []process.Deadline
	if n := len(s.st.CommentPeriods); n > s.periodsClosed {
		// Wakes the main loop: the status moves on to consolidation.
		evs = append(evs, process.Deadline{At: s.st.CommentPeriods[n-1].Closes, Name: "comment period closes",
			Fire: func(time.Time) { s.periodsClosed = n }})
	}
	if r := s.current(); r != nil && r.Result == nil {
		switch {
		case r.VoteOpens == nil:
			evs = append(evs, process.Deadline{At: r.ObjectionEnds, Name: "objection window closes", Fire: s.closeConsensus})
		case r.RollFrozen:
			evs = append(evs, process.Deadline{At: *r.VoteCloses, Name: "vote closes", Fire: s.closeVote})
		}
	}
	closes := s.in.Proceeding.ClosesAt
	for _, d := range s.in.Rules.RemindersBeforeClose {
		at := closes.Add(-d.D())
		if s.reminderDone[process.Label(d.D())] || at.Before(s.st.CreatedAt) || !at.Before(closes) {
			continue
		}
		evs = append(evs, process.Deadline{At: at, Name: "reminder " + process.Label(d.D()) + " before ICANN closes", Fire: s.remind})
	}
	if s.st.DeadlineAlerted == nil {
		if at, ok := s.clock().DeadlineAlertAt(now); ok {
			evs = append(evs, process.Deadline{At: at, Name: "deadline alert", Fire: s.alertDeadline})
		}
	}
	return evs
}

// clock is the deadline watch's view of the current stage.
func (s *statement) clock() domain.StatementClock {
	r := s.in.Rules
	c := domain.StatementClock{ClosesAt: s.in.Proceeding.ClosesAt, CommentPeriod: r.CommentPeriod.D(),
		ObjectionWindow: r.ObjectionWindow.D(), VotePeriod: r.VotePeriod.D(), Extension: r.Extension, Stage: domain.StageDone}
	switch s.st.Status {
	case StatusDrafting:
		c.Stage = domain.StageDrafting
	case StatusComments:
		c.Stage, c.CommentEnds = domain.StageComments, s.period().Closes
	case StatusConsolidation:
		c.Stage = domain.StageConsolidation
	case StatusConsensus:
		rt := s.current()
		c.Stage, c.ObjectionEnds = domain.StageConsensus, rt.ObjectionEnds
	case StatusVoting:
		rt := s.current()
		c.Stage, c.VoteEnds, c.Extension = domain.StageVoting, *rt.VoteCloses, r.Extension && !rt.Extended
	}
	return c
}

// refresh derives the status, the translation links, the scheduled
// deadline alert and the upcoming deadlines.
func (s *statement) refresh(now time.Time) {
	st := &s.st
	r := s.current()
	p := s.period()
	switch {
	case st.Declined != nil:
		st.Status = StatusDeclined
	case st.Submission != nil:
		st.Status = StatusSubmitted
	case s.ratified():
		st.Status = StatusRatified
	case r != nil && r.Result == nil && r.VoteOpens != nil:
		st.Status = StatusVoting
	case r != nil && r.Result == nil:
		st.Status = StatusConsensus
	case p != nil && now.Before(p.Closes):
		st.Status = StatusComments
	case p != nil && st.Consolidation == nil:
		st.Status = StatusConsolidation
	default:
		st.Status = StatusDrafting
	}
	s.translations()
	st.DeadlineAlertAt = nil
	if st.DeadlineAlerted != nil {
		st.DeadlineAlertAt = process.Clone(st.DeadlineAlerted)
	} else if at, ok := s.clock().DeadlineAlertAt(now); ok {
		st.DeadlineAlertAt = &at
	}
	deadlines := []workflows.Deadline{}
	if !s.closed() {
		if p != nil && now.Before(p.Closes) {
			deadlines = append(deadlines, workflows.Deadline{Name: "comment_period", At: p.Closes})
		}
		if r != nil && r.Result == nil {
			if r.VoteCloses != nil {
				deadlines = append(deadlines, workflows.Deadline{Name: "ratification_vote", At: *r.VoteCloses})
			} else {
				deadlines = append(deadlines, workflows.Deadline{Name: "objection_window", At: r.ObjectionEnds})
			}
		}
		if now.Before(s.in.Proceeding.ClosesAt) {
			deadlines = append(deadlines, workflows.Deadline{Name: "icann_close", At: s.in.Proceeding.ClosesAt})
		}
	}
	slices.SortStableFunc(deadlines, func(x, y workflows.Deadline) int { return x.At.Compare(y.At) })
	st.Deadlines = deadlines
}

// translations says, for each pair of groups, whether their latest
// versions are translations of one another.
func (s *statement) translations() {
	out := []TranslationStatus{}
	outOfStep := false
	for i := range s.st.Groups {
		for j := i + 1; j < len(s.st.Groups); j++ {
			a, b := s.st.Groups[i], s.st.Groups[j]
			inStep := a.Latest > 0 && b.Latest > 0 &&
				(linked(a.Versions[a.Latest-1], b.Language, b.Latest) || linked(b.Versions[b.Latest-1], a.Language, a.Latest))
			if !inStep && (a.Latest > 0 || b.Latest > 0) {
				outOfStep = true
			}
			out = append(out, TranslationStatus{Languages: []string{a.Language, b.Language}, Latest: []int{a.Latest, b.Latest}, InStep: inStep})
		}
	}
	s.st.Translations, s.st.OutOfStep = out, outOfStep
}

func linked(v DraftVersion, lang string, version int) bool {
	return v.TranslationOf != nil && v.TranslationOf.Language == lang && v.TranslationOf.Version == version
}

// Deadline events.

// closeConsensus ends the consensus call: ratified without objection, or
// the vote opens (the main loop freezes the roll first).
func (s *statement) closeConsensus(now time.Time) {
	r := s.current()
	if len(r.Objections) == 0 {
		r.Result = &RatificationResult{Outcome: RatificationRatified, ByConsensus: true, Ballots: []RatificationBallot{}, At: now}
		s.audit(system, "statement.ratified", "ratified/"+strconv.Itoa(r.Round), map[string]any{"round": r.Round, "by_consensus": true})
		return
	}
	closes := now.Add(s.in.Rules.VotePeriod.D())
	r.VoteOpens, r.VoteCloses = &now, &closes
	s.ballots = nil
	s.audit(system, "statement.vote_called", "vote/"+strconv.Itoa(r.Round), map[string]any{
		"round": r.Round, "objections": len(r.Objections), "opens": now, "closes": closes,
	})
	s.notify("vote/"+strconv.Itoa(r.Round), "statement.vote_open", s.in.StaffIDs, workflows.AudienceAllMembers, map[string]any{"due": closes})
}

// closeVote extends a vote that is not quorate once, then counts it with
// the weights of the frozen roll.
func (s *statement) closeVote(now time.Time) {
	r := s.current()
	counted := domain.LatestBallots(s.ballots)
	q := domain.Quorum(len(s.roll.Entries), len(counted), s.in.Rules.Quorum)
	if !q.Met && !r.Extended && s.in.Rules.Extension {
		r.Extended = true
		closes := r.VoteCloses.Add(s.in.Rules.VotePeriod.D())
		r.VoteCloses = &closes
		s.audit(system, "statement.vote_extended", "extended/"+strconv.Itoa(r.Round), map[string]any{
			"round": r.Round, "required": q.Required, "cast": q.Cast, "until": closes,
		})
		return
	}
	res := &RatificationResult{Quorum: &workflows.ResultQuorum{Required: q.Required, Cast: q.Cast, Met: q.Met, Extended: r.Extended},
		Ballots: []RatificationBallot{}, At: now}
	t, err := domain.TallyRatification(s.roll, s.ballots)
	if err != nil {
		s.logger.Error("ratification count refused", "error", err)
		res.Outcome, res.Error = RatificationRejected, err.Error()
	} else {
		res.Yes, res.No, res.YesBallots, res.NoBallots, res.Abstentions = t.YesVotes, t.NoVotes, t.YesBallots, t.NoBallots, t.Abstentions
		res.Outcome = RatificationRejected
		if t.Adopted {
			res.Outcome = RatificationRatified
		}
		counted := &workflows.BallotParticipationInput{ElectionID: WorkflowID(s.in.StatementID), Ballots: []workflows.BallotReceipt{}}
		for _, b := range t.CountedBallots {
			vote := b.Choice
			if b.Abstain {
				vote = domain.VoteAbstain
			}
			res.Ballots = append(res.Ballots, RatificationBallot{Receipt: b.Receipt, ALSID: b.ALSID, Vote: vote})
			counted.Ballots = append(counted.Ballots, workflows.BallotReceipt{Receipt: b.Receipt, Seat: "ratification", Round: r.Round, ALSID: b.ALSID, At: b.At})
		}
		// The counted ballot of each ALS counts for its participation, as
		// in elections (a revote is one act, not two).
		s.effects = append(s.effects, effect{ballots: counted})
	}
	r.Result = res
	s.audit(system, "statement."+res.Outcome, res.Outcome+"/"+strconv.Itoa(r.Round), map[string]any{"round": r.Round, "result": res})
	if res.Outcome == RatificationRejected {
		// The text goes back to its penholders: they revise it (and may
		// hold a new comment period) and consolidate again, for a new
		// round.
		s.st.Consolidation = nil
	}
}

// remind sends the latest reminder that has come due to the penholders and
// staff; earlier ones missed (a worker down) are skipped.
func (s *statement) remind(now time.Time) {
	closes := s.in.Proceeding.ClosesAt
	step := ""
	for _, d := range s.in.Rules.RemindersBeforeClose {
		if at := closes.Add(-d.D()); !s.reminderDone[process.Label(d.D())] && !at.After(now) {
			s.reminderDone[process.Label(d.D())] = true
			step = "reminder/" + process.Label(d.D())
		}
	}
	if step == "" || !now.Before(closes) {
		return
	}
	step += s.closeDateSuffix()
	s.st.RemindersSent = append(s.st.RemindersSent, step)
	s.notify(step, "statement.reminder", process.Set(append(s.penholders(), s.in.StaffIDs...)), "", map[string]any{"due": closes})
}

// alertDeadline tells staff that ratification can no longer end before
// ICANN's close date: ask for an extension or submit as a draft.
func (s *statement) alertDeadline(now time.Time) {
	s.st.DeadlineAlerted = &now
	end, _ := s.clock().RatificationEnd(now)
	step := "deadline_alert" + s.closeDateSuffix()
	s.audit(system, "statement.deadline_alert", step, map[string]any{
		"closes_at": s.in.Proceeding.ClosesAt, "ratification_end": end, "stage": s.st.Status,
	})
	s.notify(step, "statement.deadline_alert", s.in.StaffIDs, workflows.AudienceStaff, map[string]any{"due": s.in.Proceeding.ClosesAt})
}

// closeDateSuffix tells apart the reminders and alerts of each close date
// in their idempotency keys: "" for the first, "/N" after the Nth move.
func (s *statement) closeDateSuffix() string {
	if n := len(s.st.CloseDateChanges); n > 0 {
		return "/" + strconv.Itoa(n)
	}
	return ""
}

// Predicates.

func (s *statement) group(lang string) *LanguageGroup {
	for i := range s.st.Groups {
		if s.st.Groups[i].Language == lang {
			return &s.st.Groups[i]
		}
	}
	return nil
}

func (s *statement) isPenholder(lang, member string) bool {
	g := s.group(lang)
	return g != nil && member != "" && slices.Contains(g.Penholders, member)
}

func (s *statement) penholders() []string {
	var out []string
	for _, g := range s.st.Groups {
		out = append(out, g.Penholders...)
	}
	return process.Set(out)
}

// period is the latest comment period, if any.
func (s *statement) period() *CommentPeriod {
	if n := len(s.st.CommentPeriods); n > 0 {
		return &s.st.CommentPeriods[n-1]
	}
	return nil
}

// current is the latest ratification round, if any.
func (s *statement) current() *Ratification {
	if n := len(s.st.Ratifications); n > 0 {
		return &s.st.Ratifications[n-1]
	}
	return nil
}

func (s *statement) findComment(id string) *Comment {
	for i := range s.st.Comments {
		if s.st.Comments[i].ID == id {
			return &s.st.Comments[i]
		}
	}
	return nil
}

// drafting says drafts may still be added and comments answered: the text
// is not under ratification, ratified or closed.
func (s *statement) drafting() bool { return s.st.Consolidation == nil }

// ratified says the latest round ratified the final text.
func (s *statement) ratified() bool {
	r := s.current()
	return r != nil && r.Result != nil && r.Result.Outcome == RatificationRatified
}

func (s *statement) checkOpen() error {
	switch {
	case s.st.Declined != nil:
		return process.InvalidState("the statement was declined")
	case s.st.Submission != nil:
		return process.InvalidState("the statement is submitted")
	}
	return nil
}

// Validators and handlers, in the order of the process.

func (s *statement) validatePenholders(_ time.Time, in PenholdersInput) error {
	if strings.TrimSpace(in.Actor.MemberID) == "" {
		return process.Forbidden("only members may hold the pen")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if s.group(in.Language) == nil {
		return process.InvalidInput("language: the statement has no " + strconv.Quote(in.Language) + " group")
	}
	ids := process.Set(in.MemberIDs)
	if len(ids) == 0 || len(ids) > 20 {
		return process.InvalidInput("member_ids: one to 20 members")
	}
	if !process.IsStaff(in.Actor.Roles) && (len(ids) != 1 || ids[0] != in.Actor.MemberID) {
		return process.Forbidden("a member volunteers only themself; staff assign others")
	}
	return nil
}

func (s *statement) addPenholders(_ time.Time, in PenholdersInput) {
	g := s.group(in.Language)
	var added []string
	for _, id := range process.Set(in.MemberIDs) {
		if !slices.Contains(g.Penholders, id) {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return
	}
	g.Penholders = process.Set(append(g.Penholders, added...))
	s.audit(in.Actor.MemberID, "statement.penholders", "penholders/"+in.Language+"/"+strings.Join(added, ","), map[string]any{
		"language": in.Language, "added": added, "assigned_by_staff": process.IsStaff(in.Actor.Roles),
	})
}

func (s *statement) validateDraft(now time.Time, in DraftInput) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	g := s.group(in.Language)
	switch {
	case g == nil:
		return process.InvalidInput("language: the statement has no " + strconv.Quote(in.Language) + " group")
	case !s.isPenholder(in.Language, in.Actor.MemberID):
		return process.Forbidden("only the penholders of the " + in.Language + " group add versions to its draft")
	case !s.drafting():
		return process.InvalidState("the final text is under ratification or ratified: drafts are closed")
	}
	if err := process.CheckText("text", in.Text, MaxDraftBytes); err != nil {
		return err
	}
	if s.draftBytes+len(in.Text) > maxStDraftTotal {
		return process.InvalidState(fmt.Sprintf("the drafts of this statement have reached their total size of %d bytes", maxStDraftTotal))
	}
	if t := in.TranslationOf; t != nil {
		o := s.group(t.Language)
		switch {
		case o == nil || t.Language == in.Language:
			return process.InvalidInput("translation_of.language: another language group of this statement")
		case t.Version < 1 || t.Version > len(o.Versions):
			return process.InvalidInput("translation_of.version: no such version")
		}
	}
	return nil
}

func (s *statement) draft(now time.Time, in DraftInput) DraftVersion {
	g := s.group(in.Language)
	v := DraftVersion{Language: in.Language, Version: len(g.Versions) + 1, Author: in.Actor.MemberID, CreatedAt: now,
		TranslationOf: process.Clone(in.TranslationOf), SHA256: TextHash(in.Text), Size: len(in.Text), OpenedComments: in.OpenComments}
	g.Versions = append(g.Versions, v)
	g.Latest = v.Version
	s.texts[in.Language] = append(s.texts[in.Language], in.Text)
	s.draftBytes += len(in.Text)
	ref := in.Language + "/" + strconv.Itoa(v.Version)
	s.audit(in.Actor.MemberID, "statement.draft", "draft/"+ref, map[string]any{
		"language": v.Language, "version": v.Version, "sha256": v.SHA256, "size": v.Size, "translation_of": v.TranslationOf,
		"open_comments": in.OpenComments,
	})
	s.effects = append(s.effects, effect{participation: &ParticipationInput{
		MemberID: in.Actor.MemberID, Kind: domain.ActivityDraft, At: now, Ref: WorkflowID(s.in.StatementID) + "/draft/" + ref,
	}})
	if in.OpenComments {
		s.publish(now, in.Actor.MemberID, VersionRef{Language: v.Language, Version: v.Version})
	}
	return v
}

// publish opens a comment period on a version, or adds the version to the
// period already running (whose end does not move).
func (s *statement) publish(now time.Time, by string, ref VersionRef) {
	if p := s.period(); p != nil && now.Before(p.Closes) {
		p.Versions = append(p.Versions, ref)
		s.audit(by, "statement.version_published", "published/"+ref.Language+"/"+strconv.Itoa(ref.Version),
			map[string]any{"language": ref.Language, "version": ref.Version, "closes": p.Closes})
		return
	}
	p := CommentPeriod{Opens: now, Closes: now.Add(s.in.Rules.CommentPeriod.D()), OpenedBy: by, Versions: []VersionRef{ref}}
	s.st.CommentPeriods = append(s.st.CommentPeriods, p)
	n := strconv.Itoa(len(s.st.CommentPeriods))
	s.audit(by, "statement.comment_period", "comments/"+n, map[string]any{
		"language": ref.Language, "version": ref.Version, "opens": p.Opens, "closes": p.Closes,
	})
	s.notify("comments/"+n, "statement.comment_period", s.penholders(), workflows.AudienceAllMembers, map[string]any{"due": p.Closes})
}

// published says a version is open to comments in the running period.
func (s *statement) published(now time.Time, lang string, version int) bool {
	p := s.period()
	return p != nil && now.Before(p.Closes) && slices.Contains(p.Versions, VersionRef{Language: lang, Version: version})
}

func (s *statement) validateComment(now time.Time, in CommentInput) error {
	if strings.TrimSpace(in.Actor.MemberID) == "" {
		return process.Forbidden("only members comment")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	g := s.group(in.Language)
	switch {
	case g == nil:
		return process.InvalidInput("language: the statement has no " + strconv.Quote(in.Language) + " group")
	case in.Version < 1 || in.Version > len(g.Versions):
		return process.InvalidInput("version: no such version")
	case !s.published(now, in.Language, in.Version):
		return process.InvalidState("this version is not open for comments")
	case len(s.st.Comments) >= maxStComments:
		return process.InvalidState("the statement has reached its number of comments")
	}
	if in.ReplyTo != "" && s.findComment(in.ReplyTo) == nil {
		return process.InvalidInput("reply_to: no such comment")
	}
	return process.CheckText("text", in.Text, maxStComment)
}

func (s *statement) comment(now time.Time, in CommentInput) Comment {
	s.nextComment++
	c := Comment{ID: "c" + strconv.Itoa(s.nextComment), Language: in.Language, Version: in.Version, ReplyTo: in.ReplyTo,
		By: in.Actor.MemberID, Text: in.Text, At: now, Status: "open"}
	s.st.Comments = append(s.st.Comments, c)
	s.audit(in.Actor.MemberID, "statement.comment", "comment/"+c.ID, map[string]any{
		"comment_id": c.ID, "language": c.Language, "version": c.Version, "reply_to": c.ReplyTo,
	})
	s.effects = append(s.effects, effect{participation: &ParticipationInput{
		MemberID: in.Actor.MemberID, Kind: domain.ActivityComment, At: now, Ref: WorkflowID(s.in.StatementID) + "/comment/" + c.ID,
	}})
	return c
}

func (s *statement) validateResolve(_ time.Time, in ResolveCommentInput) error {
	c := s.findComment(in.CommentID)
	if c == nil {
		return temporal.NewApplicationError("no such comment", workflows.ErrNotFound)
	}
	if !s.isPenholder(c.Language, in.Actor.MemberID) {
		return process.Forbidden("only the penholders of the " + c.Language + " group answer its comments")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !s.drafting() {
		return process.InvalidState("the final text is published: comments are settled")
	}
	switch in.Status {
	case CommentIncorporated, CommentAnswered, CommentNotAdopted:
	default:
		return process.InvalidInput("status must be incorporated, answered or not_adopted")
	}
	return process.CheckText("reply", in.Reply, maxStComment)
}

func (s *statement) resolve(now time.Time, in ResolveCommentInput) {
	c := s.findComment(in.CommentID)
	c.Status, c.Reply, c.ResolvedBy, c.ResolvedAt = in.Status, in.Reply, in.Actor.MemberID, &now
	s.audit(in.Actor.MemberID, "statement.comment_resolved", "resolved/"+c.ID+"/"+now.Format(time.RFC3339Nano), map[string]any{
		"comment_id": c.ID, "status": c.Status,
	})
}

func (s *statement) validateConsolidate(now time.Time, in ConsolidateInput) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !slices.ContainsFunc(s.st.Languages, func(l string) bool { return s.isPenholder(l, in.Actor.MemberID) }) {
		return process.Forbidden("only penholders publish the final text")
	}
	// The clock, not the status, decides: the validator may run before
	// the main loop has seen the period end.
	switch p := s.period(); {
	case p == nil:
		return process.InvalidState("a member comment period must be held on a published draft first")
	case now.Before(p.Closes):
		return process.InvalidState("the comment period is still running until " + p.Closes.Format(time.RFC3339))
	case !s.drafting():
		return process.InvalidState("the final text is already published")
	}
	var open []string
	notAdopted := false
	for _, c := range s.st.Comments {
		switch c.Status {
		case CommentNotAdopted:
			notAdopted = true
		case CommentIncorporated, CommentAnswered:
		default:
			open = append(open, c.ID)
		}
	}
	if len(open) > 0 {
		return process.InvalidState("comments are still unanswered: " + strings.Join(open, ", "))
	}
	for _, l := range s.st.Languages {
		if err := process.CheckText("texts."+l, in.Texts[l], MaxDraftBytes); err != nil {
			return err
		}
	}
	for l := range in.Texts {
		if s.group(l) == nil {
			return process.InvalidInput("texts: the statement has no " + strconv.Quote(l) + " group")
		}
	}
	if len(in.DivergentViews) > MaxDraftBytes {
		return process.InvalidInput(fmt.Sprintf("divergent_views is longer than %d bytes", MaxDraftBytes))
	}
	if notAdopted && strings.TrimSpace(in.DivergentViews) == "" {
		return process.InvalidInput("divergent_views is required: some comments were not adopted")
	}
	return nil
}

func (s *statement) consolidate(now time.Time, in ConsolidateInput) {
	c := &Consolidation{Texts: map[string]string{}, DivergentViews: strings.TrimSpace(in.DivergentViews), NotAdopted: []string{},
		By: in.Actor.MemberID, At: now}
	for _, l := range s.st.Languages {
		c.Texts[l] = FinalText(l, in.Texts[l], c.DivergentViews)
	}
	for _, cm := range s.st.Comments {
		if cm.Status == CommentNotAdopted {
			c.NotAdopted = append(c.NotAdopted, cm.ID)
		}
	}
	s.st.Consolidation = c
	round := len(s.st.Ratifications) + 1
	s.st.Ratifications = append(s.st.Ratifications, Ratification{Round: round, ObjectionEnds: now.Add(s.in.Rules.ObjectionWindow.D()),
		Objections: []Objection{}, Roll: []workflows.ElectionRollEntry{}, Voted: []workflows.Voted{}})
	hashes := map[string]string{}
	for l, t := range c.Texts {
		hashes[l] = TextHash(t)
	}
	s.audit(in.Actor.MemberID, "statement.consolidated", "consolidated/"+strconv.Itoa(round), map[string]any{
		"round": round, "sha256": hashes, "not_adopted": c.NotAdopted, "objection_window_ends": now.Add(s.in.Rules.ObjectionWindow.D()),
	})
}

func (s *statement) validateObject(now time.Time, in ObjectInput) error {
	if strings.TrimSpace(in.Actor.MemberID) == "" {
		return process.Forbidden("only members object")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	r := s.current()
	if r == nil || r.Result != nil || r.VoteOpens != nil || !now.Before(r.ObjectionEnds) {
		return process.InvalidState("no consensus call is open")
	}
	if slices.ContainsFunc(r.Objections, func(o Objection) bool { return o.By == in.Actor.MemberID }) {
		return process.InvalidState("you have already objected")
	}
	return process.CheckText("reason", in.Reason, maxStShort)
}

func (s *statement) object(now time.Time, in ObjectInput) {
	r := s.current()
	r.Objections = append(r.Objections, Objection{By: in.Actor.MemberID, Reason: in.Reason, At: now})
	s.audit(in.Actor.MemberID, "statement.objection", "objection/"+strconv.Itoa(r.Round)+"/"+in.Actor.MemberID,
		map[string]any{"round": r.Round, "reason": in.Reason})
}

func (s *statement) validateBallot(now time.Time, in BallotInput) error {
	if strings.TrimSpace(in.Actor.MemberID) == "" {
		return process.Forbidden("only members vote")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	r := s.current()
	if r == nil || r.Result != nil || r.VoteOpens == nil || !r.RollFrozen || !now.Before(*r.VoteCloses) {
		return process.InvalidState("no ratification vote is open")
	}
	if in.CastByALSID != in.ALSID {
		return process.Forbidden("an ALS representative votes only for their own ALS")
	}
	if !slices.ContainsFunc(r.Roll, func(e workflows.ElectionRollEntry) bool { return e.ALSID == in.ALSID }) {
		return process.Forbidden("ALS " + in.ALSID + " is not on the roll")
	}
	switch in.Vote {
	case domain.VoteYes, domain.VoteNo, domain.VoteAbstain:
	default:
		return process.InvalidInput("vote must be yes, no or abstain")
	}
	return nil
}

func (s *statement) ballot(now time.Time, in BallotInput, receipt string) workflows.BallotReceipt {
	r := s.current()
	b := domain.Ballot{Receipt: receipt, ALSID: in.ALSID, At: now}
	if in.Vote == domain.VoteAbstain {
		b.Abstain = true
	} else {
		b.Choice = in.Vote
	}
	s.ballots = append(s.ballots, b)
	if i := slices.IndexFunc(r.Voted, func(v workflows.Voted) bool { return v.ALSID == in.ALSID }); i >= 0 {
		r.Voted[i].At = now
	} else {
		r.Voted = append(r.Voted, workflows.Voted{Seat: "ratification", Round: r.Round, ALSID: in.ALSID, At: now})
	}
	s.audit(in.Actor.MemberID, "statement.ballot", "ballot/"+receipt, map[string]any{"round": r.Round, "als_id": in.ALSID, "receipt": receipt})
	return workflows.BallotReceipt{Receipt: receipt, Seat: "ratification", Round: r.Round, ALSID: in.ALSID, At: now}
}

func (s *statement) validateSubmit(_ time.Time, in SubmitInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff record the submission")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !in.AsDraft && !s.ratified() {
		return process.InvalidState("the statement is not ratified: submit it as a draft (as_draft) or wait for ratification")
	}
	if !validURL(in.URL) {
		return process.InvalidInput("url must be an http or https URL")
	}
	if in.SubmittedAt.IsZero() {
		return process.InvalidInput("submitted_at is required")
	}
	if len(in.Texts) == 0 && s.st.Consolidation == nil {
		return process.InvalidInput("texts are required: no final text was consolidated")
	}
	for l, t := range in.Texts {
		if s.group(l) == nil {
			return process.InvalidInput("texts: the statement has no " + strconv.Quote(l) + " group")
		}
		if err := process.CheckText("texts."+l, t, MaxDraftBytes); err != nil {
			return err
		}
	}
	return nil
}

func (s *statement) submit(now time.Time, in SubmitInput) {
	texts := process.CloneMap(in.Texts)
	if len(texts) == 0 {
		texts = process.CloneMap(s.st.Consolidation.Texts)
	}
	s.st.Submission = &Submission{URL: strings.TrimSpace(in.URL), SubmittedAt: in.SubmittedAt.UTC(), Texts: texts,
		AsDraft: in.AsDraft, By: in.Actor.MemberID, At: now}
	s.refresh(now)
	s.effects = append(s.effects, effect{audit: &workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: stProcess, ObjectID: s.in.StatementID, Action: "statement.submitted",
		Details: s.public(), Audience: "public", IdemKey: s.idemKey("submitted"),
	}})
	s.notify("submitted", "statement.submitted", s.penholders(), workflows.AudienceAllMembers, nil)
}

func (s *statement) validateDecline(_ time.Time, in DeclineInput) error {
	if !process.IsStaff(in.Actor.Roles) && !in.Leadership {
		return process.Forbidden("only staff or the leadership decline to comment")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	return process.CheckText("reason", in.Reason, maxStShort)
}

func (s *statement) decline(now time.Time, in DeclineInput) {
	s.st.Declined = &Decline{By: in.Actor.MemberID, Reason: in.Reason, At: now}
	s.effects = append(s.effects, effect{audit: &workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: stProcess, ObjectID: s.in.StatementID, Action: "statement.declined",
		Details: map[string]any{"proceeding": s.in.Proceeding, "reason": in.Reason}, Audience: "public", IdemKey: s.idemKey("declined"),
	}})
}

func (s *statement) validateCloseDate(now time.Time, in CloseDateInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.Forbidden("only staff record a new ICANN close date")
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if !in.ClosesAt.After(now) {
		return process.InvalidInput("closes_at must be in the future")
	}
	if in.ClosesAt.Equal(s.in.Proceeding.ClosesAt) {
		return process.InvalidInput("closes_at is already ICANN's close date")
	}
	return process.CheckText("reason", in.Reason, maxStShort)
}

// moveCloseDate records ICANN's new close date. The reminders and the
// deadline alert are re-armed: those still ahead of the new date go out
// (again) at their time, under keys of their own.
func (s *statement) moveCloseDate(now time.Time, in CloseDateInput) {
	change := CloseDateChange{From: s.in.Proceeding.ClosesAt, To: in.ClosesAt.UTC(), Reason: in.Reason, By: in.Actor.MemberID, At: now}
	s.st.CloseDateChanges = append(s.st.CloseDateChanges, change)
	s.in.Proceeding.ClosesAt = change.To
	s.st.Proceeding.ClosesAt = change.To
	for _, d := range s.in.Rules.RemindersBeforeClose {
		if change.To.Add(-d.D()).After(now) {
			delete(s.reminderDone, process.Label(d.D()))
		}
	}
	s.st.DeadlineAlerted = nil
	step := "close_date" + s.closeDateSuffix()
	s.audit(in.Actor.MemberID, "statement.close_date_changed", step, map[string]any{
		"from": change.From, "to": change.To, "reason": change.Reason,
	})
	s.notify(step, "statement.close_date_changed", process.Set(append(s.penholders(), s.in.StaffIDs...)), "",
		map[string]any{"due": change.To, "previous": change.From, "reason": change.Reason})
}

// Effects.

// audit queues an audit entry; statements are open to every member.
func (s *statement) audit(actor, action, step string, details map[string]any) {
	s.effects = append(s.effects, effect{audit: &workflows.AuditInput{
		Actor: actor, Process: stProcess, ObjectID: s.in.StatementID, Action: action, Details: details,
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
		Process: stProcess, ObjectID: s.in.StatementID, Step: step, Event: event,
		MemberIDs: process.Set(to), Audience: audience, Data: data,
	}})
}

func (s *statement) idemKey(step string) string {
	return WorkflowID(s.in.StatementID) + "/" + step
}

// flush runs the queued effects in order, then brings the cases index up
// to date. Failures are logged: the workflow's state is the record.
func (s *statement) flush(ctx workflow.Context) {
	for len(s.effects) > 0 {
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
	idx := workflows.CaseIndex{ID: s.in.StatementID, Process: stProcess, Status: s.st.Status, Title: s.st.Title,
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
