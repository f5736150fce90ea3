package domain

import (
	"fmt"
	"slices"
	"time"
)

// Activity kinds: what an ALS's delegates did that counts as taking part.
// The seed agreement asks for clear participation indicators, so every
// recorded act falls under exactly one kind and one indicator.
const (
	// ActivityMonthlyCall is a delegate's attendance at a monthly assembly
	// call; MeetingID names the call. It is the only kind that breaks a run
	// of missed monthly calls.
	ActivityMonthlyCall = "monthly_call"
	// ActivityMeeting is attendance at any other meeting: coordination,
	// mentoring by the Council of Elders, a working group, the governance
	// committee. MeetingID names the meeting.
	ActivityMeeting = "meeting"
	// ActivityBallot is a ballot cast for the ALS in an election or vote.
	ActivityBallot = "ballot"
	// ActivityComment is a comment on a draft policy statement.
	ActivityComment = "comment"
	// ActivityDraft is a draft (or a revision of one) contributed as a
	// penholder.
	ActivityDraft = "draft"
	// ActivityMailingList is a message to one of LACRALO's mailing lists
	// (staff import them in bulk), one of LACRALO's two participation
	// criteria with attendance.
	ActivityMailingList = "mailing_list"
	// ActivityOther is any other recorded participation.
	ActivityOther = "other"
)

// Activity is one act of participation by a delegate, counted for the ALS
// the delegate represents (attendance is recorded per member but the
// inactivity rule and the indicators are per ALS).
type Activity struct {
	ALSID string
	// Kind is one of the Activity* constants.
	Kind string
	// At is when the act happened; for attendance, when the meeting was held.
	At time.Time
	// MeetingID names the meeting attended, for ActivityMonthlyCall and
	// ActivityMeeting; it is what ties attendance to a call.
	MeetingID string
}

// MonthlyCall is one monthly assembly call that was (or will be) held; the
// inactivity rule counts the ones an ALS missed.
type MonthlyCall struct {
	MeetingID string
	At        time.Time
}

// Period is the half-open span [From, To), so that consecutive periods
// (months, years) tile time without counting an act twice or dropping one.
type Period struct {
	From, To time.Time
}

// Contains reports whether t falls within [From, To).
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

// Indicator is an ALS's participation over a period, the numbers the seed
// agreement wants published so that participation is measured, not argued.
type Indicator struct {
	ALSID string
	// MeetingsAttended counts distinct meetings (monthly calls and others)
	// at least one delegate attended.
	MeetingsAttended int
	BallotsCast      int
	Comments         int
	Drafts           int
	// MailingList counts messages to the mailing lists (one per member,
	// list and day).
	MailingList int
	// Other counts ActivityOther and any kind this version does not know,
	// so that no recorded participation silently disappears from the totals.
	Other int
}

// Indicators counts alsID's participation in period from acts, which may
// hold every ALS's activities. A meeting counts once for the ALS however
// many of its delegates attended it, since it is the ALS's presence that is
// measured; an attendance with no MeetingID cannot be matched to others and
// counts on its own.
func Indicators(alsID string, period Period, acts []Activity) Indicator {
	ind := Indicator{ALSID: alsID}
	meetings := map[string]bool{}
	for _, a := range acts {
		if a.ALSID != alsID || !period.Contains(a.At) {
			continue
		}
		switch a.Kind {
		case ActivityMonthlyCall, ActivityMeeting:
			if a.MeetingID == "" {
				ind.MeetingsAttended++
			} else if !meetings[a.MeetingID] {
				meetings[a.MeetingID] = true
				ind.MeetingsAttended++
			}
		case ActivityBallot:
			ind.BallotsCast++
		case ActivityComment:
			ind.Comments++
		case ActivityDraft:
			ind.Drafts++
		case ActivityMailingList:
			ind.MailingList++
		default:
			ind.Other++
		}
	}
	return ind
}

// VotingStatus is where an ALS stands under the inactivity rule.
type VotingStatus string

// Voting statuses, in the order the inactivity rule moves an ALS through
// them. The seed agreement asked for encouragement before sanctions, hence
// the warned step, and for staff (not the code) to decide on accreditation,
// hence review.
const (
	// VotingActive is the normal state: the ALS votes and counts toward
	// quorum. The zero VotingStatus means the same: an ALS with no record
	// yet has not had the chance to be inactive.
	VotingActive VotingStatus = "active"
	// VotingWarned means the ALS meets the inactivity condition and has been
	// encouraged to take part again; it still votes.
	VotingWarned VotingStatus = "warned"
	// VotingInactive means the ALS stayed silent after the warning: it has
	// lost its vote and left the quorum until it participates again.
	VotingInactive VotingStatus = "inactive"
	// VotingReview means the ALS did not come back in time and staff are
	// asked to review its accreditation; only staff move it out of review.
	VotingReview VotingStatus = "review"
)

