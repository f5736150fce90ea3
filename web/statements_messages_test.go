package web

import "github.com/lacralo/ralo/service"

// The refusals of the statements, meetings and participation that the
// refusal scan does not find: the service's codes (constants) and the
// families of process.CheckTextCode.
func init() {
	addDynamic("refusal.", service.CodeStatementMembersOnly, service.CodeStatementLeadershipOnly, service.CodeStatementVolunteerSelf,
		service.CodeStatementRepOnly, service.CodeStatementSuspended, service.CodeStatementOtherALS, service.CodeSurveyStaffOnly,
		service.CodeSurveyClosed, service.CodeSeriesCancelled, service.CodeMeetingStarted, service.CodeMeetingCancelled,
		service.CodeAttendanceForbidden, service.CodeQuarterNotEnded)
	for _, prefix := range []string{"statement.draft_text", "statement.comment_text", "statement.reply", "statement.final_text", "statement.reason"} {
		addDynamic("refusal.", prefix+".required", prefix+".too_long")
	}
	addDynamic("field.", service.FieldUnknownMember, service.FieldRequired, service.FieldSurveyRankOne, service.FieldSurveyTopics,
		service.FieldMeetingDuration, service.FieldMeetingRecurrence, service.FieldImportTooLarge)
}
