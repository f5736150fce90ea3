package problem

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// period reads only "7d", as a request's duration type would, and says
// the form in its error.
type period struct{}

func (*period) UnmarshalJSON(b []byte) error {
	if string(b) != `"7d"` {
		return errors.New("must be a duration such as 14d, 36h or 90m")
	}
	return nil
}

type opening struct {
	Proceeding struct {
		Title    string     `json:"title"`
		ClosesAt *time.Time `json:"closes_at"`
	} `json:"proceeding"`
	Window period `json:"window"`
	Count  int    `json:"count"`
}

func TestBindForm(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
		want       string
	}{
		{"valid", `{"proceeding":{"title":"t","closes_at":"2027-05-01T12:00:00Z"},"window":"7d"}`, 0, "", ""},
		{"bad date, nested", `{"proceeding":{"title":"t","closes_at":"tomorrow"}}`, 422, "proceeding.closes_at", "2027-05-01T12:00:00Z"},
		{"bad period", `{"window":"a week"}`, 422, "window", "14d, 36h or 90m"},
		{"wrong type", `{"count":"x"}`, 422, "count", ""},
		{"unknown field", `{"colour":"red"}`, 422, "colour", ""},
		{"malformed", `{"proceeding":`, 400, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			var v opening
			err := BindForm(echo.New().NewContext(req, httptest.NewRecorder()), &v)
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
			if strings.Contains(e.Detail, "parsing time") || strings.Contains(e.Fields[tc.field], "parsing time") {
				t.Errorf("a Go parser message reaches the client: %+v", e)
			}
			if tc.field != "" && !strings.Contains(e.Fields[tc.field], tc.want) {
				t.Errorf("fields %v: want %s to say %q", e.Fields, tc.field, tc.want)
			}
		})
	}
}
