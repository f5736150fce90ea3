package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// lacraloCountries are sixteen countries of the region, as many as have
// voting ALSes in LACRALO.
var lacraloCountries = []string{"AR", "BO", "BR", "CL", "CO", "CR", "DO", "EC", "GT", "HT", "MX", "PA", "PE", "PY", "TT", "UY"}

// BallotsConfig sizes the ballots benchmark.
type BallotsConfig struct {
	// ALSes is how many ALSes vote; each casts Rounds ballots (a first
	// ballot and revotes), so ALSes × Rounds ballots in all.
	ALSes  int
	Rounds int
	// Concurrency is how many clients send ballots at once.
	Concurrency int
	// Window is how long voting stays open; every ballot must be sent
	// within it.
	Window time.Duration
}

// BallotsReport is what the benchmark measured and checked.
type BallotsReport struct {
	// Sent are the ballots sent, all rounds together; the acknowledged
	// ones are Sent.N - Sent.Failed.
	Sent    Run `json:"sent"`
	Counted int `json:"counted"`
	// UnackedCounted are ALSes whose counted ballot is one sent after
	// their last acknowledged one, whose answer was lost: allowed, since
	// an unanswered ballot may have been recorded.
	UnackedCounted int      `json:"unacked_counted"`
	Mismatches     []string `json:"mismatches"`
}

// roster is the electorate the benchmark sets up.
type roster struct {
	staffToken string
	alses      []string
	reps       map[string]string // ALS -> its representative's token
	candidates []string
	candTokens []string
}

// setupRoster creates the countries, n ALSes spread over them with one
// representative each, a staff member and two candidates, through the store
// (the setup is not what is measured).
func setupRoster(ctx context.Context, e *Env, n int) (*roster, error) {
	st := e.Store()
	admin := benchActor
	for _, c := range lacraloCountries {
		if _, err := st.CreateCountry(ctx, admin, store.CountryInput{Code: c, Name: "Country " + c}); err != nil && !countryExists(err) {
			return nil, fmt.Errorf("country %s: %w", c, err)
		}
	}
	r := &roster{reps: map[string]string{}}
	member := func(name, country string, als *string, roles ...string) (store.Member, string, error) {
		email := fmt.Sprintf("%s-%s@bench.example.org", name, store.NewID("x"))
		m, err := st.CreateMember(ctx, admin, store.MemberInput{Name: &name, Email: &email, Country: &country, ALSID: als, Roles: &roles})
		if err != nil {
			return m, "", err
		}
		_, tok, err := st.IssueToken(ctx, admin, m.ID, "bench")
		return m, tok, err
	}
	for i := range n {
		country := lacraloCountries[i%len(lacraloCountries)]
		name := fmt.Sprintf("ALS %d", i)
		a, err := st.CreateALS(ctx, admin, store.ALSInput{Name: &name, Country: &country})
		if err != nil {
			return nil, fmt.Errorf("ALS %d: %w", i, err)
		}
		_, tok, err := member(fmt.Sprintf("rep%d", i), country, &a.ID, store.RoleMember, store.RoleALSRep)
		if err != nil {
			return nil, err
		}
		r.alses = append(r.alses, a.ID)
		r.reps[a.ID] = tok
	}
	var err error
	if _, r.staffToken, err = member("staff", "UY", nil, store.RoleMember, store.RoleStaff); err != nil {
		return nil, err
	}
	for i, country := range []string{"AR", "BR"} {
		als := r.alses[i] // candidates belong to an accredited ALS
		m, tok, err := member(fmt.Sprintf("candidate%d", i), country, &als, store.RoleMember)
		if err != nil {
			return nil, err
		}
		r.candidates = append(r.candidates, m.ID)
		r.candTokens = append(r.candTokens, tok)
	}
	return r, nil
}

