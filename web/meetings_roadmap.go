package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/lacralo/ralo/gantt"
	"github.com/lacralo/ralo/store"
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
	svg, err := w.svc.RoadmapGanttIn(r.Context(), a, v.Deadlines, labels)
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

// dayLayouts write a calendar day as each language usually does.
var dayLayouts = map[string]string{"es": "02/01/2006", "pt": "02/01/2006", "fr": "02/01/2006", "en": "Jan 2, 2006"}

// UTCDay writes a calendar day (a roadmap step's start or due, kept in
// UTC) without a time, which would shift it to the day before in the
// Americas.
func (p *page) UTCDay(t time.Time) string {
	return t.UTC().Format(cmpOr(dayLayouts[p.v.lang], time.DateOnly))
}
