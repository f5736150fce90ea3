package service

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/statement"
)

// statementProcess names policy statements in the cases index.
const statementProcess = "statement"

// Refusal codes of the statements' operations (Error.Code; the web's
// "refusal.<code>" messages), and the codes of their fields
// (Error.FieldCodes; the web's "field.<code>").
const (
	CodeStatementMembersOnly    = "statement.members_only"    // not a signed-in member
	CodeStatementLeadershipOnly = "statement.leadership_only" // neither staff nor the chair or secretariat
	CodeStatementVolunteerSelf  = "statement.volunteer_self"  // a member volunteers only themself
	CodeStatementRepOnly        = "statement.rep_only"        // only an ALS representative votes
	CodeStatementSuspended      = "statement.voting_suspended"
	CodeStatementOtherALS       = "statement.other_als" // a representative votes only for their ALS
	CodeSurveyStaffOnly         = "statement.survey_staff_only"
	CodeSurveyClosed            = "statement.survey_closed"
	FieldUnknownMember          = "statement.unknown_member" // field: no member with that ID
)

// statementLeaders may open and decline statements besides staff.
var statementLeaders = []string{"chair", "secretariat"}

// StatementRequest opens a statement from an ICANN public comment
// proceeding. Languages default to the policy's (`policy.languages`), kind
// to "statement"; topic names a priorities survey topic, which orders the
// agenda.
type StatementRequest struct {
	Proceeding ProceedingRequest `json:"proceeding"`
	Kind       string            `json:"kind"`
	Languages  []string          `json:"languages"`
	Topic      string            `json:"topic"`
}

// ProceedingRequest is the ICANN proceeding a statement answers.
type ProceedingRequest struct {
	Title    string     `json:"title"`
	URL      string     `json:"url"`
	ClosesAt *time.Time `json:"closes_at"`
}

// PenholdersRequest adds penholders to a language group.
type PenholdersRequest struct {
	Language  string   `json:"language"`
	MemberIDs []string `json:"member_ids"`
}

// DraftRequest appends a version to a language group's draft.
type DraftRequest struct {
	Language      string                    `json:"language"`
	Text          string                    `json:"text"`
	TranslationOf *statement.TranslationRef `json:"translation_of"`
	OpenComments  bool                      `json:"open_comments"`
}

// CommentRequest comments on a published version.
type CommentRequest struct {
	Language string `json:"language"`
	Version  int    `json:"version"`
	Text     string `json:"text"`
	ReplyTo  string `json:"reply_to"`
}

// ResolutionRequest answers a comment.
type ResolutionRequest struct {
	Status string `json:"status"`
	Reply  string `json:"reply"`
}

// ConsolidateRequest publishes the final texts.
type ConsolidateRequest struct {
	Texts          map[string]string `json:"texts"`
	DivergentViews string            `json:"divergent_views"`
}

// StatementReasonRequest carries a reason: an objection to the consensus,
// or the decision not to comment.
type StatementReasonRequest struct {
	Reason string `json:"reason"`
}

// StatementBallotRequest is an ALS's ratification ballot.
type StatementBallotRequest struct {
	ALSID string `json:"als_id"`
	Vote  string `json:"vote"`
}

// StatementSubmitRequest records the submission to ICANN; submitted_at
// defaults to now and texts to the consolidated final texts.
type StatementSubmitRequest struct {
	URL         string            `json:"url"`
	SubmittedAt *time.Time        `json:"submitted_at"`
	Texts       map[string]string `json:"texts"`
	AsDraft     bool              `json:"as_draft"`
}

// CloseDateRequest records the new close date ICANN set for the
// proceeding (an extension it granted).
type CloseDateRequest struct {
	ClosesAt *time.Time `json:"closes_at"`
	Reason   string     `json:"reason"`
}

// PenholderDoc is a penholder with their skills from the directory (the
// skills a member made public; staff and the member see them all).
type PenholderDoc struct {
	Language string   `json:"language"`
	MemberID string   `json:"member_id"`
	Name     string   `json:"name"`
	Skills   []string `json:"skills"`
}

