// Package workflows is what ralo's processes share: the task queue, the
// actor of a transition, the links between processes (appeals and their
// rulings), deadlines and durations as documents show them, the Notify
// workflow and the inputs of the audit, outbox and cases-index activities,
// and the vote's roll and receipts (voting.go).
//
// Each process lives in its own package below (ethics, arbitration,
// election, statement, meeting) on the engine in workflows/process. This
// package imports no process package and does no I/O.
package workflows

import (
	"time"

	"github.com/lacralo/ralo/workflows/process"
)

// TaskQueue is the single task queue every ralo worker polls.
const TaskQueue = "ralo"

// Activity names, registered by the worker from the Activities struct's
// methods; workflows call them by name so that this package does not import
// the activities (which do I/O).
const (
	ActivityEnqueueNotifications = "EnqueueNotifications"
	ActivityDeliverEmail         = "DeliverEmail"
	ActivityMarkEmailFailed      = "MarkEmailFailed"
	ActivityRecordAudit          = "RecordAudit"
	ActivityRecordAudits         = "RecordAudits"
	// ActivityRecordStatementParticipation counts a comment or a draft on
	// a policy statement for the ALS of the member who made it,
	// ParticipationInput.
	ActivityRecordStatementParticipation = "RecordStatementParticipation"
	// ActivityOpenAppeal opens the arbitration case that hears an appeal
	// of an ethics decision, OpenAppealInput. It is idempotent (the
	// arbitration's ID derives from the ethics case's), so the ethics
	// case retries it until it succeeds.
	ActivityOpenAppeal = "OpenAppeal"
	// ActivityRecordContest records on an election the arbitration that
	// contests its certified result, RecordContestInput. It is idempotent
	// (an arbitration already recorded is a success), so the arbitration
	// retries it until it succeeds; a contest the election refuses, or
	// an election that is closed or unknown, fails for good with
	// ErrContestRefused.
	ActivityRecordContest = "RecordContest"
)

// RecordContestInput names the election whose result an arbitration
// contests, and the arbitration.
type RecordContestInput struct {
	ElectionID    string `json:"election_id"`
	ArbitrationID string `json:"arbitration_id"`
}

// ErrContestRefused is the error type of a contest that the election will
// never record: retrying cannot change the answer.
const ErrContestRefused = "ContestRefused"

// OpenAppealInput is what the arbitration hearing an appeal of an ethics
// decision needs from the ethics case. FiledBy is the party who appealed.
// The activity keeps an anonymous complainant anonymous: not listed as a
// party, and shown as "system" when they are the one who appealed.
type OpenAppealInput struct {
	EthicsCaseID  string `json:"ethics_case_id"`
	Reason        string `json:"reason"`
	RespondentID  string `json:"respondent_id"`
	ComplainantID string `json:"complainant_id"`
	Anonymous     bool   `json:"anonymous"`
	FiledBy       string `json:"filed_by"`
}

// AppealArbitrationID is the ID of the arbitration case that hears an
// appeal of the ethics case ethicsCaseID.
func AppealArbitrationID(ethicsCaseID string) string { return "arb_appeal_" + ethicsCaseID }

// Attachment is a file attached to a notification (an iCalendar invitation).
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// NotifyInput asks for one event to be emailed to some members, each in their
// preferred language. Process, ObjectID and Step make the idempotency key
// together with the recipient: the same step never emails the same person
// twice.
type NotifyInput struct {
	Process   string   `json:"process"`
	ObjectID  string   `json:"object_id"`
	Step      string   `json:"step"`
	Event     string   `json:"event"`
	MemberIDs []string `json:"member_ids"`
	// Audience adds a whole group, resolved from the registry when the
	// messages are written: AudienceAllMembers or AudienceStaff. Lists too
	// long for a workflow's history (every member of the region) go here.
	Audience string         `json:"audience,omitempty"`
	Data     map[string]any `json:"data"`
	// Names fills data keys with the names of the members they list,
	// joined, read from the registry when the messages are written: a
	// workflow knows members by ID, an email names them.
	Names       map[string][]string `json:"names,omitempty"`
	Attachments []Attachment        `json:"attachments,omitempty"`
}

// Audiences of a notification, beyond the members it names.
const (
	AudienceAllMembers = "all_members"
	AudienceStaff      = "staff"
	// AudiencePositionPrefix, followed by a position's name, is the
	// current holders of that position (AudiencePosition).
	AudiencePositionPrefix = "position:"
)

// AudiencePosition is the audience of the current holders of a position
// (the ALAC chair), resolved when the messages are written.
func AudiencePosition(position string) string { return AudiencePositionPrefix + position }

// NotifyWorkflowID is the business key of a notification.
func NotifyWorkflowID(in NotifyInput) string {
	return "notify/" + in.Process + "/" + in.ObjectID + "/" + in.Step
}

