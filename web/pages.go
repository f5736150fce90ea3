package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

func (w *Web) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", w.dashboard)
	mux.HandleFunc("GET /login", w.loginForm)
	mux.HandleFunc("POST /login", w.login)
	mux.HandleFunc("GET /login/{token}", w.useLink)
	mux.HandleFunc("POST /logout", w.logout)
	mux.HandleFunc("GET /sessions", w.sessions)
	mux.HandleFunc("POST /sessions/revoke", w.revokeSession)
	mux.HandleFunc("POST /sessions/revoke-all", w.revokeAll)
	mux.HandleFunc("GET /profile", w.profile)
	mux.HandleFunc("POST /profile", w.saveProfile)
	mux.HandleFunc("GET /declarations", w.declarations)
	mux.HandleFunc("POST /declarations", w.fileDeclaration)
	mux.HandleFunc("GET /notifications", w.notifications)
	mux.HandleFunc("GET /receipt", w.receiptForm)
	mux.HandleFunc("POST /receipt", w.receipt)
	mux.HandleFunc("GET /verify", w.verifyForm)
	mux.HandleFunc("POST /verify", w.verify)
	w.publicRoutes(mux)
	w.electionRoutes(mux)
	w.statementRoutes(mux)
	w.meetingRoutes(mux)
	w.sharedRoutes(mux)
	w.ethicsRoutes(mux)
	w.arbitrationRoutes(mux)
	w.staffRoutes(mux)
	mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) { w.fail(rw, r, http.StatusNotFound) })
}

// Sign-in requests are limited per address and per client, so the form
// cannot flood an inbox or probe addresses in bulk: the same style as the
// API's email limiter.
type loginLimits struct {
	perEmail, perClient *middleware.RateLimiterMemoryStore
}

func newLoginLimits() *loginLimits {
	return &loginLimits{
		perEmail: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Every(time.Minute), Burst: 3, ExpiresIn: 30 * time.Minute}),
		perClient: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Every(3 * time.Second), Burst: 20, ExpiresIn: 30 * time.Minute}),
	}
}

func (l *loginLimits) allow(email, client string) bool {
	okClient, _ := l.perClient.Allow(client)
	okEmail, _ := l.perEmail.Allow(strings.ToLower(strings.TrimSpace(email)))
	return okClient && okEmail
}

func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	tasks, err := w.svc.Dashboard(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "dashboard", &page{Data: dashboardPage(tasks, r.URL.Query().Get("page"))})
}

// dashboardPageSize is how many tasks one page of the dashboard lists:
// someone on the ethics committee during a wave of complaints may have
// hundreds, soonest first.
const dashboardPageSize = 50

// dashboardView is one page of the person's tasks.
type dashboardView struct {
	Tasks      []service.Task
	Total      int
	Page       int
	Prev, Next string
}

// dashboardPage cuts the page the "page" parameter asks for (from 1).
func dashboardPage(tasks []service.Task, param string) dashboardView {
	pages := max(1, (len(tasks)+dashboardPageSize-1)/dashboardPageSize)
	n, err := strconv.Atoi(param)
	if err != nil {
		n = 1
	}
	n = min(max(n, 1), pages)
	v := dashboardView{Total: len(tasks), Page: n,
		Tasks: tasks[(n-1)*dashboardPageSize : min(len(tasks), n*dashboardPageSize)]}
	if n > 1 {
		v.Prev = "/?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		v.Next = "/?page=" + strconv.Itoa(n+1)
	}
	return v
}

func (w *Web) loginForm(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, "login", &page{})
}

// login always gives the same answer, so nobody learns who is registered.
func (w *Web) login(rw http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	email := r.PostForm.Get("email")
	if !w.limits.allow(email, clientIP(r)) {
		rw.Header().Set("Retry-After", "60")
		w.render(rw, r, "login", &page{Status: http.StatusTooManyRequests, Form: formValues(r), Notice: "login.too_many"})
		return
	}
	err := w.svc.RequestSignIn(r.Context(), service.SignInRequest{Email: email, LinkBase: w.linkBase(r)})
	if fields, ok := w.fieldErrors(r, err); ok {
		w.render(rw, r, "login", &page{Status: http.StatusUnprocessableEntity, Form: formValues(r), Errors: fields})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "login_sent", &page{Data: int(service.SignInLinkTTL / time.Minute)})
}

