package notify

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// parseICS checks what an iCalendar parser forgives (RFC 5545 §3.1: CRLF
// line endings, at most 75 octets per physical line, folds on UTF-8
// boundaries), then parses the object with golang-ical, which unfolds the
// lines, unescapes TEXT values and checks that components are balanced.
func parseICS(t *testing.T, data []byte) *ics.Calendar {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end with CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("golang-ical refuses the calendar: %v\n%s", err, data)
	}
	for _, ev := range cal.Events() {
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart} {
			if len(ev.GetProperties(p)) != 1 {
				t.Fatalf("an event has %d %s properties, want 1", len(ev.GetProperties(p)), p)
			}
		}
	}
	return cal
}

// calProp is the value of a calendar property ("" when absent); a second
// copy of the property fails the test.
func calProp(t *testing.T, cal *ics.Calendar, name ics.Property) string {
	t.Helper()
	var out []string
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(name) {
			out = append(out, p.Value)
		}
	}
	if len(out) > 1 {
		t.Fatalf("%d %s properties", len(out), name)
	}
	if len(out) == 0 {
		return ""
	}
	return out[0]
}

// evProp is the (unescaped) value of an event property, "" when absent; a
// second copy of a property that must be single fails the test.
func evProp(t *testing.T, ev *ics.VEvent, name ics.ComponentProperty) string {
	t.Helper()
	ps := ev.GetProperties(name)
	if len(ps) > 1 {
		t.Fatalf("%d %s properties in %s", len(ps), name, ev.Id())
	}
	if len(ps) == 0 {
		return ""
	}
	return ps[0].Value
}

// onlyEvent is the single event of an invitation.
func onlyEvent(t *testing.T, cal *ics.Calendar) *ics.VEvent {
	t.Helper()
	evs := cal.Events()
	if len(evs) != 1 || len(cal.Components) != 1 {
		t.Fatalf("%d events in %d components, want one", len(evs), len(cal.Components))
	}
	return evs[0]
}

func hearing() Event {
	return Event{
		UID:      "arbitration-case-42-hearing@ralo",
		Method:   "REQUEST",
		Summary:  "Audiencia: caso 42; artículo 5, interpretación",
		Location: "https://meet.example.org/abc?x=1;y=2",
		Description: "Primera línea con comas, punto y coma; barra \\ invertida.\r\n" +
			"Segunda línea: " + strings.Repeat("ñandú ", 30) + "\nTercera.",
		URL:       "https://ralo.example.org/arbitrations/case-42",
		Start:     time.Date(2026, 11, 26, 12, 0, 0, 0, time.FixedZone("ART", -3*3600)),
		Duration:  90 * time.Minute,
		Organizer: "Árbitra Gómez <arbitra@example.org>",
		Attendees: []string{"ana@example.org", `"Luc, Dupont" <luc@example.org>`},
		Stamp:     time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC),
	}
}

