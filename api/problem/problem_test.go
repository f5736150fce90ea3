package problem

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// duration reads its own JSON and says the form it expects, as
// workflows.Duration does (a copy, so that this package stays free of the
// workflows' dependencies).
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	v, err := time.ParseDuration(strings.Trim(string(b), `"`))
	if err != nil {
		return errors.New("must be a duration such as 14d, 36h or 90m")
	}
	*d = duration(v)
	return nil
}

// leaky reads its own JSON but lets Go's parser speak.
type leaky int

func (l *leaky) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*l = leaky(n)
	return nil
}

type window struct {
	VotingOpen  time.Time  `json:"voting_open"`
	VotingClose *time.Time `json:"voting_close"`
}

type base struct {
	StartsAt time.Time `json:"starts_at"`
}

type challenge struct {
	base
	Actor struct {
		MemberID string `json:"member_id"`
	} `json:"actor"`
	Reason   string            `json:"reason"`
	Links    []string          `json:"links"`
	Count    int               `json:"count"`
	Seats    uint              `json:"seats"`
	Weight   float64           `json:"weight"`
	Open     bool              `json:"open"`
	Every    duration          `json:"every"`
	Leaky    leaky             `json:"leaky"`
	Calendar *window           `json:"calendar"`
	Texts    map[string]string `json:"texts"`
	Rounds   []window          `json:"rounds"`
	Extra    any               `json:"extra"`
}

func bindString(body string, v any, reserved ...string) error {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	c := echo.New().NewContext(req, httptest.NewRecorder())
	return Bind(c, v, reserved...)
}

// goText is what Go's parsers write; no problem shows it.
func goText(s string) bool {
	for _, w := range []string{"json:", "unmarshal", "parsing time", "Go struct", "cannot parse", "invalid character", "strconv", "EOF"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func TestBind(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
		msg        string
	}{
		{"valid", `{"reason":"r","links":["https://x"],"every":"90m","calendar":{"voting_open":"2027-05-01T14:00:00Z","voting_close":null},"extra":[1,{"a":2}]}`, 0, "", ""},
		{"null pointer", `{"calendar":null}`, 0, "", ""},
		{"unknown field", `{"reason":"r","colour":"red"}`, 422, "colour", "unknown field"},
		{"unknown nested field", `{"calendar":{"colour":"red"}}`, 422, "calendar.colour", "unknown field"},
		{"field in another case", `{"Reason":"r"}`, 0, "", ""},
		{"reserved field", `{"reason":"r","actor":{"member_id":"m_admin"}}`, 422, "actor", "unknown field"},
		{"reserved field, other case", `{"reason":"r","ACTOR":{"member_id":"m_admin"}}`, 422, "ACTOR", "unknown field"},
		{"string given a number", `{"reason":7}`, 422, "reason", "must be a string"},
		{"date-time", `{"calendar":{"voting_open":"2027-05-01"}}`, 422, "calendar.voting_open", "must be a date-time such as 2027-05-01T14:00:00Z"},
		{"date-time pointer", `{"calendar":{"voting_close":"soon"}}`, 422, "calendar.voting_close", "must be a date-time such as 2027-05-01T14:00:00Z"},
		{"date-time given a number", `{"calendar":{"voting_open":5}}`, 422, "calendar.voting_open", "must be a date-time such as 2027-05-01T14:00:00Z"},
		{"embedded field", `{"starts_at":"tomorrow"}`, 422, "starts_at", "must be a date-time such as 2027-05-01T14:00:00Z"},
		{"whole number given text", `{"count":"three"}`, 422, "count", "must be a whole number"},
		{"whole number given a fraction", `{"count":1.5}`, 422, "count", "must be a whole number"},
		{"whole number too large", `{"count":1e400}`, 422, "count", "must be a whole number"},
		{"not negative", `{"seats":-1}`, 422, "seats", "must be a whole number, not negative"},
		{"number", `{"weight":"heavy"}`, 422, "weight", "must be a number"},
		{"boolean", `{"open":"yes"}`, 422, "open", "must be true or false"},
		{"list", `{"links":"https://x"}`, 422, "links", "must be a list"},
		{"list element", `{"links":["https://x",3]}`, 422, "links[1]", "must be a string"},
		{"object", `{"calendar":[1]}`, 422, "calendar", "must be an object"},
		{"map value", `{"texts":{"es":1}}`, 422, "texts.es", "must be a string"},
		{"element of a list of objects", `{"rounds":[{},{"voting_open":"x"}]}`, 422, "rounds[1].voting_open", "must be a date-time such as 2027-05-01T14:00:00Z"},
		{"duration", `{"every":"fortnight"}`, 422, "every", "must be a duration such as 14d, 36h or 90m"},
		{"own reader letting Go speak", `{"leaky":"x"}`, 422, "leaky", "is not in the expected form"},
		{"two fields at once", `{"count":"x","open":1}`, 422, "open", "must be true or false"},
		{"not an object", `[1,2]`, 400, "", ""},
		{"malformed", `{"reason":`, 400, "", ""},
		{"syntax error", `{"reason" "r"}`, 400, "", ""},
		{"two values", `{"reason":"a"} {"reason":"b"}`, 400, "", ""},
		{"empty", ``, 400, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v challenge
			err := bindString(tc.body, &v, "actor")
			if tc.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tc.status {
				t.Fatalf("got %v, want status %d", err, tc.status)
			}
			if goText(e.Detail) {
				t.Errorf("detail %q shows Go's text", e.Detail)
			}
			for f, m := range e.Fields {
				if goText(m) {
					t.Errorf("field %s: %q shows Go's text", f, m)
				}
			}
			if tc.field != "" {
				if got, ok := e.Fields[tc.field]; !ok || got != tc.msg {
					t.Fatalf("fields %v: want %s %q", e.Fields, tc.field, tc.msg)
				}
			}
		})
	}
}

func TestBindTooLarge(t *testing.T) {
	var v challenge
	err := bindString(`{"reason":"`+strings.Repeat("x", 1<<20)+`"}`, &v)
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest || goText(e.Detail) {
		t.Fatalf("got %v", err)
	}
}

// FuzzBind: any body gives a value or a 400/422 in the server's words,
// never a panic or Go's text, and a client never sets a reserved field.
func FuzzBind(f *testing.F) {
	f.Add(`{"reason":"r","links":["https://x"]}`)
	f.Add(`{"reason":"r","actor":{"member_id":"m_admin"}}`)
	f.Add(`{"Actor":{"member_id":"m_admin"}}`)
	f.Add(`{"reason":7}`)
	f.Add(`{"a":1} {"b":2}`)
	f.Add(`[`)
	f.Add(`{"calendar":{"voting_open":"2027-05-01"},"rounds":[{"voting_close":1}],"every":"x","count":1.5}`)
	f.Fuzz(func(t *testing.T, body string) {
		var v challenge
		err := bindString(body, &v, "actor")
		if err == nil {
			if v.Actor.MemberID != "" {
				t.Fatalf("a client set the reserved actor with %q", body)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || (e.Status != http.StatusBadRequest && e.Status != http.StatusUnprocessableEntity) {
			t.Fatalf("Bind(%q) = %v, want a 400 or 422", body, err)
		}
		if goText(e.Detail) {
			t.Fatalf("Bind(%q): detail %q shows Go's text", body, e.Detail)
		}
		for _, m := range e.Fields {
			if goText(m) {
				t.Fatalf("Bind(%q): field message %q shows Go's text", body, m)
			}
		}
	})
}
