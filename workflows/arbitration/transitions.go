package arbitration

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// Predicates shared by validators and handlers. They read the clock rather
// than flags where a deadline may have passed without the main loop having
// run yet, so that a validator never refuses what its handler would allow.

func (a *arbitration) challengePending() bool {
	n := len(a.st.Challenges)
	return n > 0 && a.st.Challenges[n-1].Decision == ""
}

func (a *arbitration) hearingHeld(now time.Time) bool {
	h := a.st.Hearing
	return a.held || (h != nil && !now.Before(h.StartsAt) && !a.challengePending())
}

func (a *arbitration) isParty(id string) bool { return id != "" && slices.Contains(a.parties, id) }

func (a *arbitration) isArbitrator(id string) bool {
	return id != "" && id == a.st.ArbitratorID
}

func (a *arbitration) checkOpen() error {
	if a.st.Ruling != nil {
		return process.InvalidStateCode("arbitration.closed", "the case is closed: a ruling has been recorded")
	}
	return nil
}

// Validators and handlers, in the order of the process.

func (a *arbitration) validateAssign(_ time.Time, in AssignInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("arbitration.assign_staff_only", "only staff can assign an arbitrator")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	if a.st.ArbitratorID != "" {
		return process.InvalidStateCode("arbitration.already_assigned", "an arbitrator is already assigned")
	}
	id := strings.TrimSpace(in.ArbitratorID)
	switch {
	case id == "":
		return process.InvalidFieldCode("arbitrator_id", "arbitration.arbitrator_required", "arbitrator_id is required")
	case a.isParty(id):
		return process.InvalidFieldCode("arbitrator_id", "arbitration.arbitrator_is_party", "the arbitrator cannot be a party")
	case slices.Contains(a.removed, id):
		return process.InvalidFieldCode("arbitrator_id", "arbitration.arbitrator_removed", "this arbitrator was removed from the case by a sustained challenge")
	case len(in.Conflicts) > 0:
		return process.InvalidFieldCode("arbitrator_id", "arbitration.assign_conflict", "conflict of interest: "+strings.Join(in.Conflicts, "; "),
			"Conflicts", strings.Join(in.Conflicts, "; "))
	}
	return nil
}

func (a *arbitration) assign(now time.Time, in AssignInput) {
	a.assignments++
	a.st.ArbitratorID = strings.TrimSpace(in.ArbitratorID)
	a.st.Confirmed = false
	a.challengeEnds = now.Add(a.periods.ChallengeWindow.D())
	a.windowClosed = false
	step := "assigned/" + strconv.Itoa(a.assignments)
	a.audit(in.Actor.MemberID, "arbitration.assigned", step, map[string]any{
		"arbitrator_id":         a.st.ArbitratorID,
		"challenge_window_ends": a.challengeEnds,
	})
	a.notify(step, "arbitration.assigned", a.recipients(true, true, true), map[string]any{
		"due": a.challengeEnds,
	})
}

func (a *arbitration) validateConfirm(_ time.Time, in ConfirmInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.ForbiddenCode("arbitration.confirm_arbitrator_only", "only the assigned arbitrator can confirm having no conflict")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	if a.st.Confirmed {
		return process.InvalidStateCode("arbitration.already_confirmed", "the arbitrator has already confirmed")
	}
	return nil
}

func (a *arbitration) confirm(_ time.Time, in ConfirmInput) {
	a.st.Confirmed = true
	a.audit(in.Actor.MemberID, "arbitration.confirmed", "confirmed/"+strconv.Itoa(a.assignments), map[string]any{
		"arbitrator_id": a.st.ArbitratorID,
	})
}

func (a *arbitration) validateChallenge(now time.Time, in ChallengeInput) error {
	if !a.isParty(in.Actor.MemberID) {
		return process.ForbiddenCode("arbitration.challenge_party_only", "only a party can challenge the arbitrator")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case a.st.ArbitratorID == "":
		return process.InvalidStateCode("arbitration.no_arbitrator", "no arbitrator is assigned")
	case a.challengePending():
		return process.InvalidStateCode("arbitration.challenge_pending", "a challenge is already waiting for a decision")
	case !now.Before(a.challengeEnds):
		return process.InvalidStateCode("arbitration.challenge_closed", "the challenge window closed at "+a.challengeEnds.Format(time.RFC3339),
			"ClosedAt", a.challengeEnds)
	}
	return process.CheckTextCode("reason", "arbitration.challenge_reason", in.Reason, maxShortBytes)
}

