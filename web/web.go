// Package web is ralo's HTML transport: pages rendered on the server from
// html/template (parsed once, embedded), in Spanish, English, Portuguese
// and French, usable without JavaScript. A page handler binds the form,
// calls the service and renders; no rule lives here or in a template. It
// depends on service and, for read-only types, store; never on the
// workflows or the Temporal client.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// sessionCookie holds the session's secret.
const sessionCookie = "ralo_session"

// Config holds the web's dependencies.
type Config struct {
	Service *service.Service
	// PublicURL is the address people reach ralo at, for links in emails.
	PublicURL string
	Logger    *slog.Logger
}

// Web is the HTML interface.
type Web struct {
	svc       *service.Service
	publicURL string
	log       *slog.Logger
	bundle    *i18n.Bundle
	pages     map[string]*template.Template
	limits    *loginLimits
	handler   http.Handler
}

// New parses the templates and catalogues and builds the routes.
func New(cfg Config) (*Web, error) {
	w := &Web{svc: cfg.Service, publicURL: strings.TrimRight(cfg.PublicURL, "/"), log: cfg.Logger, limits: newLoginLimits()}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	b, err := loadBundle()
	if err != nil {
		return nil, err
	}
	w.bundle = b
	if w.pages, err = parsePages(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	w.routes(mux)
	// Every form is protected against cross-site requests: a POST whose
	// Sec-Fetch-Site or Origin says it comes from another origin is 403.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.fail(rw, r, http.StatusForbidden)
	}))
	w.handler = compress(cop.Handler(w.withViewer(mux)))
	return w, nil
}

// ServeHTTP serves the pages.
func (w *Web) ServeHTTP(rw http.ResponseWriter, r *http.Request) { w.handler.ServeHTTP(rw, r) }

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(rw, r)
	})
}

// parsePages parses the layout and partials once, then each page on a
// copy of them.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("base").ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// viewer is who reads the page and in which language and zone.
type viewer struct {
	actor   *service.Actor
	session store.Session
	lang    string
	loc     *i18n.Localizer
	zone    *time.Location
	secure  bool
}

type viewerKey struct{}

func viewerOf(r *http.Request) *viewer {
	v, _ := r.Context().Value(viewerKey{}).(*viewer)
	return v
}

// withViewer reads the session cookie and negotiates the language.
func (w *Web) withViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		v := &viewer{secure: !loopback(r.Host) || r.TLS != nil, zone: time.UTC}
		if c, err := r.Cookie(sessionCookie); err == nil {
			a, ss, err := w.svc.SessionActor(r.Context(), c.Value)
			if err != nil {
				w.log.ErrorContext(r.Context(), "reading a session", "err", err)
				http.Error(rw, "internal error", http.StatusInternalServerError)
				return
			}
			v.actor, v.session = a, ss
		}
		memberLang := ""
		if v.actor != nil {
			memberLang = v.actor.Language
			v.zone = zoneOf(v.actor.TimeZone, v.actor.Country)
		}
		v.lang = negotiate(rw, r, memberLang, v.secure)
		v.loc = i18n.NewLocalizer(w.bundle, v.lang)
		rw.Header().Set("Content-Language", v.lang)
		rw.Header().Set("X-Content-Type-Options", "nosniff")
		rw.Header().Set("Referrer-Policy", "no-referrer")
		rw.Header().Set("Content-Security-Policy", "default-src 'self'; form-action 'self'; frame-ancestors 'none'")
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	})
}

