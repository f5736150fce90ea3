package ethics

import (
	"strings"
	"testing"
)

// TestEvidenceCapsPerParticipant: a party cannot fill the case so that
// the other party or the committee cannot add evidence, and the committee
// cannot fill it against the parties; cases started before the caps keep
// the per-case cap.
func TestEvidenceCapsPerParticipant(t *testing.T) {
	const complainant, respondent, k1, k2 = "m-c", "m-r", "m-k1", "m-k2"
	entries := func(by, role string, n int) []Evidence {
		out := make([]Evidence, n)
		for i := range out {
			out[i] = Evidence{By: by, Role: role}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		caps     bool
		evidence []Evidence
		by       string
		refused  string // part of the refusal; empty: accepted
	}{
		{"a party under its cap", true, entries(complainant, RoleComplainant, maxEvidencePerParticipant-1), complainant, ""},
		{"a party at its cap", true, entries(complainant, RoleComplainant, maxEvidencePerParticipant), complainant, "you have added the maximum of 30"},
		{"the respondent filled its share: the complainant still adds", true, entries(respondent, RoleRespondent, maxEvidencePerParticipant), complainant, ""},
		{"the respondent filled its share: the committee still asks", true, entries(respondent, RoleRespondent, maxEvidencePerParticipant), k1, ""},
		{"the committee filled its share: each party still adds", true,
			append(entries(k1, RoleCommittee, 30), entries(k2, RoleCommittee, 10)...), respondent, ""},
		{"the committee filled its share: no more questions", true,
			append(entries(k1, RoleCommittee, 30), entries(k2, RoleCommittee, 10)...), k2, "the committee has asked the maximum of 40"},
		{"a committee member at its own cap", true, entries(k1, RoleCommittee, maxEvidencePerParticipant), k1, "you have added the maximum"},
		{"before the caps: one party fills the case", false, entries(respondent, RoleRespondent, maxEvidence), complainant, "maximum of 100 evidence entries"},
		{"before the caps: under the case cap", false, entries(respondent, RoleRespondent, maxEvidence-1), respondent, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &complaint{in: Input{ComplainantID: complainant, RespondentID: respondent}, participantCaps: tc.caps}
			e.st.Evidence = tc.evidence
			err := e.checkEvidenceBudget(tc.by)
			switch {
			case tc.refused == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
				t.Errorf("got %v, want a refusal saying %q", err, tc.refused)
			}
		})
	}
}
