package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/ethics"
)

// Ethics pages: the reader's complaints (and, for the committee, the
// cases they are not recused from), the complaint form that says what
// anonymity hides before anything is sent, the receipt shown once, and
// one case with a form per transition the reader may make now. Each
// handler binds the form, calls the service and renders; a refusal comes
// back on the page it came from with what was typed.
func (w *Web) ethicsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ethics", w.ethicsList)
	mux.HandleFunc("GET /ethics/new", w.ethicsNew)
	mux.HandleFunc("POST /ethics", w.ethicsFile)
	mux.HandleFunc("GET /ethics/{id}", w.ethicsDetail)
	mux.HandleFunc("GET /ethics/{id}/receipt", w.ethicsReceipt)
	mux.HandleFunc("POST /ethics/{id}/receipt", w.ethicsReceiptSaved)
	mux.HandleFunc("POST /ethics/{id}/{action}", w.ethicsAct)
}

// complaintKinds are the kinds a complaint may cite, in the form's order.
var complaintKinds = []string{"undeclared_conflict", "disqualifying_conflict", "bad_faith", "other"}

// decisionKinds are the outcomes a proposal may name.
var decisionKinds = []string{"dismissed", "recusal_ordered", "warning", "suspension", "removal"}

type ethicsListView struct {
	Cases     []store.Case
	Committee bool
	Recused   bool
}

func (w *Web) ethicsList(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	cs, err := w.svc.EthicsCases(r.Context(), a, 200)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "ethics_list", &page{Data: ethicsListView{Cases: cs, Committee: a.Has(store.RoleEthicsCommittee), Recused: r.URL.Query().Has("recused")}})
}

type ethicsNewView struct {
	Respondents []service.RespondentChoice
	Kinds       []string
}

func (w *Web) renderEthicsNew(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	rs, err := w.svc.RespondentChoices(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	p.Data = ethicsNewView{Respondents: rs, Kinds: complaintKinds}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	w.render(rw, r, "ethics_new", p)
}

func (w *Web) ethicsNew(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderEthicsNew(rw, r, a, &page{Form: map[string]string{"anonymous": "on"}})
}

// lines splits a textarea into its non-empty lines (links, matters).
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// complaintReceiptCookie carries the receipt from the filing to the page
// that shows it once, so the code sits in no address or server log.
const complaintReceiptCookie = "ralo_complaint_receipt"

func (w *Web) ethicsFile(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	f := r.PostForm
	filed, err := w.svc.FileComplaint(r.Context(), a, service.ComplaintRequest{RespondentID: f.Get("respondent_id"),
		Kind: f.Get("kind"), Summary: f.Get("summary"), Links: lines(f.Get("links")), Anonymous: f.Get("anonymous") == "on"})
	if err != nil {
		p := &page{}
		if !w.caseRefusal(r, err, p, "ethics") {
			w.failErr(rw, r, err)
			return
		}
		w.renderEthicsNew(rw, r, a, p)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: complaintReceiptCookie, Value: filed.Receipt, Path: "/ethics/" + filed.ID + "/receipt",
		MaxAge: 1800, HttpOnly: true, Secure: viewerOf(r).secure, SameSite: http.SameSiteStrictMode})
	seeOther(rw, r, "/ethics/"+filed.ID+"/receipt")
}

type ethicsReceiptView struct {
	ID, Receipt string
	Anonymous   bool
}

// ethicsReceipt shows the receipt once: until the filer says they saved
// it, then never again (the emailed copy stays).
func (w *Web) ethicsReceipt(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	c, err := r.Cookie(complaintReceiptCookie)
	if err != nil || c.Value == "" {
		seeOther(rw, r, "/ethics/"+id)
		return
	}
	cp, err := w.svc.ComplaintPageFor(r.Context(), a, id)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "ethics_receipt", &page{Data: ethicsReceiptView{ID: id, Receipt: c.Value, Anonymous: cp.Anonymous}})
}

func (w *Web) ethicsReceiptSaved(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("saved") != "on" {
		c, err := r.Cookie(complaintReceiptCookie)
		if err != nil {
			seeOther(rw, r, "/ethics/"+id)
			return
		}
		w.render(rw, r, "ethics_receipt", &page{Status: http.StatusUnprocessableEntity, Data: ethicsReceiptView{ID: id, Receipt: c.Value},
			Errors: map[string]string{"saved": viewerOf(r).t("ethics.receipt_confirm_first", -1)}})
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: complaintReceiptCookie, Value: "", Path: "/ethics/" + id + "/receipt", MaxAge: -1,
		HttpOnly: true, Secure: viewerOf(r).secure, SameSite: http.SameSiteStrictMode})
	seeOther(rw, r, "/ethics/"+id+"?filed")
}

// ethicsView is one case's page.
type ethicsView struct {
	service.ComplaintPage
	Kinds     []string
	Decisions []string
	Filed     bool
}

// Name is a member's name as the reader may know it.
func (v ethicsView) Name(id string) string {
	if n := v.Names[id]; n != "" {
		return n
	}
	return id
}

func (w *Web) ethicsDetail(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderEthics(rw, r, a, r.PathValue("id"), &page{})
}

