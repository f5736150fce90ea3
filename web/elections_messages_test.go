package web

import (
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The message families the election pages build with print.
func init() {
	addDynamic("seat.", "chair", "chair_elect", "secretariat", "secretariat_elect", "alac_member", "nomcom_delegate")
	addDynamic("subregion.", "central_america_mexico", "andes", "caribbean", "mercosur")
	addDynamic("rotation.", "none", "subregion", "distinct_country_als")
	addDynamic("method.", "plurality", "ranked")
	addDynamic("ballot_kind.", "open", "secret")
	addDynamic("election_status.", "nominations", "objections", "voting", "closed", "certified")
	addDynamic("seat_status.", "open", "voting", "acclaimed", "elected", "unfilled")
	addDynamic("phase.", service.ElectionPhases...)
	addDynamic("exception.", "reopened", "extended", "second_ballot", "draw", "unfilled", "phase_extended", "proxy_dropped",
		"count_failed", "roll_failed", "recheck_failed", "positions_failed")
	addDynamic("reason.", "not_accepted", "no_statement_of_interest", "no_declaration", "outdated_declaration",
		"disqualifying_conflict", "ethics_ineligible", "nomcom_member", "observer", "not_in_subregion", "rotation_excluded",
		"consecutive_term", "alac_distinct_als", "alac_distinct_nationality", "rotation_country", "rotation_als", "unknown_rotation")
	addDynamic("elections.refused.", "403", "409")
	addDynamic("gender.", "undisclosed")
}

// The message families the statement pages build with print.
func init() {
	addDynamic("language.", service.Languages...)
	addDynamic("statement_status.", "drafting", "comments", "consolidation", "consensus", "voting", "ratified", "submitted", "declined")
	addDynamic("statement_kind.", "statement", "advice", "interaction")
	addDynamic("comment_status.", "open", "incorporated", "answered", "not_adopted")
	addDynamic("ratification_outcome.", "ratified", "rejected")
	addDynamic("survey_status.", "open", "closed")
	addDynamic("statement_field.", "proceeding.title", "proceeding.url", "proceeding.closes_at", "languages", "kind", "topic")
	addDynamic("survey_field.", "title", "topics", "closes_at")
}

// The message families the meeting and participation pages build with print.
func init() {
	addDynamic("meeting_kind.", store.MeetingKinds...)
	addDynamic("voting_status.", "active", "warned", "inactive", "review")
	addDynamic("roadmap_status.", "planned", "in_progress", "done", "blocked")
	addDynamic("meeting_field.", "kind", "title", "starts_at", "duration", "location", "recurrence.every", "recurrence.until")
	addDynamic("review_field.", "outcome", "note")
	addDynamic("repeats.", "1mo", "2mo", "3mo", "6mo", "12mo", "7d", "14d")
	addDynamic("roadmap_deadline.", "comment_period", "ratification_vote", "objection_window", "icann_close", "succession")
}

// The election refusals the pages explain: the service's codes and field
// codes, and the workflow's text checks (process.CheckTextCode, whose
// codes the catalogue test does not find in the source).
func init() {
	addDynamic("refusal.", service.CodeElectionStaffStart, service.CodeElectionStaffRecheck, service.CodeElectionStaffProxies,
		service.CodeElectionStaffExtend, service.CodeElectionStaffCertify, service.CodeElectionNomineeOnly,
		service.CodeElectionObserverNom, service.CodeElectionObserverNoms, service.CodeElectionObserverAccepts, service.CodeElectionObserverVotes,
		service.CodeElectionRepOnly, service.CodeElectionSuspended, service.CodeElectionResultsNotYet)
	for _, field := range []string{"election.statement_of_interest", "election.objection_reason", "election.extend_reason"} {
		addDynamic("refusal.", field+".required", field+".too_long")
	}
	addDynamic("field.", service.FieldElectionNoSeat, service.FieldElectionNoMember, service.FieldElectionNoALS,
		service.FieldElectionALSNotAccred, service.FieldElectionSeats, service.FieldElectionRotation, service.FieldElectionDateForm,
		service.FieldElectionDateUnknown, service.FieldElectionDateFuture, service.FieldElectionDateOrder, service.FieldElectionTermStart)
}
