package process

import "testing"

// TestCheckTextCode: the coded check refuses what CheckText refuses, in
// the same English words, naming the field and the code for each case.
func TestCheckTextCode(t *testing.T) {
	cases := []struct {
		name, s, code string
	}{
		{"blank", "  \n", "x.reason.required"},
		{"too long", "abcdef", "x.reason.too_long"},
		{"fits", "abc", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, plain := CheckTextCode("reason", "x.reason", c.s, 5), CheckText("reason", c.s, 5)
			if c.code == "" {
				if got != nil || plain != nil {
					t.Fatalf("refused %q: %v", c.s, got)
				}
				return
			}
			r, ok := RefusalOf(got)
			if !ok || r.Code != c.code || r.Field != "reason" || r.Args["Limit"] != "5" || Message(got) != Message(plain) {
				t.Fatalf("refusal %+v of %q (%v), want code %s on reason with Limit 5 and the message %q", r, Message(got), ok, c.code, Message(plain))
			}
		})
	}
}
