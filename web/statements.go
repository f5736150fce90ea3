package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/workflows/statement"
)

// Policy statement pages: the list, one statement with its language groups
// side by side, a line-numbered diff between two versions, and a form per
// transition (penholder, version, comment, resolution, consolidation,
// objection, ratification ballot, submission). Handlers bind → service →
// 303 back, or the page with the refusal and the input kept.
func (w *Web) statementRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /statements", w.statements)
	mux.HandleFunc("GET /statements/new", w.statementNew)
	mux.HandleFunc("POST /statements", w.statementCreate)
	mux.HandleFunc("GET /priorities", w.surveys)
	mux.HandleFunc("POST /priorities", w.surveyCreate)
	mux.HandleFunc("GET /priorities/{id}", w.survey)
	mux.HandleFunc("POST /priorities/{id}", w.surveyRank)
	mux.HandleFunc("GET /statements/{id}", w.statementDetail)
	mux.HandleFunc("GET /statements/{id}/diff", w.statementDiff)
	mux.HandleFunc("POST /statements/{id}/penholders", w.statementPenholder)
	mux.HandleFunc("POST /statements/{id}/drafts", w.statementDraft)
	mux.HandleFunc("POST /statements/{id}/comments", w.statementComment)
	mux.HandleFunc("POST /statements/{id}/comments/{cid}/resolve", w.statementResolve)
	mux.HandleFunc("POST /statements/{id}/consolidate", w.statementConsolidate)
	mux.HandleFunc("POST /statements/{id}/objections", w.statementObject)
	mux.HandleFunc("POST /statements/{id}/ballots", w.statementBallot)
	mux.HandleFunc("POST /statements/{id}/submit", w.statementSubmit)
}

// groupView is a language group with its latest text.
type groupView struct {
	statement.LanguageGroup
	Text     string
	Comments []statement.Comment
	Mine     bool
}

// LatestVersion is the group's latest version, nil before the first.
func (g groupView) LatestVersion() *statement.DraftVersion {
	for i := range g.Versions {
		if g.Versions[i].Version == g.Latest {
			return &g.Versions[i]
		}
	}
	return nil
}

// statementView is one statement's page.
type statementView struct {
	service.StatementDoc
	Groups  []groupView
	Names   map[string]string
	Me      *service.Actor
	Staff   bool
	Rep     bool
	Current *statement.Ratification
	Replies map[string][]statement.Comment
}

// Penholder says the reader holds the pen in some group (or is staff).
func (s statementView) Penholder() bool {
	return s.Staff || slices.ContainsFunc(s.Groups, func(g groupView) bool { return g.Mine })
}

// Name is a member's name, else the ID.
func (s statementView) Name(id string) string { return cmpOr(s.Names[id], id) }

func (w *Web) statementData(r *http.Request, a *service.Actor, id string) (statementView, error) {
	doc, err := w.svc.GetStatement(r.Context(), a, id)
	if err != nil {
		return statementView{}, err
	}
	ids := []string{doc.CreatedBy}
	for _, c := range doc.Comments {
		ids = append(ids, c.By)
	}
	for _, g := range doc.State.Groups {
		ids = append(ids, g.Penholders...)
		for _, v := range g.Versions {
			ids = append(ids, v.Author)
		}
	}
	names, _, err := w.svc.ElectionNames(r.Context(), ids)
	if err != nil {
		return statementView{}, err
	}
	out := statementView{StatementDoc: doc, Names: names, Me: a, Staff: a.IsStaff(), Rep: a.ALSID != nil && a.Has("als_rep"),
		Replies: map[string][]statement.Comment{}}
	for _, c := range doc.Comments {
		if c.ReplyTo != "" {
			out.Replies[c.ReplyTo] = append(out.Replies[c.ReplyTo], c)
		}
	}
	for _, g := range doc.State.Groups {
		gv := groupView{LanguageGroup: g, Mine: slices.Contains(g.Penholders, a.ID)}
		if g.Latest > 0 {
			v, err := w.svc.GetDraftVersion(r.Context(), a, doc.ID, g.Language, g.Latest)
			if err != nil {
				return statementView{}, err
			}
			gv.Text = v.Text
		}
		for _, c := range doc.Comments {
			if c.Language == g.Language && c.ReplyTo == "" {
				gv.Comments = append(gv.Comments, c)
			}
		}
		out.Groups = append(out.Groups, gv)
	}
	if n := len(doc.Ratifications); n > 0 {
		out.Current = &doc.Ratifications[n-1]
	}
	return out, nil
}

