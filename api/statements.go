package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// statementProcess names policy statements in the cases index.
const statementProcess = "statement"

const statementsBase = "/api/v1/statements"

func statementLocation(d service.StatementDoc) string { return statementsBase + "/" + d.ID }

func surveyLocation(d service.SurveyDoc) string { return statementsBase + "/surveys/" + d.ID }

func draftLocation(d service.DraftCreated) string {
	return statementsBase + "/" + d.ID + "/drafts/" + d.Draft.Language + "/versions/" + strconv.Itoa(d.Draft.Version)
}

func commentLocation(c service.CommentCreated) string {
	return statementsBase + "/" + c.ID + "/comments/" + c.Comment.ID
}

func (s *Server) getDraftVersion(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		return errNotFound
	}
	v, err := s.svc.GetDraftVersion(c.Request().Context(), caller(c), c.Param("id"), c.Param("lang"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) diffDrafts(c echo.Context) error {
	from, errFrom := strconv.Atoi(c.QueryParam("from"))
	to, errTo := strconv.Atoi(c.QueryParam("to"))
	if errFrom != nil || errTo != nil {
		return invalid(map[string]string{"from": "from and to are version numbers", "to": "from and to are version numbers"})
	}
	d, err := s.svc.DiffDrafts(c.Request().Context(), caller(c), c.Param("id"), c.Param("lang"), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) getComment(c echo.Context) error {
	cm, err := s.svc.GetComment(c.Request().Context(), caller(c), c.Param("id"), c.Param("cid"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cm)
}

func (s *Server) resolveComment(c echo.Context) error {
	var req service.ResolutionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	doc, err := s.svc.ResolveComment(c.Request().Context(), caller(c), c.Param("id"), c.Param("cid"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

func (s *Server) statementRoutes() []route {
	const tag = "statements"
	const base = statementsBase
	svc := s.svc
	post := func(path, summary, request, response string, h echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: base + "/:id/" + path, access: authenticated, handler: h,
			tag: tag, summary: summary, request: request, response: response}
	}
	get := func(path, summary, response string, h echo.HandlerFunc) route {
		return route{method: http.MethodGet, path: base + path, access: authenticated, handler: h, tag: tag, summary: summary, response: response}
	}
	return []route{
		{method: http.MethodPost, path: base, access: authenticated, creates: true, emails: true, handler: handle(strictBody, withoutID(svc.OpenStatement), http.StatusCreated, statementLocation),
			tag: tag, summary: "Open a statement from an ICANN proceeding (staff, chair or secretariat)", request: "StatementRequest", response: "Statement", status: http.StatusCreated},
		get("", "Policy statements", "[]Case", list(svc.ListStatements)),
		get("/agenda", "Open statements, ordered by the latest priorities survey, then ICANN's close date", "StatementAgenda", read(ofAll(svc.StatementAgenda), http.StatusOK)),
		{method: http.MethodPost, path: base + "/surveys", access: staffOnly, creates: true, handler: handle(strictBody, withoutID(svc.CreateSurvey), http.StatusCreated, surveyLocation),
			tag: tag, summary: "Open a priorities survey of policy topics (staff)", request: "SurveyRequest", response: "Survey", status: http.StatusCreated},
		get("/surveys", "Priorities surveys, the latest to close first", "[]Survey", read(ofAll(svc.ListSurveys), http.StatusOK)),
		get("/surveys/:id", "One survey; results once it has closed", "Survey", read(svc.GetSurvey, http.StatusOK)),
		{method: http.MethodPost, path: base + "/surveys/:id/rankings", access: authenticated, handler: handle(strictBody, svc.RankSurvey, http.StatusCreated, nil),
			tag: tag, summary: "Rank the survey's topics, most important first (any member; the last ranking counts)", request: "RankingRequest", response: "SurveyRanking", status: http.StatusCreated},
		get("/:id", "One statement, live: groups with version metadata, comments, ratification", "Statement", read(svc.GetStatement, http.StatusOK)),
		post("penholders", "Volunteer as a penholder (a member, themself) or assign penholders (staff)", "PenholdersRequest", "Statement",
			handle(strictBody, svc.AddPenholders, http.StatusOK, nil)),
		creating(route{method: http.MethodPost, path: base + "/:id/drafts", access: authenticated, handler: handle(strictBody, svc.AddDraft, http.StatusCreated, draftLocation),
			tag: tag, summary: "Add a version to a language group's draft (its penholders); open_comments opens the member comment period on it. The answer is the statement with the new version under \"draft\" and its number under \"version\"",
			request: "DraftRequest", response: "StatementDraft", status: http.StatusCreated}),
		get("/:id/drafts/:lang/versions/:n", "One version of a language group's draft, with its text", "DraftVersionText", s.getDraftVersion),
		get("/:id/drafts/:lang/diff", "Unified diff between two versions (?from=1&to=3)", "DraftDiff", s.diffDrafts),
		creating(route{method: http.MethodPost, path: base + "/:id/comments", access: authenticated, handler: handle(strictBody, svc.AddComment, http.StatusCreated, commentLocation),
			tag: tag, summary: "Comment on a version open for comments, or reply to a comment (any member). The answer is the statement with the new comment under \"comment\"",
			request: "CommentRequest", response: "StatementComment", status: http.StatusCreated}),
		get("/:id/comments/:cid", "One comment and its resolution", "Comment", s.getComment),
		post("comments/:cid/resolution", "Mark a comment incorporated, answered or not_adopted, with a reply (the group's penholders)", "ResolutionRequest", "Statement", s.resolveComment),
		post("consolidate", "Publish the final texts with the divergent views and open the consensus call (each group's penholders write their own text; another group's is its latest version; staff write every text)", "ConsolidateRequest", "Statement",
			handle(strictBody, svc.ConsolidateStatement, http.StatusOK, nil)),
		post("objections", "Object to the consensus, with a reason (any member)", "ReasonRequest", "Statement",
			handle(strictBody, svc.ObjectToStatement, http.StatusOK, nil)),
		{method: http.MethodPost, path: base + "/:id/ballots", access: authenticated, creates: true, handler: handle(strictBody, svc.CastStatementBallot, http.StatusCreated, nil),
			tag: tag, summary: "Cast or replace an ALS's ratification ballot (its als_rep); the last counts", request: "StatementBallotRequest", response: "BallotReceipt", status: http.StatusCreated},
		{method: http.MethodPost, path: base + "/:id/submit", access: staffOnly, handler: handle(strictBody, svc.SubmitStatement, http.StatusOK, nil),
			tag: tag, summary: "Record the submission to ICANN (staff)", request: "SubmitRequest", response: "Statement"},
		{method: http.MethodPost, path: base + "/:id/close-date", access: staffOnly, handler: handle(strictBody, svc.MoveStatementCloseDate, http.StatusOK, nil),
			tag: tag, summary: "Record a new ICANN close date, as when ICANN grants an extension (staff); the reminders and the deadline alert follow it",
			request: "CloseDateRequest", response: "Statement"},
		post("decline", "Record a decision not to comment, with its reason (staff, chair or secretariat)", "ReasonRequest", "Statement",
			handle(strictBody, svc.DeclineStatement, http.StatusOK, nil)),
		{method: http.MethodGet, path: "/api/v1/public/statements/:id", access: public, handler: read(byID(svc.PublicStatement), http.StatusOK),
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
		"majority":  str("policy.ratification_majority when the statement opened (\"2/3\"): the share of the weighted yes+no the yes votes needed; abstentions count for the quorum only. Absent on a consensus and for statements opened before the rule (simple majority: yes > no)"),
		"threshold": obj{"type": "number", "description": "the weighted yes votes that majority made of this vote's yes+no (adopted when yes >= threshold and yes > no)"},
		"quorum":    nullable(object(obj{"required": integer, "cast": integer, "met": boolean, "extended": boolean})),
		"ballots":   arrayOf(object(obj{"receipt": str(""), "als_id": str(""), "vote": strEnum("", "yes", "no", "abstain")})), "at": dateTime("")})
	proceeding := object(obj{"title": str(""), "url": str(""), "closes_at": dateTime("ICANN's close date")}, "title", "url", "closes_at")
	submission := object(obj{"url": str(""), "submitted_at": dateTime(""), "texts": textMap, "as_draft": boolean, "by": str(""), "at": dateTime("")})
	survey := object(obj{"id": str(""), "title": str(""), "topics": arrayOf(str("")), "closes_at": dateTime(""),
		"weighting": strEnum("policy.survey_weighting when opened", "member", "national"), "status": strEnum("", "open", "closed"),
		"respondents": integer, "results": arrayOf(object(obj{"topic": str(""), "rank": integer, "points": number, "respondents": integer}))},
		"id", "status")
	period := obj{"type": "string", "example": "7d", "description": "a period in the policy's notation (14d, 36h, 90m)"}
	rules := object(obj{"comment_period": period, "objection_window": period, "vote_period": period,
		"reminders_before_close": arrayOf(period), "quorum": number, "extension": boolean, "weighting": strEnum("", "national", "equal")})
	stmt := obj{"id": str(""), "statement_id": str(""), "title": str(""), "proceeding": proceeding, "kind": str(""),
		"languages": arrayOf(str("")), "topic": str(""), "rules": rules,
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
		"deadlines":          arrayOf(object(obj{"name": str(""), "at": dateTime("")}))}
	return obj{
		"StatementRequest": object(obj{"proceeding": proceeding, "kind": strEnum("default statement", "statement", "advice", "interaction"),
			"languages": arrayOf(str("default policy.languages")), "topic": str("a priorities survey topic")}, "proceeding"),
		"Statement":         object(stmt, "id", "status", "deadlines"),
		"StatementDraft":    object(mergeSchemas(stmt, obj{"version": integer, "draft": version}), "id", "version", "draft"),
		"StatementComment":  object(mergeSchemas(stmt, obj{"comment": comment}), "id", "comment"),
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
