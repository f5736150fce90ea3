package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/gantt"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

func (s *Server) listRoadmap(c echo.Context) error {
	out, err := s.store.ListRoadmap(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createRoadmapItem(c echo.Context) error {
	var in store.RoadmapInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.store.CreateRoadmapItem(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// roadmapGantt draws the roadmap; with ?overlay=deadlines it adds the
// next deadline of every open process the caller may see, as the
// calendar feed would show it to them.
func (s *Server) roadmapGantt(c echo.Context) error {
	var markers []gantt.Marker
	switch c.QueryParam("overlay") {
	case "":
	case "deadlines":
		var err error
		if markers, err = s.deadlineMarkers(c); err != nil {
			return err
		}
	default:
		return invalid(map[string]string{"overlay": "must be deadlines"})
	}
	rows, err := s.store.ListRoadmap(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]gantt.Item, len(rows))
	for i, r := range rows {
		items[i] = r.GanttItem()
	}
	svg, err := gantt.SVG(items, store.Now(), markers...)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}

// deadlineMarkers is the next deadline of each open process the caller
// may see.
func (s *Server) deadlineMarkers(c echo.Context) ([]gantt.Marker, error) {
	open, err := s.openDeadlines(c, principal(c))
	if err != nil {
		return nil, err
	}
	var out []gantt.Marker
	for _, o := range open {
		if len(o.deadlines) == 0 {
			continue
		}
		next := slices.MinFunc(o.deadlines, func(a, b workflows.Deadline) int { return a.At.Compare(b.At) })
		out = append(out, gantt.Marker{Label: o.title + ": " + strings.ReplaceAll(next.Name, "_", " "), At: next.At,
			Detail: strconv.Itoa(len(o.deadlines)) + " upcoming deadline(s)"})
	}
	return out, nil
}

func (s *Server) roadmapRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/api/v1/roadmap/items", access: authenticated, handler: s.listRoadmap,
			tag: "roadmap", summary: "The next steps of the reform", response: "[]RoadmapItem"},
		{method: http.MethodPost, path: "/api/v1/roadmap/items", access: staffOnly, creates: true, handler: s.createRoadmapItem,
			tag: "roadmap", summary: "Add a step (the roadmap must stay free of cycles)", request: "RoadmapInput", response: "RoadmapItem", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/roadmap/gantt.svg", access: authenticated, handler: s.roadmapGantt,
			tag: "roadmap", summary: "The roadmap as a Gantt chart (?overlay=deadlines adds the next deadline of each open process the caller may see)", produces: "image/svg+xml"},
	}
}
