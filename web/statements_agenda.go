package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The statements agenda, the form that opens a statement, and the
// priorities survey whose results order the agenda. The survey ranks
// topics by number inputs, so it works without JavaScript.

// agendaView is /statements: the open statements in the survey's order,
// then every statement.
type agendaView struct {
	service.Agenda
	// All are the statements off the agenda: submitted or declined.
	All []store.Case
	// Open says the reader may open a statement (staff; the service also
	// lets the chair and secretariat through).
	Open bool
	// Surveys are the priorities surveys, the latest to close first.
	Surveys []service.SurveyDoc
}

func (w *Web) statements(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	ag, err := w.svc.StatementAgenda(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	cs, err := w.svc.ListStatements(r.Context(), a, 200)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	sv, err := w.svc.ListSurveys(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	// The rest of the statements, those no longer on the agenda.
	onAgenda := map[string]bool{}
	for _, it := range ag.Statements {
		onAgenda[it.ID] = true
	}
	cs = slices.DeleteFunc(cs, func(c store.Case) bool { return onAgenda[c.ID] })
	w.render(rw, r, "statement_list", &page{Data: agendaView{Agenda: ag, All: cs, Open: a.IsStaff(), Surveys: sv}})
}

// statementNewView is the form that opens a statement.
type statementNewView struct {
	Kinds     []string
	Languages []string
	// Topics are the topics of the priorities surveys, to file the
	// statement under one (which places it on the agenda).
	Topics []string
}

func (w *Web) statementNewData(r *http.Request, a *service.Actor) (statementNewView, error) {
	v := statementNewView{Kinds: []string{"statement", "advice", "interaction"}, Languages: service.Languages}
	sv, err := w.svc.ListSurveys(r.Context(), a)
	if err != nil {
		return v, err
	}
	for _, s := range sv {
		for _, t := range s.Topics {
			if !slices.Contains(v.Topics, t) {
				v.Topics = append(v.Topics, t)
			}
		}
	}
	return v, nil
}

// statementForm is the form's values before the first submission: the
// policy's languages ticked, a statement.
func (w *Web) statementForm() map[string]string {
	f := map[string]string{"kind": "statement"}
	for _, l := range w.svc.Policy().Statements.Languages {
		f["lang."+l] = "on"
	}
	return f
}

func (w *Web) statementNew(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	data, err := w.statementNewData(r, a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "statement_new", &page{Data: data, Form: w.statementForm()})
}

func (w *Web) statementCreate(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	v := viewerOf(r)
	data, err := w.statementNewData(r, a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	req := service.StatementRequest{Kind: r.PostForm.Get("kind"), Topic: strings.TrimSpace(r.PostForm.Get("topic")),
		Proceeding: service.ProceedingRequest{Title: r.PostForm.Get("title"), URL: strings.TrimSpace(r.PostForm.Get("url"))}}
	for _, l := range data.Languages {
		if r.PostForm.Get("lang."+l) == "on" {
			req.Languages = append(req.Languages, l)
		}
	}
	p := &page{Data: data}
	fromService := false
	closes, ok := parseLocal(v, r.PostForm.Get("closes_at"))
	switch {
	case !ok:
		err = service.Invalid(map[string]string{"proceeding.closes_at": v.t("elections.bad_date", -1)})
	case len(req.Languages) == 0:
		err = service.Invalid(map[string]string{"languages": v.t("statements.pick_language", -1)})
	default:
		req.Proceeding.ClosesAt = closes
		var doc service.StatementDoc
		if doc, err = w.svc.OpenStatement(r.Context(), a, req); err == nil {
			seeOther(rw, r, "/statements/"+doc.ID+"?done=opened")
			return
		}
		fromService = true
	}
	if !w.areaRefusal(r, err, p, "statements") {
		w.failErr(rw, r, err)
		return
	}
	if fromService {
		explainFields(r, p, "statement_field")
	}
	w.render(rw, r, "statement_new", p)
}

// surveyView is one priorities survey: the ranking form while it is
// open, the results once it has closed.
type surveyView struct {
	service.SurveyDoc
	Staff bool
	// Ranked says the reader's ranking was just recorded.
	Ranked bool
	// Prefilled says the inputs show the ranking the reader sent before.
	Prefilled bool
}

// Rank is the input of a topic: rank.<its index>.
func (surveyView) Rank(i int) string { return "rank." + strconv.Itoa(i) }

func (w *Web) surveys(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderSurveys(rw, r, a, &page{Form: map[string]string{}})
}

func (w *Web) renderSurveys(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	sv, err := w.svc.ListSurveys(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	p.Data = agendaView{Surveys: sv, Open: a.IsStaff()}
	w.render(rw, r, "statement_surveys", p)
}

// surveyCreate opens a survey (staff): a title, the topics one a line,
// when it closes.
func (w *Web) surveyCreate(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	v := viewerOf(r)
	req := service.SurveyRequest{Title: r.PostForm.Get("title")}
	for _, t := range strings.Split(r.PostForm.Get("topics"), "\n") {
		if t = strings.TrimSpace(t); t != "" {
			req.Topics = append(req.Topics, t)
		}
	}
	var err error
	fromService := false
	closes, ok := parseLocal(v, r.PostForm.Get("closes_at"))
	switch {
	case !ok || closes == nil:
		err = service.Invalid(map[string]string{"closes_at": v.t("elections.bad_date", -1)})
	default:
		fromService = true
		req.ClosesAt = *closes
		var doc service.SurveyDoc
		if doc, err = w.svc.CreateSurvey(r.Context(), a, req); err == nil {
			seeOther(rw, r, "/priorities/"+doc.ID)
			return
		}
	}
	p := &page{}
	if !w.areaRefusal(r, err, p, "statements") {
		w.failErr(rw, r, err)
		return
	}
	if fromService {
		explainFields(r, p, "survey_field")
	}
	w.renderSurveys(rw, r, a, p)
}

func (w *Web) survey(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderSurvey(rw, r, a, &page{Form: map[string]string{}})
}

func (w *Web) renderSurvey(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	doc, err := w.svc.GetSurvey(r.Context(), a, r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	view := surveyView{SurveyDoc: doc, Staff: a.IsStaff(), Ranked: r.URL.Query().Has("ranked")}
	if len(p.Form) == 0 && doc.Status != "closed" {
		// A member back at an open survey finds their ranking as they
		// left it, to change it and send it again.
		ranking, err := w.svc.SurveyRankingOf(r.Context(), a, doc.ID)
		if err != nil {
			w.failErr(rw, r, err)
			return
		}
		p.Form, view.Prefilled = rankForm(doc.Topics, ranking), len(ranking) > 0
	}
	p.Data = view
	w.render(rw, r, "statement_survey", p)
}

// rankForm is the number inputs of a ranking: rank.<i> is the place of
// topic i, blank for a topic left out.
func rankForm(topics, ranking []string) map[string]string {
	form := map[string]string{}
	for i, t := range topics {
		if n := slices.Index(ranking, t); n >= 0 {
			form["rank."+strconv.Itoa(i)] = strconv.Itoa(n + 1)
		}
	}
	return form
}

// surveyRank records the reader's ranking: rank.<i> = 1, 2… beside the
// topics; blanks are left out, a number given twice is refused.
func (w *Web) surveyRank(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	doc, err := w.svc.GetSurvey(r.Context(), a, id)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	ranking, bad := rankingOf(r, doc.Topics)
	v := viewerOf(r)
	switch {
	case len(bad) > 0:
		msgs := map[string]string{}
		for _, f := range bad {
			msgs[f] = v.t("survey.bad_rank", -1, "Max", len(doc.Topics))
		}
		err = service.Invalid(msgs)
	case len(ranking) == 0:
		err = service.Invalid(map[string]string{"_": v.t("survey.rank_one", -1)})
	default:
		if _, err = w.svc.RankSurvey(r.Context(), a, id, service.RankingRequest{Ranking: ranking}); err == nil {
			seeOther(rw, r, "/priorities/"+id+"?ranked")
			return
		}
	}
	p := &page{}
	if !w.areaRefusal(r, err, p, "statements") {
		w.failErr(rw, r, err)
		return
	}
	w.renderSurvey(rw, r, a, p)
}

// rankingOf reads the numbers beside the topics into a ranking, most
// important first; bad are the fields that are not a rank from 1 to the
// number of topics, or repeat another's.
func rankingOf(r *http.Request, topics []string) (ranking, bad []string) {
	type ranked struct {
		topic string
		n     int
	}
	var rs []ranked
	seen := map[int]bool{}
	for i, t := range topics {
		field := "rank." + strconv.Itoa(i)
		s := strings.TrimSpace(r.PostForm.Get(field))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > len(topics) || seen[n] {
			bad = append(bad, field)
			continue
		}
		seen[n] = true
		rs = append(rs, ranked{t, n})
	}
	slices.SortFunc(rs, func(x, y ranked) int { return x.n - y.n })
	for _, x := range rs {
		ranking = append(ranking, x.topic)
	}
	return ranking, bad
}

// Count is a plural message for a count the store gives as int64.
func (p *page) Count(id string, n int64) string { return p.v.t(id, int(n)) }
