package web

import (
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The message families the shared pages (members, ALSes, calendar,
// audit) and the translated refusals build with print.
func init() {
	addDynamic("als_status.", store.ALSAccredited, store.ALSInactive, store.ALSDecertified)
	addDynamic("calendar_page.kind.", "meeting", "deadline", "hearing")
	addDynamic("calendar_page.process.", "ethics", "election", "statement", "arbitration")
	addDynamic("audit.process.", (&page{}).AuditProcesses()...)
	addDynamic("audit.broken.", store.VerifyMissing, store.VerifyUnlinked, store.VerifyAltered, store.VerifyTruncated, store.VerifyRewritten)
	addDynamic("refusal.", service.CodeRolesForbid, service.CodeOwnOnly, service.CodeNotFound, service.CodeSignInNeeded,
		service.CodeProfileFields, service.CodeOwnRoles, service.CodeAdminRoles, service.CodeReviewNotOpen,
		service.CodeOwnDeclarations, service.CodeProcessClosed)
	addDynamic("field.", "time_zone")
	addDynamic("field.", store.FieldCodes...)
}
