package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// RoadmapRequest adds a step; start and due are dates ("2027-05-01") or
// RFC 3339 date-times.
type RoadmapRequest = service.RoadmapRequest

func (s *Server) listRoadmap(c echo.Context) error {
	out, err := s.svc.ListRoadmap(c.Request().Context())
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) createRoadmapItem(c echo.Context) error {
	var in RoadmapRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.CreateRoadmapItem(c.Request().Context(), caller(c), in)
	return jsonOr(c, http.StatusCreated, out, err)
}

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
	return []route{
		{method: http.MethodGet, path: "/api/v1/roadmap/items", access: authenticated, handler: s.listRoadmap,
			tag: "roadmap", summary: "The next steps of the reform", response: "[]RoadmapItem"},
		{method: http.MethodPost, path: "/api/v1/roadmap/items", access: staffOnly, creates: true, handler: s.createRoadmapItem,
			tag: "roadmap", summary: "Add a step (the roadmap must stay free of cycles)", request: "RoadmapInput", response: "RoadmapItem", status: http.StatusCreated},
		{method: http.MethodGet, path: "/api/v1/roadmap/gantt.svg", access: authenticated, handler: s.roadmapGantt,
			tag: "roadmap", summary: "The roadmap as a Gantt chart (?overlay=deadlines adds the next deadline of each open process the caller may see)", produces: "image/svg+xml"},
	}
}
