package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/election"
)

// TestRoadmapDeadlinesTranslated: the roadmap's chart labels an open
// election's next deadline in the reader's language, in Spanish and in
// English, never with the workflow's code or the API's English.
func TestRoadmapDeadlinesTranslated(t *testing.T) {
	bg := context.Background()
	country(t, "HN", "Honduras")
	staff := memberOf(t, "Rosa Staff", "es", "HN", "", store.RoleStaff)
	reader := memberOf(t, "Raúl Lector", "es", "HN", "")
	title := fmt.Sprintf("Hoja de ruta %d", time.Now().UnixNano()%1e6)
	at := func(d time.Duration) *time.Time { x := time.Now().Add(d); return &x }
	if _, err := shared.svc.CreateElection(bg, &service.Actor{Member: staff}, service.ElectionRequest{Title: title,
		Seats: []election.SeatSpec{{Seat: "secretariat"}}, Calendar: service.ElectionCalendar{NominationsClose: at(240 * time.Hour),
			VotingOpen: at(480 * time.Hour), VotingClose: at(500 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	// A chart with no step is drawn empty, without its deadline lane.
	day := time.Now().UTC().Truncate(24 * time.Hour)
	if _, err := shared.svc.CreateRoadmapItem(bg, &service.Actor{Member: staff}, service.RoadmapRequest{Title: "Guía de elecciones",
		Owner: "Secretaría", Start: service.Date(day), Due: service.Date(day.AddDate(0, 2, 0)), Status: "planned"}); err != nil {
		t.Fatal(err)
	}
	c := signedClient(t, reader)
	for lang, want := range map[string][]string{
		"es": {"Elección " + title + ": Cierre de candidaturas", "plazos próximos"},
		"en": {"Election " + title + ": Nominations close", "upcoming deadlines"},
	} {
		st, _, body := fetch(t, c, http.MethodGet, "/roadmap?lang="+lang, nil)
		if st != http.StatusOK {
			t.Fatalf("%s: roadmap %d", lang, st)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the roadmap does not say %q", lang, w)
			}
		}
		for _, raw := range []string{"nominations_close", title + ": nominations close", "upcoming deadline(s)"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: the roadmap shows %q", lang, raw)
			}
		}
	}
}