func (a *arbitration) challenge(now time.Time, in ChallengeInput) {
	reason := strings.TrimSpace(in.Reason)
	a.st.Challenges = append(a.st.Challenges, Challenge{
		By: in.Actor.MemberID, ArbitratorID: a.st.ArbitratorID, Reason: reason, At: now,
	})
	step := "challenge/" + strconv.Itoa(len(a.st.Challenges))
	a.audit(in.Actor.MemberID, "arbitration.challenge", step, map[string]any{
		"arbitrator_id": a.st.ArbitratorID,
		"reason":        reason,
	})
	a.notify(step, "arbitration.challenge", a.recipients(true, true, true), map[string]any{"reason": reason})
}

func (a *arbitration) validateDecideChallenge(_ time.Time, in DecideChallengeInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("arbitration.decide_staff_only", "only staff can decide a challenge")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	if !a.challengePending() {
		return process.InvalidStateCode("arbitration.no_challenge_pending", "no challenge is waiting for a decision")
	}
	if in.Decision != ChallengeSustain && in.Decision != ChallengeReject {
		return process.InvalidFieldCode("decision", "arbitration.challenge_decision", fmt.Sprintf("decision must be %q or %q", ChallengeSustain, ChallengeReject))
	}
	if len(in.Reason) > maxShortBytes {
		return process.InvalidFieldCode("reason", "arbitration.decision_reason_too_long", fmt.Sprintf("reason is longer than %d bytes", maxShortBytes),
			"Limit", maxShortBytes)
	}
	return nil
}

// decideChallenge applies staff's decision. A sustained challenge removes
// the arbitrator and everything that depended on them (confirmation,
// window, hearing): the case is filed again and waits for a new assignment.
// A hearing cannot have been held by then, since hearings start after the
// challenge window and none starts while a challenge waits.
func (a *arbitration) decideChallenge(now time.Time, in DecideChallengeInput) {
	n := len(a.st.Challenges)
	c := &a.st.Challenges[n-1]
	c.Decision = in.Decision
	c.DecisionReason = strings.TrimSpace(in.Reason)
	c.DecidedBy = in.Actor.MemberID
	c.DecidedAt = &now
	action := "arbitration.challenge_rejected"
	if in.Decision == ChallengeSustain {
		action = "arbitration.challenge_sustained"
		a.removed = append(a.removed, a.st.ArbitratorID)
		a.st.ArbitratorID = ""
		a.st.Confirmed = false
		a.challengeEnds = time.Time{}
		a.windowClosed = false
		a.st.Hearing = nil
	}
	a.audit(in.Actor.MemberID, action, "challenge/"+strconv.Itoa(n)+"/decision", map[string]any{
		"arbitrator_id": c.ArbitratorID,
		"reason":        c.DecisionReason,
	})
}

func (a *arbitration) validateSubmit(now time.Time, in SubmitInput) error {
	if !a.isParty(in.Actor.MemberID) {
		return process.ForbiddenCode("arbitration.submit_party_only", "only a party can make a submission")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case a.submissionsEnd.IsZero():
		return process.InvalidStateCode("arbitration.submissions_not_open", "submissions are not open yet")
	case !now.Before(a.submissionsEnd):
		return process.InvalidStateCode("arbitration.submissions_closed", "submissions closed at "+a.submissionsEnd.Format(time.RFC3339),
			"ClosedAt", a.submissionsEnd)
	}
	if err := a.checkSubmissionBudget(in.Actor.MemberID); err != nil {
		return err
	}
	if err := process.CheckTextCode("text", "arbitration.submission_text", in.Text, maxTextBytes); err != nil {
		return err
	}
	if len(in.Links) > maxLinks {
		return process.InvalidFieldCode("links", "arbitration.too_many_links", fmt.Sprintf("at most %d links", maxLinks), "Max", maxLinks)
	}
	for _, l := range in.Links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l) > maxLinkBytes {
			return process.InvalidFieldCode("links", "arbitration.bad_link", fmt.Sprintf("link %q is not an http(s) URL", l), "Link", l)
		}
	}
	return nil
}

