package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The staff pages: the roster import with a preview of what it will
// create and its errors by line, the email outbox with a retry of a failed
// message (admins), and the policy in force. The service checks the roles
// and decides; a handler binds, calls it and renders.
func (w *Web) staffRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /staff", func(rw http.ResponseWriter, r *http.Request) { seeOther(rw, r, "/staff/roster") })
	mux.HandleFunc("GET /staff/roster", w.roster)
	mux.HandleFunc("POST /staff/roster/preview", w.rosterPreview)
	mux.HandleFunc("POST /staff/roster/import", w.rosterImport)
	mux.HandleFunc("GET /staff/outbox", w.outbox)
	mux.HandleFunc("POST /staff/outbox/{id}/retry", w.outboxRetry)
	mux.HandleFunc("GET /staff/policy", w.policyPage)
}

// rosterView is the roster page's data: the preview of a roster sent, and
// the roster itself to confirm it with.
type rosterView struct {
	Preview  *service.RosterPreview
	CSV      string
	Imported bool
	// Done counts what the last import created and updated (after the
	// redirect).
	Countries, ALSes, Members, Updated int
}

// rosterLineView is what a roster line does, in the reader's language.
type rosterLineView struct {
	Line        int
	Name, Email string
	Status      string
	Changes     []rosterChangeView
}

// rosterChangeView is a field a roster line changes: its label and the
// values before and after (roles by their names).
type rosterChangeView struct {
	Label, From, To string
}

// RosterLines is what each member line of a previewed roster does: new,
// an update with the fields it changes, or unchanged.
func (p *page) RosterLines(pr *service.RosterPreview) []rosterLineView {
	roles := func(s string) string {
		var names []string
		for _, r := range strings.Split(s, ";") {
			if r != "" {
				names = append(names, p.T("role."+r))
			}
		}
		return strings.Join(names, ", ")
	}
	out := make([]rosterLineView, 0, len(pr.Summary.Lines))
	for _, l := range pr.Summary.Lines {
		lv := rosterLineView{Line: l.Line, Name: l.Name, Email: l.Email, Status: l.Status}
		for _, c := range l.Changes {
			cv := rosterChangeView{Label: p.T("staff.roster." + c.Field), From: c.From, To: c.To}
			switch c.Field {
			case "roles":
				cv.From, cv.To = roles(c.From), roles(c.To)
			case "language":
				cv.From, cv.To = cmp.Or(langNames[c.From], c.From), cmp.Or(langNames[c.To], c.To)
			}
			lv.Changes = append(lv.Changes, cv)
		}
		out = append(out, lv)
	}
	return out
}

// RosterProblem is a roster problem in the reader's language: its
// field.<code> message, else the import's own sentence.
func (p *page) RosterProblem(pr store.RosterProblem) string {
	if pr.Code != "" {
		if id := "field." + pr.Code; p.T(id) != id {
			return p.T(id)
		}
	}
	return pr.Message
}

func (w *Web) roster(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	if err := w.svc.RosterAccess(a); err != nil {
		w.failErr(rw, r, err)
		return
	}
	q := r.URL.Query()
	v := rosterView{Imported: q.Has("imported")}
	v.Countries, _ = strconv.Atoi(q.Get("countries"))
	v.ALSes, _ = strconv.Atoi(q.Get("alses"))
	v.Members, _ = strconv.Atoi(q.Get("members"))
	v.Updated, _ = strconv.Atoi(q.Get("updated"))
	w.render(rw, r, "staff_roster", &page{Data: v})
}

// rosterCSV reads the roster sent: an uploaded file, else the text box,
// with its line ends made LF, as a browser posts the roster back from the
// preview in CRLF whatever the file had: the hash checked on confirm is
// the same.
func rosterCSV(r *http.Request) ([]byte, error) {
	b, err := rosterSent(r)
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), err
}

func rosterSent(r *http.Request) ([]byte, error) {
	// Room for the roster percent-encoded, as a form posts it back.
	r.Body = http.MaxBytesReader(nil, r.Body, 3*service.RosterMaxBytes+64<<10)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(service.RosterMaxBytes); err != nil {
			return nil, err
		}
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(io.LimitReader(f, service.RosterMaxBytes+1))
			if err != nil {
				return nil, err
			}
			if len(b) > 0 {
				return b, nil
			}
		}
	} else if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return []byte(r.PostFormValue("csv")), nil
}