// VotingALS reports whether an ALS in status votes and counts toward quorum.
// A warned ALS still votes, because the warning is encouragement, not a
// sanction. An unknown status does not vote: a vote must never be granted
// by a corrupt or future value.
func VotingALS(status VotingStatus) bool {
	switch status {
	case VotingActive, VotingWarned, "":
		return true
	default:
		return false
	}
}

// Params are the inactivity rule's policy values (participation.* in the
// policy): MissedCalls (missed_calls) consecutive monthly calls missed and
// no participation over Period (period) make an ALS meet the inactivity
// condition; WarningBefore (warning_before) is how long a warned ALS has
// before it becomes inactive; RestoreWithin (restore_within) is how long an
// inactive ALS has to resume participation before its accreditation is
// reviewed. The policy loader guarantees they are positive.
//
// CalendarYear (participation.period: calendar_year, LACRALO's rule) counts
// the period by calendar year instead: participation in the last complete
// calendar year (UTC) or in the current one so far keeps an ALS active, so
// an ALS silent for a whole year meets the condition from the 1st of
// January after it; Period is then unused.
type Params struct {
	MissedCalls   int
	Period        time.Duration
	CalendarYear  bool
	WarningBefore time.Duration
	RestoreWithin time.Duration
}

// ParticipationWindow is the span before now in which any activity keeps
// an ALS out of the inactivity condition: [now-Period, now), or with
// CalendarYear [1 January of the previous year, now).
func (p Params) ParticipationWindow(now time.Time) Period {
	if p.CalendarYear {
		u := now.UTC()
		return Period{From: time.Date(u.Year()-1, time.January, 1, 0, 0, 0, 0, time.UTC), To: now}
	}
	return Period{From: now.Add(-p.Period), To: now}
}

// ALSParticipation is an ALS's standing under the inactivity rule, the
// state Evaluate moves forward. Since is when Status was entered. WarnedAt
// and InactiveAt date the current episode (they are cleared when the ALS
// returns to active, and kept in review so staff see how it got there).
type ALSParticipation struct {
	Status     VotingStatus
	Since      time.Time
	WarnedAt   *time.Time
	InactiveAt *time.Time
}

// Transition is one change of voting status, with a sentence for the audit
// log and the notification saying why.
type Transition struct {
	From, To VotingStatus
	At       time.Time
	Reason   string
}

// Evaluate applies LACRALO's inactivity rule at now to an ALS whose
// standing was prev, given the monthly calls held so far and the ALS's own
// activities (acts must already be filtered to the ALS: the state carries no
// ID to filter by). It returns the new standing and the transitions that
// led there, oldest first; none means nothing changed.
//
// The inactivity condition holds at now when both:
//   - the ALS missed the p.MissedCalls most recent monthly calls held before
//     now (a call is attended when an ActivityMonthlyCall names it), and
//   - it has no activity of any kind in [now-p.Period, now), or with
//     p.CalendarYear since 1 January of the previous year
//     ([Params.ParticipationWindow]).
//
// Fewer calls held than p.MissedCalls never meets it: an ALS cannot be
// blamed for calls that did not take place.
//
// The rule, by status:
//   - active: when the condition holds, the ALS is warned (WarnedAt = now).
//   - warned: any activity in [WarnedAt, now) returns it to active, since
//     the encouragement worked; so does the condition no longer holding
//     (participation recorded late); otherwise, once now reaches
//     WarnedAt+p.WarningBefore, it becomes inactive (InactiveAt = now).
//   - inactive: any activity in [InactiveAt, InactiveAt+p.RestoreWithin)
//     returns it to active, restoring its vote; otherwise, once now reaches
//     InactiveAt+p.RestoreWithin, it goes to review.
//   - review: unchanged; only staff, outside this function, end a review.
//
// Only what happened before now counts, and every transition takes effect
// at now, never earlier: a status is never changed retroactively, so votes
// and quorums already counted stay valid. Workflows call Evaluate when a
// call ends, when participation is recorded and when a deadline timer
// fires, so now is the moment the rule applies. After one transition the
// rule is applied again, so that a late evaluation ends in the state the
// facts call for (a restored ALS silent for a year again is warned again);
// this ends because every window that starts at now is empty.
//
// The zero ALSParticipation is an active ALS; an unknown status is
// returned unchanged, since guessing could take a vote away.
func Evaluate(now time.Time, p Params, prev ALSParticipation, calls []MonthlyCall, acts []Activity) (ALSParticipation, []Transition) {
	cur := prev
	if cur.Status == "" {
		cur.Status = VotingActive
	}
	var transitions []Transition
	for {
		next, reason, changed := participationStep(now, p, cur, calls, acts)
		if !changed {
			return cur, transitions
		}
		transitions = append(transitions, Transition{From: cur.Status, To: next.Status, At: now, Reason: reason})
		cur = next
	}
}

