package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// RoadmapRequest adds a step; start and due are dates ("2027-05-01") or
// RFC 3339 date-times.
type RoadmapRequest = service.RoadmapRequest

// roadmapGantt draws the roadmap; with ?overlay=deadlines it adds the
// next deadline of every open process the caller may see, as the
// calendar feed would show it to them.
func (s *Server) roadmapGantt(c echo.Context) error {
	overlay := c.QueryParam("overlay")
	if overlay != "" && overlay != "deadlines" {
		return invalid(map[string]string{"overlay": "must be deadlines"})
	}
	svg, err := s.svc.RoadmapGantt(c.Request().Context(), caller(c), overlay == "deadlines")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}

func (s *Server) roadmapRoutes() []route {
	svc := s.svc
	return []route{
		{method: http.MethodGet, path: "/api/v1/roadmap/items", access: authenticated, handler: read(everyone(svc.ListRoadmap), http.StatusOK),
			tag: "roadmap", summary: "The next steps of the reform", response: "[]RoadmapItem"},
		{method: http.MethodPost, path: "/api/v1/roadmap/items", access: staffOnly, creates: true, handler: create(svc.CreateRoadmapItem, nil),
			tag: "roadmap", summary: "Add a step (the roadmap must stay free of cycles)", request: "RoadmapInput", response: "RoadmapItem", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/roadmap/gantt.svg", access: authenticated, handler: s.roadmapGantt,
			tag: "roadmap", summary: "The roadmap as a Gantt chart (?overlay=deadlines adds the next deadline of each open process the caller may see)", produces: "image/svg+xml"},
	}
}
