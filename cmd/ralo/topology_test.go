package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/store"
)

// buildBinary builds ralo once for the tests that run it as processes.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "ralo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// proc is one ralo process of the topology.
type proc struct {
	name string
	cmd  *exec.Cmd
}

func spawn(t *testing.T, dir, bin, name string, args ...string) *proc {
	t.Helper()
	log, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	log.Close()
	p := &proc{name: name, cmd: cmd}
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// TestProductionTopology runs the production shape as separate processes on
// one machine: `ralo temporal` (the embedded server alone), one `ralo
// serve` and two `ralo worker` on PostgreSQL. One worker is killed with
// SIGKILL while a case's clock runs; the other finishes the work.
func TestProductionTopology(t *testing.T) {
	dsn := os.Getenv("RALO_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("RALO_TEST_POSTGRES_DSN is not set: skipping the multi-process topology test")
	}
	if testing.Short() {
		t.Skip("builds and runs several processes")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	schema := fmt.Sprintf("ralo_topo_%d", time.Now().UnixNano())
	admin, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.DB.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.DB.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	dbURL := dsn + sep + "search_path=" + schema
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(crashPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	temporalPort, apiPort := freePort(t), freePort(t)
	spawn(t, dir, bin, "temporal", "temporal", "--data-dir", filepath.Join(dir, "temporal"), "--temporal-port", fmt.Sprint(temporalPort))
	common := []string{"--database-url", dbURL, "--temporal-address", fmt.Sprintf("127.0.0.1:%d", temporalPort),
		"--admin-token", "topo-admin", "--policy", filepath.Join(dir, "policy.yaml"), "--log-level", "warn", "--payload-key", codec.NewKey()}
	w1 := spawn(t, dir, bin, "worker1", append([]string{"worker"}, common...)...)
	spawn(t, dir, bin, "worker2", append([]string{"worker"}, common...)...)
	spawn(t, dir, bin, "serve", append([]string{"serve", "--listen", fmt.Sprintf("127.0.0.1:%d", apiPort)}, common...)...)
	p := &devProcess{api: fmt.Sprintf("http://127.0.0.1:%d", apiPort)}
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(p.api + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
			t.Fatalf("serve not ready:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}

	const adminTok = "topo-admin"
	if code, _ := p.call(t, "POST", "/api/v1/countries", adminTok, map[string]any{"code": "AR", "name": "Argentina"}); code != http.StatusCreated {
		t.Fatalf("country: %d", code)
	}
	newID := func(roles ...string) string {
		code, m := p.call(t, "POST", "/api/v1/members", adminTok, map[string]any{"name": "M", "email": fmt.Sprintf("t%d@example.org", time.Now().UnixNano()), "country": "AR", "roles": roles})
		if code != http.StatusCreated {
			t.Fatalf("member: %d", code)
		}
		return m["id"].(string)
	}
	respondent, arbitrator := newID(), newID("arbitrator")
	_, tk := p.call(t, "POST", "/api/v1/members/"+arbitrator+"/tokens", adminTok, map[string]any{"label": "t"})
	arbTok := tk["token"].(string)
	// A member files; the admin, who is no party, assigns (a party acts
	// in its own case only as a party, whatever its roles).
	filer := newID()
	_, ft := p.call(t, "POST", "/api/v1/members/"+filer+"/tokens", adminTok, map[string]any{"label": "t"})
	_, cs := p.call(t, "POST", "/api/v1/arbitrations", ft["token"].(string), map[string]any{"question": "Q", "parties": []string{respondent}})
	id := cs["id"].(string)
	for _, step := range []struct {
		action, token string
		body          any
	}{
		{"assign", adminTok, map[string]any{"arbitrator_id": arbitrator}},
		{"confirm", arbTok, nil},
		{"hearing", arbTok, map[string]any{"starts_at": time.Now().Add(2 * time.Second).UTC(), "duration": 30, "location": "call"}},
	} {
		if code, body := p.call(t, "POST", "/api/v1/arbitrations/"+id+"/"+step.action, step.token, step.body); code != http.StatusOK {
			t.Fatalf("%s: %d %v", step.action, code, body)
		}
	}
	// Kill one worker while the case's clock runs.
	w1.kill()

	st, err := store.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	deadline = time.Now().Add(120 * time.Second)
	for {
		msgs, err := st.ListOutbox(ctx, store.OutboxFilter{MemberID: arbitrator, Process: "arbitration", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, m := range msgs {
			if m.Event == "arbitration.ruling_overdue" {
				overdue++
			}
		}
		if overdue >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the surviving worker did not carry the case on: %d messages", len(msgs))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, body := p.call(t, "POST", "/api/v1/arbitrations/"+id+"/ruling", arbTok, map[string]any{"outcome": "decided", "text": "Ruled."}); code != http.StatusOK {
		t.Fatalf("ruling: %d %v", code, body)
	}
	if code, v := p.call(t, "GET", "/api/v1/audit/verify", adminTok, nil); code != http.StatusOK || v["ok"] != true {
		t.Fatalf("audit: %d %v", code, v)
	}
}