// StatementDoc is a statement as members read it: the live workflow state
// with its ID under "id" and the penholders' skills.
type StatementDoc struct {
	ID string `json:"id"`
	statement.State
	Penholders []PenholderDoc `json:"penholders"`
}

// DraftCreated answers a new draft version: the statement, the version's
// number (as the answer always carried it) and the version under "draft".
type DraftCreated struct {
	StatementDoc
	Version int                    `json:"version"`
	Draft   statement.DraftVersion `json:"draft"`
}

// CommentCreated answers a new comment: the statement and the comment.
type CommentCreated struct {
	StatementDoc
	Comment statement.Comment `json:"comment"`
}

// DraftDiff is a unified diff between two versions of a language group.
type DraftDiff struct {
	Language string `json:"language"`
	From     int    `json:"from"`
	To       int    `json:"to"`
	Diff     string `json:"diff"`
}

// memberOnly refuses a caller who is not a signed-in member.
func memberOnly(a *Actor) error {
	if a == nil || a.ID == "" {
		return Forbidden("only members take part in policy statements").Coded(CodeStatementMembersOnly)
	}
	return nil
}

// statementLeadership lets staff through, and holders of a leadership
// position, which it reports.
func (s *Service) statementLeadership(ctx context.Context, a *Actor) (bool, error) {
	if err := memberOnly(a); err != nil {
		return false, err
	}
	if a.IsStaff() {
		return false, nil
	}
	positions, err := s.store.ListPositions(ctx, store.Now())
	if err != nil {
		return false, err
	}
	lead := slices.ContainsFunc(positions, func(p store.Position) bool {
		return p.HolderID != nil && *p.HolderID == a.ID && slices.Contains(statementLeaders, p.Position)
	})
	if !lead {
		return false, Forbidden("only staff or the chair and secretariat open or decline statements").Coded(CodeStatementLeadershipOnly)
	}
	return true, nil
}

// OpenStatement opens a statement from an ICANN proceeding (staff, chair
// or secretariat) and starts its workflow.
func (s *Service) OpenStatement(ctx context.Context, a *Actor, req StatementRequest) (StatementDoc, error) {
	if _, err := s.statementLeadership(ctx, a); err != nil {
		return StatementDoc{}, err
	}
	pol := s.policy.Statements
	fields := map[string]string{}
	if strings.TrimSpace(req.Proceeding.Title) == "" {
		fields["proceeding.title"] = "is required"
	}
	if strings.TrimSpace(req.Proceeding.URL) == "" {
		fields["proceeding.url"] = "is required"
	}
	closes := time.Time{}
	if req.Proceeding.ClosesAt == nil || !req.Proceeding.ClosesAt.After(store.Now()) {
		fields["proceeding.closes_at"] = "is required and must be in the future"
	} else {
		closes = req.Proceeding.ClosesAt.UTC()
	}
	langs := req.Languages
	if len(langs) == 0 {
		langs = slices.Clone(pol.Languages)
	}
	for _, l := range langs {
		if !slices.Contains(s.policy.Notifications.Languages, l) {
			fields["languages"] = "each must be one of " + strings.Join(s.policy.Notifications.Languages, ", ")
		}
	}
	if len(req.Topic) > 200 {
		fields["topic"] = "at most 200 characters"
	}
	if len(fields) > 0 {
		return StatementDoc{}, Invalid(fields)
	}
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return StatementDoc{}, err
	}
	reminders := make([]workflows.Duration, 0, len(pol.RemindersBeforeClose))
	for _, r := range pol.RemindersBeforeClose {
		reminders = append(reminders, workflows.Duration(r.D()))
	}
	kind := req.Kind
	if kind == "" {
		kind = statement.KindStatement
	}
	in := statement.Input{
		StatementID: store.NewID("stm"),
		Proceeding: statement.Proceeding{Title: strings.TrimSpace(req.Proceeding.Title), URL: strings.TrimSpace(req.Proceeding.URL),
			ClosesAt: closes},
		Kind: kind, Languages: langs, Topic: strings.TrimSpace(req.Topic),
		Rules: statement.Rules{
			CommentPeriod: workflows.Duration(pol.CommentPeriod.D()), ObjectionWindow: workflows.Duration(pol.ObjectionWindow.D()),
			VotePeriod: workflows.Duration(pol.VotePeriod.D()), RemindersBeforeClose: reminders,
			Quorum: s.policy.Election.Quorum, Extension: s.policy.Election.Extension, Weighting: string(s.policy.Election.Weighting),
			RatificationMajority: string(pol.RatificationMajority), MaxBallotChanges: s.policy.Election.MaxBallotChanges,
		},
		StaffIDs: staff, CreatedBy: a.ID, CreatedAt: store.Now(), HistoryBound: s.policy.Budgets.HistoryEvents,
	}
	if err := in.Validate(); err != nil {
		return StatementDoc{}, AsError(err)
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.StatementID, Process: statementProcess, Status: statement.StatusDrafting,
		Title: in.Proceeding.Title, CreatedBy: a.ID}); err != nil {
		return StatementDoc{}, err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: statement.WorkflowID(in.StatementID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, statement.WorkflowName, in); err != nil {
		return StatementDoc{}, err
	}
	var st statement.State
	if err := s.queryNew(ctx, statement.WorkflowID(in.StatementID), statement.Query, &st); err != nil {
		return StatementDoc{}, err
	}
	return s.statementDoc(ctx, a, in.StatementID, st)
}

