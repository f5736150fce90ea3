package ethics

import (
	"slices"

	"github.com/lacralo/ralo/workflows/process"
)

// CanRead says whether a person may read the case at all: the
// complainant, the respondent once the complaint is admitted (a complaint
// dismissed at screening never reaches them), staff and admins, and the
// non-recused committee members. Everyone else, recused members included,
// should get a 404, as if the case did not exist.
//
// A party reads their own case only as a party, whatever their roles
// (SPEC "A party to a case acts in it only as a party"): a respondent who
// is staff learns of the complaint when any respondent would.
func (s State) CanRead(viewerID string, roles []string) bool {
	if s.IsParty(viewerID) {
		return viewerID == s.ComplainantID || s.respondentInformed()
	}
	if process.IsStaff(roles) {
		return true
	}
	return s.activeMember(viewerID)
}

// IsParty says whether id is the complainant or the respondent: the one
// test every read and write of the case asks before any role.
func (s State) IsParty(id string) bool {
	return id != "" && (id == s.ComplainantID || id == s.RespondentID)
}

// ViewFor is the case as a person may see it; it returns the zero state to
// those who may not read it (see CanRead). The parties are seen as parties
// even if they hold other roles: they never see the committee's votes, the
// proposal under vote, the committee roster or its recusals (who is
// recused, and why, would tell the respondent the complainant's ALS, or
// name the complainant when they sit on the committee), and the respondent
// never sees an anonymous complainant's identity. Only the complainant and
// staff see the receipt.
func (s State) ViewFor(viewerID string, roles []string) State {
	if !s.CanRead(viewerID, roles) {
		return State{}
	}
	v := s.clone()
	if !s.IsParty(viewerID) {
		if !process.IsStaff(roles) {
			v.Receipt = ""
		}
		return v
	}
	v.Proposal = nil
	v.Votes = []Vote{}
	v.Tally = nil
	v.Committee = []CommitteeMember{}
	v.NoQuorum = false
	if viewerID == s.ComplainantID {
		return v
	}
	v.Receipt = ""
	if !s.Anonymous {
		return v
	}
	v.ComplainantID = ""
	for i := range v.Evidence {
		if v.Evidence[i].By == s.ComplainantID {
			v.Evidence[i].By = RoleComplainant
		}
	}
	if v.Appeal != nil && v.Appeal.By == s.ComplainantID {
		v.Appeal.By = RoleComplainant
	}
	if v.Applied != nil && v.Applied.SubjectID == s.ComplainantID {
		v.Applied.SubjectID = RoleComplainant
	}
	return v
}

// clone copies the state deeply enough that changing the copy's slices and
// records never changes the original.
func (s State) clone() State {
	v := s
	v.Links = slices.Clone(s.Links)
	v.Committee = slices.Clone(s.Committee)
	for i := range v.Committee {
		v.Committee[i].Reasons = slices.Clone(v.Committee[i].Reasons)
	}
	v.Evidence = slices.Clone(s.Evidence)
	v.Votes = slices.Clone(s.Votes)
	v.Deadlines = slices.Clone(s.Deadlines)
	v.Screening = process.Clone(s.Screening)
	v.ResponseDue = process.Clone(s.ResponseDue)
	v.Response = process.Clone(s.Response)
	v.Proposal = process.Clone(s.Proposal)
	v.Tally = process.Clone(s.Tally)
	v.Decision = process.Clone(s.Decision)
	v.DecidedAt = process.Clone(s.DecidedAt)
	v.AppealEnds = process.Clone(s.AppealEnds)
	v.Appeal = process.Clone(s.Appeal)
	v.Ruling = process.Clone(s.Ruling)
	v.Final = process.Clone(s.Final)
	v.ClosedAt = process.Clone(s.ClosedAt)
	v.Applied = process.Clone(s.Applied)
	return v
}

// respondentInformed: the respondent learns of a complaint when it is
// admitted.
func (s State) respondentInformed() bool {
	return s.Screening != nil && s.Screening.Result == ScreenAdmitted
}

// activeMember: a committee member who is not recused.
func (s State) activeMember(id string) bool {
	if id == "" {
		return false
	}
	for _, m := range s.Committee {
		if m.MemberID == id {
			return !m.Recused
		}
	}
	return false
}
