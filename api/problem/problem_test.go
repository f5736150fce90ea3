package problem

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

type challenge struct {
	Actor struct {
		MemberID string `json:"member_id"`
	} `json:"actor"`
	Reason string   `json:"reason"`
	Links  []string `json:"links"`
}

func bindString(body string, v any, reserved ...string) error {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	c := echo.New().NewContext(req, httptest.NewRecorder())
	return Bind(c, v, reserved...)
}

func TestBind(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"valid", `{"reason":"r","links":["https://x"]}`, 0, ""},
		{"unknown field", `{"reason":"r","colour":"red"}`, 422, "colour"},
		{"reserved field", `{"reason":"r","actor":{"member_id":"m_admin"}}`, 422, "actor"},
		{"reserved field, other case", `{"reason":"r","ACTOR":{"member_id":"m_admin"}}`, 422, "ACTOR"},
		{"wrong type", `{"reason":7}`, 422, "reason"},
		{"malformed", `{"reason":`, 400, ""},
		{"two values", `{"reason":"a"} {"reason":"b"}`, 400, ""},
		{"empty", ``, 400, ""},
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
			if tc.field != "" {
				if _, ok := e.Fields[tc.field]; !ok {
					t.Fatalf("fields %v do not name %s", e.Fields, tc.field)
				}
			}
		})
	}
}

// FuzzBind: any body gives a value or a 400/422, never a panic, and a
// client never sets a reserved field.
func FuzzBind(f *testing.F) {
	f.Add(`{"reason":"r","links":["https://x"]}`)
	f.Add(`{"reason":"r","actor":{"member_id":"m_admin"}}`)
	f.Add(`{"Actor":{"member_id":"m_admin"}}`)
	f.Add(`{"reason":7}`)
	f.Add(`{"a":1} {"b":2}`)
	f.Add(`[`)
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
	})
}
