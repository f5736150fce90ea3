package election

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

func (e *election) validateNominate(now time.Time, in NominateInput) error {
	s, err := e.memberSeat(in.Actor, in.Seat)
	if err != nil {
		return err
	}
	switch {
	case s.Status != SeatStatusOpen || !now.Before(s.NominationsUntil):
		return process.InvalidStateCode("election.nominations_closed", "nominations for "+in.Seat+" are closed", "Seat", in.Seat)
	case strings.TrimSpace(in.NomineeID) == "":
		return process.InvalidFieldCode("nominee_id", "election.nominee_required", "nominee_id is required")
	case len(in.Statement) > maxTextBytes:
		return process.InvalidFieldCode("statement", "election.statement.too_long", fmt.Sprintf("statement is longer than %d bytes", maxTextBytes),
			"Limit", maxTextBytes)
	}
	for _, n := range e.st.Nominations {
		if n.Seat == in.Seat && n.NomineeID == in.NomineeID {
			return process.InvalidStateCode("election.already_nominated", "this member is already nominated for "+in.Seat+" ("+n.ID+")",
				"Nominee", in.NomineeID, "Seat", in.Seat)
		}
	}
	return nil
}

func (e *election) nominate(now time.Time, in NominateInput) {
	e.nextNomination++
	n := Nomination{
		ID: "n" + strconv.Itoa(e.nextNomination), Seat: in.Seat, NomineeID: in.NomineeID, NominatedBy: in.Actor.MemberID,
		Statement: in.Statement, At: now, Eligible: in.Eligibility.Eligible, Reasons: process.NonNil(in.Eligibility.Reasons),
		ALSID: in.Eligibility.ALSID, Nationality: in.Eligibility.Nationality,
	}
	e.st.Nominations = append(e.st.Nominations, n)
	e.audit(in.Actor.MemberID, "election.nominated", "nominated/"+n.ID, map[string]any{
		"nomination_id": n.ID, "seat": n.Seat, "nominee_id": n.NomineeID,
	})
	if e.v2 {
		e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID, Step: "nominated/" + n.ID,
			Event: "election.nominated", MemberIDs: []string{n.NomineeID}, Data: map[string]any{
				"election_id": e.in.ElectionID, "title": e.in.Title, "seat": n.Seat, "due": e.acceptanceUntil(e.seat(n.Seat)),
			}})
	}
}

func (e *election) validateAccept(now time.Time, in AcceptInput) error {
	n := e.nomination(in.NominationID)
	if n == nil {
		return process.NotFound("no such nomination")
	}
	if in.Actor.MemberID != n.NomineeID {
		return process.ForbiddenCode("election.nominee_only", "only the nominee can accept a nomination")
	}
	s := e.seat(n.Seat)
	switch {
	case n.Accepted:
		return process.InvalidStateCode("election.already_accepted", "the nomination is already accepted")
	case s.Status != SeatStatusOpen || !now.Before(e.acceptanceUntil(s)):
		return process.InvalidStateCode("election.acceptance_closed", "acceptance for "+n.Seat+" is closed", "Seat", n.Seat)
	}
	return process.CheckTextCode("statement_of_interest", "election.statement_of_interest", in.StatementOfInterest, maxTextBytes)
}

func (e *election) accept(now time.Time, in AcceptInput) {
	n := e.nomination(in.NominationID)
	n.Accepted, n.AcceptedAt, n.StatementOfInterest = true, &now, in.StatementOfInterest
	n.Eligible, n.Reasons = in.Eligibility.Eligible, process.NonNil(in.Eligibility.Reasons)
	if in.Eligibility.ALSID != "" || in.Eligibility.Nationality != "" {
		n.ALSID, n.Nationality = in.Eligibility.ALSID, in.Eligibility.Nationality
	}
	e.audit(in.Actor.MemberID, "election.accepted", "accepted/"+n.ID, map[string]any{
		"nomination_id": n.ID, "seat": n.Seat, "eligible": n.Eligible, "reasons": n.Reasons,
	})
}

