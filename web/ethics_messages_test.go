package web

import "github.com/lacralo/ralo/service"

// The message families the ethics pages build with print.
func init() {
	addDynamic("ethics.refused.", "403", "409", "429")
	addDynamic("ethics.as.", "complainant", "respondent", "committee", "staff")
	addDynamic("ethics.by.", "complainant", "respondent", "committee")
	addDynamic("ethics.screen.", "admitted", "dismissed")
	addDynamic("ethics_kind_hint.", "undeclared_conflict", "disqualifying_conflict", "bad_faith", "other")
	addDynamic("ethics_outcome_hint.", "dismissed", "recusal_ordered", "warning", "suspension", "removal")
	addDynamic("ethics.recusal.", service.RecusalCodes...)
	// The ethics refusals the scan of the process.*Code calls does not
	// find: the service's codes, the families of process.CheckTextCode
	// and those Input.Validate names with a field it is given.
	addDynamic("refusal.", service.CodeEthicsRespondentUnknown, service.CodeEthicsRespondentSelf, service.CodeEthicsRecomputeStaff,
		service.CodeEthicsUntilUnreadable, service.CodeEthicsNoProposal)
	addDynamic("refusal.ethics.", "input_required", "input_too_long")
	for _, family := range []string{"reason", "text", "summary", "matters", "position"} {
		addDynamic("refusal.ethics."+family+".", "required", "too_long")
	}
	addDynamic("actor.", "you", "complainant", "system", "committee")
	addDynamic("audit.ethics.",
		"filed", "admitted", "dismissed", "recused", "recusals_recomputed", "response_requested", "response", "evidence", "deliberation", "vote", "proposal_withdrawn", "decision_passed", "decided", "appealed", "appeal_ruling", "decision_modified", "decision_applied", "decision_published", "closed", "screening_reminder", "screening_overdue", "no_quorum", "apply_failed", "sanction_applied")
}

// The message families the arbitration pages build with print.
func init() {
	addDynamic("arbitration.as.", "party", "arbitrator", "staff")
	addDynamic("arbitration.refused.", "403", "409", "429")
	addDynamic("challenge_decision.", "sustain", "reject")
	addDynamic("arbitration_status.", "filed", "assigned", "challenged", "submissions", "hearing_scheduled", "ruling_due", "overdue", "ruled")
	addDynamic("ruling_outcome.", "uphold", "overturn", "modify", "dismissed", "decided")
	addDynamic("deadline.", "challenge_window", "submissions", "hearing", "ruling")
	addDynamic("actor.", "staff")
	addDynamic("conflict.", "is_party", "als_party", "same_als", "declared_party", "declared_als_party", "declared_als_of_party")
	addDynamic("audit.arbitration.", "filed", "assigned", "confirmed", "challenge", "challenge_sustained", "challenge_rejected",
		"submission", "submissions_opened", "submissions_closed", "hearing_scheduled", "hearing_rescheduled", "ruling_due",
		"extended", "ruling", "ruling_reminder", "ruling_overdue", "overdue", "ombudsman_referral", "ombudsman_outcome", "appeal_signal",
		"contest_recorded", "contest_refused")
}
