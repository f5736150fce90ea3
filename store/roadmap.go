package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lacralo/ralo/gantt"
)

// RoadmapItem is one step of the reform roadmap.
type RoadmapItem struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	Title     string     `json:"title"`
	Owner     string     `json:"owner"`
	StartAt   time.Time  `json:"start"`
	DueAt     time.Time  `json:"due"`
	DependsOn StringList `json:"depends_on"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// GanttItem converts a row for the chart and its validation.
func (r RoadmapItem) GanttItem() gantt.Item {
	return gantt.Item{ID: r.ID, Title: r.Title, Owner: r.Owner, Start: r.StartAt, Due: r.DueAt,
		DependsOn: []string(r.DependsOn), Status: r.Status}
}

// RoadmapInput creates an item.
type RoadmapInput struct {
	Title     string    `json:"title"`
	Owner     string    `json:"owner"`
	Start     time.Time `json:"start"`
	Due       time.Time `json:"due"`
	DependsOn []string  `json:"depends_on"`
	Status    string    `json:"status"`
}

// ListRoadmap lists every item by start date.
func (s *Store) ListRoadmap(ctx context.Context) ([]RoadmapItem, error) {
	var out []RoadmapItem
	err := s.DB.WithContext(ctx).Order("start_at, id").Find(&out).Error
	return out, err
}

// CreateRoadmapItem adds an item; the whole roadmap with it must stay valid
// (dependencies exist, no cycle, no item before its dependencies are due).
func (s *Store) CreateRoadmapItem(ctx context.Context, actor Actor, in RoadmapInput) (RoadmapItem, error) {
	if strings.TrimSpace(in.Title) == "" {
		return RoadmapItem{}, fieldError("title", FieldRequired, "is required")
	}
	if in.Status == "" {
		in.Status = gantt.StatusPlanned
	}
	item := RoadmapItem{ID: NewID("rm"), Title: strings.TrimSpace(in.Title), Owner: strings.TrimSpace(in.Owner),
		StartAt: in.Start.UTC(), DueAt: in.Due.UTC(), DependsOn: StringList(in.DependsOn), Status: in.Status}
	if item.DependsOn == nil {
		item.DependsOn = StringList{}
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var all []RoadmapItem
		if err := tx.Find(&all).Error; err != nil {
			return err
		}
		items := []gantt.Item{}
		for _, r := range all {
			items = append(items, r.GanttItem())
		}
		if err := gantt.Validate(append(items, item.GanttItem())); err != nil {
			var ve *gantt.ValidationError
			if errors.As(err, &ve) {
				return fieldError("roadmap", FieldRoadmap, strings.Join(ve.Problems, "; "))
			}
			return err
		}
		if err := tx.Create(&item).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "roadmap", ObjectID: item.ID,
			Action: "roadmap.item_created", Details: item, Audience: AudiencePublic})
		return err
	})
	return item, err
}