// loopback reports whether host (with or without port) is this machine,
// where cookies may go without Secure (ralo dev on http://127.0.0.1).
func loopback(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// page is what every template gets: the viewer, the page's data, the
// form as sent and the service's field errors.
type page struct {
	v      *viewer
	Name   string
	Path   string
	Data   any
	Form   map[string]string
	Errors map[string]string
	Notice string
	Status int
}

// Lang is the page's language, for <html lang>.
func (p *page) Lang() string { return p.v.lang }

// Actor is the signed-in person, nil when nobody is.
func (p *page) Actor() *service.Actor { return p.v.actor }

// Languages lists the switcher's choices with their links.
func (p *page) Languages() []langLink {
	out := make([]langLink, 0, len(service.Languages))
	for _, l := range service.Languages {
		out = append(out, langLink{Code: l, Name: langNames[l], Href: p.Path + "?lang=" + l, Current: l == p.v.lang})
	}
	return out
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

// langNames name each language in itself, as switchers do.
var langNames = map[string]string{"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}

// Nav is the navigation for the viewer's roles.
func (p *page) Nav() []navItem {
	var out []navItem
	for _, n := range navigation {
		if n.signedIn && p.v.actor == nil || !n.signedIn && p.v.actor != nil && n.publicOnly {
			continue
		}
		if len(n.roles) > 0 && !p.v.actor.Has(n.roles...) {
			continue
		}
		// The staff entry stays current on every staff page.
		current := n.href == p.Path || strings.HasPrefix(n.href, "/staff/") && strings.HasPrefix(p.Path, "/staff/")
		out = append(out, navItem{Href: n.href, Label: p.T(n.label), Current: current})
	}
	return out
}

// Section is the label of the navigation entry the page belongs to (its
// own, or the one whose address starts its own), for the phone's folded
// menu button; empty on a page of none.
func (p *page) Section() string {
	best, label := "", ""
	for _, n := range p.Nav() {
		if n.Current {
			return n.Label
		}
		if n.Href != "/" && strings.HasPrefix(p.Path, n.Href+"/") && len(n.Href) > len(best) {
			best, label = n.Href, n.Label
		}
	}
	return label
}

type navItem struct {
	Href, Label string
	Current     bool
}

// navigation lists the pages by who may open them.
var navigation = []struct {
	href, label          string
	signedIn, publicOnly bool
	roles                []string
}{
	{href: "/", label: "nav.dashboard", signedIn: true},
	{href: "/declarations", label: "nav.declarations", signedIn: true},
	{href: "/ethics", label: "nav.ethics", signedIn: true},
	{href: "/arbitrations", label: "nav.arbitrations", signedIn: true},
	{href: "/elections", label: "nav.elections", signedIn: true},
	{href: "/statements", label: "nav.statements", signedIn: true},
	{href: "/meetings", label: "nav.meetings", signedIn: true},
	{href: "/calendar", label: "nav.calendar", signedIn: true},
	{href: "/members", label: "nav.members", signedIn: true},
	{href: "/als", label: "nav.als", signedIn: true},
	{href: "/audit", label: "nav.audit", signedIn: true},
	{href: "/notifications", label: "nav.notifications", signedIn: true},
	{href: "/profile", label: "nav.profile", signedIn: true},
	{href: "/sessions", label: "nav.sessions", signedIn: true},
	{href: "/staff/roster", label: "nav.staff", signedIn: true, roles: []string{store.RoleStaff, store.RoleAdmin}},
	{href: "/public/rulings", label: "nav.rulings"},
	{href: "/public/decisions", label: "nav.decisions"},
	{href: "/receipt", label: "nav.receipt"},
	{href: "/verify", label: "nav.verify"},
	{href: "/login", label: "nav.login", publicOnly: true},
}

// T is a message in the page's language; args are name, value pairs.
func (p *page) T(id string, args ...any) string {
	return p.v.t(id, -1, args...)
}

// Tn is a message with a count, chosen by the language's plural rules.
func (p *page) Tn(id string, n int, args ...any) string {
	return p.v.t(id, n, args...)
}

func (v *viewer) t(id string, n int, args ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n >= 0 {
		cfg.PluralCount = n
		data["Count"] = n
	}
	s, err := v.loc.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Date writes a time in the reader's zone, as their language does.
func (p *page) Date(t time.Time) string {
	t = t.In(p.v.zone)
	abbr := t.Format("MST")
	if strings.HasPrefix(abbr, "-") || strings.HasPrefix(abbr, "+") {
		abbr = "UTC" + abbr // zones without a name: "UTC-03", not "-03"
	}
	return t.Format(dateLayouts[p.v.lang]) + " " + abbr
}

// DatePtr is Date for an optional time.
func (p *page) DatePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return p.Date(*t)
}

// Zone is the reader's time zone.
func (p *page) Zone() string { return p.v.zone.String() }

// Left says how long until t: days, hours or minutes, or that it passed.
func (p *page) Left(t time.Time) string {
	d := time.Until(t)
	switch {
	case d < 0:
		return p.T("time.overdue")
	case d >= 48*time.Hour:
		return p.Tn("time.days_left", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return p.Tn("time.hours_left", int(d/time.Hour))
	default:
		return p.Tn("time.minutes_left", max(1, int(d/time.Minute)))
	}
}

// Err is the message for a field the service refused.
func (p *page) Err(field string) string { return p.Errors[field] }

// Val is a field's value as the person typed it.
func (p *page) Val(field string) string { return p.Form[field] }

// render writes a page with the layout.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, name string, p *page) {
	t, ok := w.pages[name]
	if !ok {
		panic("web: no page " + name)
	}
	p.v, p.Name, p.Path = viewerOf(r), name, r.URL.Path
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		w.log.ErrorContext(r.Context(), "rendering a page", "page", name, "err", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}

// fail renders an error page for a status.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, status int) {
	if viewerOf(r) == nil {
		// Refused before the viewer was read (cross-site): read it now.
		w.withViewer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { w.fail(rw, r, status) })).ServeHTTP(rw, r)
		return
	}
	w.render(rw, r, "error", &page{Status: status, Data: errorView{Status: status}})
}

// errorView is the error page's data: the status and, for a refusal the
// service named with a code, why in the reader's language.
type errorView struct {
	Status int
	Reason string
}

// failErr renders the page for an error the service returned: a coded
// refusal is explained in the reader's language, never in the service's
// English.
func (w *Web) failErr(rw http.ResponseWriter, r *http.Request, err error) {
	e := service.AsError(err)
	if e.Kind == service.KindInternal {
		w.log.ErrorContext(r.Context(), "page", "path", r.URL.Path, "err", err)
	}
	w.render(rw, r, "error", &page{Status: e.Kind.Status(), Data: errorView{Status: e.Kind.Status(), Reason: refusalText(viewerOf(r), e)}})
}

// refusalText is a refusal's message in the reader's language, empty when
// the service gave it no code (or the code has no message yet).
func refusalText(v *viewer, e *service.Error) string {
	if e.Code == "" {
		return ""
	}
	args := make([]any, 0, 2*len(e.Args))
	for k, val := range e.Args {
		if s, ok := val.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				val = (&page{v: v}).Date(t) // a moment, in the reader's zone
			}
		}
		args = append(args, k, val)
	}
	id := "refusal." + e.Code
	if msg := v.t(id, -1, args...); msg != id {
		return msg
	}
	return ""
}

