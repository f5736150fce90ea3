package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/store"
)

// TestServeAndWorkersOnPostgres runs the production shape in one test: an
// external Temporal server, one `ralo serve` and two `ralo worker` against
// PostgreSQL. A token issued through the API is announced by email, which
// only a worker can write to the outbox.
func TestServeAndWorkersOnPostgres(t *testing.T) {
	dsn := os.Getenv("RALO_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("RALO_TEST_POSTGRES_DSN is not set: skipping the PostgreSQL production-shape test")
	}
	schema := fmt.Sprintf("ralo_serve_%d", time.Now().UnixNano())
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

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	common := []string{"--database-url", dbURL, "--temporal-address", srv.HostPort(), "--temporal-namespace", "ralo",
		"--admin-token", "tok-prod", "--log-level", "warn", "--payload-key", codec.NewKey()}
	done := make(chan error, 3)
	var logs syncBuffer
	// Migrations run first, once, as an operator would.
	if err := run(ctx, []string{"migrate", "--database-url", dbURL}, &logs, &logs); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		go func() { done <- run(ctx, append([]string{"worker"}, common...), &logs, &logs) }()
	}
	port := freePort(t)
	api := fmt.Sprintf("http://127.0.0.1:%d", port)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", fmt.Sprintf("127.0.0.1:%d", port)}, common...), &logs, &logs)
	}()
	p := &devProcess{api: api}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(api + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st, _ := p.call(t, "POST", "/api/v1/countries", "tok-prod", map[string]any{"code": "PE", "name": "Perú"}); st != http.StatusCreated {
		t.Fatalf("create country: %d", st)
	}
	st, m := p.call(t, "POST", "/api/v1/members", "tok-prod", map[string]any{"name": "Rosa", "email": "rosa@example.org", "country": "PE"})
	if st != http.StatusCreated {
		t.Fatalf("create member: %d %v", st, m)
	}
	if st, _ := p.call(t, "POST", "/api/v1/members/"+m["id"].(string)+"/tokens", "tok-prod", map[string]any{"label": "x"}); st != http.StatusCreated {
		t.Fatalf("issue token: %d", st)
	}
	ps, err := store.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	for {
		msgs, err := ps.ListOutbox(ctx, store.OutboxFilter{MemberID: m["id"].(string), Process: "registry"})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 1 && msgs[0].Status == store.OutboxHeld && msgs[0].Event == "token_issued" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no outbox message from the workers: %v\n%s", msgs, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st, v := p.call(t, "GET", "/api/v1/audit/verify", "tok-prod", nil); st != http.StatusOK || v["ok"] != true {
		t.Fatalf("audit: %d %v", st, v)
	}
	cancel()
	for i := 0; i < 3; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("process ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("processes did not stop")
		}
	}
}
