package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/gantt"
	"github.com/lacralo/ralo/store"
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

func (s *Server) roadmapGantt(c echo.Context) error {
	rows, err := s.store.ListRoadmap(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]gantt.Item, len(rows))
	for i, r := range rows {
		items[i] = r.GanttItem()
	}
	svg, err := gantt.SVG(items, store.Now())
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
			tag: "roadmap", summary: "The roadmap as a Gantt chart", produces: "image/svg+xml"},
	}
}
