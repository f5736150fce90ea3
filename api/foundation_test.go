package api_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/policy"
)

// ensureCountry creates a country unless it exists.
func ensureCountry(t *testing.T, e *env, code, name string) {
	t.Helper()
	r := do(t, e, "POST", "/api/v1/countries", adminToken, map[string]any{"code": code, "name": name})
	if r.status != http.StatusCreated && r.status != http.StatusUnprocessableEntity {
		t.Fatalf("create country: %d %s", r.status, r.body)
	}
}

type member struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Roles []string `json:"roles"`
}

// newMember registers a member and issues them a token.
func newMember(t *testing.T, e *env, country, alsID string, roles ...string) (member, string) {
	t.Helper()
	body := map[string]any{"name": "Member " + unique(), "email": "m" + unique() + "@example.org",
		"country": country, "language": "es", "roles": roles}
	if alsID != "" {
		body["als_id"] = alsID
	}
	var m member
	expect(t, do(t, e, "POST", "/api/v1/members", adminToken, body), http.StatusCreated).json(t, &m)
	var tok struct {
		Token string `json:"token"`
	}
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/tokens", adminToken, map[string]any{"label": "test"}), http.StatusCreated).json(t, &tok)
	if !strings.HasPrefix(tok.Token, "ralo_") {
		t.Fatalf("token %q", tok.Token)
	}
	return m, tok.Token
}

func TestReadyAndHealth(t *testing.T) {
	e := shared
	eventually(t, 10*time.Second, "readyz", func() bool { return do(t, e, "GET", "/readyz", "", nil).status == http.StatusOK })
	expect(t, do(t, e, "GET", "/healthz", "", nil), http.StatusOK)
	m := do(t, e, "GET", "/metrics", "", nil)
	if m.status != http.StatusOK || !strings.Contains(string(m.body), "ralo_http_requests_total") || !strings.Contains(string(m.body), `ralo_outbox_messages{status="held"}`) {
		t.Fatalf("metrics: %d %.300s", m.status, m.body)
	}
}