// ListStatements lists the statements; every member sees every one.
func (s *Service) ListStatements(ctx context.Context, a *Actor, limit int) ([]store.Case, error) {
	if err := memberOnly(a); err != nil {
		return nil, err
	}
	return s.store.ListCases(ctx, statementProcess, "", limit)
}

// statementID finds a statement in the cases index (not found when
// unknown). Transitions need nothing more: the workflow's validators
// check who may act and when, so they do not read the whole state first.
func (s *Service) statementID(ctx context.Context, a *Actor, id string) (string, error) {
	if err := memberOnly(a); err != nil {
		return "", err
	}
	cs, err := s.store.GetCase(ctx, statementProcess, id)
	return cs.ID, err
}

// statementState reads a statement's live state.
func (s *Service) statementState(ctx context.Context, a *Actor, id string) (string, statement.State, error) {
	id, err := s.statementID(ctx, a, id)
	if err != nil {
		return "", statement.State{}, err
	}
	var st statement.State
	err = s.query(ctx, statement.WorkflowID(id), statement.Query, &st)
	return id, st, err
}

// GetStatement reads one statement, live.
func (s *Service) GetStatement(ctx context.Context, a *Actor, id string) (StatementDoc, error) {
	id, st, err := s.statementState(ctx, a, id)
	if err != nil {
		return StatementDoc{}, err
	}
	return s.statementDoc(ctx, a, id, st)
}

// statementDoc adds the penholders' skills from the directory.
func (s *Service) statementDoc(ctx context.Context, a *Actor, id string, st statement.State) (StatementDoc, error) {
	var ids []string
	for _, g := range st.Groups {
		ids = append(ids, g.Penholders...)
	}
	members, err := s.store.MembersByID(ctx, ids)
	if err != nil {
		return StatementDoc{}, err
	}
	st.Ratifications = slices.Clone(st.Ratifications)
	for i := range st.Ratifications {
		st.Ratifications[i].Voted = ballotChangesFor(a, st.Ratifications[i].Voted, st.Ratifications[i].Roll)
	}
	doc := StatementDoc{ID: id, State: st, Penholders: []PenholderDoc{}}
	for _, g := range st.Groups {
		for _, mid := range g.Penholders {
			m := members[mid]
			d := PenholderDoc{Language: g.Language, MemberID: mid, Name: m.Name, Skills: []string{}}
			if m.SkillsPublic || a.IsStaff() || a.ID == mid {
				d.Skills = append(d.Skills, m.Skills...)
			}
			doc.Penholders = append(doc.Penholders, d)
		}
	}
	return doc, nil
}

