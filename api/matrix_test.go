package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// Actors of the security matrix: who sends the request, by their relation
// to the fixture's objects.
const (
	actAnonymous    = "anonymous"    // no token
	actPlain        = "plain member" // a member with no relation to anything
	actSelf         = "self"         // the member named in the path
	actOtherMember  = "other member" // a member acting on someone else's record
	actParty        = "party"        // a party to the arbitration case
	actNonParty     = "non-party"    // a member who is not a party to the case
	actArbitrator   = "arbitrator"   // the case's assigned arbitrator
	actOtherArb     = "other arbitrator"
	actCommittee    = "committee member"
	actRecused      = "recused committee member"
	actComplainant  = "complainant"
	actRespondent   = "respondent"
	actStaff        = "staff"
	actAdmin        = "admin"
	actRepOwn       = "als_rep own ALS" // the representative of an ALS on the roll, for that ALS
	actRepOther     = "als_rep other ALS"
	actPenholder    = "penholder"
	actNonPenholder = "non-penholder"
	actChair        = "chair"
	actFeedBearer   = "feed token as bearer" // self's calendar feed token sent as a bearer token
	actNominee      = "nominee"
	actOtherNominee = "other nominee"

	// Parties who hold powers over cases (SPEC "A party to a case acts in
	// it only as a party, whatever their roles").
	actStaffRespondent      = "respondent who is staff"
	actAdminRespondent      = "respondent who is admin"
	actCommitteeComplainant = "complainant on the committee, with an ALS"
	actALSComplainant       = "complainant with an ALS"
)

// matrixRow is one request of the security matrix: the route template it
// covers (as /openapi.json spells it), the concrete path, who sends it,
// the body and the exact status due. check, when set, asserts on the body:
// a 200 that shows what it must not is as much a failure as a wrong status.
type matrixRow struct {
	route string
	path  string
	actor string
	body  any
	want  int
	check func(t *testing.T, r response)
}

// matrixFixture holds one object of each kind with known relations, built
// over HTTP, and the token of every actor.
type matrixFixture struct {
	tokens map[string]string

	selfID, otherID, otherTokenID string
	staffID                       string
	otherEmail                    string
	feedToken                     string // self's calendar feed token
	alsOwn, alsOther              string

	arbCase string

	anonComplaint, openComplaint, receipt string
	complainantID, complainantName        string
	respondentID                          string

	election, nominationID string

	// staffCase: an anonymous complaint by the committee complainant (of
	// alsOwn, whose other committee member is recused for sharing it)
	// against the staff respondent, admitted; adminCase: one by the ALS
	// complainant against the admin respondent, admitted; pendingCase: one
	// by the committee complainant against the staff respondent, not yet
	// admitted.
	staffCase, adminCase, pendingCase            string
	staffReceipt, adminReceipt                   string
	ccID, ccName, ccEmail, acID, acName, acEmail string
	sameALSMember                                string

	statement, commented, comment string

	meeting string
}

