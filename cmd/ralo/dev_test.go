package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// devProcess is `ralo dev` run in-process, as main would run it.
type devProcess struct {
	api      string
	temporal string // host:port of the embedded Temporal frontend
	cancel   context.CancelFunc
	done     chan error
	out      *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startDev(t *testing.T, dir string, token string, extra ...string) (*devProcess, time.Duration) {
	t.Helper()
	apiPort, temporalPort := freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	p := &devProcess{api: fmt.Sprintf("http://127.0.0.1:%d", apiPort), temporal: fmt.Sprintf("127.0.0.1:%d", temporalPort), cancel: cancel, done: make(chan error, 1), out: &syncBuffer{}}
	args := []string{"dev", "--data-dir", dir, "--listen", fmt.Sprintf("127.0.0.1:%d", apiPort),
		"--temporal-port", fmt.Sprint(temporalPort), "--temporal-ui-port", fmt.Sprint(freePort(t)), "--log-level", "warn"}
	args = append(args, extra...)
	if token != "" {
		args = append(args, "--admin-token", token)
	}
	start := time.Now()
	go func() { p.done <- run(ctx, args, p.out, p.out) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.api + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, time.Since(start)
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("ralo dev exited: %v\n%s", err, p.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ralo dev not ready after 60s\n%s", p.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *devProcess) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("ralo dev stopped with %v\n%s", err, p.out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ralo dev did not stop within 30s")
	}
}

// try is call without a test: a transport error (the process died) is
// returned.
func (p *devProcess) try(method, path, token string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.api+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, nil
}

func (p *devProcess) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.api+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// TestDevRestartKeepsEverything starts two `ralo dev` side by side, writes
// records, stops one gracefully and starts it again on the same folder.
func TestDevRestartKeepsEverything(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	a, readyA := startDev(t, dirA, "")
	b, readyB := startDev(t, dirB, "tok-b")
	t.Logf("time to ready: first start %v, side-by-side start %v", readyA, readyB)

	// The bootstrap token was printed once, on stdout, and never logged.
	out := a.out.String()
	i := strings.Index(out, "admin token (shown once, keep it): ")
	if i < 0 {
		t.Fatalf("no admin token printed:\n%s", out)
	}
	token := strings.Fields(out[i+len("admin token (shown once, keep it): "):])[0]
	if strings.Count(out, token) != 1 {
		t.Fatalf("the admin token appears %d times in the output", strings.Count(out, token))
	}
	if st, _ := b.call(t, "POST", "/api/v1/countries", "tok-b", map[string]any{"code": "BR", "name": "Brasil"}); st != http.StatusCreated {
		t.Fatalf("B create country: %d", st)
	}
	if st, _ := a.call(t, "POST", "/api/v1/countries", token, map[string]any{"code": "AR", "name": "Argentina"}); st != http.StatusCreated {
		t.Fatalf("A create country: %d", st)
	}
	b.stop(t)
	a.stop(t)

	a2, ready := startDev(t, dirA, "")
	defer a2.stop(t)
	t.Logf("time to ready on restart: %v", ready)
	if strings.Contains(a2.out.String(), "admin token") {
		t.Fatal("a second admin token was printed on restart")
	}
	st, c := a2.call(t, "GET", "/api/v1/audit/verify", token, nil)
	if st != http.StatusOK || c["ok"] != true {
		t.Fatalf("audit after restart: %d %v", st, c)
	}
	req, _ := http.NewRequest("GET", a2.api+"/api/v1/countries", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var countries []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&countries); err != nil {
		t.Fatal(err)
	}
	if len(countries) != 1 || countries[0]["code"] != "AR" {
		t.Fatalf("countries after restart: %v (B's data must not leak into A)", countries)
	}
	// The empty database got the three standing series, once: the restart
	// did not seed them again.
	now := time.Now().UTC()
	req, _ = http.NewRequest("GET", a2.api+"/api/v1/meetings?from="+now.Format(time.RFC3339)+"&to="+now.AddDate(0, 3, 0).Format(time.RFC3339), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	mresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer mresp.Body.Close()
	var meetings []map[string]any
	if err := json.NewDecoder(mresp.Body).Decode(&meetings); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range meetings {
		if m["series_id"] != nil && m["series_id"] != "" {
			kinds[m["kind"].(string)]++
		}
	}
	if len(meetings) != 3 || kinds["assembly"] != 1 || kinds["coordination"] != 1 || kinds["mentoring"] != 1 {
		t.Fatalf("standing series on an empty database: %v", meetings)
	}
	for _, f := range []string{"ralo.db", "temporal.db"} {
		if _, err := os.Stat(filepath.Join(dirA, f)); err != nil {
			t.Fatalf("%s not in the data dir: %v", f, err)
		}
	}
}

// `ralo dev` prints the Temporal Web UI's address and serves it there;
// --temporal-ui=false serves nothing on that port.
func TestDevTemporalUI(t *testing.T) {
	p, _ := startDev(t, t.TempDir(), "")
	i := strings.Index(p.out.String(), "temporal ui: ")
	if i < 0 {
		t.Fatalf("no temporal ui address printed\n%s", p.out)
	}
	url := strings.Fields(p.out.String()[i+len("temporal ui: "):])[0]
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("temporal ui index: %d", resp.StatusCode)
	}
	p.stop(t)

	port := freePort(t)
	p, _ = startDev(t, t.TempDir(), "", "--temporal-ui=false", "--temporal-ui-port", fmt.Sprint(port))
	defer p.stop(t)
	if strings.Contains(p.out.String(), "temporal ui:") {
		t.Fatalf("temporal ui printed with --temporal-ui=false\n%s", p.out)
	}
	if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		c.Close()
		t.Fatalf("something listens on %d with --temporal-ui=false", port)
	}
}

func TestPolicyShow(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"policy", "show"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ruling_due: 30d", "central_america_mexico: [BZ, CR, GT, HN, MX, NI, PA, SV]",
		"andes: [BO, CO, EC, PE, VE]", "mercosur: [AR, BR, CL, PY, UY]", "caribbean: [AG,",
		"chair: [mercosur, central_america_mexico, andes, caribbean]", "rotation_start: 2019"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("policy show lacks %q:\n%s", want, out.String())
		}
	}
	override := filepath.Join(t.TempDir(), "override.yaml")
	if err := os.WriteFile(override, []byte("subregions:\n  mercosur: [AR, BR, PY, UY]\n  chile: [CL]\nrotation:\n  chair: [chile, andes]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"policy", "show", "--policy", override}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chile: [CL]", "mercosur: [AR, BR, PY, UY]", "chair: [chile, andes]"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("policy show --policy lacks %q:\n%s", want, out.String())
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("ethics:\n  screenin: 3d\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"policy", "show", "--policy", bad}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ethics.screenin") {
		t.Fatalf("bad policy accepted or key not named: %v", err)
	}
	err = run(context.Background(), []string{"dev", "--policy", bad, "--data-dir", t.TempDir()}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ethics.screenin") {
		t.Fatalf("ralo dev started with a bad policy: %v", err)
	}
}

func TestAdminImportRoster(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(csv, []byte("name,email,country,country_name,als,roles\nAna,ana@example.org,AR,Argentina,Internauta,als_rep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "import-roster", "--welcome=false", "--data-dir", dir, csv}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "imported 1 countries, 1 ALSes, 1 members") {
		t.Fatalf("import output %q", out.String())
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("name,email,country\nBo,bo@,AR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"admin", "import-roster", "--welcome=false", "--data-dir", dir, bad}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "line 2: email") {
		t.Fatalf("bad roster: %v", err)
	}
}
