package notify

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"
)

// wantEvents is the contract with the workflows: every event they emit
// must exist, in every language.
var wantEvents = []string{
	"generic",
	"token_issued",
	"sign_in_link",
	"member.roles_changed",
	"arbitration.filed",
	"arbitration.assigned",
	"arbitration.challenge",
	"arbitration.hearing_scheduled",
	"arbitration.hearing_rescheduled",
	"arbitration.ruling_reminder",
	"arbitration.ruling_overdue",
	"arbitration.extended",
	"arbitration.ruling",
	"arbitration.ombudsman",
	"ethics.filed",
	"ethics.receipt",
	"ethics.screening_reminder",
	"ethics.screening_overdue",
	"ethics.admitted",
	"ethics.dismissed",
	"ethics.response_requested",
	"ethics.decision",
	"ethics.appealed",
	"ethics.no_quorum",
	"election.opened",
	"election.nominated",
	"election.voting_open",
	"election.ballot_receipt",
	"election.results",
	"election.extended",
	"election.succession",
	"election.recommended",
	"election.must_fill_by",
	"statement.opened",
	"statement.comment_period",
	"statement.deadline_alert",
	"statement.close_date_changed",
	"statement.submitted",
	"statement.reminder",
	"statement.vote_open",
	"meeting.invitation",
	"meeting.reminder",
	"participation.warning",
	"participation.vote_lost",
	"participation.restored",
	"meeting.cancelled",
	"participation.review",
	"participation.quarterly",
	"digest.monthly",
	"member.welcome",
}

func fullData() map[string]any {
	return map[string]any{
		"name":         "Ana Pérez",
		"title":        "Interpretación del artículo 5",
		"text":         "Texto del aviso.",
		"case_id":      "case-42",
		"election_id":  "elec-7",
		"statement_id": "stmt-3",
		"link":         "https://ralo.example.org/cases/case-42",
		"due":          time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC),
		"previous":     time.Date(2026, 11, 19, 15, 0, 0, 0, time.UTC),
		"starts_at":    "2026-11-20T18:30:00-03:00",
		"days_left":    float64(3),
		"reason":       "carga de trabajo",
		"outcome":      "warning",
		"arbitrator":   "Carlos Ruiz",
		"location":     "https://meet.example.org/abc",
		"seat":         "chair",
		"phase":        "voting",
		"als":          "ALS Uruguay",
		"position":     "chair",
		"from":         "chair_elect",
		"recommended":  "m-ana",
		"planned_end":  time.Date(2026, 6, 3, 15, 0, 0, 0, time.UTC),
		"receipt":      "R-7F3A",
		"changes_left": float64(9),
	}
}

func TestEventsExistInEveryLanguage(t *testing.T) {
	if got := Events(); !slices.Equal(got, sorted(wantEvents)) {
		t.Fatalf("Events() = %v\nwant %v", got, sorted(wantEvents))
	}
	for _, lang := range Languages() {
		tmpl := catalog.byLang[lang]
		for _, ev := range wantEvents {
			for _, name := range []string{subjectPrefix + ev, bodyPrefix + ev} {
				if tmpl.Lookup(name) == nil {
					t.Errorf("%s: missing translation %q", lang, name)
				}
			}
		}
		// A text only some languages have is a typo or a forgotten event.
		if extra := eventsOf(tmpl); !slices.Equal(extra, sorted(wantEvents)) {
			t.Errorf("%s defines events %v, want exactly %v", lang, extra, sorted(wantEvents))
		}
	}
}

// idKeys names the data key that identifies each process's object, which
// every email about it must show.
var idKeys = map[string]string{"arbitration": "case_id", "ethics": "case_id", "election": "election_id", "statement": "statement_id"}

