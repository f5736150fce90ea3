package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lacralo/ralo/gantt"
	"github.com/lacralo/ralo/store"
)

// The roadmap: the next steps of the reform, and its Gantt chart.

// Date is a day a person means, or a moment: a request gives it as a date
// ("2027-05-01", midnight UTC) or as an RFC 3339 date-time. JSON writes it
// as RFC 3339.
type Date time.Time

// errDateForm says the form a date takes.
var errDateForm = errors.New("must be a date such as 2027-05-01 or a date-time such as 2027-05-01T14:00:00Z")

// T returns the date as a time.
func (d Date) T() time.Time { return time.Time(d) }

// MarshalJSON writes the date in RFC 3339.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(time.Time(d)) }

// UnmarshalJSON reads "2027-05-01" or "2027-05-01T14:00:00Z".
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errDateForm
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			*d = Date(t.UTC())
			return nil
		}
	}
	return errDateForm
}

// RoadmapRequest adds a step of the roadmap.
type RoadmapRequest struct {
	Title     string   `json:"title"`
	Owner     string   `json:"owner"`
	Start     Date     `json:"start"`
	Due       Date     `json:"due"`
	DependsOn []string `json:"depends_on"`
	Status    string   `json:"status"`
}

// ListRoadmap lists every step by start date.
func (s *Service) ListRoadmap(ctx context.Context) ([]store.RoadmapItem, error) {
	return s.store.ListRoadmap(ctx)
}

// CreateRoadmapItem adds a step (staff); the roadmap must stay free of
// cycles, with no step before its dependencies are due.
func (s *Service) CreateRoadmapItem(ctx context.Context, a *Actor, req RoadmapRequest) (store.RoadmapItem, error) {
	if err := requireStaff(a); err != nil {
		return store.RoadmapItem{}, err
	}
	return s.store.CreateRoadmapItem(ctx, registryActor(a), store.RoadmapInput{Title: req.Title, Owner: req.Owner,
		Start: req.Start.T(), Due: req.Due.T(), DependsOn: req.DependsOn, Status: req.Status})
}

// RoadmapGantt draws the roadmap as SVG; with deadlines, it adds the next
// deadline of every open process a may see.
func (s *Service) RoadmapGantt(ctx context.Context, a *Actor, deadlines bool) ([]byte, error) {
	return s.RoadmapGanttIn(ctx, a, deadlines, gantt.English, EnglishMarker)
}

// RoadmapGanttIn is RoadmapGantt drawn with the reader's labels, the
// deadline markers named by marker.
func (s *Service) RoadmapGanttIn(ctx context.Context, a *Actor, deadlines bool, labels gantt.Labels, marker MarkerLabel) ([]byte, error) {
	var markers []gantt.Marker
	if deadlines {
		var err error
		if markers, err = s.DeadlineMarkersIn(ctx, a, marker); err != nil {
			return nil, err
		}
	}
	rows, err := s.store.ListRoadmap(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]gantt.Item, len(rows))
	for i, r := range rows {
		items[i] = r.GanttItem()
	}
	return gantt.SVGIn(labels, items, store.Now(), markers...)
}
