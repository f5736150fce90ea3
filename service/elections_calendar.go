package service

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows/election"
)

// ElectionCalendar holds the dates of a cycle a request gives; nil takes
// the default: acceptance_close from nominations_close, objections_close
// from acceptance_close plus the policy's objection window, voting_open
// from objections_close.
type ElectionCalendar struct {
	NominationsClose *time.Time `json:"nominations_close"`
	AcceptanceClose  *time.Time `json:"acceptance_close"`
	ObjectionsClose  *time.Time `json:"objections_close"`
	VotingOpen       *time.Time `json:"voting_open"`
	VotingClose      *time.Time `json:"voting_close"`
	TermStart        *time.Time `json:"term_start"`

	// unread holds the fields JSON gave in a form that is not a date, with
	// their message and its code, so that the refusal names them.
	unread, unreadCodes map[string]string
}

// dateForm is the message of a date that cannot be read.
const dateForm = "must be a date and time such as 2027-03-01T12:00:00Z (RFC 3339)"

// UnmarshalJSON reads the dates, keeping each one that is not a date (or
// a key that is no date of the calendar) as a field message instead of
// failing with the parser's.
func (c *ElectionCalendar) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[map[string]any](), Field: ""}
	}
	*c = ElectionCalendar{}
	dates := map[string]**time.Time{"nominations_close": &c.NominationsClose, "acceptance_close": &c.AcceptanceClose,
		"objections_close": &c.ObjectionsClose, "voting_open": &c.VotingOpen, "voting_close": &c.VotingClose, "term_start": &c.TermStart}
	for key, v := range raw {
		p, ok := dates[key]
		if !ok {
			c.unreadField(key, "unknown field", FieldElectionDateUnknown)
			continue
		}
		if string(v) == "null" {
			continue
		}
		var t time.Time
		if err := json.Unmarshal(v, &t); err != nil {
			c.unreadField(key, dateForm, FieldElectionDateForm)
			continue
		}
		*p = &t
	}
	return nil
}

func (c *ElectionCalendar) unreadField(key, msg, code string) {
	if c.unread == nil {
		c.unread, c.unreadCodes = map[string]string{}, map[string]string{}
	}
	c.unread["calendar."+key], c.unreadCodes["calendar."+key] = msg, code
}

// calendarDate is one date of a cycle's calendar as the request left it:
// given, or defaulted, and then from what.
type calendarDate struct {
	field string
	at    time.Time
	// from says how a date not given was defaulted ("acceptance_close +
	// 48h"); empty when the request gave it.
	from string
}

// describe tells a date as the person reads it in an error: its value and,
// when defaulted, from what.
func (d calendarDate) describe() string {
	if d.at.IsZero() {
		return d.field + " was not given"
	}
	at := d.at.UTC().Format(time.RFC3339)
	if d.from != "" {
		return d.field + " was not given and defaulted to " + d.from + " = " + at
	}
	return d.field + " is " + at
}

// calendar fills the dates the request left out and checks their order.
// Every field out of order gets a message that says which dates were
// defaulted and from what, so that a person who gave none of them learns
// why the dates they did give conflict; codes names each message for the
// pages (Error.FieldCodes).
func calendar(req ElectionCalendar, objectionWindow time.Duration, now time.Time) (cal election.Calendar, fields, codes map[string]string) {
	at := func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return t.UTC()
	}
	dates := []calendarDate{
		{field: "nominations_close", at: at(req.NominationsClose)},
		{field: "acceptance_close", at: at(req.AcceptanceClose)},
		{field: "objections_close", at: at(req.ObjectionsClose)},
		{field: "voting_open", at: at(req.VotingOpen)},
		{field: "voting_close", at: at(req.VotingClose)},
	}
	nom, acc, obj, open, closes := &dates[0], &dates[1], &dates[2], &dates[3], &dates[4]
	if acc.at.IsZero() && !nom.at.IsZero() {
		acc.at, acc.from = nom.at, "nominations_close"
	}
	if obj.at.IsZero() && !acc.at.IsZero() {
		obj.at, obj.from = acc.at.Add(objectionWindow), "acceptance_close + "+label(objectionWindow)
	}
	if open.at.IsZero() && !obj.at.IsZero() {
		open.at, open.from = obj.at, "objections_close"
	}
	cal = election.Calendar{NominationsClose: nom.at, AcceptanceClose: acc.at, ObjectionsClose: obj.at,
		VotingOpen: open.at, VotingClose: closes.at}
	if req.TermStart != nil {
		start := req.TermStart.UTC()
		cal.TermStart = &start
	}

	fields, codes = map[string]string{}, map[string]string{}
	if len(req.unread) > 0 {
		for k, v := range req.unread {
			fields[k], codes[k] = v, req.unreadCodes[k]
		}
		return cal, fields, codes
	}
	key := func(field string) string { return "calendar." + field }
	if !nom.at.After(now) {
		fields[key(nom.field)], codes[key(nom.field)] = "is required and must be in the future", FieldElectionDateFuture
	}
	if closes.at.IsZero() {
		fields[key(closes.field)], codes[key(closes.field)] = "is required", FieldRequired
	}
	if len(fields) == 0 {
		for i := 1; i < len(dates); i++ {
			before, after := dates[i-1], dates[i]
			strict := after.field == "voting_close"
			if after.at.After(before.at) || !strict && after.at.Equal(before.at) {
				continue
			}
			// The message goes under the date the request did not give,
			// when one was defaulted: that is the one to give.
			field, other, relation := after, before, "before"
			if after.from == "" && before.from != "" {
				field, other, relation = before, after, "after"
			}
			if strict && after.at.Equal(before.at) {
				relation = "the same as"
			}
			msg := fmt.Sprintf("%s, which is %s %s", field.describe(), relation, other.field)
			if other.from != "" {
				msg += " (" + other.describe() + ")"
			} else {
				msg += " (" + other.at.UTC().Format(time.RFC3339) + ")"
			}
			msg += "; the dates must be in order nominations_close <= acceptance_close <= objections_close <= voting_open < voting_close"
			if prev, ok := fields[key(field.field)]; ok {
				msg = prev + "; " + msg
			}
			fields[key(field.field)], codes[key(field.field)] = msg, FieldElectionDateOrder
		}
	}
	if cal.TermStart != nil && cal.TermStart.Before(cal.VotingClose) {
		fields[key("term_start")], codes[key("term_start")] = "must not be before voting_close", FieldElectionTermStart
	}
	return cal, fields, codes
}

// calendarDefaults lists the dates a request left out and what they were
// defaulted to, for the detail of a refused calendar.
func calendarDefaults(req ElectionCalendar, cal election.Calendar, objectionWindow time.Duration) string {
	var out []string
	if req.AcceptanceClose == nil && !cal.AcceptanceClose.IsZero() {
		out = append(out, "acceptance_close = nominations_close")
	}
	if req.ObjectionsClose == nil && !cal.ObjectionsClose.IsZero() {
		out = append(out, "objections_close = acceptance_close + "+label(objectionWindow))
	}
	if req.VotingOpen == nil && !cal.VotingOpen.IsZero() {
		out = append(out, "voting_open = objections_close")
	}
	if len(out) == 0 {
		return ""
	}
	return "defaults applied: " + strings.Join(out, ", ")
}
