package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows/election"
)

// problemDetail is a refusal's detail.
func problemDetail(t *testing.T, r response) string {
	t.Helper()
	var p struct {
		Detail string `json:"detail"`
	}
	r.json(t, &p)
	return p.Detail
}

// TestElectionObserversRefused: a member of no accredited ALS (LACRALO's
// individual member, an observer) may not nominate, be nominated, accept a
// nomination once their ALS lost its accreditation, or cast a ballot; each
// refusal is 403 with the reason "observer: sentence".
func TestElectionObserversRefused(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var a struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &a)
	var lapsing struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &lapsing)
	_, staffTok := newMember(t, e, "AR", "", "staff")
	observer, observerTok := newMember(t, e, "AR", "")
	_, observerRepTok := newMember(t, e, "AR", "", "als_rep")
	member, memberTok := newMember(t, e, "AR", a.ID)
	lapsed, lapsedTok := newMember(t, e, "AR", lapsing.ID)

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	var el struct {
		ID          string                `json:"id"`
		Nominations []election.Nomination `json:"nominations"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{"title": "Observers " + unique(),
		"seats": []map[string]any{{"seat": "chair", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(20 * time.Second), "acceptance_close": at(20 * time.Second),
			"objections_close": at(21 * time.Second), "voting_open": at(21 * time.Second), "voting_close": at(10 * time.Minute)}}),
		http.StatusCreated).json(t, &el)
	path := "/api/v1/elections/" + el.ID
	nominate := func(tok, nominee string) response {
		return do(t, e, "POST", path+"/nominations", tok, map[string]any{"seat": "chair", "nominee_id": nominee, "statement": "s"})
	}

	if d := problemDetail(t, expect(t, nominate(observerTok, member.ID), http.StatusForbidden)); !strings.HasPrefix(d, "observer: ") {
		t.Errorf("an observer nominating: %q, want the observer reason", d)
	}
	if d := problemDetail(t, expect(t, nominate(memberTok, observer.ID), http.StatusForbidden)); !strings.HasPrefix(d, "observer: the nominee belongs to no accredited ALS") {
		t.Errorf("an observer nominated: %q, want the observer reason", d)
	}
	// A member of an ALS is nominated; the ALS loses its accreditation
	// before they accept.
	expect(t, nominate(memberTok, lapsed.ID), http.StatusCreated).json(t, &el)
	nid := el.Nominations[len(el.Nominations)-1].ID
	expect(t, do(t, e, "PATCH", "/api/v1/als/"+lapsing.ID, adminToken, map[string]any{"status": "decertified"}), http.StatusOK)
	expect(t, do(t, e, "POST", "/api/v1/members/"+lapsed.ID+"/declarations", lapsedTok, map[string]any{"kind": "none"}), http.StatusCreated)
	r := do(t, e, "POST", path+"/nominations/"+nid+"/accept", lapsedTok, map[string]any{"statement_of_interest": "I will serve"})
	if d := problemDetail(t, expect(t, r, http.StatusForbidden)); !strings.HasPrefix(d, "observer: ") {
		t.Errorf("an observer accepting: %q, want the observer reason", d)
	}
	// A representative of no ALS, and one of the decertified ALS, do not
	// vote.
	_, lapsedRepTok := newMember(t, e, "AR", lapsing.ID, "als_rep")
	for _, tok := range []string{observerRepTok, lapsedRepTok, observerTok} {
		r := do(t, e, "POST", path+"/ballots", tok, map[string]any{"seat": "chair", "als_id": lapsing.ID, "choice": member.ID})
		if d := problemDetail(t, expect(t, r, http.StatusForbidden)); d != "observer: you belong to no accredited ALS; observers do not vote" {
			t.Errorf("an observer's ballot: %q, want the observer reason", d)
		}
	}
}

// TestElectionALACDistinct runs an ALAC election end to end: the sitting
// ALAC member (recorded by staff after voting opened, so after every
// eligibility check) is Argentine; the plurality winner is Argentine too,
// so the count passes over them and elects the next compatible candidate,
// and the results say who and why.
func TestElectionALACDistinct(t *testing.T) {
	e := shared
	for code, name := range map[string]string{"AR": "Argentina", "BR": "Brasil", "CL": "Chile"} {
		ensureCountry(t, e, code, name)
	}
	newALS := func(country string) string {
		var a struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": country}), http.StatusCreated).json(t, &a)
		return a.ID
	}
	ar1, br1, sitAls := newALS("AR"), newALS("BR"), newALS("CL")
	// The voters are all Chilean ALSes, so that their weights are equal
	// whatever other tests left in the shared registry.
	voters := []string{newALS("CL"), newALS("CL"), newALS("CL"), newALS("CL")}
	reps := map[string]string{}
	for _, als := range voters {
		_, tok := newMember(t, e, "CL", als, "als_rep")
		reps[als] = tok
	}
	cl1 := voters[0]
	_, staffTok := newMember(t, e, "AR", "", "staff")
	_, nominatorTok := newMember(t, e, "CL", cl1)
	leader, leaderTok := newMember(t, e, "AR", ar1)
	runner, runnerTok := newMember(t, e, "BR", br1)
	sitting, _ := newMember(t, e, "AR", sitAls)

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	var el struct {
		ID          string                `json:"id"`
		Status      string                `json:"status"`
		Nominations []election.Nomination `json:"nominations"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{"title": "ALAC " + unique(),
		"seats": []map[string]any{{"seat": "alac_member", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(25 * time.Second), "acceptance_close": at(25 * time.Second),
			"objections_close": at(26 * time.Second), "voting_open": at(26 * time.Second), "voting_close": at(40 * time.Second)}}),
		http.StatusCreated).json(t, &el)
	path := "/api/v1/elections/" + el.ID
	for _, c := range []struct {
		id, tok string
	}{{leader.ID, leaderTok}, {runner.ID, runnerTok}} {
		expect(t, do(t, e, "POST", path+"/nominations", nominatorTok, map[string]any{"seat": "alac_member", "nominee_id": c.id, "statement": "s"}), http.StatusCreated).json(t, &el)
		nid := el.Nominations[len(el.Nominations)-1].ID
		expect(t, do(t, e, "POST", "/api/v1/members/"+c.id+"/declarations", c.tok, map[string]any{"kind": "none"}), http.StatusCreated)
		expect(t, do(t, e, "POST", path+"/nominations/"+nid+"/accept", c.tok, map[string]any{"statement_of_interest": "I will serve"}), http.StatusOK).json(t, &el)
	}
	for _, n := range el.Nominations {
		if !n.Eligible {
			t.Fatalf("nominee not eligible before the sitting member is recorded: %+v", n)
		}
	}
	eventually(t, 120*time.Second, "voting", func() bool {
		expect(t, do(t, e, "GET", path, staffTok, nil), http.StatusOK).json(t, &el)
		return el.Status == election.StatusVoting
	})
	// The registry learns of the sitting ALAC member, whose term runs on.
	expect(t, do(t, e, "POST", "/api/v1/positions", staffTok, map[string]any{"position": "alac_member", "holder_id": sitting.ID,
		"term_start": now.Add(-365 * 24 * time.Hour).Format(time.RFC3339), "term_end": now.Add(365 * 24 * time.Hour).Format(time.RFC3339)}), http.StatusCreated)
	// The Argentine leads, three ballots to one.
	for i, als := range voters {
		choice := leader.ID
		if i == 3 {
			choice = runner.ID
		}
		expect(t, do(t, e, "POST", path+"/ballots", reps[als], map[string]any{"seat": "alac_member", "als_id": als, "choice": choice}), http.StatusCreated)
	}
	var res election.Results
	eventually(t, 120*time.Second, "results", func() bool {
		r := do(t, e, "GET", path+"/results", staffTok, nil)
		if r.status != http.StatusOK {
			return false
		}
		r.json(t, &res)
		return true
	})
	if len(res.Seats) != 1 {
		t.Fatalf("results %+v", res)
	}
	s := res.Seats[0]
	if len(s.Rounds) != 1 || len(s.Rounds[0].Totals) != 2 || s.Rounds[0].Totals[0].MemberID != leader.ID {
		t.Fatalf("rounds %+v, want the Argentine ahead", s.Rounds)
	}
	if !slices.Equal(s.Elected, []string{runner.ID}) || s.Outcome != election.OutcomeElected {
		t.Errorf("elected %v (%s), want the next compatible candidate %s", s.Elected, s.Outcome, runner.ID)
	}
	want := "alac_distinct_nationality: " + sitting.ID + ", an ALAC member of this or the sitting term, is also of nationality AR"
	if len(s.PassedOver) != 1 || s.PassedOver[0].MemberID != leader.ID || !slices.Equal(s.PassedOver[0].Reasons, []string{want}) {
		t.Errorf("passed over %+v, want %s for %q", s.PassedOver, leader.ID, want)
	}
}