// participationStep applies one transition of the rule, if one is due.
func participationStep(now time.Time, p Params, cur ALSParticipation, calls []MonthlyCall, acts []Activity) (ALSParticipation, string, bool) {
	switch cur.Status {
	case VotingActive:
		missed, inactive := inactivityCondition(now, p, calls, acts)
		if !inactive {
			return cur, "", false
		}
		at := now
		return ALSParticipation{Status: VotingWarned, Since: now, WarnedAt: &at},
			fmt.Sprintf("missed the last %d monthly calls and no participation since %s; warned to take part again before %s",
				missed, participationStamp(p.ParticipationWindow(now).From), participationStamp(now.Add(p.WarningBefore))), true

	case VotingWarned:
		warnedAt := cur.Since
		if cur.WarnedAt != nil {
			warnedAt = *cur.WarnedAt
		}
		if a, ok := firstActivity(acts, Period{From: warnedAt, To: now}); ok {
			return restoredParticipation(now), fmt.Sprintf("took part (%s) on %s after the warning of %s", a.Kind, participationStamp(a.At), participationStamp(warnedAt)), true
		}
		if _, inactive := inactivityCondition(now, p, calls, acts); !inactive {
			return restoredParticipation(now), "participation recorded since the warning means the inactivity condition no longer holds", true
		}
		deadline := warnedAt.Add(p.WarningBefore)
		if now.Before(deadline) {
			return cur, "", false
		}
		at := now
		next := cur
		next.Status, next.Since, next.WarnedAt, next.InactiveAt = VotingInactive, now, &warnedAt, &at
		return next, fmt.Sprintf("no participation between the warning of %s and %s: vote suspended and out of the quorum; taking part before %s restores both",
			participationStamp(warnedAt), participationStamp(deadline), participationStamp(now.Add(p.RestoreWithin))), true

	case VotingInactive:
		inactiveAt := cur.Since
		if cur.InactiveAt != nil {
			inactiveAt = *cur.InactiveAt
		}
		deadline := inactiveAt.Add(p.RestoreWithin)
		window := Period{From: inactiveAt, To: deadline}
		if now.Before(window.To) {
			window.To = now
		}
		if a, ok := firstActivity(acts, window); ok {
			return restoredParticipation(now), fmt.Sprintf("took part (%s) on %s, before the restoration deadline of %s: vote and quorum restored",
				a.Kind, participationStamp(a.At), participationStamp(deadline)), true
		}
		if now.Before(deadline) {
			return cur, "", false
		}
		next := cur
		next.Status, next.Since, next.InactiveAt = VotingReview, now, &inactiveAt
		return next, fmt.Sprintf("no participation between becoming inactive on %s and %s: staff to review its accreditation",
			participationStamp(inactiveAt), participationStamp(deadline)), true

	default:
		return cur, "", false
	}
}

// restoredParticipation is the standing of an ALS that came back: a fresh episode, so the
// dates of the last one no longer apply.
func restoredParticipation(now time.Time) ALSParticipation {
	return ALSParticipation{Status: VotingActive, Since: now}
}

// inactivityCondition reports how many of the most recent monthly calls
// before now the ALS missed in a row, and whether that, together with no
// activity in [Params.ParticipationWindow], makes it meet the inactivity
// condition.
func inactivityCondition(now time.Time, p Params, calls []MonthlyCall, acts []Activity) (missed int, inactive bool) {
	missed = consecutiveMissedCalls(now, calls, acts)
	if missed < p.MissedCalls {
		return missed, false
	}
	_, active := firstActivity(acts, p.ParticipationWindow(now))
	return missed, !active
}

// consecutiveMissedCalls counts the calls held before now, most recent
// first, until one the ALS attended. A call listed twice counts once, so a
// duplicate in the schedule cannot make an ALS look more absent than it was.
func consecutiveMissedCalls(now time.Time, calls []MonthlyCall, acts []Activity) int {
	attended := map[string]bool{}
	for _, a := range acts {
		if a.Kind == ActivityMonthlyCall && a.MeetingID != "" && a.At.Before(now) {
			attended[a.MeetingID] = true
		}
	}
	var held []MonthlyCall
	for _, c := range calls {
		if c.At.Before(now) {
			held = append(held, c)
		}
	}
	slices.SortStableFunc(held, func(a, b MonthlyCall) int { return b.At.Compare(a.At) })
	seen := map[string]bool{}
	missed := 0
	for _, c := range held {
		if seen[c.MeetingID] {
			continue
		}
		seen[c.MeetingID] = true
		if attended[c.MeetingID] {
			break
		}
		missed++
	}
	return missed
}

// firstActivity returns the earliest activity in window, so reasons name the
// act that counted, independently of the order acts were given in.
func firstActivity(acts []Activity, window Period) (Activity, bool) {
	var first Activity
	found := false
	for _, a := range acts {
		if window.Contains(a.At) && (!found || a.At.Before(first.At)) {
			first, found = a, true
		}
	}
	return first, found
}

// participationStamp formats t in UTC, so reasons read the same whatever zone the
// caller's clock is in.
func participationStamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