// linkBase is the address sign-in links point to: --public-url, else the
// address this request came to.
func (w *Web) linkBase(r *http.Request) string {
	if w.publicURL != "" {
		return w.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (w *Web) useLink(rw http.ResponseWriter, r *http.Request) {
	in, err := w.svc.SignIn(r.Context(), r.PathValue("token"), r.UserAgent())
	switch {
	case errors.Is(err, service.ErrSignInLinkUsed):
		w.render(rw, r, "link_refused", &page{Status: http.StatusGone, Data: "link.used"})
		return
	case errors.Is(err, service.ErrSignInLinkExpired):
		w.render(rw, r, "link_refused", &page{Status: http.StatusGone, Data: "link.expired"})
		return
	case errors.Is(err, service.ErrSignInLinkUnknown):
		w.render(rw, r, "link_refused", &page{Status: http.StatusNotFound, Data: "link.unknown"})
		return
	case err != nil:
		w.failErr(rw, r, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: in.Secret, Path: "/", MaxAge: int(service.SessionIdle / time.Second),
		HttpOnly: true, Secure: viewerOf(r).secure, SameSite: http.SameSiteLaxMode})
	seeOther(rw, r, "/")
}

func (w *Web) clearSession(rw http.ResponseWriter, r *http.Request) {
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: viewerOf(r).secure, SameSite: http.SameSiteLaxMode})
}

func (w *Web) logout(rw http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	if v.actor != nil {
		if err := w.svc.SignOut(r.Context(), v.actor, v.session.ID); err != nil {
			w.failErr(rw, r, err)
			return
		}
	}
	w.clearSession(rw, r)
	seeOther(rw, r, "/login")
}

func (w *Web) sessions(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	ss, err := w.svc.ListSessions(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "sessions", &page{Data: sessionsView{Sessions: ss, Current: viewerOf(r).session.ID}})
}

type sessionsView struct {
	Sessions []store.Session
	Current  string
}

func (w *Web) revokeSession(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	id := r.PostFormValue("id")
	if err := w.svc.SignOut(r.Context(), a, id); err != nil {
		w.failErr(rw, r, err)
		return
	}
	if id == viewerOf(r).session.ID {
		w.clearSession(rw, r)
		seeOther(rw, r, "/login")
		return
	}
	seeOther(rw, r, "/sessions")
}

func (w *Web) revokeAll(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	if err := w.svc.SignOutEverywhere(r.Context(), a); err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.clearSession(rw, r)
	seeOther(rw, r, "/login")
}

func (w *Web) profileForm(a *service.Actor) map[string]string {
	f := map[string]string{"name": a.Name, "language": a.Language, "time_zone": a.TimeZone,
		"skills": strings.Join(a.Skills, ", ")}
	if a.SkillsPublic {
		f["skills_public"] = "on"
	}
	if !a.DigestOptOut {
		f["digest"] = "on"
	}
	return f
}

func (w *Web) profile(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.render(rw, r, "profile", &page{Form: w.profileForm(a), Data: profileView{Zones: zoneChoices(), Saved: r.URL.Query().Has("saved")}})
}

type profileView struct {
	Zones []string
	Saved bool
}

// zoneChoices are the zones offered in the profile form.
func zoneChoices() []string {
	seen := map[string]bool{}
	out := []string{}
	for _, z := range countryZones {
		if !seen[z] {
			seen[z] = true
			out = append(out, z)
		}
	}
	out = append(out, "UTC")
	slices.Sort(out)
	return out
}