func (e *election) validateSetEligibility(_ time.Time, in SetEligibilityInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("election.staff_eligibility", "only staff record eligibility")
	}
	n := e.nomination(in.NominationID)
	if n == nil {
		return process.NotFound("no such nomination")
	}
	if e.decided[n.Seat] {
		return process.InvalidStateCode("election.candidates_settled", "the seat's candidates are settled", "Seat", n.Seat)
	}
	return nil
}

func (e *election) setEligibility(_ time.Time, in SetEligibilityInput) {
	n := e.nomination(in.NominationID)
	if n.Eligible == in.Eligible && slices.Equal(n.Reasons, in.Reasons) {
		return
	}
	n.Eligible, n.Reasons = in.Eligible, process.NonNil(slices.Clone(in.Reasons))
	e.eligibilityChanges++
	e.audit(in.Actor.MemberID, "election.eligibility", "eligibility/"+strconv.Itoa(e.eligibilityChanges),
		map[string]any{"nomination_id": n.ID, "eligible": n.Eligible, "reasons": n.Reasons})
}

func (e *election) validateObject(now time.Time, in ObjectInput) error {
	s, err := e.memberSeat(in.Actor, in.Seat)
	if err != nil {
		return err
	}
	switch {
	case e.decided[s.Seat] || !now.Before(e.decisionAt(*s)):
		return process.InvalidStateCode("election.objections_closed", "objections for "+in.Seat+" are closed", "Seat", in.Seat)
	}
	for _, o := range e.st.Objections {
		if o.Seat == in.Seat && o.By == in.Actor.MemberID {
			return process.InvalidStateCode("election.already_objected", "you have already objected for "+in.Seat, "Seat", in.Seat)
		}
	}
	return process.CheckTextCode("reason", "election.objection_reason", in.Reason, maxShortBytes)
}

func (e *election) object(now time.Time, in ObjectInput) {
	e.st.Objections = append(e.st.Objections, Objection{Seat: in.Seat, By: in.Actor.MemberID, Reason: in.Reason, At: now})
	e.audit(in.Actor.MemberID, "election.objection", "objection/"+in.Seat+"/"+in.Actor.MemberID, map[string]any{
		"seat": in.Seat, "reason": in.Reason,
	})
}

func (e *election) validateRegisterProxy(now time.Time, in RegisterProxyInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("election.staff_proxies", "only staff record proxies")
	}
	if !now.Before(e.in.Calendar.VotingOpen) || e.st.RollFrozen {
		return process.InvalidStateCode("election.proxy_after_open", "proxies are recorded before voting opens", "VotingOpen", e.in.Calendar.VotingOpen)
	}
	from, to := strings.TrimSpace(in.FromALSID), strings.TrimSpace(in.ToALSID)
	switch {
	case from == "" || to == "":
		return process.InvalidInputCode("election.proxy_required", "from_als_id and to_als_id are required")
	case from == to:
		return process.InvalidFieldCode("to_als_id", "election.proxy_self", "an ALS cannot hold its own proxy")
	}
	for _, p := range e.st.Proxies {
		switch {
		case p.FromALSID == from:
			return process.InvalidStateCode("election.proxy_already_given", "ALS "+from+" already gave its proxy to "+p.ToALSID, "From", from, "To", p.ToALSID)
		case p.ToALSID == to:
			return process.InvalidStateCode("election.proxy_already_held", "ALS "+to+" already holds a proxy; an ALS holds at most one", "To", to)
		case p.FromALSID == to:
			return process.InvalidStateCode("election.proxy_holder_gives", "ALS "+to+" gives its own vote and cannot hold a proxy", "To", to)
		case p.ToALSID == from:
			return process.InvalidStateCode("election.proxy_giver_holds", "ALS "+from+" holds a proxy and cannot give its own", "From", from)
		}
	}
	return nil
}

