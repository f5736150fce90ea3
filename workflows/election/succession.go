package election

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

// This file holds the LACRALO rules of version "election-lacralo-succession"
// (e.v5): the elects' automatic succession (SPEC §3 "Terms and
// succession"), the sitting holders a distinct seat's count compares with
// (SPEC §3 "Distinctness"), the recommendation's email to the position it
// goes to and the must_fill_by alerts (SPEC §3 "NomCom").

const (
	holdersGate    = "holders/"
	decideGate     = "decide/"
	successionGate = "succession/"
)

// longActivity retries registry writes for as long as it takes: a
// succession or a position must not be lost to a database outage.
func longActivity(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: time.Hour},
	})
}

// termEnd is the end of a term of length d from start; nil for no length.
func termEnd(start time.Time, d workflows.Duration) *time.Time {
	if d <= 0 {
		return nil
	}
	end := start.Add(d.D())
	return &end
}

// successionGateFor names the gate a scheduled succession holds the main
// loop at when it falls due: Prepare carries it out.
func successionGateFor(s Succession) string {
	return successionGate + s.Seat + "/" + s.MemberID
}

// planSuccessions asks, for each elect of a seat that leads to another
// position, when the sitting holder's term ends, and schedules the
// succession then: a durable timer of the cycle.
func (e *election) planSuccessions(ctx workflow.Context) {
	e.successionsPlanned = true
	from := *e.st.PositionsAssignedAt
	if t := e.in.Calendar.TermStart; t != nil && t.After(from) {
		from = *t
	}
	for _, seat := range e.st.Seats {
		if seat.Succeeds == "" {
			continue
		}
		for _, id := range seat.Elected {
			in := PlanSuccessionInput{ElectionID: e.in.ElectionID, Seat: seat.Seat, Position: seat.Succeeds,
				From: from, ElectTermEnd: termEnd(from, seat.Term)}
			var res PlanSuccessionResult
			err := workflow.ExecuteActivity(longActivity(ctx), ActivityPlanSuccession, in).Get(ctx, &res)
			now := workflow.Now(ctx)
			s := Succession{Seat: seat.Seat, MemberID: id, From: seat.Position, To: seat.Succeeds, At: res.At, Basis: res.Basis,
				Status: SuccessionScheduled}
			switch {
			case err != nil:
				s.Status, s.Detail = SuccessionSkipped, "the succession could not be planned: "+err.Error()
			case !res.OK:
				s.Status, s.Detail = SuccessionSkipped, "the sitting "+seat.Succeeds+" has no term end on record and the seat no term: staff record the succession"
			}
			e.st.Successions = append(e.st.Successions, s)
			if s.Status == SuccessionSkipped {
				e.exception(seat.Seat, "succession_unplanned", s.Detail, now)
			}
			e.effects = append(e.effects, workflows.AuditInput{
				Actor: system, Process: processName, ObjectID: e.in.ElectionID, Action: "election.succession_scheduled",
				Details: s, Audience: "public", IdemKey: e.idemKey("succession_scheduled/" + seat.Seat + "/" + id),
			})
		}
	}
}

// succeed gives the elect the position at the sitting holder's term end,
// records it on the cycle, and emails the successor and the outgoing
// holders.
func (e *election) succeed(ctx workflow.Context, gate string) {
	e.checked[gate] = true
	i := slices.IndexFunc(e.st.Successions, func(s Succession) bool { return successionGateFor(s) == gate })
	if i < 0 || e.st.Successions[i].Status != SuccessionScheduled {
		return
	}
	s := &e.st.Successions[i]
	in := SucceedInput{ElectionID: e.in.ElectionID, Seat: s.Seat, MemberID: s.MemberID, From: s.From, To: s.To, At: s.At,
		Term: e.seat(s.Seat).SuccessionTerm}
	var res SucceedResult
	err := workflow.ExecuteActivity(longActivity(ctx), ActivitySucceed, in).Get(ctx, &res)
	now := workflow.Now(ctx)
	s.DoneAt = &now
	switch {
	case err != nil:
		s.Status, s.Detail = SuccessionSkipped, "the succession could not be recorded: "+err.Error()
	case res.Skipped != "":
		s.Status, s.Detail = SuccessionSkipped, res.Skipped
	default:
		s.Status, s.Outgoing = SuccessionDone, slices.Clone(res.Outgoing)
	}
	if s.Status == SuccessionSkipped {
		e.exception(s.Seat, "succession_skipped", s.Detail, now)
	}
	e.effects = append(e.effects, workflows.AuditInput{
		Actor: system, Process: processName, ObjectID: e.in.ElectionID, Action: "election.succession",
		Details: *s, Audience: "public", IdemKey: e.idemKey("succession/" + s.Seat + "/" + s.MemberID),
	})
	if s.Status != SuccessionDone {
		return
	}
	to := append([]string{s.MemberID}, s.Outgoing...)
	e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID,
		Step: "succession/" + s.Seat + "/" + s.MemberID, Event: EventSuccession, MemberIDs: to, Data: map[string]any{
			"election_id": e.in.ElectionID, "title": e.in.Title, "seat": s.Seat, "from": s.From, "position": s.To,
			"member_id": s.MemberID, "due": s.At,
		}, Names: map[string][]string{"member": {s.MemberID}}})
}

