package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// The staff's form that schedules a meeting or a series, a meeting's
// calendar file, and the staff's review of an ALS whose inactivity put it
// under review (on /participation).

// recurrences are the repetitions the form offers ("" is a one-off).
var recurrences = []string{"", "1mo", "2mo", "3mo", "6mo", "12mo", "7d", "14d"}

// meetingNewView is the form's data.
type meetingNewView struct {
	Kinds       []string
	Recurrences []string
	Members     []service.MemberView
}

func (w *Web) meetingNewData(r *http.Request, a *service.Actor) (meetingNewView, error) {
	ms, err := w.svc.ListMembers(r.Context(), a, store.MemberFilter{Limit: 1000})
	return meetingNewView{Kinds: store.MeetingKinds, Recurrences: recurrences, Members: ms}, err
}

func (w *Web) meetingNew(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	if !a.IsStaff() {
		w.fail(rw, r, http.StatusForbidden)
		return
	}
	data, err := w.meetingNewData(r, a)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "meeting_new", &page{Data: data, Form: map[string]string{"minutes": "60"}})
}

// meetingCreate binds the form and calls the service the API uses.
func (w *Web) meetingCreate(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	v := viewerOf(r)
	f := r.PostForm
	req := service.MeetingRequest{Kind: f.Get("kind"), Title: f.Get("title"), Location: strings.TrimSpace(f.Get("location")),
		ChairID: f.Get("chair_id")}
	bad := map[string]string{}
	if starts, ok := parseLocal(v, f.Get("starts_at")); !ok || starts == nil {
		bad["starts_at"] = v.t("elections.bad_date", -1)
	} else {
		req.StartsAt = *starts
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Get("minutes"))); err != nil || n <= 0 {
		bad["duration"] = v.t("meetings.bad_minutes", -1)
	} else {
		d := service.MeetingLength(time.Duration(n) * time.Minute)
		req.Duration = &d
	}
	if every := f.Get("every"); every != "" {
		req.Recurrence = &service.RecurrenceRequest{Every: every}
		if until, ok := parseLocal(v, f.Get("until")); !ok {
			bad["recurrence.until"] = v.t("elections.bad_date", -1)
		} else {
			req.Recurrence.Until = until
		}
	}
	var err error
	fromService := len(bad) == 0
	if !fromService {
		err = service.Invalid(bad)
	} else {
		var out service.MeetingCreated
		if out, err = w.svc.CreateMeeting(r.Context(), a, req); err == nil {
			seeOther(rw, r, "/meetings/"+out.Meeting.ID+"?created")
			return
		}
	}
	p := &page{}
	if !w.areaRefusal(r, err, p, "meetings") {
		w.failErr(rw, r, err)
		return
	}
	if fromService {
		explainFields(r, p, "meeting_field")
	}
	if p.Data, err = w.meetingNewData(r, a); err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "meeting_new", p)
}

// meetingICS is one meeting as a calendar file, the same entry (UID) its
// invitation carries, published for download rather than sent.
func (w *Web) meetingICS(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	m, err := w.svc.GetMeeting(r.Context(), r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	scheme := "https"
	if r.TLS == nil && loopback(r.Host) {
		scheme = "http"
	}
	ev := m.CalendarEvent(scheme+"://"+r.Host+"/meetings/"+m.ID, m.CreatedAt)
	if ev.Method == "" {
		ev.Method = "PUBLISH"
	}
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="meeting-`+m.ID+`.ics"`)
	_, _ = rw.Write(notify.ICS(ev))
}

// participationReview concludes the review of an ALS (staff): keep its
// accreditation or decertify it, with a note.
func (w *Web) participationReview(rw http.ResponseWriter, r *http.Request) {
	a := w.signedInForm(rw, r)
	if a == nil {
		return
	}
	als := r.PathValue("als")
	_, err := w.svc.ConcludeReview(r.Context(), a, als, store.ReviewInput{Outcome: r.PostForm.Get("outcome"), Note: r.PostForm.Get("note")})
	if err == nil {
		seeOther(rw, r, "/participation?reviewed="+als)
		return
	}
	p := &page{}
	if !w.areaRefusal(r, err, p, "meetings") {
		w.failErr(rw, r, err)
		return
	}
	explainFields(r, p, "review_field")
	p.Form["als"] = als
	w.renderParticipation(rw, r, a, p)
}
