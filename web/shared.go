package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The pages every role shares: the members directory, the ALSes and
// their positions, the calendar subscription and the audit log. The
// service decides what the reader may see; a handler binds, calls it and
// renders.
func (w *Web) sharedRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /members", w.members)
	mux.HandleFunc("GET /als", w.alsList)
	mux.HandleFunc("GET /calendar", w.calendar)
	mux.HandleFunc("POST /calendar/token", w.calendarIssue)
	mux.HandleFunc("POST /calendar/token/revoke", w.calendarRevoke)
	mux.HandleFunc("GET /calendar/events/{uid}", w.calendarEvent)
	mux.HandleFunc("GET /audit", w.audit)
	mux.HandleFunc("POST /audit/verify", w.auditVerify)
	// The language switcher on the verify result links here: back to the log.
	mux.HandleFunc("GET /audit/verify", func(rw http.ResponseWriter, r *http.Request) {
		seeOther(rw, r, "/audit?"+r.URL.RawQuery)
	})
}

// membersView is the directory page's data, with its paging links.
type membersView struct {
	service.Directory
	Prev, Next string
}

func (w *Web) members(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	dir, err := w.svc.MemberDirectory(r.Context(), a, q.Get("q"), pageNo)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	v := membersView{Directory: dir}
	link := func(n int) string {
		u := url.Values{"page": {strconv.Itoa(n)}}
		if dir.Search != "" {
			u.Set("q", dir.Search)
		}
		return "/members?" + u.Encode()
	}
	if dir.Page > 1 {
		v.Prev = link(dir.Page - 1)
	}
	if dir.More {
		v.Next = link(dir.Page + 1)
	}
	w.render(rw, r, "members", &page{Data: v, Form: map[string]string{"q": dir.Search}})
}

func (w *Web) alsList(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	d, err := w.svc.ALSDirectory(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "als", &page{Data: d})
}

// feedCookie carries a newly issued feed address across the redirect
// after issuing it, once: the secret is stored hashed and never shown
// again.
const feedCookie = "ralo_feed"

// calendarView is the calendar page's data.
type calendarView struct {
	Feed service.FeedStatus
	// URL is the feed address, only right after it was issued.
	URL     string
	Events  []calendarEntry
	Revoked bool
}

// calendarEntry is an upcoming event with its title in the reader's
// language and its .ics link.
type calendarEntry struct {
	Title, Href, Location string
	Kind                  string
	Start                 time.Time
	Cancelled             bool
}

func (w *Web) calendar(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	feed, err := w.svc.CalendarFeed(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	items, err := w.svc.UpcomingEvents(r.Context(), a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	v := calendarView{Feed: feed, Revoked: r.URL.Query().Has("revoked")}
	if c, err := r.Cookie(feedCookie); err == nil && feed.Active != nil && strings.HasPrefix(c.Value, "ralofeed_") {
		v.URL = w.linkBase(r) + "/api/v1/calendar.ics?token=" + url.QueryEscape(c.Value)
		http.SetCookie(rw, &http.Cookie{Name: feedCookie, Value: "", Path: "/calendar", MaxAge: -1,
			HttpOnly: true, Secure: viewerOf(r).secure, SameSite: http.SameSiteStrictMode})
	}
	vw := viewerOf(r)
	for _, it := range items {
		v.Events = append(v.Events, calendarEntry{Title: eventTitle(vw, it), Href: "/calendar/events/" + url.PathEscape(it.Event.UID),
			Location: it.Event.Location, Kind: it.Kind, Start: it.Event.Start})
	}
	w.render(rw, r, "calendar", &page{Data: v})
}

// eventTitle names a calendar entry in the reader's language: a meeting by
// its title as written, a deadline or hearing by its process.
func eventTitle(v *viewer, it service.CalendarItem) string {
	if it.Meeting != nil {
		return it.Meeting.Title
	}
	name := it.Name
	if name == "" {
		name = it.ProcessID
	}
	process := v.t("calendar_page.process."+it.Process, -1)
	if it.Kind == "hearing" {
		return v.t("calendar_page.hearing", -1, "Process", process, "Name", name)
	}
	// The deadline's name as the process pages say it (a seat's own with
	// the seat's name), as the roadmap's markers do.
	return v.t("calendar_page.deadline", -1, "Process", process, "Name", name, "Deadline", deadlineName(v, it.Deadline))
}

// calendarIssue issues a new feed address (the old one stops working) and
// shows it once on the calendar page.
func (w *Web) calendarIssue(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	issued, err := w.svc.IssueFeedToken(r.Context(), a, a.ID)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: feedCookie, Value: issued.Token, Path: "/calendar", MaxAge: 300,
		HttpOnly: true, Secure: viewerOf(r).secure, SameSite: http.SameSiteStrictMode})
	seeOther(rw, r, "/calendar")
}