func TestICSInvitation(t *testing.T) {
	ev := hearing()
	data := ICS(ev)
	cal := parseICS(t, data)

	if !strings.HasPrefix(string(data), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:") {
		t.Errorf("VCALENDAR header out of order: %.60q", data)
	}
	for name, want := range map[ics.Property]string{
		ics.PropertyVersion: "2.0", ics.PropertyProductId: prodID, ics.PropertyCalscale: "GREGORIAN", ics.PropertyMethod: "REQUEST",
	} {
		if got := calProp(t, cal, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	e := onlyEvent(t, cal)
	if e.Id() != ev.UID {
		t.Errorf("UID %q, want %q", e.Id(), ev.UID)
	}
	start, err := e.GetStartAt()
	if err != nil || !start.Equal(ev.Start) {
		t.Errorf("DTSTART %v (%v), want %v", start, err, ev.Start)
	}
	end, err := e.GetEndAt()
	if err != nil || !end.Equal(ev.Start.Add(ev.Duration)) {
		t.Errorf("DTEND %v (%v), want %v", end, err, ev.Start.Add(ev.Duration))
	}
	stamp, err := e.GetDtStampTime()
	if err != nil || !stamp.Equal(ev.Stamp) {
		t.Errorf("DTSTAMP %v (%v), want %v", stamp, err, ev.Stamp)
	}
	for name, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySequence: "0",
		ics.ComponentPropertyUrl:      ev.URL,
		ics.ComponentPropertyStatus:   "CONFIRMED",
		// TEXT values come back from the parser unescaped and unfolded.
		ics.ComponentPropertySummary:     ev.Summary,
		ics.ComponentPropertyLocation:    ev.Location,
		ics.ComponentPropertyDescription: strings.ReplaceAll(ev.Description, "\r\n", "\n"),
	} {
		if got := evProp(t, e, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	org := e.GetProperty(ics.ComponentPropertyOrganizer)
	if org == nil || org.Value != "mailto:arbitra@example.org" || strings.Join(org.ICalParameters["CN"], "|") != "Árbitra Gómez" {
		t.Errorf("ORGANIZER %+v", org)
	}
	att := e.Attendees()
	if len(att) != 2 || att[0].Email() != "ana@example.org" || att[1].Email() != "luc@example.org" ||
		strings.Join(att[1].ICalParameters["CN"], "|") != "Luc, Dupont" || strings.Join(att[0].ICalParameters["RSVP"], "") != "TRUE" {
		t.Errorf("ATTENDEE %+v", att)
	}
	if !strings.Contains(string(data), "\r\n ") {
		t.Errorf("long description was not folded")
	}
}

func TestICSRescheduleAndCancel(t *testing.T) {
	ev := hearing()
	ev.Sequence = 1
	ev.Start = ev.Start.Add(48 * time.Hour)
	e := onlyEvent(t, parseICS(t, ICS(ev)))
	start, err := e.GetStartAt()
	if e.Id() != hearing().UID || evProp(t, e, ics.ComponentPropertySequence) != "1" || err != nil ||
		!start.Equal(time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("reschedule: UID %q SEQUENCE %q DTSTART %v", e.Id(), evProp(t, e, ics.ComponentPropertySequence), start)
	}

	ev.Sequence, ev.Method = 2, "cancel"
	cal := parseICS(t, ICS(ev))
	e = onlyEvent(t, cal)
	if calProp(t, cal, ics.PropertyMethod) != "CANCEL" || evProp(t, e, ics.ComponentPropertyStatus) != "CANCELLED" ||
		e.Id() != hearing().UID || evProp(t, e, ics.ComponentPropertySequence) != "2" {
		t.Errorf("cancel: METHOD %q STATUS %q UID %q SEQUENCE %q", calProp(t, cal, ics.PropertyMethod),
			evProp(t, e, ics.ComponentPropertyStatus), e.Id(), evProp(t, e, ics.ComponentPropertySequence))
	}
}

func TestICSDefaults(t *testing.T) {
	before := time.Now().UTC().Truncate(time.Second)
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	cal := parseICS(t, ICS(Event{UID: "deadline-1", Summary: "Plazo", Start: at}))
	if got := calProp(t, cal, ics.PropertyMethod); got != "REQUEST" {
		t.Errorf("default METHOD %q", got)
	}
	e := onlyEvent(t, cal)
	if start, err := e.GetStartAt(); err != nil || !start.Equal(at) {
		t.Errorf("DTSTART %v (%v)", start, err)
	}
	for _, name := range []ics.ComponentProperty{ics.ComponentPropertyDtEnd, ics.ComponentPropertyDescription,
		ics.ComponentPropertyLocation, ics.ComponentPropertyUrl, ics.ComponentPropertyOrganizer, ics.ComponentPropertyAttendee} {
		if e.HasProperty(name) {
			t.Errorf("empty %s written", name)
		}
	}
	stamp, err := e.GetDtStampTime()
	if err != nil || stamp.Before(before) {
		t.Errorf("DTSTAMP %v (%v), want the current time", stamp, err)
	}
}

func TestCalendarFeed(t *testing.T) {
	deadline := Event{UID: "ethics-7-response@ralo", Summary: "Respuesta, caso 7", Start: time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), Stamp: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	cancelled := hearing()
	cancelled.Method, cancelled.Sequence = "CANCEL", 3
	cal := parseICS(t, Calendar([]Event{hearing(), deadline, cancelled}))

	if calProp(t, cal, ics.PropertyMethod) != "" {
		t.Errorf("a feed must not carry METHOD")
	}
	if calProp(t, cal, ics.PropertyProductId) != prodID || calProp(t, cal, ics.PropertyVersion) != "2.0" {
		t.Errorf("feed header")
	}
	evs := cal.Events()
	var uids, status, seq []string
	for _, e := range evs {
		uids = append(uids, e.Id())
		status = append(status, evProp(t, e, ics.ComponentPropertyStatus))
		seq = append(seq, evProp(t, e, ics.ComponentPropertySequence))
	}
	if strings.Join(uids, " ") != hearing().UID+" "+deadline.UID+" "+hearing().UID || len(cal.Components) != 3 {
		t.Errorf("UIDs %v in %d components", uids, len(cal.Components))
	}
	if strings.Join(status, " ") != "CONFIRMED CONFIRMED CANCELLED" || strings.Join(seq, " ") != "0 0 3" {
		t.Errorf("STATUS %v SEQUENCE %v", status, seq)
	}
	if got := evProp(t, evs[1], ics.ComponentPropertySummary); got != deadline.Summary {
		t.Errorf("deadline SUMMARY %q", got)
	}
	if got := string(Calendar(nil)); got != "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//LACRALO//ralo//EN\r\nCALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n" {
		t.Errorf("empty feed %q", got)
	}
}

func TestICSFolding(t *testing.T) {
	tests := []struct {
		name, summary string
	}{
		{"ascii exactly at the limit", strings.Repeat("a", 75-len("SUMMARY:"))},
		{"ascii one over", strings.Repeat("a", 76-len("SUMMARY:"))},
		{"two-byte runes", strings.Repeat("é", 200)},
		{"three-byte runes", strings.Repeat("€", 101)},
		{"four-byte runes", strings.Repeat("🗳", 77)},
		{"escapes at the fold", strings.Repeat(",", 150)},
		{"backslashes at the fold", strings.Repeat(`\n`, 60)},
		{"commas, semicolons and accents", strings.Repeat("Asamblea mensual, región LAC; votación — ¿quórum? ", 12)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := ICS(Event{UID: "u", Summary: tt.summary, Description: tt.summary + "\n" + strconv.Itoa(len(tt.summary)),
				Start: time.Unix(0, 0), Stamp: time.Unix(0, 0)})
			e := onlyEvent(t, parseICS(t, out))
			if got := evProp(t, e, ics.ComponentPropertySummary); got != tt.summary {
				t.Errorf("SUMMARY round trip lost text: %q", got)
			}
			if got := evProp(t, e, ics.ComponentPropertyDescription); got != tt.summary+"\n"+strconv.Itoa(len(tt.summary)) {
				t.Errorf("DESCRIPTION round trip lost text: %q", got)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a,b;c\d`, `a\,b\;c\\d`},
		{"l1\r\nl2\rl3\nl4", `l1\nl2\nl3\nl4`},
		{"tab\tkept, bell\x07 and del\x7f dropped", `tab` + "\t" + `kept\, bell and del dropped`},
		{"ñandú", "ñandú"},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