// refusalDetail is why the service refused, in the reader's language when
// the refusal has a code with a message, else the service's own sentence
// (the pages' lead sentence around it is translated either way).
func refusalDetail(v *viewer, e *service.Error) string {
	if msg := refusalText(v, e); msg != "" {
		return msg
	}
	return e.Detail
}

// fieldErrors turns a service refusal into the form's messages; ok is
// false when the error is not about the input.
func (w *Web) fieldErrors(r *http.Request, err error) (map[string]string, bool) {
	if err == nil {
		return nil, false
	}
	// The store's field errors come as they are from some operations:
	// AsError reads them (with their codes) as the service's.
	e := service.AsError(err)
	if e.Kind != service.KindInvalid {
		return nil, false
	}
	v := viewerOf(r)
	out := map[string]string{}
	for f, msg := range e.Fields {
		if code, ok := e.FieldCodes[f]; ok {
			if id := "field." + code; v.t(id, -1) != id {
				out[f] = v.t(id, -1)
				continue
			}
			if code == e.Code {
				if text := refusalText(v, e); text != "" {
					out[f] = v.t("form.invalid", -1, "Detail", text)
					continue
				}
			}
		}
		out[f] = v.t("form.invalid", -1, "Detail", msg)
	}
	if len(out) == 0 {
		out["_"] = v.t("form.invalid", -1, "Detail", refusalDetail(v, e))
	}
	return out, true
}

// signedIn is the actor, or a redirect to the sign-in page.
func (w *Web) signedIn(rw http.ResponseWriter, r *http.Request) *service.Actor {
	v := viewerOf(r)
	if v.actor == nil {
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
	}
	return v.actor
}

// signedInForm is signedIn for a form's POST, with the form parsed: nil
// when the reader must sign in or the body cannot be read (400).
func (w *Web) signedInForm(rw http.ResponseWriter, r *http.Request) *service.Actor {
	a := w.signedIn(rw, r)
	if a == nil {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		w.fail(rw, r, http.StatusBadRequest)
		return nil
	}
	return a
}

// seeOther answers a form with a redirect to a page (303, post/redirect/get).
func seeOther(rw http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(rw, r, to, http.StatusSeeOther)
}

// formValues keeps the submitted fields to re-render the form.
func formValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, vs := range r.PostForm {
		if len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}
