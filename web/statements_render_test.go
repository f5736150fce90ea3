package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/statement"
)

// bigStatement is a statement whose two language groups have n versions
// each, with a comment per version.
func bigStatement(n int) statementView {
	now := time.Now()
	st := statement.State{StatementID: "stm_1", Title: "Universal Acceptance", Status: statement.StatusComments, Kind: "statement",
		Languages: []string{"es", "en"}, Proceeding: statement.Proceeding{Title: "UA", URL: "https://icann.org/pc/ua", ClosesAt: now.Add(72 * time.Hour)}}
	var groups []groupView
	for _, lang := range []string{"es", "en"} {
		g := statement.LanguageGroup{Language: lang, Penholders: []string{"m1"}, Latest: n}
		var comments []statement.Comment
		for v := 1; v <= n; v++ {
			g.Versions = append(g.Versions, statement.DraftVersion{Language: lang, Version: v, Author: "m1", CreatedAt: now})
			c := statement.Comment{ID: fmt.Sprintf("c%s%d", lang, v), Language: lang, Version: v, By: "m2", Text: "Un comentario sobre el párrafo 3.", At: now, Status: "open"}
			st.Comments = append(st.Comments, c)
			comments = append(comments, c)
		}
		st.Groups = append(st.Groups, g)
		groups = append(groups, groupView{LanguageGroup: g, Text: strings.Repeat("Párrafo del borrador con su texto.\n", 40), Comments: comments, Mine: lang == "es"})
	}
	return statementView{StatementDoc: service.StatementDoc{ID: "stm_1", State: st}, Groups: groups,
		Names: map[string]string{"m1": "Ana", "m2": "Beto"}, Replies: map[string][]statement.Comment{}}
}

func TestStatementTemplatesRender(t *testing.T) {
	w := offline(t)
	a := &service.Actor{Member: store.Member{ID: "m1", Name: "Ana", Roles: store.StringList{store.RoleMember}}}
	diff := numberDiff("--- es/v1\n+++ es/v2\n@@ -1,3 +1,3 @@\n uno\n-dos\n+two\n tres\n")
	if len(diff) != 5 || diff[2].Old != 2 || diff[3].New != 2 || diff[4].Old != 3 || diff[4].New != 3 {
		t.Fatalf("numbered diff %+v", diff)
	}
	now, rank := time.Now(), 1
	survey := store.Survey{ID: "srv_1", Title: "Prioridades 2026", Topics: store.StringList{"DNS", "WHOIS"}, ClosesAt: now.Add(time.Hour)}
	open := service.SurveyDoc{Survey: survey, Status: "open", Respondents: 3}
	closed := service.SurveyDoc{Survey: survey, Status: "closed", Respondents: 3,
		Results: []service.SurveyScore{{Topic: "DNS", Rank: 1, Points: 5, Respondents: 3}, {Topic: "WHOIS", Rank: 2, Points: 2.5, Respondents: 2}}}
	for _, lang := range service.Languages {
		for name, p := range map[string]*page{
			"statement_list": {Data: agendaView{All: []store.Case{{ID: "stm_1", Title: "UA", Status: "comments"}}, Open: true,
				Agenda: service.Agenda{SurveyID: &survey.ID, Statements: []service.AgendaItem{{ID: "stm_1", Title: "UA", Status: "comments", Topic: "DNS", TopicRank: &rank, ClosesAt: now}}}}},
			"statement_new":     {Data: statementNewView{Kinds: []string{"statement"}, Languages: service.Languages, Topics: []string{"DNS"}}, Form: map[string]string{"lang.es": "on"}},
			"statement_surveys": {Data: agendaView{Surveys: []service.SurveyDoc{open, closed}, Open: true}},
			"statement_survey":  {Data: surveyView{SurveyDoc: open, Ranked: true}, Form: map[string]string{"rank.0": "2"}},
			"statement_survey ": {Data: surveyView{SurveyDoc: closed}},
			"statement_detail":  {Data: bigStatement(3)},
			"statement_diff":    {Data: diffView{ID: "stm_1", Title: "UA", Lang: "es", From: 1, To: 2, Lines: diff}},
		} {
			if rec := w.renderAs(a, lang, strings.TrimSpace(name), p); rec.Code != 200 {
				t.Fatalf("%s in %s: %d %s", name, lang, rec.Code, rec.Body.String())
			}
		}
	}
}

// BenchmarkStatementPage renders a statement with 50 versions in each of
// its two language groups (and a comment per version).
func BenchmarkStatementPage(b *testing.B) {
	w := offline(b)
	data := bigStatement(50)
	a := &service.Actor{Member: store.Member{ID: "m1", Name: "Ana", Roles: store.StringList{store.RoleMember}}}
	var times []time.Duration
	size := 0
	for b.Loop() {
		t0 := time.Now()
		rec := w.renderAs(a, "es", "statement_detail", &page{Data: data})
		times = append(times, time.Since(t0))
		size = rec.Body.Len()
	}
	report(b, times, size)
}