// mail is an outbox message as GET /api/v1/notifications lists it.
type mail struct {
	Event string `json:"event"`
	Step  string `json:"step"`
	Body  string `json:"body"`
}

// outboxOf lists the election emails a token's member received.
func electionMailOf(t *testing.T, tok string) []mail {
	t.Helper()
	var out []mail
	expect(t, do(t, shared, "GET", "/api/v1/notifications?process=election&limit=1000", tok, nil), http.StatusOK).json(t, &out)
	return out
}

// TestElectionSuccessionAndRecommendation runs, over real HTTP with a
// calendar of seconds: a chair-elect acclaimed who takes office at the
// term start and becomes chair when the sitting chair's term ends (the
// positions table, the emails to both, the cycle's record); a NomCom
// delegate recommended, whose email goes to the ALAC chair and says it is
// a recommendation; the seat's must_fill_by date missed, staff alerted.
func TestElectionSuccessionAndRecommendation(t *testing.T) {
	e := shared
	ensureCountry(t, e, "UY", "Uruguay")
	var a struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "UY"}), http.StatusCreated).json(t, &a)
	_, staffTok := newMember(t, e, "UY", "", "staff")
	oldChair, oldChairTok := newMember(t, e, "UY", a.ID)
	alacChair, alacChairTok := newMember(t, e, "UY", "")
	elect, electTok := newMember(t, e, "UY", a.ID)
	delegate, delegateTok := newMember(t, e, "UY", a.ID)

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	chairEnds := now.Add(40 * time.Second).Truncate(time.Second)
	expect(t, do(t, e, "POST", "/api/v1/positions", staffTok, map[string]any{"position": "chair", "holder_id": oldChair.ID,
		"term_start": now.Add(-700 * 24 * time.Hour).Format(time.RFC3339), "term_end": chairEnds.Format(time.RFC3339)}), http.StatusCreated)
	expect(t, do(t, e, "POST", "/api/v1/positions", staffTok, map[string]any{"position": "alac_chair", "holder_id": alacChair.ID,
		"term_start": now.Add(-24 * time.Hour).Format(time.RFC3339)}), http.StatusCreated)

	var el struct {
		ID          string                `json:"id"`
		Status      string                `json:"status"`
		Nominations []election.Nomination `json:"nominations"`
		Successions []election.Succession `json:"successions"`
		Seats       []election.SeatState  `json:"seats"`
		Exceptions  []election.Exception  `json:"exceptions"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{"title": "Succession " + unique(),
		"seats": []map[string]any{{"seat": "chair_elect", "rotation": "none"},
			{"seat": "nomcom_delegate", "rotation": "none", "must_fill_by": at(10 * time.Second)}},
		"calendar": map[string]any{"nominations_close": at(15 * time.Second), "acceptance_close": at(15 * time.Second),
			"objections_close": at(16 * time.Second), "voting_open": at(16 * time.Second), "voting_close": at(20 * time.Second),
			"term_start": at(25 * time.Second)}}),
		http.StatusCreated).json(t, &el)
	path := "/api/v1/elections/" + el.ID
	if s := el.Seats[0]; s.Succeeds != "chair" || s.Term.D() != 730*24*time.Hour || s.SuccessionTerm.D() != 730*24*time.Hour {
		t.Errorf("chair_elect seat %+v, want the policy's succession to chair and terms", s)
	}
	if s := el.Seats[1]; s.Outcome != election.OutcomeRecommended || s.RecommendTo != "alac_chair" || s.MustFillBy == nil {
		t.Errorf("nomcom seat %+v, want recommended to the ALAC chair, with must_fill_by", s)
	}
	if !slices.ContainsFunc(el.Exceptions, func(x election.Exception) bool { return x.Kind == "must_fill_by_late" }) {
		t.Errorf("exceptions %+v, want the late calendar recorded", el.Exceptions)
	}
	for _, c := range []struct {
		seat, id, tok string
	}{{"chair_elect", elect.ID, electTok}, {"nomcom_delegate", delegate.ID, delegateTok}} {
		expect(t, do(t, e, "POST", path+"/nominations", oldChairTok, map[string]any{"seat": c.seat, "nominee_id": c.id, "statement": "s"}), http.StatusCreated).json(t, &el)
		nid := el.Nominations[len(el.Nominations)-1].ID
		expect(t, do(t, e, "POST", "/api/v1/members/"+c.id+"/declarations", c.tok, map[string]any{"kind": "none"}), http.StatusCreated)
		expect(t, do(t, e, "POST", path+"/nominations/"+nid+"/accept", c.tok, map[string]any{"statement_of_interest": "I will serve"}), http.StatusOK)
	}
	eventually(t, 60*time.Second, "closed", func() bool {
		expect(t, do(t, e, "GET", path, staffTok, nil), http.StatusOK).json(t, &el)
		return el.Status == election.StatusClosed
	})
	expect(t, do(t, e, "POST", path+"/certify", staffTok, nil), http.StatusOK)

	// The ALAC chair is told whom LACRALO recommends, as a recommendation.
	eventually(t, 30*time.Second, "the recommendation to the ALAC chair", func() bool {
		for _, m := range electionMailOf(t, alacChairTok) {
			if m.Event == election.EventRecommended && strings.Contains(m.Body, delegate.Name) && !strings.Contains(m.Body, delegate.ID) && strings.Contains(m.Body, "recomendación") {
				return true
			}
		}
		return false
	})
	// Staff were alerted that the NomCom seat missed its date.
	eventually(t, 30*time.Second, "the must_fill_by alerts", func() bool {
		kinds := map[string]bool{}
		for _, m := range electionMailOf(t, staffTok) {
			if m.Event == election.EventMustFillBy {
				kinds[strings.SplitN(strings.TrimPrefix(m.Step, "must_fill_by/nomcom_delegate/"), "/", 2)[0]] = true
			}
		}
		return kinds["late"] && kinds["overdue"]
	})

	// At the term start the elect holds chair_elect; when the sitting
	// chair's term ends, chair.
	holds := func(member, position string) bool {
		var ps []struct {
			Position string  `json:"position"`
			HolderID *string `json:"holder_id"`
		}
		expect(t, do(t, e, "GET", "/api/v1/positions", staffTok, nil), http.StatusOK).json(t, &ps)
		return slices.ContainsFunc(ps, func(p struct {
			Position string  `json:"position"`
			HolderID *string `json:"holder_id"`
		}) bool {
			return p.Position == position && p.HolderID != nil && *p.HolderID == member
		})
	}
	eventually(t, 60*time.Second, "the chair-elect in office", func() bool { return holds(elect.ID, "chair_elect") })
	// The cycle plans the succession right after: at the sitting chair's
	// term end (on a loaded machine it may already have taken effect).
	eventually(t, 30*time.Second, "the succession planned", func() bool {
		expect(t, do(t, e, "GET", path, staffTok, nil), http.StatusOK).json(t, &el)
		return len(el.Successions) == 1
	})
	if s := el.Successions[0]; s.Status == election.SuccessionSkipped || !s.At.Equal(chairEnds) || s.Basis != "sitting_term_end" {
		t.Fatalf("successions %+v, want one at %v, the sitting chair's term end", el.Successions, chairEnds)
	}
	eventually(t, 90*time.Second, "the succession", func() bool { return holds(elect.ID, "chair") })
	if holds(oldChair.ID, "chair") || holds(elect.ID, "chair_elect") {
		t.Error("after the succession the old chair or the chair-elect position remains")
	}
	eventually(t, 30*time.Second, "the succession recorded", func() bool {
		expect(t, do(t, e, "GET", path, staffTok, nil), http.StatusOK).json(t, &el)
		return len(el.Successions) == 1 && el.Successions[0].Status == election.SuccessionDone
	})
	if s := el.Successions[0]; !slices.Equal(s.Outgoing, []string{oldChair.ID}) || s.To != "chair" || s.MemberID != elect.ID {
		t.Errorf("succession %+v", s)
	}
	var res election.Results
	expect(t, do(t, e, "GET", path+"/results", staffTok, nil), http.StatusOK).json(t, &res)
	if s := res.Seats[0]; s.Succession == nil || s.Succession.Status != election.SuccessionDone {
		t.Errorf("results of chair_elect %+v, want the succession recorded", s)
	}
	for _, tok := range []string{electTok, oldChairTok} {
		eventually(t, 30*time.Second, "succession emails", func() bool {
			return slices.ContainsFunc(electionMailOf(t, tok), func(m mail) bool { return m.Event == election.EventSuccession })
		})
	}
	var audit []struct {
		Action string `json:"action"`
	}
	expect(t, do(t, e, "GET", "/api/v1/audit?limit=1000", adminToken, nil), http.StatusOK).json(t, &audit)
	if !slices.ContainsFunc(audit, func(x struct {
		Action string `json:"action"`
	}) bool {
		return x.Action == "position.succeeded"
	}) {
		t.Error("no position.succeeded audit entry")
	}
}