func (a *arbitration) submit(now time.Time, in SubmitInput) {
	s := Submission{By: in.Actor.MemberID, Text: strings.TrimSpace(in.Text), Links: process.NonNil(slices.Clone(in.Links)), At: now}
	a.st.Submissions = append(a.st.Submissions, s)
	a.audit(in.Actor.MemberID, "arbitration.submission", "submission/"+strconv.Itoa(len(a.st.Submissions)), map[string]any{
		"text":  s.Text,
		"links": s.Links,
	})
}

func (a *arbitration) validateHearing(now time.Time, in HearingInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.ForbiddenCode("arbitration.hearing_arbitrator_only", "only the assigned arbitrator can schedule the hearing")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case !a.st.Confirmed:
		return process.InvalidStateCode("arbitration.hearing_unconfirmed", "the arbitrator must first confirm having no conflict")
	case a.challengePending():
		return process.InvalidStateCode("arbitration.hearing_challenge_pending", "a challenge is waiting for a decision")
	case a.hearingHeld(now):
		return process.InvalidStateCode("arbitration.hearing_started", "the hearing has already started")
	}
	switch {
	case !in.StartsAt.After(now):
		return process.InvalidFieldCode("starts_at", "arbitration.hearing_in_past", "starts_at must be in the future")
	case in.StartsAt.Before(a.challengeEnds):
		return process.InvalidFieldCode("starts_at", "arbitration.hearing_before_window",
			"the hearing must start after the challenge window closes at "+a.challengeEnds.Format(time.RFC3339), "ClosedAt", a.challengeEnds)
	case in.Duration <= 0 || in.Duration.D() > maxHearingLength:
		return process.InvalidFieldCode("duration", "arbitration.hearing_duration", "duration must be positive and at most 24 hours",
			"Hours", int(maxHearingLength/time.Hour))
	}
	return process.CheckTextCode("location", "arbitration.hearing_location", in.Location, maxShortBytes)
}

// hearing schedules the hearing and sends the invitation. A reschedule, or
// a new hearing after a sustained challenge, keeps the invitation's UID and
// raises its SEQUENCE, so calendars move the entry instead of adding one.
func (a *arbitration) hearing(now time.Time, in HearingInput) {
	event, action := "arbitration.hearing_scheduled", "arbitration.hearing_scheduled"
	if a.st.Hearing != nil {
		event, action = "arbitration.hearing_rescheduled", "arbitration.hearing_rescheduled"
	}
	h := &Hearing{
		StartsAt: in.StartsAt.UTC(),
		Duration: in.Duration,
		Location: strings.TrimSpace(in.Location),
		Sequence: a.hearings,
	}
	a.hearings++
	a.st.Hearing = h
	step := "hearing/" + strconv.Itoa(h.Sequence)
	a.audit(in.Actor.MemberID, action, step, map[string]any{
		"starts_at": h.StartsAt,
		"duration":  h.Duration.D().String(),
		"location":  h.Location,
		"sequence":  h.Sequence,
	})
	summary := "LACRALO arbitration " + a.in.CaseID + ": hearing (" + process.Title(a.in.Question) + ")"
	a.notify(step, event, a.recipients(true, true, false), map[string]any{
		"starts_at": h.StartsAt,
		"location":  h.Location,
	}, workflows.Attachment{
		Filename:    "hearing.ics",
		ContentType: "text/calendar; method=REQUEST",
		Data:        hearingICS(a.in.CaseID, summary, *h, now),
	})
}

