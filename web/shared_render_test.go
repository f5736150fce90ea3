package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestRefusalsTranslated: a refusal the service names with a code is
// explained in the reader's language on the error page, with its status;
// one without a code keeps the status's general text; the API's English
// detail never shows.
func TestRefusalsTranslated(t *testing.T) {
	w := offline(t)
	fail := func(lang string, err error) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		v := &viewer{lang: lang, loc: i18n.NewLocalizer(w.bundle, lang), zone: time.UTC}
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
		rec := httptest.NewRecorder()
		w.failErr(rec, r, err)
		return rec
	}
	cases := []struct {
		lang   string
		err    error
		status int
		want   string
	}{
		{"fr", service.Forbidden("your roles do not allow this action").Coded(service.CodeRolesForbid), 403, "Vos rôles ne vous permettent pas"},
		{"pt", service.Forbidden("your roles do not allow this action").Coded(service.CodeOwnOnly), 403, "Só a pessoa interessada"},
		{"es", service.NotFound(), 404, "No existe, o no le corresponde verlo."},
		{"es", service.Conflict("the ALS is not under review").Coded(service.CodeReviewNotOpen), 409, "La ALS no está en revisión"},
		{"en", store.ErrNotFound, 404, "It does not exist, or it is not yours to see."},
		{"es", service.Conflict("something uncoded"), 409, "El proceso no permite esta acción en su estado actual."},
	}
	for _, c := range cases {
		rec := fail(c.lang, c.err)
		body := rec.Body.String()
		if rec.Code != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s %v: %d, want %d with %q\n%s", c.lang, c.err, rec.Code, c.status, c.want, body)
		}
		if e := service.AsError(c.err); strings.Contains(body, e.Detail) && c.lang != "en" {
			t.Errorf("%s %v: the English detail shows", c.lang, c.err)
		}
	}
}

// TestSharedTemplatesRender: the shared pages render from data alone in
// every language, private fields never part of what they are given.
func TestSharedTemplatesRender(t *testing.T) {
	w := offline(t)
	a := &service.Actor{Member: store.Member{ID: "m_1", Name: "Ana", Roles: store.StringList{store.RoleMember}}}
	end := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	als := "als_1"
	pages := map[string]*page{
		"members": {Data: membersView{Directory: service.Directory{Page: 2, More: true, Members: []service.DirectoryEntry{
			{ID: "m_2", Name: "Bea", CountryName: "Chile", ALSName: "ALS Sur", Roles: []string{"als_rep"}, Skills: []string{"DNS"}}}},
			Prev: "/members?page=1", Next: "/members?page=3"}},
		"als": {Data: service.ALSDirectory{ALSes: []service.ALSEntry{{ALS: store.ALS{ID: als, Name: "ALS Sur", Status: "accredited"}, CountryName: "Chile", Subregion: "andes", VotingStatus: "warned"}},
			Positions: []service.PositionEntry{{Position: store.Position{Position: "nomcom_delegate", TermEnd: &end}, HolderName: "Bea", ALSName: "ALS Sur"}}}},
		"calendar": {Data: calendarView{URL: "http://x/api/v1/calendar.ics?token=ralofeed_x", Feed: service.FeedStatus{Active: &store.FeedToken{CreatedAt: end}},
			Events: []calendarEntry{{Title: "Llamada", Href: "/calendar/events/m", Kind: "meeting", Start: end}}}},
		"audit": {Data: auditView{AuditPage: service.AuditPage{Entries: []store.AuditEntry{{Seq: 7, Process: "registry", Action: "member.created", ObjectID: "m_2", Hash: "abc"}}, Older: 7},
			OlderHref: "/audit?before=7", Newer: true, Verified: &service.AuditVerify{VerifyResult: store.VerifyResult{OK: false, BrokenAt: new(int64(7)), Code: store.VerifyAltered, Reason: "entry 7 was altered"}}}},
	}
	for _, lang := range service.Languages {
		for name, p := range pages {
			rec := w.renderAs(a, lang, name, p)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s in %s: %d", name, lang, rec.Code)
			}
			if lang != "en" && strings.Contains(rec.Body.String(), "entry 7 was altered") {
				t.Errorf("%s in %s shows the store's English reason", name, lang)
			}
		}
	}
}

// TestDashboardTasksLink: each task on the dashboard opens the page of its
// process and object; a task of a process without a page is plain text.
func TestDashboardTasksLink(t *testing.T) {
	w := offline(t)
	a := &service.Actor{Member: store.Member{ID: "m_1", Name: "Ana", Roles: store.StringList{store.RoleMember}}}
	due := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tasks := []service.Task{
		{Process: "election", ID: "elc_1", Title: "ALAC 2030", Action: service.ActionVote, Due: &due},
		{Process: "ethics", ID: "eth_1", Action: service.ActionScreen},
		{Process: "arbitration", ID: "arb_1", Action: service.ActionRespond},
		{Process: "statement", ID: "st_1", Title: "IDN", Action: service.ActionComment},
		{Process: "meeting", ID: "mtg_1", Title: "Asamblea", Action: service.ActionAttend},
		{Process: "roadmap", ID: "r_1", Action: service.ActionAttend},
	}
	rec := w.renderAs(a, "es", "dashboard", &page{Data: dashboardPage(tasks, "")})
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("dashboard: %d", rec.Code)
	}
	for _, href := range []string{"/elections/elc_1", "/ethics/eth_1", "/arbitrations/arb_1", "/statements/st_1", "/meetings/mtg_1"} {
		if !strings.Contains(body, `href="`+href+`"`) {
			t.Errorf("the dashboard does not link %s", href)
		}
	}
	if strings.Contains(body, "r_1\"") || strings.Count(body, `<li class="task">`) != len(tasks) || strings.Contains(body, `rel="next"`) {
		t.Errorf("tasks or links wrong:\n%s", body)
	}
}

// TestDashboardPages: a long list of tasks is cut in pages of
// dashboardPageSize, soonest first, with the total and links both ways; a
// page out of range shows the nearest.
func TestDashboardPages(t *testing.T) {
	w := offline(t)
	a := &service.Actor{Member: store.Member{ID: "m_1", Name: "Ana", Roles: store.StringList{store.RoleMember, store.RoleEthicsCommittee}}}
	var tasks []service.Task
	for i := range 2*dashboardPageSize + 7 {
		tasks = append(tasks, service.Task{Process: "ethics", ID: fmt.Sprintf("eth_%03d", i), Action: service.ActionScreen})
	}
	cases := []struct {
		param      string
		first      string
		n          int
		prev, next bool
	}{
		{"", "eth_000", dashboardPageSize, false, true},
		{"2", "eth_050", dashboardPageSize, true, true},
		{"3", "eth_100", 7, true, false},
		{"99", "eth_100", 7, true, false},
		{"x", "eth_000", dashboardPageSize, false, true},
	}
	for _, c := range cases {
		body := w.renderAs(a, "en", "dashboard", &page{Data: dashboardPage(tasks, c.param)}).Body.String()
		if got := strings.Count(body, `<li class="task">`); got != c.n || !strings.Contains(body, c.first) ||
			strings.Contains(body, `rel="prev"`) != c.prev || strings.Contains(body, `rel="next"`) != c.next ||
			!strings.Contains(body, "107") {
			t.Errorf("page %q: %d tasks (want %d from %s), prev %v next %v", c.param, got, c.n, c.first, c.prev, c.next)
		}
	}
}
