package api_test

import (
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// TestElectionEndToEnd runs a cycle over real HTTP with a calendar of
// seconds: the chair by acclamation, the secretariat by a nationally
// weighted vote with a revote, an inactive ALS left off the roll, a phase
// extended by staff, results, certification and publication, the elected
// in their positions at the term start, the ballots in the participation
// indicators and the emails to every member.
func TestElectionEndToEnd(t *testing.T) {
	e := shared
	for code, name := range map[string]string{"AR": "Argentina", "BR": "Brasil", "CL": "Chile"} {
		ensureCountry(t, e, code, name)
	}
	newALS := func(country string) string {
		var a struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": country}), http.StatusCreated).json(t, &a)
		return a.ID
	}
	a1, a2, b1, c1 := newALS("AR"), newALS("AR"), newALS("BR"), newALS("CL")
	// d1 lost its vote under the inactivity rule: it is not on the roll.
	d1 := newALS("CL")
	if err := e.app.Store.DB.Create(&store.ALSParticipation{ALSID: d1, Status: string(domain.VotingInactive),
		Since: time.Now().UTC(), UpdatedAt: time.Now().UTC()}).Error; err != nil {
		t.Fatal(err)
	}
	reps := map[string]string{}
	for _, als := range []string{a1, a2, b1, c1} {
		country := map[string]string{a1: "AR", a2: "AR", b1: "BR", c1: "CL"}[als]
		_, tok := newMember(t, e, country, als, "als_rep")
		reps[als] = tok
	}
	_, staffTok := newMember(t, e, "AR", "", "staff")
	_, memberTok := newMember(t, e, "BR", "")
	// Nominators and candidates are members of an ALS: observers may not
	// nominate or stand.
	_, nominatorTok := newMember(t, e, "BR", b1)
	chair, chairTok := newMember(t, e, "AR", a1)
	sec1, sec1Tok := newMember(t, e, "BR", b1)
	sec2, sec2Tok := newMember(t, e, "CL", c1)

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	body := map[string]any{
		"title": "Leadership " + unique(),
		"seats": []map[string]any{
			{"seat": "chair", "rotation": "none"},
			{"seat": "secretariat", "rotation": "none"},
		},
		"calendar": map[string]any{"nominations_close": at(40 * time.Second), "acceptance_close": at(40 * time.Second),
			"objections_close": at(41 * time.Second), "voting_open": at(41 * time.Second), "voting_close": at(50 * time.Second),
			"term_start": at(55 * time.Second)},
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", memberTok, body), http.StatusForbidden)
	var el struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Nominations []struct {
			ID        string   `json:"id"`
			NomineeID string   `json:"nominee_id"`
			Eligible  bool     `json:"eligible"`
			Reasons   []string `json:"reasons"`
		} `json:"nominations"`
		Voted []struct {
			ALSID string `json:"als_id"`
		} `json:"voted"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, body), http.StatusCreated).json(t, &el)
	if el.Status != election.StatusNominations {
		t.Fatalf("new election %+v", el)
	}
	path := "/api/v1/elections/" + el.ID

	// The rules' periods read in the policy's notation.
	var rules struct {
		Rules map[string]any `json:"rules"`
	}
	expect(t, do(t, e, "GET", path, memberTok, nil), http.StatusOK).json(t, &rules)
	if rules.Rules["reopen_period"] != "7d" || rules.Rules["objection_window"] != "2d" {
		t.Errorf("rules: %v, want reopen_period 7d and objection_window 2d", rules.Rules)
	}
	expect(t, do(t, e, "GET", path+"/nominations/n999", memberTok, nil), http.StatusNotFound)

	// Nominations; each nominee declares and accepts.
	// A nomination answers 201 with the cycle and the nomination created,
	// whose own URL is in Location and reads it back.
	nominate := func(seat, nominee string) string {
		var created struct {
			ID          string `json:"id"`
			Nomination  election.Nomination
			Nominations []election.Nomination `json:"nominations"`
		}
		r := expect(t, do(t, e, "POST", path+"/nominations", nominatorTok, map[string]any{"seat": seat, "nominee_id": nominee, "statement": "s"}), http.StatusCreated)
		r.json(t, &created)
		n := created.Nomination
		if n.ID == "" || n.ID == created.ID || n.Seat != seat || n.NomineeID != nominee {
			t.Fatalf("the created nomination: %+v (election %s)", n, created.ID)
		}
		if created.ID != el.ID || !slices.ContainsFunc(created.Nominations, func(x election.Nomination) bool { return x.ID == n.ID }) {
			t.Fatalf("the cycle beside the nomination: %s %+v", created.ID, created.Nominations)
		}
		if n.Eligible || len(n.Reasons) == 0 {
			t.Fatalf("a nomination not accepted is not eligible: %+v", n)
		}
		loc := r.header.Get("Location")
		if loc != path+"/nominations/"+n.ID {
			t.Fatalf("Location %q, want %q", loc, path+"/nominations/"+n.ID)
		}
		var got election.Nomination
		expect(t, do(t, e, "GET", loc, memberTok, nil), http.StatusOK).json(t, &got)
		if got.ID != n.ID || got.NomineeID != nominee || got.Seat != seat {
			t.Fatalf("GET %s: %+v, want %+v", loc, got, n)
		}
		return n.ID
	}
	accept := func(nid, id, tok string) {
		expect(t, do(t, e, "POST", "/api/v1/members/"+id+"/declarations", tok, map[string]any{"kind": "none"}), http.StatusCreated)
		expect(t, do(t, e, "POST", path+"/nominations/"+nid+"/accept", tok, map[string]any{"statement_of_interest": "I will serve"}), http.StatusOK).json(t, &el)
		for _, n := range el.Nominations {
			if n.ID == nid && !n.Eligible {
				t.Fatalf("accepted nominee not eligible: %+v", n)
			}
		}
	}
	n1 := nominate("chair", chair.ID)
	n2 := nominate("secretariat", sec1.ID)
	n3 := nominate("secretariat", sec2.ID)
	expect(t, do(t, e, "POST", path+"/nominations/"+n1+"/accept", sec1Tok, map[string]any{"statement_of_interest": "x"}), http.StatusForbidden)
	accept(n1, chair.ID, chairTok)
	accept(n2, sec1.ID, sec1Tok)
	accept(n3, sec2.ID, sec2Tok)

	expect(t, do(t, e, "POST", path+"/eligibility", memberTok, nil), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/eligibility", staffTok, nil), http.StatusOK)

	// Staff extend the vote by five seconds; never shorten it.
	extend := func(tok string, until time.Duration, reason string) response {
		return do(t, e, "POST", path+"/extend", tok, map[string]any{"phase": "voting", "until": at(until), "reason": reason})
	}
	expect(t, extend(memberTok, 55*time.Second, "holiday"), http.StatusForbidden)
	expect(t, extend(staffTok, 45*time.Second, "shorter"), http.StatusUnprocessableEntity)
	expect(t, extend(staffTok, 55*time.Second, ""), http.StatusUnprocessableEntity)
	var badUntil struct {
		Errors map[string]string `json:"errors"`
	}
	expect(t, do(t, e, "POST", path+"/extend", staffTok, map[string]any{"phase": "voting", "until": "soon", "reason": "r"}), http.StatusUnprocessableEntity).json(t, &badUntil)
	if got := badUntil.Errors["until"]; !strings.Contains(got, "RFC 3339") {
		t.Errorf("extend with until \"soon\": %v", badUntil.Errors)
	}
	var extended struct {
		Calendar   election.Calendar    `json:"calendar"`
		Exceptions []election.Exception `json:"exceptions"`
	}
	expect(t, extend(staffTok, 55*time.Second, "a public holiday"), http.StatusOK).json(t, &extended)
	if !extended.Calendar.VotingClose.Equal(now.Add(55*time.Second)) || !extended.Calendar.TermStart.Equal(now.Add(55*time.Second)) ||
		len(extended.Exceptions) != 1 || extended.Exceptions[0].Kind != "phase_extended" {
		t.Errorf("after the extension: %+v", extended)
	}

	// Voting.
	eventually(t, 120*time.Second, "voting", func() bool {
		expect(t, do(t, e, "GET", path, memberTok, nil), http.StatusOK).json(t, &el)
		return el.Status == election.StatusVoting
	})
	vote := func(tok, als, choice string) response {
		return do(t, e, "POST", path+"/ballots", tok, map[string]any{"seat": "secretariat", "als_id": als, "choice": choice})
	}
	expect(t, vote(reps[a1], c1, sec1.ID), http.StatusForbidden)
	expect(t, vote(memberTok, a1, sec1.ID), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/ballots", reps[a1], map[string]any{"seat": "chair", "als_id": a1, "choice": chair.ID}), http.StatusConflict)
	var receipt struct {
		Receipt string `json:"receipt"`
	}
	expect(t, vote(reps[a1], a1, sec2.ID), http.StatusCreated)
	expect(t, vote(reps[a2], a2, sec2.ID), http.StatusCreated)
	expect(t, vote(reps[b1], b1, sec1.ID), http.StatusCreated)
	expect(t, vote(reps[c1], c1, sec1.ID), http.StatusCreated)
	expect(t, vote(reps[a1], a1, sec1.ID), http.StatusCreated).json(t, &receipt) // the revote counts
	if receipt.Receipt == "" {
		t.Fatal("no receipt")
	}
	expect(t, do(t, e, "GET", path, memberTok, nil), http.StatusOK).json(t, &el)
	if len(el.Voted) < 4 {
		t.Errorf("who voted is visible: %+v", el.Voted)
	}
	expect(t, do(t, e, "GET", path+"/results", memberTok, nil), http.StatusConflict)
	expect(t, do(t, e, "GET", "/api/v1/public/elections/"+el.ID+"/results", "", nil), http.StatusNotFound)

	// Results (the shared database holds other tests' ALSes, so the vote
	// may be extended once for want of quorum).
	var res election.Results
	eventually(t, 120*time.Second, "results", func() bool {
		r := do(t, e, "GET", path+"/results", memberTok, nil)
		if r.status != http.StatusOK {
			return false
		}
		r.json(t, &res)
		return true
	})
	weight := map[string]float64{}
	countries := map[string]int{}
	if slices.ContainsFunc(res.Roll, func(r workflows.ElectionRollEntry) bool { return r.ALSID == d1 }) {
		t.Errorf("the inactive ALS %s is on the roll", d1)
	}
	for _, r := range res.Roll {
		weight[r.ALSID] = r.Weight
		countries[r.Country]++
	}
	for _, r := range res.Roll {
		if want := 100 / float64(len(countries)*countries[r.Country]); math.Abs(r.Weight-want) > 1e-9 {
			t.Errorf("weight of %s = %v, want %v", r.ALSID, r.Weight, want)
		}
	}
	var chairRes, secRes election.SeatResult
	for _, s := range res.Seats {
		switch s.Seat {
		case "chair":
			chairRes = s
		case "secretariat":
			secRes = s
		}
	}
	if len(chairRes.Elected) != 1 || chairRes.Elected[0] != chair.ID || len(chairRes.Rounds) != 0 {
		t.Errorf("chair = %+v, want acclamation", chairRes)
	}
	if len(secRes.Elected) != 1 || secRes.Elected[0] != sec1.ID || len(secRes.Rounds) != 1 {
		t.Fatalf("secretariat = %+v", secRes)
	}
	totals := map[string]election.ResultTotal{}
	for _, x := range secRes.Rounds[0].Totals {
		totals[x.MemberID] = x
	}
	if got, want := totals[sec1.ID].WeightedVotes, weight[a1]+weight[b1]+weight[c1]; math.Abs(got-want) > 1e-9 || totals[sec1.ID].Ballots != 3 {
		t.Errorf("%s: %+v, want %v", sec1.ID, totals[sec1.ID], want)
	}
	if got, want := totals[sec2.ID].WeightedVotes, weight[a2]; math.Abs(got-want) > 1e-9 {
		t.Errorf("%s: %v, want %v", sec2.ID, got, want)
	}
	choices := map[string]string{}
	for _, b := range secRes.Ballots {
		choices[b.ALSID] = b.Choice
		if b.Receipt == "" {
			t.Errorf("ballot without receipt %+v", b)
		}
	}
	if choices[a1] != sec1.ID || choices[a2] != sec2.ID || choices[b1] != sec1.ID || choices[c1] != sec1.ID {
		t.Errorf("open ballots = %+v", secRes.Ballots)
	}
	if secRes.Quorum == nil || secRes.Quorum.Cast != 4 {
		t.Errorf("quorum = %+v", secRes.Quorum)
	}

	// Certification and publication; a contest is refused before it.
	contest := map[string]any{"question": "Was the secretariat vote valid?", "parties": []string{sec1.ID},
		"appeal_of": map[string]any{"kind": "election", "id": el.ID}}
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", sec2Tok, contest), http.StatusConflict)
	expect(t, do(t, e, "POST", path+"/certify", memberTok, nil), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/certify", staffTok, nil), http.StatusOK)
	eventually(t, 10*time.Second, "public results", func() bool {
		return do(t, e, "GET", "/api/v1/public/elections/"+el.ID+"/results", "", nil).status == http.StatusOK
	})
	var pub election.Results
	expect(t, do(t, e, "GET", "/api/v1/public/elections/"+el.ID+"/results", "", nil), http.StatusOK).json(t, &pub)
	if pub.Status != election.StatusCertified || len(pub.Seats) != 2 {
		t.Errorf("public results %+v", pub)
	}
	var view struct {
		Diversity struct {
			Elected struct {
				Countries map[string]int `json:"countries"`
			} `json:"elected"`
		} `json:"diversity"`
	}
	expect(t, do(t, e, "GET", path, memberTok, nil), http.StatusOK).json(t, &view)
	if c := view.Diversity.Elected.Countries; c["AR"] != 1 || c["BR"] != 1 {
		t.Errorf("diversity of the elected = %+v", c)
	}
	expect(t, do(t, e, "POST", path+"/certify", staffTok, nil), http.StatusConflict)

	// The runner-up contests the certified result before the arbitrator;
	// the arbitration records the contest on the election as it starts,
	// and says so in its audit log.
	var arb struct {
		ID string `json:"id"`
	}
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", sec2Tok, contest), http.StatusCreated).json(t, &arb)
	var contested struct {
		ContestUntil *time.Time         `json:"contest_until"`
		Contests     []election.Contest `json:"contests"`
	}
	eventually(t, 10*time.Second, "the contest on the election", func() bool {
		expect(t, do(t, e, "GET", path, memberTok, nil), http.StatusOK).json(t, &contested)
		return len(contested.Contests) > 0
	})
	if contested.ContestUntil == nil || len(contested.Contests) != 1 || contested.Contests[0].ArbitrationID != arb.ID {
		t.Errorf("contests %+v", contested)
	}
	eventually(t, 10*time.Second, "the contest in the case's audit log", func() bool {
		var entries []store.AuditEntry
		expect(t, do(t, e, "GET", "/api/v1/audit?process=arbitration&object_id="+arb.ID, sec2Tok, nil), http.StatusOK).json(t, &entries)
		return slices.ContainsFunc(entries, func(x store.AuditEntry) bool { return x.Action == "arbitration.contest_recorded" })
	})

	// The elected take their positions at the term start.
	eventually(t, 60*time.Second, "positions", func() bool {
		var ps []store.Position
		expect(t, do(t, e, "GET", "/api/v1/positions", memberTok, nil), http.StatusOK).json(t, &ps)
		held := map[string]string{}
		for _, p := range ps {
			if p.HolderID != nil {
				held[*p.HolderID] = p.Position
			}
		}
		return held[chair.ID] == "chair" && held[sec1.ID] == "secretariat"
	})

	// Every member was told at each phase, in the outbox.
	var mine []struct {
		Event string `json:"event"`
	}
	eventually(t, 30*time.Second, "election emails", func() bool {
		expect(t, do(t, e, "GET", "/api/v1/notifications?process=election&limit=1000", memberTok, nil), http.StatusOK).json(t, &mine)
		got := map[string]bool{}
		for _, m := range mine {
			got[m.Event] = true
		}
		return got["election.opened"] && got["election.voting_open"] && got["election.extended"] && got["election.results"]
	})

	// Each ALS that voted has a ballot in its participation indicators.
	var rows []struct {
		ALSID   string `json:"als_id"`
		Ballots int    `json:"ballots_cast"`
	}
	from := now.Add(-time.Hour).Format(time.RFC3339)
	to := now.Add(time.Hour).Format(time.RFC3339)
	expect(t, do(t, e, "GET", "/api/v1/participation?from="+from+"&to="+to, staffTok, nil), http.StatusOK).json(t, &rows)
	ballots := map[string]int{}
	for _, r := range rows {
		ballots[r.ALSID] = r.Ballots
	}
	for _, als := range []string{a1, a2, b1, c1} {
		if ballots[als] != 1 {
			t.Errorf("ALS %s: %d ballots in its indicators, want 1", als, ballots[als])
		}
	}
}

// TestElectionCalendarErrorsNameDefaults checks that a calendar out of
// order is refused with a message per field that says which dates were
// defaulted and from what.
func TestElectionCalendarErrorsNameDefaults(t *testing.T) {
	e := shared
	_, staffTok := newMember(t, e, "AR", "", "staff")
	now := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	create := func(cal map[string]any) map[string]string {
		var p struct {
			Detail string            `json:"detail"`
			Errors map[string]string `json:"errors"`
		}
		expect(t, do(t, e, "POST", "/api/v1/elections", staffTok, map[string]any{"title": "Calendar " + unique(),
			"seats": []map[string]any{{"seat": "chair", "rotation": "none"}}, "calendar": cal}), http.StatusUnprocessableEntity).json(t, &p)
		if len(p.Errors) == 0 {
			t.Fatalf("no field errors: %+v", p)
		}
		return p.Errors
	}
	// objections_close defaults to acceptance_close (itself defaulted to
	// nominations_close) + 48h, after the voting_open given.
	errs := create(map[string]any{"nominations_close": at(time.Hour), "voting_open": at(2 * time.Hour), "voting_close": at(72 * time.Hour)})
	want := "objections_close was not given and defaulted to acceptance_close + 2d = " + now.Add(49*time.Hour).Format(time.RFC3339) +
		", which is after voting_open (" + now.Add(2*time.Hour).Format(time.RFC3339) + ")"
	if got := errs["calendar.objections_close"]; !strings.HasPrefix(got, want) {
		t.Errorf("calendar.objections_close: %q, want it to start with %q (all: %v)", got, want, errs)
	}
	// Every date given, two out of order: each names its field.
	errs = create(map[string]any{"nominations_close": at(3 * time.Hour), "acceptance_close": at(2 * time.Hour),
		"objections_close": at(4 * time.Hour), "voting_open": at(5 * time.Hour), "voting_close": at(5 * time.Hour)})
	if got := errs["calendar.acceptance_close"]; !strings.HasPrefix(got, "acceptance_close is "+at(2*time.Hour)+", which is before nominations_close") {
		t.Errorf("calendar.acceptance_close: %q (all: %v)", got, errs)
	}
	if got := errs["calendar.voting_close"]; !strings.HasPrefix(got, "voting_close is "+at(5*time.Hour)+", which is the same as voting_open") {
		t.Errorf("calendar.voting_close: %q (all: %v)", got, errs)
	}
	// A date in another form is named, with the form expected, not the
	// parser's message.
	errs = create(map[string]any{"nominations_close": at(time.Hour), "voting_close": "next tuesday", "nomination_close": at(time.Hour)})
	if got := errs["calendar.voting_close"]; !strings.Contains(got, "2027-03-01T12:00:00Z") || strings.Contains(got, "parsing") {
		t.Errorf("calendar.voting_close: %q (all: %v)", got, errs)
	}
	if got := errs["calendar.nomination_close"]; got != "unknown field" {
		t.Errorf("calendar.nomination_close: %q (all: %v)", got, errs)
	}
	// voting_open defaulted from objections_close, after voting_close.
	errs = create(map[string]any{"nominations_close": at(time.Hour), "acceptance_close": at(time.Hour),
		"objections_close": at(10 * time.Hour), "voting_close": at(5 * time.Hour)})
	if got := errs["calendar.voting_open"]; !strings.HasPrefix(got, "voting_open was not given and defaulted to objections_close = "+at(10*time.Hour)+", which is after voting_close") {
		t.Errorf("calendar.voting_open: %q (all: %v)", got, errs)
	}
}