func (a *arbitration) validateExtend(now time.Time, in ExtendInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.ForbiddenCode("arbitration.extend_arbitrator_only", "only the assigned arbitrator can extend the ruling deadline")
	}
	if err := a.checkOpen(); err != nil {
		return err
	}
	switch {
	case !a.hearingHeld(now):
		return process.InvalidStateCode("arbitration.extend_before_hearing", "the ruling is not due yet: the hearing has not been held")
	case a.st.Extension != nil:
		return process.InvalidStateCode("arbitration.already_extended", "the ruling deadline has already been extended once",
			"Due", a.st.Extension.PreviousDue.Add(time.Duration(a.st.Extension.Days)*24*time.Hour))
	}
	maxDays := int(a.periods.MaxExtension.D() / (24 * time.Hour))
	if in.Days < 1 || in.Days > maxDays {
		return process.InvalidFieldCode("days", "arbitration.extend_days", fmt.Sprintf("days must be between 1 and %d", maxDays), "Max", maxDays)
	}
	return process.CheckTextCode("reason", "arbitration.extend_reason", in.Reason, maxShortBytes)
}

// extend moves the deadline. The reminders start over against the new
// deadline, under new steps, so that each is still sent once; the timer
// of the old deadline is cancelled by the main loop when it sees the move.
func (a *arbitration) extend(now time.Time, in ExtendInput) {
	prev := *a.st.DueAt
	due := prev.Add(time.Duration(in.Days) * 24 * time.Hour)
	reason := strings.TrimSpace(in.Reason)
	a.st.Extension = &Extension{Days: in.Days, Reason: reason, At: now, PreviousDue: prev}
	a.st.DueAt = &due
	a.extended = true
	a.remindersFrom = now
	a.audit(in.Actor.MemberID, "arbitration.extended", "extended", map[string]any{
		"days":         in.Days,
		"reason":       reason,
		"previous_due": prev,
		"due":          due,
	})
	a.notify("extended", "arbitration.extended", a.recipients(true, true, true), map[string]any{
		"due":    due,
		"reason": reason,
	})
}

func (a *arbitration) validateRuling(now time.Time, in RulingInput) error {
	if !a.isArbitrator(in.Actor.MemberID) {
		return process.ForbiddenCode("arbitration.ruling_arbitrator_only", "only the assigned arbitrator can record the ruling")
	}
	if a.st.Ruling != nil {
		return process.InvalidStateCode("arbitration.ruling_recorded", "a ruling has already been recorded; it cannot be changed")
	}
	if !a.hearingHeld(now) {
		return process.InvalidStateCode("arbitration.ruling_before_hearing", "the ruling can be recorded only after the hearing")
	}
	allowed := []string{workflows.RulingDecided, workflows.RulingDismissed}
	if a.in.AppealOf != nil {
		allowed = []string{workflows.RulingUphold, workflows.RulingOverturn, workflows.RulingModify, workflows.RulingDismissed}
	}
	if !slices.Contains(allowed, in.Outcome) {
		return process.InvalidFieldCode("outcome", "arbitration.ruling_outcome", "outcome must be one of "+strings.Join(allowed, ", "))
	}
	if err := process.CheckTextCode("text", "arbitration.ruling_text", canonicalText(in.Text), maxRulingBytes); err != nil {
		return err
	}
	for _, art := range in.Articles {
		if strings.TrimSpace(art) == "" || len(art) > maxShortBytes {
			return process.InvalidFieldCode("articles", "arbitration.ruling_articles", "articles must not be empty", "Limit", maxShortBytes)
		}
	}
	return nil
}

// ruling records the ruling, hashed into a public audit entry, and queues
// the signal that applies it to the decision under appeal.
func (a *arbitration) ruling(now time.Time, in RulingInput) {
	text := canonicalText(in.Text)
	r := &Ruling{
		Outcome:  in.Outcome,
		Text:     text,
		Articles: process.NonNil(slices.Clone(in.Articles)),
		Hash:     RulingTextHash(text),
		By:       in.Actor.MemberID,
		At:       now,
	}
	a.st.Ruling = r
	a.effects = append(a.effects, effect{audit: &workflows.AuditInput{
		Actor:    in.Actor.MemberID,
		Process:  processName,
		ObjectID: a.in.CaseID,
		Action:   "arbitration.ruling",
		Details: map[string]any{
			"outcome":   r.Outcome,
			"articles":  r.Articles,
			"text":      r.Text,
			"sha256":    r.Hash,
			"appeal_of": a.in.AppealOf,
		},
		Audience: "public",
		Members:  a.auditMembers(),
		IdemKey:  a.idemKey("ruling"),
	}})
	a.notify("ruling", "arbitration.ruling", a.recipients(true, true, true), map[string]any{"outcome": r.Outcome})
	if a.in.AppealOf != nil {
		a.effects = append(a.effects, effect{appeal: &workflows.AppealRuling{
			ArbitrationID: a.in.CaseID,
			Outcome:       r.Outcome,
			Text:          r.Text,
			Articles:      r.Articles,
		}})
	}
}