// successionsSettled says every succession has been carried out (or could
// not be); cycles before version 5 have none.
func (e *election) successionsSettled() bool {
	if !e.v5 {
		return true
	}
	if !e.successionsPlanned {
		return false
	}
	return !slices.ContainsFunc(e.st.Successions, func(s Succession) bool { return s.Status == SuccessionScheduled })
}

// successionDeadlines are the durable timers of the scheduled successions,
// each gated: the main loop carries it out (succeed) when it falls due.
func (e *election) successionDeadlines() []process.Deadline {
	var out []process.Deadline
	for _, s := range e.st.Successions {
		if s.Status == SuccessionScheduled {
			out = append(out, process.Deadline{At: s.At, Name: "succession " + s.Seat, Fire: func(time.Time) {}, Gate: successionGateFor(s)})
		}
	}
	return out
}

// succession is a seat's scheduled or done succession, for its result.
func (e *election) succession(seat string) *Succession {
	for _, s := range e.st.Successions {
		if s.Seat == seat {
			c := s
			c.Outgoing = slices.Clone(s.Outgoing)
			return &c
		}
	}
	return nil
}

// holdersGateFor names the gate that reads the sitting holders before a
// distinct seat's round closes.
func holdersGateFor(s SeatState) string {
	return holdersGate + s.Seat + "/" + strconv.Itoa(s.Round)
}

// gateSeat is the seat a decide or holders gate names.
func gateSeat(gate string) (string, bool) {
	for _, prefix := range []string{holdersGate, decideGate} {
		if rest, ok := strings.CutPrefix(gate, prefix); ok {
			seat, _, _ := strings.Cut(rest, "/")
			return seat, true
		}
	}
	return "", false
}

// loadSitting reads, before a distinct seat is decided or counted, the
// sitting holders of its group from the registry, so that acclamation and
// every count compare with the member who sits on as the registry stands
// then (one recorded after voting opened too). A failure leaves the ones
// read before, with an exception.
func (e *election) loadSitting(ctx workflow.Context, gate string) {
	e.checked[gate] = true
	seat, ok := gateSeat(gate)
	s := e.seat(seat)
	if !ok || s == nil || !s.Distinct {
		return
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var holders []Holder
	err := workflow.ExecuteActivity(actx, ActivitySittingHolders, SittingHoldersInput{State: e.Snapshot(), Seat: seat}).Get(ctx, &holders)
	if err != nil {
		e.logger.Error("sitting holders not read", "seat", seat, "error", err)
		e.exception(seat, "holders_failed", "the sitting holders could not be read: "+err.Error(), workflow.Now(ctx))
		return
	}
	e.sitting[seat] = holders
}

// distinctField gives a distinct seat's candidates' profiles and those
// they must differ from: the sitting holders read from the registry and
// the ones elected in this cycle to the seat's group.
func (e *election) distinctField(s *SeatState) (map[string]domain.Holder, []domain.Holder) {
	profiles := map[string]domain.Holder{}
	for _, n := range e.st.Nominations {
		if n.Seat == s.Seat {
			profiles[n.NomineeID] = domain.Holder{ALSID: n.ALSID, Nationality: n.Nationality}
		}
	}
	var sitting []domain.Holder
	for _, h := range e.sitting[s.Seat] {
		sitting = append(sitting, domain.Holder{MemberID: h.MemberID, ALSID: h.ALSID, Nationality: h.Nationality})
	}
	for _, other := range e.st.Seats {
		if !other.Distinct || other.Group != s.Group || (other.Seat != s.Seat && s.Group == "") {
			continue
		}
		for _, id := range other.Elected {
			for _, n := range e.st.Nominations {
				if n.Seat == other.Seat && n.NomineeID == id {
					sitting = append(sitting, domain.Holder{MemberID: id, ALSID: n.ALSID, Nationality: n.Nationality})
				}
			}
		}
	}
	return profiles, sitting
}

// acclaimDistinct applies the distinctness rule to an acclamation: a
// candidate who would clash with a sitting holder or one elected in the
// cycle is passed over; candidates who clash with one another are no
// consensus and go to the vote (vote true).
func (e *election) acclaimDistinct(s *SeatState, eligible []string) (elected []string, passed []domain.PassedOver, vote bool) {
	profiles, sitting := e.distinctField(s)
	all := func(string, string) bool { return true }
	elected, tied, passed := domain.ElectDistinct(eligible, all, s.Count, profiles, sitting)
	return elected, passed, len(tied) > 0
}

// rankedClash gives the reasons a ranked count's winner may not take a
// distinct seat: they clash with a sitting holder, one elected in the
// cycle, or one this count elected already.
func (e *election) rankedClash(s *SeatState, winner string) []string {
	profiles, sitting := e.distinctField(s)
	p := profiles[winner]
	p.MemberID = winner
	return domain.DistinctClash(p, sitting)
}

// notifyRecommended emails the holders of the position a recommended seat
// goes to (the ALAC chair) whom LACRALO recommends, at certification.
func (e *election) notifyRecommended() {
	if !e.v5 {
		return
	}
	for _, s := range e.st.Seats {
		if s.Outcome != OutcomeRecommended || s.RecommendTo == "" || len(s.Elected) == 0 {
			continue
		}
		e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID,
			Step: "recommended/" + s.Seat, Event: EventRecommended, MemberIDs: []string{},
			Audience: workflows.AudiencePosition(s.RecommendTo), Data: map[string]any{
				"election_id": e.in.ElectionID, "title": e.in.Title, "seat": s.Seat, "position": s.Position,
				"outcome": OutcomeRecommended, "recommended": strings.Join(s.Elected, ", "),
			}, Names: map[string][]string{"recommended": s.Elected}})
	}
}

