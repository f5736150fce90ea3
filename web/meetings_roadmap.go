package web

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/lacralo/ralo/gantt"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// roadmapView is /roadmap: the reform's next steps as a Gantt chart drawn
// on the server (SVG, no JavaScript), with the open processes' next
// deadlines overlaid unless the reader hides them, and the steps as a
// table for who cannot read the chart.
type roadmapView struct {
	Chart     template.HTML
	Items     []store.RoadmapItem
	Deadlines bool
}

func (w *Web) roadmap(rw http.ResponseWriter, r *http.Request) {
	a := w.signedIn(rw, r)
	if a == nil {
		return
	}
	v := roadmapView{Deadlines: r.URL.Query().Get("deadlines") != "0"}
	vw := viewerOf(r)
	t := func(id string) string { return vw.t(id, -1) }
	labels := gantt.Labels{Title: t("roadmap.title"), Today: t("roadmap.gantt_today"), DependsOn: t("roadmap.gantt_depends_on"),
		OpenDeadline: t("roadmap.gantt_open_deadline"), OpenDeadlines: t("roadmap.gantt_open_deadlines"), Empty: t("roadmap.none"),
		Status: map[string]string{}}
	for _, st := range []string{gantt.StatusPlanned, gantt.StatusInProgress, gantt.StatusDone, gantt.StatusBlocked} {
		labels.Status[st] = t("roadmap_status." + st)
	}
	svg, err := w.svc.RoadmapGanttIn(r.Context(), a, v.Deadlines, labels, roadmapMarker(vw))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	if v.Items, err = w.svc.ListRoadmap(r.Context()); err != nil {
		w.failErr(rw, r, err)
		return
	}
	// The chart is the gantt package's own SVG, whose texts it escapes.
	v.Chart = template.HTML(svg)
	w.render(rw, r, "meeting_roadmap", &page{Data: v})
}

// roadmapMarker names a process's next deadline on the chart in the
// reader's language, as the calendar page names it: the process, its
// title (or ID) and the deadline, a seat's deadline with the seat's name;
// the tooltip says how many deadlines are ahead.
func roadmapMarker(v *viewer) service.MarkerLabel {
	return func(o service.ProcessDates, next workflows.Deadline, upcoming int) (string, string) {
		name := cmpOr(o.Name, o.ID)
		label := v.t("calendar_page.deadline", -1, "Process", v.t("calendar_page.process."+o.Process, -1), "Name", name,
			"Deadline", deadlineName(v, next.Name))
		return label, v.t("roadmap.marker_upcoming", upcoming)
	}
}

// deadlineName is a deadline's name ("voting_close", "voting_close:chair")
// in the reader's language: as the process pages name it, with the seat's
// name for a seat's own deadline; else as the workflow wrote it.
func deadlineName(v *viewer, name string) string {
	base, seat, _ := strings.Cut(name, ":")
	p := &page{v: v}
	out := strings.ReplaceAll(base, "_", " ")
	for _, id := range []string{"deadline." + base, "calendar." + base, "roadmap_deadline." + base} {
		if msg := v.t(id, -1); msg != id {
			out = msg
			break
		}
	}
	if seat != "" {
		out = v.t("roadmap.deadline_seat", -1, "Deadline", out, "Seat", p.Maybe("seat."+seat, seat))
	}
	return out
}

// dayLayouts write a calendar day as each language usually does.
var dayLayouts = map[string]string{"es": "02/01/2006", "pt": "02/01/2006", "fr": "02/01/2006", "en": "Jan 2, 2006"}

// UTCDay writes a calendar day (a roadmap step's start or due, kept in
// UTC) without a time, which would shift it to the day before in the
// Americas.
func (p *page) UTCDay(t time.Time) string {
	return t.UTC().Format(cmpOr(dayLayouts[p.v.lang], time.DateOnly))
}
