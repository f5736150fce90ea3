package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/policy"
)

const adminToken = "ralo_test_admin_token"

// testPolicy shortens the clocks so that whole processes run in seconds
// over real HTTP; only the keys named change, as in production.
const testPolicy = `
arbitration:
  challenge_window: 2s
  submissions: 3s
  ruling_due: 6s
  reminders: [4s, 2s]
  overdue_alert_every: 1s
ethics:
  screening: 60s
  screening_reminder: 30s
  screening_escalation: 30s
  response: 3s
  appeal_window: 2s
meetings:
  reminder_before: 1s
policy:
  comment_period: 10s
  objection_window: 6s
  vote_period: 10s
  reminders_before_close: [1h]
budgets:
  # Tests act as one member for many writes; TestUpdateRateLimit and the
  # flood test serve the API with the limits low.
  update_burst: 1000000
  update_every: 1ms
`

// env is one running ralo (embedded Temporal, SQLite, worker, API over real
// HTTP). Tests in this package share one per configuration, because each
// Temporal server costs seconds to start.
type env struct {
	t      testing.TB
	url    string
	app    *app.App
	server *devserver.Server
	http   *httptest.Server
}

// startEnv starts a full service; smtpURL empty keeps email in the outbox.
func startEnv(ctx context.Context, dir, smtpURL string) (*env, error) {
	return startEnvWith(ctx, dir, smtpURL, testPolicy)
}

// startEnvWith starts a full service under the policy overrides in pol.
func startEnvWith(ctx context.Context, dir, smtpURL, policyYAML string) (*env, error) {
	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		return nil, err
	}
	pol, err := policy.Parse([]byte(policyYAML))
	if err != nil {
		return nil, err
	}
	a, err := app.Open(ctx, app.Options{
		DatabaseURL: filepath.Join(dir, "ralo.db"), Policy: pol,
		Temporal: client.Options{HostPort: srv.HostPort(), Namespace: "ralo"},
		SMTPURL:  smtpURL, SMTPFrom: "LACRALO <noreply@lacralo.org>",
		AdminToken: adminToken, RunWorker: true, RunAPI: true,
		// Internal errors (500s) are logged, so a failing test shows why.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		srv.Stop()
		return nil, err
	}
	hs := httptest.NewServer(a.API.Handler())
	return &env{url: hs.URL, app: a, server: srv, http: hs}, nil
}

func (e *env) close() {
	e.http.Close()
	e.app.Close()
	e.server.Stop()
}

var shared *env

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ralo-api-test")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	shared, err = startEnv(ctx, dir, "")
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start test environment:", err)
		os.Exit(1)
	}
	code := m.Run()
	shared.close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) field(t testing.TB, name string) any {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	return m[name]
}

// do sends a request with a token (empty for none) and a JSON body (a
// string is sent as is, so tests can send malformed JSON).
func do(t testing.TB, e *env, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// expect asserts the status, and for errors that the body is a problem
// document with the same status.
func expect(t testing.TB, r response, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if status >= 400 {
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("error content type %q, want application/problem+json", ct)
		}
		var p struct {
			Type   string `json:"type"`
			Title  string `json:"title"`
			Status int    `json:"status"`
		}
		r.json(t, &p)
		if p.Status != status || p.Type == "" || p.Title == "" {
			t.Fatalf("bad problem document %s", r.body)
		}
	}
	return r
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var seq int

// unique returns a fresh suffix, so tests sharing one database never clash.
func unique() string {
	seq++
	return fmt.Sprintf("%d%d", time.Now().UnixNano()%1e6, seq)
}
