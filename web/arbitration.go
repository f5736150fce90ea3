package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// Arbitration pages: the reader's cases, the filing form (question, rule
// articles, parties from the registry, an appeal of a decision or an
// election result), one case with a form per transition the reader may
// make now (staff assign from the roster with the conflict check's
// reasons; the arbitrator confirms, schedules the hearing, rules after a
// preview; parties challenge, submit, refer to the Ombudsman), the
// hearing's .ics and the public ruling with its SHA-256.
func (w *Web) arbitrationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /arbitrations", w.arbitrationList)
	mux.HandleFunc("GET /arbitrations/new", w.arbitrationNew)
	mux.HandleFunc("POST /arbitrations", w.arbitrationFile)
	mux.HandleFunc("GET /arbitrations/{id}", w.arbitrationDetail)
	mux.HandleFunc("GET /arbitrations/{id}/hearing.ics", w.arbitrationICS)
	mux.HandleFunc("POST /arbitrations/{id}/{action}", w.arbitrationAct)
	mux.HandleFunc("GET /public/rulings/{id}", w.publicRuling)
}

type arbitrationListView struct {
	Cases []store.Case
	Staff bool
}

func (w *Web) arbitrationList(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	cs, err := w.svc.ListArbitrations(r.Context(), a, 200)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "arbitration_list", &page{Data: arbitrationListView{Cases: cs, Staff: a.IsStaff()}})
}

type arbitrationNewView struct {
	Parties []service.PartyChoice
}

