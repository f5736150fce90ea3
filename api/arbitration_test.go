package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

type arbDoc struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	ArbitratorID string     `json:"arbitrator_id"`
	DueAt        *time.Time `json:"due_at"`
	Ruling       *struct {
		Outcome string `json:"outcome"`
		Hash    string `json:"hash"`
	} `json:"ruling"`
	Deadlines []struct {
		Name string    `json:"name"`
		At   time.Time `json:"at"`
	} `json:"deadlines"`
}

// TestArbitrationEndToEnd runs a case from filing to published ruling over
// real HTTP, with the clocks shortened to seconds by the test policy.
func TestArbitrationEndToEnd(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	ensureCountry(t, e, "BR", "Brasil")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "BR"}), http.StatusCreated).json(t, &als)

	_, filerTok := newMember(t, e, "AR", "")
	respondent, respTok := newMember(t, e, "BR", als.ID)
	arb, arbTok := newMember(t, e, "AR", "", "arbitrator")
	conflicted, conflictedTok := newMember(t, e, "AR", "", "arbitrator")
	_, outsiderTok := newMember(t, e, "AR", "")
	_, staffTok := newMember(t, e, "AR", "", "staff")
	notArb, _ := newMember(t, e, "AR", "")
	// The conflicted arbitrator declared an interest involving the respondent's ALS.
	expect(t, do(t, e, "POST", "/api/v1/members/"+conflicted.ID+"/declarations", conflictedTok,
		map[string]any{"kind": "interest", "organization": "ALS board", "subjects": []string{als.ID}}), http.StatusCreated)

	// Bad filings change nothing.
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", filerTok, map[string]any{"question": "", "parties": []string{"m_nobody"}}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", "", map[string]any{"question": "q", "parties": []string{respondent.ID}}), http.StatusUnauthorized)

	var c arbDoc
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", filerTok, map[string]any{
		"question": "Was the 2026 chair election run under article 12?", "articles": []string{"12"},
		"parties": []string{respondent.ID}}, "Idempotency-Key", "arb-"+unique()), http.StatusCreated).json(t, &c)
	if c.Status != "filed" || c.ID == "" {
		t.Fatalf("filed case %+v", c)
	}
	path := "/api/v1/arbitrations/" + c.ID
	get := func(token string) arbDoc {
		var d arbDoc
		expect(t, do(t, e, "GET", path, token, nil), http.StatusOK).json(t, &d)
		return d
	}

	// Who may see it.
	get(filerTok)
	get(respTok)
	get(staffTok)
	expect(t, do(t, e, "GET", path, outsiderTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "GET", path, arbTok, nil), http.StatusNotFound) // not yet assigned

	// Assignment: staff only, from the roster, without conflict.
	for _, tc := range []struct {
		name, token, arbitrator string
		status                  int
	}{
		{"party may not assign", filerTok, arb.ID, http.StatusForbidden},
		{"outsider cannot see the case", outsiderTok, arb.ID, http.StatusNotFound},
		{"not on the roster", staffTok, notArb.ID, http.StatusUnprocessableEntity},
		{"declared interest in the respondent's ALS", staffTok, conflicted.ID, http.StatusUnprocessableEntity},
		{"a party cannot arbitrate", staffTok, respondent.ID, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, do(t, e, "POST", path+"/assign", tc.token, map[string]any{"arbitrator_id": tc.arbitrator}), tc.status)
			if d := get(staffTok); d.Status != "filed" || d.ArbitratorID != "" {
				t.Fatalf("a refused assignment changed the case: %+v", d)
			}
		})
	}
	expect(t, do(t, e, "POST", path+"/ruling", arbTok, map[string]any{"outcome": "decided", "text": "x"}), http.StatusNotFound)
	if d := expect(t, do(t, e, "POST", path+"/assign", staffTok, map[string]any{"arbitrator_id": arb.ID}), http.StatusOK); !strings.Contains(string(d.body), `"status":"assigned"`) {
		t.Fatalf("assign: %s", d.body)
	}
	expect(t, do(t, e, "POST", path+"/confirm", filerTok, nil), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/confirm", arbTok, nil), http.StatusOK)
	// A ruling before any hearing is refused by the state.
	expect(t, do(t, e, "POST", path+"/ruling", arbTok, map[string]any{"outcome": "decided", "text": "too early"}), http.StatusConflict)

	// The challenge window (2s) closes; submissions open.
	eventually(t, 15*time.Second, "submissions", func() bool { return get(staffTok).Status == "submissions" })
	sub := expect(t, do(t, e, "POST", path+"/submissions", respTok, map[string]any{"text": "The vote followed article 12.", "links": []string{"https://example.org/minutes"}}), http.StatusCreated)
	var submitted struct {
		arbDoc
		Submissions []map[string]any `json:"submissions"`
		Submission  struct {
			Number int      `json:"number"`
			By     string   `json:"by"`
			Text   string   `json:"text"`
			Links  []string `json:"links"`
		} `json:"submission"`
	}
	sub.json(t, &submitted)
	if submitted.ID != c.ID || submitted.Status != "submissions" || len(submitted.Submissions) != 1 || submitted.Submission.Number != 1 ||
		submitted.Submission.By != respondent.ID || submitted.Submission.Text != "The vote followed article 12." || len(submitted.Submission.Links) != 1 {
		t.Fatalf("submission answer %s", sub.body)
	}
	loc := sub.header.Get("Location")
	if loc != path+"/submissions/1" {
		t.Fatalf("Location %q, want %s/submissions/1", loc, path)
	}
	if got := expect(t, do(t, e, "GET", loc, filerTok, nil), http.StatusOK).field(t, "text"); got != "The vote followed article 12." {
		t.Fatalf("submission read back: text %v", got)
	}
	expect(t, do(t, e, "GET", loc, outsiderTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "GET", path+"/submissions/2", filerTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "POST", path+"/submissions", outsiderTok, map[string]any{"text": "me too"}), http.StatusNotFound)

	// Hearing: an invitation with an iCalendar attachment for the parties.
	starts := time.Now().Add(2 * time.Second).UTC().Truncate(time.Second)
	expect(t, do(t, e, "POST", path+"/hearing", filerTok, map[string]any{"starts_at": starts, "duration": "1h", "location": "https://meet.example.org/x"}), http.StatusForbidden)
	// A bad duration or start is refused naming the field, in words, not
	// with a parser's message.
	for field, body := range map[string]map[string]any{
		"duration":  {"starts_at": starts, "duration": "soon", "location": "x"},
		"starts_at": {"starts_at": "tomorrow", "duration": "1h", "location": "x"},
	} {
		var p struct {
			Errors map[string]string `json:"errors"`
		}
		expect(t, do(t, e, "POST", path+"/hearing", arbTok, body), http.StatusUnprocessableEntity).json(t, &p)
		if msg := p.Errors[field]; msg == "" || strings.Contains(msg, "parsing") || strings.Contains(msg, "invalid") {
			t.Errorf("bad %s: errors %v", field, p.Errors)
		}
	}
	expect(t, do(t, e, "POST", path+"/hearing", arbTok, map[string]any{"starts_at": starts, "duration": "90m", "location": "https://meet.example.org/x"}), http.StatusOK)
	var invite store.OutboxMessage
	eventually(t, 15*time.Second, "hearing invitation", func() bool {
		msgs, err := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: respondent.ID, Process: "arbitration"})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Event == "arbitration.hearing_scheduled" {
				invite = m
				return true
			}
		}
		return false
	})
	att, err := invite.OutboxAttachments()
	if err != nil || len(att) != 1 || !strings.Contains(string(att[0].Data), "BEGIN:VCALENDAR") || !strings.Contains(string(att[0].Data), "DTSTART:"+starts.Format("20060102T150405Z")) {
		t.Fatalf("invitation attachment %v %v", att, err)
	}
	if end := "DTEND:" + starts.Add(90*time.Minute).Format("20060102T150405Z"); !strings.Contains(string(att[0].Data), end) {
		t.Fatalf("invitation without %s:\n%s", end, att[0].Data)
	}

	// After the hearing the ruling clock runs (6s), with reminders.
	eventually(t, 20*time.Second, "ruling due", func() bool { return get(arbTok).Status == "ruling_due" })
	d := get(arbTok)
	if d.DueAt == nil || d.DueAt.Sub(starts) != 6*time.Second {
		t.Fatalf("due at %v, want hearing + 6s", d.DueAt)
	}
	eventually(t, 20*time.Second, "a ruling reminder", func() bool {
		msgs, _ := e.app.Store.ListOutbox(context.Background(), store.OutboxFilter{MemberID: arb.ID, Process: "arbitration"})
		for _, m := range msgs {
			if m.Event == "arbitration.ruling_reminder" {
				return true
			}
		}
		return false
	})

	var ruled arbDoc
	expect(t, do(t, e, "POST", path+"/ruling", respTok, map[string]any{"outcome": "decided", "text": "mine"}), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/ruling", arbTok, map[string]any{"outcome": "decided", "text": "The election followed article 12.", "articles": []string{"12"}}), http.StatusOK).json(t, &ruled)
	if ruled.Status != "ruled" || ruled.Ruling == nil || len(ruled.Ruling.Hash) != 64 {
		t.Fatalf("ruling %+v", ruled)
	}
	// Binding and immutable.
	expect(t, do(t, e, "POST", path+"/ruling", arbTok, map[string]any{"outcome": "dismissed", "text": "second thoughts"}), http.StatusConflict)

	// Published without a token, with the hash that is in the audit chain.
	var pub []struct {
		CaseID string `json:"case_id"`
		Ruling struct {
			Sha256 string `json:"sha256"`
			Text   string `json:"text"`
		} `json:"ruling"`
	}
	eventually(t, 10*time.Second, "published ruling", func() bool {
		expect(t, do(t, e, "GET", "/api/v1/public/rulings", "", nil), http.StatusOK).json(t, &pub)
		for _, p := range pub {
			if p.CaseID == c.ID {
				return p.Ruling.Sha256 == ruled.Ruling.Hash && p.Ruling.Text == "The election followed article 12."
			}
		}
		return false
	})
	if ok := expect(t, do(t, e, "GET", "/api/v1/audit/verify", adminToken, nil), 200).field(t, "ok"); ok != true {
		t.Fatal("audit chain does not verify")
	}
	// Emails went to the parties in the outbox.
	eventually(t, 10*time.Second, "the filer's emails", func() bool {
		var mine []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/notifications", filerTok, nil), 200).json(t, &mine)
		events := map[string]bool{}
		for _, m := range mine {
			events[m["event"].(string)] = true
		}
		return events["arbitration.filed"] && events["arbitration.hearing_scheduled"] && events["arbitration.ruling"]
	})
	// Listings: parties see their case; outsiders do not.
	var list []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/arbitrations", outsiderTok, nil), 200).json(t, &list)
	for _, l := range list {
		if l["id"] == c.ID {
			t.Fatal("an outsider lists the case")
		}
	}
}

