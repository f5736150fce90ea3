// Package statement is the policy statement process (SPEC process 4):
// the workflow that runs one statement from the ICANN proceeding it
// answers to its submission or decline — penholders and versioned drafts
// per language group, the member comment period, consolidation with the
// divergent views, ratification by consensus or by a weighted vote of the
// ALSes, reminders and the deadline alert before ICANN's close date.
//
// contract.go holds what the other layers use: the workflow's name and ID,
// its update and query names, its input, state and update input types;
// workflow.go the entry function, the main loop's hooks and the effects;
// transitions.go the validate/apply pair of each update; deadlines.go the
// pending deadlines and what each does when it falls due; view.go the
// copies that queries and updates answer with.
//
// It depends on the shared contract (package workflows), the engine
// (workflows/process), the pure rules (domain) and the Temporal SDK; never
// on another process package, and it does no I/O: the database, the
// outbox and the audit log are reached through activities.
package statement

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// WorkflowName is the name the Statement workflow is registered
// and started under.
const WorkflowName = "Statement"

// WorkflowID is the business key of a policy statement.
func WorkflowID(statementID string) string { return "statement/" + statementID }

// Update and query names of the policy statement process.
const (
	// UpdatePenholders adds penholders to a language group: staff
	// assign anyone, a member volunteers themself. PenholdersInput.
	UpdatePenholders = "penholders"
	// UpdateDraft appends a version to a language group's draft
	// (its penholders), DraftInput -> DraftVersion.
	UpdateDraft = "draft"
	// UpdateComment is a member's comment on a published version,
	// CommentInput -> Comment.
	UpdateComment = "comment"
	// UpdateResolveComment is a penholder's answer to a comment,
	// ResolveCommentInput.
	UpdateResolveComment = "resolve_comment"
	// UpdateConsolidate publishes the final texts and opens the
	// consensus call, ConsolidateInput.
	UpdateConsolidate = "consolidate"
	// UpdateObject objects to the consensus, ObjectInput.
	UpdateObject = "object"
	// UpdateBallot casts or replaces an ALS's ratification ballot,
	// BallotInput -> BallotReceipt.
	UpdateBallot = "ballot"
	// UpdateSubmit records the submission to ICANN (staff),
	// SubmitInput.
	UpdateSubmit = "submit"
	// UpdateDecline records a decision not to comment, DeclineInput.
	UpdateDecline = "decline"
	// UpdateCloseDate records a new ICANN close date (staff), as
	// when ICANN grants the extension the deadline alert asked for,
	// CloseDateInput.
	UpdateCloseDate = "close_date"

	// Query returns the State: drafts as version
	// metadata, without their texts.
	Query = "state"
	// QueryVersion returns one version with its text,
	// VersionRef -> DraftVersionText.
	QueryVersion = "version"
	// QueryPublic returns the public record once submitted, and
	// an ErrNotFound error before.
	QueryPublic = "public"
)

// Statuses of a statement, as State.Status reports them.
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
	processName = "statement"
	system      = "system"

	// MaxDraftBytes caps one draft version and one final text: the texts
	// live in the workflow's state and history.
	MaxDraftBytes = 200_000
	// maxDraftTotal caps all the versions of a statement together, which
	// keeps its history well under Temporal's limits; long annexes belong
	// in links.
	maxDraftTotal = 5_000_000
	// Comments are in the state every query returns, which must stay
	// under the 2 MB payload limit.
	maxComment  = 4_000
	maxComments = 300
	// From version participantCapsSince one member writes at most
	// maxCommentsPerMember comments and maxDraftBytesPerAuthor bytes of
	// drafts, so that no one member can fill the statement's caps above
	// against the others.
	maxCommentsPerMember   = 20
	maxDraftBytesPerAuthor = 1_000_000
	maxShort               = 2_000
)

// Proceeding is the ICANN public comment proceeding a statement answers.
type Proceeding struct {
	Title    string    `json:"title"`
	URL      string    `json:"url"`
	ClosesAt time.Time `json:"closes_at"`
}