// QueuedEmail is one outbox message written for a notification.
type QueuedEmail struct {
	OutboxID string `json:"outbox_id"`
	// Deliver is false when no SMTP server is configured: the message stays
	// in the outbox.
	Deliver bool `json:"deliver"`
}

// EnqueueResult lists the messages written.
type EnqueueResult struct {
	Emails []QueuedEmail `json:"emails"`
}

// DeliverInput names the outbox message to send.
type DeliverInput struct {
	OutboxID string `json:"outbox_id"`
}

// MarkFailedInput records why a message could not be delivered.
type MarkFailedInput struct {
	OutboxID string `json:"outbox_id"`
	Reason   string `json:"reason"`
}

// AuditInput is an audit entry written by a workflow. IdemKey (workflow ID
// and step) makes the append idempotent across activity retries.
type AuditInput struct {
	Actor    string   `json:"actor"`
	Process  string   `json:"process"`
	ObjectID string   `json:"object_id"`
	Action   string   `json:"action"`
	Details  any      `json:"details"`
	Audience string   `json:"audience"`
	Members  []string `json:"members"`
	IdemKey  string   `json:"idem_key"`
}

// AuditResult returns the hash of the entry written, which rulings cite.
type AuditResult struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Deadline is an upcoming deadline of a process, as documents show it.
type Deadline struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// ActivitySaveCase keeps a process's row in the cases index in step with
// the workflow, so listings and access checks see timer-driven changes too.
const ActivitySaveCase = "SaveCase"

// CaseIndex is a process instance's row in the cases index.
type CaseIndex struct {
	ID        string   `json:"id"`
	Process   string   `json:"process"`
	Status    string   `json:"status"`
	Title     string   `json:"title"`
	CreatedBy string   `json:"created_by"`
	Members   []string `json:"members"`
	// Projected says that Tasks is written (even empty): what each member
	// must do in the case now, and by when, so that the dashboard reads
	// the index instead of asking every open case's workflow. A process
	// that writes no tasks leaves it false.
	Projected bool       `json:"projected,omitempty"`
	Tasks     []CaseTask `json:"tasks,omitempty"`
}

// CaseTask is one member's next act in a case, as its workflow sees it.
type CaseTask struct {
	MemberID string     `json:"member_id"`
	Action   string     `json:"action"`
	Due      *time.Time `json:"due,omitempty"`
}

// Task actions a process writes (the dashboard's actions).
const (
	TaskScreen     = "screen"     // admit or dismiss a complaint
	TaskRespond    = "respond"    // answer a complaint as its respondent
	TaskDeliberate = "deliberate" // vote on the committee's decision
	TaskAppeal     = "appeal"     // a party may appeal the decision
)

// Error types of refused updates, as process.Forbidden and the others
// write them; the service layer maps them in its one error table.
const (
	ErrForbidden    = process.ErrForbidden    // the caller may not do this (403)
	ErrInvalidState = process.ErrInvalidState // not allowed in the current state (409)
	ErrInvalidInput = process.ErrInvalidInput // invalid fields (422)
	ErrNotFound     = process.ErrNotFound     // the caller may not know the object (404)
)

// Actor is who asks for a transition, as the API authenticated them; the
// validators check both the role and the relation to the case.
type Actor struct {
	MemberID string   `json:"member_id"`
	Roles    []string `json:"roles"`
}

// AppealRef names the decision under appeal: an ethics case or an election.
type AppealRef struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Kinds of decision an arbitration may hear on appeal; the kind is also the
// prefix of the linked workflow's ID.
const (
	AppealKindEthics   = "ethics"
	AppealKindElection = "election"
)

// Ruling outcomes. An appeal upholds, overturns or modifies the decision
// under appeal; a question of interpretation is decided; either may be
// dismissed.
const (
	RulingUphold    = "uphold"
	RulingOverturn  = "overturn"
	RulingModify    = "modify"
	RulingDismissed = "dismissed"
	RulingDecided   = "decided"
)

// AppealRuling is the payload of SignalAppealRuling.
type AppealRuling struct {
	ArbitrationID string   `json:"arbitration_id"`
	Outcome       string   `json:"outcome"`
	Text          string   `json:"text"`
	Articles      []string `json:"articles"`
}

// SignalAppealRuling is sent, with an AppealRuling, to the ethics case or
// election whose decision was under appeal once the ruling is recorded.
// It is a signal because the arbitration must close whatever the linked
// process does with it.
const SignalAppealRuling = "appeal_ruling"

// AppealTargetID is the workflow ID of the process whose decision an
// arbitration hears on appeal: the appeal's kind is the prefix of the
// linked workflow's ID.
func AppealTargetID(ref AppealRef) string { return ref.Kind + "/" + ref.ID }