func TestRegistryOverHTTP(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")

	var als struct {
		ID, Status string
	}
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	if als.Status != "accredited" {
		t.Fatalf("ALS status %q", als.Status)
	}
	m, token := newMember(t, e, "AR", als.ID, "als_rep")

	// A member may not accredit an ALS, and nothing is written.
	before := len(listALS(t, e))
	expect(t, do(t, e, "POST", "/api/v1/als", token, map[string]any{"name": "Mine", "country": "AR"}), http.StatusForbidden)
	if after := len(listALS(t, e)); after != before {
		t.Fatalf("forbidden create wrote an ALS: %d -> %d", before, after)
	}

	// Bad input: a problem document, and nothing written.
	count := func() int {
		var ms []member
		expect(t, do(t, e, "GET", "/api/v1/members", adminToken, nil), http.StatusOK).json(t, &ms)
		return len(ms)
	}
	n := count()
	for _, tc := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"malformed email", map[string]any{"name": "X", "email": "nope", "country": "AR"}, 422, "email"},
		{"duplicate email", map[string]any{"name": "X", "email": m.Email, "country": "AR"}, 422, "email"},
		{"unknown country", map[string]any{"name": "X", "email": "x" + unique() + "@example.org", "country": "QQ"}, 422, "country"},
		{"unknown language", map[string]any{"name": "X", "email": "x" + unique() + "@example.org", "country": "AR", "language": "de"}, 422, "language"},
		{"unknown field", map[string]any{"name": "X", "email": "x" + unique() + "@example.org", "country": "AR", "is_admin": true}, 422, "is_admin"},
		{"wrong type", map[string]any{"name": 7, "email": "x@example.org", "country": "AR"}, 422, "name"},
		{"malformed JSON", `{"name": "X",`, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, do(t, e, "POST", "/api/v1/members", adminToken, tc.body), tc.status)
			if tc.field != "" {
				errs, _ := r.field(t, "errors").(map[string]any)
				if _, ok := errs[tc.field]; !ok {
					t.Fatalf("problem does not name %s: %s", tc.field, r.body)
				}
			}
		})
	}
	if count() != n {
		t.Fatal("invalid requests wrote members")
	}

	// Authentication.
	expect(t, do(t, e, "GET", "/api/v1/members", "", nil), http.StatusUnauthorized)
	expect(t, do(t, e, "GET", "/api/v1/members", "ralo_wrong", nil), http.StatusUnauthorized)
	expect(t, do(t, e, "GET", "/api/v1/members/m_missing", token, nil), http.StatusNotFound)

	// What another member sees of m: no email.
	_, other := newMember(t, e, "AR", "")
	if email := expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID, other, nil), 200).field(t, "email"); email != nil {
		t.Fatalf("another member sees the email %v", email)
	}
	if email := expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID, token, nil), 200).field(t, "email"); email != m.Email {
		t.Fatalf("the member does not see their email: %v", email)
	}

	// Self-service: profile yes, roles and ALS no; others' records no.
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, token, map[string]any{"language": "fr", "skills": []string{"DNS"}}), http.StatusOK)
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, token, map[string]any{"roles": []string{"admin"}}), http.StatusForbidden)
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, token, map[string]any{"als_id": ""}), http.StatusForbidden)
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, other, map[string]any{"language": "en"}), http.StatusForbidden)
	var after member
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID, adminToken, nil), 200).json(t, &after)
	if strings.Join(after.Roles, ",") != "member,als_rep" {
		t.Fatalf("roles changed: %v", after.Roles)
	}
	// Staff may not grant staff; admin may.
	_, staffTok := newMember(t, e, "AR", "", "staff")
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, staffTok, map[string]any{"roles": []string{"als_rep", "staff"}}), http.StatusForbidden)
	expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, staffTok, map[string]any{"roles": []string{"als_rep", "elder"}}), http.StatusOK)

	// Declarations: filed by the member, history kept.
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/declarations", other, map[string]any{"kind": "none"}), http.StatusForbidden)
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/declarations", token, map[string]any{"kind": "interest", "organization": "NIC", "categories": []string{"registry"}}), http.StatusCreated)
	expect(t, do(t, e, "POST", "/api/v1/members/"+m.ID+"/declarations", token, map[string]any{"kind": "none"}), http.StatusCreated)
	var decls []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID+"/declarations", other, nil), 200).json(t, &decls)
	if len(decls) != 2 || decls[0]["superseded_at"] != nil || decls[1]["superseded_at"] == nil {
		t.Fatalf("declarations %v", decls)
	}

	// Positions.
	expect(t, do(t, e, "POST", "/api/v1/positions", adminToken, map[string]any{"position": "chair", "holder_id": m.ID, "term_start": time.Now().Add(-time.Hour).Format(time.RFC3339)}), http.StatusCreated)
	var pos []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/positions", token, nil), 200).json(t, &pos)
	found := false
	for _, p := range pos {
		found = found || p["holder_id"] == m.ID && p["country"] == "AR" && p["als_id"] == als.ID
	}
	if !found {
		t.Fatalf("position not listed: %v", pos)
	}

	// The member was told a token was issued, in the outbox, never the token.
	// (The member was also told of the role staff granted above: the two
	// emails are queued apart, in either order.)
	var issued map[string]any
	eventually(t, 10*time.Second, "token notification", func() bool {
		var mine []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/notifications?process=registry", token, nil), 200).json(t, &mine)
		for _, n := range mine {
			if n["event"] == "token_issued" {
				issued = n
			}
		}
		return issued != nil
	})
	if issued["status"] != "held" || issued["to"] != m.Email {
		t.Fatalf("notification %v", issued)
	}
	if strings.Contains(issued["body"].(string), token) {
		t.Fatal("the token is in the email")
	}
	var all []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/notifications", token, nil), 200).json(t, &all)
	for _, n := range all {
		if n["member_id"] != m.ID {
			t.Fatalf("a member sees someone else's email: %v", n)
		}
	}

	// Revoking a token locks it out.
	var toks []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID+"/tokens", token, nil), 200).json(t, &toks)
	expect(t, do(t, e, "GET", "/api/v1/members/"+m.ID+"/tokens", other, nil), http.StatusForbidden)
	expect(t, do(t, e, "DELETE", "/api/v1/members/"+m.ID+"/tokens/"+toks[0]["id"].(string), token, nil), http.StatusNoContent)
	expect(t, do(t, e, "GET", "/api/v1/members", token, nil), http.StatusUnauthorized)

	// The audit chain verifies; a member sees only entries about them.
	if ok := expect(t, do(t, e, "GET", "/api/v1/audit/verify", adminToken, nil), 200).field(t, "ok"); ok != true {
		t.Fatal("audit chain does not verify")
	}
	var entries []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/audit?process=registry", other, nil), 200).json(t, &entries)
	for _, en := range entries {
		if en["audience"] == "staff" {
			t.Fatalf("a member sees a staff-only entry: %v", en)
		}
	}
}

