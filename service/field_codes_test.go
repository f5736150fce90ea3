package service

import (
	"context"
	"testing"

	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
)

// TestAsErrorCarriesFieldCodes: a store field error keeps its English
// messages (the API's problem document) and gives the pages its codes.
func TestAsErrorCarriesFieldCodes(t *testing.T) {
	st, err := store.Open(t.TempDir() + "/ralo.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = st.CreateALS(ctx, store.Actor{}, store.ALSInput{Name: ptrTo("Internauta"), Country: ptrTo("ZZ"), Status: ptrTo("dormant")})
	e := AsError(err)
	if e.Kind != KindInvalid || e.Fields["country"] != "unknown country" || e.FieldCodes["country"] != store.FieldUnknownCountry ||
		e.FieldCodes["status"] != store.FieldALSStatus {
		t.Fatalf("AsError: %+v", e)
	}
}

// TestFeedEventLanguages: the feed names a deadline, a seat's deadline
// and a hearing, and describes a meeting, in each language.
func TestFeedEventLanguages(t *testing.T) {
	deadline := CalendarItem{Kind: "deadline", Process: "election", ProcessID: "el_1", Name: "Mayo", Deadline: "voting_close:chair"}
	hearing := CalendarItem{Kind: "hearing", Process: "arbitration", ProcessID: "arb_1"}
	meeting := CalendarItem{Kind: "meeting", Meeting: &store.Meeting{Kind: store.MeetingAssembly, Title: "Asamblea de mayo"},
		Event: notify.Event{Summary: "Asamblea de mayo"}}
	for _, tc := range []struct{ lang, deadline, hearing, meeting string }{
		{"es", "Elección Mayo: Cierre de la votación (Presidencia)", "Audiencia: Arbitraje arb_1", "Reunión de LACRALO: Asamblea mensual"},
		{"en", "Election Mayo: Voting closes (Chair)", "Hearing: Arbitration arb_1", "LACRALO meeting: Monthly assembly"},
		{"pt", "Eleição Mayo: Encerramento da votação (Presidência)", "Audiência: Arbitragem arb_1", "Reunião da LACRALO: Assembleia mensal"},
		{"fr", "Élection Mayo : Clôture du vote (Présidence)", "Audience : Arbitrage arb_1", "Réunion de LACRALO : Assemblée mensuelle"},
	} {
		if got := feedEvent(tc.lang, deadline).Summary; got != tc.deadline {
			t.Errorf("%s deadline %q, want %q", tc.lang, got, tc.deadline)
		}
		if got := feedEvent(tc.lang, hearing).Summary; got != tc.hearing {
			t.Errorf("%s hearing %q, want %q", tc.lang, got, tc.hearing)
		}
		if got := feedEvent(tc.lang, meeting); got.Description != tc.meeting || got.Summary != "Asamblea de mayo" {
			t.Errorf("%s meeting %q / %q, want %q", tc.lang, got.Summary, got.Description, tc.meeting)
		}
	}
	// A deadline no text names yet is written as its name, never lost.
	if got := feedEvent("en", CalendarItem{Kind: "deadline", Process: "statement", Name: "DNS", Deadline: "new_step"}).Summary; got != "Policy statement DNS: new step" {
		t.Errorf("unknown deadline %q", got)
	}
}

func ptrTo[T any](v T) *T { return &v }