func (w *Web) renderEthics(rw http.ResponseWriter, r *http.Request, a *service.Actor, id string, p *page) {
	cp, err := w.svc.ComplaintPageFor(r.Context(), a, id)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	p.Data = ethicsView{ComplaintPage: cp, Kinds: complaintKinds, Decisions: decisionKinds, Filed: r.URL.Query().Has("filed")}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	w.render(rw, r, "ethics_detail", p)
}

// ethicsAct runs one transition from the case's page: 303 back to it on
// success; the page with the refusal and the input kept otherwise.
func (w *Web) ethicsAct(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	id, f, ctx := r.PathValue("id"), r.PostForm, r.Context()
	var err error
	switch r.PathValue("action") {
	case "admit":
		_, err = w.svc.AdmitComplaint(ctx, a, id, service.ComplaintNote{Note: f.Get("note")})
	case "dismiss":
		_, err = w.svc.DismissComplaint(ctx, a, id, service.ComplaintReason{Reason: f.Get("reason")})
	case "recuse":
		_, err = w.svc.RecuseFromComplaint(ctx, a, id, service.ComplaintReason{Reason: f.Get("reason")})
	case "respond":
		_, err = w.svc.RespondToComplaint(ctx, a, id, service.ComplaintText{Text: f.Get("text")})
	case "evidence":
		_, err = w.svc.AddEvidence(ctx, a, id, service.EvidenceRequest{Text: f.Get("text"), Links: lines(f.Get("links"))})
	case "deliberate":
		_, err = w.svc.OpenDeliberation(ctx, a, id)
	case "propose":
		_, err = w.svc.VoteOnComplaint(ctx, a, id, service.EthicsVoteRequest{For: true, Decision: service.EthicsDecisionRequest{
			Kind: f.Get("kind"), Matters: lines(f.Get("matters")), Until: f.Get("until"), Position: f.Get("position"),
			SanctionComplainant: f.Get("sanction_complainant") == "on"}})
	case "vote":
		_, err = w.svc.VoteOnProposal(ctx, a, id, f.Get("for") == "true")
	case "withdraw":
		_, err = w.svc.WithdrawProposal(ctx, a, id)
	case "appeal":
		_, err = w.svc.AppealDecision(ctx, a, id, service.ComplaintReason{Reason: f.Get("reason")})
	default:
		w.fail(rw, r, http.StatusNotFound)
		return
	}
	switch {
	case err == nil && r.PathValue("action") == "recuse":
		// A recused member no longer reads the case.
		seeOther(rw, r, "/ethics?recused")
		return
	case err == nil:
		seeOther(rw, r, "/ethics/"+id)
		return
	}
	p := &page{}
	if !w.caseRefusal(r, err, p, "ethics") {
		w.failErr(rw, r, err)
		return
	}
	p.Form["_action"] = r.PathValue("action")
	w.renderEthics(rw, r, a, id, p)
}

// Decision writes a decision (a value or a pointer) with its fields in
// the reader's language.
func (p *page) Decision(v any) string {
	var d ethics.Decision
	switch x := v.(type) {
	case ethics.Decision:
		d = x
	case *ethics.Decision:
		if x == nil {
			return ""
		}
		d = *x
	default:
		return ""
	}
	parts := []string{p.T("ethics_outcome." + d.Kind)}
	if len(d.Matters) > 0 {
		parts = append(parts, p.T("ethics.matters")+": "+strings.Join(d.Matters, "; "))
	}
	if d.Until != nil {
		parts = append(parts, p.T("ethics.until")+" "+p.Date(*d.Until))
	}
	if d.Position != "" {
		parts = append(parts, p.T("ethics.position")+": "+d.Position)
	}
	if d.SanctionComplainant {
		parts = append(parts, p.T("ethics.sanction_complainant_short"))
	}
	return strings.Join(parts, " · ")
}

// Recusal writes why a committee member is recused, in the reader's
// language (the case's own sentence for a reason without a code).
func (p *page) Recusal(r service.RecusalReason) string {
	id := "ethics.recusal." + r.Code
	if msg := p.T(id, "Party", r.Party, "ALS", r.ALS, "Note", r.Note); r.Code != "" && msg != id {
		return msg
	}
	return r.Text
}

// caseRefusal renders a refused transition of a case (area "ethics" or
// "arbitration") on the page it came from, in the reader's language: the
// field messages beside the form, or why the action is refused (not
// allowed to the reader, not possible now, too many); what was typed is
// kept. ok is false when err is no refusal (the caller answers it).
func (w *Web) caseRefusal(r *http.Request, err error, p *page, area string) bool {
	p.Form = formValues(r)
	if fields, ok := w.fieldErrors(r, err); ok {
		p.Status, p.Errors = http.StatusUnprocessableEntity, fields
		return true
	}
	e := service.AsError(err)
	switch e.Kind {
	case service.KindForbidden, service.KindConflict, service.KindRateLimited:
		p.Status = e.Kind.Status()
		p.Errors = map[string]string{"_": viewerOf(r).t(area+".refused."+strconv.Itoa(p.Status), -1, "Detail", refusalDetail(viewerOf(r), e))}
		return true
	}
	return false
}
