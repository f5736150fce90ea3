package web

import (
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestMeetingFormsRender renders the meeting form, a refused one with its
// input, the participation page with a review form, and the roadmap, in
// the four languages.
func TestMeetingFormsRender(t *testing.T) {
	w := offline(t)
	a := &service.Actor{Member: store.Member{ID: "s", Name: "Staff", Roles: store.StringList{store.RoleStaff}}}
	now := time.Now()
	form := meetingNewView{Kinds: store.MeetingKinds, Recurrences: recurrences, Members: []service.MemberView{{ID: "m1", Name: "Ana"}}}
	part := participationView{Staff: true, Rows: []store.ParticipationRow{{ALSID: "als_1", Name: "ALS Uno", VotingStatus: "review"}}}
	part.AtRisk = part.Rows
	part.Chart = "<svg></svg>"
	road := roadmapView{Chart: "<svg></svg>", Deadlines: true, Items: []store.RoadmapItem{{ID: "r1", Title: "Nuevo reglamento", Owner: "Staff",
		StartAt: now, DueAt: now.AddDate(0, 2, 0), Status: "in_progress"}}}
	for _, lang := range service.Languages {
		for name, p := range map[string]*page{
			"meeting_new":           {Data: form, Form: map[string]string{"minutes": "60"}},
			"meeting_participation": {Data: part, Form: map[string]string{"als": "als_1", "note": "Sin actividad"}, Errors: map[string]string{"outcome": "¿?"}},
			"meeting_roadmap":       {Data: road},
		} {
			rec := w.renderAs(a, lang, name, p)
			if rec.Code != 200 {
				t.Fatalf("%s in %s: %d %s", name, lang, rec.Code, rec.Body.String())
			}
			body := rec.Body.String()
			switch name {
			case "meeting_participation":
				mustHave(t, body, `action="/participation/als_1/review"`, "Sin actividad", "¿?")
			case "meeting_roadmap":
				mustHave(t, body, "<svg></svg>", `data-item="r1"`, "/roadmap?deadlines=0")
			case "meeting_new":
				mustHave(t, body, `<option value="2mo">`, `name="minutes" min="1" inputmode="numeric" value="60"`)
			}
			if strings.Contains(body, "repeats.") || strings.Contains(body, "roadmap_status.") {
				t.Errorf("%s in %s: a message is missing", name, lang)
			}
		}
	}
}