func (w *Web) rosterPreview(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	csv, err := rosterCSV(r)
	if err != nil || len(csv) > service.RosterMaxBytes {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	if len(strings.TrimSpace(string(csv))) == 0 {
		w.render(rw, r, "staff_roster", &page{Status: http.StatusUnprocessableEntity, Data: rosterView{},
			Errors: map[string]string{"csv": viewerOf(r).t("form.required", -1)}})
		return
	}
	p, err := w.svc.PreviewRoster(r.Context(), a, csv)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	status := http.StatusOK
	if !p.OK() {
		status = http.StatusUnprocessableEntity
	}
	w.render(rw, r, "staff_roster", &page{Status: status, Data: rosterView{Preview: &p, CSV: string(csv)}})
}

func (w *Web) rosterImport(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	csv, err := rosterCSV(r)
	if err != nil || len(csv) > service.RosterMaxBytes {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	p, err := w.svc.ConfirmRoster(r.Context(), a, csv, r.PostFormValue("hash"))
	if e := service.AsError(err); err != nil && e.Code == service.CodeRosterChanged {
		// Show the roster as it is now, to preview and confirm again.
		p, perr := w.svc.PreviewRoster(r.Context(), a, csv)
		if perr != nil {
			w.failErr(rw, r, perr)
			return
		}
		w.render(rw, r, "staff_roster", &page{Status: http.StatusConflict, Notice: "staff.roster.changed",
			Data: rosterView{Preview: &p, CSV: string(csv)}})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	if !p.OK() {
		w.render(rw, r, "staff_roster", &page{Status: http.StatusUnprocessableEntity, Notice: "staff.roster.not_imported",
			Data: rosterView{Preview: &p, CSV: string(csv)}})
		return
	}
	u := url.Values{"imported": {""}, "countries": {strconv.Itoa(p.Summary.Countries)},
		"alses": {strconv.Itoa(p.Summary.ALSes)}, "members": {strconv.Itoa(p.Summary.Members)},
		"updated": {strconv.Itoa(p.Summary.Updated)}}
	seeOther(rw, r, "/staff/roster?"+u.Encode())
}

// outboxView is the outbox page's data with its filter and paging links.
type outboxView struct {
	service.OutboxPage
	Statuses   []string
	Prev, Next string
	Retried    bool
}

func (w *Web) outbox(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pg, err := w.svc.Outbox(r.Context(), a, q.Get("status"), pageNo)
	if fields, ok := w.fieldErrors(r, err); ok {
		w.render(rw, r, "staff_outbox", &page{Status: http.StatusUnprocessableEntity, Errors: fields,
			Data: outboxView{Statuses: service.OutboxStatuses}})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	v := outboxView{OutboxPage: pg, Statuses: service.OutboxStatuses, Retried: q.Has("retried")}
	link := func(n int) string {
		u := url.Values{"page": {strconv.Itoa(n)}}
		if pg.Status != "" {
			u.Set("status", pg.Status)
		}
		return "/staff/outbox?" + u.Encode()
	}
	if pg.Page > 1 {
		v.Prev = link(pg.Page - 1)
	}
	if pg.More {
		v.Next = link(pg.Page + 1)
	}
	w.render(rw, r, "staff_outbox", &page{Data: v, Form: map[string]string{"status": pg.Status}})
}

func (w *Web) outboxRetry(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	if err := w.svc.RetryEmail(r.Context(), a, r.PathValue("id")); err != nil {
		w.failErr(rw, r, err)
		return
	}
	seeOther(rw, r, "/staff/outbox?status=pending&retried")
}

// policyView is the policy page's data: the policy's settings by
// section (under the dotted names the policy file uses), the sub-regions
// and the rotation table.
type policyView struct {
	Sections   []policySection
	Subregions []policyList
	Rotation   []policyList
	Seats      []policySeat
}

type policySection struct {
	Key      string
	Settings []policySetting
}

type policySetting struct{ Name, Value string }

type policyList struct {
	Key    string
	Values []string
}

type policySeat struct {
	Key string
	policy.Seat
}

func (w *Web) policyPage(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	pol, err := w.svc.PolicyInForce(a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "staff_policy", &page{Data: policyData(pol)})
}

// policyData lays the policy out as the page shows it. Every scalar and
// list setting is listed by its dotted name, so a setting added to the
// policy appears without a change here.
func policyData(p *policy.Policy) policyView {
	v := policyView{}
	sections := []struct {
		key string
		val any
	}{
		{"ethics", p.Ethics}, {"arbitration", p.Arbitration}, {"election", p.Election}, {"policy", p.Statements},
		{"participation", p.Participation}, {"meetings", p.Meetings}, {"notifications", p.Notifications},
		{"budgets", p.Budgets}, {"members", p.Members}, {"namespace", p.Namespace},
	}
	for _, s := range sections {
		v.Sections = append(v.Sections, policySection{Key: s.key, Settings: settings(s.key, s.val)})
	}
	for _, k := range sortedKeys(p.Subregions) {
		v.Subregions = append(v.Subregions, policyList{Key: k, Values: p.Subregions[k]})
	}
	for _, k := range sortedKeys(p.Rotation) {
		v.Rotation = append(v.Rotation, policyList{Key: k, Values: p.Rotation[k]})
	}
	for _, k := range sortedKeys(p.Election.Seats) {
		v.Seats = append(v.Seats, policySeat{Key: k, Seat: p.Election.Seats[k]})
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// settings flattens a policy section, as GET /api/v1/policy writes it
// (durations as 14d), into dotted names and values; lists are joined and
// maps shown elsewhere (seats, guidelines) are left out.
func settings(prefix string, section any) []policySetting {
	b, err := json.Marshal(section)
	if err != nil {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil
	}
	var out []policySetting
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for _, k := range sortedKeys(m) {
			name := prefix + "." + k
			switch v := m[k].(type) {
			case map[string]any:
				if k != "seats" && k != "guidelines" {
					walk(name, v)
				}
			case []any:
				parts := make([]string, len(v))
				for i, x := range v {
					parts[i] = fmt.Sprint(x)
				}
				out = append(out, policySetting{Name: name, Value: strings.Join(parts, ", ")})
			case nil:
				out = append(out, policySetting{Name: name, Value: "—"})
			default:
				out = append(out, policySetting{Name: name, Value: fmt.Sprint(v)})
			}
		}
	}
	walk(prefix, m)
	return out
}
