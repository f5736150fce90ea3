package web

import (
	"cmp"
	"encoding/csv"
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// Election pages: the list, the staff's form to start a cycle, one cycle
// with a form per transition the reader may make now, the ALS
// representative's ballot booth and the results. Each handler binds the
// form, calls the service (which checks role and object) and renders; a
// refusal is shown on the page it came from, with the input kept.
func (w *Web) electionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /elections", w.elections)
	mux.HandleFunc("GET /elections/new", w.electionNew)
	mux.HandleFunc("POST /elections", w.electionCreate)
	mux.HandleFunc("GET /elections/{id}", w.electionDetail)
	mux.HandleFunc("POST /elections/{id}/nominations", w.electionNominate)
	mux.HandleFunc("POST /elections/{id}/nominations/{nid}/accept", w.electionAccept)
	mux.HandleFunc("POST /elections/{id}/objections", w.electionObject)
	mux.HandleFunc("POST /elections/{id}/proxies", w.electionProxy)
	mux.HandleFunc("POST /elections/{id}/extend", w.electionExtend)
	mux.HandleFunc("POST /elections/{id}/eligibility", w.electionRecheck)
	mux.HandleFunc("POST /elections/{id}/certify", w.electionCertify)
	mux.HandleFunc("GET /elections/{id}/vote/{seat}", w.booth)
	mux.HandleFunc("POST /elections/{id}/vote/{seat}", w.boothPost)
	mux.HandleFunc("GET /elections/{id}/vote/{seat}/receipt", w.boothReceipt)
	mux.HandleFunc("GET /elections/{id}/results", w.electionResults)
	mux.HandleFunc("GET /elections/{id}/results.csv", w.electionResultsCSV)
}

// Reason is an eligibility reason ("code: sentence") in the reader's
// language: the code's message, else the sentence as the service wrote it.
func (p *page) Reason(reason string) string {
	code, sentence, _ := strings.Cut(reason, ": ")
	if msg := p.T("reason." + code); msg != "reason."+code {
		return msg
	}
	return cmpOr(sentence, reason)
}

// Maybe is a message of a family the service may extend (an exception
// kind): the message, else the value as the service wrote it.
func (p *page) Maybe(id, fallback string) string {
	if msg := p.T(id); msg != id {
		return msg
	}
	return fallback
}

// Num writes a figure as the reader's language does (decimal comma in
// es, pt and fr), with at most four decimals.
func (p *page) Num(f float64) string { return formatNum(f, p.v.lang) }

func formatNum(f float64, lang string) string {
	s := strconv.FormatFloat(f, 'f', 4, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Exact is a figure as the results document holds it, for the page's
// data attributes (the test compares them with the JSON).
func (p *page) Exact(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func cmpOr(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// dateInput is the value of a datetime-local input in the reader's zone.
func (p *page) DateInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.v.zone).Format("2006-01-02T15:04")
}

// parseLocal reads a datetime-local field in the reader's zone; nil when
// empty, ok false when it is not a date.
func parseLocal(v *viewer, s string) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, v.zone); err == nil {
			return &t, true
		}
	}
	return nil, false
}

// refusal renders a refused transition on the page it came from: field
// messages beside the form, or the reason for a refusal of the action; the
// input is kept. ok is false when err was not a refusal (already answered).
func (w *Web) refusal(r *http.Request, err error, p *page) bool {
	if fields, ok := w.fieldErrors(r, err); ok {
		p.Status, p.Errors, p.Form = http.StatusUnprocessableEntity, fields, formValues(r)
		return true
	}
	e := service.AsError(err)
	switch e.Kind {
	case service.KindInvalid:
		// Field errors from the registry (the store's), as the service
		// passes them on.
		v := viewerOf(r)
		p.Status, p.Form, p.Errors = http.StatusUnprocessableEntity, formValues(r), map[string]string{}
		for f, msg := range e.Fields {
			p.Errors[f] = v.t("form.invalid", -1, "Detail", msg)
		}
		if len(p.Errors) == 0 {
			p.Errors["_"] = v.t("form.invalid", -1, "Detail", refusalDetail(v, e))
		}
		return true
	case service.KindForbidden, service.KindConflict:
		p.Status, p.Form = e.Kind.Status(), formValues(r)
		p.Errors = map[string]string{"_": viewerOf(r).t("elections.refused."+strconv.Itoa(e.Kind.Status()), -1, "Detail", refusalDetail(viewerOf(r), e))}
		return true
	}
	return false
}