// statementUpdate sends a transition, which the workflow validates, and
// answers with the statement document it produced.
func (s *Service) statementUpdate(ctx context.Context, a *Actor, id, update string, in any) (StatementDoc, error) {
	id, err := s.statementID(ctx, a, id)
	if err != nil {
		return StatementDoc{}, err
	}
	var st statement.State
	if err := s.update(ctx, statement.WorkflowID(id), update, in, &st); err != nil {
		return StatementDoc{}, err
	}
	return s.statementDoc(ctx, a, id, st)
}

// statementCreate sends a transition that creates something (a version,
// a comment) into out, then reads the statement it is part of.
func (s *Service) statementCreate(ctx context.Context, a *Actor, id, update string, in, out any) (StatementDoc, error) {
	id, err := s.statementID(ctx, a, id)
	if err != nil {
		return StatementDoc{}, err
	}
	if err := s.update(ctx, statement.WorkflowID(id), update, in, out); err != nil {
		return StatementDoc{}, err
	}
	var st statement.State
	if err := s.query(ctx, statement.WorkflowID(id), statement.Query, &st); err != nil {
		return StatementDoc{}, err
	}
	return s.statementDoc(ctx, a, id, st)
}

// AddPenholders adds penholders to a language group: a member volunteers
// themself, staff assign anyone.
func (s *Service) AddPenholders(ctx context.Context, a *Actor, id string, req PenholdersRequest) (StatementDoc, error) {
	if err := memberOnly(a); err != nil {
		return StatementDoc{}, err
	}
	id, err := s.statementID(ctx, a, id)
	if err != nil {
		return StatementDoc{}, err
	}
	if !a.IsStaff() && (len(req.MemberIDs) != 1 || req.MemberIDs[0] != a.ID) {
		return StatementDoc{}, Forbidden("a member volunteers only themself; staff assign others").Coded(CodeStatementVolunteerSelf)
	}
	members, err := s.store.MembersByID(ctx, req.MemberIDs)
	if err != nil {
		return StatementDoc{}, err
	}
	for _, mid := range req.MemberIDs {
		if _, ok := members[mid]; !ok {
			return StatementDoc{}, InvalidCoded(map[string]string{"member_ids": "no member with ID " + mid},
				map[string]string{"member_ids": FieldUnknownMember})
		}
	}
	return s.statementUpdate(ctx, a, id, statement.UpdatePenholders,
		statement.PenholdersInput{Actor: a.Workflow(), Language: req.Language, MemberIDs: req.MemberIDs})
}

// AddDraft appends a version to a language group's draft (its
// penholders); open_comments opens the member comment period on it.
func (s *Service) AddDraft(ctx context.Context, a *Actor, id string, req DraftRequest) (DraftCreated, error) {
	if err := memberOnly(a); err != nil {
		return DraftCreated{}, err
	}
	in := statement.DraftInput{Actor: a.Workflow(), Language: req.Language, Text: req.Text,
		TranslationOf: req.TranslationOf, OpenComments: req.OpenComments}
	var v statement.DraftVersion
	doc, err := s.statementCreate(ctx, a, id, statement.UpdateDraft, in, &v)
	if err != nil {
		return DraftCreated{}, err
	}
	return DraftCreated{StatementDoc: doc, Version: v.Version, Draft: v}, nil
}

// GetDraftVersion reads one version of a language group's draft, with its
// text; an unknown group or version is not found.
func (s *Service) GetDraftVersion(ctx context.Context, a *Actor, id, lang string, n int) (statement.DraftVersionText, error) {
	id, st, err := s.statementState(ctx, a, id)
	if err != nil {
		return statement.DraftVersionText{}, err
	}
	return s.versionText(ctx, id, st, lang, n)
}

func (s *Service) versionText(ctx context.Context, id string, st statement.State, lang string, n int) (statement.DraftVersionText, error) {
	i := slices.IndexFunc(st.Groups, func(g statement.LanguageGroup) bool { return g.Language == lang })
	if i < 0 || n < 1 || n > len(st.Groups[i].Versions) {
		return statement.DraftVersionText{}, NotFound()
	}
	v, err := s.temporal.QueryWorkflow(ctx, statement.WorkflowID(id), "", statement.QueryVersion,
		statement.VersionRef{Language: lang, Version: n})
	if err != nil {
		return statement.DraftVersionText{}, s.workflowError(ctx, statement.WorkflowID(id), err)
	}
	var out statement.DraftVersionText
	return out, v.Get(&out)
}

