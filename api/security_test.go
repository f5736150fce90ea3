package api_test

import (
	"net/http"
	"regexp"
	"testing"
)

var param = regexp.MustCompile(`\{[a-z_]+\}`)

// TestEveryRouteChecksAuthAndRole walks the route table itself, so a route
// added later is covered without editing this test: every non-public route
// answers 401 without a token, with a malformed one and with a revoked one;
// every route restricted to roles answers 403 to a plain member, whatever
// object it names. Nothing is written by any of these calls.
func TestEveryRouteChecksAuthAndRole(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	m, token := newMember(t, e, "AR", "")
	revoked := revokedToken(t, e, m.ID)

	auditBefore := auditHead(t, e)
	for _, r := range e.app.API.RouteAccess() {
		path := param.ReplaceAllString(r.Path, "x_unknown")
		name := r.Method + " " + r.Path
		var body any
		if r.Method == http.MethodPost || r.Method == http.MethodPatch {
			body = map[string]any{}
		}
		if r.Public {
			continue
		}
		if r.Feed {
			path += "?token=not-a-feed-token"
		}
		t.Run(name, func(t *testing.T) {
			expect(t, do(t, e, r.Method, path, "", body), http.StatusUnauthorized)
			expect(t, do(t, e, r.Method, path, "not-a-token", body), http.StatusUnauthorized)
			expect(t, do(t, e, r.Method, path, revoked, body), http.StatusUnauthorized)
			if len(r.Roles) > 0 {
				expect(t, do(t, e, r.Method, path, token, body), http.StatusForbidden)
			}
		})
	}
	if auditHead(t, e) != auditBefore {
		t.Fatal("refused requests wrote to the audit log")
	}
}

// revokedToken issues a member a token and revokes it.
func revokedToken(t *testing.T, e *env, memberID string) string {
	t.Helper()
	var tok struct{ ID, Token string }
	expect(t, do(t, e, "POST", "/api/v1/members/"+memberID+"/tokens", adminToken, map[string]any{"label": "to revoke"}), http.StatusCreated).json(t, &tok)
	expect(t, do(t, e, "DELETE", "/api/v1/members/"+memberID+"/tokens/"+tok.ID, adminToken, nil), http.StatusNoContent)
	return tok.Token
}

func auditHead(t *testing.T, e *env) string {
	t.Helper()
	h, _ := expect(t, do(t, e, "GET", "/api/v1/audit/verify", adminToken, nil), http.StatusOK).field(t, "head").(string)
	return h
}
