package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// Meetings and participation pages: the calendar of meetings, one meeting
// with the attendance checklist for staff and its chair, and the
// participation indicators per ALS with a chart drawn on the server (SVG,
// no JavaScript) and the ALSes at risk of losing their vote.
func (w *Web) meetingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /meetings", w.meetings)
	mux.HandleFunc("GET /meetings/{id}", w.meetingDetail)
	mux.HandleFunc("POST /meetings/{id}/attendance", w.meetingAttendance)
	mux.HandleFunc("GET /meetings/new", w.meetingNew)
	mux.HandleFunc("POST /meetings", w.meetingCreate)
	mux.HandleFunc("GET /meetings/{id}/ics", w.meetingICS)
	mux.HandleFunc("GET /participation", w.participation)
	mux.HandleFunc("GET /roadmap", w.roadmap)
	mux.HandleFunc("POST /participation/{als}/review", w.participationReview)
}

func (w *Web) meetings(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	now := time.Now()
	ms, err := w.svc.ListMeetings(r.Context(), now.AddDate(0, -1, 0), now.AddDate(0, 3, 0))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "meeting_list", &page{Data: ms})
}

// meetingView is one meeting's page.
type meetingView struct {
	Meeting store.Meeting
	// Members are the checklist's rows, for staff and the chair.
	Members []service.MemberView
	CanMark bool
	Saved   int
	// Created says the meeting was just scheduled.
	Created bool
	// Marked are the members ticked on a refused checklist, kept ticked.
	Marked map[string]bool
}

func (w *Web) meetingData(r *http.Request, a *service.Actor) (meetingView, error) {
	m, err := w.svc.GetMeeting(r.Context(), r.PathValue("id"))
	if err != nil {
		return meetingView{}, err
	}
	v := meetingView{Meeting: m, CanMark: a.IsStaff() || m.ChairID != nil && *m.ChairID == a.ID}
	if v.CanMark {
		if v.Members, err = w.svc.ListMembers(r.Context(), a, store.MemberFilter{Limit: 1000}); err != nil {
			return meetingView{}, err
		}
	}
	return v, nil
}

func (w *Web) meetingDetail(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	v, err := w.meetingData(r, a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	_, _ = fmt.Sscan(r.URL.Query().Get("saved"), &v.Saved)
	v.Created = r.URL.Query().Has("created")
	w.render(rw, r, "meeting_detail", &page{Data: v})
}

func (w *Web) meetingAttendance(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	id := r.PathValue("id")
	out, err := w.svc.RecordAttendance(r.Context(), a, id, service.AttendanceRequest{MemberIDs: r.PostForm["member"]})
	if err == nil {
		seeOther(rw, r, fmt.Sprintf("/meetings/%s?saved=%d", id, len(out)))
		return
	}
	p := &page{}
	if !w.areaRefusal(r, err, p, "meetings") {
		w.failErr(rw, r, err)
		return
	}
	v, derr := w.meetingData(r, a)
	if derr != nil {
		w.failErr(rw, r, derr)
		return
	}
	v.Marked = map[string]bool{}
	for _, id := range r.PostForm["member"] {
		v.Marked[id] = true
	}
	p.Data = v
	w.render(rw, r, "meeting_detail", p)
}

// month is one month's participation of the chart.
type month struct {
	Start time.Time
	Acts  int
}

// participationView is the indicators page.
type participationView struct {
	Rows   []store.ParticipationRow
	AtRisk []store.ParticipationRow
	ALS    string
	// ALSName is the chart's ALS by name.
	ALSName string
	Months  []month
	Chart   template.HTML
	// Staff may conclude the review of an ALS under review; Reviewed is
	// the ALS whose review was just concluded.
	Staff    bool
	Reviewed string
}

// participation shows every ALS's indicators over the policy's period,
// the ALSes at risk with why, and a chart of the last twelve months of
// one ALS's acts (meetings, ballots, comments, drafts), or of all.
func (w *Web) participation(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	w.renderParticipation(rw, r, a, &page{Form: map[string]string{}})
}

func (w *Web) renderParticipation(rw http.ResponseWriter, r *http.Request, a *service.Actor, p *page) {
	ctx := r.Context()
	rows, err := w.svc.Participation(ctx, time.Time{}, time.Time{})
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	v := participationView{Rows: rows, ALS: r.URL.Query().Get("als"), Staff: a.IsStaff(), Reviewed: r.URL.Query().Get("reviewed")}
	for _, row := range rows {
		if row.ALSID == v.ALS {
			v.ALSName = row.Name
		}
		if row.ALSStatus != store.ALSDecertified && (row.VotingStatus != "active" || row.ConsecutiveMiss >= 2) {
			v.AtRisk = append(v.AtRisk, row)
		}
	}
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	for i := range 12 {
		from := first.AddDate(0, i, 0)
		mr, err := w.svc.Participation(ctx, from, from.AddDate(0, 1, 0))
		if err != nil {
			w.failErr(rw, r, err)
			return
		}
		m := month{Start: from}
		for _, row := range mr {
			if v.ALS == "" || row.ALSID == v.ALS {
				m.Acts += row.MeetingsAttended + row.BallotsCast + row.Comments + row.Drafts + row.MailingList + row.Other
			}
		}
		v.Months = append(v.Months, m)
	}
	v.Chart = chartSVG(v.Months, viewerOf(r))
	p.Data = v
	w.render(rw, r, "meeting_participation", p)
}

// monthNames are the chart's month labels in each language.
var monthNames = map[string][]string{
	"es": {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"pt": {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
	"fr": {"janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"},
}

// chartSVG draws the twelve months as bars with their counts, titled and
// described in the reader's language; it scales to the page's width.
func chartSVG(ms []month, v *viewer) template.HTML {
	top := 1
	for _, m := range ms {
		top = max(top, m.Acts)
	}
	const w, h, pad, base = 600, 220, 30, 190
	bw := (w - 2*pad) / len(ms)
	var b strings.Builder
	esc := template.HTMLEscapeString
	title := v.t("participation.chart_title", -1)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-t chart-d" xmlns="http://www.w3.org/2000/svg">`, w, h)
	fmt.Fprintf(&b, `<title id="chart-t">%s</title><desc id="chart-d">`, esc(title))
	for i, m := range ms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d: %d", monthNames[v.lang][m.Start.Month()-1], m.Start.Year(), m.Acts)
	}
	b.WriteString(`</desc>`)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#4a4a4a"/>`, pad, base, w-pad, base)
	for i, m := range ms {
		bh := m.Acts * (base - 30) / top
		x := pad + i*bw
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#0b4f8a"/>`, x+4, base-bh, bw-8, bh)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="16" fill="#1a1a1a">%d</text>`, x+bw/2, base-bh-5, m.Acts)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="15" fill="#4a4a4a">%s</text>`, x+bw/2, base+18, esc(monthNames[v.lang][m.Start.Month()-1]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