// newMatrixFixture builds the fixture. The clocks of the test policy are
// short, so every row that depends on a state names one that lasts: the
// open complaint stays in screening for 60s, the statement drafts without
// opening comments, the election votes for ten minutes.
func newMatrixFixture(t *testing.T, e *env) *matrixFixture {
	t.Helper()
	ensureCountry(t, e, "AR", "Argentina")
	f := &matrixFixture{tokens: map[string]string{actAnonymous: "", actAdmin: adminToken}}
	// as registers a member for an actor of the matrix.
	as := func(actor, alsID string, roles ...string) member {
		m, token := newMember(t, e, "AR", alsID, roles...)
		f.tokens[actor] = token
		return m
	}
	newALS := func() string {
		var a struct{ ID string }
		expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &a)
		return a.ID
	}
	f.alsOwn, f.alsOther = newALS(), newALS()

	as(actPlain, "")
	f.staffID = as(actStaff, "", "staff").ID
	f.selfID = as(actSelf, "").ID
	om := as(actOtherMember, "")
	f.otherID, f.otherEmail = om.ID, om.Email
	var toks []struct {
		ID string `json:"id"`
	}
	expect(t, do(t, e, "GET", "/api/v1/members/"+f.otherID+"/tokens", adminToken, nil), http.StatusOK).json(t, &toks)
	f.otherTokenID = toks[0].ID
	var feed struct {
		Token string `json:"token"`
	}
	expect(t, do(t, e, "POST", "/api/v1/members/"+f.selfID+"/feed-token", f.tokens[actSelf], nil), http.StatusCreated).json(t, &feed)
	f.feedToken = feed.Token
	f.tokens[actFeedBearer] = feed.Token

	// Arbitration: filed by the party against the other party, assigned
	// to an arbitrator who confirmed; another arbitrator of the roster is
	// not assigned.
	as(actParty, "")
	against, _ := newMember(t, e, "AR", "")
	as(actNonParty, "")
	arb := as(actArbitrator, "", "arbitrator")
	as(actOtherArb, "", "arbitrator")
	var c arbDoc
	expect(t, do(t, e, "POST", "/api/v1/arbitrations", f.tokens[actParty], map[string]any{"question": "Matrix " + unique(),
		"parties": []string{against.ID}}), http.StatusCreated).json(t, &c)
	f.arbCase = c.ID
	path := "/api/v1/arbitrations/" + c.ID
	eventually(t, 30*time.Second, "arbitration started", func() bool { return do(t, e, "GET", path, f.tokens[actStaff], nil).status == http.StatusOK })
	expect(t, do(t, e, "POST", path+"/assign", f.tokens[actStaff], map[string]any{"arbitrator_id": arb.ID}), http.StatusOK)
	expect(t, do(t, e, "POST", path+"/confirm", f.tokens[actArbitrator], nil), http.StatusOK)

	// Ethics: the committee is rebuilt; one member declared an interest
	// naming the respondent before the complaints, so is recused from them.
	resetCommittee(t, e)
	c1 := as(actComplainant, "")
	f.complainantID, f.complainantName = c1.ID, c1.Name
	f.respondentID = as(actRespondent, "").ID
	as(actCommittee, "", "ethics_committee")
	rec := as(actRecused, "", "ethics_committee")
	expect(t, do(t, e, "POST", "/api/v1/members/"+rec.ID+"/declarations", f.tokens[actRecused],
		map[string]any{"kind": "interest", "organization": "Same firm", "subjects": []string{f.respondentID}}), http.StatusCreated)
	file := func(anonymous bool) complaint {
		var out complaint
		expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", f.tokens[actComplainant], map[string]any{"respondent_id": f.respondentID,
			"kind": "bad_faith", "summary": "Matrix " + unique(), "anonymous": anonymous}), http.StatusCreated).json(t, &out)
		p := "/api/v1/ethics/complaints/" + out.ID
		eventually(t, 30*time.Second, "complaint started", func() bool { return do(t, e, "GET", p, f.tokens[actComplainant], nil).status == http.StatusOK })
		return out
	}
	anon := file(true)
	f.anonComplaint, f.receipt = anon.ID, anon.Receipt
	f.openComplaint = file(false).ID
	// Admitted, so the respondent is told and may read it.
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints/"+f.anonComplaint+"/admit", f.tokens[actCommittee], map[string]any{"note": "admissible"}), http.StatusOK)
	// The complainant's evidence, which the respondent reads unsigned. The
	// rows run once its audit entry and the respondent's first email (the
	// admission's) are written, so they check what is there to leak.
	expect(t, do(t, e, "POST", "/api/v1/ethics/complaints/"+f.anonComplaint+"/evidence", f.tokens[actComplainant],
		map[string]any{"text": "Minutes of the meeting.", "links": []string{"https://example.org/minutes"}}), http.StatusCreated)
	eventually(t, 30*time.Second, "evidence audited and mailed", func() bool {
		var entries []struct {
			Action string `json:"action"`
		}
		expect(t, do(t, e, "GET", "/api/v1/audit?object_id="+f.anonComplaint+"&limit=1000", adminToken, nil), http.StatusOK).json(t, &entries)
		var mail []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/notifications", f.tokens[actRespondent], nil), http.StatusOK).json(t, &mail)
		return len(mail) > 0 && slices.ContainsFunc(entries, func(en struct {
			Action string `json:"action"`
		}) bool {
			return strings.Contains(en.Action, "evidence")
		})
	})

	// Parties with powers: the committee complainant and another committee
	// member share alsOwn, so the latter is recused from the complainant's
	// cases (the inference the respondent must not be able to make).
	cc := as(actCommitteeComplainant, f.alsOwn, "ethics_committee")
	f.ccID, f.ccName, f.ccEmail = cc.ID, cc.Name, cc.Email
	same, _ := newMember(t, e, "AR", f.alsOwn, "ethics_committee")
	f.sameALSMember = same.ID
	ac := as(actALSComplainant, f.alsOther)
	f.acID, f.acName, f.acEmail = ac.ID, ac.Name, ac.Email
	staffResp := as(actStaffRespondent, "", "staff")
	adminResp := as(actAdminRespondent, "", "admin")
	fileBy := func(actor, respondent string) complaint {
		var out complaint
		expect(t, do(t, e, "POST", "/api/v1/ethics/complaints", f.tokens[actor], map[string]any{"respondent_id": respondent,
			"kind": "bad_faith", "summary": "Matrix " + unique(), "anonymous": true}), http.StatusCreated).json(t, &out)
		p := "/api/v1/ethics/complaints/" + out.ID
		eventually(t, 30*time.Second, "complaint started", func() bool { return do(t, e, "GET", p, f.tokens[actor], nil).status == http.StatusOK })
		return out
	}
	sc := fileBy(actCommitteeComplainant, staffResp.ID)
	f.staffCase, f.staffReceipt = sc.ID, sc.Receipt
	acase := fileBy(actALSComplainant, adminResp.ID)
	f.adminCase, f.adminReceipt = acase.ID, acase.Receipt
	f.pendingCase = fileBy(actCommitteeComplainant, staffResp.ID).ID
	for _, id := range []string{f.staffCase, f.adminCase} {
		expect(t, do(t, e, "POST", "/api/v1/ethics/complaints/"+id+"/admit", f.tokens[actCommittee], map[string]any{"note": "admissible"}), http.StatusOK)
	}
	eventually(t, 30*time.Second, "the complainants' filing emails and the admissions' entries", func() bool {
		var mail []struct {
			MemberID *string `json:"member_id"`
		}
		expect(t, do(t, e, "GET", "/api/v1/notifications?limit=1000", adminToken, nil), http.StatusOK).json(t, &mail)
		seen := 0
		for _, m := range mail {
			if m.MemberID != nil && (*m.MemberID == f.ccID || *m.MemberID == f.acID) {
				seen++
			}
		}
		var entries []struct {
			Action string `json:"action"`
		}
		expect(t, do(t, e, "GET", "/api/v1/audit?object_id="+f.adminCase+"&limit=1000", adminToken, nil), http.StatusOK).json(t, &entries)
		return seen >= 2 && slices.ContainsFunc(entries, func(en struct {
			Action string `json:"action"`
		}) bool {
			return strings.Contains(en.Action, "admitted")
		})
	})

	// Election: two nominees for one seat, accepted, so the seat goes to
	// a vote that stays open for ten minutes; both ALSes are on the roll.
	as(actRepOwn, f.alsOwn, "als_rep")
	as(actRepOther, f.alsOther, "als_rep")
	n1 := as(actNominee, newALS()) // candidates belong to an accredited ALS
	n2 := as(actOtherNominee, newALS())
	now := time.Now().UTC()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	var el struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Nominations []struct {
			ID        string `json:"id"`
			NomineeID string `json:"nominee_id"`
		} `json:"nominations"`
	}
	expect(t, do(t, e, "POST", "/api/v1/elections", f.tokens[actStaff], map[string]any{"title": "Matrix " + unique(),
		"seats": []map[string]any{{"seat": "chair", "rotation": "none"}},
		"calendar": map[string]any{"nominations_close": at(20 * time.Second), "acceptance_close": at(20 * time.Second),
			"objections_close": at(21 * time.Second), "voting_open": at(21 * time.Second), "voting_close": at(10 * time.Minute)}}),
		http.StatusCreated).json(t, &el)
	f.election = el.ID
	epath := "/api/v1/elections/" + el.ID
	for _, n := range []struct {
		m     member
		actor string
	}{{n1, actNominee}, {n2, actOtherNominee}} {
		expect(t, do(t, e, "POST", epath+"/nominations", f.tokens[actStaff], map[string]any{"seat": "chair", "nominee_id": n.m.ID, "statement": "s"}), http.StatusCreated).json(t, &el)
		nid := el.Nominations[len(el.Nominations)-1].ID
		if n.actor == actNominee {
			f.nominationID = nid
		}
		expect(t, do(t, e, "POST", "/api/v1/members/"+n.m.ID+"/declarations", f.tokens[n.actor], map[string]any{"kind": "none"}), http.StatusCreated)
		expect(t, do(t, e, "POST", epath+"/nominations/"+nid+"/accept", f.tokens[n.actor], map[string]any{"statement_of_interest": "I will serve"}), http.StatusOK)
	}

	// Statement: a penholder of es with two versions, comments not open.
	pen := as(actPenholder, "")
	as(actNonPenholder, "")
	var st statementView
	expect(t, do(t, e, "POST", "/api/v1/statements", f.tokens[actStaff], map[string]any{"proceeding": map[string]any{"title": "Matrix " + unique(),
		"url": "https://www.icann.org/en/public-comment/matrix", "closes_at": now.Add(3 * time.Hour).Format(time.RFC3339)}}), http.StatusCreated).json(t, &st)
	f.statement = st.ID
	spath := "/api/v1/statements/" + st.ID
	expect(t, do(t, e, "POST", spath+"/penholders", f.tokens[actPenholder], map[string]any{"language": "es", "member_ids": []string{pen.ID}}), http.StatusOK)
	expect(t, do(t, e, "POST", spath+"/drafts", f.tokens[actPenholder], map[string]any{"language": "es", "text": "Uno.\n"}), http.StatusCreated)
	expect(t, do(t, e, "POST", spath+"/drafts", f.tokens[actPenholder], map[string]any{"language": "es", "text": "Uno.\nDos.\n"}), http.StatusCreated)

	// A second statement opens comments on its first version, so one
	// comment exists for the penholders, and only them, to answer.
	var cs statementView
	expect(t, do(t, e, "POST", "/api/v1/statements", f.tokens[actStaff], map[string]any{"proceeding": map[string]any{"title": "Matrix " + unique(),
		"url": "https://www.icann.org/en/public-comment/matrix", "closes_at": now.Add(3 * time.Hour).Format(time.RFC3339)}}), http.StatusCreated).json(t, &cs)
	f.commented = cs.ID
	cpath := "/api/v1/statements/" + cs.ID
	expect(t, do(t, e, "POST", cpath+"/penholders", f.tokens[actPenholder], map[string]any{"language": "es", "member_ids": []string{pen.ID}}), http.StatusOK)
	expect(t, do(t, e, "POST", cpath+"/drafts", f.tokens[actPenholder], map[string]any{"language": "es", "text": "Uno.\n", "open_comments": true}), http.StatusCreated)
	var cm struct {
		Comment struct {
			ID string `json:"id"`
		} `json:"comment"`
	}
	expect(t, do(t, e, "POST", cpath+"/comments", f.tokens[actNonPenholder], map[string]any{"language": "es", "version": 1, "text": "Más."}), http.StatusCreated).json(t, &cm)
	f.comment = cm.Comment.ID

	// Meeting: held an hour ago, with a chair.
	ch := as(actChair, "")
	var created struct {
		Meeting struct {
			ID string `json:"id"`
		} `json:"meeting"`
	}
	expect(t, do(t, e, "POST", "/api/v1/meetings", f.tokens[actStaff], map[string]any{"kind": "working_group", "title": "Matrix " + unique(),
		"starts_at": now.Add(-time.Hour), "duration": "1h", "chair_id": ch.ID}), http.StatusCreated).json(t, &created)
	f.meeting = created.Meeting.ID

	eventually(t, 60*time.Second, "election voting", func() bool { return get(t, e, epath, f.tokens[actPlain]) == "voting" })
	return f
}

