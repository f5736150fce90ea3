package notify

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// prop is one parsed iCalendar content line.
type prop struct {
	name   string
	params string
	value  string
}

// parseICS is a small RFC 5545 reader for the tests: it checks the
// physical layout (CRLF, at most 75 octets, folds on UTF-8 boundaries),
// unfolds, and splits each content line into name, parameters and value.
func parseICS(t *testing.T, data []byte) []prop {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var logical []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				t.Fatalf("continuation before any line")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	var props []prop
	for _, l := range logical {
		head, value, ok := cutUnquoted(l)
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		name, params, _ := strings.Cut(head, ";")
		props = append(props, prop{name: name, params: params, value: value})
	}
	return props
}

// cutUnquoted splits at the first colon outside a quoted parameter value.
func cutUnquoted(l string) (string, string, bool) {
	quoted := false
	for i, r := range l {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ':' && !quoted:
			return l[:i], l[i+1:], true
		}
	}
	return "", "", false
}

func unescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func values(props []prop, name string) []prop {
	var out []prop
	for _, p := range props {
		if p.name == name {
			out = append(out, p)
		}
	}
	return out
}

func one(t *testing.T, props []prop, name string) prop {
	t.Helper()
	v := values(props, name)
	if len(v) != 1 {
		t.Fatalf("%d %s properties, want 1", len(v), name)
	}
	return v[0]
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
	props := parseICS(t, ICS(ev))

	wantOrder := []string{"BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN"}
	for i, name := range wantOrder {
		if props[i].name != name {
			t.Fatalf("line %d is %s, want %s", i, props[i].name, name)
		}
	}
	if props[0].value != "VCALENDAR" || props[len(props)-1].name != "END" || props[len(props)-1].value != "VCALENDAR" {
		t.Errorf("not wrapped in VCALENDAR")
	}
	tests := []struct{ name, want string }{
		{"VERSION", "2.0"},
		{"PRODID", "-//LACRALO//ralo//EN"},
		{"METHOD", "REQUEST"},
		{"UID", ev.UID},
		{"SEQUENCE", "0"},
		{"DTSTAMP", "20261101T093000Z"},
		{"DTSTART", "20261126T150000Z"},
		{"DTEND", "20261126T163000Z"},
		{"URL", ev.URL},
		{"STATUS", "CONFIRMED"},
	}
	for _, tt := range tests {
		if got := one(t, props, tt.name).value; got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, got, tt.want)
		}
	}
	for name, want := range map[string]string{
		"SUMMARY":     ev.Summary,
		"LOCATION":    ev.Location,
		"DESCRIPTION": strings.ReplaceAll(ev.Description, "\r\n", "\n"),
	} {
		raw := one(t, props, name).value
		if got := unescapeText(raw); got != want {
			t.Errorf("%s round trip = %q, want %q", name, got, want)
		}
		if strings.ContainsAny(strings.NewReplacer(`\\`, "", `\,`, "", `\;`, "").Replace(raw), ",;") {
			t.Errorf("%s has unescaped separators: %q", name, raw)
		}
	}
	org := one(t, props, "ORGANIZER")
	if org.value != "mailto:arbitra@example.org" || org.params != `CN="Árbitra Gómez"` {
		t.Errorf("ORGANIZER params %q value %q", org.params, org.value)
	}
	att := values(props, "ATTENDEE")
	if len(att) != 2 || att[0].value != "mailto:ana@example.org" || att[1].value != "mailto:luc@example.org" ||
		!strings.HasPrefix(att[1].params, `CN="Luc, Dupont";`) || !strings.Contains(att[0].params, "RSVP=TRUE") {
		t.Errorf("ATTENDEE = %+v", att)
	}
	if !strings.Contains(string(ICS(ev)), "\r\n ") {
		t.Errorf("long description was not folded")
	}
}

func TestICSRescheduleAndCancel(t *testing.T) {
	ev := hearing()
	ev.Sequence = 1
	ev.Start = ev.Start.Add(48 * time.Hour)
	props := parseICS(t, ICS(ev))
	if one(t, props, "UID").value != hearing().UID || one(t, props, "SEQUENCE").value != "1" ||
		one(t, props, "DTSTART").value != "20261128T150000Z" {
		t.Errorf("reschedule: UID %q SEQUENCE %q DTSTART %q", one(t, props, "UID").value,
			one(t, props, "SEQUENCE").value, one(t, props, "DTSTART").value)
	}

	ev.Sequence, ev.Method = 2, "cancel"
	props = parseICS(t, ICS(ev))
	if one(t, props, "METHOD").value != "CANCEL" || one(t, props, "STATUS").value != "CANCELLED" {
		t.Errorf("cancel: METHOD %q STATUS %q", one(t, props, "METHOD").value, one(t, props, "STATUS").value)
	}
}

func TestICSDefaults(t *testing.T) {
	before := time.Now().UTC().Truncate(time.Second)
	props := parseICS(t, ICS(Event{UID: "deadline-1", Summary: "Plazo", Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}))
	if got := one(t, props, "METHOD").value; got != "REQUEST" {
		t.Errorf("default METHOD %q", got)
	}
	if len(values(props, "DTEND")) != 0 {
		t.Errorf("a deadline has no DTEND")
	}
	for _, name := range []string{"DESCRIPTION", "LOCATION", "URL", "ORGANIZER", "ATTENDEE"} {
		if len(values(props, name)) != 0 {
			t.Errorf("empty %s written", name)
		}
	}
	stamp, err := time.Parse(icsTime, one(t, props, "DTSTAMP").value)
	if err != nil || stamp.Before(before) {
		t.Errorf("DTSTAMP %v (%v), want the current time", stamp, err)
	}
}

func TestCalendarFeed(t *testing.T) {
	deadline := Event{UID: "ethics-7-response@ralo", Summary: "Respuesta, caso 7", Start: time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), Stamp: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	cancelled := hearing()
	cancelled.Method, cancelled.Sequence = "CANCEL", 3
	props := parseICS(t, Calendar([]Event{hearing(), deadline, cancelled}))

	if len(values(props, "METHOD")) != 0 {
		t.Errorf("a feed must not carry METHOD")
	}
	if one(t, props, "PRODID").value != prodID || one(t, props, "VERSION").value != "2.0" {
		t.Errorf("feed header")
	}
	var uids []string
	for _, p := range values(props, "UID") {
		uids = append(uids, p.value)
	}
	if strings.Join(uids, " ") != hearing().UID+" "+deadline.UID+" "+hearing().UID {
		t.Errorf("UIDs %v", uids)
	}
	if n := len(values(props, "BEGIN")); n != 4 {
		t.Errorf("%d BEGIN lines, want VCALENDAR + 3 VEVENT", n)
	}
	status := values(props, "STATUS")
	if len(status) != 3 || status[2].value != "CANCELLED" || status[0].value != "CONFIRMED" {
		t.Errorf("STATUS %+v", status)
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := ICS(Event{UID: "u", Summary: tt.summary, Start: time.Unix(0, 0), Stamp: time.Unix(0, 0)})
			props := parseICS(t, out)
			if got := unescapeText(one(t, props, "SUMMARY").value); got != tt.summary {
				t.Errorf("round trip lost text: %q", got)
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