// explainFields puts, beside each refused field of a form whose messages
// the catalogue has under family (family + "." + field), that message in
// the reader's language instead of the service's English sentence. The
// rules stay in the service; the page only says what the field expects.
func explainFields(r *http.Request, p *page, family string) {
	v := viewerOf(r)
	for f := range p.Errors {
		id := family + "." + f
		if msg := v.t(id, -1); msg != id {
			p.Errors[f] = v.t("form.invalid", -1, "Detail", msg)
		}
	}
}

// electionList is the list page's data.
type electionList struct {
	Cases []store.Case
	Staff bool
}

func (w *Web) elections(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	cs, err := w.svc.ListElections(r.Context(), a, 200)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "election_list", &page{Data: electionList{Cases: cs, Staff: a.IsStaff()}})
}

// electionNewView is the staff's form to start a cycle.
type electionNewView struct {
	Year   int
	Seats  []service.SeatChoice
	Window string
	Zone   string
}

func (w *Web) newElectionData() electionNewView {
	year := time.Now().Year()
	return electionNewView{Year: year, Seats: w.svc.ElectionSeatChoices(year),
		Window: w.svc.Policy().Election.ObjectionWindow.String()}
}

func (w *Web) electionNew(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	if !a.IsStaff() {
		w.fail(rw, r, http.StatusForbidden)
		return
	}
	data := w.newElectionData()
	form := map[string]string{}
	for _, s := range data.Seats {
		if s.Due {
			form["seat."+s.Seat] = "on"
		}
	}
	w.render(rw, r, "election_new", &page{Data: data, Form: form})
}

var calendarFields = []string{"nominations_close", "acceptance_close", "objections_close", "voting_open", "voting_close", "term_start"}

func (w *Web) electionCreate(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	v := viewerOf(r)
	req := service.ElectionRequest{Title: r.PostForm.Get("title")}
	for _, s := range w.svc.ElectionSeatChoices(time.Now().Year()) {
		if r.PostForm.Get("seat."+s.Seat) == "on" {
			req.Seats = append(req.Seats, election.SeatSpec{Seat: s.Seat})
		}
	}
	bad := map[string]string{}
	dates := map[string]**time.Time{"nominations_close": &req.Calendar.NominationsClose, "acceptance_close": &req.Calendar.AcceptanceClose,
		"objections_close": &req.Calendar.ObjectionsClose, "voting_open": &req.Calendar.VotingOpen,
		"voting_close": &req.Calendar.VotingClose, "term_start": &req.Calendar.TermStart}
	for _, f := range calendarFields {
		t, ok := parseLocal(v, r.PostForm.Get(f))
		if !ok {
			bad["calendar."+f] = v.t("elections.bad_date", -1)
		}
		*dates[f] = t
	}
	p := &page{Data: w.newElectionData()}
	if len(bad) > 0 {
		p.Status, p.Errors, p.Form = http.StatusUnprocessableEntity, bad, formValues(r)
		w.render(rw, r, "election_new", p)
		return
	}
	el, err := w.svc.CreateElection(r.Context(), a, req)
	if err != nil {
		if !w.refusal(r, err, p) {
			w.failErr(rw, r, err)
			return
		}
		w.render(rw, r, "election_new", p)
		return
	}
	seeOther(rw, r, "/elections/"+el.ID+"?started")
}

// seatView is one seat on the cycle's page.
type seatView struct {
	election.SeatState
	Nominations []election.Nomination
	// Voted are the ALSes with a ballot in the seat's current round.
	Voted []workflows.Voted
	// Open says the seat's vote is open now.
	Open bool
}

// electionView is one cycle's page.
type electionView struct {
	service.ElectionView
	Seats   []seatView
	Names   map[string]string
	ALS     map[string]string
	Me      *service.Actor
	Staff   bool
	Rep     bool
	Phases  []string
	Started bool
	// Mine are the reader's nominations still to accept.
	Mine []election.Nomination
	// RollALS is the accredited ALSes for the proxy form.
	ALSes []store.ALS
	// Nominees are the members the nomination form offers (those whose
	// name or ALS matches NomineeQuery); NomineesMore: the list was cut.
	Nominees     []service.NomineeChoice
	NomineesMore bool
	NomineeQuery string
}

// nomineeLimit is how many members the nomination form lists at once;
// a search narrows a longer list.
const nomineeLimit = 300

