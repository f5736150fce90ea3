package api

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

type obj = map[string]any

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func strEnum(desc string, values ...string) obj {
	return obj{"type": "string", "description": desc, "enum": values}
}

func dateTime(desc string) obj {
	return obj{"type": "string", "format": "date-time", "description": desc}
}

// dayOrTime is a date a person means: a date or an RFC 3339 date-time.
func dayOrTime() obj {
	return obj{"type": "string", "description": "a date (2027-05-01, midnight UTC) or an RFC 3339 date-time", "example": "2027-05-01"}
}

func nullable(o obj) obj {
	o["nullable"] = true
	return o
}

func arrayOf(items obj) obj { return obj{"type": "array", "items": items} }

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func object(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var languages = []string{"es", "en", "pt", "fr"}

// schemas documents every body the API reads or writes.
func schemas() obj {
	all := coreSchemas()
	for name, schema := range mergeSchemas(electionSchemas(), statementSchemas()) {
		all[name] = schema
	}
	for name, schema := range participationSchemas() {
		all[name] = schema
	}
	return all
}

// coreSchemas documents the bodies of the registry, system, ethics and
// arbitration routes.
func coreSchemas() obj {
	return obj{
		"Object":  obj{"type": "object", "additionalProperties": true},
		"Problem": object(obj{"type": str("problem type URI"), "title": str(""), "status": obj{"type": "integer"}, "detail": str(""), "instance": str(""), "errors": obj{"type": "object", "additionalProperties": obj{"type": "string"}, "description": "invalid fields and why"}}, "type", "title", "status"),
		"Health":  object(obj{"status": strEnum("", "ok", "unavailable"), "checks": obj{"type": "object", "additionalProperties": obj{"type": "string"}}}, "status"),
		"Country": object(obj{"code": str("ISO 3166-1 alpha-2"), "name": str(""), "subregion": str("one of the policy's sub-regions"), "created_at": dateTime("")}, "code", "name", "subregion"),
		"CountryInput": object(obj{"code": str("ISO 3166-1 alpha-2"), "name": str(""),
			"subregion": str("defaults to the policy's table")}, "code", "name"),
		"ALS": object(obj{"id": str(""), "name": str(""), "country": str(""), "status": strEnum("", "accredited", "inactive", "decertified"),
			"created_at": dateTime(""), "updated_at": dateTime("")}, "id", "name", "country", "status"),
		"ALSInput": object(obj{"name": str(""), "country": str(""), "status": strEnum("default accredited", "accredited", "inactive", "decertified")}),
		"Member": object(obj{"id": str(""), "name": str(""), "email": str("to staff and to the member only"), "country": str(""),
			"als_id": nullable(str("")), "language": strEnum("preferred language of emails", languages...),
			"gender": nullable(str("self-declared, optional; to staff and to the member only")),
			"skills": arrayOf(str("")), "skills_public": obj{"type": "boolean"},
			"mentoring_opt_in": obj{"type": "boolean", "description": "invited to the Council of Elders' mentoring sessions; to staff and to the member only"},
			"digest_opt_out":   obj{"type": "boolean", "description": "unsubscribed from the monthly digest email; to staff and to the member only"}, "roles": arrayOf(strEnum("", "member", "als_rep", "staff", "ethics_committee", "arbitrator", "elder", "admin")),
			"created_at": dateTime(""), "updated_at": dateTime("")}, "id", "name", "country", "language", "roles"),
		"MemberInput": object(obj{"name": str(""), "email": str(""), "country": str(""), "als_id": nullable(str("")),
			"language": strEnum("", languages...), "gender": nullable(str("")), "skills": arrayOf(str("")),
			"skills_public": obj{"type": "boolean"}, "mentoring_opt_in": obj{"type": "boolean", "description": "invited to the Council of Elders' mentoring sessions"},
			"digest_opt_out": obj{"type": "boolean", "description": "true unsubscribes from the monthly digest email (the member or staff); false subscribes again"},
			"roles":          arrayOf(str("staff and admin only by an admin"))}),
		"TokenInput":  object(obj{"label": str("what the token is for")}),
		"IssuedToken": object(obj{"id": str(""), "member_id": str(""), "label": str(""), "token": str("the bearer token, shown once: an Idempotency-Key replay omits it"), "created_at": dateTime(""), "expires_at": dateTime("when the token stops working (--token-ttl after issue, default 1 year)")}, "id"),
		"Token":       object(obj{"id": str(""), "member_id": str(""), "label": str(""), "created_at": dateTime(""), "revoked_at": nullable(dateTime("")), "expires_at": nullable(dateTime("when the token stops working"))}),
		"Declaration": object(obj{"id": str(""), "member_id": str(""), "kind": strEnum("", "interest", "conflict", "none"), "organization": str(""),
			"description": str(""), "categories": arrayOf(str("e.g. registry_leadership, registrar_leadership, isp_leadership, industry_chamber_leadership, government_decision_maker, politician, icann_staff_family, icann_contract")),
			"subjects":   arrayOf(str("IDs of members or ALSes the interest involves")),
			"created_at": dateTime(""), "superseded_at": nullable(dateTime("")), "superseded_by": nullable(str(""))}),
		"DeclarationInput": object(obj{"kind": strEnum("", "interest", "conflict", "none"), "organization": str(""), "description": str(""),
			"categories": arrayOf(str("")), "subjects": arrayOf(str(""))}, "kind"),
		"Position": object(obj{"id": str(""), "position": str("e.g. chair, secretariat, alac_member, nomcom_delegate"), "holder_id": nullable(str("")),
			"als_id": nullable(str("")), "country": nullable(str("")), "term_start": dateTime(""), "term_end": nullable(dateTime("")),
			"vacated_at": nullable(dateTime("")), "created_at": dateTime("")}),
		"PositionInput": object(obj{"position": str(""), "holder_id": str(""), "term_start": dateTime(""), "term_end": nullable(dateTime(""))}, "position", "holder_id", "term_start"),
		"Notification": object(obj{"id": str(""), "idempotency_key": str("process/object/step/recipient"), "process": str(""), "step": str(""),
			"member_id": nullable(str("")), "to": str(""), "language": str(""), "event": str(""), "subject": str(""), "body": str(""),
			"status": strEnum("", "pending", "held", "sent", "failed"), "attempts": obj{"type": "integer"}, "last_error": str(""),
			"created_at": dateTime(""), "sent_at": nullable(dateTime(""))}),
		"AuditEntry": object(obj{"seq": obj{"type": "integer"}, "at": dateTime(""), "actor": str(""), "process": str(""), "object_id": str(""),
			"action": str(""), "details": obj{"type": "object"}, "audience": strEnum("", "public", "staff", "members"),
			"prev_hash": str("hash of the previous entry"), "hash": str("SHA-256 of this entry and prev_hash")}),
		"ArbitrationRequest": object(obj{"question": str("the question or dispute"), "articles": arrayOf(str("rule articles concerned")),
			"parties": arrayOf(str("member or ALS IDs")), "appeal_of": nullable(object(obj{"kind": strEnum("only a party may appeal: for ethics the complainant or respondent, within the appeal window (the case opens its linked arbitration); for an election a candidate or an als_rep of an ALS on its roll", "ethics", "election"), "id": str("")}, "kind", "id"))}, "question", "parties"),
		"Arbitration": object(obj{"id": str(""), "case_id": str(""), "status": strEnum("", "filed", "assigned", "challenged", "submissions", "hearing_scheduled", "ruling_due", "overdue", "ruled"),
			"question": str(""), "articles": arrayOf(str("")), "parties": arrayOf(object(obj{"kind": strEnum("", "member", "als"), "id": str("")})),
			"filed_by": str(""), "filed_at": dateTime(""), "appeal_of": nullable(obj{"type": "object"}), "arbitrator_id": str(""), "confirmed": obj{"type": "boolean"},
			"challenges": arrayOf(obj{"type": "object"}), "submissions": arrayOf(obj{"type": "object"}), "hearing": nullable(object(obj{"starts_at": dateTime(""),
				"duration": obj{"type": "string", "description": "the hearing's length", "example": "2h"}, "location": str(""), "sequence": obj{"type": "integer", "description": "iCalendar SEQUENCE"}})),
			"due_at": nullable(dateTime("when the ruling is due")), "extension": nullable(obj{"type": "object"}),
			"ruling":    nullable(object(obj{"outcome": str(""), "text": str(""), "articles": arrayOf(str("")), "hash": str("SHA-256 of the text"), "at": dateTime("")})),
			"ombudsman": nullable(obj{"type": "object"}), "deadlines": arrayOf(object(obj{"name": str(""), "at": dateTime("")}))}, "id", "status", "deadlines"),
		"Case":              object(obj{"id": str(""), "process": str(""), "status": str(""), "title": str(""), "created_by": str(""), "created_at": dateTime(""), "updated_at": dateTime("")}),
		"AssignRequest":     object(obj{"arbitrator_id": str("a member with the arbitrator role")}, "arbitrator_id"),
		"ReasonRequest":     object(obj{"reason": str("")}, "reason"),
		"ChallengeDecision": object(obj{"decision": strEnum("", "sustain", "reject"), "reason": str("")}, "decision"),
		"SubmissionRequest": object(obj{"text": str(""), "links": arrayOf(str("http(s) links"))}, "text"),
		"ArbitrationSubmission": object(obj{"number": obj{"type": "integer", "description": "from 1, in the order received"}, "by": str(""), "text": str(""),
			"links": arrayOf(str("")), "at": dateTime("")}, "number", "by", "text", "at"),
		"ArbitrationSubmitted": obj{"allOf": []obj{ref("Arbitration"), object(obj{"submission": ref("ArbitrationSubmission")}, "submission")}},
		"HearingRequest":       object(obj{"starts_at": dateTime(""), "duration": obj{"type": "string", "description": "the hearing's length (default 1h)", "example": "90m"}, "location": str("a place or a call link")}, "starts_at"),
		"ExtendRequest":        object(obj{"days": obj{"type": "integer", "description": "at most arbitration.max_extension"}, "reason": str("")}, "days", "reason"),
		"RulingRequest":        object(obj{"outcome": strEnum("", "uphold", "overturn", "modify", "dismissed", "decided"), "text": str(""), "articles": arrayOf(str(""))}, "outcome", "text"),
		"OmbudsmanRequest":     object(obj{"referred_at": dateTime(""), "outcome": str("the Ombudsman's outcome, once known")}),
		"PublicRuling":         object(obj{"case_id": str(""), "at": dateTime(""), "audit_seq": obj{"type": "integer"}, "audit_hash": str(""), "ruling": obj{"type": "object"}}),
		"RoadmapInput": object(obj{"title": str(""), "owner": str(""), "start": dayOrTime(), "due": dayOrTime(),
			"depends_on": arrayOf(str("item IDs")), "status": strEnum("default planned", "planned", "in_progress", "done", "blocked")}, "title", "start", "due"),
		"RoadmapItem": object(obj{"id": str(""), "title": str(""), "owner": str(""), "start": dateTime(""), "due": dateTime(""),
			"depends_on": arrayOf(str("")), "status": str(""), "created_at": dateTime(""), "updated_at": dateTime("")}),
		"ComplaintRequest": object(obj{"respondent_id": str(""), "kind": strEnum("", "undeclared_conflict", "disqualifying_conflict", "bad_faith", "other"),
			"summary": str(""), "links": arrayOf(str("evidence links")), "anonymous": obj{"type": "boolean", "description": "hide the complainant from the respondent"}}, "respondent_id", "kind", "summary"),
		"ComplaintReceipt": object(obj{"id": str(""), "case_id": str(""), "receipt": str("code to follow the case at /api/v1/ethics/complaints/by-receipt/{code}"),
			"status": str(""), "kind": str(""), "anonymous": obj{"type": "boolean"}, "filed_at": dateTime(""), "deadlines": arrayOf(object(obj{"name": str(""), "at": dateTime("")}))}, "id", "receipt", "status"),
		"Complaint": object(obj{"id": str(""), "case_id": str(""), "status": strEnum("", "screening", "investigation", "deliberation", "appeal_window", "appealed", "closed"),
			"kind": str(""), "summary": str(""), "anonymous": obj{"type": "boolean"}, "complainant_id": str("empty for the respondent when anonymous"),
			"respondent_id": str(""), "committee": arrayOf(obj{"type": "object"}), "evidence": arrayOf(obj{"type": "object"}), "votes": arrayOf(obj{"type": "object", "description": "committee and staff only"}),
			"deadlines": arrayOf(object(obj{"name": str(""), "at": dateTime("")}))}, "id", "status", "deadlines"),
		"EvidenceEntry": object(obj{"n": obj{"type": "integer", "description": "the entry's number, from 1"}, "by": str("\"complainant\" in the respondent's view of an anonymous case"),
			"role": strEnum("", "complainant", "respondent", "committee"), "kind": strEnum("", "evidence", "question"), "text": str(""), "links": arrayOf(str("")), "at": dateTime("")}, "n", "role", "kind", "text", "at"),
		"EvidenceAdded": obj{"allOf": []obj{ref("Complaint"), object(obj{"evidence_entry": ref("EvidenceEntry")}, "evidence_entry")},
			"description": "the complaint, with the entry just added under evidence (in place of the list, which GET returns)"},
		"NoteRequest":           object(obj{"note": str("")}),
		"TextRequest":           object(obj{"text": str("")}, "text"),
		"EthicsDecisionRequest": object(obj{"decision": ref("EthicsDecision")}, "decision"),
		"EthicsDecision": object(obj{"kind": strEnum("", "dismissed", "recusal_ordered", "warning", "suspension", "removal"), "matters": arrayOf(str("recusal_ordered")),
			"until": str("suspension, removal: an RFC 3339 time or a date such as 2027-05-01"), "position": str("removal"), "sanction_complainant": obj{"type": "boolean", "description": "the complaint was in bad faith"}}, "kind"),
		"EthicsVote": object(obj{"decision": ref("EthicsDecision"), "for": obj{"type": "boolean"}}, "decision", "for"),
		"AuditVerify": object(obj{"ok": obj{"type": "boolean"}, "entries": obj{"type": "integer"}, "head": str(""),
			"broken_at": obj{"type": "integer", "description": "first entry that does not verify"}, "reason": str(""),
			"anchored":        obj{"type": "boolean", "description": "the AuditAnchor checkpoints were read and compared"},
			"last_checkpoint": nullable(object(obj{"seq": obj{"type": "integer"}, "hash": str(""), "at": dateTime("")}))}, "ok"),
		"AuditHead": object(obj{"seq": obj{"type": "integer"}, "hash": str("hash of the last entry"),
			"last_checkpoint": nullable(object(obj{"seq": obj{"type": "integer"}, "hash": str(""), "at": dateTime("")}))}, "seq"),
	}
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// openapiPath turns Echo's ":id" into OpenAPI's "{id}".
func openapiPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

func problemResponse(desc string) obj {
	return obj{"description": desc, "content": obj{"application/problem+json": obj{"schema": ref("Problem")}}}
}

// Document builds the OpenAPI 3 document from the route table.
func (s *Server) Document() obj {
	paths := obj{}
	for _, r := range s.routes {
		p := openapiPath(r.path)
		item, _ := paths[p].(obj)
		if item == nil {
			item = obj{}
			paths[p] = item
		}
		status := r.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := obj{"description": http.StatusText(status)}
		switch {
		case r.produces != "":
			ok["content"] = obj{r.produces: obj{"schema": obj{"type": "string"}}}
		case strings.HasPrefix(r.response, "[]"):
			ok["content"] = obj{"application/json": obj{"schema": arrayOf(ref(strings.TrimPrefix(r.response, "[]")))}}
		case r.response != "":
			ok["content"] = obj{"application/json": obj{"schema": ref(r.response)}}
		}
		responses := obj{strconv.Itoa(status): ok, "default": problemResponse("an error, as an RFC 9457 problem document")}
		op := obj{"summary": r.summary, "tags": []string{r.tag}, "operationId": operationID(r), "responses": responses}
		var params []obj
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, obj{"name": m[1], "in": "path", "required": true, "schema": obj{"type": "string"}})
		}
		if r.creates {
			params = append(params, obj{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "a retry with the same key returns the first answer", "schema": obj{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.request != "" {
			media := "application/json"
			if r.consumes != "" {
				media = r.consumes
			}
			op["requestBody"] = obj{"required": true, "content": obj{media: obj{"schema": ref(r.request)}}}
		}
		if r.feed {
			op["security"] = []obj{{"bearer": []string{}}, {"feedToken": []string{}}}
		} else if r.access.public {
			op["security"] = []obj{}
		} else if len(r.access.roles) > 0 {
			op["x-roles"] = r.access.roles
		}
		item[strings.ToLower(r.method)] = op
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "ralo API", "version": "1",
			"description": "Governance workflows of LACRALO: registry, ethics, arbitration, elections, policy statements, participation."},
		"paths":    paths,
		"security": []obj{{"bearer": []string{}}},
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer"},
				"feedToken": obj{"type": "apiKey", "in": "query", "name": "token", "description": "calendar feed token (calendar only)"}},
			"schemas": schemas(),
		},
	}
}

func operationID(r route) string {
	parts := []string{strings.ToLower(r.method)}
	for _, seg := range strings.Split(strings.Trim(r.path, "/"), "/") {
		if seg == "api" || seg == "v1" || seg == "" {
			continue
		}
		parts = append(parts, strings.NewReplacer(":", "by_", ".", "_", "-", "_").Replace(seg))
	}
	return strings.Join(parts, "_")
}

func (s *Server) openapi(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Document())
}

// Routes lists "METHOD /path" of every route Echo serves, in OpenAPI's
// path syntax, for the test that compares it with the document.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		out = append(out, r.Method+" "+openapiPath(r.Path))
	}
	sort.Strings(out)
	return out
}

// RouteInfo says who may call a route, for the security tests.
type RouteInfo struct {
	Method, Path string
	Public       bool
	// Feed routes authenticate in the handler (bearer or feed token).
	Feed  bool
	Roles []string
}

// RouteAccess lists every route with its access rule.
func (s *Server) RouteAccess() []RouteInfo {
	out := make([]RouteInfo, 0, len(s.routes))
	for _, r := range s.routes {
		out = append(out, RouteInfo{Method: r.method, Path: openapiPath(r.path), Public: r.access.public && !r.feed, Feed: r.feed, Roles: r.access.roles})
	}
	return out
}
