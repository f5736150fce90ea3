package arbitration

import (
	"strings"
	"testing"
)

// TestSubmissionCapsPerParty: one party's submissions never keep another
// party from submitting; the case keeps a bound no one party can reach;
// cases started before the caps keep the per-case cap.
func TestSubmissionCapsPerParty(t *testing.T) {
	subs := func(by string, n int) []Submission {
		out := make([]Submission, n)
		for i := range out {
			out[i] = Submission{By: by}
		}
		return out
	}
	five := func() []Submission {
		var out []Submission
		for _, p := range []string{"p1", "p2", "p3", "p4", "p5"} {
			out = append(out, subs(p, maxSubmissionsPerParty)...)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		caps    bool
		subs    []Submission
		by      string
		refused string
	}{
		{"under the party's cap", true, subs("p1", maxSubmissionsPerParty-1), "p1", ""},
		{"at the party's cap", true, subs("p1", maxSubmissionsPerParty), "p1", "you have made the maximum of 20"},
		{"the other party filled its share", true, subs("p1", maxSubmissionsPerParty), "p2", ""},
		{"five parties reached the case's bound", true, five(), "p6", "maximum of 100 submissions"},
		{"before the caps: one party fills the case", false, subs("p1", maxSubmissions), "p2", "maximum of 50 submissions"},
		{"before the caps: under the case cap", false, subs("p1", maxSubmissions-1), "p1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &arbitration{participantCaps: tc.caps}
			a.st.Submissions = tc.subs
			err := a.checkSubmissionBudget(tc.by)
			switch {
			case tc.refused == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
				t.Errorf("got %v, want a refusal saying %q", err, tc.refused)
			}
		})
	}
}