func listALS(t *testing.T, e *env) []map[string]any {
	var out []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/als", adminToken, nil), 200).json(t, &out)
	return out
}

func TestIdempotencyKey(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	body := map[string]any{"name": "Idem", "email": "idem" + unique() + "@example.org", "country": "AR"}
	key := "k-" + unique()
	first := expect(t, do(t, e, "POST", "/api/v1/members", adminToken, body, "Idempotency-Key", key), http.StatusCreated)
	second := expect(t, do(t, e, "POST", "/api/v1/members", adminToken, body, "Idempotency-Key", key), http.StatusCreated)
	if first.field(t, "id") != second.field(t, "id") || second.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay differs: %s vs %s", first.body, second.body)
	}
	// The same key on another route is a client error.
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "A" + unique(), "country": "AR"}, "Idempotency-Key", key), http.StatusUnprocessableEntity)
	// A failed request releases its key.
	bad := map[string]any{"name": "Idem", "email": "bad", "country": "AR"}
	k2 := "k-" + unique()
	expect(t, do(t, e, "POST", "/api/v1/members", adminToken, bad, "Idempotency-Key", k2), http.StatusUnprocessableEntity)
	good := map[string]any{"name": "Idem", "email": "idem" + unique() + "@example.org", "country": "AR"}
	expect(t, do(t, e, "POST", "/api/v1/members", adminToken, good, "Idempotency-Key", k2), http.StatusCreated)
}