func (e *election) registerProxy(now time.Time, in RegisterProxyInput) {
	p := workflows.ElectionProxy{FromALSID: in.FromALSID, ToALSID: in.ToALSID, By: in.Actor.MemberID, At: now}
	e.st.Proxies = append(e.st.Proxies, p)
	e.audit(in.Actor.MemberID, "election.proxy", "proxy/"+p.FromALSID, map[string]any{"from_als_id": p.FromALSID, "to_als_id": p.ToALSID})
}

func (e *election) validateBallot(now time.Time, in BallotInput) error {
	s, err := e.memberSeat(in.Actor, in.Seat)
	if err != nil {
		return err
	}
	if s.Status != SeatStatusVoting || s.VotingOpens == nil || now.Before(*s.VotingOpens) || !e.st.RollFrozen ||
		!now.Before(*s.VotingCloses) {
		return process.InvalidStateCode("election.voting_not_open", "voting for "+in.Seat+" is not open", "Seat", in.Seat)
	}
	entry, ok := e.rollEntry(in.ALSID)
	if !ok {
		return process.ForbiddenCode("election.not_on_roll", "ALS "+in.ALSID+" is not on the electoral roll", "ALS", in.ALSID)
	}
	switch {
	case entry.ProxyFor != nil && *entry.ProxyFor != in.CastByALSID:
		return process.ForbiddenCode("election.votes_by_proxy", "ALS "+in.ALSID+" votes by proxy through "+*entry.ProxyFor,
			"ALS", in.ALSID, "Proxy", *entry.ProxyFor)
	case entry.ProxyFor == nil && in.CastByALSID != in.ALSID:
		return process.ForbiddenCode("election.own_als_only", "an ALS representative votes only for their own ALS or the ALS whose proxy it holds")
	}
	kinds := 0
	if in.Choice != "" {
		kinds++
	}
	if in.Abstain {
		kinds++
	}
	if len(in.Ranking) > 0 {
		kinds++
	}
	if kinds != 1 {
		return process.InvalidFieldCode("choice", "election.ballot_one_kind", "a ballot is exactly one of choice, abstain or ranking")
	}
	if left, ok := e.changesLeft(in.Seat, s.Round, in.ALSID); ok && left <= 0 && e.cast(in.Seat, s.Round, in.ALSID) > 0 {
		return process.InvalidStateCode("election.ballot_changes_used",
			fmt.Sprintf("ALS %s has replaced its ballot for %s the maximum of %d times in this round; its last ballot stands",
				in.ALSID, in.Seat, e.maxBallotChanges()),
			"ALS", in.ALSID, "Seat", in.Seat, "Max", e.maxBallotChanges())
	}
	switch {
	case s.Method == MethodPlurality && len(in.Ranking) > 0:
		return process.InvalidFieldCode("choice", "election.ballot_choice_only", "this seat takes a choice, not a ranking")
	case s.Method == MethodRanked && in.Choice != "":
		return process.InvalidFieldCode("choice", "election.ballot_ranking_only", "this seat takes a ranking, not a single choice")
	case in.Choice != "" && !slices.Contains(s.Candidates, in.Choice):
		return process.InvalidFieldCode("choice", "election.ballot_not_candidate", "choice: not a candidate of this ballot")
	}
	seen := map[string]bool{}
	for _, c := range in.Ranking {
		if !slices.Contains(s.Candidates, c) || seen[c] {
			return process.InvalidFieldCode("choice", "election.ballot_ranking_invalid", "ranking: each candidate at most once, and only candidates")
		}
		seen[c] = true
	}
	return nil
}

