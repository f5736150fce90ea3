package statement

import (
	"strings"
	"testing"
)

// TestMemberCaps: one member's comments and drafts never use up the
// statement's caps for the others; statements started before the caps
// keep only the per-statement caps (checked elsewhere).
func TestMemberCaps(t *testing.T) {
	comments := func(by string, n int) []Comment {
		out := make([]Comment, n)
		for i := range out {
			out[i] = Comment{By: by}
		}
		return out
	}
	versions := func(by string, sizes ...int) []DraftVersion {
		var out []DraftVersion
		for _, n := range sizes {
			out = append(out, DraftVersion{Author: by, Size: n})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		caps     bool
		comments []Comment
		versions []DraftVersion
		comment  bool // a comment, else a draft of size bytes
		by       string
		size     int
		refused  string
	}{
		{"a comment under the member's cap", true, comments("m1", maxCommentsPerMember-1), nil, true, "m1", 0, ""},
		{"a comment at the member's cap", true, comments("m1", maxCommentsPerMember), nil, true, "m1", 0, "maximum of 20 comments"},
		{"another member still comments", true, comments("m1", maxCommentsPerMember), nil, true, "m2", 0, ""},
		{"before the caps: no per-member cap", false, comments("m1", maxCommentsPerMember), nil, true, "m1", 0, ""},
		{"a draft under the author's bytes", true, nil, versions("m1", 400_000, 400_000), false, "m1", 200_000, ""},
		{"a draft past the author's bytes", true, nil, versions("m1", 400_000, 400_000), false, "m1", 200_001, "1000000 bytes"},
		{"another penholder still drafts", true, nil, versions("m1", 200_000, 200_000, 200_000, 200_000, 200_000), false, "m2", 200_000, ""},
		{"before the caps: no per-author bytes", false, nil, versions("m1", 200_000, 200_000, 200_000, 200_000, 200_000), false, "m1", 200_000, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &statement{participantCaps: tc.caps}
			s.st.Comments = tc.comments
			s.st.Groups = []LanguageGroup{{Language: "es", Versions: tc.versions}}
			var err error
			if tc.comment {
				err = s.commentBudget(tc.by)
			} else {
				err = s.draftBudget(tc.by, tc.size)
			}
			switch {
			case tc.refused == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
				t.Errorf("got %v, want a refusal saying %q", err, tc.refused)
			}
		})
	}
}
