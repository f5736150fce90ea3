package notify

import (
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one calendar entry: a hearing, a meeting or a deadline.
type Event struct {
	// UID identifies the event across updates: a rescheduled hearing keeps
	// its UID and raises Sequence, so calendars move the entry instead of
	// adding a second one.
	UID      string
	Sequence int
	// Method is the iTIP method of an invitation: REQUEST (the default)
	// or CANCEL. A cancellation also marks the event cancelled.
	Method      string
	Summary     string
	Description string
	Location    string
	URL         string
	Start       time.Time
	// Duration is zero for a deadline, which then ends when it starts.
	Duration time.Duration
	// Organizer and Attendees are email addresses, optionally with a name
	// ("Ana Pérez <ana@example.org>").
	Organizer string
	Attendees []string
	// Stamp is when this version of the event was written. Workflows must
	// set it (from workflow.Now) so the bytes are deterministic; when zero
	// the current time is used.
	Stamp time.Time
}

const (
	prodID  = "-//LACRALO//ralo//EN"
	icsTime = "20060102T150405Z"
	// maxLine is the RFC 5545 limit on a content line, in octets,
	// excluding the CRLF.
	maxLine = 75
)

// ICS returns an iCalendar object (RFC 5545) carrying one event as an iTIP
// invitation (RFC 5546), to attach to an email with the content type
// "text/calendar; method=REQUEST" (or CANCEL).
func ICS(ev Event) []byte {
	var w icsWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:" + prodID)
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:" + method(ev))
	w.event(ev)
	w.line("END:VCALENDAR")
	return []byte(w.b.String())
}

// Calendar returns an iCalendar feed with every event, for subscription
// from a calendar application. A feed is published, not an invitation, so
// it has no METHOD; cancelled events stay in it marked cancelled.
func Calendar(events []Event) []byte {
	var w icsWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:" + prodID)
	w.line("CALSCALE:GREGORIAN")
	for _, ev := range events {
		w.event(ev)
	}
	w.line("END:VCALENDAR")
	return []byte(w.b.String())
}

func method(ev Event) string {
	if m := strings.ToUpper(strings.TrimSpace(ev.Method)); m != "" {
		return m
	}
	return "REQUEST"
}

type icsWriter struct {
	b strings.Builder
}

func (w *icsWriter) event(ev Event) {
	stamp := ev.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	w.line("BEGIN:VEVENT")
	w.line("UID:" + escapeText(ev.UID))
	w.line("SEQUENCE:" + strconv.Itoa(ev.Sequence))
	w.line("DTSTAMP:" + stamp.UTC().Format(icsTime))
	w.line("DTSTART:" + ev.Start.UTC().Format(icsTime))
	if ev.Duration > 0 {
		w.line("DTEND:" + ev.Start.Add(ev.Duration).UTC().Format(icsTime))
	}
	w.line("SUMMARY:" + escapeText(ev.Summary))
	if ev.Description != "" {
		w.line("DESCRIPTION:" + escapeText(ev.Description))
	}
	if ev.Location != "" {
		w.line("LOCATION:" + escapeText(ev.Location))
	}
	if ev.URL != "" {
		w.line("URL:" + stripControls(ev.URL))
	}
	if ev.Organizer != "" {
		w.line("ORGANIZER" + calAddress(ev.Organizer, ""))
	}
	for _, a := range ev.Attendees {
		w.line("ATTENDEE" + calAddress(a, ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"))
	}
	if method(ev) == "CANCEL" {
		w.line("STATUS:CANCELLED")
	} else {
		w.line("STATUS:CONFIRMED")
	}
	w.line("END:VEVENT")
}

// line writes one content line, folded so that no physical line exceeds 75
// octets: continuation lines start with a space, and a fold never splits a
// UTF-8 sequence.
func (w *icsWriter) line(s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash, comma and
// semicolon are escaped, any line break becomes \n, and other control
// characters, which TEXT does not allow, are dropped.
func escapeText(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t' || r >= 0x20 && r != 0x7f:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// calAddress formats an email address as a CAL-ADDRESS property tail
// (params, then ":mailto:..."), with the display name, if any, as CN so
// that calendars show who is invited rather than a bare address.
func calAddress(addr, params string) string {
	a, err := netmail.ParseAddress(addr)
	if err != nil {
		return params + ":mailto:" + stripControls(strings.TrimPrefix(strings.TrimSpace(addr), "mailto:"))
	}
	if a.Name != "" {
		// A parameter value may be quoted but cannot contain a quote.
		params = `;CN="` + stripControls(strings.ReplaceAll(a.Name, `"`, "'")) + `"` + params
	}
	return params + ":mailto:" + a.Address
}
