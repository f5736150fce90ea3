package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lacralo/ralo/notify/smtptest"
	"github.com/lacralo/ralo/store"
)

// crashPolicy runs the arbitration clock in seconds, with an overdue alert
// every second, so timers keep firing while the process is killed.
const crashPolicy = `
arbitration:
  challenge_window: 1s
  submissions: 1s
  ruling_due: 3s
  reminders: [2s, 1s]
  overdue_alert_every: 1s
# The crash test's clients replace ballots and write as fast as they can
# through every kill: the budgets that hold one member back are tested in
# ./api/ (TestUpdateRateLimit, TestElectionFlood).
election:
  max_ballot_changes: 1000000
budgets:
  update_burst: 1000000
  update_every: 1ms
`

// child is `ralo dev` as a separate process, killed with SIGKILL.
type child struct {
	cmd *exec.Cmd
	api string
}

func startChild(t *testing.T, bin, dir, smtpURL string, apiPort, temporalPort int) *child {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(dir, "dev.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(bin, "dev", "--data-dir", dir, "--listen", fmt.Sprintf("127.0.0.1:%d", apiPort),
		"--temporal-port", fmt.Sprint(temporalPort), "--admin-token", "crash-admin", "--smtp-url", smtpURL,
		"--policy", filepath.Join(dir, "policy.yaml"), "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, api: fmt.Sprintf("http://127.0.0.1:%d", apiPort)}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(c.api + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(filepath.Join(dir, "dev.log"))
			t.Fatalf("ralo dev not ready after a restart:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
}

// TestCrashRecovery kills `ralo dev` with SIGKILL at random moments while
// arbitration cases are filed and driven and their clocks run, and while
// the ALSes of an election cast and change their ballots, restarts it on the
// same data each time, and checks at the end that nothing was lost or done
// twice: every acknowledged case exists once, every reminder and alert fired
// once per step, every ALS's last acknowledged ballot is counted exactly
// once, every email reached the SMTP server once, and the audit chain
// verifies.
//
// The window between an SMTP server accepting a message and the outbox
// recording it is the one place a kill could cause a second delivery (the
// Message-ID, derived from the idempotency key, lets a receiver spot it);
// the test would report it.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(crashPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	apiPort, temporalPort := freePort(t), freePort(t)
	c := startChild(t, bin, dir, mail.URL(), apiPort, temporalPort)
	defer func() { c.kill() }()
	p := &devProcess{api: c.api}
	const admin = "crash-admin"

	if st, _ := p.call(t, "POST", "/api/v1/countries", admin, map[string]any{"code": "AR", "name": "Argentina"}); st != http.StatusCreated {
		t.Fatalf("country: %d", st)
	}
	member := func(roles ...string) string {
		st, m := p.call(t, "POST", "/api/v1/members", admin, map[string]any{"name": "M", "email": fmt.Sprintf("m%d@example.org", rand.Int64()),
			"country": "AR", "roles": roles})
		if st != http.StatusCreated {
			t.Fatalf("member: %d %v", st, m)
		}
		return m["id"].(string)
	}
	respondent, arbitrator := member(), member("arbitrator")
	var tok struct{ Token string }
	if code, m := p.call(t, "POST", "/api/v1/members/"+arbitrator+"/tokens", admin, map[string]any{"label": "crash"}); code == http.StatusCreated {
		tok.Token = m["token"].(string)
	} else {
		t.Fatalf("token: %d", code)
	}

	// CI runs the short form; RALO_CRASH_KILLS=50 is the long one.
	rounds := 5
	if n, err := strconv.Atoi(os.Getenv("RALO_CRASH_KILLS")); err == nil && n > 0 {
		rounds = n
	}
	el := newCrashElection(t, p, admin, rounds)
	stopVoting := el.keepVoting(p)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	acked := map[string]bool{}
	kills := 0
	for round := 0; round < rounds; round++ {
		// Drive work for a random while, then kill -9 mid-flight.
		stop := time.Now().Add(time.Duration(200+rng.IntN(800)) * time.Millisecond)
		for time.Now().Before(stop) {
			st, cs := p.call(t, "POST", "/api/v1/arbitrations", admin, map[string]any{"question": "Q", "parties": []string{respondent}})
			if st != http.StatusCreated {
				break // the process may be restarting under us
			}
			id := cs["id"].(string)
			acked[id] = true
			// Start the case's clocks: a hearing two seconds ahead, then
			// the ruling falls due and overdue alerts fire every second.
			p.call(t, "POST", "/api/v1/arbitrations/"+id+"/assign", admin, map[string]any{"arbitrator_id": arbitrator})
			p.call(t, "POST", "/api/v1/arbitrations/"+id+"/confirm", tok.Token, nil)
			p.call(t, "POST", "/api/v1/arbitrations/"+id+"/hearing", tok.Token, map[string]any{
				"starts_at": time.Now().Add(2 * time.Second).UTC(), "duration": 30, "location": "call"})
		}
		c.kill()
		kills++
		c = startChild(t, bin, dir, mail.URL(), apiPort, temporalPort)
	}
	stopVoting()
	t.Logf("%d kills, %d cases and %d ballots acknowledged", kills, len(acked), el.ballots)
	el.settle(t, p)

	// Every acknowledged case is there, once, and its workflow answers.
	st, err := store.Open(filepath.Join(dir, "ralo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	cases, err := st.ListCases(ctx, "arbitration", "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, cs := range cases {
		seen[cs.ID]++
	}
	for id := range acked {
		if seen[id] != 1 {
			t.Fatalf("acknowledged case %s appears %d times", id, seen[id])
		}
		if code, _ := p.call(t, "GET", "/api/v1/arbitrations/"+id, admin, nil); code != http.StatusOK {
			t.Fatalf("case %s does not answer after the crashes: %d", id, code)
		}
	}

	// Rule every case whose clock runs, which stops its alerts; cases whose
	// hearing is still ahead are ruled once it is held. The ruling route
	// emails, so it is rate limited per member (a burst of 20, then one
	// every 3 s): the long form's arbitrator waits for their turn.
	for until := time.Now().Add(30*time.Second + time.Duration(len(acked))*3*time.Second); ; {
		waiting := 0
		for id := range acked {
			_, cs := p.call(t, "GET", "/api/v1/arbitrations/"+id, admin, nil)
			switch cs["status"] {
			case "ruling_due", "overdue":
				code, _ := p.call(t, "POST", "/api/v1/arbitrations/"+id+"/ruling", tok.Token, map[string]any{"outcome": "decided", "text": "Ruled."})
				switch code {
				case http.StatusOK:
				case http.StatusTooManyRequests:
					waiting++
				default:
					t.Fatalf("ruling %s: %d", id, code)
				}
			case "submissions", "hearing_scheduled":
				if cs["hearing"] != nil {
					waiting++
				}
			}
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(until) {
			t.Fatalf("%d cases never reached their ruling clock", waiting)
		}
		time.Sleep(500 * time.Millisecond)
	}

	// Every timer that fired must produce its email: the idempotency key
	// of each overdue alert and reminder a case counts.
	var expected []string
	for id := range acked {
		_, cs := p.call(t, "GET", "/api/v1/arbitrations/"+id, admin, nil)
		for i := 1; i <= int(cs["overdue_alerts"].(float64)); i++ {
			expected = append(expected, fmt.Sprintf("arbitration/%s/overdue/%d/%s", id, i, arbitrator))
		}
		for _, r := range cs["reminders_sent"].([]any) {
			expected = append(expected, fmt.Sprintf("arbitration/%s/%s/%s", id, r, arbitrator))
		}
	}

	// Let the outbox settle (every expected message there, no new message
	// for three seconds and none pending), then check every delivery.
	deadline := time.Now().Add(120 * time.Second)
	last, stable := -1, 0
	for stable < 15 {
		var all []store.OutboxMessage
		err := st.DB.WithContext(ctx).Find(&all).Error
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, m := range all {
			if m.Status == store.OutboxPending {
				pending++
			}
		}
		have := map[string]bool{}
		for _, m := range all {
			have[m.IdemKey] = true
		}
		missing := slices.DeleteFunc(slices.Clone(expected), func(k string) bool { return have[k] })
		if len(all) == last && pending == 0 && len(missing) == 0 {
			stable++
		} else {
			stable = 0
		}
		last = len(all)
		if time.Now().After(deadline) {
			t.Fatalf("the outbox did not settle: %d messages, %d pending, %d expected missing (%v)", len(all), pending, len(missing), missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var sent []store.OutboxMessage
	err = st.DB.WithContext(ctx).Where("status = ?", store.OutboxSent).Find(&sent).Error
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for _, m := range mail.Messages() {
		byID[m.MessageID]++
	}
	// A kill between the SMTP server's acceptance and the outbox's record
	// of it makes the retry deliver again, with the same Message-ID. Only
	// deliveries in flight at a kill can be affected, so duplicates stay
	// few; anything beyond that would be a bug.
	dups := 0
	for id, n := range byID {
		if n > 1 {
			dups += n - 1
			t.Logf("message %s reached the SMTP server %d times", id, n)
		}
	}
	if dups > 2*kills {
		t.Fatalf("%d duplicate deliveries for %d kills", dups, kills)
	}
	if len(byID) < len(sent) {
		t.Fatalf("the outbox says %d sent, the SMTP server received %d distinct messages", len(sent), len(byID))
	}
	// Idempotency keys are unique in the outbox: a step never emailed a
	// recipient twice, whatever was replayed.
	keys := map[string]bool{}
	for _, m := range sent {
		if keys[m.IdemKey] {
			t.Fatalf("outbox key %s twice", m.IdemKey)
		}
		keys[m.IdemKey] = true
	}
	// Every timer that fired produced its email once: each overdue alert
	// and each reminder the case counts has exactly one message.
	alerts, reminders := 0, 0
	for id := range acked {
		_, cs := p.call(t, "GET", "/api/v1/arbitrations/"+id, admin, nil)
		n := int(cs["overdue_alerts"].(float64))
		alerts += n
		for i := 1; i <= n; i++ {
			if !keys[fmt.Sprintf("arbitration/%s/overdue/%d/%s", id, i, arbitrator)] {
				t.Fatalf("case %s: overdue alert %d has no email", id, i)
			}
		}
		for _, r := range cs["reminders_sent"].([]any) {
			reminders++
			if !keys[fmt.Sprintf("arbitration/%s/%s/%s", id, r, arbitrator)] {
				t.Fatalf("case %s: reminder %s has no email", id, r)
			}
		}
	}
	t.Logf("%d overdue alerts and %d reminders fired across the crashes", alerts, reminders)
	el.check(t, p)
	if code, v := p.call(t, "GET", "/api/v1/audit/verify", admin, nil); code != http.StatusOK || v["ok"] != true {
		t.Fatalf("audit chain after the crashes: %d %v", code, v)
	}
	t.Logf("%d emails sent, %d duplicate deliveries across %d kills; audit verified", len(sent), dups, kills)
}

// crashElection is an election whose ALSes vote while the process dies.
type crashElection struct {
	id         string
	staff      string
	closes     time.Time
	alses      []string
	reps       map[string]string
	candidates []string
	// last is each ALS's last acknowledged ballot (receipt, choice);
	// pending the ALSes whose last attempt got no answer, which settle
	// casts again so that their last ballot is an acknowledged one.
	mu       sync.Mutex
	last     map[string][2]string
	pending  map[string]bool
	inFlight map[string]bool
	ballots  int
	err      error
}

const crashALSes = 12

// newCrashElection sets up twelve ALSes with a representative each, two
// candidates and an election whose vote opens in a few seconds and stays
// open long enough for the kills.
func newCrashElection(t *testing.T, p *devProcess, admin string, kills int) *crashElection {
	t.Helper()
	el := &crashElection{reps: map[string]string{}, last: map[string][2]string{}, pending: map[string]bool{}, inFlight: map[string]bool{}}
	token := func(id string) string {
		code, m := p.call(t, "POST", "/api/v1/members/"+id+"/tokens", admin, map[string]any{"label": "crash"})
		if code != http.StatusCreated {
			t.Fatalf("token: %d %v", code, m)
		}
		return m["token"].(string)
	}
	member := func(als string, roles ...string) string {
		body := map[string]any{"name": "M", "email": fmt.Sprintf("e%d@example.org", rand.Int64()), "country": "AR", "roles": roles}
		if als != "" {
			body["als_id"] = als
		}
		code, m := p.call(t, "POST", "/api/v1/members", admin, body)
		if code != http.StatusCreated {
			t.Fatalf("member: %d %v", code, m)
		}
		return m["id"].(string)
	}
	for i := range crashALSes {
		code, a := p.call(t, "POST", "/api/v1/als", admin, map[string]any{"name": fmt.Sprintf("ALS %d", i), "country": "AR"})
		if code != http.StatusCreated {
			t.Fatalf("ALS: %d %v", code, a)
		}
		id := a["id"].(string)
		el.alses = append(el.alses, id)
		el.reps[id] = token(member(id, "member", "als_rep"))
	}
	el.staff = token(member("", "member", "staff"))
	now := time.Now().UTC()
	// Long enough for the kills and restarts (a few seconds each).
	// Nominations stay open long enough for the two candidates to be
	// nominated and accept on a loaded machine (a few seconds under -race).
	el.closes = now.Add(50*time.Second + time.Duration(kills)*5*time.Second)
	code, e := p.call(t, "POST", "/api/v1/elections", el.staff, map[string]any{
		"title": "Crash", "seats": []map[string]any{{"seat": "secretariat", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": now.Add(10 * time.Second), "acceptance_close": now.Add(10 * time.Second),
			"objections_close": now.Add(11 * time.Second), "voting_open": now.Add(11 * time.Second), "voting_close": el.closes},
	})
	if code != http.StatusCreated {
		t.Fatalf("election: %d %v", code, e)
	}
	el.id = e["id"].(string)
	for i := range 2 {
		cand := member(el.alses[i], "member") // candidates belong to an accredited ALS
		tok := token(cand)
		if code, m := p.call(t, "POST", "/api/v1/members/"+cand+"/declarations", tok, map[string]any{"kind": "none"}); code != http.StatusCreated {
			t.Fatalf("declaration: %d %v", code, m)
		}
		code, e := p.call(t, "POST", "/api/v1/elections/"+el.id+"/nominations", el.staff, map[string]any{"seat": "secretariat", "nominee_id": cand, "statement": "s"})
		if code != http.StatusCreated {
			t.Fatalf("nomination: %d %v", code, e)
		}
		noms := e["nominations"].([]any)
		nid := noms[len(noms)-1].(map[string]any)["id"].(string)
		if code, m := p.call(t, "POST", "/api/v1/elections/"+el.id+"/nominations/"+nid+"/accept", tok, map[string]any{"statement_of_interest": "I serve"}); code != http.StatusOK {
			t.Fatalf("accept: %d %v", code, m)
		}
		el.candidates = append(el.candidates, cand)
	}
	// The kills start once the vote is open, so that they land among
	// ballots.
	for deadline := time.Now().Add(30 * time.Second); ; {
		code, e := p.call(t, "GET", "/api/v1/elections/"+el.id, el.staff, nil)
		if code == http.StatusOK && e["status"] == "voting" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the vote never opened: %d seats %v nominations %v exceptions %v", code, e["seats"], e["nominations"], e["exceptions"])
		}
		time.Sleep(200 * time.Millisecond)
	}
	return el
}

// keepVoting casts ballots, for random ALSes with random choices, from two
// clients until the returned function is called, so that kills land in
// the middle of ballots. Before the vote opens the API answers 409, which
// changes nothing; a ballot without an answer (the process died) may or
// may not count, so its ALS votes again when the test settles.
func (el *crashElection) keepVoting(p *devProcess) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := el.vote(p, rng); err != nil {
					el.mu.Lock()
					el.err = err
					el.mu.Unlock()
					return
				}
			}
		})
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

// vote casts one ballot. An ALS never has two ballots in flight, so its
// last acknowledged ballot is well defined.
func (el *crashElection) vote(p *devProcess, rng *rand.Rand) error {
	als := el.alses[rng.IntN(len(el.alses))]
	choice := el.candidates[rng.IntN(len(el.candidates))]
	el.mu.Lock()
	busy := el.inFlight[als]
	el.inFlight[als] = true
	el.mu.Unlock()
	if busy {
		return nil
	}
	code, r, err := p.try("POST", "/api/v1/elections/"+el.id+"/ballots", el.reps[als], map[string]any{"seat": "secretariat", "als_id": als, "choice": choice})
	el.mu.Lock()
	defer el.mu.Unlock()
	delete(el.inFlight, als)
	switch {
	case err != nil || code >= 500:
		el.pending[als] = true
		time.Sleep(50 * time.Millisecond) // the process is restarting
	case code == http.StatusCreated:
		el.last[als] = [2]string{r["receipt"].(string), choice}
		delete(el.pending, als)
		el.ballots++
	case code == http.StatusConflict:
		time.Sleep(50 * time.Millisecond) // the vote is not open yet
	default:
		return fmt.Errorf("ballot: %d %v", code, r)
	}
	return nil
}

// settle votes again for every ALS whose last ballot got no answer, and
// for every ALS that has not voted yet, so that each ALS's last ballot is
// an acknowledged one.
func (el *crashElection) settle(t *testing.T, p *devProcess) {
	if el.err != nil {
		t.Fatal(el.err)
	}
	for _, als := range el.alses {
		if _, ok := el.last[als]; ok && !el.pending[als] {
			continue
		}
		choice := el.candidates[0]
		code, r := p.call(t, "POST", "/api/v1/elections/"+el.id+"/ballots", el.reps[als], map[string]any{"seat": "secretariat", "als_id": als, "choice": choice})
		if code != http.StatusCreated {
			t.Fatalf("settling ballot of %s: %d %v (raise the voting window if the kills took longer)", als, code, r)
		}
		el.last[als] = [2]string{r["receipt"].(string), choice}
		delete(el.pending, als)
		el.ballots++
	}
}

// check waits for the vote to close and compares the published ballots
// with the acknowledged ones: one per ALS, the last acknowledged.
func (el *crashElection) check(t *testing.T, p *devProcess) {
	t.Helper()
	var res map[string]any
	for deadline := el.closes.Add(90 * time.Second); ; {
		code, r := p.call(t, "GET", "/api/v1/elections/"+el.id+"/results", el.staff, nil)
		if code == http.StatusOK {
			res = r
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no results: %d %v", code, r)
		}
		time.Sleep(time.Second)
	}
	seat := res["seats"].([]any)[0].(map[string]any)
	counted := map[string]int{}
	for _, x := range seat["ballots"].([]any) {
		b := x.(map[string]any)
		als := b["als_id"].(string)
		counted[als]++
		if want := el.last[als]; b["receipt"] != want[0] || b["choice"] != want[1] {
			t.Errorf("ALS %s: counted %v/%v, last acknowledged %v", als, b["receipt"], b["choice"], want)
		}
	}
	for _, als := range el.alses {
		if counted[als] != 1 {
			t.Errorf("ALS %s: its ballot is counted %d times", als, counted[als])
		}
	}
	t.Logf("election: %d ballots acknowledged across the kills, %d counted (one per ALS, the last acknowledged)", el.ballots, len(counted))
}