func (e *election) ballot(now time.Time, in BallotInput, receipt string) workflows.BallotReceipt {
	s := e.seat(in.Seat)
	e.ballots = append(e.ballots, castBallot{seat: in.Seat, round: s.Round, b: domain.Ballot{
		Receipt: receipt, ALSID: in.ALSID, Choice: in.Choice, Abstain: in.Abstain, Ranking: slices.Clone(in.Ranking), At: now,
	}})
	var left *int
	if n, ok := e.changesLeft(in.Seat, s.Round, in.ALSID); ok {
		left = &n
	}
	i := slices.IndexFunc(e.st.Voted, func(v workflows.Voted) bool { return v.Seat == in.Seat && v.Round == s.Round && v.ALSID == in.ALSID })
	if i >= 0 {
		e.st.Voted[i].At, e.st.Voted[i].ChangesLeft = now, left
	} else {
		e.st.Voted = append(e.st.Voted, workflows.Voted{Seat: in.Seat, Round: s.Round, ALSID: in.ALSID, At: now, ChangesLeft: left})
	}
	e.audit(in.Actor.MemberID, "election.ballot", "ballot/"+receipt, map[string]any{
		"seat": in.Seat, "round": s.Round, "als_id": in.ALSID, "receipt": receipt,
	})
	if e.receiptMail {
		// The receipt, never the choice: an email may be read by others.
		data := map[string]any{"election_id": e.in.ElectionID, "title": e.in.Title, "seat": in.Seat, "round": s.Round,
			"receipt": receipt, "als_id": in.ALSID, "path": "/elections/" + e.in.ElectionID + "/vote/" + in.Seat}
		if left != nil {
			data["changes_left"] = *left
		}
		if s.VotingCloses != nil {
			data["due"] = *s.VotingCloses
		}
		// The step names the email's workflow (notify/…/<step>), which is
		// not encrypted like payloads are: the ballot's ordinal, never
		// its receipt.
		e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID, Step: "ballot/" + strconv.Itoa(e.receiptsMailed()),
			Event: "election.ballot_receipt", MemberIDs: []string{in.Actor.MemberID}, Data: data})
	}
	return workflows.BallotReceipt{Receipt: receipt, Seat: in.Seat, Round: s.Round, ALSID: in.ALSID, At: now, ChangesLeft: process.Clone(left)}
}

// receiptsMailed numbers the ballot receipts emailed: one more than the
// ballots cast before this one (in this run and those it continued).
func (e *election) receiptsMailed() int {
	e.receiptMails++
	return e.receiptMails
}

// maxBallotChanges is the cycle's ballot budget.
func (e *election) maxBallotChanges() int {
	if n := e.in.Rules.MaxBallotChanges; n > 0 {
		return n
	}
	return DefaultMaxBallotChanges
}

// cast counts the ballots an ALS cast for a seat in a round.
func (e *election) cast(seat string, round int, als string) int {
	n := 0
	for _, b := range e.ballots {
		if b.seat == seat && b.round == round && b.b.ALSID == als {
			n++
		}
	}
	return n
}

// changesLeft is how many more times an ALS may replace its ballot for a
// seat in a round; ok is false in cycles started before the budget.
func (e *election) changesLeft(seat string, round int, als string) (left int, ok bool) {
	if !e.budget {
		return 0, false
	}
	changes := max(0, e.cast(seat, round, als)-1)
	return max(0, e.maxBallotChanges()-changes), true
}

func (e *election) validateCertify(_ time.Time, in CertifyInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("election.staff_certify", "only staff certify results")
	}
	switch {
	case e.st.CertifiedAt != nil:
		return process.InvalidStateCode("election.already_certified", "the results are already certified")
	case e.closedAt.IsZero():
		return process.InvalidStateCode("election.certify_before_close", "the results are certified after voting closes")
	}
	return nil
}

func (e *election) certify(now time.Time, in CertifyInput) {
	e.st.CertifiedAt, e.st.CertifiedBy = &now, in.Actor.MemberID
	e.st.Status = StatusCertified
	if e.v2 && e.in.Rules.ContestWindow > 0 {
		until := now.Add(e.in.Rules.ContestWindow.D())
		e.st.ContestUntil = &until
	}
	e.notifyAll("results", "election.results", time.Time{})
	e.notifyRecommended()
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: processName, ObjectID: e.in.ElectionID, Action: "election.certified",
		Details: e.resultsDoc(), Audience: "public", IdemKey: e.idemKey("certified"),
	})
}