func (a *arbitration) validateOmbudsman(now time.Time, in OmbudsmanInput) error {
	if err := a.checkOpen(); err != nil {
		return err
	}
	if len(in.Outcome) > maxShortBytes {
		return process.InvalidInputCode("arbitration.ombudsman_outcome_too_long", fmt.Sprintf("outcome is longer than %d bytes", maxShortBytes),
			"Limit", maxShortBytes)
	}
	o := a.st.Ombudsman
	if o == nil {
		if !a.isParty(in.Actor.MemberID) {
			return process.ForbiddenCode("arbitration.ombudsman_party_only", "only a party can refer the case to the Ombudsman")
		}
		switch {
		case in.ReferredAt.IsZero():
			return process.InvalidFieldCode("referred_at", "arbitration.referred_at_required", "referred_at is required")
		case in.ReferredAt.After(now):
			return process.InvalidFieldCode("referred_at", "arbitration.referred_at_future", "referred_at is in the future")
		}
		return nil
	}
	if !a.isParty(in.Actor.MemberID) && !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("arbitration.ombudsman_outcome_forbidden", "only a party or staff can record the Ombudsman's outcome")
	}
	switch {
	case o.Outcome != "":
		return process.InvalidStateCode("arbitration.ombudsman_outcome_recorded", "the Ombudsman's outcome is already recorded")
	case strings.TrimSpace(in.Outcome) == "":
		return process.InvalidStateCode("arbitration.referral_recorded", "the referral is already recorded; only its outcome can be added")
	}
	return nil
}

// ombudsman records the referral, or its outcome. The case goes on: the
// Ombudsman route sits beside arbitration, not inside it.
func (a *arbitration) ombudsman(now time.Time, in OmbudsmanInput) {
	outcome := strings.TrimSpace(in.Outcome)
	data := map[string]any{}
	step, action := "ombudsman/outcome", "arbitration.ombudsman_outcome"
	if a.st.Ombudsman == nil {
		a.st.Ombudsman = &Ombudsman{ReferredAt: in.ReferredAt.UTC(), ReferredBy: in.Actor.MemberID}
		step, action = "ombudsman/referral", "arbitration.ombudsman_referral"
	}
	o := a.st.Ombudsman
	if outcome != "" {
		o.Outcome, o.OutcomeBy, o.OutcomeAt = outcome, in.Actor.MemberID, &now
		data["outcome"] = outcome
	}
	a.audit(in.Actor.MemberID, action, step, map[string]any{
		"referred_at": o.ReferredAt,
		"outcome":     o.Outcome,
	})
	a.notify(step, "arbitration.ombudsman", a.recipients(true, true, true), data)
}

// checkSubmissionBudget refuses a submission past the party member's cap
// or the case's bound (before version participantCapsSince: past the
// case's cap for all the parties together).
func (a *arbitration) checkSubmissionBudget(id string) error {
	if !a.participantCaps {
		if len(a.st.Submissions) >= maxSubmissions {
			return process.InvalidStateCode("arbitration.case_submissions_max", fmt.Sprintf("the case already holds the maximum of %d submissions", maxSubmissions),
				"Max", maxSubmissions)
		}
		return nil
	}
	mine := 0
	for _, s := range a.st.Submissions {
		if s.By == id {
			mine++
		}
	}
	switch {
	case mine >= maxSubmissionsPerParty:
		return process.InvalidStateCode("arbitration.party_submissions_max", fmt.Sprintf("you have made the maximum of %d submissions in this case", maxSubmissionsPerParty),
			"Max", maxSubmissionsPerParty)
	case len(a.st.Submissions) >= maxSubmissionsCase:
		return process.InvalidStateCode("arbitration.case_submissions_max", fmt.Sprintf("the case already holds the maximum of %d submissions", maxSubmissionsCase),
			"Max", maxSubmissionsCase)
	}
	return nil
}
