package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

type complaint struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	ComplainantID string `json:"complainant_id"`
	Receipt       string `json:"receipt"`
	Votes         []any  `json:"votes"`
}

// TestEthicsEndToEnd: an anonymous complaint against a chair runs from
// filing to a removal that takes effect, over real HTTP, with the clocks
// shortened by the test policy; the complainant stays hidden from the
// respondent throughout.
func TestEthicsEndToEnd(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	resetCommittee(t, e)
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	complainant, cTok := newMember(t, e, "AR", "")
	respondent, rTok := newMember(t, e, "AR", als.ID)
	_, k1 := newMember(t, e, "AR", "", "ethics_committee")
	_, k2 := newMember(t, e, "AR", "", "ethics_committee")
	_, _ = newMember(t, e, "AR", "", "ethics_committee")
	_, kSameALS := newMember(t, e, "AR", als.ID, "ethics_committee") // recused: same ALS as the respondent
	kDeclared, kDeclaredTok := newMember(t, e, "AR", "", "ethics_committee")
	// kDeclared declared an interest involving the respondent before the case.
	expect(t, do(t, e, "POST", "/api/v1/members/"+kDeclared.ID+"/declarations", kDeclaredTok,
		map[string]any{"kind": "interest", "organization": "Same law firm", "subjects": []string{respondent.ID}}), http.StatusCreated)
	kLate, kLateTok := newMember(t, e, "AR", "", "ethics_committee")
	_, outsider := newMember(t, e, "AR", "")
	expect(t, do(t, e, "POST", "/api/v1/positions", adminToken, map[string]any{"position": "chair", "holder_id": respondent.ID,
		"term_start": time.Now().Add(-time.Hour).Format(time.RFC3339)}), http.StatusCreated)

	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": "m_nobody", "kind": "bad_faith", "summary": "x"}), http.StatusUnprocessableEntity)
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": respondent.ID, "kind": "gossip", "summary": "x"}), http.StatusUnprocessableEntity)

	var filed complaint
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": respondent.ID,
		"kind": "undeclared_conflict", "summary": "The chair did not declare a registrar contract.", "anonymous": true}), http.StatusCreated).json(t, &filed)
	if filed.Receipt == "" || filed.Status != "screening" {
		t.Fatalf("filed %+v", filed)
	}
	path := "/api/v1/ethics/complaints/" + filed.ID
	eventually(t, 10*time.Second, "case started", func() bool { return do(t, e, "GET", path, cTok, nil).status == http.StatusOK })

	// The receipt works without a token and shows nothing confidential.
	r := expect(t, do(t, e, "GET", "/api/v1/ethics/complaints/by-receipt/"+filed.Receipt, "", nil), http.StatusOK)
	if strings.Contains(string(r.body), complainant.ID) || r.field(t, "status") != "screening" {
		t.Fatalf("by receipt: %s", r.body)
	}
	expect(t, do(t, e, "GET", "/api/v1/ethics/complaints/by-receipt/NOPE-NOPE-NOPE-NOPE", "", nil), http.StatusNotFound)

	// Before admission the respondent does not know; recused members and
	// outsiders never see the case.
	expect(t, do(t, e, "GET", path, rTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "GET", path, kSameALS, nil), http.StatusNotFound)
	expect(t, do(t, e, "GET", path, kDeclaredTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "GET", path, outsider, nil), http.StatusNotFound)
	// A member who declares an interest during the case is recused at once.
	expect(t, do(t, e, "GET", path, kLateTok, nil), http.StatusOK)
	expect(t, do(t, e, "POST", "/api/v1/members/"+kLate.ID+"/declarations", kLateTok,
		map[string]any{"kind": "interest", "organization": "Business partner", "subjects": []string{respondent.ID}}), http.StatusCreated)
	expect(t, do(t, e, "GET", path, kLateTok, nil), http.StatusNotFound)
	expect(t, do(t, e, "POST", path+"/admit", kSameALS, map[string]any{"note": "x"}), http.StatusNotFound)
	// A refusal's problem keeps the workflow's English detail and names
	// the refusal by its code, for a client that explains it in its own
	// words.
	for _, x := range []struct {
		path, token  string
		body         map[string]any
		status       int
		code, detail string
	}{
		{path + "/admit", cTok, map[string]any{"note": "x"}, http.StatusForbidden,
			"ethics.screen_committee_only", "only a non-recused member of the ethics committee can admit a complaint"},
		{path + "/vote", k1, map[string]any{"decision": map[string]any{"kind": "warning"}, "for": true}, http.StatusConflict,
			"ethics.not_in_deliberation", "the case is not in deliberation"},
	} {
		var p struct{ Detail, Code string }
		expect(t, do(t, e, "POST", x.path, x.token, x.body), x.status).json(t, &p)
		if p.Code != x.code || p.Detail != x.detail {
			t.Errorf("POST %s: problem %+v, want code %q and detail %q", x.path, p, x.code, x.detail)
		}
	}

	expect(t, do(t, e, "POST", path+"/admit", k1, map[string]any{"note": "Admissible."}), http.StatusOK)
	var seen complaint
	expect(t, do(t, e, "GET", path, rTok, nil), http.StatusOK).json(t, &seen)
	if seen.ComplainantID != "" || seen.Receipt != "" {
		t.Fatalf("the respondent sees the anonymous complainant: %+v", seen)
	}
	expect(t, do(t, e, "POST", path+"/respond", cTok, map[string]any{"text": "not mine to answer"}), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/respond", rTok, map[string]any{"text": "I declared it in 2025."}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/deliberate", k1, nil), http.StatusOK)

	// A date the service cannot read is refused naming the field and the
	// forms it takes, never with a Go parser message.
	bad := expect(t, do(t, e, "POST", path+"/vote", k1, map[string]any{"decision": map[string]any{"kind": "suspension", "until": "next week"}, "for": true}), http.StatusUnprocessableEntity)
	var problem struct {
		Errors map[string]string `json:"errors"`
	}
	bad.json(t, &problem)
	if msg := problem.Errors["decision.until"]; !strings.Contains(msg, "2027-05-01") || strings.Contains(string(bad.body), "parsing time") {
		t.Fatalf("bad until answered %s", bad.body)
	}
	removal := map[string]any{"kind": "removal", "position": "chair"}
	expect(t, do(t, e, "POST", path+"/vote", k1, map[string]any{"decision": removal, "for": true}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/vote", kSameALS, map[string]any{"decision": removal, "for": true}), http.StatusNotFound)
	expect(t, do(t, e, "POST", path+"/vote", k2, map[string]any{"decision": removal, "for": true}), http.StatusOK)
	expect(t, do(t, e, "GET", path, rTok, nil), http.StatusOK).json(t, &seen)
	if len(seen.Votes) != 0 {
		t.Fatalf("a party sees the committee's votes: %v", seen.Votes)
	}

	// No appeal: after the window the removal takes effect.
	eventually(t, 20*time.Second, "closed", func() bool {
		var c complaint
		expect(t, do(t, e, "GET", path, k1, nil), http.StatusOK).json(t, &c)
		return c.Status == "closed"
	})
	eventually(t, 10*time.Second, "position vacated", func() bool {
		var pos []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/positions", rTok, nil), http.StatusOK).json(t, &pos)
		for _, p := range pos {
			if p["holder_id"] == respondent.ID {
				return false
			}
		}
		return true
	})
	until, err := e.app.Store.IneligibleUntil(context.Background(), respondent.ID, time.Now())
	if err != nil || until == nil || until.Before(time.Now().Add(729*24*time.Hour)) {
		t.Fatalf("ineligible until %v (%v), want about two years", until, err)
	}

	// The public record and what the respondent can read name nobody.
	eventually(t, 10*time.Second, "published decision", func() bool {
		r := expect(t, do(t, e, "GET", "/api/v1/public/ethics-decisions", "", nil), http.StatusOK)
		if strings.Contains(string(r.body), complainant.ID) || strings.Contains(string(r.body), respondent.ID) {
			t.Fatalf("the public record names a party: %s", r.body)
		}
		return strings.Contains(string(r.body), filed.ID)
	})
	ra := expect(t, do(t, e, "GET", "/api/v1/audit?process=ethics&limit=1000", rTok, nil), http.StatusOK)
	if strings.Contains(string(ra.body), complainant.ID) {
		t.Fatal("the respondent's audit view names the anonymous complainant")
	}
	for _, p := range []string{"/api/v1/ethics/complaints", path, "/api/v1/audit?limit=1000", "/api/v1/members/" + respondent.ID} {
		if b := expect(t, do(t, e, "GET", p, rTok, nil), http.StatusOK).body; strings.Contains(string(b), complainant.ID) {
			t.Fatalf("%s names the anonymous complainant to the respondent: %s", p, b)
		}
	}
	var mail []map[string]any
	expect(t, do(t, e, "GET", "/api/v1/notifications", rTok, nil), http.StatusOK).json(t, &mail)
	for _, m := range mail {
		if strings.Contains(m["body"].(string), complainant.Name) || strings.Contains(m["body"].(string), complainant.ID) {
			t.Fatalf("an email to the respondent names the complainant: %v", m["body"])
		}
	}
	if ok := expect(t, do(t, e, "GET", "/api/v1/audit/verify", adminToken, nil), 200).field(t, "ok"); ok != true {
		t.Fatal("audit chain does not verify")
	}
}

// TestEthicsAppealToArbitration: an appeal opens a linked arbitration case;
// the sanction waits; an overturning ruling closes the ethics case with
// nothing applied.
func TestEthicsAppealToArbitration(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	resetCommittee(t, e)
	_, cTok := newMember(t, e, "AR", "")
	respondent, rTok := newMember(t, e, "AR", "")
	_, k1 := newMember(t, e, "AR", "", "ethics_committee")
	_, k2 := newMember(t, e, "AR", "", "ethics_committee")
	arb, arbTok := newMember(t, e, "AR", "", "arbitrator")
	_, staffTok := newMember(t, e, "AR", "", "staff")

	var filed complaint
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": respondent.ID,
		"kind": "bad_faith", "summary": "Spread false claims about the election."}), http.StatusCreated).json(t, &filed)
	path := "/api/v1/ethics/complaints/" + filed.ID
	eventually(t, 10*time.Second, "case started", func() bool { return do(t, e, "GET", path, k1, nil).status == http.StatusOK })
	expect(t, do(t, e, "POST", path+"/admit", k1, map[string]any{"note": "ok"}), http.StatusOK)
	// Evidence is created inside the case: 201, the entry under its name,
	// and where to read it again.
	ev := expect(t, do(t, e, "POST", path+"/evidence", cTok, map[string]any{"text": "The minutes.", "links": []string{"https://example.org/m"}}), http.StatusCreated)
	var added struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		Evidence struct {
			N    int    `json:"n"`
			Text string `json:"text"`
			Role string `json:"role"`
		} `json:"evidence_entry"`
		List []struct {
			Text string `json:"text"`
		} `json:"evidence"`
	}
	ev.json(t, &added)
	loc := ev.header.Get("Location")
	if added.ID != filed.ID || added.Status == "" || added.Evidence.N != 1 || added.Evidence.Text != "The minutes." ||
		len(added.List) != 1 || added.List[0].Text != "The minutes." ||
		added.Evidence.Role != "complainant" || loc != path+"/evidence/1" {
		t.Fatalf("evidence answered %s (Location %q)", ev.body, loc)
	}
	if got := expect(t, do(t, e, "GET", loc, k1, nil), http.StatusOK).field(t, "text"); got != "The minutes." {
		t.Fatalf("GET %s: text %v", loc, got)
	}
	expect(t, do(t, e, "GET", path+"/evidence/2", k1, nil), http.StatusNotFound)
	// The respondent stays silent: after the response period the case moves on.
	eventually(t, 20*time.Second, "deliberation", func() bool {
		var c complaint
		expect(t, do(t, e, "GET", path, k1, nil), http.StatusOK).json(t, &c)
		return c.Status == "deliberation"
	})
	warning := map[string]any{"kind": "warning"}
	for _, k := range []string{k1, k2} {
		expect(t, do(t, e, "POST", path+"/vote", k, map[string]any{"decision": warning, "for": true}), http.StatusOK)
	}
	expect(t, do(t, e, "POST", path+"/appeal", k1, map[string]any{"reason": "x"}), http.StatusForbidden)
	expect(t, do(t, e, "POST", path+"/appeal", rTok, map[string]any{"reason": "The claims were true."}), http.StatusOK)
	var c complaint
	expect(t, do(t, e, "GET", path, rTok, nil), http.StatusOK).json(t, &c)
	if c.Status != "appealed" {
		t.Fatalf("status %q after the appeal", c.Status)
	}

	// The ethics case opens the linked arbitration itself (the handler
	// only recorded the appeal): it names both parties of this open
	// complaint, the appellant as its filer, and the decision under appeal.
	ap := "/api/v1/arbitrations/arb_appeal_" + filed.ID
	eventually(t, 10*time.Second, "arbitration opened", func() bool { return do(t, e, "GET", ap, rTok, nil).status == http.StatusOK })
	var arbCase struct {
		FiledBy  string `json:"filed_by"`
		AppealOf *struct {
			Kind string `json:"kind"`
			ID   string `json:"id"`
		} `json:"appeal_of"`
		Parties []struct {
			ID string `json:"id"`
		} `json:"parties"`
	}
	expect(t, do(t, e, "GET", ap, staffTok, nil), http.StatusOK).json(t, &arbCase)
	if arbCase.FiledBy != respondent.ID || arbCase.AppealOf == nil || arbCase.AppealOf.Kind != "ethics" ||
		arbCase.AppealOf.ID != filed.ID || len(arbCase.Parties) != 2 {
		t.Fatalf("the appeal's arbitration: %+v", arbCase)
	}
	if _, err := e.app.Store.GetCase(context.Background(), "arbitration", "arb_appeal_"+filed.ID); err != nil {
		t.Fatalf("the appeal's arbitration is not in the cases index: %v", err)
	}
	expect(t, do(t, e, "POST", ap+"/assign", staffTok, map[string]any{"arbitrator_id": arb.ID}), http.StatusOK)
	expect(t, do(t, e, "POST", ap+"/confirm", arbTok, nil), http.StatusOK)
	eventually(t, 15*time.Second, "challenge window closed", func() bool { return get(t, e, ap, staffTok) == "submissions" })
	expect(t, do(t, e, "POST", ap+"/hearing", arbTok, map[string]any{"starts_at": time.Now().Add(time.Second).UTC(), "duration": 30, "location": "call"}), http.StatusOK)
	eventually(t, 15*time.Second, "hearing held", func() bool { return get(t, e, ap, staffTok) == "ruling_due" })
	expect(t, do(t, e, "POST", ap+"/ruling", arbTok, map[string]any{"outcome": "overturn", "text": "The warning is overturned.", "articles": []string{"7"}}), http.StatusOK)

	eventually(t, 15*time.Second, "ethics case closed by the ruling", func() bool {
		var c map[string]any
		expect(t, do(t, e, "GET", path, k1, nil), http.StatusOK).json(t, &c)
		return c["status"] == "closed" && c["outcome"] == "dismissed"
	})
	sanctions, err := e.app.Store.ListSanctions(context.Background(), respondent.ID)
	if err != nil || len(sanctions) != 0 {
		t.Fatalf("an overturned decision was applied: %v %v", sanctions, err)
	}
}

