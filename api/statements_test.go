package api_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/statement"
)

// statementView is the part of a statement document the tests read.
type statementView struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	OutOfStep bool   `json:"out_of_step"`
	Groups    []struct {
		Language   string   `json:"language"`
		Penholders []string `json:"penholders"`
		Latest     int      `json:"latest"`
	} `json:"groups"`
	Penholders []struct {
		Language string   `json:"language"`
		MemberID string   `json:"member_id"`
		Skills   []string `json:"skills"`
	} `json:"penholders"`
	Comments []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"comments"`
	Ratifications []statement.Ratification `json:"ratifications"`
}

// TestStatementEndToEnd runs a statement over real HTTP with clocks of
// seconds: two language groups, three versions with a diff, comments
// answered and not adopted, divergent views in the final text, an
// objection and a ratification vote with a revote, the submission and
// the public record read without a token.
func TestStatementEndToEnd(t *testing.T) {
	e := shared
	for code, name := range map[string]string{"AR": "Argentina", "BR": "Brasil", "CL": "Chile"} {
		ensureCountry(t, e, code, name)
	}
	newALS := func(country string) string {
		var a struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": country}), http.StatusCreated).json(t, &a)
		return a.ID
	}
	a1, b1, c1 := newALS("AR"), newALS("BR"), newALS("CL")
	reps := map[string]string{}
	for als, country := range map[string]string{a1: "AR", b1: "BR", c1: "CL"} {
		_, tok := newMember(t, e, country, als, "als_rep")
		reps[als] = tok
	}
	_, staffTok := newMember(t, e, "AR", "", "staff")
	penEs, penEsTok := newMember(t, e, "AR", a1)
	penEn, penEnTok := newMember(t, e, "BR", "")
	_, anaTok := newMember(t, e, "CL", c1)
	_, betoTok := newMember(t, e, "BR", "")
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+penEs.ID, penEsTok, map[string]any{"skills": []string{"DNS", "RDAP"}, "skills_public": true}), http.StatusOK)

	closes := time.Now().UTC().Add(3 * time.Hour).Format(time.RFC3339)
	body := map[string]any{"proceeding": map[string]any{"title": "RDAP policy " + unique(), "url": "https://www.icann.org/en/public-comment/rdap",
		"closes_at": closes}, "kind": "statement", "topic": "rdap"}
	expect(t, do(t, e, "POST", "/api/v1/statements", betoTok, body), http.StatusForbidden)
	expect(t, do(t, e, "POST", "/api/v1/statements", staffTok, map[string]any{"proceeding": map[string]any{"title": "x"}}), http.StatusUnprocessableEntity)
	var st statementView
	expect(t, do(t, e, "POST", "/api/v1/statements", staffTok, body), http.StatusCreated).json(t, &st)
	if st.Status != statement.StatusDrafting || len(st.Groups) != 2 || st.Groups[0].Language != "es" || st.Groups[1].Language != "en" {
		t.Fatalf("new statement %+v: want es and en groups from the policy", st)
	}
	path := "/api/v1/statements/" + st.ID

	// ICANN's close date is in every member's calendar feed.
	feed := checkICalendar(t, expect(t, do(t, e, "GET", "/api/v1/calendar.ics", betoTok, nil), http.StatusOK).body)
	ev := feed["statement-"+st.ID+"-icann_close@ralo"]
	if ev == nil {
		t.Fatalf("the statement's close date is not in a member's feed: %v", slices.Collect(maps.Keys(feed)))
	}
	if start, err := ev.GetStartAt(); err != nil || start.Format(time.RFC3339) != closes {
		t.Errorf("close date in the feed %v (%v), want %s", start, err, closes)
	}

	// Penholders: a member volunteers; staff assign; a member may not
	// assign someone else.
	expect(t, do(t, e, "POST", path+"/penholders", betoTok, map[string]any{"language": "en", "member_ids": []string{penEn.ID}}), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/penholders", penEsTok, map[string]any{"language": "es", "member_ids": []string{penEs.ID}}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/penholders", staffTok, map[string]any{"language": "en", "member_ids": []string{penEn.ID}}), http.StatusOK).json(t, &st)
	i := slices.IndexFunc(st.Penholders, func(p struct {
		Language string   `json:"language"`
		MemberID string   `json:"member_id"`
		Skills   []string `json:"skills"`
	}) bool {
		return p.MemberID == penEs.ID
	})
	if i < 0 || !slices.Equal(st.Penholders[i].Skills, []string{"DNS", "RDAP"}) {
		t.Errorf("penholders show their skills from the directory: %+v", st.Penholders)
	}

	// Drafts: three es versions, an en translation.
	// A new version answers 201 with the statement, the version's number
	// and the version under "draft", and names it in Location.
	draft := func(tok string, body map[string]any) int {
		t.Helper()
		var v struct {
			ID      string `json:"id"`
			Status  string `json:"status"`
			Version int    `json:"version"`
			Draft   struct {
				Language string `json:"language"`
				Version  int    `json:"version"`
			} `json:"draft"`
		}
		r := expect(t, do(t, e, "POST", path+"/drafts", tok, body), http.StatusCreated)
		r.json(t, &v)
		loc := path + "/drafts/" + v.Draft.Language + "/versions/" + strconv.Itoa(v.Draft.Version)
		if v.ID != st.ID || v.Status == "" || v.Draft.Version != v.Version || v.Draft.Language != body["language"] || r.header.Get("Location") != loc {
			t.Fatalf("draft answer %+v, Location %q: want the statement, the version and Location %s", v, r.header.Get("Location"), loc)
		}
		expect(t, do(t, e, "GET", loc, betoTok, nil), http.StatusOK)
		return v.Version
	}
	expect(t, do(t, e, "POST", path+"/drafts", penEnTok, map[string]any{"language": "es", "text": "x"}), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/drafts", penEsTok, map[string]any{"language": "es", "text": ""}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", path+"/drafts", penEsTok, map[string]any{"language": "es", "text": strings.Repeat("x", 200_001)}), http.StatusUnprocessableEntity)
	if v := draft(penEsTok, map[string]any{"language": "es", "text": "LACRALO apoya la propuesta.\nPunto uno.\n"}); v != 1 {
		t.Fatalf("first version %d", v)
	}
	draft(penEsTok, map[string]any{"language": "es", "text": "LACRALO apoya la propuesta.\nPunto uno.\nPunto dos.\n", "open_comments": true})
	draft(penEnTok, map[string]any{"language": "en", "text": "LACRALO supports the proposal.\nPoint one.\nPoint two.\n",
		"translation_of": map[string]any{"language": "es", "version": 2}, "open_comments": true})
	expect(t, do(t, e, "GET", path, betoTok, nil), http.StatusOK).json(t, &st)
	if st.Status != statement.StatusComments || st.OutOfStep {
		t.Fatalf("es v2 and en v1 are translations, in the comment period: %+v", st)
	}
	if v := draft(penEsTok, map[string]any{"language": "es", "text": "LACRALO apoya la propuesta, con reservas.\nPunto uno.\nPunto dos.\n"}); v != 3 {
		t.Fatalf("third version %d", v)
	}
	expect(t, do(t, e, "GET", path, betoTok, nil), http.StatusOK).json(t, &st)
	if !st.OutOfStep {
		t.Errorf("es v3 has no translation: the groups are out of step")
	}
	var ver struct {
		Text   string `json:"text"`
		SHA256 string `json:"sha256"`
		Author string `json:"author"`
	}
	expect(t, do(t, e, "GET", path+"/drafts/es/versions/3", betoTok, nil), http.StatusOK).json(t, &ver)
	if !strings.HasPrefix(ver.Text, "LACRALO apoya la propuesta, con reservas.") || ver.SHA256 != statement.TextHash(ver.Text) || ver.Author != penEs.ID {
		t.Errorf("version 3 %+v", ver)
	}
	expect(t, do(t, e, "GET", path+"/drafts/es/versions/9", betoTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "GET", path+"/drafts/fr/versions/1", betoTok, nil), http.StatusNotFound)
	var diff struct {
		Diff string `json:"diff"`
	}
	expect(t, do(t, e, "GET", path+"/drafts/es/diff?from=1&to=3", betoTok, nil), http.StatusOK).json(t, &diff)
	for _, want := range []string{"--- es/v1", "+++ es/v3", "-LACRALO apoya la propuesta.", "+LACRALO apoya la propuesta, con reservas.", "+Punto dos.", " Punto uno."} {
		if !strings.Contains(diff.Diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff.Diff)
		}
	}
	expect(t, do(t, e, "GET", path+"/drafts/es/diff?from=1", betoTok, nil), http.StatusUnprocessableEntity)

	// Comments, threaded, during the period.
	// A new comment answers 201 with the statement and the comment under
	// "comment", and names it in Location.
	comment := func(tok string, body map[string]any) string {
		t.Helper()
		var c struct {
			ID       string `json:"id"`
			Comments []struct {
				ID string `json:"id"`
			} `json:"comments"`
			Comment struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"comment"`
		}
		r := expect(t, do(t, e, "POST", path+"/comments", tok, body), http.StatusCreated)
		r.json(t, &c)
		loc := path + "/comments/" + c.Comment.ID
		if c.ID != st.ID || c.Comment.ID == "" || c.Comment.Text != body["text"] || r.header.Get("Location") != loc ||
			!slices.ContainsFunc(c.Comments, func(x struct {
				ID string `json:"id"`
			}) bool {
				return x.ID == c.Comment.ID
			}) {
			t.Fatalf("comment answer %+v, Location %q: want the statement holding the comment, and Location %s", c, r.header.Get("Location"), loc)
		}
		var got struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		expect(t, do(t, e, "GET", loc, betoTok, nil), http.StatusOK).json(t, &got)
		if got.ID != c.Comment.ID || got.Text != c.Comment.Text {
			t.Errorf("GET %s: %+v", loc, got)
		}
		return c.Comment.ID
	}
	expect(t, do(t, e, "POST", path+"/comments", anaTok, map[string]any{"language": "es", "version": 1, "text": "x"}), http.StatusConflict)
	cEs := comment(anaTok, map[string]any{"language": "es", "version": 2, "text": "Añadan reservas."})
	cEn := comment(betoTok, map[string]any{"language": "en", "version": 1, "text": "We should oppose the proposal."})
	cReply := comment(anaTok, map[string]any{"language": "en", "version": 1, "text": "I disagree with opposing it.", "reply_to": cEn})
	final := map[string]any{"texts": map[string]any{"es": "LACRALO apoya la propuesta, con reservas.", "en": "LACRALO supports the proposal, with reservations."},
		"divergent_views": "Some members would oppose the proposal."}
	expect(t, do(t, e, "POST", path+"/consolidate", penEsTok, final), http.StatusConflict) // the period runs

	// Resolutions: the group's penholders only.
	resolve := func(tok, cid, status, reply string) response {
		return do(t, e, "POST", path+"/comments/"+cid+"/resolution", tok, map[string]any{"status": status, "reply": reply})
	}
	expect(t, resolve(penEsTok, cEn, "answered", "x"), http.StatusForbidden)
	expect(t, resolve(penEsTok, "c999", "answered", "x"), http.StatusNotFound)
	expect(t, do(t, e, "GET", path+"/comments/c999", betoTok, nil), http.StatusNotFound)
	expect(t, resolve(penEsTok, cEs, "maybe", "x"), http.StatusUnprocessableEntity)
	expect(t, resolve(penEsTok, cEs, "incorporated", "Added in v3."), http.StatusOK)
	expect(t, resolve(penEnTok, cEn, "not_adopted", "Most members support it."), http.StatusOK)

	eventually(t, 30*time.Second, "the end of the comment period", func() bool {
		expect(t, do(t, e, "GET", path, betoTok, nil), http.StatusOK).json(t, &st)
		return st.Status == statement.StatusConsolidation
	})
	expect(t, do(t, e, "POST", path+"/consolidate", penEsTok, final), http.StatusConflict) // cReply unanswered
	expect(t, resolve(penEnTok, cReply, "answered", "Noted."), http.StatusOK)
	// Each group's penholders write their own text: the es penholder may
	// not rewrite the en one, which is the en group's latest version.
	own := map[string]any{"texts": map[string]any{"es": "LACRALO apoya la propuesta, con reservas."}, "divergent_views": final["divergent_views"]}
	expect(t, do(t, e, "POST", path+"/consolidate", penEsTok, map[string]any{"texts": own["texts"]}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", path+"/consolidate", betoTok, final), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/consolidate", penEsTok, final), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/consolidate", penEsTok, own), http.StatusOK).json(t, &st)
	if st.Status != statement.StatusConsensus {
		t.Fatalf("after consolidation: %q", st.Status)
	}

	// An objection sends the text to the vote.
	expect(t, do(t, e, "POST", path+"/objections", betoTok, map[string]any{"reason": "The region should oppose it."}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/objections", betoTok, map[string]any{"reason": "again"}), http.StatusConflict)
	eventually(t, 60*time.Second, "the ratification vote", func() bool {
		expect(t, do(t, e, "GET", path, betoTok, nil), http.StatusOK).json(t, &st)
		return st.Status == statement.StatusVoting && st.Ratifications[0].RollFrozen
	})
	vote := func(tok, als, v string) response {
		return do(t, e, "POST", path+"/ballots", tok, map[string]any{"als_id": als, "vote": v})
	}
	expect(t, vote(reps[a1], b1, "yes"), http.StatusForbidden)
	expect(t, vote(betoTok, a1, "yes"), http.StatusForbidden)
	expect(t, vote(reps[a1], a1, "maybe"), http.StatusUnprocessableEntity)
	var receipt struct {
		Receipt string `json:"receipt"`
	}
	expect(t, vote(reps[a1], a1, "yes"), http.StatusCreated).json(t, &receipt)
	if receipt.Receipt == "" {
		t.Fatal("no receipt")
	}
	expect(t, vote(reps[b1], b1, "no"), http.StatusCreated)
	expect(t, vote(reps[c1], c1, "yes"), http.StatusCreated)
	expect(t, vote(reps[b1], b1, "abstain"), http.StatusCreated) // the revote counts
	expect(t, do(t, e, "GET", "/api/v1/public/statements/"+st.ID, "", nil), http.StatusNotFound)

	// The shared database holds other tests' ALSes, so the vote may be
	// extended once for want of quorum.
	eventually(t, 60*time.Second, "ratification", func() bool {
		expect(t, do(t, e, "GET", path, betoTok, nil), http.StatusOK).json(t, &st)
		return st.Status == statement.StatusRatified
	})
	res := st.Ratifications[0].Result
	votes := map[string]string{}
	for _, b := range res.Ballots {
		votes[b.ALSID] = b.Vote
	}
	if res.Outcome != statement.RatificationRatified || res.ByConsensus || votes[a1] != "yes" || votes[b1] != "abstain" || votes[c1] != "yes" {
		t.Fatalf("result %+v", res)
	}
	weight := map[string]float64{}
	for _, r := range st.Ratifications[0].Roll {
		weight[r.ALSID] = r.Weight
	}
	if res.Yes < weight[a1]+weight[c1]-1e-9 || res.YesBallots < 2 || res.Quorum == nil {
		t.Errorf("weighted yes %v (a1 %v + c1 %v), quorum %+v", res.Yes, weight[a1], weight[c1], res.Quorum)
	}

	// Submission and the public record.
	sub := map[string]any{"url": "https://www.icann.org/en/public-comment/rdap/submissions/lacralo"}
	expect(t, do(t, e, "POST", path+"/submit", betoTok, sub), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/submit", staffTok, map[string]any{"url": "ftp://x"}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", path+"/submit", staffTok, sub), http.StatusOK).json(t, &st)
	if st.Status != statement.StatusSubmitted {
		t.Fatalf("after submission %q", st.Status)
	}
	var pub statement.Public
	eventually(t, 10*time.Second, "the public record", func() bool {
		r := do(t, e, "GET", "/api/v1/public/statements/"+st.ID, "", nil)
		if r.status != http.StatusOK {
			return false
		}
		r.json(t, &pub)
		return true
	})
	if pub.Submission.URL != sub["url"] || pub.Ratification == nil || pub.Ratification.Outcome != statement.RatificationRatified ||
		pub.DivergentViews != "Some members would oppose the proposal." {
		t.Errorf("public record %+v", pub)
	}
	if en := pub.Texts["en"]; !strings.HasPrefix(en, "LACRALO supports the proposal") || !strings.Contains(en, "## Divergent views\n\nSome members would oppose") {
		t.Errorf("the English text carries its divergent views section: %q", en)
	}
	if es := pub.Texts["es"]; !strings.Contains(es, "## Opiniones divergentes") {
		t.Errorf("the Spanish text carries its divergent views section: %q", es)
	}
	expect(t, do(t, e, "POST", path+"/objections", betoTok, map[string]any{"reason": "late"}), http.StatusConflict)

	// Drafts, comments and the counted ballots count for the ALSes.
	var rows []struct {
		ALSID    string `json:"als_id"`
		Ballots  int    `json:"ballots_cast"`
		Comments int    `json:"comments"`
		Drafts   int    `json:"drafts"`
	}
	expect(t, do(t, e, "GET", "/api/v1/participation", staffTok, nil), http.StatusOK).json(t, &rows)
	got := map[string][3]int{}
	for _, r := range rows {
		got[r.ALSID] = [3]int{r.Drafts, r.Comments, r.Ballots}
	}
	if got[a1] != [3]int{3, 0, 1} || got[c1] != [3]int{0, 2, 1} || got[b1] != [3]int{0, 0, 1} {
		t.Errorf("participation (drafts, comments, ballots): a1 %v, b1 %v, c1 %v", got[a1], got[b1], got[c1])
	}

	// The announcements reached members in their language. The Notify
	// child of the submission writes the outbox after the update has
	// answered, so the outbox is read until it holds every event.
	wantEvents := []string{"statement.opened", "statement.comment_period", "statement.vote_open", "statement.submitted"}
	events := map[string]bool{}
	told := func() bool {
		var notes []struct {
			Event string `json:"event"`
		}
		expect(t, do(t, e, "GET", "/api/v1/notifications", betoTok, nil), http.StatusOK).json(t, &notes)
		events = map[string]bool{}
		for _, n := range notes {
			events[n.Event] = true
		}
		return !slices.ContainsFunc(wantEvents, func(ev string) bool { return !events[ev] })
	}
	for deadline := time.Now().Add(30 * time.Second); !told() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	for _, ev := range wantEvents {
		if !events[ev] {
			t.Errorf("member not told of %s: %v", ev, events)
		}
	}
}

// TestStatementSurveyAgendaAndDecline: a priorities survey orders the
// agenda of open statements; the chair declines one statement.
func TestStatementSurveyAgendaAndDecline(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	ensureCountry(t, e, "BR", "Brasil")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	_, m1Tok := newMember(t, e, "AR", "")
	_, m2Tok := newMember(t, e, "BR", "")
	chair, chairTok := newMember(t, e, "BR", "")

	dnsTopic, rdapTopic := "dns_abuse_"+unique(), "rdap_"+unique()
	surveyBody := map[string]any{"title": "Priorities " + unique(), "topics": []string{dnsTopic, rdapTopic},
		"closes_at": time.Now().UTC().Add(3 * time.Second).Format(time.RFC3339Nano)}
	expect(t, do(t, e, "POST", "/api/v1/statements/surveys", m1Tok, surveyBody), http.StatusForbidden)
	var sv struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Results []struct {
			Topic string `json:"topic"`
			Rank  int    `json:"rank"`
		} `json:"results"`
		Respondents int `json:"respondents"`
	}
	expect(t, do(t, e, "POST", "/api/v1/statements/surveys", staffTok, surveyBody), http.StatusCreated).json(t, &sv)
	rank := func(tok string, ranking ...string) response {
		return do(t, e, "POST", "/api/v1/statements/surveys/"+sv.ID+"/rankings", tok, map[string]any{"ranking": ranking})
	}
	expect(t, rank(m1Tok, "whois"), http.StatusUnprocessableEntity)
	expect(t, rank(m1Tok, dnsTopic, rdapTopic), http.StatusCreated)
	expect(t, rank(m1Tok, rdapTopic, dnsTopic), http.StatusCreated) // the last counts
	expect(t, rank(m2Tok, rdapTopic), http.StatusCreated)
	expect(t, do(t, e, "GET", "/api/v1/statements/surveys/"+sv.ID, m2Tok, nil), http.StatusOK).json(t, &sv)
	if sv.Status != "open" || len(sv.Results) != 0 || sv.Respondents != 2 {
		t.Fatalf("open survey %+v: no interim results", sv)
	}

	// Two statements: the dns one closes first, but rdap ranks first.
	open := func(topic string, closes time.Duration) string {
		var st statementView
		expect(t, do(t, e, "POST", "/api/v1/statements", staffTok, map[string]any{"proceeding": map[string]any{
			"title": "Proceeding on " + topic, "url": "https://www.icann.org/pc/" + topic,
			"closes_at": time.Now().UTC().Add(closes).Format(time.RFC3339)}, "topic": topic, "languages": []string{"es", "en", "pt"}}),
			http.StatusCreated).json(t, &st)
		return st.ID
	}
	dnsID := open(dnsTopic, 2*time.Hour)
	rdapID := open(rdapTopic, 5*time.Hour)
	eventually(t, 20*time.Second, "the survey closes", func() bool {
		expect(t, do(t, e, "GET", "/api/v1/statements/surveys/"+sv.ID, m2Tok, nil), http.StatusOK).json(t, &sv)
		return sv.Status == "closed"
	})
	expect(t, rank(m2Tok, dnsTopic), http.StatusConflict)
	if len(sv.Results) != 2 || sv.Results[0].Topic != rdapTopic || sv.Results[0].Rank != 1 {
		t.Fatalf("results %+v", sv.Results)
	}
	var agenda struct {
		SurveyID   *string `json:"survey_id"`
		Statements []struct {
			ID        string `json:"id"`
			TopicRank *int   `json:"topic_rank"`
		} `json:"statements"`
	}
	expect(t, do(t, e, "GET", "/api/v1/statements/agenda", m1Tok, nil), http.StatusOK).json(t, &agenda)
	pos := map[string]int{}
	for i, s := range agenda.Statements {
		pos[s.ID] = i + 1
	}
	if agenda.SurveyID == nil || *agenda.SurveyID != sv.ID || pos[rdapID] == 0 || pos[dnsID] == 0 || pos[rdapID] > pos[dnsID] {
		t.Fatalf("agenda %+v: the rdap statement ranks first", agenda)
	}

	// The chair declines the dns statement; a plain member may not.
	termEnd := time.Now().UTC().Add(time.Minute)
	expect(t, do(t, e, "POST", "/api/v1/positions", staffTok, map[string]any{"position": "chair", "holder_id": chair.ID,
		"term_start": time.Now().UTC().Add(-time.Hour), "term_end": termEnd}), http.StatusCreated)
	expect(t, do(t, e, "POST", "/api/v1/statements/"+dnsID+"/decline", m1Tok, map[string]any{"reason": "no"}), http.StatusForbidden)
	var st statementView
	expect(t, do(t, e, "POST", "/api/v1/statements/"+dnsID+"/decline", chairTok, map[string]any{"reason": "Outside our remit."}), http.StatusOK).json(t, &st)
	if st.Status != statement.StatusDeclined {
		t.Fatalf("declined statement %q", st.Status)
	}
	expect(t, do(t, e, "POST", "/api/v1/statements/"+dnsID+"/decline", staffTok, map[string]any{"reason": "again"}), http.StatusConflict)
	eventually(t, 10*time.Second, "the agenda without the declined statement", func() bool {
		expect(t, do(t, e, "GET", "/api/v1/statements/agenda", m1Tok, nil), http.StatusOK).json(t, &agenda)
		return !slices.ContainsFunc(agenda.Statements, func(s struct {
			ID        string `json:"id"`
			TopicRank *int   `json:"topic_rank"`
		}) bool {
			return s.ID == dnsID
		})
	})

	// ICANN grants an extension: staff record the new close date.
	moveTo := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Second)
	closeDate := func(id, tok string, body map[string]any) response {
		return do(t, e, "POST", "/api/v1/statements/"+id+"/close-date", tok, body)
	}
	expect(t, closeDate(rdapID, m1Tok, map[string]any{"closes_at": moveTo}), http.StatusForbidden)
	expect(t, closeDate(rdapID, staffTok, map[string]any{"reason": "no date"}), http.StatusUnprocessableEntity)
	// A date in another form is named with the form expected, never with
	// a Go parser's message.
	bad := expect(t, closeDate(rdapID, staffTok, map[string]any{"closes_at": "next week"}), http.StatusUnprocessableEntity)
	if errs, _ := bad.field(t, "errors").(map[string]any); !strings.Contains(fmt.Sprint(errs["closes_at"]), "date-time such as 2027-05-01T") ||
		strings.Contains(string(bad.body), "parsing time") {
		t.Errorf("a date in another form: %s", bad.body)
	}
	expect(t, closeDate(rdapID, staffTok, map[string]any{"closes_at": time.Now().UTC().Add(-time.Hour)}), http.StatusUnprocessableEntity)
	expect(t, closeDate(rdapID, staffTok, map[string]any{"closes_at": moveTo, "status": "submitted"}), http.StatusUnprocessableEntity)
	expect(t, closeDate(dnsID, staffTok, map[string]any{"closes_at": moveTo}), http.StatusConflict) // declined
	var moved struct {
		Proceeding struct {
			ClosesAt time.Time `json:"closes_at"`
		} `json:"proceeding"`
		CloseDateChanges []statement.CloseDateChange `json:"close_date_changes"`
		Deadlines        []workflows.Deadline        `json:"deadlines"`
	}
	expect(t, closeDate(rdapID, staffTok, map[string]any{"closes_at": moveTo, "reason": "ICANN extended the proceeding."}), http.StatusOK).json(t, &moved)
	if !moved.Proceeding.ClosesAt.Equal(moveTo) || len(moved.CloseDateChanges) != 1 || moved.CloseDateChanges[0].Reason != "ICANN extended the proceeding." {
		t.Fatalf("after the move: closes %v, changes %+v", moved.Proceeding.ClosesAt, moved.CloseDateChanges)
	}
	if i := slices.IndexFunc(moved.Deadlines, func(d workflows.Deadline) bool { return d.Name == "icann_close" }); i < 0 || !moved.Deadlines[i].At.Equal(moveTo) {
		t.Errorf("deadlines %+v: want icann_close at the new date", moved.Deadlines)
	}
	expect(t, do(t, e, "GET", "/api/v1/statements/"+rdapID, m1Tok, nil), http.StatusOK).json(t, &moved)
	if !moved.Proceeding.ClosesAt.Equal(moveTo) {
		t.Errorf("read back: closes %v, want %v", moved.Proceeding.ClosesAt, moveTo)
	}
	expect(t, do(t, e, "POST", "/api/v1/statements/"+rdapID+"/decline", staffTok, map[string]any{"reason": "Tidy up."}), http.StatusOK)
}