// diversityBlock is one half of the diversity report with its heading.
type diversityBlock struct {
	Label string
	R     domain.DiversityReport
}

// DiversityBlocks are the slate's and the elected's diversity reports.
func (e electionView) DiversityBlocks() []diversityBlock {
	return []diversityBlock{{"elections.slate", e.Diversity.Slate}, {"results.elected", e.Diversity.Elected}}
}

// Name is a member's name, else the ID.
func (e electionView) Name(id string) string { return cmpOr(e.Names[id], id) }

// ALSName is an ALS's name, else the ID.
func (e electionView) ALSName(id string) string { return cmpOr(e.ALS[id], id) }

func (w *Web) electionData(r *http.Request, a *service.Actor, id string) (electionView, error) {
	ev, err := w.svc.GetElection(r.Context(), a, id)
	if err != nil {
		return electionView{}, err
	}
	ids := []string{}
	for _, n := range ev.Nominations {
		ids = append(ids, n.NomineeID, n.NominatedBy)
	}
	for _, s := range ev.State.Seats {
		ids = append(ids, s.Candidates...)
		ids = append(ids, s.Elected...)
	}
	names, als, err := w.svc.ElectionNames(r.Context(), ids)
	if err != nil {
		return electionView{}, err
	}
	out := electionView{ElectionView: ev, Names: names, ALS: als, Me: a, Staff: a.IsStaff(),
		Rep: a.Has(store.RoleALSRep) && a.ALSID != nil, Phases: service.ElectionPhases, Started: r.URL.Query().Has("started")}
	now := time.Now()
	for _, s := range ev.State.Seats {
		sv := seatView{SeatState: s}
		for _, n := range ev.Nominations {
			if n.Seat == s.Seat {
				sv.Nominations = append(sv.Nominations, n)
			}
		}
		for _, v := range ev.Voted {
			if v.Seat == s.Seat && v.Round == s.Round {
				sv.Voted = append(sv.Voted, v)
			}
		}
		sv.Open = s.Status == election.SeatStatusVoting && ev.RollFrozen && s.VotingOpens != nil && !now.Before(*s.VotingOpens) &&
			s.VotingCloses != nil && now.Before(*s.VotingCloses)
		out.Seats = append(out.Seats, sv)
	}
	for _, n := range ev.Nominations {
		if n.NomineeID == a.ID && !n.Accepted {
			out.Mine = append(out.Mine, n)
		}
	}
	if ev.Status == election.StatusNominations {
		out.NomineeQuery = strings.TrimSpace(r.URL.Query().Get("nominee_q"))
		if out.Nominees, out.NomineesMore, err = w.svc.NomineeChoices(r.Context(), out.NomineeQuery, nomineeLimit); err != nil {
			return electionView{}, err
		}
	}
	if out.Staff && (ev.Status == election.StatusNominations || ev.Status == election.StatusObjections) {
		if out.ALSes, err = w.svc.ListALS(r.Context(), store.ALSFilter{Status: store.ALSAccredited}); err != nil {
			return electionView{}, err
		}
	}
	return out, nil
}

func (w *Web) electionDetail(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderElection(rw, r, a, &page{})
}

func (w *Web) renderElection(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	data, err := w.electionData(r, a, r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	p.Data = data
	w.render(rw, r, "election_detail", p)
}

// electionAct runs one transition from the cycle's page: 303 back to it
// on success, the page with the refusal otherwise.
func (w *Web) electionAct(rw http.ResponseWriter, r *http.Request, act func(a *service.Actor, id string) error) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	err := act(a, id)
	if err == nil {
		seeOther(rw, r, "/elections/"+id)
		return
	}
	data, derr := w.electionData(r, a, id)
	if derr != nil {
		w.failErr(rw, r, derr)
		return
	}
	p := &page{Data: data}
	if !w.refusal(r, electionRefusal(viewerOf(r), err, data.Names, data.ALS), p) {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "election_detail", p)
}