func TestRenderEveryEventInEveryLanguage(t *testing.T) {
	greetings := map[string]string{"es": "Hola, Ana Pérez:", "en": "Dear Ana Pérez,", "pt": "Olá, Ana Pérez,", "fr": "Bonjour Ana Pérez,"}
	for _, ev := range wantEvents {
		reference, err := Render("es", ev, fullData())
		if err != nil {
			t.Fatalf("es %s: %v", ev, err)
		}
		for _, lang := range Languages() {
			t.Run(lang+"/"+ev, func(t *testing.T) {
				r, err := Render(lang, ev, fullData())
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(r.Subject, "[LACRALO] ") || strings.ContainsAny(r.Subject, "\r\n") {
					t.Errorf("subject %q: want one line starting with [LACRALO]", r.Subject)
				}
				if !strings.HasPrefix(r.Body, greetings[lang]+"\n\n") {
					t.Errorf("body does not start with %q:\n%s", greetings[lang], r.Body)
				}
				if !strings.HasSuffix(r.Body, "\n") || strings.Contains(r.Body, "\n\n\n") {
					t.Errorf("body layout: want one trailing newline and no double blank lines:\n%q", r.Body)
				}
				assertClean(t, r)
				if lang != "es" && r.Body == reference.Body {
					t.Errorf("body identical to Spanish: not translated")
				}
				process, _, _ := strings.Cut(ev, ".")
				if key := idKeys[process]; key != "" && !strings.Contains(r.Body, fullData()[key].(string)) {
					t.Errorf("body lacks %s:\n%s", key, r.Body)
				}
				if ev != "token_issued" && !strings.Contains(r.Body, "https://ralo.example.org/cases/case-42") {
					t.Errorf("body lacks the link:\n%s", r.Body)
				}
			})
		}
	}
}

// assertClean fails on the marks a template leaves when data is missing or
// of an unexpected type.
func assertClean(t *testing.T, r Rendered) {
	t.Helper()
	for _, bad := range []string{"<no value>", "<nil>", "%!", "{{", "map["} {
		if strings.Contains(r.Subject, bad) || strings.Contains(r.Body, bad) {
			t.Errorf("rendered text contains %q:\nsubject: %s\n%s", bad, r.Subject, r.Body)
		}
	}
}

func TestRenderMissingDataIsEmpty(t *testing.T) {
	for _, data := range []map[string]any{nil, {}, {"name": nil, "due": nil, "days_left": nil}} {
		for _, lang := range Languages() {
			for _, ev := range wantEvents {
				r, err := Render(lang, ev, data)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, ev, err)
				}
				assertClean(t, r)
			}
		}
	}
	r, err := Render("en", "generic", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Body, "Hello,\n") {
		t.Errorf("greeting without a name: %q", r.Body)
	}
}

func TestRenderLanguageFallback(t *testing.T) {
	es, err := Render("es", "ethics.admitted", fullData())
	if err != nil {
		t.Fatal(err)
	}
	pt, err := Render("pt", "ethics.admitted", fullData())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		want Rendered
	}{
		{"", es},
		{"de", es},
		{"es-AR", es},
		{"pt-BR", pt},
		{"PT_br", pt},
		{" pt ", pt},
	}
	for _, tt := range tests {
		got, err := Render(tt.lang, "ethics.admitted", fullData())
		if err != nil {
			t.Fatalf("%q: %v", tt.lang, err)
		}
		if got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.lang, got.Subject, tt.want.Subject)
		}
	}
}

func TestRenderUnknownEvent(t *testing.T) {
	for _, ev := range []string{"", "ethics.unknown", "subject:generic", "greeting", "footer"} {
		if _, err := Render("en", ev, nil); !errors.Is(err, ErrUnknownEvent) {
			t.Errorf("Render(%q) error = %v, want ErrUnknownEvent", ev, err)
		}
	}
}