// TestArbitrationRefusedTransitions: every transition from a wrong state or
// by the wrong person is refused with 403, 404 or 409 and changes nothing.
func TestArbitrationRefusedTransitions(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	_, filerTok := newMember(t, e, "AR", "")
	respondent, respTok := newMember(t, e, "AR", "")
	_, arbTok := newMember(t, e, "AR", "", "arbitrator")
	_, outsiderTok := newMember(t, e, "AR", "")
	_, staffTok := newMember(t, e, "AR", "", "staff")

	var c arbDoc
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", filerTok, map[string]any{"question": "Q?", "parties": []string{respondent.ID}}), http.StatusCreated).json(t, &c)
	path := "/api/v1/arbitrations/" + c.ID
	eventually(t, 10*time.Second, "case started", func() bool { return do(t, e, "GET", path, staffTok, nil).status == http.StatusOK })
	audit := func() int {
		var entries []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/audit?process=arbitration&object_id="+c.ID, adminToken, nil), 200).json(t, &entries)
		return len(entries)
	}
	eventually(t, 10*time.Second, "filing audited", func() bool { return audit() > 0 })
	before := string(do(t, e, "GET", path, staffTok, nil).body)
	entries := audit()

	hearing := map[string]any{"starts_at": time.Now().Add(time.Hour), "duration": 60, "location": "call"}
	ruling := map[string]any{"outcome": "decided", "text": "x"}
	for _, tc := range []struct {
		name, action, token string
		body                any
		status              int
	}{
		{"party assigns", "assign", filerTok, map[string]any{"arbitrator_id": "m_x"}, http.StatusForbidden},
		{"outsider assigns", "assign", outsiderTok, map[string]any{"arbitrator_id": "m_x"}, http.StatusNotFound},
		{"party confirms", "confirm", respTok, nil, http.StatusForbidden},
		{"unassigned arbitrator confirms", "confirm", arbTok, nil, http.StatusNotFound},
		{"challenge with no arbitrator", "challenge", respTok, map[string]any{"reason": "r"}, http.StatusConflict},
		{"staff decide a challenge that does not exist", "challenge/decision", staffTok, map[string]any{"decision": "sustain"}, http.StatusConflict},
		{"submission before submissions open", "submissions", respTok, map[string]any{"text": "t"}, http.StatusConflict},
		{"outsider submits", "submissions", outsiderTok, map[string]any{"text": "t"}, http.StatusNotFound},
		{"staff schedule a hearing", "hearing", staffTok, hearing, http.StatusForbidden},
		{"party extends", "extend", respTok, map[string]any{"days": 3, "reason": "r"}, http.StatusForbidden},
		{"staff rule", "ruling", staffTok, ruling, http.StatusForbidden},
		{"party rules", "ruling", filerTok, ruling, http.StatusForbidden},
		{"outsider refers to the Ombudsman", "ombudsman", outsiderTok, map[string]any{"referred_at": time.Now()}, http.StatusNotFound},
		{"spoofed actor", "challenge/decision", respTok, map[string]any{"decision": "sustain", "actor": map[string]any{"member_id": "m_staff", "roles": []string{"staff"}}}, http.StatusUnprocessableEntity},
		{"party decides a challenge", "challenge/decision", respTok, map[string]any{"decision": "sustain"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, do(t, e, "POST", path+"/"+tc.action, tc.token, tc.body), tc.status)
		})
	}
	if after := string(do(t, e, "GET", path, staffTok, nil).body); after != before {
		t.Fatalf("refused transitions changed the case:\nbefore %s\nafter  %s", before, after)
	}
	if audit() != entries {
		t.Fatal("refused transitions wrote to the audit log")
	}
}

// TestEmailRoutesAreRateLimited: a member filing case after case is slowed
// down with 429 problems before inboxes flood.
func TestEmailRoutesAreRateLimited(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	other, _ := newMember(t, e, "AR", "")
	_, tok := newMember(t, e, "AR", "")
	limited := 0
	for i := 0; i < 25; i++ {
		r := do(t, e, "POST", "/api/v1/arbitrations", tok, map[string]any{"question": "Q" + unique(), "parties": []string{other.ID}})
		switch r.status {
		case http.StatusCreated:
		case http.StatusTooManyRequests:
			expect(t, r, http.StatusTooManyRequests)
			limited++
		default:
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	}
	if limited == 0 {
		t.Fatal("25 filings in a row were not rate limited")
	}
}