// electionRefusal is a refusal whose message names its values as the
// election pages show them: a seat and a phase by their names in the
// reader's language, an ALS and a nominee by name rather than ID (names
// and als map IDs to names; an unknown ID stays as it is).
func electionRefusal(v *viewer, err error, names, als map[string]string) error {
	var e *service.Error
	if !errors.As(err, &e) || len(e.Args) == 0 {
		return err
	}
	out, p := *e, &page{v: v}
	out.Args = make(map[string]any, len(e.Args))
	for k, val := range e.Args {
		s, _ := val.(string)
		switch k {
		case "Seat":
			val = p.Maybe("seat."+s, s)
		case "Phase":
			val = p.Maybe("phase."+s, s)
		case "ALS", "From", "To", "Proxy":
			val = cmpOr(als[s], s)
		case "Nominee":
			val = cmpOr(names[s], s)
		}
		out.Args[k] = val
	}
	return &out
}

func (w *Web) electionNominate(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		nominee := strings.TrimSpace(r.PostForm.Get("nominee_id"))
		if nominee == "" && r.PostForm.Get("self") == "on" {
			nominee = a.ID
		}
		_, err := w.svc.Nominate(r.Context(), a, id, service.NominationRequest{Seat: r.PostForm.Get("seat"),
			NomineeID: nominee, Statement: r.PostForm.Get("statement")})
		return err
	})
}

func (w *Web) electionAccept(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		_, err := w.svc.AcceptNomination(r.Context(), a, id, r.PathValue("nid"),
			service.AcceptNominationRequest{StatementOfInterest: r.PostForm.Get("statement_of_interest")})
		return err
	})
}

func (w *Web) electionObject(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		_, err := w.svc.ObjectToAcclamation(r.Context(), a, id, service.ElectionObjectionRequest{Seat: r.PostForm.Get("seat"),
			Reason: r.PostForm.Get("reason")})
		return err
	})
}

func (w *Web) electionProxy(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		_, err := w.svc.RegisterProxy(r.Context(), a, id, service.ElectionProxyRequest{FromALSID: r.PostForm.Get("from_als_id"),
			ToALSID: r.PostForm.Get("to_als_id")})
		return err
	})
}

func (w *Web) electionExtend(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		v := viewerOf(r)
		until, ok := parseLocal(v, r.PostForm.Get("until"))
		if !ok || until == nil {
			return service.Invalid(map[string]string{"until": v.t("elections.bad_date", -1)})
		}
		_, err := w.svc.ExtendElection(r.Context(), a, id, service.ExtendElectionRequest{Phase: r.PostForm.Get("phase"),
			Until: *until, Reason: r.PostForm.Get("reason")})
		return err
	})
}

func (w *Web) electionRecheck(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		_, err := w.svc.RecheckEligibility(r.Context(), a, id)
		return err
	})
}

func (w *Web) electionCertify(rw http.ResponseWriter, r *http.Request) {
	w.electionAct(rw, r, func(a *service.Actor, id string) error {
		_, err := w.svc.CertifyElection(r.Context(), a, id)
		return err
	})
}

// boothView is the ballot booth: one seat, the ALS the ballot is for and
// its weight, the candidates with their statements, who has voted.
type boothView struct {
	ID, Title string
	Seat      seatView
	ALSID     string
	// ALSes are the ALSes the reader may vote for: their own and the one
	// whose proxy it holds.
	ALSes      []workflows.ElectionRollEntry
	Weight     float64
	Candidates []election.Nomination
	Names      map[string]string
	ALSNames   map[string]string
	// Step is "choose", "review".
	Step string
	// Voted says this ALS already has a ballot in the round (and when).
	Voted *workflows.Voted
	// Rank is the ranking being reviewed, in order.
	Rank []string
	// Closed: the seat's vote is not open now.
	Closed bool
	// ChangesLeft is how many more times the ALS may replace its ballot
	// in this round: the budget before its first ballot, then what the
	// workflow counts (nil: the cycle budgets no replacements).
	ChangesLeft *int
}

// CanChange says the ALS may still cast or replace its ballot.
func (b boothView) CanChange() bool {
	return !b.Closed && (b.Voted == nil || b.ChangesLeft == nil || *b.ChangesLeft > 0)
}

// Name is a member's name, else the ID.
func (b boothView) Name(id string) string { return cmpOr(b.Names[id], id) }

// ALSName is an ALS's name, else the ID.
func (b boothView) ALSName(id string) string { return cmpOr(b.ALSNames[id], id) }

