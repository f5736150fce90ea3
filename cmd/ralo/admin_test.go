package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// TestAdminRegistersWithWelcome: `ralo admin import-roster` and
// `create-member` register through the service, which starts the welcome
// emails on Temporal (a Notify workflow for the new members, here waiting
// for a worker); without Temporal they fail before writing anything
// unless given --welcome=false.
func TestAdminRegistersWithWelcome(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(roster, []byte("name,email,country,country_name,als,language\nAna,ana@example.org,AR,Argentina,Internauta,pt\nBo,bo@example.org,AR,,,fr\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	temporal := []string{"--data-dir", dir, "--temporal-address", srv.HostPort(), "--temporal-namespace", srv.Namespace()}
	var out bytes.Buffer
	if err := run(ctx, append(append([]string{"admin", "import-roster"}, temporal...), roster), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "imported 1 countries, 1 ALSes, 2 members") {
		t.Fatalf("import output %q", out.String())
	}
	out.Reset()
	if err := run(ctx, append([]string{"admin", "create-member", "--name", "Cy", "--email", "cy@example.org", "--country", "AR", "--roles", "staff"}, temporal...), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	cy := strings.TrimSpace(out.String())

	st, err := store.Open(filepath.Join(dir, "ralo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.ListMembers(ctx, store.MemberFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, m := range ms {
		byName[m.Name] = m.ID
	}
	c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, in := range []workflows.NotifyInput{
		{Process: "welcome", ObjectID: "roster-" + byName["Ana"], Step: "welcome-" + byName["Ana"]},
		{Process: "welcome", ObjectID: cy, Step: "welcome-" + cy},
	} {
		if _, err := c.DescribeWorkflowExecution(ctx, workflows.NotifyWorkflowID(in), ""); err != nil {
			t.Errorf("welcome workflow %s: %v", workflows.NotifyWorkflowID(in), err)
		}
	}

	// Without Temporal: refused before anything is written, unless the
	// operator registers without the welcome.
	noTemporal := []string{"--data-dir", dir, "--temporal-address", "127.0.0.1:1"}
	di := []string{"admin", "create-member", "--name", "Di", "--email", "di@example.org", "--country", "AR"}
	err = run(ctx, append(slices.Clone(di), noTemporal...), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--welcome=false") {
		t.Fatalf("create-member without Temporal: %v", err)
	}
	if _, err := st.MemberByEmail(ctx, "di@example.org"); err == nil {
		t.Fatal("a refused create-member registered the member")
	}
	if err := run(ctx, append(append(di, "--welcome=false"), noTemporal...), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
}