func (w *Web) calendarRevoke(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	if err := w.svc.RevokeFeedToken(r.Context(), a, a.ID); err != nil {
		w.failErr(rw, r, err)
		return
	}
	seeOther(rw, r, "/calendar?revoked")
}

// calendarEvent is one event as an .ics file, titled in the reader's
// language.
func (w *Web) calendarEvent(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	v := viewerOf(r)
	ics, err := w.svc.EventCalendar(r.Context(), a, r.PathValue("uid"), func(it service.CalendarItem) string { return eventTitle(v, it) })
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	name := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return '-'
	}, strings.TrimSuffix(r.PathValue("uid"), "@ralo"))
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="`+name+`.ics"`)
	rw.Header().Set("Cache-Control", "no-store")
	_, _ = rw.Write(ics)
}

// auditView is the audit page's data: a page of entries, the filters,
// the next page's link and, after "verify chain", its result.
type auditView struct {
	service.AuditPage
	OlderHref string
	// Newer says the page is not the latest: a link back to it.
	Newer    bool
	Verified *service.AuditVerify
}

func (w *Web) audit(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderAudit(rw, r, a, nil)
}

func (w *Web) renderAudit(rw http.ResponseWriter, r *http.Request, a *service.Actor, verified *service.AuditVerify) {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	aq := service.AuditQuery{Process: q.Get("process"), ObjectID: q.Get("object_id"), Before: before}
	pg, err := w.svc.AuditLog(r.Context(), a, aq)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	v := auditView{AuditPage: pg, Verified: verified, Newer: before > 0}
	if pg.Older > 0 {
		u := url.Values{"before": {strconv.FormatInt(pg.Older, 10)}}
		if aq.Process != "" {
			u.Set("process", aq.Process)
		}
		if aq.ObjectID != "" {
			u.Set("object_id", aq.ObjectID)
		}
		v.OlderHref = "/audit?" + u.Encode()
	}
	w.render(rw, r, "audit", &page{Data: v, Form: map[string]string{"process": aq.Process, "object_id": aq.ObjectID}})
}

// auditVerify recomputes the chain and shows the result on the audit
// page. It changes nothing, so it answers the POST directly, as the
// ballot check does.
func (w *Web) auditVerify(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	res, err := w.svc.VerifyAudit(r.Context())
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.renderAudit(rw, r, a, &res)
}

// AuditProcesses are the processes the audit page's filter offers.
func (p *page) AuditProcesses() []string {
	return []string{"ethics", "arbitration", "election", "statement", "meeting", "meetings", "participation", "registry", "roadmap"}
}

// VerifyReason is a broken chain's reason in the reader's language.
func (p *page) VerifyReason(res store.VerifyResult) string {
	at := int64(0)
	if res.BrokenAt != nil {
		at = *res.BrokenAt
	}
	if res.Code == "" {
		return res.Reason
	}
	return p.T("audit.broken."+res.Code, "At", at, "Entries", res.Entries)
}

// Day writes a date without the time, as the reader's language does.
func (p *page) Day(t time.Time) string {
	layout := "02/01/2006"
	if p.v.lang == "en" {
		layout = "Jan 2, 2006"
	}
	return t.In(p.v.zone).Format(layout)
}

// Int is a count for a counted message.
func (p *page) Int(n int64) int { return int(n) }

// Upto is the cursor of a page of the log that starts at entry seq.
func (p *page) Upto(seq int64) int64 { return seq + 1 }

// Short is the start of a hash, enough to tell entries apart on screen.
func (p *page) Short(hash string) string {
	if len(hash) > 12 {
		return hash[:12] + "…"
	}
	return hash
}