// DiffDrafts is the unified diff between two versions of a language
// group's draft.
func (s *Service) DiffDrafts(ctx context.Context, a *Actor, id, lang string, from, to int) (DraftDiff, error) {
	id, st, err := s.statementState(ctx, a, id)
	if err != nil {
		return DraftDiff{}, err
	}
	x, err := s.versionText(ctx, id, st, lang, from)
	if err != nil {
		return DraftDiff{}, err
	}
	y, err := s.versionText(ctx, id, st, lang, to)
	if err != nil {
		return DraftDiff{}, err
	}
	label := func(n int) string { return lang + "/v" + strconv.Itoa(n) }
	return DraftDiff{Language: lang, From: from, To: to, Diff: udiff.Unified(label(from), label(to), x.Text, y.Text)}, nil
}

// AddComment comments on a version open for comments, or replies to a
// comment (any member).
func (s *Service) AddComment(ctx context.Context, a *Actor, id string, req CommentRequest) (CommentCreated, error) {
	if err := memberOnly(a); err != nil {
		return CommentCreated{}, err
	}
	in := statement.CommentInput{Actor: a.Workflow(), Language: req.Language, Version: req.Version, Text: req.Text, ReplyTo: req.ReplyTo}
	var c statement.Comment
	doc, err := s.statementCreate(ctx, a, id, statement.UpdateComment, in, &c)
	if err != nil {
		return CommentCreated{}, err
	}
	return CommentCreated{StatementDoc: doc, Comment: c}, nil
}

// GetComment reads one comment of a statement.
func (s *Service) GetComment(ctx context.Context, a *Actor, id, commentID string) (statement.Comment, error) {
	_, st, err := s.statementState(ctx, a, id)
	if err != nil {
		return statement.Comment{}, err
	}
	i := slices.IndexFunc(st.Comments, func(x statement.Comment) bool { return x.ID == commentID })
	if i < 0 {
		return statement.Comment{}, NotFound()
	}
	return st.Comments[i], nil
}

// ResolveComment marks a comment incorporated, answered or not_adopted,
// with a reply (the group's penholders).
func (s *Service) ResolveComment(ctx context.Context, a *Actor, id, commentID string, req ResolutionRequest) (StatementDoc, error) {
	if err := memberOnly(a); err != nil {
		return StatementDoc{}, err
	}
	return s.statementUpdate(ctx, a, id, statement.UpdateResolveComment, statement.ResolveCommentInput{
		Actor: a.Workflow(), CommentID: commentID, Status: req.Status, Reply: req.Reply})
}

// ConsolidateStatement publishes the final texts with the divergent views
// and opens the consensus call (penholders).
func (s *Service) ConsolidateStatement(ctx context.Context, a *Actor, id string, req ConsolidateRequest) (StatementDoc, error) {
	if err := memberOnly(a); err != nil {
		return StatementDoc{}, err
	}
	return s.statementUpdate(ctx, a, id, statement.UpdateConsolidate, statement.ConsolidateInput{
		Actor: a.Workflow(), Texts: req.Texts, DivergentViews: req.DivergentViews})
}

// ObjectToStatement objects to the consensus, with a reason (any member).
func (s *Service) ObjectToStatement(ctx context.Context, a *Actor, id string, req StatementReasonRequest) (StatementDoc, error) {
	if err := memberOnly(a); err != nil {
		return StatementDoc{}, err
	}
	return s.statementUpdate(ctx, a, id, statement.UpdateObject, statement.ObjectInput{Actor: a.Workflow(), Reason: req.Reason})
}