func (e *election) validateExtend(now time.Time, in ExtendPhaseInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("election.staff_extend", "only staff extend a phase")
	}
	if !e.v2 {
		return process.InvalidStateCode("election.extend_unsupported", "this cycle started before phases could be extended")
	}
	cal := e.in.Calendar
	end := phaseEnd(&cal, in.Phase)
	if end == nil {
		return process.InvalidInputCode("election.extend_phase", "phase must be nominations, acceptance, objections or voting")
	}
	if err := process.CheckTextCode("reason", "election.extend_reason", in.Reason, maxShortBytes); err != nil {
		return err
	}
	switch {
	case !in.Until.After(*end):
		return process.InvalidFieldCode("until", "election.extend_not_later",
			"until must be later than the phase's end ("+end.Format(time.RFC3339)+"): a phase is never shortened", "End", *end)
	case !now.Before(*end):
		return process.InvalidStateCode("election.phase_ended", "the "+in.Phase+" phase has ended", "Phase", in.Phase)
	case e.st.CertifiedAt != nil || !e.closedAt.IsZero():
		return process.InvalidStateCode("election.voting_closed", "voting has closed")
	}
	if in.Phase == PhaseNominations && e.nominationsClosed {
		return process.InvalidStateCode("election.nominations_ended", "nominations have closed")
	}
	return nil
}

// extend moves the phase's end and every later date by the same amount,
// and the seats that follow the calendar with them.
func (e *election) extend(now time.Time, in ExtendPhaseInput) {
	cal := &e.in.Calendar
	old := *cal
	delta := in.Until.Sub(*phaseEnd(cal, in.Phase))
	dates := []*time.Time{&cal.NominationsClose, &cal.AcceptanceClose, &cal.ObjectionsClose, &cal.VotingOpen, &cal.VotingClose}
	from := map[string]int{PhaseNominations: 0, PhaseAcceptance: 1, PhaseObjections: 2, PhaseVoting: 4}[in.Phase]
	for _, d := range dates[from:] {
		if d == &cal.VotingOpen && !now.Before(*d) {
			continue // voting has opened: its start stays
		}
		*d = d.Add(delta)
	}
	if cal.TermStart != nil && cal.TermStart.Before(cal.VotingClose) {
		t := cal.TermStart.Add(delta)
		cal.TermStart = &t
	}
	for i := range e.st.Seats {
		s := &e.st.Seats[i]
		if !s.Reopened && s.NominationsUntil.Equal(old.NominationsClose) {
			s.NominationsUntil = cal.NominationsClose
		}
		if s.Status == SeatStatusVoting && s.VotingOpens != nil && s.VotingOpens.Equal(old.VotingOpen) {
			opens := cal.VotingOpen
			s.VotingOpens = &opens
		}
		if s.Status == SeatStatusVoting && s.VotingCloses != nil && s.VotingCloses.Equal(old.VotingClose) {
			closes := cal.VotingClose
			s.VotingCloses = &closes
		}
	}
	e.st.Calendar = *cal
	e.extensions++
	step := "phase_extended/" + strconv.Itoa(e.extensions)
	e.exception("", "phase_extended", fmt.Sprintf("%s extended until %s: %s", in.Phase, in.Until.UTC().Format(time.RFC3339), in.Reason), now)
	e.audit(in.Actor.MemberID, "election.phase_extended", step, map[string]any{
		"phase": in.Phase, "from": *phaseEnd(&old, in.Phase), "until": in.Until.UTC(), "reason": in.Reason, "calendar": *cal,
	})
	e.notifyExtended(step, in.Phase, in.Reason, in.Until.UTC())
}

