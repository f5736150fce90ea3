package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

const electionProcess = service.ElectionProcess

// Requests of the election routes, as the service layer takes them.
type (
	ElectionRequest   = service.ElectionRequest
	CalendarRequest   = service.ElectionCalendar
	NominationRequest = service.NominationRequest
	BallotRequest     = service.ElectionBallotRequest
	ExtendRequest     = service.ExtendElectionRequest
	ObjectionRequest  = service.ElectionObjectionRequest
	ProxyRequest      = service.ElectionProxyRequest
	AcceptRequest     = service.AcceptNominationRequest
)

func cmpOr(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// creating marks a route that creates something, so that it accepts an
// Idempotency-Key (the statement routes use it).
func creating(r route) route {
	r.creates = true
	return r
}

func (s *Server) getNomination(c echo.Context) error {
	n, err := s.svc.GetNomination(c.Request().Context(), caller(c), c.Param("id"), c.Param("nid"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

func (s *Server) acceptNomination(c echo.Context) error {
	return handle(electionBody, func(ctx context.Context, a *service.Actor, id string, req AcceptRequest) (service.Election, error) {
		return s.svc.AcceptNomination(ctx, a, id, c.Param("nid"), req)
	}, http.StatusOK, nil)(c)
}

// electionBody reads the body of an election transition: it may be empty,
// and never names the actor (the caller is the actor).
var electionBody = body{optional: true, reserved: []string{"actor"}}

func nominationLocation(out service.NominationCreated) string {
	return "/api/v1/elections/" + out.ID + "/nominations/" + out.Nomination.ID
}

func (s *Server) electionRoutes() []route {
	const tag = "elections"
	const base = "/api/v1/elections"
	svc := s.svc
	tr := func(path, summary, request string, acc access, h echo.HandlerFunc) route {
		return route{method: http.MethodPost, path: base + "/:id/" + path, access: acc, handler: h,
			tag: tag, summary: summary, request: request, response: "Election"}
	}
	return []route{
		{method: http.MethodPost, path: base, access: staffOnly, creates: true, handler: create(svc.CreateElection, nil),
			tag: tag, summary: "Start an election cycle (staff)", request: "ElectionRequest", response: "Election", status: http.StatusCreated},
		{method: http.MethodGet, path: base, access: authenticated, handler: list(svc.ListElections),
			tag: tag, summary: "Election cycles", response: "[]Case"},
		{method: http.MethodGet, path: base + "/:id", access: authenticated, handler: read(svc.GetElection, http.StatusOK),
			tag: tag, summary: "One cycle, live: seats, nominations with eligibility and its reasons, who has voted", response: "Election"},
		{method: http.MethodPost, path: base + "/:id/nominations", access: authenticated, creates: true, handler: handle(strictBody, svc.Nominate, http.StatusCreated, nominationLocation),
			tag: tag, summary: "Nominate a member for a seat (any member; self-nomination allowed); answers the cycle and the nomination created",
			request: "NominationRequest", response: "NominationCreated", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/:id/nominations/:nid", access: authenticated, handler: s.getNomination,
			tag: tag, summary: "One nomination of a cycle", response: "Nomination"},
		tr("nominations/:nid/accept", "Accept a nomination with a statement of interest (the nominee)", "AcceptRequest", authenticated,
			s.acceptNomination),
		{method: http.MethodPost, path: base + "/:id/eligibility", access: staffOnly,
			handler: handle(electionBody, withoutBody(svc.RecheckEligibility), http.StatusOK, nil),
			tag:     tag, summary: "Recheck the eligibility of every open nomination against the registry (staff)", response: "Election"},
		tr("objections", "Object to an acclamation, with a reason, before objections close", "ObjectionRequest", authenticated,
			handle(electionBody, svc.ObjectToAcclamation, http.StatusOK, nil)),
		tr("proxies", "Record a proxy before voting opens (staff)", "ProxyRequest", staffOnly,
			handle(electionBody, svc.RegisterProxy, http.StatusOK, nil)),
		{method: http.MethodPost, path: base + "/:id/ballots", access: authenticated, creates: true, handler: onObject(svc.CastElectionBallot, http.StatusCreated),
			tag: tag, summary: "Cast or replace an ALS's ballot (its als_rep, or the proxy holder's); the last counts", request: "BallotRequest", response: "BallotReceipt", status: http.StatusCreated},
		{method: http.MethodGet, path: base + "/:id/results", access: authenticated, handler: read(svc.ElectionResults, http.StatusOK),
			tag: tag, summary: "The results document (409 before voting closes)", response: "ElectionResults"},
		tr("extend", "Extend a phase (nominations, acceptance, objections, voting) with a reason; later dates move by as much; never shortens (staff)", "ExtendRequest", staffOnly,
			handle(electionBody, svc.ExtendElection, http.StatusOK, nil)),
		tr("certify", "Certify the results (staff)", "", staffOnly,
			handle(electionBody, withoutBody(svc.CertifyElection), http.StatusOK, nil)),
		{method: http.MethodGet, path: "/api/v1/public/elections/:id/results", access: public, handler: read(byID(svc.PublicElectionResults), http.StatusOK),
			tag: "public", summary: "Certified election results", response: "ElectionResults"},
	}
}

// electionSchemas documents the bodies of the election routes.
func electionSchemas() obj {
	seat := object(obj{"seat": str("e.g. chair, secretariat, alac_member, nomcom_delegate"), "position": str("defaults to the policy's"),
		"count": obj{"type": "integer"}, "method": strEnum("", "plurality", "ranked"), "ballot": strEnum("", "open", "secret"),
		"rotation": strEnum("", "none", "subregion", "distinct_country_als"), "required_subregion": str("defaults to the rotation table's next"),
		"outcome": strEnum("defaults to the policy's", "elected", "recommended"), "distinct": obj{"type": "boolean"}, "group": str(""),
		"term":            obj{"type": "string", "description": "the position's term; defaults to the policy's", "example": "730d"},
		"succeeds":        str("the position the holder takes when its sitting holder's term ends (chair_elect: chair); defaults to the policy's"),
		"succession_term": obj{"type": "string", "description": "the term in the position succeeded to", "example": "730d"},
		"must_fill_by":    dateTime("when the seat must be filled (certified) by; defaults to the policy's day in the cycle year; staff are alerted"),
		"recommend_to":    str("the position whose holders are emailed a recommended outcome (alac_chair)")}, "seat")
	succession := object(obj{"seat": str(""), "member_id": str("the elect"), "from": str("e.g. chair_elect"), "to": str("e.g. chair"),
		"at": dateTime("when the sitting holder's term ends"), "basis": strEnum("", "sitting_term_end", "vacant", "elect_term_end"),
		"status": strEnum("", "scheduled", "done", "skipped"), "outgoing": arrayOf(str("holders whose term ended")),
		"detail": str("why skipped"), "done_at": dateTime("")})
	passedOver := object(obj{"member_id": str(""), "reasons": arrayOf(str("\"code: sentence\" (alac_distinct_als, alac_distinct_nationality)"))})
	calendar := object(obj{"nominations_close": dateTime(""), "acceptance_close": dateTime("default nominations_close"),
		"objections_close": dateTime("default acceptance_close + election.objection_window"), "voting_open": dateTime("default objections_close"),
		"voting_close": dateTime(""), "term_start": dateTime("when the elected take their positions; default: at certification")},
		"nominations_close", "voting_close")
	nomination := object(obj{"id": str(""), "seat": str(""), "nominee_id": str(""), "nominated_by": str(""), "statement": str(""),
		"accepted": obj{"type": "boolean"}, "statement_of_interest": str(""), "eligible": obj{"type": "boolean"},
		"reasons": arrayOf(str("\"code: sentence\""))})
	period := func(desc string) obj { return obj{"type": "string", "description": desc, "example": "14d"} }
	rules := object(obj{"reopen_period": period("how long nominations reopen to all countries"),
		"objection_window": period("time to object to an acclamation"), "quorum": obj{"type": "number"},
		"extension": obj{"type": "boolean"}, "weighting": strEnum("", "national", "equal"),
		"contest_window": period("how long after certification the result may be contested")})
	roll := object(obj{"als_id": str(""), "country": str(""), "weight": obj{"type": "number", "description": "national weight CC, or 1"},
		"proxy_for": nullable(str("the ALS holding this ALS's proxy"))})
	electionDoc := object(obj{"id": str(""), "election_id": str(""), "title": str(""),
		"status":   strEnum("", "nominations", "objections", "voting", "closed", "certified"),
		"calendar": calendar, "rules": rules,
		"seats": arrayOf(object(obj{"seat": str(""), "status": strEnum("", "open", "voting", "acclaimed", "elected", "unfilled"),
			"reopened": obj{"type": "boolean"}, "candidates": arrayOf(str("")), "round": obj{"type": "integer"},
			"voting_opens": nullable(dateTime("")), "voting_closes": nullable(dateTime("")), "extended": obj{"type": "boolean"}, "elected": arrayOf(str(""))})),
		"nominations": arrayOf(ref("Nomination")),
		"objections":  arrayOf(obj{"type": "object"}), "proxies": arrayOf(obj{"type": "object"}), "roll": arrayOf(roll),
		"roll_frozen": obj{"type": "boolean"},
		"voted": arrayOf(object(obj{"seat": str(""), "round": obj{"type": "integer"}, "als_id": str(""), "at": dateTime(""),
			"changes_left": obj{"type": "integer", "description": "replacements left (election.max_ballot_changes); to the ALS's representatives and staff only"}})),
		"exceptions": arrayOf(obj{"type": "object"}), "deadlines": arrayOf(object(obj{"name": str(""), "at": dateTime("")})),
		"certified_at":  nullable(dateTime("")),
		"contest_until": dateTime("end of the window to contest the certified result before the arbitrator (POST /arbitrations with appeal_of {kind: election, id})"),
		"contests": arrayOf(object(obj{"arbitration_id": str(""), "filed_at": dateTime(""), "outcome": strEnum("once ruled", "uphold", "overturn", "modify", "dismissed"),
			"articles": arrayOf(str("")), "ruled_at": dateTime("")})),
		"positions_assigned_at": dateTime("when the elected took their positions"),
		"successions":           arrayOf(succession),
		"diversity": object(obj{"slate": obj{"type": "object", "description": "countries, subregions, genders, alses: counts (GET one election only)"},
			"elected": obj{"type": "object"}})}, "id", "status", "deadlines")
	return obj{
		"ElectionRequest":   object(obj{"title": str(""), "seats": arrayOf(seat), "calendar": calendar}, "title", "seats", "calendar"),
		"Election":          electionDoc,
		"Nomination":        nomination,
		"NominationCreated": obj{"allOf": []any{ref("Election"), object(obj{"nomination": ref("Nomination")}, "nomination")}},
		"NominationRequest": object(obj{"seat": str(""), "nominee_id": str("a member ID"), "statement": str("")}, "seat", "nominee_id"),
		"ExtendRequest": object(obj{"phase": strEnum("", service.ElectionPhases...),
			"until": dateTime("the phase's new end, later than the current one"), "reason": str("recorded and emailed to every member")}, "phase", "until", "reason"),
		"AcceptRequest":    object(obj{"statement_of_interest": str("")}, "statement_of_interest"),
		"ObjectionRequest": object(obj{"seat": str(""), "reason": str("")}, "seat", "reason"),
		"ProxyRequest":     object(obj{"from_als_id": str("the ALS giving its vote"), "to_als_id": str("the ALS casting it")}, "from_als_id", "to_als_id"),
		"BallotRequest": object(obj{"seat": str(""), "als_id": str("the ALS whose vote this is"), "choice": str("a candidate's member ID"),
			"abstain": obj{"type": "boolean"}, "ranking": arrayOf(str("candidates' member IDs, most preferred first (ranked seats)"))}, "seat", "als_id"),
		"BallotReceipt": object(obj{"receipt": str("find it in the published results"), "seat": str(""), "round": obj{"type": "integer"},
			"als_id": str(""), "at": dateTime(""), "changes_left": obj{"type": "integer", "description": "how many more times the ALS may replace this ballot"}}, "receipt"),
		"ElectionResults": object(obj{"election_id": str(""), "status": strEnum("", "closed", "certified"), "roll": arrayOf(roll),
			"seats": arrayOf(object(obj{"seat": str(""), "outcome": strEnum("", "elected", "recommended"),
				"passed_over": arrayOf(passedOver), "succession": succession,
				"rounds": arrayOf(object(obj{"round": obj{"type": "integer"}, "abstentions": obj{"type": "integer"},
					"totals": arrayOf(object(obj{"member_id": str(""), "weighted_votes": obj{"type": "number"}, "ballots": obj{"type": "integer"}}))})),
				"elected": arrayOf(str("")),
				"quorum": nullable(object(obj{"required": obj{"type": "integer"}, "cast": obj{"type": "integer"}, "met": obj{"type": "boolean"},
					"extended": obj{"type": "boolean"}})),
				"draw": nullable(object(obj{"seed": str("SHA-256 of the sorted receipts"), "drawn": str("")})),
				"ballots": arrayOf(object(obj{"receipt": str(""), "round": obj{"type": "integer"}, "als_id": str("open ballots only"),
					"choice": str("open ballots only"), "abstain": obj{"type": "boolean"}, "ranking": arrayOf(str(""))}))}))},
			"election_id", "status", "roll", "seats"),
	}
}