func (w *Web) saveProfile(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	skills := strings.Split(r.PostForm.Get("skills"), ",")
	_, err := w.svc.UpdateProfile(r.Context(), a, service.ProfileRequest{Name: r.PostForm.Get("name"),
		Language: r.PostForm.Get("language"), TimeZone: r.PostForm.Get("time_zone"), Skills: skills,
		SkillsPublic: r.PostForm.Get("skills_public") == "on", DigestOptOut: r.PostForm.Get("digest") != "on"})
	if fields, ok := w.fieldErrors(r, err); ok {
		w.render(rw, r, "profile", &page{Status: http.StatusUnprocessableEntity, Form: formValues(r), Errors: fields,
			Data: profileView{Zones: zoneChoices()}})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	// A language chosen in the profile wins over the remembered switch.
	http.SetCookie(rw, &http.Cookie{Name: langCookie, Value: "", Path: "/", MaxAge: -1})
	seeOther(rw, r, "/profile?saved")
}

type declarationsView struct {
	Declarations []store.Declaration
	Kinds        []string
	Filed        bool
}

func (w *Web) declarations(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderDeclarations(rw, r, a, &page{Form: map[string]string{}})
}

func (w *Web) renderDeclarations(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	ds, err := w.svc.ListDeclarations(r.Context(), a.ID)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	p.Data = declarationsView{Declarations: ds, Kinds: store.DeclarationKinds, Filed: r.URL.Query().Has("filed")}
	w.render(rw, r, "declarations", p)
}

func (w *Web) fileDeclaration(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	_, err := w.svc.CreateDeclaration(r.Context(), a, a.ID, store.DeclarationInput{Kind: r.PostForm.Get("kind"),
		Organization: r.PostForm.Get("organization"), Description: r.PostForm.Get("description"),
		Categories: r.PostForm["categories"]})
	if fields, ok := w.fieldErrors(r, err); ok {
		w.renderDeclarations(rw, r, a, &page{Status: http.StatusUnprocessableEntity, Form: formValues(r), Errors: fields})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	seeOther(rw, r, "/declarations?filed")
}

func (w *Web) notifications(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	ms, err := w.svc.MyNotifications(r.Context(), a, 100)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "notifications", &page{Data: ms})
}

func (w *Web) receiptForm(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, "receipt", &page{})
}

// receipt checks a complaint's receipt code; the form POSTs so the code
// never sits in a URL or a server log.
func (w *Web) receipt(rw http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if code == "" {
		w.render(rw, r, "receipt", &page{Status: http.StatusUnprocessableEntity, Errors: map[string]string{"code": viewerOf(r).t("form.required", -1)}})
		return
	}
	st, err := w.svc.ComplaintByReceipt(r.Context(), code)
	if err != nil && service.AsError(err).Kind == service.KindNotFound {
		w.render(rw, r, "receipt", &page{Status: http.StatusNotFound, Form: formValues(r), Notice: "receipt.unknown"})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "receipt", &page{Data: st})
}

func (w *Web) verifyForm(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, "verify", &page{})
}

func (w *Web) verify(rw http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		w.fail(rw, r, http.StatusBadRequest)
		return
	}
	res, err := w.svc.VerifyBallot(r.Context(), r.PostForm.Get("receipt"))
	if fields, ok := w.fieldErrors(r, err); ok {
		w.render(rw, r, "verify", &page{Status: http.StatusUnprocessableEntity, Form: formValues(r), Errors: fields})
		return
	}
	if err != nil && service.AsError(err).Kind == service.KindNotFound {
		w.render(rw, r, "verify", &page{Status: http.StatusNotFound, Form: formValues(r), Notice: "verify.unknown"})
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "verify", &page{Form: formValues(r), Data: res})
}

// taskPages are the pages a dashboard task opens, by process.
var taskPages = map[string]string{
	"election": "/elections/", "ethics": "/ethics/", "arbitration": "/arbitrations/",
	"statement": "/statements/", "meeting": "/meetings/",
}

// TaskLink is the page of a dashboard task's process and object, or ""
// for a process without a page.
func (p *page) TaskLink(process, id string) string {
	if base, ok := taskPages[process]; ok && id != "" {
		return base + url.PathEscape(id)
	}
	return ""
}