// Ballots runs one election over HTTP whose vote receives cfg.ALSes ×
// cfg.Rounds ballots from cfg.Concurrency clients, then checks the
// published results against what was acknowledged: every ALS's last
// acknowledged ballot is counted, once, with its receipt and choice, and
// the totals equal a recomputation from the published roll.
func Ballots(ctx context.Context, e *Env, cfg BallotsConfig, progress io.Writer) (BallotsReport, error) {
	r, err := setupRoster(ctx, e, cfg.ALSes)
	if err != nil {
		return BallotsReport{}, fmt.Errorf("roster: %w", err)
	}
	fmt.Fprintf(progress, "roster: %d ALSes in %d countries\n", len(r.alses), len(lacraloCountries))

	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	var el struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Nominations []struct {
			ID string `json:"id"`
		} `json:"nominations"`
	}
	body := map[string]any{
		"title": "Benchmark " + now.Format(time.RFC3339),
		"seats": []map[string]any{{"seat": "secretariat", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(6 * time.Second), "acceptance_close": at(6 * time.Second),
			"objections_close": at(7 * time.Second), "voting_open": at(7 * time.Second), "voting_close": at(7*time.Second + cfg.Window)},
	}
	if err := e.Call(ctx, "POST", "/api/v1/elections", r.staffToken, body, &el); err != nil {
		return BallotsReport{}, fmt.Errorf("create election: %w", err)
	}
	path := "/api/v1/elections/" + el.ID
	for i, cand := range r.candidates {
		// The declaration must be dated within the cycle.
		if err := e.Call(ctx, "POST", "/api/v1/members/"+cand+"/declarations", r.candTokens[i], map[string]any{"kind": "none"}, nil); err != nil {
			return BallotsReport{}, fmt.Errorf("declaration: %w", err)
		}
		if err := e.Call(ctx, "POST", path+"/nominations", r.staffToken, map[string]any{"seat": "secretariat", "nominee_id": cand, "statement": "s"}, &el); err != nil {
			return BallotsReport{}, fmt.Errorf("nominate: %w", err)
		}
		nid := el.Nominations[len(el.Nominations)-1].ID
		if err := e.Call(ctx, "POST", path+"/nominations/"+nid+"/accept", r.candTokens[i], map[string]any{"statement_of_interest": "I serve"}, nil); err != nil {
			return BallotsReport{}, fmt.Errorf("accept: %w", err)
		}
	}
	if err := poll(ctx, 200*time.Millisecond, "voting", func() (bool, error) {
		err := e.Call(ctx, "GET", path, r.staffToken, nil, &el)
		return el.Status == election.StatusVoting, err
	}); err != nil {
		return BallotsReport{}, err
	}
	fmt.Fprintf(progress, "voting open: %d ballots from %d clients\n", cfg.ALSes*cfg.Rounds, cfg.Concurrency)

	// Round by round, every ALS votes; a revote may change its choice. lastAck is each ALS's last acknowledged
	// ballot.
	var (
		mu      sync.Mutex
		lastAck = map[string][2]string{} // ALS -> receipt, choice
		// unacked are choices sent after an ALS's last acknowledged
		// ballot whose answer never came: each may or may not count.
		unacked = map[string][]string{}
		rep     BallotsReport
	)
	for round := range cfg.Rounds {
		run := closedLoop(ctx, len(r.alses), cfg.Concurrency, func(ctx context.Context, i int) error {
			als := r.alses[i]
			// Two thirds for one candidate, a third for the other,
			// changing with the round: no tie.
			choice := r.candidates[0]
			if (round+i)%3 == 0 {
				choice = r.candidates[1]
			}
			var rc workflows.BallotReceipt
			err := e.Call(ctx, "POST", path+"/ballots", r.reps[als], map[string]any{"seat": "secretariat", "als_id": als, "choice": choice}, &rc)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				unacked[als] = append(unacked[als], choice)
				return err
			}
			lastAck[als] = [2]string{rc.Receipt, choice}
			delete(unacked, als)
			return nil
		})
		if round == 0 {
			rep.Sent = run
		} else {
			rep.Sent = rep.Sent.merge(run)
		}
	}
	elapsed := rep.Sent.Elapsed
	fmt.Fprintf(progress, "sent in %v; waiting for voting to close\n", elapsed.Round(time.Millisecond))
	if time.Now().After(now.Add(7*time.Second + cfg.Window)) {
		rep.Mismatches = append(rep.Mismatches, "the ballots took longer than the voting window: raise -window")
	}

	var res election.Results
	if err := poll(ctx, time.Second, "results", func() (bool, error) {
		err := e.Call(ctx, "GET", path+"/results", r.staffToken, nil, &res)
		if IsStatus(err, 409) {
			return false, nil
		}
		return err == nil, err
	}); err != nil {
		return rep, err
	}
	var uncertain int
	rep.Mismatches, uncertain = checkCount(res, lastAck, unacked)
	rep.UnackedCounted = uncertain
	for _, s := range res.Seats {
		rep.Counted += len(s.Ballots)
	}
	return rep, nil
}

// checkCount compares the published results with the acknowledged
// ballots (ALS -> [receipt, choice]) and recomputes the weighted totals
// from the published roll with exact rationals.
func checkCount(res election.Results, acked map[string][2]string, unacked map[string][]string) (bad []string, uncertain int) {
	if len(res.Seats) != 1 {
		return []string{fmt.Sprintf("%d seats in the results, want 1", len(res.Seats))}, 0
	}
	seat := res.Seats[0]
	seen := map[string]int{}
	for _, b := range seat.Ballots {
		seen[b.ALSID]++
		want, ok := acked[b.ALSID]
		switch {
		case b.Receipt != want[0] && slices.Contains(unacked[b.ALSID], b.Choice):
			uncertain++
			acked[b.ALSID] = [2]string{b.Receipt, b.Choice}
		case !ok:
			bad = append(bad, "a ballot counted for "+b.ALSID+" which no acknowledged ballot explains")
		case b.Receipt != want[0] || b.Choice != want[1]:
			bad = append(bad, fmt.Sprintf("%s: counted %s/%s, last acknowledged %s/%s", b.ALSID, b.Receipt, b.Choice, want[0], want[1]))
		}
	}
	for als := range acked {
		if seen[als] != 1 {
			bad = append(bad, fmt.Sprintf("%s: its last acknowledged ballot is counted %d times", als, seen[als]))
		}
	}
	// Recompute the totals: CW = 100 / countries, CC = CW / ALSes of the
	// country, as the roll says.
	perCountry := map[string]int{}
	country := map[string]string{}
	for _, r := range res.Roll {
		perCountry[r.Country]++
		country[r.ALSID] = r.Country
	}
	want := map[string]*big.Rat{}
	for als, a := range acked {
		w := new(big.Rat).SetFrac64(100, int64(len(perCountry)*perCountry[country[als]]))
		if want[a[1]] == nil {
			want[a[1]] = new(big.Rat)
		}
		want[a[1]].Add(want[a[1]], w)
	}
	if len(seat.Rounds) == 0 {
		return append(bad, "no round counted"), uncertain
	}
	for _, t := range seat.Rounds[0].Totals {
		w := 0.0
		if x := want[t.MemberID]; x != nil {
			w, _ = x.Float64()
		}
		if math.Abs(w-t.WeightedVotes) > 1e-9 {
			bad = append(bad, fmt.Sprintf("%s: %v weighted votes published, %v recomputed", t.MemberID, t.WeightedVotes, w))
		}
	}
	return bad, uncertain
}