// TestEthicsAnonymousAppeal: when the anonymous complainant appeals, the
// arbitration the case opens lists the respondent only and shows the
// filer as "system", so the respondent never learns who complained.
func TestEthicsAnonymousAppeal(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	resetCommittee(t, e)
	complainant, cTok := newMember(t, e, "AR", "")
	respondent, rTok := newMember(t, e, "AR", "")
	_, k1 := newMember(t, e, "AR", "", "ethics_committee")
	_, k2 := newMember(t, e, "AR", "", "ethics_committee")

	var filed complaint
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", cTok, map[string]any{"respondent_id": respondent.ID,
		"kind": "other", "summary": "Anonymous appeal " + unique(), "anonymous": true}), http.StatusCreated).json(t, &filed)
	path := "/api/v1/ethics/complaints/" + filed.ID
	eventually(t, 10*time.Second, "case started", func() bool { return do(t, e, "GET", path, k1, nil).status == http.StatusOK })
	expect(t, do(t, e, "POST", path+"/admit", k1, map[string]any{"note": "ok"}), http.StatusOK)
	eventually(t, 20*time.Second, "deliberation", func() bool { return get(t, e, path, k1) == "deliberation" })
	for _, k := range []string{k1, k2} {
		expect(t, do(t, e, "POST", path+"/vote", k, map[string]any{"decision": map[string]any{"kind": "dismissed"}, "for": true}), http.StatusOK)
	}
	expect(t, do(t, e, "POST", path+"/appeal", cTok, map[string]any{"reason": "The committee ignored the evidence."}), http.StatusOK)

	ap := "/api/v1/arbitrations/arb_appeal_" + filed.ID
	eventually(t, 10*time.Second, "arbitration opened", func() bool { return do(t, e, "GET", ap, rTok, nil).status == http.StatusOK })
	r := expect(t, do(t, e, "GET", ap, rTok, nil), http.StatusOK)
	var arbCase struct {
		FiledBy string `json:"filed_by"`
		Parties []struct {
			ID string `json:"id"`
		} `json:"parties"`
	}
	r.json(t, &arbCase)
	if arbCase.FiledBy != "system" || len(arbCase.Parties) != 1 || arbCase.Parties[0].ID != respondent.ID {
		t.Fatalf("the anonymous appeal's arbitration: %s", r.body)
	}
	if strings.Contains(string(r.body), complainant.ID) {
		t.Fatalf("the arbitration names the anonymous complainant to the respondent: %s", r.body)
	}
}

func get(t *testing.T, e *env, path, token string) string {
	var d map[string]any
	expect(t, do(t, e, "GET", path, token, nil), http.StatusOK).json(t, &d)
	s, _ := d["status"].(string)
	return s
}

// resetCommittee takes the ethics_committee role from every member, so a
// test's committee (and so its quorum) is the one it builds: the tests
// share one registry.
func resetCommittee(t *testing.T, e *env) {
	t.Helper()
	var ms []struct {
		ID    string   `json:"id"`
		Roles []string `json:"roles"`
	}
	expect(t, do(t, e, "GET", "/api/v1/members?role=ethics_committee&limit=1000", adminToken, nil), http.StatusOK).json(t, &ms)
	for _, m := range ms {
		var keep []string
		for _, r := range m.Roles {
			if r != "ethics_committee" {
				keep = append(keep, r)
			}
		}
		expect(t, do(t, e, "PATCH", "/api/v1/members/"+m.ID, adminToken, map[string]any{"roles": keep}), http.StatusOK)
	}
}