func TestPolicyEndpoint(t *testing.T) {
	e := shared
	expect(t, do(t, e, "GET", "/api/v1/policy", "", nil), http.StatusUnauthorized)
	r := expect(t, do(t, e, "GET", "/api/v1/policy", adminToken, nil), http.StatusOK)
	var p struct {
		Election struct {
			ReopenPeriod string `json:"reopen_period"`
		} `json:"election"`
		Arbitration struct {
			RulingDue string `json:"ruling_due"`
		} `json:"arbitration"`
		// Periods are written in the policy's notation, never as numbers.
		Participation struct {
			Period        string `json:"period"`
			WarningBefore string `json:"warning_before"`
			RestoreWithin string `json:"restore_within"`
		} `json:"participation"`
		Meetings struct {
			ReminderBefore string `json:"reminder_before"`
		} `json:"meetings"`
	}
	r.json(t, &p)
	// participation.period is calendar_year, rolling or a duration.
	if pp, err := policy.ParsePeriod(p.Participation.Period); err != nil || !pp.CalendarYear() {
		t.Errorf("participation.period %q: %v, want calendar_year", p.Participation.Period, err)
	}
	for _, d := range []string{p.Participation.WarningBefore, p.Participation.RestoreWithin, p.Meetings.ReminderBefore} {
		if _, err := policy.ParseDuration(d); err != nil {
			t.Errorf("policy period %q: %v", d, err)
		}
	}
	// Defaults, and the test policy's override of the ruling clock.
	if p.Election.ReopenPeriod != "7d" || p.Arbitration.RulingDue != "6s" {
		t.Fatalf("policy %s", r.body)
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := shared
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	expect(t, do(t, e, "GET", "/openapi.json", "", nil), http.StatusOK).json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range e.app.API.Routes() {
		served[r] = true
		if !documented[r] {
			t.Errorf("route %s is not in /openapi.json", r)
		}
	}
	for d := range documented {
		if !served[d] {
			t.Errorf("/openapi.json names %s, which is not served", d)
		}
	}
	// The SPEC's minimum routes are there.
	for _, r := range []string{"GET /api/v1/policy", "GET /api/v1/countries", "POST /api/v1/countries", "GET /api/v1/als", "POST /api/v1/als",
		"GET /api/v1/als/{id}", "PATCH /api/v1/als/{id}", "GET /api/v1/members", "POST /api/v1/members", "GET /api/v1/members/{id}",
		"PATCH /api/v1/members/{id}", "POST /api/v1/members/{id}/tokens", "GET /api/v1/members/{id}/declarations",
		"POST /api/v1/members/{id}/declarations", "GET /api/v1/positions", "GET /api/v1/notifications", "GET /api/v1/audit",
		"GET /api/v1/audit/verify", "GET /healthz", "GET /readyz", "GET /metrics"} {
		if !served[r] {
			t.Errorf("SPEC route %s is not served", r)
		}
	}
}

func TestRoadmap(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	_, memberTok := newMember(t, e, "AR", "")
	start := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	var a, b map[string]any
	expect(t, do(t, e, "POST", "/api/v1/roadmap/items", memberTok, map[string]any{"title": "x", "start": start, "due": start.Add(24 * time.Hour)}), http.StatusForbidden)
	expect(t, do(t, e, "POST", "/api/v1/roadmap/items", adminToken, map[string]any{"title": "Ethics committee <constituted>", "owner": "Staff",
		"start": start, "due": start.AddDate(0, 1, 0), "status": "in_progress"}), http.StatusCreated).json(t, &a)
	expect(t, do(t, e, "POST", "/api/v1/roadmap/items", adminToken, map[string]any{"title": "Elections in May", "owner": "Chair",
		"start": start.AddDate(0, 1, 0), "due": start.AddDate(0, 4, 0), "depends_on": []string{a["id"].(string)}}), http.StatusCreated).json(t, &b)
	for name, body := range map[string]map[string]any{
		"unknown dependency":                  {"title": "y", "start": start, "due": start.AddDate(0, 1, 0), "depends_on": []string{"rm_nope"}},
		"starts before its dependency is due": {"title": "y", "start": start, "due": start.AddDate(0, 5, 0), "depends_on": []string{b["id"].(string)}},
		"due before start":                    {"title": "y", "start": start, "due": start.AddDate(0, -1, 0)},
	} {
		t.Run(name, func(t *testing.T) {
			expect(t, do(t, e, "POST", "/api/v1/roadmap/items", adminToken, body), http.StatusUnprocessableEntity)
		})
	}
	// Start and due are the days a person means: a date is enough.
	var day map[string]any
	expect(t, do(t, e, "POST", "/api/v1/roadmap/items", adminToken, map[string]any{"title": "Statement on the work plan",
		"start": "2027-02-01", "due": "2027-03-01T12:00:00Z"}), http.StatusCreated).json(t, &day)
	if day["start"] != "2027-02-01T00:00:00Z" || day["due"] != "2027-03-01T12:00:00Z" {
		t.Fatalf("dates %v, %v", day["start"], day["due"])
	}
	r := expect(t, do(t, e, "POST", "/api/v1/roadmap/items", adminToken, map[string]any{"title": "y", "start": "1 February", "due": "2027-03-01"}),
		http.StatusUnprocessableEntity)
	wantField(t, r, "start", "must be a date such as 2027-05-01 or a date-time such as 2027-05-01T14:00:00Z")
	r = expect(t, do(t, e, "GET", "/api/v1/roadmap/gantt.svg", memberTok, nil), http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Fatalf("content type %q", ct)
	}
	if err := xml.Unmarshal(r.body, new(struct{})); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v", err)
	}
	for _, want := range []string{"Ethics committee &lt;constituted&gt;", "Elections in May"} {
		if !strings.Contains(string(r.body), want) {
			t.Fatalf("the chart does not show %q", want)
		}
	}
}