func (e *election) validateRecheck(now time.Time, in RecheckInput) error {
	if err := e.checkMember(in.Actor); err != nil {
		return err
	}
	if !e.v2 {
		return process.InvalidStateCode("election.recheck_unsupported", "this cycle started before eligibility was rechecked by the workflow")
	}
	if e.votingOpened || !now.Before(e.in.Calendar.VotingOpen) {
		return process.InvalidStateCode("election.eligibility_settled", "eligibility is settled once voting opens")
	}
	if e.coalesce && e.recheckWanted {
		// At most one pending recheck: a burst of declarations asks for
		// one, and the refusals never enter the history.
		return process.InvalidStateCode("election.recheck_pending", ErrRecheckPending)
	}
	return nil
}

// ErrRecheckPending is the refusal of a recheck asked for while one is
// already pending; the service takes it as done.
const ErrRecheckPending = "a recheck of eligibility is already pending"

func (e *election) requestRecheck(time.Time, RecheckInput) { e.recheckWanted = true }

func (e *election) validateContest(now time.Time, in ContestInput) error {
	if !process.IsStaff(in.Actor.Roles) {
		return process.ForbiddenCode("election.contest_by_filing", "a contest is recorded when the arbitration is filed")
	}
	switch {
	case strings.TrimSpace(in.ArbitrationID) == "":
		return process.InvalidInputCode("election.contest_arbitration_required", "arbitration_id is required")
	case e.st.CertifiedAt == nil:
		return process.InvalidStateCode("election.contest_not_certified", "only a certified result can be contested")
	case e.st.ContestUntil == nil || !now.Before(*e.st.ContestUntil):
		return process.InvalidStateCode("election.contest_closed", "the window to contest this result has closed")
	case slices.ContainsFunc(e.st.Contests, func(c Contest) bool { return c.ArbitrationID == in.ArbitrationID }):
		return process.InvalidStateCode("election.contest_recorded", "this arbitration is already recorded")
	}
	return nil
}

func (e *election) contest(now time.Time, in ContestInput) {
	e.st.Contests = append(e.st.Contests, Contest{ArbitrationID: in.ArbitrationID, FiledAt: now})
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: in.Actor.MemberID, Process: processName, ObjectID: e.in.ElectionID, Action: "election.contested",
		Details: map[string]any{"arbitration_id": in.ArbitrationID}, Audience: "public",
		IdemKey: e.idemKey("contested/" + in.ArbitrationID),
	})
}

// ruled records an arbitration's ruling on the contested result. Applying
// an overturned result (a new vote, vacating a position) is for staff and
// the arbitrator's text: it is recorded as an exception for them.
func (e *election) ruled(now time.Time, r workflows.AppealRuling) {
	i := slices.IndexFunc(e.st.Contests, func(c Contest) bool { return c.ArbitrationID == r.ArbitrationID })
	if i < 0 {
		e.st.Contests = append(e.st.Contests, Contest{ArbitrationID: r.ArbitrationID, FiledAt: now})
		i = len(e.st.Contests) - 1
	}
	c := &e.st.Contests[i]
	if c.RuledAt != nil {
		return
	}
	c.Outcome, c.Articles, c.RuledAt = r.Outcome, process.NonNil(slices.Clone(r.Articles)), &now
	if r.Outcome == workflows.RulingOverturn || r.Outcome == workflows.RulingModify {
		e.exception("", "contest_"+r.Outcome, "arbitration "+r.ArbitrationID+" ruled "+r.Outcome+": staff apply the ruling", now)
	}
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: system, Process: processName, ObjectID: e.in.ElectionID, Action: "election.contest_ruled",
		Details:  map[string]any{"arbitration_id": r.ArbitrationID, "outcome": r.Outcome, "articles": c.Articles},
		Audience: "public", IdemKey: e.idemKey("contest_ruled/" + r.ArbitrationID),
	})
}