// boothData loads the booth for the reader: only an ALS representative
// on the roll (for their ALS or the one whose proxy it holds) gets one.
func (w *Web) boothData(r *http.Request, a *service.Actor, als string) (boothView, error) {
	data, err := w.electionData(r, a, r.PathValue("id"))
	if err != nil {
		return boothView{}, err
	}
	seat := r.PathValue("seat")
	i := slices.IndexFunc(data.Seats, func(s seatView) bool { return s.Seat == seat })
	if i < 0 {
		return boothView{}, service.NotFound()
	}
	if !data.Rep {
		return boothView{}, errNotRep
	}
	b := boothView{ID: data.ID, Title: data.Title, Seat: data.Seats[i], Names: data.Names, ALSNames: data.ALS, Step: "choose",
		Closed: !data.Seats[i].Open}
	for _, e := range data.Roll {
		if e.ALSID == *a.ALSID && e.ProxyFor == nil || e.ProxyFor != nil && *e.ProxyFor == *a.ALSID {
			b.ALSes = append(b.ALSes, e)
		}
	}
	for _, e := range b.ALSes {
		if e.ALSID == als || als == "" && b.ALSID == "" {
			b.ALSID, b.Weight = e.ALSID, e.Weight
		}
	}
	if b.ALSID == "" && data.RollFrozen {
		return boothView{}, errNotOnRoll
	}
	for _, c := range b.Seat.Candidates {
		n := slices.IndexFunc(data.Nominations, func(x election.Nomination) bool { return x.Seat == seat && x.NomineeID == c })
		if n >= 0 {
			b.Candidates = append(b.Candidates, data.Nominations[n])
		} else {
			b.Candidates = append(b.Candidates, election.Nomination{Seat: seat, NomineeID: c})
		}
	}
	for _, v := range b.Seat.Voted {
		if v.ALSID == b.ALSID {
			b.Voted = &v
		}
	}
	switch {
	case b.Voted != nil:
		b.ChangesLeft = b.Voted.ChangesLeft
	default:
		n := cmp.Or(data.State.Rules.MaxBallotChanges, election.DefaultMaxBallotChanges)
		b.ChangesLeft = &n
	}
	return b, nil
}

func (w *Web) booth(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	b, err := w.boothData(r, a, r.URL.Query().Get("als"))
	if err != nil {
		w.boothRefused(rw, r, err)
		return
	}
	w.render(rw, r, "election_booth", &page{Data: b, Form: map[string]string{}})
}

// The booth's own refusals, which it explains in the reader's language.
var (
	errNotRep    = service.Forbidden("only an ALS representative casts an ALS's ballot")
	errNotOnRoll = service.Forbidden("your ALS is not on the electoral roll")
)

// boothRefusals are the messages of the booth's own refusals.
var boothRefusals = map[*service.Error]string{errNotRep: "booth.not_rep", errNotOnRoll: "booth.not_on_roll"}

// boothRefused explains on a page why there is no booth for the reader.
func (w *Web) boothRefused(rw http.ResponseWriter, r *http.Request, err error) {
	e := service.AsError(err)
	if e.Kind != service.KindForbidden {
		w.failErr(rw, r, err)
		return
	}
	v := viewerOf(r)
	detail := refusalDetail(v, e)
	if id, ok := boothRefusals[e]; ok {
		detail = v.t(id, -1)
	}
	w.render(rw, r, "election_booth", &page{Status: http.StatusForbidden, Data: boothView{ID: r.PathValue("id"), Step: "refused"},
		Errors: map[string]string{"_": v.t("elections.refused.403", -1, "Detail", detail)}})
}

// ballotOf reads the booth's form: a choice, an abstention or a ranking
// (rank.<candidate> = 1, 2…; blanks are left out).
func ballotOf(r *http.Request, b boothView) (service.ElectionBallotRequest, []string) {
	req := service.ElectionBallotRequest{Seat: b.Seat.Seat, ALSID: b.ALSID}
	if b.Seat.Method == election.MethodRanked {
		type ranked struct {
			id string
			n  int
		}
		var rs []ranked
		for _, c := range b.Seat.Candidates {
			if n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("rank." + c))); err == nil && n > 0 {
				rs = append(rs, ranked{c, n})
			}
		}
		slices.SortStableFunc(rs, func(x, y ranked) int { return x.n - y.n })
		for _, x := range rs {
			req.Ranking = append(req.Ranking, x.id)
		}
		if r.PostForm.Get("choice") == "abstain" {
			req.Ranking, req.Abstain = nil, true
		}
		return req, req.Ranking
	}
	switch c := r.PostForm.Get("choice"); c {
	case "abstain":
		req.Abstain = true
	default:
		req.Choice = c
	}
	return req, nil
}

