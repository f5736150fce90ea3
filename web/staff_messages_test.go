package web

import (
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The message families the staff pages (roster, outbox, policy) and their
// refusals build with print.
func init() {
	addDynamic("staff.policy.section.", "ethics", "arbitration", "election", "policy", "participation", "meetings",
		"notifications", "budgets", "members", "namespace")
	addDynamic("refusal.", service.CodeAdminOnly, service.CodeRosterChanged, service.CodeNotFailed)
	addDynamic("field.", "outbox_status", service.CodeRosterAdminRoles, service.CodeRosterOwnRoles, service.CodeRosterFormat)
	addDynamic("staff.roster.status.", store.RosterLineNew, store.RosterLineUpdate, store.RosterLineUnchanged)
	addDynamic("staff.roster.", "name", "country", "als", "language", "roles")
}
