package web

import "github.com/lacralo/ralo/service"

// The refusals of the statements, meetings and participation that the
// refusal scan does not find: the service's codes (constants), the
// families of process.CheckTextCode, and the pages' lead sentences
// (areaRefusal).
func init() {
	addDynamic("refusal.", service.CodeStatementMembersOnly, service.CodeStatementLeadershipOnly, service.CodeStatementVolunteerSelf,
		service.CodeStatementRepOnly, service.CodeStatementSuspended, service.CodeStatementOtherALS, service.CodeSurveyStaffOnly,
		service.CodeSurveyClosed, service.CodeSeriesCancelled, service.CodeMeetingStarted, service.CodeMeetingCancelled,
		service.CodeAttendanceForbidden, service.CodeQuarterNotEnded)
	for _, text := range []string{"draft_text", "comment_text", "reply", "final_text", "reason"} {
		addDynamic("refusal.", "statement."+text+".required", "statement."+text+".too_long")
	}
	addDynamic("statements.refused.", "403", "409")
	addDynamic("meetings.refused.", "403", "409")
	addDynamic("field.", service.FieldUnknownMember, service.FieldMeetingDuration, service.FieldMeetingRecurrence)
}