// boothPost is the booth's one form: step=review shows the ballot to
// confirm, step=edit goes back to the choice with it kept, step=confirm
// casts it and goes to the receipt.
func (w *Web) boothPost(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	b, err := w.boothData(r, a, r.PostForm.Get("als_id"))
	if err != nil {
		w.boothRefused(rw, r, err)
		return
	}
	req, rank := ballotOf(r, b)
	p := &page{Data: b, Form: formValues(r)}
	v := viewerOf(r)
	empty := req.Choice == "" && !req.Abstain && len(req.Ranking) == 0
	switch step := r.PostForm.Get("step"); {
	case step == "edit":
	case empty:
		p.Status, p.Errors = http.StatusUnprocessableEntity, map[string]string{"choice": v.t("booth.choose_one", -1)}
	case step == "review":
		b.Step, b.Rank = "review", rank
		p.Data = b
	case step == "confirm":
		receipt, err := w.svc.CastElectionBallot(r.Context(), a, b.ID, req)
		if err == nil {
			http.SetCookie(rw, &http.Cookie{Name: receiptCookie, Value: receipt.Receipt + "." + strconv.Itoa(receipt.Round) + "." + receipt.ALSID,
				Path: "/elections/" + b.ID + "/vote/", MaxAge: 600, HttpOnly: true, Secure: v.secure, SameSite: http.SameSiteStrictMode})
			seeOther(rw, r, "/elections/"+b.ID+"/vote/"+b.Seat.Seat+"/receipt")
			return
		}
		if !w.refusal(r, electionRefusal(v, err, b.Names, b.ALSNames), p) {
			w.failErr(rw, r, err)
			return
		}
	default:
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	w.render(rw, r, "election_booth", p)
}

// receiptCookie carries the receipt from the confirmed ballot to the page
// that shows it, so that the code sits in no address or server log.
const receiptCookie = "ralo_receipt"

// receiptView is the page after a ballot.
type receiptView struct {
	boothView
	Receipt string
	Round   string
}

func (w *Web) boothReceipt(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	c, err := r.Cookie(receiptCookie)
	if err != nil {
		seeOther(rw, r, "/elections/"+r.PathValue("id")+"/vote/"+r.PathValue("seat"))
		return
	}
	parts := strings.SplitN(c.Value, ".", 3)
	if len(parts) != 3 {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	b, err := w.boothData(r, a, parts[2])
	if err != nil {
		w.boothRefused(rw, r, err)
		return
	}
	b.Step = "receipt"
	w.render(rw, r, "election_booth", &page{Data: receiptView{boothView: b, Receipt: parts[0], Round: parts[1]}})
}

// resultsView is the results page's data, for members and the public.
type resultsView struct {
	election.Results
	Title    string
	Year     int
	Names    map[string]string
	ALSNames map[string]string
	Public   bool
	Seats    []election.SeatState
	// Pages are where the long tables (the roll, each seat's ballots)
	// start: resultsPageSize rows at a time, the whole list in the CSV.
	RollPage    pager
	BallotPages map[string]pager
}

// resultsPageSize is how many rows of the roll and of a seat's ballots the
// results page shows at once: a thousand ALSes would make a page of 300 KB.
const resultsPageSize = 100

// pager is one page of a long table: Param is the query parameter that
// selects it, Page counts from 1.
type pager struct {
	Param       string
	Page, Pages int
	Total       int
}

// newPager reads the page of a table of total rows from the query.
func newPager(r *http.Request, param string, total int) pager {
	p := pager{Param: param, Page: 1, Pages: max(1, (total+resultsPageSize-1)/resultsPageSize), Total: total}
	if r != nil {
		if n, err := strconv.Atoi(r.URL.Query().Get(param)); err == nil {
			p.Page = min(max(1, n), p.Pages)
		}
	}
	return p
}

// Bounds are the rows of the page, [from, to).
func (p pager) Bounds() (from, to int) {
	from = (p.Page - 1) * resultsPageSize
	return min(from, p.Total), min(from+resultsPageSize, p.Total)
}

// From and To are the page's first and last rows counted from 1.
func (p pager) From() int { f, _ := p.Bounds(); return f + 1 }
func (p pager) To() int   { _, t := p.Bounds(); return t }

// Prev and Next are the neighbouring pages, 0 when there is none.
func (p pager) Prev() int {
	if p.Page > 1 {
		return p.Page - 1
	}
	return 0
}

func (p pager) Next() int {
	if p.Page < p.Pages {
		return p.Page + 1
	}
	return 0
}

// rollPage and ballotPage are the pager of the roll and of a seat's
// ballots (the first page when the request did not choose one).
func (v resultsView) rollPage() pager {
	if v.RollPage.Param == "" {
		return pager{Param: "roll", Page: 1, Pages: max(1, (len(v.Roll)+resultsPageSize-1)/resultsPageSize), Total: len(v.Roll)}
	}
	return v.RollPage
}

// BallotPage is the pager of a seat's ballots table.
func (v resultsView) BallotPage(s election.SeatResult) pager {
	if p, ok := v.BallotPages[s.Seat]; ok {
		return p
	}
	return pager{Param: "ballots." + s.Seat, Page: 1, Pages: max(1, (len(s.Ballots)+resultsPageSize-1)/resultsPageSize), Total: len(s.Ballots)}
}

// RollPager is the pager of the roll table.
func (v resultsView) RollPager() pager { return v.rollPage() }

// pagerView is what the pager partial needs: the page (for messages), the
// results, one table's pager and the anchor of the table.
type pagerView struct {
	P      *page
	Data   resultsView
	Pager  pager
	Anchor string
}

// PagerOf is the pager partial's data.
func (p *page) PagerOf(v resultsView, pg pager, anchor string) pagerView {
	return pagerView{P: p, Data: v, Pager: pg, Anchor: anchor}
}

// CSVLink is the address of the results' CSV: the public one on the
// public page.
func (v resultsView) CSVLink() string {
	if v.Public {
		return "/public/elections/" + url.PathEscape(v.ElectionID) + "/results.csv"
	}
	return "/elections/" + url.PathEscape(v.ElectionID) + "/results.csv"
}

// PageLink is the address of another page of one table, the others kept.
func (v resultsView) PageLink(p pager, page int, anchor string) string {
	q := url.Values{}
	if rp := v.rollPage(); rp.Page > 1 && rp.Param != p.Param {
		q.Set(rp.Param, strconv.Itoa(rp.Page))
	}
	for _, s := range v.Results.Seats {
		if bp := v.BallotPage(s); bp.Page > 1 && bp.Param != p.Param {
			q.Set(bp.Param, strconv.Itoa(bp.Page))
		}
	}
	if page > 1 {
		q.Set(p.Param, strconv.Itoa(page))
	}
	return "?" + q.Encode() + "#" + anchor
}

// Name is a member's name, else the ID.
func (v resultsView) Name(id string) string { return cmpOr(v.Names[id], id) }

// ALSName is an ALS's name, else the ID.
func (v resultsView) ALSName(id string) string { return cmpOr(v.ALSNames[id], id) }

// Seat is the spec of a seat of the results (method, ballot, outcome).
func (v resultsView) Seat(seat string) election.SeatState {
	for _, s := range v.Seats {
		if s.Seat == seat {
			return s
		}
	}
	return election.SeatState{}
}

// RollRows are the roll's table rows, written here rather than by the
// template: a roll of a thousand ALSes renders in a few milliseconds.
func (p *page) RollRows(v resultsView) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	from, to := v.rollPage().Bounds()
	for _, e := range v.Roll[from:to] {
		b.WriteString(`<tr data-als="` + esc(e.ALSID) + `" data-weight="` + p.Exact(e.Weight) + `"><td>` + esc(v.ALSName(e.ALSID)))
		if e.ProxyFor != nil {
			b.WriteString(` <span class="hint">(` + esc(p.T("elections.proxy_through", "ALS", v.ALSName(*e.ProxyFor))) + `)</span>`)
		}
		b.WriteString(`</td><td>` + esc(e.Country) + `</td><td class="num">` + p.Num(e.Weight) + "</td></tr>\n")
	}
	return template.HTML(b.String())
}

// BallotRows are a seat's counted ballots as table rows: the receipt, the
// round and, for open ballots, the ALS and its choice.
func (p *page) BallotRows(v resultsView, s election.SeatResult) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	secret := `<span class="hint">` + esc(p.T("elections.secret")) + `</span>`
	abstain := esc(p.T("results.abstain"))
	from, to := v.BallotPage(s).Bounds()
	for _, x := range s.Ballots[from:to] {
		b.WriteString(`<tr data-receipt="` + esc(x.Receipt) + `" data-als="` + esc(x.ALSID) + `" data-choice="` + esc(x.Choice) +
			`"><td><code>` + esc(x.Receipt) + `</code></td><td>` + strconv.Itoa(x.Round) + `</td><td>`)
		if x.ALSID != "" {
			b.WriteString(esc(v.ALSName(x.ALSID)))
		} else {
			b.WriteString(secret)
		}
		b.WriteString(`</td><td>`)
		switch {
		case x.Abstain:
			b.WriteString(abstain)
		case len(x.Ranking) > 0:
			for i, c := range x.Ranking {
				if i > 0 {
					b.WriteString(" › ")
				}
				b.WriteString(esc(v.Name(c)))
			}
		case x.Choice != "":
			b.WriteString(esc(v.Name(x.Choice)))
		default:
			b.WriteString("—")
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

func (w *Web) resultsData(r *http.Request, res election.Results) (resultsView, error) {
	ids := []string{}
	for _, s := range res.Seats {
		ids = append(ids, s.Elected...)
		for _, rd := range s.Rounds {
			for _, t := range rd.Totals {
				ids = append(ids, t.MemberID)
			}
		}
		if s.Draw != nil {
			ids = append(ids, s.Draw.Drawn)
		}
	}
	slices.Sort(ids)
	names, als, err := w.svc.ElectionNames(r.Context(), slices.Compact(ids))
	if err != nil {
		return resultsView{}, err
	}
	v := resultsView{Results: res, Names: names, ALSNames: als, BallotPages: map[string]pager{}}
	v.RollPage = newPager(r, "roll", len(res.Roll))
	for _, s := range res.Seats {
		v.BallotPages[s.Seat] = newPager(r, "ballots."+s.Seat, len(s.Ballots))
	}
	if v.Title, v.Year, err = w.svc.ElectionTitle(r.Context(), res.ElectionID); err != nil {
		return resultsView{}, err
	}
	return v, nil
}

func (w *Web) electionResults(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	res, err := w.svc.ElectionResults(r.Context(), a, id)
	if err != nil {
		if service.AsError(err).Kind == service.KindConflict {
			w.renderElection(rw, r, a, &page{Status: http.StatusConflict,
				Errors: map[string]string{"_": viewerOf(r).t("elections.no_results_yet", -1)}})
			return
		}
		w.failErr(rw, r, err)
		return
	}
	data, err := w.resultsData(r, res)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	if ev, err := w.svc.GetElection(r.Context(), a, id); err == nil {
		data.Seats = ev.State.Seats
	}
	w.render(rw, r, "election_results", &page{Data: data})
}

// electionResultsCSV is the roll and the counted ballots as CSV, one row
// per ballot (open ballots carry the ALS and its choice).
func (w *Web) electionResultsCSV(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	res, err := w.svc.ElectionResults(r.Context(), a, r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	writeResultsCSV(rw, res)
}

// publicResultsCSV is the roll and ballots of a certified cycle, for
// anyone: the same document the public results page shows.
func (w *Web) publicResultsCSV(rw http.ResponseWriter, r *http.Request) {
	res, err := w.svc.PublicElectionResults(r.Context(), r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	writeResultsCSV(rw, res)
}

// writeResultsCSV writes the roll (each ALS's weight) and every ballot
// (its receipt and, for open ballots, its choice) as CSV.
func writeResultsCSV(rw http.ResponseWriter, res election.Results) {
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="`+res.ElectionID+`-results.csv"`)
	cw := csv.NewWriter(rw)
	_ = cw.Write([]string{"kind", "als_id", "country", "weight", "proxy_for", "seat", "round", "receipt", "choice"})
	for _, e := range res.Roll {
		proxy := ""
		if e.ProxyFor != nil {
			proxy = *e.ProxyFor
		}
		_ = cw.Write([]string{"roll", e.ALSID, e.Country, strconv.FormatFloat(e.Weight, 'g', -1, 64), proxy, "", "", "", ""})
	}
	for _, s := range res.Seats {
		for _, b := range s.Ballots {
			choice := b.Choice
			switch {
			case b.Abstain:
				choice = "abstain"
			case len(b.Ranking) > 0:
				choice = strings.Join(b.Ranking, ">")
			}
			_ = cw.Write([]string{"ballot", b.ALSID, "", "", "", s.Seat, strconv.Itoa(b.Round), b.Receipt, choice})
		}
	}
	cw.Flush()
}
