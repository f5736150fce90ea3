package web

// The message families the ethics pages build with print.
func init() {
	addDynamic("ethics.refused.", "403", "409", "429")
	addDynamic("ethics.as.", "complainant", "respondent", "committee", "staff")
	addDynamic("ethics.by.", "complainant", "respondent", "committee")
	addDynamic("ethics.screen.", "admitted", "dismissed")
	addDynamic("ethics_kind_hint.", "undeclared_conflict", "disqualifying_conflict", "bad_faith", "other")
	addDynamic("ethics_outcome_hint.", "dismissed", "recusal_ordered", "warning", "suspension", "removal")
	addDynamic("actor.", "you", "complainant", "system", "committee")
	addDynamic("audit.ethics.",
		"filed", "admitted", "dismissed", "recused", "recusals_recomputed", "response_requested", "response", "evidence", "deliberation", "vote", "proposal_withdrawn", "decision_passed", "decided", "appealed", "appeal_ruling", "decision_modified", "decision_applied", "decision_published", "closed", "screening_reminder", "screening_overdue", "no_quorum", "apply_failed")
}