func (w *Web) statementDetail(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	data, err := w.statementData(r, a, r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "statement_detail", &page{Data: data, Notice: noticeOf(r)})
}

// noticeOf is the message a redirect asked the page to show (?done=…).
func noticeOf(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "ballot":
		return "statements.ballot_recorded"
	case "opened":
		return "statements.opened"
	}
	return ""
}

// areaRefusal is refusal with the lead sentence of the area's pages
// ("statements" or "meetings") before why an action is refused; a
// refusal naming a language group names it in the reader's language, and
// one naming an ALS by its ID names it by its name.
func (w *Web) areaRefusal(r *http.Request, err error, p *page, area string) bool {
	v, e := viewerOf(r), service.AsError(err)
	if l, ok := e.Args["Language"].(string); ok {
		if name := v.t("language."+l, -1); name != "language."+l {
			e.Args["Language"] = name
		}
	}
	if id, ok := e.Args["ALS"].(string); ok {
		if als, err := w.svc.GetALS(r.Context(), id); err == nil {
			e.Args["ALS"] = als.Name
		}
	}
	if !w.refusal(r, e, p) {
		return false
	}
	if e.Kind == service.KindForbidden || e.Kind == service.KindConflict {
		p.Errors = map[string]string{"_": v.t(area+".refused."+strconv.Itoa(e.Kind.Status()), -1, "Detail", refusalDetail(v, e))}
	}
	return true
}

// statementAct runs one transition from the statement's page.
func (w *Web) statementAct(rw http.ResponseWriter, r *http.Request, act func(a *service.Actor, id string) (string, error)) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	anchor, err := act(a, id)
	if err == nil {
		seeOther(rw, r, "/statements/"+id+anchor)
		return
	}
	p := &page{}
	if !w.areaRefusal(r, err, p, "statements") {
		w.failErr(rw, r, err)
		return
	}
	data, derr := w.statementData(r, a, id)
	if derr != nil {
		w.failErr(rw, r, derr)
		return
	}
	p.Data = data
	w.render(rw, r, "statement_detail", p)
}

func (w *Web) statementPenholder(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		_, err := w.svc.AddPenholders(r.Context(), a, id, service.PenholdersRequest{Language: r.PostForm.Get("language"), MemberIDs: []string{a.ID}})
		return "#group-" + r.PostForm.Get("language"), err
	})
}

func (w *Web) statementDraft(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		lang := r.PostForm.Get("language")
		req := service.DraftRequest{Language: lang, Text: r.PostForm.Get("text"), OpenComments: r.PostForm.Get("open_comments") == "on"}
		if ref := r.PostForm.Get("translation_of"); ref != "" {
			l, n, _ := strings.Cut(ref, "/")
			v, err := strconv.Atoi(n)
			if err != nil {
				return "", service.Invalid(map[string]string{"translation_of": "not a version"})
			}
			req.TranslationOf = &statement.TranslationRef{Language: l, Version: v}
		}
		_, err := w.svc.AddDraft(r.Context(), a, id, req)
		return "#group-" + lang, err
	})
}

func (w *Web) statementComment(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		v, _ := strconv.Atoi(r.PostForm.Get("version"))
		c, err := w.svc.AddComment(r.Context(), a, id, service.CommentRequest{Language: r.PostForm.Get("language"), Version: v,
			Text: r.PostForm.Get("text"), ReplyTo: r.PostForm.Get("reply_to")})
		return "#c-" + c.Comment.ID, err
	})
}

func (w *Web) statementResolve(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		_, err := w.svc.ResolveComment(r.Context(), a, id, r.PathValue("cid"), service.ResolutionRequest{Status: r.PostForm.Get("status"),
			Reply: r.PostForm.Get("reply")})
		return "#c-" + r.PathValue("cid"), err
	})
}

