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