// Rules are the policy's periods, and the election's vote rules
// the ratification reuses, copied when the statement opens.
type Rules struct {
	CommentPeriod        workflows.Duration   `json:"comment_period"`
	ObjectionWindow      workflows.Duration   `json:"objection_window"`
	VotePeriod           workflows.Duration   `json:"vote_period"`
	RemindersBeforeClose []workflows.Duration `json:"reminders_before_close"`
	Quorum               float64              `json:"quorum"`
	Extension            bool                 `json:"extension"`
	Weighting            string               `json:"weighting"`
	// RatificationMajority is the share of the weighted yes+no votes the
	// vote needs (policy.ratification_majority, "2/3"), copied when the
	// statement opens so that it keeps the rule it started with. Empty in
	// statements opened before the rule: a simple majority.
	RatificationMajority string `json:"ratification_majority,omitempty"`
	// MaxBallotChanges is how many times an ALS may replace its
	// ratification ballot per round (policy election.max_ballot_changes);
	// zero: DefaultMaxBallotChanges.
	MaxBallotChanges int `json:"max_ballot_changes,omitempty"`
}

// DefaultMaxBallotChanges is the ballot budget of a statement whose rules
// name none.
const DefaultMaxBallotChanges = 10

// Input opens a statement.
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
	// HistoryBound is the number of history events after which a run
	// continues as new (zero: process.DefaultHistoryBound).
	HistoryBound int `json:"history_bound,omitempty"`
	// Carried is the whole state of the run this one continues; nil when
	// the statement opens.
	Carried *Carried `json:"carried,omitempty"`
}

// Validate reports the input's problems as an ErrInvalidInput error.
func (in Input) Validate() error {
	var problems []string
	if strings.TrimSpace(in.StatementID) == "" {
		problems = append(problems, "statement_id is required")
	}
	if err := process.CheckText("proceeding.title", in.Proceeding.Title, maxShort); err != nil {
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
	if r.RatificationMajority != "" {
		if _, err := domain.ParseMajority(r.RatificationMajority); err != nil {
			problems = append(problems, "rules.ratification_majority: "+err.Error())
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return temporal.NewNonRetryableApplicationError("invalid statement: "+strings.Join(problems, "; "), workflows.ErrInvalidInput, nil)
}

func validURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= maxShort
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

// ObjectInput objects to the consensus on the final text.
type ObjectInput struct {
	Actor  workflows.Actor `json:"actor"`
	Reason string          `json:"reason"`
}

// BallotInput is an ALS's ratification ballot; CastByALSID is the
// ALS of the representative who casts it, as the API established.
type BallotInput struct {
	Actor       workflows.Actor `json:"actor"`
	ALSID       string          `json:"als_id"`
	CastByALSID string          `json:"cast_by_als_id"`
	Vote        string          `json:"vote"`
}

// SubmitInput records the submission to ICANN. Texts default to
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

// Comment is a member's comment and its resolution.
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

// Objection is a member's objection to the consensus.
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
	Outcome     string  `json:"outcome"`
	ByConsensus bool    `json:"by_consensus"`
	Yes         float64 `json:"yes"`
	No          float64 `json:"no"`
	YesBallots  int     `json:"yes_ballots"`
	NoBallots   int     `json:"no_ballots"`
	Abstentions int     `json:"abstentions"`
	// Majority is the share of the weighted yes+no the vote needed ("2/3"),
	// Threshold the weighted yes votes that share made of this vote's
	// yes+no. Both are absent on a consensus and in statements opened
	// before policy.ratification_majority (a simple majority: yes > no).
	Majority  string                  `json:"majority,omitempty"`
	Threshold *float64                `json:"threshold,omitempty"`
	Quorum    *workflows.ResultQuorum `json:"quorum"`
	Ballots   []RatificationBallot    `json:"ballots"`
	Error     string                  `json:"error,omitempty"`
	At        time.Time               `json:"at"`
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

// Submission records what was submitted to ICANN.
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

// Decline records a decision not to comment.
type Decline struct {
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// State is a statement as the default query and every update
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

// Public is the public record of a submitted statement.
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
