package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTemporalHoldsNothingInClear runs an anonymous ethics complaint and an
// election ballot through `ralo dev`, stops it, and greps every file of the
// embedded Temporal database (with its WAL) for the complainant's ID, the
// complaint's receipt code and the ballot's receipt (without the codec all
// three are found): payloads are encrypted with the data folder's key.
func TestTemporalHoldsNothingInClear(t *testing.T) {
	dir := t.TempDir()
	const admin = "codec-admin-token"
	p, _ := startDev(t, dir, admin)
	stopped := false
	defer func() {
		if !stopped {
			p.stop(t)
		}
	}()
	if st, err := os.Stat(filepath.Join(dir, "payload.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("payload key file: %v %v", st, err)
	}
	if code, m := p.call(t, "POST", "/api/v1/countries", admin, map[string]any{"code": "AR", "name": "Argentina"}); code != http.StatusCreated {
		t.Fatalf("country: %d %v", code, m)
	}
	el := newCrashElection(t, p, admin, 0)

	// An anonymous complaint against a candidate, filed by the admin: every
	// other member got its token through the API, and the Notify workflow
	// telling them so has their ID in its workflow ID
	// (notify/registry/<member>/token/<token>), which is no payload and
	// says nothing of a complaint.
	complainantToken := admin
	code, filed := p.call(t, "POST", "/api/v1/ethics/complaints", complainantToken, map[string]any{
		"respondent_id": el.candidates[0], "kind": "bad_faith", "summary": "s", "anonymous": true})
	if code != http.StatusCreated {
		t.Fatalf("complaint: %d %v", code, filed)
	}
	caseReceipt := filed["receipt"].(string)
	complainant := complainantOf(t, p, admin, filed["id"].(string))

	// One ballot; its choice is the second candidate.
	als := el.alses[0]
	choice := el.candidates[1]
	code, b := p.call(t, "POST", "/api/v1/elections/"+el.id+"/ballots", el.reps[als], map[string]any{"seat": "secretariat", "als_id": als, "choice": choice})
	if code != http.StatusOK && code != http.StatusCreated {
		t.Fatalf("ballot: %d %v", code, b)
	}
	ballotReceipt, _ := b["receipt"].(string)
	if ballotReceipt == "" {
		t.Fatalf("no receipt: %v", b)
	}
	time.Sleep(time.Second) // the audit and notify activities of both
	p.stop(t)
	stopped = true

	secrets := map[string]string{"complainant id": complainant, "complaint receipt": caseReceipt,
		"ballot receipt": ballotReceipt}
	files, _ := filepath.Glob(filepath.Join(dir, "temporal.db*"))
	if len(files) == 0 {
		t.Fatal("no Temporal database file")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for what, s := range secrets {
			if s == "" {
				t.Fatalf("%s unknown", what)
			}
			if bytes.Contains(raw, []byte(s)) {
				i := bytes.Index(raw, []byte(s))
				t.Errorf("%s %q found in clear in %s: …%q…", what, s, filepath.Base(f), raw[max(0, i-120):min(len(raw), i+80)])
			}
		}
	}
	// The application database, which is the store of record, has them.
	raw, _ := os.ReadFile(filepath.Join(dir, "ralo.db"))
	if !bytes.Contains(raw, []byte(complainant)) {
		t.Errorf("the complainant is not in ralo.db either: the grep proves nothing")
	}
}

// complainantOf reads a complaint's complainant as staff see it.
func complainantOf(t *testing.T, p *devProcess, admin, id string) string {
	t.Helper()
	_, c := p.call(t, "GET", "/api/v1/ethics/complaints/"+id, admin, nil)
	for _, k := range []string{"complainant_id", "complainant"} {
		if s, ok := c[k].(string); ok && strings.HasPrefix(s, "m") {
			return s
		}
	}
	t.Fatalf("no complainant in %v", c)
	return ""
}

// TestServeAndWorkerRequireAPayloadKey: without --payload-key (or
// RALO_PAYLOAD_KEY) serve and worker stop at start, saying so.
func TestServeAndWorkerRequireAPayloadKey(t *testing.T) {
	t.Setenv("RALO_PAYLOAD_KEY", "")
	for _, cmd := range []string{"serve", "worker"} {
		var out syncBuffer
		err := run(t.Context(), []string{cmd, "--database-url", filepath.Join(t.TempDir(), "x.db")}, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "--payload-key (RALO_PAYLOAD_KEY) is required") {
			t.Errorf("%s: %v", cmd, err)
		}
		err = run(t.Context(), []string{cmd, "--database-url", filepath.Join(t.TempDir(), "x.db"), "--payload-key", "c2hvcnQ="}, &out, &out)
		if err == nil || !strings.Contains(err.Error(), "32") {
			t.Errorf("%s with a short key: %v", cmd, err)
		}
	}
}
