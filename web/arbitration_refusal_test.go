package web_test

import (
	"context"
	"encoding/json"
	htmlpkg "html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestArbitrationRefusalsTranslated: the arbitration's coded refusals of
// each kind — not the reader's to make (403), not possible now (409), a
// field refused (422) — are explained on the case's page in the
// reader's language, never in the workflow's English sentence, with
// what they typed kept; the JSON API's problem document keeps the
// English detail and names the code.
func TestArbitrationRefusalsTranslated(t *testing.T) {
	bg := context.Background()
	country(t, "PY", "Paraguay")
	paula := memberOf(t, "Paula Parte", "es", "PY", "")
	pedro := memberOf(t, "Pedro Parte", "es", "PY", "")
	sofia := memberOf(t, "Sofía Staff", "es", "PY", "", store.RoleStaff)
	arturo := memberOf(t, "Arturo Árbitro", "es", "PY", "", store.RoleArbitrator)
	asPedro, asSofia := signedInClient(t, pedro), signedInClient(t, sofia)
	_, token, err := shared.app.Store.IssueToken(bg, store.Actor{}, pedro.ID, "refusal test")
	if err != nil {
		t.Fatal(err)
	}

	// A case with its arbitrator, challenged by Paula: the challenge waits
	// for staff, within the (short) challenge window of the tests' policy.
	c, err := shared.svc.FileArbitration(bg, &service.Actor{Member: paula}, service.ArbitrationRequest{
		Question: "¿Cuántos poderes puede tener una ALS?", Articles: []string{"RP 12.8"}, Parties: []string{pedro.ID}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/arbitrations/" + c.ID
	if _, err := shared.svc.AssignArbitrator(bg, &service.Actor{Member: sofia}, c.ID, service.AssignRequest{ArbitratorID: arturo.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := shared.svc.ConfirmArbitrator(bg, &service.Actor{Member: arturo}, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := shared.svc.ChallengeArbitrator(bg, &service.Actor{Member: paula}, c.ID, service.ChallengeRequest{Reason: "Trabajó con Pedro."}); err != nil {
		t.Fatal(err)
	}

	starts := time.Now().Add(72 * time.Hour).Format("2006-01-02T15:04")
	cases := []struct {
		name    string
		client  *http.Client
		action  string
		form    url.Values
		status  int
		english string            // the workflow's sentence, never on the page
		want    map[string]string // by language: the explanation
		kept    string
	}{
		{"a party scheduling the hearing", asPedro, "hearing",
			url.Values{"starts_at": {starts}, "minutes": {"60"}, "location": {"Sala guardada 403"}},
			http.StatusForbidden, "only the assigned arbitrator can schedule the hearing",
			map[string]string{"es": "Solo el árbitro asignado puede programar la audiencia.", "en": "Only the assigned arbitrator can schedule the hearing."},
			"Sala guardada 403"},
		{"a second challenge while one waits", asPedro, "challenge",
			url.Values{"reason": {"Motivo guardado 409"}},
			http.StatusConflict, "a challenge is already waiting for a decision",
			map[string]string{"es": "Ya hay una impugnación pendiente de la decisión del personal de apoyo.", "en": "A challenge is already waiting for staff's decision."},
			"Motivo guardado 409"},
		{"a decision neither sustain nor reject", asSofia, "decide_challenge",
			url.Values{"decision": {"maybe"}, "reason": {"Motivo de la decisión 422"}},
			http.StatusUnprocessableEntity, "decision must be",
			map[string]string{"es": "Revise este campo: Elija si la impugnación se acepta o se rechaza.", "en": "Check this field: Choose whether the challenge is sustained or rejected."},
			">Motivo de la decisión 422</textarea>"},
	}
	for _, tc := range cases {
		for _, lang := range []string{"es", "en"} {
			st, _, body := fetch(t, tc.client, "POST", path+"/"+tc.action+"?lang="+lang, tc.form)
			want := htmlpkg.EscapeString(tc.want[lang])
			switch {
			case st != tc.status:
				t.Errorf("%s (%s): status %d, want %d", tc.name, lang, st, tc.status)
			case !strings.Contains(body, want):
				t.Errorf("%s (%s): the page lacks %q\n%s", tc.name, lang, want, body)
			case strings.Contains(body, tc.english):
				t.Errorf("%s (%s): the page shows the workflow's English %q", tc.name, lang, tc.english)
			case !strings.Contains(body, tc.kept):
				t.Errorf("%s (%s): what was typed (%q) is lost", tc.name, lang, tc.kept)
			}
		}
	}

	// The service's own field refusals on the filing page, beside their
	// field, the question kept: an appeal of an ethics case that does not
	// exist, a party no longer in the registry.
	asPaula := signedInClient(t, paula)
	filings := []struct {
		name, english string
		form          url.Values
		want          map[string]string
	}{
		{"an appeal of an unknown case", "no such ethics case",
			url.Values{"party." + pedro.ID: {"on"}, "appeal_kind": {"ethics"}, "appeal_id": {"eth_nope"}},
			map[string]string{"es": "No hay ningún caso de ética con este identificador que usted pueda apelar.", "en": "No ethics case with this identifier is yours to appeal."}},
		{"a party not in the registry", "no member or ALS with this ID",
			url.Values{"party.mem_gone": {"on"}},
			map[string]string{"es": "Una de las partes elegidas ya no está en el registro: vuelva a elegir las partes.", "en": "A party chosen is no longer in the registry: choose the parties again."}},
	}
	for _, f := range filings {
		f.form.Set("question", "Pregunta guardada")
		for _, lang := range []string{"es", "en"} {
			st, _, body := fetch(t, asPaula, "POST", "/arbitrations?lang="+lang, f.form)
			if want := htmlpkg.EscapeString(f.want[lang]); st != http.StatusUnprocessableEntity || !strings.Contains(body, want) ||
				strings.Contains(body, f.english) || !strings.Contains(body, "Pregunta guardada") {
				t.Errorf("%s (%s): %d, want 422 with %q and the question kept\n%s", f.name, lang, st, want, body)
			}
		}
	}

	// The API: the English sentence as before, and the code.
	req, _ := http.NewRequest("POST", shared.url+"/api/v1"+path+"/challenge", strings.NewReader(`{"reason":"again"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
		Code   string `json:"code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusConflict || p.Detail != "a challenge is already waiting for a decision" || p.Code != "arbitration.challenge_pending" {
		t.Fatalf("API problem %d %+v, want 409 with the English detail and code arbitration.challenge_pending", resp.StatusCode, p)
	}
}
