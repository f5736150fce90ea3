package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows/election"
)

// floodBudgets are the budgets of TestElectionFlood: a member may send 20
// writes at once, then one a second; the election continues as new
// every 300 history events.
const floodBudgets = `budgets:
  update_burst: 20
  update_every: 1s
  history_events: 300
`

// TestElectionFlood drives one election past its budgets over real HTTP
// against the embedded Temporal server: during nominations two members
// file thousands of declarations (each accepted one asks the election for
// a recheck, coalesced); during the vote three ALS representatives send a
// thousand replaced ballots each, while five other ALSes vote normally.
// The floods get 429 (rate limit) and 409 (ballot budget), never a 5xx;
// every other ALS's ballot is accepted; the election continues as new at
// least once; and the results count, for every ALS, its last
// acknowledged ballot.
func TestElectionFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("the flood takes about a minute")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	pol := testPolicy[:strings.Index(testPolicy, "budgets:")] + floodBudgets
	e, err := startEnvWith(ctx, t.TempDir(), "", pol)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()

	countries := []string{"AR", "BR", "CL", "UY"}
	for _, c := range countries {
		ensureCountry(t, e, c, c)
	}
	type voter struct{ als, country, token string }
	var honest, flooders []voter
	for i := range 8 {
		country := countries[i%len(countries)]
		var a struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": country}), http.StatusCreated).json(t, &a)
		_, tok := newMember(t, e, country, a.ID, "als_rep")
		v := voter{als: a.ID, country: country, token: tok}
		if i < 3 {
			flooders = append(flooders, v)
		} else {
			honest = append(honest, v)
		}
	}
	var cands []string
	var candToks []string
	for i := range 2 {
		m, tok := newMember(t, e, countries[i], honest[i].als)
		cands, candToks = append(cands, m.ID), append(candToks, tok)
	}
	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	var el struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", adminToken, map[string]any{
		"title": "Flooded " + unique(), "seats": []map[string]any{{"seat": "secretariat", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(12 * time.Second), "acceptance_close": at(12 * time.Second),
			"objections_close": at(13 * time.Second), "voting_open": at(13 * time.Second), "voting_close": at(40 * time.Second)},
	}), http.StatusCreated).json(t, &el)
	path := "/api/v1/elections/" + el.ID
	for i, c := range cands {
		var n struct {
			Nomination struct{ ID string } `json:"nomination"`
		}
		expect(t, do(t, e, "POST", path+"/nominations", adminToken, map[string]any{"seat": "secretariat", "nominee_id": c}), http.StatusCreated).json(t, &n)
		expect(t, do(t, e, "POST", "/api/v1/members/"+c+"/declarations", candToks[i], map[string]any{"kind": "none"}), http.StatusCreated)
		expect(t, do(t, e, "POST", path+"/nominations/"+n.Nomination.ID+"/accept", candToks[i], map[string]any{"statement_of_interest": "I serve"}), http.StatusOK)
	}

	// statuses counts the answers of a flood by status.
	type tally struct {
		mu sync.Mutex
		by map[int]int
	}
	count := func(tl *tally, status int) {
		tl.mu.Lock()
		defer tl.mu.Unlock()
		tl.by[status]++
	}

	// Declarations flood, until nominations close.
	decl := &tally{by: map[int]int{}}
	var wg sync.WaitGroup
	for range 2 {
		m, tok := newMember(t, e, "AR", "")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000 && time.Now().Before(now.Add(11*time.Second)); i++ {
				r := do(t, e, "POST", "/api/v1/members/"+m.ID+"/declarations", tok, map[string]any{"kind": "none"})
				count(decl, r.status)
			}
		}()
	}
	wg.Wait()
	eventually(t, 30*time.Second, "voting", func() bool {
		expect(t, do(t, e, "GET", path, adminToken, nil), http.StatusOK).json(t, &el)
		return el.Status == election.StatusVoting
	})

	// Ballot floods and the honest vote, at once. last is each ALS's last
	// acknowledged choice; a flooder's ballots go one after another, so
	// the last 201 is the one that must count.
	var mu sync.Mutex
	last := map[string]string{}
	ballots := &tally{by: map[int]int{}}
	honestBad := []string{}
	vote := func(v voter, choice string) response {
		return do(t, e, "POST", path+"/ballots", v.token, map[string]any{"seat": "secretariat", "als_id": v.als, "choice": choice})
	}
	for _, f := range flooders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000 && time.Now().Before(now.Add(35*time.Second)); i++ {
				choice := cands[i%2]
				r := vote(f, choice)
				count(ballots, r.status)
				if r.status == http.StatusCreated {
					mu.Lock()
					last[f.als] = choice
					mu.Unlock()
				}
			}
		}()
	}
	for i, h := range honest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 2 {
				time.Sleep(time.Duration(1+i+3*j) * time.Second)
				choice := cands[(i+j)%2]
				r := vote(h, choice)
				mu.Lock()
				if r.status == http.StatusCreated {
					last[h.als] = choice
				} else {
					honestBad = append(honestBad, fmt.Sprintf("%s: %d %s", h.als, r.status, r.body))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("declarations: %v; ballots: %v", decl.by, ballots.by)
	if len(honestBad) > 0 {
		t.Errorf("honest ballots refused: %v", honestBad)
	}
	for what, tl := range map[string]*tally{"declarations": decl, "ballots": ballots} {
		for status := range tl.by {
			if status != http.StatusCreated && status != http.StatusTooManyRequests && status != http.StatusConflict {
				t.Errorf("%s flood: %d answers with status %d", what, tl.by[status], status)
			}
		}
		if tl.by[http.StatusTooManyRequests] == 0 {
			t.Errorf("%s flood: no 429", what)
		}
	}
	if ballots.by[http.StatusConflict] == 0 || ballots.by[http.StatusCreated] != 3*(election.DefaultMaxBallotChanges+1) {
		t.Errorf("ballot flood: %d accepted, %d refused by the budget; want %d accepted (3 ALSes × %d)",
			ballots.by[http.StatusCreated], ballots.by[http.StatusConflict], 3*(election.DefaultMaxBallotChanges+1), election.DefaultMaxBallotChanges+1)
	}
	var refused struct {
		Detail string `json:"detail"`
	}
	// The flooder's write budget may still be spent: wait it out (the
	// limiter gives one write a second), then the ballot budget answers.
	again := vote(flooders[0], cands[0])
	for i := 0; i < 10 && again.status == http.StatusTooManyRequests; i++ {
		time.Sleep(time.Second)
		again = vote(flooders[0], cands[0])
	}
	expect(t, again, http.StatusConflict).json(t, &refused)
	if !strings.Contains(refused.Detail, "maximum of 10 times") {
		t.Errorf("the refusal says %q", refused.Detail)
	}

	// Who has voted shows the changes left to the ALS's own representative
	// only.
	changesLeft := func(tok, als string) *int {
		var doc struct {
			Voted []struct {
				ALSID       string `json:"als_id"`
				ChangesLeft *int   `json:"changes_left"`
			} `json:"voted"`
		}
		expect(t, do(t, e, "GET", path, tok, nil), http.StatusOK).json(t, &doc)
		for _, v := range doc.Voted {
			if v.ALSID == als {
				return v.ChangesLeft
			}
		}
		t.Fatalf("ALS %s not in who has voted", als)
		return nil
	}
	if left := changesLeft(flooders[0].token, flooders[0].als); left == nil || *left != 0 {
		t.Errorf("the flooder's own view: changes_left %v, want 0", left)
	}
	if left := changesLeft(honest[0].token, honest[0].als); left == nil || *left != election.DefaultMaxBallotChanges-1 {
		t.Errorf("an honest ALS's own view: changes_left %v, want %d", left, election.DefaultMaxBallotChanges-1)
	}
	if left := changesLeft(honest[0].token, flooders[0].als); left != nil {
		t.Errorf("another ALS's view shows the flooder's changes left: %d", *left)
	}

	// The workflow continued as new, and the API still reads it by ID.
	desc, err := e.app.Client.DescribeWorkflowExecution(t.Context(), election.WorkflowID(el.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if info.GetFirstRunId() == info.GetExecution().GetRunId() {
		t.Errorf("the election never continued as new (history %d events)", info.GetHistoryLength())
	}

	eventually(t, 40*time.Second, "voting closed", func() bool {
		expect(t, do(t, e, "GET", path, adminToken, nil), http.StatusOK).json(t, &el)
		return el.Status == election.StatusClosed
	})
	var res election.Results
	expect(t, do(t, e, "GET", path+"/results", adminToken, nil), http.StatusOK).json(t, &res)
	if len(res.Seats) != 1 || len(res.Seats[0].Ballots) != len(last) || len(last) != 8 {
		t.Fatalf("results %+v; acknowledged %v", res.Seats, last)
	}
	for _, b := range res.Seats[0].Ballots {
		if b.Choice != last[b.ALSID] {
			t.Errorf("ALS %s: counted %s, its last acknowledged ballot chose %s", b.ALSID, b.Choice, last[b.ALSID])
		}
	}
}
