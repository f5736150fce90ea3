package service

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/api/problem"
)

func bindBody(t *testing.T, body string, v any) error {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return problem.Bind(echo.New().NewContext(req, httptest.NewRecorder()), v)
}

// TestRequestForms: meeting lengths and roadmap dates read every form a
// person writes them in, write the policy's notation, and a value of the
// wrong form names its field with the form expected.
func TestRequestForms(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		v          any
		field, msg string
		check      func(v any) bool
	}{
		{name: "length in notation", body: `{"duration":"90m"}`, v: &MeetingRequest{},
			check: func(v any) bool { return v.(*MeetingRequest).Duration.D() == 90*time.Minute }},
		{name: "length in minutes", body: `{"duration":45}`, v: &MeetingRequest{},
			check: func(v any) bool { return v.(*MeetingRequest).Duration.D() == 45*time.Minute }},
		{name: "no length", body: `{"title":"x"}`, v: &MeetingRequest{},
			check: func(v any) bool { return v.(*MeetingRequest).Duration == nil }},
		{name: "bad length", body: `{"duration":"an hour"}`, v: &MeetingRequest{}, field: "duration", msg: errMeetingLength.Error()},
		{name: "length of the wrong type", body: `{"duration":true}`, v: &MeetingRequest{}, field: "duration", msg: errMeetingLength.Error()},
		{name: "bad until", body: `{"recurrence":{"every":"1mo","until":"June"}}`, v: &MeetingRequest{}, field: "recurrence.until",
			msg: "must be a date-time such as 2027-05-01T14:00:00Z"},
		{name: "date only", body: `{"start":"2027-02-01","due":"2027-03-01T12:30:00-03:00"}`, v: &RoadmapRequest{},
			check: func(v any) bool {
				r := v.(*RoadmapRequest)
				return r.Start.T().Equal(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)) && r.Due.T().Equal(time.Date(2027, 3, 1, 15, 30, 0, 0, time.UTC))
			}},
		{name: "bad date", body: `{"start":"1 February"}`, v: &RoadmapRequest{}, field: "start", msg: errDateForm.Error()},
		{name: "date as a number", body: `{"due":20270201}`, v: &RoadmapRequest{}, field: "due", msg: errDateForm.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := bindBody(t, tc.body, tc.v)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !tc.check(tc.v) {
					t.Fatalf("read %+v", tc.v)
				}
				return
			}
			var e *problem.Error
			if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || e.Fields[tc.field] != tc.msg {
				t.Fatalf("got %v (%v), want %s %q", err, e, tc.field, tc.msg)
			}
		})
	}
}

func TestMeetingLengthWritesNotation(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: `"1h"`, 90 * time.Minute: `"1h30m"`, 30 * time.Minute: `"30m"`} {
		b, err := json.Marshal(MeetingLength(d))
		if err != nil || string(b) != want {
			t.Errorf("%v: %s, %v; want %s", d, b, err, want)
		}
	}
}