// filled says a seat with a must_fill_by date is filled: its result
// is certified with someone elected (or recommended).
func (e *election) filled(s SeatState) bool {
	return e.st.CertifiedAt != nil && len(s.Elected) > 0
}

// plannedEnd is when a seat's calendar decides it at the latest: its
// vote's close, or, still open, the later of the decision and the vote's
// close.
func (e *election) plannedEnd(s SeatState) time.Time {
	switch {
	case s.Status == SeatStatusVoting && s.VotingCloses != nil:
		return *s.VotingCloses
	case s.Status == SeatStatusOpen:
		end := e.in.Calendar.VotingClose
		if at := e.decisionAt(s); at.After(end) {
			end = at
		}
		return end
	}
	return time.Time{}
}

// checkFillBy alerts staff, once per planned end, when a seat's calendar
// no longer fits before its must_fill_by date (SPEC §3 "NomCom").
func (e *election) checkFillBy(now time.Time) {
	if !e.v5 || e.st.CertifiedAt != nil {
		return
	}
	for _, s := range e.st.Seats {
		end := e.plannedEnd(s)
		if s.MustFillBy == nil || end.IsZero() || !domain.FillByLate(*s.MustFillBy, end) || e.lateAlerted[s.Seat].Equal(end) {
			continue
		}
		e.lateAlerted[s.Seat] = end
		by := s.MustFillBy.UTC()
		e.exception(s.Seat, "must_fill_by_late", "the calendar decides "+s.Seat+" at "+end.Format(time.RFC3339)+
			", not before its must_fill_by date "+by.Format(time.RFC3339), now)
		e.alertFillBy(s, "late/"+end.Format(time.RFC3339), map[string]any{"kind": "late", "planned_end": end})
	}
}

// fillByDeadlines are the daily alerts about a seat still not filled
// after its must_fill_by date, while the cycle runs.
func (e *election) fillByDeadlines() []process.Deadline {
	var out []process.Deadline
	if !e.v5 {
		return nil
	}
	for _, s := range e.st.Seats {
		if s.MustFillBy == nil || e.filled(s) {
			continue
		}
		seat, n := s.Seat, e.overdueAlerts[s.Seat]
		out = append(out, process.Deadline{At: domain.FillByOverdueAlert(*s.MustFillBy, n), Name: "must_fill_by " + seat,
			Fire: func(now time.Time) {
				// One alert however many days passed unseen (a cycle
				// started after the date): the next is a day on.
				s := e.seat(seat)
				e.overdueAlerts[seat] = int(now.Sub(*s.MustFillBy)/(24*time.Hour)) + 1
				if n == 0 {
					e.exception(seat, "must_fill_by_overdue", seat+" is not filled by its must_fill_by date "+
						s.MustFillBy.UTC().Format(time.RFC3339)+": staff are alerted daily", now)
				}
				e.alertFillBy(*s, "overdue/"+strconv.Itoa(n), map[string]any{"kind": "overdue", "days": n})
			}})
	}
	return out
}

func (e *election) alertFillBy(s SeatState, step string, data map[string]any) {
	data["election_id"], data["title"], data["seat"], data["due"] = e.in.ElectionID, e.in.Title, s.Seat, s.MustFillBy.UTC()
	e.notes = append(e.notes, workflows.NotifyInput{Process: processName, ObjectID: e.in.ElectionID,
		Step: "must_fill_by/" + s.Seat + "/" + step, Event: EventMustFillBy, MemberIDs: []string{},
		Audience: workflows.AudienceStaff, Data: data})
	e.audit(system, "election.must_fill_by", "must_fill_by/"+s.Seat+"/"+step, map[string]any{"seat": s.Seat, "alert": data["kind"]})
}
