package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/store"
)

// route is one API route and its documentation; the same table registers
// the route and writes the OpenAPI document, so the two cannot drift.
type route struct {
	method  string
	path    string
	access  access
	creates bool // accepts Idempotency-Key
	emails  bool // sends email: rate limited per member
	// feed: the handler authenticates itself, with a bearer token or a
	// calendar feed token in ?token=; the route is public only to reach it.
	feed bool
	// ownAuth: the handler reads the Authorization header itself (the
	// metrics scraper's token is no member's), so no member check runs.
	ownAuth bool
	handler echo.HandlerFunc

	tag      string
	summary  string
	request  string // schema name of the JSON body, if any
	response string // schema name of the success body ("[]X" for a list)
	status   int    // success status, default 200
	produces string // media type when not JSON
	consumes string // media type of the request body when not JSON
}

func (s *Server) routeTable() []route {
	routes := append(s.systemRoutes(), s.arbitrationRoutes()...)
	routes = append(routes, s.ethicsRoutes()...)
	routes = append(routes, s.electionRoutes()...)
	routes = append(routes, s.statementRoutes()...)
	routes = append(routes, s.participationRoutes()...)
	return append(routes, s.roadmapRoutes()...)
}

func (s *Server) systemRoutes() []route {
	svc := s.svc
	return []route{
		{method: http.MethodGet, path: "/healthz", access: public, handler: s.healthz,
			tag: "system", summary: "The process is up", response: "Health"},
		{method: http.MethodGet, path: "/readyz", access: public, handler: s.readyz,
			tag: "system", summary: "Database, Temporal and workers are ready", response: "Health"},
		{method: http.MethodGet, path: "/metrics", access: public, ownAuth: true, handler: s.metricsHandler(),
			tag: "system", summary: "Prometheus metrics (with --metrics-token: Authorization: Bearer <it>)", produces: "text/plain"},
		{method: http.MethodGet, path: "/openapi.json", access: public, handler: s.openapi,
			tag: "system", summary: "This OpenAPI document", response: "Object"},

		{method: http.MethodGet, path: "/api/v1/policy", access: authenticated, handler: s.getPolicy,
			tag: "policy", summary: "The policy in force", response: "Object"},

		{method: http.MethodGet, path: "/api/v1/countries", access: authenticated, handler: read(everyone(svc.ListCountries), http.StatusOK),
			tag: "registry", summary: "Countries and their sub-regions", response: "[]Country"},
		{method: http.MethodPost, path: "/api/v1/countries", access: staffOnly, creates: true, handler: create(svc.CreateCountry, nil),
			tag: "registry", summary: "Add a country", request: "CountryInput", response: "Country", status: http.StatusCreated},

		{method: http.MethodGet, path: "/api/v1/als", access: authenticated, handler: s.listALS,
			tag: "registry", summary: "At-Large Structures", response: "[]ALS"},
		{method: http.MethodPost, path: "/api/v1/als", access: staffOnly, creates: true, handler: create(svc.CreateALS, alsLocation),
			tag: "registry", summary: "Accredit an ALS", request: "ALSInput", response: "ALS", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/als/:id", access: authenticated, handler: read(byID(svc.GetALS), http.StatusOK),
			tag: "registry", summary: "One ALS", response: "ALS"},
		{method: http.MethodPatch, path: "/api/v1/als/:id", access: staffOnly, handler: onObject(svc.UpdateALS, http.StatusOK),
			tag: "registry", summary: "Change an ALS (name, country, status)", request: "ALSInput", response: "ALS"},

		{method: http.MethodGet, path: "/api/v1/members", access: authenticated, handler: s.listMembers,
			tag: "registry", summary: "Members (contact details to staff and to the member only)", response: "[]Member"},
		{method: http.MethodPost, path: "/api/v1/members", access: staffOnly, creates: true, handler: create(svc.CreateMember, memberLocation),
			tag: "registry", summary: "Register a member", request: "MemberInput", response: "Member", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/members/:id", access: authenticated, handler: read(svc.GetMember, http.StatusOK),
			tag: "registry", summary: "One member", response: "Member"},
		{method: http.MethodPatch, path: "/api/v1/members/:id", access: authenticated, handler: onObject(svc.UpdateMember, http.StatusOK),
			tag: "registry", summary: "Change a member (self: profile fields; staff: registry fields; admin: roles)", request: "MemberInput", response: "Member"},
		{method: http.MethodPost, path: "/api/v1/members/:id/tokens", access: roles(store.RoleAdmin), creates: true, emails: true, handler: handle(optionalBody, svc.IssueToken, http.StatusCreated, nil),
			tag: "auth", summary: "Issue a bearer token (shown once)", request: "TokenInput", response: "IssuedToken", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/members/:id/tokens", access: authenticated, handler: read(svc.ListTokens, http.StatusOK),
			tag: "auth", summary: "A member's tokens (admin or the member)", response: "[]Token"},
		{method: http.MethodDelete, path: "/api/v1/members/:id/tokens/:token_id", access: authenticated, handler: s.revokeToken,
			tag: "auth", summary: "Revoke a token (admin or the member)", status: http.StatusNoContent},
		{method: http.MethodGet, path: "/api/v1/members/:id/declarations", access: authenticated, handler: read(byID(svc.ListDeclarations), http.StatusOK),
			tag: "registry", summary: "A member's conflict-of-interest declarations, newest first", response: "[]Declaration"},
		{method: http.MethodPost, path: "/api/v1/members/:id/declarations", access: authenticated, creates: true, handler: onObject(svc.CreateDeclaration, http.StatusCreated),
			tag: "registry", summary: "File a declaration (by the member); it supersedes the current one", request: "DeclarationInput", response: "Declaration", status: http.StatusCreated},

		{method: http.MethodGet, path: "/api/v1/positions", access: authenticated, handler: read(everyone(svc.ListPositions), http.StatusOK),
			tag: "registry", summary: "Who holds which position now", response: "[]Position"},
		{method: http.MethodPost, path: "/api/v1/positions", access: staffOnly, creates: true, handler: create(svc.CreatePosition, nil),
			tag: "registry", summary: "Record a position holder", request: "PositionInput", response: "Position", status: http.StatusCreated},

		{method: http.MethodGet, path: "/api/v1/notifications", access: authenticated, handler: s.listNotifications,
			tag: "notifications", summary: "The email outbox (admin: all; others: their own)", response: "[]Notification"},
		{method: http.MethodPost, path: "/api/v1/codec/encode", access: roles(store.RoleAdmin), handler: s.codecEndpoint,
			tag: "system", summary: "Temporal remote codec: encrypt payloads (admin; --codec-endpoint of the Temporal UI and CLI)", request: "Object", response: "Object"},
		{method: http.MethodPost, path: "/api/v1/codec/decode", access: roles(store.RoleAdmin), handler: s.codecEndpoint,
			tag: "system", summary: "Temporal remote codec: decrypt payloads (admin; --codec-endpoint of the Temporal UI and CLI)", request: "Object", response: "Object"},
		{method: http.MethodGet, path: "/api/v1/audit", access: authenticated, handler: s.listAudit,
			tag: "audit", summary: "Audit entries the caller may see", response: "[]AuditEntry"},
		{method: http.MethodGet, path: "/api/v1/audit/verify", access: authenticated, handler: s.verifyAudit,
			tag: "audit", summary: "Recompute the hash chain and compare it with the last checkpoints of the AuditAnchor workflow", response: "AuditVerify"},
		{method: http.MethodGet, path: "/api/v1/public/audit/head", access: public, handler: s.auditHead,
			tag: "audit", summary: "The audit chain's head and its last checkpoint (no token)", response: "AuditHead"},
	}
}
