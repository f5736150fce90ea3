package process

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
)

func TestRefusalCarriesCodeArgsAndField(t *testing.T) {
	at := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		err   error
		typ   string
		want  Refusal
		wantM string
	}{
		{"forbidden", ForbiddenCode("arbitration.only_party", "only a party can challenge"), ErrForbidden,
			Refusal{Code: "arbitration.only_party"}, "only a party can challenge"},
		{"state with a time", InvalidStateCode("arbitration.challenge_closed", "closed", "ClosedAt", at), ErrInvalidState,
			Refusal{Code: "arbitration.challenge_closed", Args: map[string]string{"ClosedAt": "2026-12-04T18:00:00Z"}}, "closed"},
		{"input with a number", InvalidInputCode("x.max", "at most 3", "Max", 3), ErrInvalidInput,
			Refusal{Code: "x.max", Args: map[string]string{"Max": "3"}}, "at most 3"},
		{"field", InvalidFieldCode("days", "x.days", "days must be between 1 and 30", "Max", 30), ErrInvalidInput,
			Refusal{Code: "x.days", Field: "days", Args: map[string]string{"Max": "30"}}, "days must be between 1 and 30"},
		{"odd args are ignored", ForbiddenCode("x.y", "m", "Lonely"), ErrForbidden, Refusal{Code: "x.y"}, "m"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var appErr *temporal.ApplicationError
			if !errors.As(c.err, &appErr) || appErr.Type() != c.typ || appErr.Message() != c.wantM {
				t.Fatalf("error = %v, want type %s and message %q", c.err, c.typ, c.wantM)
			}
			got, ok := RefusalOf(c.err)
			if !ok || got.Code != c.want.Code || got.Field != c.want.Field || len(got.Args) != len(c.want.Args) {
				t.Fatalf("refusal = %+v (%v), want %+v", got, ok, c.want)
			}
			for k, v := range c.want.Args {
				if got.Args[k] != v {
					t.Errorf("arg %s = %q, want %q", k, got.Args[k], v)
				}
			}
		})
	}
	if _, ok := RefusalOf(InvalidState("no code")); ok {
		t.Error("an error without a code carries a refusal")
	}
	if _, ok := RefusalOf(errors.New("plain")); ok {
		t.Error("a plain error carries a refusal")
	}
}
