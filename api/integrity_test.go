package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRegistryRoleChangeAuditedAndMailed: staff may make a member an
// ALS's representative (not themselves), an admin grants the committee
// role, and each change of roles or ALS is in the audit log with the
// previous values and emailed to the member.
func TestRegistryRoleChangeAuditedAndMailed(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	var als struct{ ID string }
	expect(t, do(t, e, "POST", "/api/v1/als", adminToken, map[string]any{"name": "ALS " + unique(), "country": "AR"}), http.StatusCreated).json(t, &als)
	_, staffTok := newMember(t, e, "AR", "", "staff")
	m, mTok := newMember(t, e, "AR", "")
	path := "/api/v1/members/" + m.ID
	expect(t, do(t, e, "PATCH", path, staffTok, map[string]any{"als_id": als.ID, "roles": []string{"member", "als_rep"}}), http.StatusOK)
	expect(t, do(t, e, "PATCH", path, staffTok, map[string]any{"roles": []string{"member", "als_rep", "ethics_committee"}}), http.StatusForbidden)
	expect(t, do(t, e, "PATCH", path, adminToken, map[string]any{"roles": []string{"member", "als_rep", "ethics_committee"}}), http.StatusOK)

	var entries []struct {
		Action  string         `json:"action"`
		Details map[string]any `json:"details"`
	}
	expect(t, do(t, e, "GET", "/api/v1/audit?process=registry&object_id="+m.ID+"&limit=1000", mTok, nil), http.StatusOK).json(t, &entries)
	var changes int
	for _, en := range entries {
		if en.Action == "member.updated" && en.Details["previous_roles"] != nil {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("audited role changes with their previous values: %d of 2 in %+v", changes, entries)
	}
	eventually(t, 30*time.Second, "two role-change emails to the member", func() bool {
		var mail []struct {
			Event string `json:"event"`
			Body  string `json:"body"`
		}
		expect(t, do(t, e, "GET", "/api/v1/notifications", mTok, nil), http.StatusOK).json(t, &mail)
		n := 0
		for _, x := range mail {
			if x.Event == "member.roles_changed" && strings.Contains(x.Body, "als_rep") {
				n++
			}
		}
		return n == 2
	})
}