// lacks fails when the body contains any of the strings.
func lacks(what ...string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		for _, w := range what {
			if w != "" && strings.Contains(string(r.body), w) {
				t.Fatalf("the answer reveals %q: %.500s", w, r.body)
			}
		}
	}
}

// redacted asserts that a complaint read by its respondent is the
// anonymous one and names its complainant nowhere: not in complainant_id,
// not as the author of evidence, not in the receipt.
func redacted(f *matrixFixture) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		var doc struct {
			ID            string  `json:"id"`
			Anonymous     bool    `json:"anonymous"`
			ComplainantID *string `json:"complainant_id"`
			Receipt       string  `json:"receipt"`
			Evidence      []struct {
				By string `json:"by"`
			} `json:"evidence"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
		if doc.ID != f.anonComplaint || !doc.Anonymous || len(doc.Evidence) == 0 {
			t.Fatalf("not the anonymous complaint with its evidence: %s", r.body)
		}
		if doc.ComplainantID != nil && *doc.ComplainantID != "" || doc.Receipt != "" {
			t.Fatalf("the complainant is not redacted: %s", r.body)
		}
		for _, ev := range doc.Evidence {
			if ev.By == f.complainantID {
				t.Fatalf("the evidence names its author: %s", r.body)
			}
		}
		lacks(f.complainantID, f.complainantName, f.receipt)(t, r)
	}
}

// has fails unless the body contains every string.
func has(what ...string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		for _, w := range what {
			if !strings.Contains(string(r.body), w) {
				t.Fatalf("the answer lacks %q: %.500s", w, r.body)
			}
		}
	}
}

// both runs two checks.
func both(a, b func(t *testing.T, r response)) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		a(t, r)
		b(t, r)
	}
}

// matrixRows is the table. It only formats the fixture's IDs into paths,
// so it can be built from an empty fixture to check its coverage.
func matrixRows(f *matrixFixture) []matrixRow {
	const (
		ok   = http.StatusOK
		e401 = http.StatusUnauthorized
		e403 = http.StatusForbidden
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
		e422 = http.StatusUnprocessableEntity
	)
	arb := "/api/v1/arbitrations/" + f.arbCase
	anon := "/api/v1/ethics/complaints/" + f.anonComplaint
	open := "/api/v1/ethics/complaints/" + f.openComplaint
	el := "/api/v1/elections/" + f.election
	st := "/api/v1/statements/" + f.statement
	me := "/api/v1/members/" + f.selfID
	other := "/api/v1/members/" + f.otherID
	reason := map[string]any{"reason": "r"}
	hearing := map[string]any{"starts_at": time.Now().Add(time.Hour), "duration": "1h", "location": "call"}
	ruling := map[string]any{"outcome": "decided", "text": "x"}
	vote := map[string]any{"decision": map[string]any{"kind": "warning"}, "for": true}
	ballot := func(als string) map[string]any { return map[string]any{"seat": "chair", "als_id": als, "choice": ""} }
	noComplainant := lacks(f.complainantID, f.complainantName, f.receipt)
	staffCase := "/api/v1/ethics/complaints/" + f.staffCase
	adminCase := "/api/v1/ethics/complaints/" + f.adminCase
	pending := "/api/v1/ethics/complaints/" + f.pendingCase
	// noRecusal: nothing in the answer tells who on the committee is
	// recused, or why (the complainant's ALS, the complainant themself).
	noRecusal := lacks(`"recused":true`, "same ALS", "is a party", f.sameALSMember)
	noCC := both(lacks(f.ccID, f.ccName, f.ccEmail, f.staffReceipt), noRecusal)
	noAC := both(lacks(f.acID, f.acName, f.acEmail, f.adminReceipt), noRecusal)
	return []matrixRow{
		// System and public routes.
		{route: "GET /healthz", path: "/healthz", actor: actAnonymous, want: ok},
		{route: "GET /readyz", path: "/readyz", actor: actAnonymous, want: ok},
		{route: "GET /metrics", path: "/metrics", actor: actAnonymous, want: ok},
		{route: "GET /openapi.json", path: "/openapi.json", actor: actAnonymous, want: ok},
		{route: "GET /api/v1/policy", path: "/api/v1/policy", actor: actAnonymous, want: e401},
		{route: "GET /api/v1/policy", path: "/api/v1/policy", actor: actPlain, want: ok},

		// Registry.
		{route: "GET /api/v1/countries", path: "/api/v1/countries", actor: actAnonymous, want: e401},
		{route: "GET /api/v1/countries", path: "/api/v1/countries", actor: actPlain, want: ok},
		{route: "POST /api/v1/countries", path: "/api/v1/countries", actor: actPlain, body: map[string]any{"code": "QZ", "name": "Q"}, want: e403},
		{route: "POST /api/v1/countries", path: "/api/v1/countries", actor: actRepOwn, body: map[string]any{"code": "QZ", "name": "Q"}, want: e403},
		{route: "GET /api/v1/als", path: "/api/v1/als", actor: actPlain, want: ok},
		{route: "POST /api/v1/als", path: "/api/v1/als", actor: actRepOwn, body: map[string]any{"name": "Mine", "country": "AR"}, want: e403},
		{route: "GET /api/v1/als/{id}", path: "/api/v1/als/" + f.alsOwn, actor: actPlain, want: ok},
		{route: "GET /api/v1/als/{id}", path: "/api/v1/als/als_unknown", actor: actPlain, want: e404},
		{route: "PATCH /api/v1/als/{id}", path: "/api/v1/als/" + f.alsOwn, actor: actRepOwn, body: map[string]any{"name": "Renamed"}, want: e403},
		{route: "PATCH /api/v1/als/{id}", path: "/api/v1/als/" + f.alsOther, actor: actRepOwn, body: map[string]any{"status": "suspended"}, want: e403},
		{route: "GET /api/v1/members", path: "/api/v1/members?limit=1000", actor: actSelf, want: ok, check: lacks(f.otherEmail)},
		{route: "GET /api/v1/members", path: "/api/v1/members", actor: actFeedBearer, want: e401},
		{route: "POST /api/v1/members", path: "/api/v1/members", actor: actStaff, body: map[string]any{"name": "X", "email": "x" + unique() + "@example.org", "country": "AR", "roles": []string{"admin"}}, want: e403},
		{route: "POST /api/v1/members", path: "/api/v1/members", actor: actRepOwn, body: map[string]any{"name": "X", "email": "x@example.org", "country": "AR"}, want: e403},
		{route: "GET /api/v1/members/{id}", path: me, actor: actSelf, want: ok},
		{route: "GET /api/v1/members/{id}", path: other, actor: actSelf, want: ok, check: lacks(`"email"`, f.otherEmail)},
		{route: "GET /api/v1/members/{id}", path: other, actor: actStaff, want: ok, check: has(f.otherEmail)},
		{route: "GET /api/v1/members/{id}", path: "/api/v1/members/m_unknown", actor: actPlain, want: e404},
		{route: "PATCH /api/v1/members/{id}", path: other, actor: actSelf, body: map[string]any{"language": "en"}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actSelf, body: map[string]any{"roles": []string{"admin"}}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actSelf, body: map[string]any{"als_id": f.alsOwn}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actSelf, body: map[string]any{"is_admin": true}, want: e422},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actSelf, body: map[string]any{"id": f.otherID}, want: e422},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actSelf, body: map[string]any{"language": "fr", "roles": []string{"staff"}}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actStaff, body: map[string]any{"roles": []string{"staff"}}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: me, actor: actStaff, body: map[string]any{"roles": []string{"admin"}}, want: e403},
		// Separation of duties: staff change neither their own roles nor
		// their own ALS, and only an admin grants the roles that judge.
		{route: "PATCH /api/v1/members/{id}", path: "/api/v1/members/" + f.staffID, actor: actStaff, body: map[string]any{"als_id": f.alsOwn}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: "/api/v1/members/" + f.staffID, actor: actStaff, body: map[string]any{"roles": []string{"staff", "als_rep"}}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: other, actor: actStaff, body: map[string]any{"roles": []string{"ethics_committee"}}, want: e403},
		{route: "PATCH /api/v1/members/{id}", path: other, actor: actStaff, body: map[string]any{"roles": []string{"arbitrator"}}, want: e403},
		{route: "POST /api/v1/members/{id}/tokens", path: me + "/tokens", actor: actSelf, body: map[string]any{"label": "mine"}, want: e403},
		{route: "POST /api/v1/members/{id}/tokens", path: other + "/tokens", actor: actStaff, body: map[string]any{"label": "theirs"}, want: e403},
		{route: "GET /api/v1/members/{id}/tokens", path: me + "/tokens", actor: actSelf, want: ok, check: both(has(f.selfID), lacks("ralo_", `"hash"`))},
		{route: "GET /api/v1/members/{id}/tokens", path: other + "/tokens", actor: actSelf, want: e403},
		{route: "GET /api/v1/members/{id}/tokens", path: other + "/tokens", actor: actStaff, want: e403},
		{route: "DELETE /api/v1/members/{id}/tokens/{token_id}", path: other + "/tokens/" + f.otherTokenID, actor: actSelf, want: e403},
		{route: "DELETE /api/v1/members/{id}/tokens/{token_id}", path: me + "/tokens/" + f.otherTokenID, actor: actSelf, want: e404},
		{route: "GET /api/v1/members/{id}/declarations", path: other + "/declarations", actor: actSelf, want: ok},
		{route: "POST /api/v1/members/{id}/declarations", path: other + "/declarations", actor: actSelf, body: map[string]any{"kind": "none"}, want: e403},
		{route: "POST /api/v1/members/{id}/declarations", path: other + "/declarations", actor: actStaff, body: map[string]any{"kind": "none"}, want: e403},
		{route: "GET /api/v1/positions", path: "/api/v1/positions", actor: actPlain, want: ok},
		{route: "POST /api/v1/positions", path: "/api/v1/positions", actor: actRepOwn, body: map[string]any{"position": "chair", "holder_id": f.selfID}, want: e403},
		{route: "GET /api/v1/notifications", path: "/api/v1/notifications", actor: actOtherMember, want: ok, check: lacks(f.selfID)},
		{route: "GET /api/v1/notifications", path: "/api/v1/notifications", actor: actStaff, want: ok, check: lacks(f.selfID, f.otherID)},
		{route: "GET /api/v1/notifications", path: "/api/v1/notifications", actor: actRespondent, want: ok, check: noComplainant},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?limit=1000", actor: actAnonymous, want: e401},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?process=ethics&limit=1000", actor: actRespondent, want: ok, check: noComplainant},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.anonComplaint + "&limit=1000", actor: actRespondent, want: ok, check: both(has(f.anonComplaint), noComplainant)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.anonComplaint + "&limit=1000", actor: actPlain, want: ok, check: noComplainant},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?process=ethics&limit=1000", actor: actRecused, want: ok, check: lacks(f.anonComplaint)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.openComplaint + "&limit=1000", actor: actRespondent, want: ok, check: lacks(f.openComplaint)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.arbCase + "&limit=1000", actor: actNonParty, want: ok, check: lacks(f.arbCase)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.arbCase + "&limit=1000", actor: actParty, want: ok, check: has(f.arbCase)},
		{route: "GET /api/v1/audit/verify", path: "/api/v1/audit/verify", actor: actPlain, want: ok},
		{route: "GET /api/v1/public/audit/head", path: "/api/v1/public/audit/head", actor: actAnonymous, want: ok, check: has("\"hash\"")},
		{route: "POST /api/v1/codec/decode", path: "/api/v1/codec/decode", actor: actStaff, body: map[string]any{"payloads": []any{}}, want: e403},
		{route: "POST /api/v1/codec/decode", path: "/api/v1/codec/decode", actor: actAnonymous, body: map[string]any{"payloads": []any{}}, want: e401},
		{route: "POST /api/v1/codec/encode", path: "/api/v1/codec/encode", actor: actStaff, body: map[string]any{"payloads": []any{}}, want: e403},
		{route: "POST /api/v1/codec/encode", path: "/api/v1/codec/encode", actor: actPlain, body: map[string]any{"payloads": []any{}}, want: e403},

		// Arbitration: parties, the assigned arbitrator and staff see the case.
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actNonParty, body: map[string]any{"question": "q", "parties": []string{f.selfID}, "filed_by": f.selfID}, want: e422},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actAnonymous, body: map[string]any{"question": "q", "parties": []string{f.selfID}}, want: e401},
		{route: "GET /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actNonParty, want: ok, check: lacks(f.arbCase)},
		{route: "GET /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actOtherArb, want: ok, check: lacks(f.arbCase)},
		{route: "GET /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actArbitrator, want: ok, check: has(f.arbCase)},
		{route: "GET /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actParty, want: ok, check: has(f.arbCase)},
		{route: "GET /api/v1/arbitrations/{id}", path: arb, actor: actParty, want: ok},
		{route: "GET /api/v1/arbitrations/{id}", path: arb, actor: actArbitrator, want: ok},
		{route: "GET /api/v1/arbitrations/{id}", path: arb, actor: actStaff, want: ok},
		{route: "GET /api/v1/arbitrations/{id}", path: arb, actor: actNonParty, want: e404},
		{route: "GET /api/v1/arbitrations/{id}", path: arb, actor: actOtherArb, want: e404},
		{route: "GET /api/v1/arbitrations/{id}", path: arb, actor: actCommittee, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/assign", path: arb + "/assign", actor: actParty, body: map[string]any{"arbitrator_id": f.selfID}, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/assign", path: arb + "/assign", actor: actNonParty, body: map[string]any{"arbitrator_id": f.selfID}, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/confirm", path: arb + "/confirm", actor: actParty, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/confirm", path: arb + "/confirm", actor: actOtherArb, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/challenge", path: arb + "/challenge", actor: actNonParty, body: reason, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/challenge", path: arb + "/challenge", actor: actStaff, body: reason, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/challenge", path: arb + "/challenge", actor: actArbitrator, body: reason, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/challenge/decision", path: arb + "/challenge/decision", actor: actParty, body: map[string]any{"decision": "sustain"}, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/challenge/decision", path: arb + "/challenge/decision", actor: actArbitrator, body: map[string]any{"decision": "reject"}, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/submissions", path: arb + "/submissions", actor: actNonParty, body: map[string]any{"text": "t"}, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/submissions", path: arb + "/submissions", actor: actParty, body: map[string]any{"text": "t", "actor": map[string]any{"member_id": f.selfID}}, want: e422},
		{route: "GET /api/v1/arbitrations/{id}/submissions/{n}", path: arb + "/submissions/1", actor: actNonParty, want: e404},
		{route: "GET /api/v1/arbitrations/{id}/submissions/{n}", path: arb + "/submissions/1", actor: actParty, want: e404}, // none yet
		{route: "POST /api/v1/arbitrations/{id}/hearing", path: arb + "/hearing", actor: actParty, body: hearing, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/hearing", path: arb + "/hearing", actor: actNonParty, body: hearing, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/extend", path: arb + "/extend", actor: actParty, body: map[string]any{"days": 3, "reason": "r"}, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/ruling", path: arb + "/ruling", actor: actParty, body: ruling, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/ruling", path: arb + "/ruling", actor: actStaff, body: ruling, want: e403},
		{route: "POST /api/v1/arbitrations/{id}/ruling", path: arb + "/ruling", actor: actOtherArb, body: ruling, want: e404},
		{route: "POST /api/v1/arbitrations/{id}/ombudsman", path: arb + "/ombudsman", actor: actNonParty, body: map[string]any{"referred_at": time.Now()}, want: e404},
		{route: "GET /api/v1/public/rulings", path: "/api/v1/public/rulings", actor: actAnonymous, want: ok},

		// Ethics: the anonymous complaint is admitted; the open one is in
		// screening, so its respondent has not been told.
		{route: "POST /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actAnonymous, body: map[string]any{"respondent_id": f.respondentID, "kind": "other", "summary": "x"}, want: e401},
		{route: "POST /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actPlain, body: map[string]any{"respondent_id": f.respondentID, "kind": "other", "summary": "x", "complainant_id": f.selfID}, want: e422},
		{route: "POST /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actRespondent, body: map[string]any{"respondent_id": f.respondentID, "kind": "other", "summary": "x"}, want: e422},
		{route: "GET /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actRespondent, want: ok, check: lacks(f.complainantID, f.openComplaint)},
		{route: "GET /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actPlain, want: ok, check: lacks(f.anonComplaint, f.openComplaint)},
		{route: "GET /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actRecused, want: ok, check: lacks(f.anonComplaint, f.openComplaint)},
		{route: "GET /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actArbitrator, want: ok, check: lacks(f.anonComplaint, f.openComplaint)},
		{route: "GET /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actComplainant, want: ok, check: has(f.anonComplaint, f.openComplaint)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actComplainant, want: ok, check: has(f.complainantID)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actRespondent, want: ok, check: redacted(f)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actCommittee, want: ok, check: lacks(f.receipt)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actStaff, want: ok},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actAdmin, want: ok},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actArbitrator, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actRecused, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}", path: anon, actor: actPlain, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}", path: open, actor: actRespondent, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}", path: open, actor: actRecused, want: e404},
		{route: "GET /api/v1/ethics/complaints/by-receipt/{code}", path: "/api/v1/ethics/complaints/by-receipt/" + f.receipt, actor: actAnonymous, want: ok, check: lacks(f.complainantID, f.respondentID)},
		{route: "GET /api/v1/ethics/complaints/by-receipt/{code}", path: "/api/v1/ethics/complaints/by-receipt/NOPE-NOPE-NOPE-NOPE", actor: actAnonymous, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/admit", path: open + "/admit", actor: actComplainant, body: map[string]any{"note": "x"}, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/admit", path: open + "/admit", actor: actRecused, body: map[string]any{"note": "x"}, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/admit", path: open + "/admit", actor: actComplainant, body: map[string]any{"note": "x", "actor": map[string]any{"member_id": f.selfID, "roles": []string{"ethics_committee"}}}, want: e422},
		{route: "POST /api/v1/ethics/complaints/{id}/admit", path: open + "/admit", actor: actRespondent, body: map[string]any{"note": "x"}, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/dismiss", path: open + "/dismiss", actor: actComplainant, body: reason, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/dismiss", path: open + "/dismiss", actor: actPlain, body: reason, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/recuse", path: anon + "/recuse", actor: actRespondent, body: reason, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/recuse", path: anon + "/recuse", actor: actRecused, body: reason, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/recompute", path: anon + "/recompute", actor: actCommittee, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/recompute", path: anon + "/recompute", actor: actComplainant, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/respond", path: anon + "/respond", actor: actComplainant, body: map[string]any{"text": "t"}, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/respond", path: anon + "/respond", actor: actCommittee, body: map[string]any{"text": "t"}, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/evidence", path: anon + "/evidence", actor: actRecused, body: map[string]any{"text": "t"}, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/evidence", path: anon + "/evidence", actor: actPlain, body: map[string]any{"text": "t"}, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: anon + "/evidence/1", actor: actComplainant, want: ok, check: has("Minutes of the meeting.")},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: anon + "/evidence/1", actor: actRespondent, want: ok, check: both(has("Minutes of the meeting."), noComplainant)},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: anon + "/evidence/1", actor: actRecused, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: anon + "/evidence/1", actor: actPlain, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: anon + "/evidence/2", actor: actComplainant, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: open + "/evidence/1", actor: actRespondent, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/deliberate", path: anon + "/deliberate", actor: actComplainant, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/deliberate", path: anon + "/deliberate", actor: actRespondent, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/vote", path: anon + "/vote", actor: actRespondent, body: vote, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/vote", path: anon + "/vote", actor: actRecused, body: vote, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/withdraw", path: anon + "/withdraw", actor: actComplainant, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/appeal", path: anon + "/appeal", actor: actCommittee, body: reason, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/appeal", path: anon + "/appeal", actor: actPlain, body: reason, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/appeal", path: anon + "/appeal", actor: actRecused, body: reason, want: e404},
		{route: "POST /api/v1/ethics/complaints/{id}/apply-modified", path: anon + "/apply-modified", actor: actCommittee, body: map[string]any{"decision": map[string]any{"kind": "warning"}}, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/apply-modified", path: anon + "/apply-modified", actor: actRespondent, body: map[string]any{"decision": map[string]any{"kind": "warning"}}, want: e403},
		{route: "GET /api/v1/public/ethics-decisions", path: "/api/v1/public/ethics-decisions", actor: actAnonymous, want: ok, check: noComplainant},

		// A party acts only as a party, whatever their roles; an anonymous
		// complainant is never revealed, by name or by inference.
		{route: "GET /api/v1/ethics/complaints/{id}", path: staffCase, actor: actStaffRespondent, want: ok, check: both(has(f.staffCase), noCC)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: adminCase, actor: actAdminRespondent, want: ok, check: both(has(f.adminCase), noAC)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: staffCase, actor: actCommitteeComplainant, want: ok, check: both(has(f.ccID, f.staffReceipt), noRecusal)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: adminCase, actor: actALSComplainant, want: ok, check: both(has(f.acID, f.adminReceipt), noRecusal)},
		{route: "GET /api/v1/ethics/complaints/{id}", path: pending, actor: actStaffRespondent, want: e404},
		{route: "GET /api/v1/ethics/complaints/{id}", path: staffCase, actor: actCommittee, want: ok, check: both(has(`"recused":true`, f.sameALSMember), lacks(f.staffReceipt))},
		{route: "GET /api/v1/ethics/complaints", path: "/api/v1/ethics/complaints", actor: actStaffRespondent, want: ok, check: both(has(f.staffCase), lacks(f.pendingCase, f.ccID))},
		{route: "GET /api/v1/ethics/complaints/{id}/evidence/{n}", path: pending + "/evidence/1", actor: actStaffRespondent, want: e404},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.staffCase + "&limit=1000", actor: actStaffRespondent, want: ok, check: both(has(f.staffCase), noCC)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.pendingCase + "&limit=1000", actor: actStaffRespondent, want: ok, check: lacks(f.pendingCase)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.adminCase + "&limit=1000", actor: actAdminRespondent, want: ok, check: both(has(f.adminCase), noAC)},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?object_id=" + f.staffCase + "&limit=1000", actor: actStaff, want: ok, check: has(f.ccID)},
		{route: "GET /api/v1/notifications", path: "/api/v1/notifications?process=ethics&limit=1000", actor: actAdminRespondent, want: ok, check: noAC},
		{route: "GET /api/v1/notifications", path: "/api/v1/notifications?process=ethics&limit=1000", actor: actStaffRespondent, want: ok, check: both(has(f.staffCase), lacks(f.pendingCase, f.ccID, f.ccEmail))},
		{route: "GET /api/v1/notifications", path: "/api/v1/notifications?process=ethics&limit=1000", actor: actAdmin, want: ok, check: has(f.acEmail)},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics", actor: actStaffRespondent, want: ok, check: lacks(f.pendingCase)},
		{route: "GET /api/v1/roadmap/gantt.svg", path: "/api/v1/roadmap/gantt.svg?overlay=deadlines", actor: actStaffRespondent, want: ok, check: lacks(f.pendingCase)},
		{route: "POST /api/v1/ethics/complaints/{id}/recompute", path: staffCase + "/recompute", actor: actStaffRespondent, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/recompute", path: staffCase + "/recompute", actor: actCommitteeComplainant, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/apply-modified", path: staffCase + "/apply-modified", actor: actStaffRespondent, body: map[string]any{"decision": map[string]any{"kind": "dismissed"}}, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/admit", path: pending + "/admit", actor: actCommitteeComplainant, body: map[string]any{"note": "x"}, want: e403},
		{route: "POST /api/v1/ethics/complaints/{id}/vote", path: staffCase + "/vote", actor: actCommitteeComplainant, body: vote, want: e403},

		// An appeal names a case its filer is a party to.
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actPlain, body: map[string]any{"question": "q", "parties": []string{f.respondentID}, "appeal_of": map[string]any{"kind": "ethics", "id": f.anonComplaint}}, want: e422},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actCommittee, body: map[string]any{"question": "q", "parties": []string{f.respondentID}, "appeal_of": map[string]any{"kind": "ethics", "id": f.anonComplaint}}, want: e403},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actStaff, body: map[string]any{"question": "q", "parties": []string{f.respondentID}, "appeal_of": map[string]any{"kind": "ethics", "id": f.anonComplaint}}, want: e403},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actRespondent, body: map[string]any{"question": "q", "parties": []string{f.respondentID}, "appeal_of": map[string]any{"kind": "ethics", "id": f.anonComplaint}}, want: e409},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actPlain, body: map[string]any{"question": "q", "parties": []string{f.selfID}, "appeal_of": map[string]any{"kind": "election", "id": f.election}}, want: e403},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actRepOwn, body: map[string]any{"question": "q", "parties": []string{f.selfID}, "appeal_of": map[string]any{"kind": "election", "id": f.election}}, want: e409},
		{route: "POST /api/v1/arbitrations", path: "/api/v1/arbitrations", actor: actNominee, body: map[string]any{"question": "q", "parties": []string{f.selfID}, "appeal_of": map[string]any{"kind": "election", "id": f.election}}, want: e409},

		// Elections: voting is open; each ALS votes through its own
		// representative only.
		{route: "POST /api/v1/elections", path: "/api/v1/elections", actor: actRepOwn, body: map[string]any{"title": "x"}, want: e403},
		{route: "GET /api/v1/elections", path: "/api/v1/elections", actor: actPlain, want: ok, check: has(f.election)},
		{route: "GET /api/v1/elections/{id}", path: el, actor: actPlain, want: ok},
		{route: "GET /api/v1/elections/{id}", path: "/api/v1/elections/el_unknown", actor: actPlain, want: e404},
		{route: "POST /api/v1/elections/{id}/nominations", path: "/api/v1/elections/el_unknown/nominations", actor: actPlain, body: map[string]any{"seat": "chair", "nominee_id": f.selfID}, want: e404},
		{route: "POST /api/v1/elections/{id}/nominations", path: el + "/nominations", actor: actAnonymous, body: map[string]any{"seat": "chair", "nominee_id": f.selfID}, want: e401},
		{route: "GET /api/v1/elections/{id}/nominations/{nid}", path: el + "/nominations/" + f.nominationID, actor: actPlain, want: ok, check: has(f.nominationID)},
		{route: "GET /api/v1/elections/{id}/nominations/{nid}", path: el + "/nominations/n_unknown", actor: actPlain, want: e404},
		{route: "GET /api/v1/elections/{id}/nominations/{nid}", path: el + "/nominations/" + f.nominationID, actor: actAnonymous, want: e401},
		{route: "POST /api/v1/elections/{id}/nominations/{nid}/accept", path: el + "/nominations/" + f.nominationID + "/accept", actor: actOtherNominee, body: map[string]any{"statement_of_interest": "x"}, want: e403},
		{route: "POST /api/v1/elections/{id}/eligibility", path: el + "/eligibility", actor: actNominee, want: e403},
		{route: "POST /api/v1/elections/{id}/objections", path: "/api/v1/elections/el_unknown/objections", actor: actPlain, body: map[string]any{"seat": "chair", "reason": "r"}, want: e404},
		{route: "POST /api/v1/elections/{id}/proxies", path: el + "/proxies", actor: actRepOwn, body: map[string]any{"from_als_id": f.alsOther, "to_als_id": f.alsOwn}, want: e403},
		{route: "POST /api/v1/elections/{id}/ballots", path: el + "/ballots", actor: actRepOther, body: ballot(f.alsOwn), want: e403},
		{route: "POST /api/v1/elections/{id}/ballots", path: el + "/ballots", actor: actRepOwn, body: ballot(f.alsOther), want: e403},
		{route: "POST /api/v1/elections/{id}/ballots", path: el + "/ballots", actor: actRepOther, body: map[string]any{"seat": "chair", "als_id": f.alsOwn, "cast_by_als_id": f.alsOwn, "abstain": true}, want: e422},
		{route: "POST /api/v1/elections/{id}/ballots", path: el + "/ballots", actor: actPlain, body: ballot(f.alsOwn), want: e403},
		{route: "POST /api/v1/elections/{id}/ballots", path: el + "/ballots", actor: actNominee, body: ballot(f.alsOwn), want: e403},
		{route: "GET /api/v1/elections/{id}/results", path: el + "/results", actor: actPlain, want: e409},
		{route: "GET /api/v1/elections/{id}/results", path: el + "/results", actor: actStaff, want: e409},
		{route: "POST /api/v1/elections/{id}/extend", path: el + "/extend", actor: actRepOwn, body: map[string]any{"phase": "voting", "until": time.Now().Add(time.Hour), "reason": "r"}, want: e403},
		{route: "POST /api/v1/elections/{id}/certify", path: el + "/certify", actor: actNominee, want: e403},
		{route: "GET /api/v1/public/elections/{id}/results", path: "/api/v1/public/elections/" + f.election + "/results", actor: actAnonymous, want: e404},

		// Statements: the es group's penholder drafts; comments are not open.
		{route: "POST /api/v1/statements", path: "/api/v1/statements", actor: actPenholder, body: map[string]any{"proceeding": map[string]any{"title": "x", "url": "https://example.org", "closes_at": time.Now().Add(time.Hour)}}, want: e403},
		{route: "GET /api/v1/statements", path: "/api/v1/statements", actor: actPlain, want: ok, check: has(f.statement)},
		{route: "GET /api/v1/statements/agenda", path: "/api/v1/statements/agenda", actor: actPlain, want: ok},
		{route: "POST /api/v1/statements/surveys", path: "/api/v1/statements/surveys", actor: actPenholder, body: map[string]any{"title": "x", "topics": []string{"a"}, "closes_at": time.Now().Add(time.Hour)}, want: e403},
		{route: "GET /api/v1/statements/surveys", path: "/api/v1/statements/surveys", actor: actPlain, want: ok},
		{route: "GET /api/v1/statements/surveys/{id}", path: "/api/v1/statements/surveys/srv_unknown", actor: actPlain, want: e404},
		{route: "POST /api/v1/statements/surveys/{id}/rankings", path: "/api/v1/statements/surveys/srv_unknown/rankings", actor: actPlain, body: map[string]any{"ranking": []string{"a"}}, want: e404},
		{route: "GET /api/v1/statements/{id}", path: st, actor: actNonPenholder, want: ok},
		{route: "GET /api/v1/statements/{id}", path: "/api/v1/statements/st_unknown", actor: actPlain, want: e404},
		{route: "POST /api/v1/statements/{id}/penholders", path: st + "/penholders", actor: actNonPenholder, body: map[string]any{"language": "es", "member_ids": []string{f.selfID}}, want: e403},
		{route: "POST /api/v1/statements/{id}/drafts", path: st + "/drafts", actor: actNonPenholder, body: map[string]any{"language": "es", "text": "mine"}, want: e403},
		{route: "POST /api/v1/statements/{id}/drafts", path: st + "/drafts", actor: actPenholder, body: map[string]any{"language": "en", "text": "not my group"}, want: e403},
		{route: "GET /api/v1/statements/{id}/drafts/{lang}/versions/{n}", path: st + "/drafts/es/versions/2", actor: actNonPenholder, want: ok, check: has("Dos.")},
		{route: "GET /api/v1/statements/{id}/drafts/{lang}/versions/{n}", path: st + "/drafts/es/versions/9", actor: actNonPenholder, want: e404},
		{route: "GET /api/v1/statements/{id}/drafts/{lang}/diff", path: st + "/drafts/es/diff?from=1&to=2", actor: actNonPenholder, want: ok, check: has("+Dos.")},
		{route: "POST /api/v1/statements/{id}/comments", path: st + "/comments", actor: actNonPenholder, body: map[string]any{"language": "es", "version": 2, "text": "t"}, want: e409},
		{route: "GET /api/v1/statements/{id}/comments/{cid}", path: "/api/v1/statements/" + f.commented + "/comments/" + f.comment, actor: actNonPenholder, want: ok, check: has("Más.")},
		{route: "GET /api/v1/statements/{id}/comments/{cid}", path: st + "/comments/" + f.comment, actor: actPlain, want: e404},
		{route: "POST /api/v1/statements/{id}/comments/{cid}/resolution", path: "/api/v1/statements/" + f.commented + "/comments/" + f.comment + "/resolution", actor: actNonPenholder, body: map[string]any{"status": "answered", "reply": "r"}, want: e403},
		{route: "POST /api/v1/statements/{id}/comments/{cid}/resolution", path: "/api/v1/statements/" + f.commented + "/comments/" + f.comment + "/resolution", actor: actRepOwn, body: map[string]any{"status": "answered", "reply": "r"}, want: e403},
		{route: "POST /api/v1/statements/{id}/comments/{cid}/resolution", path: st + "/comments/" + f.comment + "/resolution", actor: actPenholder, body: map[string]any{"status": "answered", "reply": "r"}, want: e404},
		{route: "POST /api/v1/statements/{id}/consolidate", path: st + "/consolidate", actor: actNonPenholder, body: map[string]any{"texts": map[string]string{"es": "x"}}, want: e403},
		{route: "POST /api/v1/statements/{id}/objections", path: st + "/objections", actor: actAnonymous, body: reason, want: e401},
		{route: "POST /api/v1/statements/{id}/objections", path: "/api/v1/statements/st_unknown/objections", actor: actPlain, body: reason, want: e404},
		{route: "POST /api/v1/statements/{id}/ballots", path: st + "/ballots", actor: actPenholder, body: map[string]any{"als_id": f.alsOwn, "vote": "yes"}, want: e403},
		{route: "POST /api/v1/statements/{id}/ballots", path: st + "/ballots", actor: actRepOther, body: map[string]any{"als_id": f.alsOwn, "vote": "no"}, want: e403},
		{route: "POST /api/v1/statements/{id}/submit", path: st + "/submit", actor: actPenholder, body: map[string]any{"url": "https://example.org"}, want: e403},
		{route: "POST /api/v1/statements/{id}/close-date", path: st + "/close-date", actor: actPenholder, body: map[string]any{"closes_at": time.Now().Add(90 * 24 * time.Hour)}, want: e403},
		{route: "POST /api/v1/statements/{id}/close-date", path: "/api/v1/statements/st_unknown/close-date", actor: actStaff, body: map[string]any{"closes_at": time.Now().Add(90 * 24 * time.Hour)}, want: e404},
		{route: "POST /api/v1/statements/{id}/decline", path: st + "/decline", actor: actPenholder, body: reason, want: e403},
		{route: "POST /api/v1/statements/{id}/decline", path: st + "/decline", actor: actRepOwn, body: reason, want: e403},
		{route: "GET /api/v1/public/statements/{id}", path: "/api/v1/public/statements/" + f.statement, actor: actAnonymous, want: e404},

		// Participation: staff or the meeting's chair record attendance.
		{route: "GET /api/v1/meetings", path: "/api/v1/meetings", actor: actPlain, want: ok},
		{route: "POST /api/v1/meetings", path: "/api/v1/meetings", actor: actChair, body: map[string]any{"kind": "working_group", "title": "x", "starts_at": time.Now(), "duration": "1h"}, want: e403},
		{route: "GET /api/v1/meetings/{id}", path: "/api/v1/meetings/" + f.meeting, actor: actPlain, want: ok, check: has(f.meeting)},
		{route: "GET /api/v1/meetings/{id}", path: "/api/v1/meetings/mtg_unknown", actor: actPlain, want: e404},
		{route: "GET /api/v1/meetings/{id}", path: "/api/v1/meetings/" + f.meeting, actor: actAnonymous, want: e401},
		{route: "PATCH /api/v1/meetings/series/{id}", path: "/api/v1/meetings/series/ser_unknown", actor: actChair, body: map[string]any{"paused": true}, want: e403},
		{route: "DELETE /api/v1/meetings/series/{id}", path: "/api/v1/meetings/series/ser_unknown", actor: actChair, want: e403},
		{route: "DELETE /api/v1/meetings/{id}", path: "/api/v1/meetings/" + f.meeting, actor: actChair, want: e403},
		{route: "POST /api/v1/meetings/{id}/attendance", path: "/api/v1/meetings/" + f.meeting + "/attendance", actor: actPlain, body: map[string]any{"member_ids": []string{f.selfID}}, want: e403},
		{route: "POST /api/v1/meetings/{id}/attendance", path: "/api/v1/meetings/" + f.meeting + "/attendance", actor: actRepOwn, body: map[string]any{"member_ids": []string{f.selfID}}, want: e403},
		{route: "POST /api/v1/meetings/{id}/attendance", path: "/api/v1/meetings/mtg_unknown/attendance", actor: actChair, body: map[string]any{"member_ids": []string{f.selfID}}, want: e404},
		{route: "GET /api/v1/participation", path: "/api/v1/participation", actor: actPlain, want: ok},
		{route: "GET /api/v1/participation/observers", path: "/api/v1/participation/observers", actor: actPlain, want: ok},
		{route: "POST /api/v1/participation/{als_id}/review", path: "/api/v1/participation/" + f.alsOwn + "/review", actor: actRepOwn, body: map[string]any{"outcome": "keep"}, want: e403},
		{route: "POST /api/v1/participation/activity", path: "/api/v1/participation/activity", actor: actRepOwn, body: "email,date,list\n", want: e403},
		{route: "GET /api/v1/public/participation/{quarter}", path: "/api/v1/public/participation/2026-Q1", actor: actAnonymous, want: ok},
		{route: "POST /api/v1/members/{id}/feed-token", path: other + "/feed-token", actor: actSelf, want: e403},
		{route: "DELETE /api/v1/members/{id}/feed-token", path: other + "/feed-token", actor: actSelf, want: e403},
		{route: "DELETE /api/v1/members/{id}/feed-token", path: me + "/feed-token", actor: actStaff, want: e403},
		{route: "POST /api/v1/members/{id}/feed-token", path: me + "/feed-token", actor: actStaff, want: e403},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics", actor: actAnonymous, want: e401},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics?token=not-a-feed-token", actor: actAnonymous, want: e401},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics?token=" + f.feedToken, actor: actAnonymous, want: ok, check: has("BEGIN:VCALENDAR")},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics", actor: actRespondent, want: ok, check: lacks(f.complainantID, f.openComplaint)},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics?token=" + f.tokens[actSelf], actor: actAnonymous, want: e401},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics", actor: actNonParty, want: ok, check: lacks(f.arbCase)},
		{route: "GET /api/v1/calendar.ics", path: "/api/v1/calendar.ics", actor: actRecused, want: ok, check: lacks(f.anonComplaint)},

		// Roadmap.
		{route: "GET /api/v1/roadmap/items", path: "/api/v1/roadmap/items", actor: actPlain, want: ok},
		{route: "POST /api/v1/roadmap/items", path: "/api/v1/roadmap/items", actor: actChair, body: map[string]any{"title": "x", "start": time.Now(), "due": time.Now().Add(time.Hour)}, want: e403},
		{route: "GET /api/v1/roadmap/gantt.svg", path: "/api/v1/roadmap/gantt.svg", actor: actAnonymous, want: e401},
		{route: "GET /api/v1/roadmap/gantt.svg", path: "/api/v1/roadmap/gantt.svg?overlay=deadlines", actor: actPlain, want: ok, check: lacks(f.anonComplaint, f.arbCase)},
		{route: "GET /api/v1/roadmap/gantt.svg", path: "/api/v1/roadmap/gantt.svg?overlay=deadlines", actor: actRespondent, want: ok, check: lacks(f.openComplaint)},
	}
}

// TestMatrixCoversEveryRoute fails naming each route of /openapi.json that
// has no row in the matrix, so a new route cannot ship without one.
func TestMatrixCoversEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	expect(t, do(t, shared, "GET", "/openapi.json", "", nil), http.StatusOK).json(t, &doc)
	covered := map[string]bool{}
	for _, r := range matrixRows(&matrixFixture{}) {
		covered[r.route] = true
	}
	var routes []string
	for path, ops := range doc.Paths {
		for method := range ops {
			routes = append(routes, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(routes)
	documented := map[string]bool{}
	for _, r := range routes {
		documented[r] = true
		if !covered[r] {
			t.Errorf("route %s has no row in the security matrix", r)
		}
	}
	for r := range covered {
		if !documented[r] {
			t.Errorf("the security matrix names %s, which /openapi.json does not", r)
		}
	}
}

// TestMatrixStatusByRouteRoleAndRelation sends every row of the matrix and
// asserts the exact status, and for reads what the body must not reveal.
func TestMatrixStatusByRouteRoleAndRelation(t *testing.T) {
	e := shared
	f := newMatrixFixture(t, e)
	for _, row := range matrixRows(f) {
		token, ok := f.tokens[row.actor]
		if !ok {
			t.Fatalf("row %s %s: no actor %q in the fixture", row.route, row.path, row.actor)
		}
		method, _, _ := strings.Cut(row.route, " ")
		t.Run(row.route+" as "+row.actor, func(t *testing.T) {
			r := expect(t, do(t, e, method, row.path, token, row.body), row.want)
			if row.check != nil {
				row.check(t, r)
			}
		})
	}
}
