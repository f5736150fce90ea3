package web

import (
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/workflows"
)

// TestRoadmapMarkerLabels: the roadmap's deadline markers name the
// process, its title (a case, which has none to show, by its ID) and the
// deadline in the reader's language, a seat's deadline with the seat's
// name, and count the deadlines ahead in words; never a raw code.
func TestRoadmapMarkerLabels(t *testing.T) {
	w := offline(t)
	cases := []struct {
		o                service.ProcessDates
		deadline         string
		upcoming         int
		lang, label, tip string
	}{
		{service.ProcessDates{Process: "election", ID: "elc_1", Name: "Ciclo 2027"}, "voting_close:secretariat", 3,
			"es", "Elección Ciclo 2027: Cierre de la votación (Secretaría)", "3 plazos próximos"},
		{service.ProcessDates{Process: "election", ID: "elc_1", Name: "Ciclo 2027"}, "voting_close:secretariat", 3,
			"en", "Election Ciclo 2027: Voting closes (Secretariat)", "3 upcoming deadlines"},
		{service.ProcessDates{Process: "election", ID: "elc_1", Name: "Ciclo 2027"}, "nominations_close", 1,
			"en", "Election Ciclo 2027: Nominations close", "1 upcoming deadline"},
		{service.ProcessDates{Process: "statement", ID: "stm_1", Name: "DNS abuse"}, "comment_period", 2,
			"es", "Declaración de políticas DNS abuse: cierre del período de comentarios", "2 plazos próximos"},
		{service.ProcessDates{Process: "arbitration", ID: "arb_9"}, "challenge_window", 1,
			"en", "Arbitration arb_9: challenge of the arbitrator", "1 upcoming deadline"},
		{service.ProcessDates{Process: "election", ID: "elc_1", Name: "Ciclo 2027"}, "succession:chair", 1,
			"es", "Elección Ciclo 2027: sucesión en el cargo (Presidencia)", "1 plazo próximo"},
	}
	for _, c := range cases {
		v := &viewer{lang: c.lang, loc: i18n.NewLocalizer(w.bundle, c.lang), zone: time.UTC}
		label, tip := roadmapMarker(v)(c.o, workflows.Deadline{Name: c.deadline, At: time.Now()}, c.upcoming)
		if label != c.label || tip != c.tip {
			t.Errorf("%s %s: (%q, %q), want (%q, %q)", c.lang, c.deadline, label, tip, c.label, c.tip)
		}
	}
}

// TestCalendarEventTitles: the calendar page names a deadline as the
// roadmap does, a seat's own with the seat's name, never the raw code.
func TestCalendarEventTitles(t *testing.T) {
	w := offline(t)
	for lang, want := range map[string]string{
		"es": "Elección Ciclo 2027: Cierre de la votación (Secretaría)",
		"en": "Election Ciclo 2027: Voting closes (Secretariat)",
	} {
		v := &viewer{lang: lang, loc: i18n.NewLocalizer(w.bundle, lang), zone: time.UTC}
		it := service.CalendarItem{Process: "election", ProcessID: "elc_1", Name: "Ciclo 2027", Deadline: "voting_close:secretariat"}
		if got := eventTitle(v, it); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