func (w *Web) renderArbitrationNew(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	ps, err := w.svc.ArbitrationPartyChoices(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	p.Data = arbitrationNewView{Parties: ps}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	w.render(rw, r, "arbitration_new", p)
}

func (w *Web) arbitrationNew(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderArbitrationNew(rw, r, a, &page{})
}

// Selected says whether a party was ticked in the form as sent.
func (p *page) Selected(id string) bool { return p.Form["party."+id] == "on" }

func (w *Web) arbitrationFile(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	f := r.PostForm
	req := service.ArbitrationRequest{Question: f.Get("question"), Articles: lines(strings.ReplaceAll(f.Get("articles"), ",", "\n"))}
	for k := range f {
		if id, ok := strings.CutPrefix(k, "party."); ok && f.Get(k) == "on" {
			req.Parties = append(req.Parties, id)
		}
	}
	if kind, target := f.Get("appeal_kind"), strings.TrimSpace(f.Get("appeal_id")); kind != "" && target != "" {
		req.AppealOf = &workflows.AppealRef{Kind: kind, ID: target}
	}
	doc, err := w.svc.FileArbitration(r.Context(), a, req)
	if err != nil {
		p := &page{}
		if !w.caseRefusal(r, err, p, "arbitration") {
			w.failErr(rw, r, err)
			return
		}
		for f, msg := range p.Errors {
			if strings.HasPrefix(f, "parties[") { // one party of the list: shown beside the list
				p.Errors["parties"] = msg
			}
		}
		w.renderArbitrationNew(rw, r, a, p)
		return
	}
	seeOther(rw, r, "/arbitrations/"+doc.ID+"?filed")
}

// arbitrationView is one case's page; Preview is the ruling under review
// before its final confirmation. Unsent is what the reader typed in a
// refused form that the page no longer offers (the case moved on while
// they wrote): shown back to them, so that nothing typed is lost.
type arbitrationView struct {
	service.ArbitrationPage
	Filed   bool
	Preview *service.RulingRequest
	Unsent  []string
}

// Name is a member's or an ALS's name, else the ID.
func (v arbitrationView) Name(id string) string { return cmpOr(v.Names[id], id) }

func (w *Web) arbitrationDetail(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderArbitration(rw, r, a, &page{}, nil)
}

func (w *Web) renderArbitration(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page, preview *service.RulingRequest) {
	ap, err := w.svc.ArbitrationPageFor(r.Context(), a, r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	p.Data = arbitrationView{ArbitrationPage: ap, Filed: r.URL.Query().Has("filed"), Preview: preview, Unsent: unsent(ap, p.Form)}
	w.render(rw, r, "arbitration_detail", p)
}

// actionForms names, for each transition the case's page posts, the
// form that offers it (ArbitrationPage.May) and the fields a person
// types in it.
var actionForms = map[string]struct {
	may    []string
	fields []string
}{
	"challenge":        {[]string{"challenge"}, []string{"reason"}},
	"decide_challenge": {[]string{"decide_challenge"}, []string{"reason"}},
	"submissions":      {[]string{"submit"}, []string{"text", "links"}},
	"hearing":          {[]string{"hearing"}, []string{"location"}},
	"extend":           {[]string{"extend"}, []string{"reason"}},
	"ruling":           {[]string{"ruling"}, []string{"articles", "text"}},
	"ombudsman":        {[]string{"ombudsman", "ombudsman_outcome"}, []string{"outcome"}},
}

// unsent is what was typed in a refused form that the page does not
// offer any more.
func unsent(ap service.ArbitrationPage, form map[string]string) []string {
	f, ok := actionForms[form["_action"]]
	if !ok {
		return nil
	}
	for _, m := range f.may {
		if ap.May[m] {
			return nil
		}
	}
	var out []string
	for _, name := range f.fields {
		if v := strings.TrimSpace(form[name]); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (w *Web) arbitrationICS(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	b, err := w.svc.HearingICS(r.Context(), a, id, viewerOf(r).t("arbitration.ics_summary", -1, "ID", id))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="hearing-`+id+`.ics"`)
	_, _ = rw.Write(b)
}

// arbitrationAct runs one transition from the case's page: 303 back to it
// on success; the page with the refusal and the input kept otherwise. The
// ruling goes through a preview (step=preview) before it is recorded
// (step=confirm), since it can never be changed.
func (w *Web) arbitrationAct(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	id, f, ctx, v := r.PathValue("id"), r.PostForm, r.Context(), viewerOf(r)
	var err error
	switch r.PathValue("action") {
	case "assign":
		_, err = w.svc.AssignArbitrator(ctx, a, id, service.AssignRequest{ArbitratorID: f.Get("arbitrator_id")})
	case "confirm":
		_, err = w.svc.ConfirmArbitrator(ctx, a, id)
	case "challenge":
		_, err = w.svc.ChallengeArbitrator(ctx, a, id, service.ChallengeRequest{Reason: f.Get("reason")})
	case "decide_challenge":
		_, err = w.svc.DecideChallenge(ctx, a, id, service.ChallengeDecisionRequest{Decision: f.Get("decision"), Reason: f.Get("reason")})
	case "submissions":
		_, err = w.svc.SubmitToArbitration(ctx, a, id, service.SubmissionRequest{Text: f.Get("text"), Links: lines(f.Get("links"))})
	case "hearing":
		starts, ok := parseLocal(v, f.Get("starts_at"))
		if !ok || starts == nil {
			err = service.Invalid(map[string]string{"starts_at": v.t("arbitration.bad_date", -1)})
			break
		}
		at, _ := json.Marshal(starts.UTC().Format(time.RFC3339))
		var minutes json.RawMessage
		if m := strings.TrimSpace(f.Get("minutes")); m != "" {
			minutes, _ = json.Marshal(m)
			if n, convErr := strconv.Atoi(m); convErr == nil {
				minutes, _ = json.Marshal(n)
			}
		}
		_, err = w.svc.ScheduleHearing(ctx, a, id, service.HearingRequest{StartsAt: at, Duration: minutes, Location: f.Get("location")})
	case "extend":
		days, convErr := strconv.Atoi(strings.TrimSpace(f.Get("days")))
		if convErr != nil {
			err = service.Invalid(map[string]string{"days": v.t("arbitration.bad_days", -1)})
			break
		}
		_, err = w.svc.ExtendRuling(ctx, a, id, service.ExtendRequest{Days: days, Reason: f.Get("reason")})
	case "ruling":
		req := service.RulingRequest{Outcome: f.Get("outcome"), Text: f.Get("text"), Articles: lines(strings.ReplaceAll(f.Get("articles"), ",", "\n"))}
		switch f.Get("step") {
		case "confirm":
			_, err = w.svc.RecordRuling(ctx, a, id, req)
		case "edit":
			w.renderArbitration(rw, r, a, &page{Form: formValues(r)}, nil)
			return
		default:
			if req.Outcome == "" || strings.TrimSpace(req.Text) == "" {
				err = service.Invalid(map[string]string{"text": v.t("arbitration.ruling_incomplete", -1)})
				break
			}
			w.renderArbitration(rw, r, a, &page{Form: formValues(r)}, &req)
			return
		}
	case "ombudsman":
		var at json.RawMessage
		if t, ok := parseLocal(v, f.Get("referred_at")); ok && t != nil {
			at, _ = json.Marshal(t.UTC().Format(time.RFC3339))
		} else if f.Get("outcome") == "" {
			at, _ = json.Marshal(time.Now().UTC().Format(time.RFC3339))
		}
		_, err = w.svc.ReferToOmbudsman(ctx, a, id, service.OmbudsmanRequest{ReferredAt: at, Outcome: f.Get("outcome")})
	default:
		w.fail(rw, r, http.StatusNotFound)
		return
	}
	if err == nil {
		seeOther(rw, r, "/arbitrations/"+id)
		return
	}
	p := &page{}
	if !w.caseRefusal(r, err, p, "arbitration") {
		w.failErr(rw, r, err)
		return
	}
	p.Form["_action"] = r.PathValue("action")
	w.renderArbitration(rw, r, a, p, nil)
}

func (w *Web) publicRuling(rw http.ResponseWriter, r *http.Request) {
	rl, err := w.svc.PublicRulingOf(r.Context(), r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "public_ruling", &page{Data: rl})
}

// Conflict is one reason of the conflict check in the reader's language,
// else as the check wrote it (with names for IDs).
func (p *page) Conflict(c service.ConflictReason) string {
	id := "conflict." + c.Code
	if msg := p.T(id, "Party", c.Party, "ALS", c.ALS); c.Code != "" && msg != id {
		return msg
	}
	return c.Text
}

// Minutes is a hearing's length in whole minutes, for the reschedule form.
func (p *page) Minutes(d workflows.Duration) int { return int(d.D() / time.Minute) }
