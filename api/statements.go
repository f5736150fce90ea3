package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"
	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/statement"
)

const statementProcess = "statement"

// leadershipPositions may open and decline statements besides staff.
var leadershipPositions = []string{"chair", "secretariat"}

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

// ReasonRequest carries a reason (objections, declining).
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// StatementBallotRequest is an ALS's ratification ballot.
type StatementBallotRequest struct {
	ALSID string `json:"als_id"`
	Vote  string `json:"vote"`
}

// SubmitRequest records the submission to ICANN; submitted_at defaults to
// now and texts to the consolidated final texts.
type SubmitRequest struct {
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

// penholderDoc is a penholder with their skills from the directory (the
// skills a member made public; staff and the member see them all).
type penholderDoc struct {
	Language string   `json:"language"`
	MemberID string   `json:"member_id"`
	Name     string   `json:"name"`
	Skills   []string `json:"skills"`
}

// statementDoc is a statement as the API shows it: the live workflow state
// with its ID under "id" and the penholders' skills.
type statementDoc struct {
	ID string `json:"id"`
	statement.State
	Penholders []penholderDoc `json:"penholders"`
}

func (s *Server) isLeadership(ctx context.Context, memberID string) (bool, error) {
	positions, err := s.store.ListPositions(ctx, store.Now())
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(positions, func(p store.Position) bool {
		return p.HolderID != nil && *p.HolderID == memberID && slices.Contains(leadershipPositions, p.Position)
	}), nil
}

// checkLeadership lets staff and holders of a leadership position through.
func (s *Server) checkLeadership(c echo.Context) (bool, error) {
	p := principal(c)
	if p.IsStaff() {
		return false, nil
	}
	lead, err := s.isLeadership(c.Request().Context(), p.ID)
	if err != nil {
		return false, err
	}
	if !lead {
		return false, errStatus(http.StatusForbidden, "only staff or the chair and secretariat open or decline statements")
	}
	return true, nil
}

func (s *Server) createStatement(c echo.Context) error {
	if _, err := s.checkLeadership(c); err != nil {
		return err
	}
	var req StatementRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
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
	kind := cmpOr(req.Kind, statement.KindStatement)
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
		return invalid(fields)
	}
	staff, err := s.staffIDs(ctx)
	if err != nil {
		return err
	}
	reminders := make([]time.Duration, 0, len(pol.RemindersBeforeClose))
	for _, r := range pol.RemindersBeforeClose {
		reminders = append(reminders, r.D())
	}
	p := principal(c)
	in := statement.Input{
		StatementID: store.NewID("stm"),
		Proceeding: statement.Proceeding{Title: strings.TrimSpace(req.Proceeding.Title), URL: strings.TrimSpace(req.Proceeding.URL),
			ClosesAt: closes},
		Kind: kind, Languages: langs, Topic: strings.TrimSpace(req.Topic),
		Rules: statement.Rules{
			CommentPeriod: pol.CommentPeriod.D(), ObjectionWindow: pol.ObjectionWindow.D(), VotePeriod: pol.VotePeriod.D(),
			RemindersBeforeClose: reminders, Quorum: s.policy.Election.Quorum, Extension: s.policy.Election.Extension,
			Weighting: string(s.policy.Election.Weighting),
		},
		StaffIDs: staff, CreatedBy: p.ID, CreatedAt: store.Now(),
	}
	if err := in.Validate(); err != nil {
		return workflowError(err)
	}
	if err := s.store.SaveCase(ctx, store.Case{ID: in.StatementID, Process: statementProcess, Status: statement.StatusDrafting,
		Title: in.Proceeding.Title, CreatedBy: p.ID}); err != nil {
		return err
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: statement.WorkflowID(in.StatementID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, statement.WorkflowName, in); err != nil {
		return err
	}
	var st statement.State
	if err := s.queryNew(c, statement.WorkflowID(in.StatementID), statement.Query, &st); err != nil {
		return err
	}
	doc, err := s.statementDoc(c, in.StatementID, st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, doc)
}

// statement loads a statement; every member may see every statement.
func (s *Server) statement(c echo.Context) (string, statement.State, error) {
	cs, err := s.store.GetCase(c.Request().Context(), statementProcess, c.Param("id"))
	if err != nil {
		return "", statement.State{}, err
	}
	var st statement.State
	err = s.query(c, statement.WorkflowID(cs.ID), statement.Query, &st)
	return cs.ID, st, err
}

// statementID finds a statement in the cases index (404 when unknown).
// Transitions need nothing more: the workflow's validators check who may
// act and when, so they do not read the whole state first.
func (s *Server) statementID(c echo.Context) (string, error) {
	cs, err := s.store.GetCase(c.Request().Context(), statementProcess, c.Param("id"))
	return cs.ID, err
}

// statementDoc adds the penholders' skills from the directory.
func (s *Server) statementDoc(c echo.Context, id string, st statement.State) (statementDoc, error) {
	var ids []string
	for _, g := range st.Groups {
		ids = append(ids, g.Penholders...)
	}
	members, err := s.store.MembersByID(c.Request().Context(), ids)
	if err != nil {
		return statementDoc{}, err
	}
	p := principal(c)
	doc := statementDoc{ID: id, State: st, Penholders: []penholderDoc{}}
	for _, g := range st.Groups {
		for _, mid := range g.Penholders {
			m := members[mid]
			d := penholderDoc{Language: g.Language, MemberID: mid, Name: m.Name, Skills: []string{}}
			if m.SkillsPublic || p.IsStaff() || p.ID == mid {
				d.Skills = append(d.Skills, m.Skills...)
			}
			doc.Penholders = append(doc.Penholders, d)
		}
	}
	return doc, nil
}

func (s *Server) listStatements(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	cases, err := s.store.ListCases(c.Request().Context(), statementProcess, "", limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases)
}

func (s *Server) getStatement(c echo.Context) error {
	id, st, err := s.statement(c)
	if err != nil {
		return err
	}
	doc, err := s.statementDoc(c, id, st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

// statementUpdate sends an update and answers with the statement document.
func (s *Server) statementUpdate(c echo.Context, id, update string, in any) error {
	var out statement.State
	if err := s.update(c, statement.WorkflowID(id), update, in, &out); err != nil {
		return err
	}
	doc, err := s.statementDoc(c, id, out)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

func (s *Server) addPenholders(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req PenholdersRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p := principal(c)
	if !p.IsStaff() && (len(req.MemberIDs) != 1 || req.MemberIDs[0] != p.ID) {
		return errStatus(http.StatusForbidden, "a member volunteers only themself; staff assign others")
	}
	members, err := s.store.MembersByID(c.Request().Context(), req.MemberIDs)
	if err != nil {
		return err
	}
	for _, mid := range req.MemberIDs {
		if _, ok := members[mid]; !ok {
			return invalid(map[string]string{"member_ids": "no member with ID " + mid})
		}
	}
	return s.statementUpdate(c, id, statement.UpdatePenholders,
		statement.PenholdersInput{Actor: workflowActor(p), Language: req.Language, MemberIDs: req.MemberIDs})
}

func (s *Server) addDraft(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req DraftRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := statement.DraftInput{Actor: workflowActor(principal(c)), Language: req.Language, Text: req.Text,
		TranslationOf: req.TranslationOf, OpenComments: req.OpenComments}
	var v statement.DraftVersion
	if err := s.update(c, statement.WorkflowID(id), statement.UpdateDraft, in, &v); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// versionText reads one version of a language group's draft; an unknown
// group or version is a 404.
func (s *Server) versionText(c echo.Context, id string, st statement.State, lang string, n int) (statement.DraftVersionText, error) {
	i := slices.IndexFunc(st.Groups, func(g statement.LanguageGroup) bool { return g.Language == lang })
	if i < 0 || n < 1 || n > len(st.Groups[i].Versions) {
		return statement.DraftVersionText{}, errNotFound
	}
	v, err := s.temporal.QueryWorkflow(c.Request().Context(), statement.WorkflowID(id), "", statement.QueryVersion,
		statement.VersionRef{Language: lang, Version: n})
	if err != nil {
		return statement.DraftVersionText{}, workflowError(err)
	}
	var out statement.DraftVersionText
	return out, v.Get(&out)
}

func (s *Server) getDraftVersion(c echo.Context) error {
	id, st, err := s.statement(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		return errNotFound
	}
	v, err := s.versionText(c, id, st, c.Param("lang"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// draftDiff is a unified diff between two versions of a language group.
type draftDiff struct {
	Language string `json:"language"`
	From     int    `json:"from"`
	To       int    `json:"to"`
	Diff     string `json:"diff"`
}

func (s *Server) diffDrafts(c echo.Context) error {
	id, st, err := s.statement(c)
	if err != nil {
		return err
	}
	from, errFrom := strconv.Atoi(c.QueryParam("from"))
	to, errTo := strconv.Atoi(c.QueryParam("to"))
	if errFrom != nil || errTo != nil {
		return invalid(map[string]string{"from": "from and to are version numbers", "to": "from and to are version numbers"})
	}
	lang := c.Param("lang")
	a, err := s.versionText(c, id, st, lang, from)
	if err != nil {
		return err
	}
	b, err := s.versionText(c, id, st, lang, to)
	if err != nil {
		return err
	}
	label := func(n int) string { return lang + "/v" + strconv.Itoa(n) }
	return c.JSON(http.StatusOK, draftDiff{Language: lang, From: from, To: to, Diff: udiff.Unified(label(from), label(to), a.Text, b.Text)})
}

func (s *Server) addComment(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req CommentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in := statement.CommentInput{Actor: workflowActor(principal(c)), Language: req.Language, Version: req.Version, Text: req.Text, ReplyTo: req.ReplyTo}
	var out statement.Comment
	if err := s.update(c, statement.WorkflowID(id), statement.UpdateComment, in, &out); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) resolveComment(c echo.Context) error {
	id, st, err := s.statement(c)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(st.Comments, func(x statement.Comment) bool { return x.ID == c.Param("cid") }) {
		return errNotFound
	}
	var req ResolutionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.statementUpdate(c, id, statement.UpdateResolveComment, statement.ResolveCommentInput{
		Actor: workflowActor(principal(c)), CommentID: c.Param("cid"), Status: req.Status, Reply: req.Reply})
}

func (s *Server) consolidateStatement(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req ConsolidateRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.statementUpdate(c, id, statement.UpdateConsolidate, statement.ConsolidateInput{
		Actor: workflowActor(principal(c)), Texts: req.Texts, DivergentViews: req.DivergentViews})
}

func (s *Server) objectStatement(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req ReasonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.statementUpdate(c, id, statement.UpdateObject, statement.ObjectInput{
		Actor: workflowActor(principal(c)), Reason: req.Reason})
}

// castStatementBallot checks who casts: an als_rep of that very ALS (a
// ratification vote takes no proxies) whose voting rights are not
// suspended. The workflow checks the roll and the vote.
func (s *Server) castStatementBallot(c echo.Context) error {
	// No read of the statement's state first: ballots would queue behind
	// one another; the workflow checks the roll and the vote.
	cs, err := s.store.GetCase(c.Request().Context(), statementProcess, c.Param("id"))
	if err != nil {
		return err
	}
	var req StatementBallotRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, own, err := s.voter(c)
	if err != nil {
		return err
	}
	if own != req.ALSID {
		return errStatus(http.StatusForbidden, "only a representative of the ALS casts its ballot")
	}
	in := statement.BallotInput{Actor: workflowActor(p), ALSID: req.ALSID, CastByALSID: own, Vote: req.Vote}
	var r workflows.BallotReceipt
	if err := s.update(c, statement.WorkflowID(cs.ID), statement.UpdateBallot, in, &r); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (s *Server) submitStatement(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req SubmitRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	at := store.Now()
	if req.SubmittedAt != nil {
		at = req.SubmittedAt.UTC()
	}
	return s.statementUpdate(c, id, statement.UpdateSubmit, statement.SubmitInput{
		Actor: workflowActor(principal(c)), URL: req.URL, SubmittedAt: at, Texts: req.Texts, AsDraft: req.AsDraft})
}

func (s *Server) moveStatementCloseDate(c echo.Context) error {
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req CloseDateRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.ClosesAt == nil {
		return invalid(map[string]string{"closes_at": "is required"})
	}
	return s.statementUpdate(c, id, statement.UpdateCloseDate, statement.CloseDateInput{
		Actor: workflowActor(principal(c)), ClosesAt: req.ClosesAt.UTC(), Reason: req.Reason})
}

func (s *Server) declineStatement(c echo.Context) error {
	lead, err := s.checkLeadership(c)
	if err != nil {
		return err
	}
	id, err := s.statementID(c)
	if err != nil {
		return err
	}
	var req ReasonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.statementUpdate(c, id, statement.UpdateDecline, statement.DeclineInput{
		Actor: workflowActor(principal(c)), Reason: req.Reason, Leadership: lead})
}

// publicStatement publishes a submitted statement without a token; any
// other statement is unknown to the public.
func (s *Server) publicStatement(c echo.Context) error {
	cs, err := s.store.GetCase(c.Request().Context(), statementProcess, c.Param("id"))
	if err != nil {
		return err
	}
	if cs.Status != statement.StatusSubmitted {
		return errNotFound
	}
	var pub statement.Public
	if err := s.query(c, statement.WorkflowID(cs.ID), statement.QueryPublic, &pub); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pub)
}

// agendaItem is an open statement on the agenda.
type agendaItem struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	Topic     string    `json:"topic,omitempty"`
	TopicRank *int      `json:"topic_rank"`
	ClosesAt  time.Time `json:"closes_at"`
}

// agendaDoc is the open statements in the order of the priorities survey.
type agendaDoc struct {
	SurveyID   *string      `json:"survey_id"`
	Statements []agendaItem `json:"statements"`
}

// agenda orders the open statements by the rank of their topic in the
// latest closed priorities survey (statements without a ranked topic come
// after), then by ICANN's close date.
func (s *Server) agenda(c echo.Context) error {
	ctx := c.Request().Context()
	cases, err := s.store.ListCases(ctx, statementProcess, "", 1000)
	if err != nil {
		return err
	}
	rank := map[string]int{}
	doc := agendaDoc{Statements: []agendaItem{}}
	sv, ok, err := s.store.LatestClosedSurvey(ctx, store.Now())
	if err != nil {
		return err
	}
	if ok {
		res, err := s.store.SurveyResults(ctx, sv)
		if err != nil {
			return err
		}
		for _, r := range res {
			rank[r.Topic] = r.Rank
		}
		doc.SurveyID = &sv.ID
	}
	for _, cs := range cases {
		if cs.Status == statement.StatusSubmitted || cs.Status == statement.StatusDeclined {
			continue
		}
		var st statement.State
		if err := s.query(c, statement.WorkflowID(cs.ID), statement.Query, &st); err != nil {
			s.log.WarnContext(ctx, "agenda: statement not readable", "id", cs.ID, "err", err)
			continue
		}
		if st.Status == statement.StatusSubmitted || st.Status == statement.StatusDeclined {
			continue
		}
		item := agendaItem{ID: cs.ID, Title: st.Title, Status: st.Status, Topic: st.Topic, ClosesAt: st.Proceeding.ClosesAt}
		if r, ok := rank[st.Topic]; ok && st.Topic != "" {
			item.TopicRank = &r
		}
		doc.Statements = append(doc.Statements, item)
	}
	slices.SortStableFunc(doc.Statements, func(a, b agendaItem) int {
		switch {
		case a.TopicRank != nil && b.TopicRank == nil:
			return -1
		case a.TopicRank == nil && b.TopicRank != nil:
			return 1
		case a.TopicRank != nil && *a.TopicRank != *b.TopicRank:
			return *a.TopicRank - *b.TopicRank
		}
		if d := a.ClosesAt.Compare(b.ClosesAt); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	return c.JSON(http.StatusOK, doc)
}

// surveyDoc is a survey with its respondents and, once closed, its
// results (before, interim results would sway the answers).
type surveyDoc struct {
	store.Survey
	Status      string        `json:"status"`
	Respondents int64         `json:"respondents"`
	Results     []surveyScore `json:"results"`
}

// surveyScore is a topic's place in the results.
type surveyScore struct {
	Topic       string  `json:"topic"`
	Rank        int     `json:"rank"`
	Points      float64 `json:"points"`
	Respondents int     `json:"respondents"`
}

func (s *Server) surveyDoc(ctx context.Context, sv store.Survey) (surveyDoc, error) {
	doc := surveyDoc{Survey: sv, Status: "open", Results: []surveyScore{}}
	n, err := s.store.SurveyRespondents(ctx, sv.ID)
	if err != nil {
		return surveyDoc{}, err
	}
	doc.Respondents = n
	if !sv.Closed(store.Now()) {
		return doc, nil
	}
	doc.Status = "closed"
	res, err := s.store.SurveyResults(ctx, sv)
	if err != nil {
		return surveyDoc{}, err
	}
	for _, r := range res {
		doc.Results = append(doc.Results, surveyScore{Topic: r.Topic, Rank: r.Rank, Points: r.Points, Respondents: r.Respondents})
	}
	return doc, nil
}

func (s *Server) createSurvey(c echo.Context) error {
	var in store.SurveyInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	sv, err := s.store.CreateSurvey(ctx, store.Actor{MemberID: principal(c).ID}, in, string(s.policy.Statements.SurveyWeighting))
	if err != nil {
		return err
	}
	doc, err := s.surveyDoc(ctx, sv)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, doc)
}

func (s *Server) listSurveys(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.store.ListSurveys(ctx)
	if err != nil {
		return err
	}
	out := make([]surveyDoc, 0, len(list))
	for _, sv := range list {
		doc, err := s.surveyDoc(ctx, sv)
		if err != nil {
			return err
		}
		out = append(out, doc)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getSurvey(c echo.Context) error {
	ctx := c.Request().Context()
	sv, err := s.store.GetSurvey(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	doc, err := s.surveyDoc(ctx, sv)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

func (s *Server) rankSurvey(c echo.Context) error {
	var req struct {
		Ranking []string `json:"ranking"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	r, err := s.store.RankSurvey(c.Request().Context(), c.Param("id"), principal(c).Member, req.Ranking, store.Now())
	if errors.Is(err, store.ErrConflict) {
		return conflict(strings.TrimPrefix(err.Error(), store.ErrConflict.Error()+": "))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (s *Server) statementRoutes() []route {
	const tag = "statements"
	const base = "/api/v1/statements"
	post := func(path, summary, request, response string, h echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: base + "/:id/" + path, access: authenticated, handler: h,
			tag: tag, summary: summary, request: request, response: response}
	}
	return []route{
		{method: http.MethodPost, path: base, access: authenticated, creates: true, emails: true, handler: s.createStatement,
			tag: tag, summary: "Open a statement from an ICANN proceeding (staff, chair or secretariat)", request: "StatementRequest", response: "Statement", status: http.StatusCreated},
		{method: http.MethodGet, path: base, access: authenticated, handler: s.listStatements,
			tag: tag, summary: "Policy statements", response: "[]Case"},
		{method: http.MethodGet, path: base + "/agenda", access: authenticated, handler: s.agenda,
			tag: tag, summary: "Open statements, ordered by the latest priorities survey, then ICANN's close date", response: "StatementAgenda"},
		{method: http.MethodPost, path: base + "/surveys", access: staffOnly, creates: true, handler: s.createSurvey,
			tag: tag, summary: "Open a priorities survey of policy topics (staff)", request: "SurveyRequest", response: "Survey", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/surveys", access: authenticated, handler: s.listSurveys,
			tag: tag, summary: "Priorities surveys, the latest to close first", response: "[]Survey"},
		{method: http.MethodGet, path: base + "/surveys/:id", access: authenticated, handler: s.getSurvey,
			tag: tag, summary: "One survey; results once it has closed", response: "Survey"},
		{method: http.MethodPost, path: base + "/surveys/:id/rankings", access: authenticated, handler: s.rankSurvey,
			tag: tag, summary: "Rank the survey's topics, most important first (any member; the last ranking counts)", request: "RankingRequest", response: "SurveyRanking", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/:id", access: authenticated, handler: s.getStatement,
			tag: tag, summary: "One statement, live: groups with version metadata, comments, ratification", response: "Statement"},
		post("penholders", "Volunteer as a penholder (a member, themself) or assign penholders (staff)", "PenholdersRequest", "Statement", s.addPenholders),
		creating(route{method: http.MethodPost, path: base + "/:id/drafts", access: authenticated, handler: s.addDraft,
			tag: tag, summary: "Add a version to a language group's draft (its penholders); open_comments opens the member comment period on it",
			request: "DraftRequest", response: "DraftVersion", status: http.StatusCreated}),
		{method: http.MethodGet, path: base + "/:id/drafts/:lang/versions/:n", access: authenticated, handler: s.getDraftVersion,
			tag: tag, summary: "One version of a language group's draft, with its text", response: "DraftVersionText"},
		{method: http.MethodGet, path: base + "/:id/drafts/:lang/diff", access: authenticated, handler: s.diffDrafts,
			tag: tag, summary: "Unified diff between two versions (?from=1&to=3)", response: "DraftDiff"},
		creating(route{method: http.MethodPost, path: base + "/:id/comments", access: authenticated, handler: s.addComment,
			tag: tag, summary: "Comment on a version open for comments, or reply to a comment (any member)",
			request: "CommentRequest", response: "Comment", status: http.StatusCreated}),
		post("comments/:cid/resolution", "Mark a comment incorporated, answered or not_adopted, with a reply (the group's penholders)", "ResolutionRequest", "Statement", s.resolveComment),
		post("consolidate", "Publish the final texts with the divergent views and open the consensus call (penholders)", "ConsolidateRequest", "Statement", s.consolidateStatement),
		post("objections", "Object to the consensus, with a reason (any member)", "ReasonRequest", "Statement", s.objectStatement),
		{method: http.MethodPost, path: base + "/:id/ballots", access: authenticated, creates: true, handler: s.castStatementBallot,
			tag: tag, summary: "Cast or replace an ALS's ratification ballot (its als_rep); the last counts", request: "StatementBallotRequest", response: "BallotReceipt", status: http.StatusCreated},
		{method: http.MethodPost, path: base + "/:id/submit", access: staffOnly, handler: s.submitStatement,
			tag: tag, summary: "Record the submission to ICANN (staff)", request: "SubmitRequest", response: "Statement"},
		{method: http.MethodPost, path: base + "/:id/close-date", access: staffOnly, handler: s.moveStatementCloseDate,
			tag: tag, summary: "Record a new ICANN close date, as when ICANN grants an extension (staff); the reminders and the deadline alert follow it",
			request: "CloseDateRequest", response: "Statement"},
		post("decline", "Record a decision not to comment, with its reason (staff, chair or secretariat)", "ReasonRequest", "Statement", s.declineStatement),
		{method: http.MethodGet, path: "/api/v1/public/statements/:id", access: public, handler: s.publicStatement,
			tag: "public", summary: "A submitted statement: texts, divergent views, vote result", response: "StatementPublic"},
	}
}

// statementSchemas documents the bodies of the statement routes.
func statementSchemas() obj {
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	number := obj{"type": "number"}
	textMap := obj{"type": "object", "additionalProperties": str(""), "description": "language -> text"}
	version := object(obj{"language": str(""), "version": integer, "author": str("member ID"), "created_at": dateTime(""),
		"translation_of": nullable(object(obj{"language": str(""), "version": integer})), "sha256": str(""), "size": integer,
		"opened_comments": boolean}, "language", "version")
	comment := object(obj{"id": str(""), "language": str(""), "version": integer, "reply_to": str(""), "by": str(""), "text": str(""),
		"at": dateTime(""), "status": strEnum("", "open", "incorporated", "answered", "not_adopted"), "reply": str(""),
		"resolved_by": str(""), "resolved_at": nullable(dateTime(""))}, "id", "status")
	result := object(obj{"outcome": strEnum("", "ratified", "rejected"), "by_consensus": boolean, "yes": number, "no": number,
		"yes_ballots": integer, "no_ballots": integer, "abstentions": integer,
		"quorum":  nullable(object(obj{"required": integer, "cast": integer, "met": boolean, "extended": boolean})),
		"ballots": arrayOf(object(obj{"receipt": str(""), "als_id": str(""), "vote": strEnum("", "yes", "no", "abstain")})), "at": dateTime("")})
	proceeding := object(obj{"title": str(""), "url": str(""), "closes_at": dateTime("ICANN's close date")}, "title", "url", "closes_at")
	submission := object(obj{"url": str(""), "submitted_at": dateTime(""), "texts": textMap, "as_draft": boolean, "by": str(""), "at": dateTime("")})
	survey := object(obj{"id": str(""), "title": str(""), "topics": arrayOf(str("")), "closes_at": dateTime(""),
		"weighting": strEnum("policy.survey_weighting when opened", "member", "national"), "status": strEnum("", "open", "closed"),
		"respondents": integer, "results": arrayOf(object(obj{"topic": str(""), "rank": integer, "points": number, "respondents": integer}))},
		"id", "status")
	return obj{
		"StatementRequest": object(obj{"proceeding": proceeding, "kind": strEnum("default statement", "statement", "advice", "interaction"),
			"languages": arrayOf(str("default policy.languages")), "topic": str("a priorities survey topic")}, "proceeding"),
		"Statement": object(obj{"id": str(""), "statement_id": str(""), "title": str(""), "proceeding": proceeding, "kind": str(""),
			"languages": arrayOf(str("")), "topic": str(""),
			"status":       strEnum("", "drafting", "comments", "consolidation", "consensus", "voting", "ratified", "submitted", "declined"),
			"groups":       arrayOf(object(obj{"language": str(""), "penholders": arrayOf(str("")), "versions": arrayOf(version), "latest": integer})),
			"translations": arrayOf(object(obj{"languages": arrayOf(str("")), "latest": arrayOf(integer), "in_step": boolean})),
			"out_of_step":  obj{"type": "boolean", "description": "two groups' latest versions are not translations of one another"},
			"penholders":   arrayOf(object(obj{"language": str(""), "member_id": str(""), "name": str(""), "skills": arrayOf(str("from the skills directory"))})),
			"comment_periods": arrayOf(object(obj{"opens": dateTime(""), "closes": dateTime(""), "opened_by": str(""),
				"versions": arrayOf(object(obj{"language": str(""), "version": integer}))})),
			"comments": arrayOf(comment),
			"consolidation": nullable(object(obj{"texts": textMap, "divergent_views": str(""), "not_adopted": arrayOf(str("comment IDs")),
				"by": str(""), "at": dateTime("")})),
			"ratifications": arrayOf(object(obj{"round": integer, "objection_ends": dateTime(""), "objections": arrayOf(obj{"type": "object"}),
				"vote_opens": nullable(dateTime("")), "vote_closes": nullable(dateTime("")), "extended": boolean,
				"roll": arrayOf(obj{"type": "object"}), "roll_frozen": boolean, "voted": arrayOf(obj{"type": "object"}), "result": nullable(result)})),
			"submission":     nullable(submission),
			"declined":       nullable(object(obj{"by": str(""), "reason": str(""), "at": dateTime("")})),
			"reminders_sent": arrayOf(str("")), "deadline_alert_at": nullable(dateTime("when ratification stops fitting before ICANN's close date")),
			"deadline_alerted":   nullable(dateTime("")),
			"close_date_changes": arrayOf(object(obj{"from": dateTime(""), "to": dateTime(""), "reason": str(""), "by": str("member ID"), "at": dateTime("")})),
			"deadlines":          arrayOf(object(obj{"name": str(""), "at": dateTime("")}))},
			"id", "status", "deadlines"),
		"PenholdersRequest": object(obj{"language": str(""), "member_ids": arrayOf(str("yourself, or anyone (staff)"))}, "language", "member_ids"),
		"DraftRequest": object(obj{"language": str(""), "text": str("at most 200 KB"),
			"translation_of": object(obj{"language": str(""), "version": integer}), "open_comments": boolean}, "language", "text"),
		"DraftVersion":           version,
		"DraftVersionText":       object(obj{"language": str(""), "version": integer, "author": str(""), "sha256": str(""), "text": str("")}, "text"),
		"DraftDiff":              object(obj{"language": str(""), "from": integer, "to": integer, "diff": str("unified diff")}, "diff"),
		"CommentRequest":         object(obj{"language": str(""), "version": integer, "text": str(""), "reply_to": str("a comment ID")}, "language", "version", "text"),
		"Comment":                comment,
		"ResolutionRequest":      object(obj{"status": strEnum("", "incorporated", "answered", "not_adopted"), "reply": str("")}, "status", "reply"),
		"ConsolidateRequest":     object(obj{"texts": textMap, "divergent_views": str("required when a comment was not adopted")}, "texts"),
		"ReasonRequest":          object(obj{"reason": str("")}, "reason"),
		"StatementBallotRequest": object(obj{"als_id": str("your ALS"), "vote": strEnum("", "yes", "no", "abstain")}, "als_id", "vote"),
		"CloseDateRequest":       object(obj{"closes_at": dateTime("ICANN's new close date, in the future"), "reason": str("")}, "closes_at"),
		"SubmitRequest": object(obj{"url": str(""), "submitted_at": dateTime("default now"), "texts": textMap,
			"as_draft": obj{"type": "boolean", "description": "submit a text not ratified"}}, "url"),
		"StatementPublic": object(obj{"statement_id": str(""), "title": str(""), "proceeding": proceeding, "kind": str(""),
			"languages": arrayOf(str("")), "texts": textMap, "divergent_views": str(""), "ratification": nullable(result),
			"submission": submission, "status": str("")}, "statement_id", "texts", "submission"),
		"StatementAgenda": object(obj{"survey_id": nullable(str("the survey whose results order the agenda")),
			"statements": arrayOf(object(obj{"id": str(""), "title": str(""), "status": str(""), "topic": str(""),
				"topic_rank": nullable(integer), "closes_at": dateTime("")}))}, "statements"),
		"SurveyRequest":  object(obj{"title": str(""), "topics": arrayOf(str("")), "closes_at": dateTime("")}, "title", "topics", "closes_at"),
		"Survey":         survey,
		"RankingRequest": object(obj{"ranking": arrayOf(str("topics, most important first"))}, "ranking"),
		"SurveyRanking": object(obj{"survey_id": str(""), "member_id": str(""), "country": str(""), "ranking": arrayOf(str("")),
			"ranked_at": dateTime("")}),
	}
}

// mergeSchemas joins sets of schemas into one.
func mergeSchemas(sets ...obj) obj {
	out := obj{}
	for _, set := range sets {
		for name, schema := range set {
			out[name] = schema
		}
	}
	return out
}
