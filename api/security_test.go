package api_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/lacralo/ralo/api"
	"github.com/lacralo/ralo/store"
)

var param = regexp.MustCompile(`\{[a-z_]+\}`)

// TestEveryRouteChecksAuthAndRole walks the route table itself, so a route
// added later is covered without editing this test: every non-public route
// answers 401 without a token, with a malformed one and with a revoked one;
// every route restricted to roles answers 403 to a plain member, whatever
// object it names. Nothing is written by any of these calls: no audit
// entry is by the member (whose tokens sent them, revoked one included) or
// about the placeholder object. Workflows of other tests may append to the
// chain meanwhile, so its head is no measure.
func TestEveryRouteChecksAuthAndRole(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	m, token := newMember(t, e, "AR", "")
	revoked := revokedToken(t, e, m.ID)

	seqBefore := auditEntries(t, e)
	for _, r := range e.app.API.RouteAccess() {
		path := param.ReplaceAllString(r.Path, "x_unknown")
		name := r.Method + " " + r.Path
		var body any
		if r.Method == http.MethodPost || r.Method == http.MethodPatch {
			body = map[string]any{}
		}
		if r.Public {
			continue
		}
		if r.Feed {
			path += "?token=not-a-feed-token"
		}
		t.Run(name, func(t *testing.T) {
			expect(t, do(t, e, r.Method, path, "", body), http.StatusUnauthorized)
			expect(t, do(t, e, r.Method, path, "not-a-token", body), http.StatusUnauthorized)
			expect(t, do(t, e, r.Method, path, revoked, body), http.StatusUnauthorized)
			if len(r.Roles) > 0 {
				expect(t, do(t, e, r.Method, path, token, body), http.StatusForbidden)
			}
		})
	}
	var entries []struct {
		Seq      int64  `json:"seq"`
		Actor    string `json:"actor"`
		ObjectID string `json:"object_id"`
		Action   string `json:"action"`
	}
	expect(t, do(t, e, "GET", fmt.Sprintf("/api/v1/audit?after=%d&limit=1000", seqBefore), adminToken, nil), http.StatusOK).json(t, &entries)
	for _, en := range entries {
		if strings.Contains(en.Actor, m.ID) || strings.Contains(en.ObjectID, "x_unknown") {
			t.Errorf("a refused request wrote to the audit log: %+v", en)
		}
	}
}

// revokedToken issues a member a token and revokes it.
func revokedToken(t *testing.T, e *env, memberID string) string {
	t.Helper()
	var tok struct{ ID, Token string }
	expect(t, do(t, e, "POST", "/api/v1/members/"+memberID+"/tokens", adminToken, map[string]any{"label": "to revoke"}), http.StatusCreated).json(t, &tok)
	expect(t, do(t, e, "DELETE", "/api/v1/members/"+memberID+"/tokens/"+tok.ID, adminToken, nil), http.StatusNoContent)
	return tok.Token
}

// auditEntries is the number of entries in the audit chain, which is the
// sequence number of its last entry.
func auditEntries(t *testing.T, e *env) int64 {
	t.Helper()
	var v struct {
		Entries int64 `json:"entries"`
	}
	expect(t, do(t, e, "GET", "/api/v1/audit/verify", adminToken, nil), http.StatusOK).json(t, &v)
	return v.Entries
}

// syncBuffer is a log sink the API's goroutines may write to while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestTokensNeverLogged serves the API with a debug logger and sends every
// kind of secret through it: bearer tokens good, bad and revoked, a token
// shown at issue, a calendar feed token in the query string. None of them
// may appear in the log, which must still hold a line per request.
func TestTokensNeverLogged(t *testing.T) {
	e := shared
	var logs syncBuffer
	srv := api.New(api.Config{Store: e.app.Store, Temporal: e.app.Client, Policy: e.app.Policy,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Ready:  func(context.Context) error { return nil }})
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	le := &env{url: hs.URL, app: e.app}

	ensureCountry(t, le, "AR", "Argentina")
	m, token := newMember(t, le, "AR", "")
	var feed struct {
		Token string `json:"token"`
	}
	expect(t, do(t, le, "POST", "/api/v1/members/"+m.ID+"/feed-token", token, nil), http.StatusCreated).json(t, &feed)
	expect(t, do(t, le, "GET", "/api/v1/calendar.ics?token="+feed.Token, "", nil), http.StatusOK)
	expect(t, do(t, le, "GET", "/api/v1/calendar.ics?token=ralo_feed_guess", "", nil), http.StatusUnauthorized)
	expect(t, do(t, le, "GET", "/api/v1/members/"+m.ID, token, nil), http.StatusOK)
	expect(t, do(t, le, "GET", "/api/v1/members/"+m.ID, "ralo_wrong_secret_guess", nil), http.StatusUnauthorized)
	revoked := revokedToken(t, le, m.ID)
	expect(t, do(t, le, "GET", "/api/v1/members/"+m.ID, revoked, nil), http.StatusUnauthorized)

	out := logs.String()
	if !strings.Contains(out, "/api/v1/calendar.ics") || !strings.Contains(out, "status=401") {
		t.Fatalf("the log has no request lines to check: %q", out)
	}
	for name, secret := range map[string]string{"admin token": adminToken, "member token": token, "feed token": feed.Token,
		"wrong feed token": "ralo_feed_guess", "wrong token": "ralo_wrong_secret_guess", "revoked token": revoked} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s is in the log", name)
		}
	}
}

// TestIssuedTokenNotStoredForReplay: a token issued with an Idempotency-Key
// is shown once; its replay shows the same token record without the secret,
// and the stored answer holds no live credential.
func TestIssuedTokenNotStoredForReplay(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	m, token := newMember(t, e, "AR", "")
	key := "tok-" + unique()
	var first, replay struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/tokens", adminToken, map[string]any{"label": "retry"}, "Idempotency-Key", key), http.StatusCreated).json(t, &first)
	r := expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/tokens", adminToken, map[string]any{"label": "retry"}, "Idempotency-Key", key), http.StatusCreated)
	r.json(t, &replay)
	if first.Token == "" || replay.ID != first.ID || replay.Token != "" || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("first %+v, replay %s", first, r.body)
	}
	var feed struct {
		Token string `json:"token"`
	}
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/feed-token", token, nil, "Idempotency-Key", key), http.StatusCreated).json(t, &feed)
	var stored []store.Idempotency
	if err := e.app.Store.DB.Where("key = ?", key).Find(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 {
		t.Fatalf("stored answers %+v", stored)
	}
	for _, s := range stored {
		if strings.Contains(s.Body, first.Token) || strings.Contains(s.Body, feed.Token) {
			t.Fatalf("a stored answer holds a token: %s", s.Body)
		}
	}
}