func (w *Web) statementConsolidate(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		texts := map[string]string{}
		for k, v := range r.PostForm {
			if lang, ok := strings.CutPrefix(k, "text."); ok && len(v) > 0 {
				texts[lang] = v[0]
			}
		}
		_, err := w.svc.ConsolidateStatement(r.Context(), a, id, service.ConsolidateRequest{Texts: texts, DivergentViews: r.PostForm.Get("divergent_views")})
		return "#consolidation", err
	})
}

func (w *Web) statementObject(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		_, err := w.svc.ObjectToStatement(r.Context(), a, id, service.StatementReasonRequest{Reason: r.PostForm.Get("reason")})
		return "#ratification", err
	})
}

func (w *Web) statementBallot(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		als := r.PostForm.Get("als_id")
		if als == "" && a.ALSID != nil {
			als = *a.ALSID
		}
		_, err := w.svc.CastStatementBallot(r.Context(), a, id, service.StatementBallotRequest{ALSID: als, Vote: r.PostForm.Get("vote")})
		return "?done=ballot#ratification", err
	})
}

func (w *Web) statementSubmit(rw http.ResponseWriter, r *http.Request) {
	w.statementAct(rw, r, func(a *service.Actor, id string) (string, error) {
		_, err := w.svc.SubmitStatement(r.Context(), a, id, service.StatementSubmitRequest{URL: r.PostForm.Get("url"),
			AsDraft: r.PostForm.Get("as_draft") == "on"})
		return "#submission", err
	})
}

// diffLine is one line of a diff with its numbers in the old and new
// version (0 where it has none).
type diffLine struct {
	Old, New int
	Kind     string // "same", "add", "del", "hunk"
	Text     string
}

// diffView is the diff page's data.
type diffView struct {
	ID, Title, Lang string
	From, To        int
	Versions        []statement.DraftVersion
	Lines           []diffLine
}

// numberDiff numbers the lines of a unified diff from its hunk headers.
func numberDiff(diff string) []diffLine {
	var out []diffLine
	old, nw := 0, 0
	for _, l := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++") || strings.HasPrefix(l, `\`) || l == "":
			continue // file headers and "\ No newline at end of file" are no lines of the text
		case strings.HasPrefix(l, "@@"):
			var a, b int
			parts := strings.Fields(l)
			if len(parts) >= 3 {
				a, _ = strconv.Atoi(strings.Split(strings.TrimPrefix(parts[1], "-"), ",")[0])
				b, _ = strconv.Atoi(strings.Split(strings.TrimPrefix(parts[2], "+"), ",")[0])
			}
			old, nw = a, b
			out = append(out, diffLine{Kind: "hunk", Text: "⋯"})
		case strings.HasPrefix(l, "+"):
			out = append(out, diffLine{New: nw, Kind: "add", Text: l[1:]})
			nw++
		case strings.HasPrefix(l, "-"):
			out = append(out, diffLine{Old: old, Kind: "del", Text: l[1:]})
			old++
		default:
			out = append(out, diffLine{Old: old, New: nw, Kind: "same", Text: strings.TrimPrefix(l, " ")})
			old++
			nw++
		}
	}
	return out
}

func (w *Web) statementDiff(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	id, q := r.PathValue("id"), r.URL.Query()
	doc, err := w.svc.GetStatement(r.Context(), a, id)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	lang := q.Get("lang_group")
	if lang == "" && len(doc.State.Groups) > 0 {
		lang = doc.State.Groups[0].Language // the language switcher's link carries no group
	}
	i := slices.IndexFunc(doc.State.Groups, func(g statement.LanguageGroup) bool { return g.Language == lang })
	if i < 0 {
		w.fail(rw, r, http.StatusNotFound)
		return
	}
	g := doc.State.Groups[i]
	from, _ := strconv.Atoi(q.Get("from"))
	to, _ := strconv.Atoi(q.Get("to"))
	if to == 0 {
		to = g.Latest
	}
	if from == 0 {
		from = max(1, to-1)
	}
	d, err := w.svc.DiffDrafts(r.Context(), a, id, lang, from, to)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "statement_diff", &page{Data: diffView{ID: doc.ID, Title: doc.Title, Lang: lang, From: from, To: to,
		Versions: g.Versions, Lines: numberDiff(d.Diff)}})
}