// CastStatementBallot casts or replaces an ALS's ratification ballot: an
// als_rep of that very ALS (a ratification vote takes no proxies) whose
// voting rights are not suspended. The workflow checks the roll and the
// vote; the statement's state is not read first, so that ballots do not
// queue behind one another.
func (s *Service) CastStatementBallot(ctx context.Context, a *Actor, id string, req StatementBallotRequest) (workflows.BallotReceipt, error) {
	if err := memberOnly(a); err != nil {
		return workflows.BallotReceipt{}, err
	}
	id, err := s.statementID(ctx, a, id)
	if err != nil {
		return workflows.BallotReceipt{}, err
	}
	if !a.Has(store.RoleALSRep) || a.ALSID == nil {
		return workflows.BallotReceipt{}, Forbidden("only an ALS representative casts an ALS's ballot").Coded(CodeStatementRepOnly)
	}
	suspended, err := s.store.VotingSuspended(ctx, a.ID, store.Now())
	if err != nil {
		return workflows.BallotReceipt{}, err
	}
	if suspended {
		return workflows.BallotReceipt{}, Forbidden("your voting rights are suspended by an ethics decision").Coded(CodeStatementSuspended)
	}
	if *a.ALSID != req.ALSID {
		return workflows.BallotReceipt{}, Forbidden("only a representative of the ALS casts its ballot").Coded(CodeStatementOtherALS, "ALS", req.ALSID)
	}
	in := statement.BallotInput{Actor: a.Workflow(), ALSID: req.ALSID, CastByALSID: *a.ALSID, Vote: req.Vote}
	var r workflows.BallotReceipt
	err = s.update(ctx, statement.WorkflowID(id), statement.UpdateBallot, in, &r)
	return r, err
}

// SubmitStatement records the submission to ICANN (staff).
func (s *Service) SubmitStatement(ctx context.Context, a *Actor, id string, req StatementSubmitRequest) (StatementDoc, error) {
	if err := memberOnly(a); err != nil {
		return StatementDoc{}, err
	}
	at := store.Now()
	if req.SubmittedAt != nil {
		at = req.SubmittedAt.UTC()
	}
	return s.statementUpdate(ctx, a, id, statement.UpdateSubmit, statement.SubmitInput{
		Actor: a.Workflow(), URL: req.URL, SubmittedAt: at, Texts: req.Texts, AsDraft: req.AsDraft})
}

// MoveStatementCloseDate records a new ICANN close date, as when ICANN
// grants an extension (staff); the reminders and the deadline alert
// follow it.
func (s *Service) MoveStatementCloseDate(ctx context.Context, a *Actor, id string, req CloseDateRequest) (StatementDoc, error) {
	if err := memberOnly(a); err != nil {
		return StatementDoc{}, err
	}
	if req.ClosesAt == nil {
		return StatementDoc{}, InvalidCoded(map[string]string{"closes_at": "is required"}, map[string]string{"closes_at": "required"}) // the shared "field.required"
	}
	return s.statementUpdate(ctx, a, id, statement.UpdateCloseDate, statement.CloseDateInput{
		Actor: a.Workflow(), ClosesAt: req.ClosesAt.UTC(), Reason: req.Reason})
}

// DeclineStatement records a decision not to comment, with its reason
// (staff, chair or secretariat).
func (s *Service) DeclineStatement(ctx context.Context, a *Actor, id string, req StatementReasonRequest) (StatementDoc, error) {
	lead, err := s.statementLeadership(ctx, a)
	if err != nil {
		return StatementDoc{}, err
	}
	return s.statementUpdate(ctx, a, id, statement.UpdateDecline, statement.DeclineInput{
		Actor: a.Workflow(), Reason: req.Reason, Leadership: lead})
}

// StatementPublic is the public record of a submitted statement.
type StatementPublic = statement.Public

// PublicStatement is the public record of a submitted statement, read
// without signing in; any other statement is unknown to the public.
func (s *Service) PublicStatement(ctx context.Context, id string) (StatementPublic, error) {
	cs, err := s.store.GetCase(ctx, statementProcess, id)
	if err != nil {
		return statement.Public{}, err
	}
	if cs.Status != statement.StatusSubmitted {
		return statement.Public{}, NotFound()
	}
	var pub statement.Public
	err = s.query(ctx, statement.WorkflowID(cs.ID), statement.QueryPublic, &pub)
	return pub, err
}