// A text missing from one language is sent in Spanish rather than not at
// all. The embedded catalog is complete, so the test removes a text.
func TestRenderMissingTranslationFallsBackToSpanish(t *testing.T) {
	orig := catalog.byLang["fr"]
	t.Cleanup(func() { catalog.byLang["fr"] = orig })
	partial := template.Must(template.New("fr").Funcs(funcs).Parse(
		`{{define "subject:generic"}}Sujet{{end}}{{define "body:generic"}}Corps{{end}}`))
	catalog.byLang["fr"] = partial

	got, err := Render("fr", "ethics.filed", fullData())
	if err != nil {
		t.Fatal(err)
	}
	want, err := Render("es", "ethics.filed", fullData())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("fallback = %q, want the Spanish text %q", got.Subject, want.Subject)
	}
	if got, _ := Render("fr", "generic", nil); got.Subject != "Sujet" {
		t.Errorf("translated event: subject %q, want Sujet", got.Subject)
	}
}

func TestRenderDetails(t *testing.T) {
	tests := []struct {
		name, lang, event string
		data              map[string]any
		subject           string
		body              []string
	}{
		{
			name: "singular day", lang: "es", event: "arbitration.ruling_reminder",
			data:    map[string]any{"case_id": "A1", "days_left": 1, "due": "2026-11-26T15:00:00Z"},
			subject: "[LACRALO] Arbitraje A1: queda 1 día para el laudo",
			body:    []string{"a más tardar el 2026-11-26 15:00 UTC; queda 1 día."},
		},
		{
			name: "plural days from JSON", lang: "en", event: "arbitration.ruling_reminder",
			data:    map[string]any{"case_id": "A1", "days_left": float64(7), "due": "2026-11-26T12:00:00-03:00"},
			subject: "[LACRALO] Arbitration A1: ruling due in 7 days",
			body:    []string{"is due by 2026-11-26 15:00 UTC, 7 days from now."},
		},
		{
			name: "ethics outcome translated", lang: "pt", event: "ethics.decision",
			data: map[string]any{"case_id": "E1", "outcome": "suspension"},
			body: []string{"Decisão: suspensão do direito de voto"},
		},
		{
			name: "unknown outcome shown as given", lang: "fr", event: "ethics.decision",
			data: map[string]any{"case_id": "E1", "outcome": "autre"},
			body: []string{"Décision : autre"},
		},
		{
			name: "optional sentence omitted", lang: "en", event: "arbitration.challenge",
			data: map[string]any{"case_id": "A2"},
			body: []string{"assigned to arbitration case A2.\n\nIf the challenge"},
		},
		{
			name: "optional sentence present", lang: "en", event: "arbitration.challenge",
			data: map[string]any{"case_id": "A2", "reason": "same ALS"},
			body: []string{"arbitration case A2.\n\nReason: same ALS\n\nIf the challenge"},
		},
		{
			name: "subject kept on one line", lang: "en", event: "generic",
			data:    map[string]any{"title": "Two\r\nlines"},
			subject: "[LACRALO] Two lines",
		},
		{
			name: "generic", lang: "fr", event: "generic",
			data:    map[string]any{"name": "Luc", "title": "Avis", "text": "Ligne 1\nLigne 2"},
			subject: "[LACRALO] Avis",
			body:    []string{"Bonjour Luc,\n\nLigne 1\nLigne 2\n\n--\nLACRALO"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Render(tt.lang, tt.event, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if tt.subject != "" && r.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", r.Subject, tt.subject)
			}
			for _, want := range tt.body {
				if !strings.Contains(r.Body, want) {
					t.Errorf("body lacks %q:\n%s", want, r.Body)
				}
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{"": "es", "en": "en", "EN-gb": "en", "fr_CA": "fr", "pt": "pt", "it": "es", "e": "es"} {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Languages(); got[0] != DefaultLanguage || len(got) != 4 {
		t.Errorf("Languages() = %v", got)
	}
}

func TestFormatDate(t *testing.T) {
	at := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		in   any
		want string
	}{
		{at, "2026-11-26 15:00 UTC"},
		{&at, "2026-11-26 15:00 UTC"},
		{(*time.Time)(nil), ""},
		{at.In(time.FixedZone("ART", -3*3600)), "2026-11-26 15:00 UTC"},
		{"2026-11-26T12:00:00-03:00", "2026-11-26 15:00 UTC"},
		{"next Monday", "next Monday"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := formatDate(tt.in); got != tt.want {
			t.Errorf("formatDate(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestRenderDigest: the monthly digest lists each item with what the member
// can do in it and its next deadline, in each of the four languages, and
// says how to unsubscribe.
func TestRenderDigest(t *testing.T) {
	items := []any{
		map[string]any{"process": "election", "id": "el_1", "title": "Chair 2027", "action": "vote",
			"deadline": "voting_close", "due": "2027-05-10T15:00:00Z"},
		map[string]any{"process": "statement", "id": "st_1", "title": "IDN rules", "action": "", "due": nil},
		map[string]any{"process": "election", "id": "el_2", "title": "ALAC 2027", "action": "nominate",
			"deadline": "nominations_close:alac_member", "due": "2027-04-01T15:00:00Z"},
	}
	want := map[string][]string{
		"es": {"Elección «Chair 2027» (el_1): emita el voto de su ALS. Próximo plazo: 2027-05-10 15:00 UTC (cierre de la votación).", "(cierre de candidaturas, puesto alac_member).", "Declaración de política «IDN rules» (st_1): nada que hacer: sígalo.", "darse de baja"},
		"en": {`Election "Chair 2027" (el_1): cast your ALS's ballot. Next deadline: 2027-05-10 15:00 UTC (voting closes).`, `(nominations close, seat alac_member).`, `Policy statement "IDN rules" (st_1): nothing to do: follow it.`, "unsubscribe"},
		"pt": {`Eleição "Chair 2027" (el_1): dê o voto da sua ALS. Próximo prazo: 2027-05-10 15:00 UTC (encerramento da votação).`, `(encerramento das candidaturas, cargo alac_member).`, `Declaração de política "IDN rules" (st_1): nada a fazer: acompanhe.`, "cancelar a inscrição"},
		"fr": {"Élection « Chair 2027 » (el_1) : exprimez la voix de votre ALS. Prochaine échéance : 2027-05-10 15:00 UTC (clôture du vote).", "(clôture des candidatures, poste alac_member).", "Déclaration de politique « IDN rules » (st_1) : rien à faire : suivez-le.", "désabonner"},
	}
	for lang, lines := range want {
		r, err := Render(lang, "digest.monthly", map[string]any{"name": "Ana", "month": "2027-05", "items": items, "member_id": "m_1"})
		if err != nil {
			t.Fatal(err)
		}
		assertClean(t, r)
		if !strings.Contains(r.Subject, "2027-05") {
			t.Errorf("%s subject %q lacks the month", lang, r.Subject)
		}
		for _, l := range lines {
			if !strings.Contains(r.Body, l) {
				t.Errorf("%s body lacks %q:\n%s", lang, l, r.Body)
			}
		}
		if !strings.Contains(r.Body, "PATCH /api/v1/members/m_1") || strings.Contains(r.Body, "\n\n\n") {
			t.Errorf("%s body: unsubscribe path or layout:\n%s", lang, r.Body)
		}
	}
}

// TestRenderWelcome: the welcome email carries the guidelines of the
// member's own language only.
func TestRenderWelcome(t *testing.T) {
	data := map[string]any{"name": "Ana", "guidelines_es": "PAUTAS-ES", "guidelines_en": "GUIDELINES-EN",
		"guidelines_pt": "ORIENTACOES-PT", "guidelines_fr": "LIGNES-FR"}
	for lang, own := range map[string]string{"es": "PAUTAS-ES", "en": "GUIDELINES-EN", "pt": "ORIENTACOES-PT", "fr": "LIGNES-FR"} {
		r, err := Render(lang, "member.welcome", data)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []string{"PAUTAS-ES", "GUIDELINES-EN", "ORIENTACOES-PT", "LIGNES-FR"} {
			if strings.Contains(r.Body, g) != (g == own) {
				t.Errorf("%s body: guidelines %s present = %v:\n%s", lang, g, strings.Contains(r.Body, g), r.Body)
			}
		}
	}
}
