package ethics

import (
	"slices"

	"github.com/lacralo/ralo/workflows/process"
)

// CanRead says whether a person may read the case at all: staff and
// admins, the complainant, the respondent once the complaint is admitted
// (a complaint dismissed at screening never reaches them), and the
// non-recused committee members. Everyone else, recused members included,
// should get a 404, as if the case did not exist.
func (s State) CanRead(viewerID string, roles []string) bool {
	if viewerID != "" && (viewerID == s.ComplainantID || (viewerID == s.RespondentID && s.respondentInformed())) {
		return true
	}
	if process.IsStaff(roles) {
		return true
	}
	return s.activeMember(viewerID)
}

// ViewFor is the case as a person may see it; it returns the zero state to
// those who may not read it (see CanRead). The parties are seen as parties
// even if they hold other roles: they never see the committee's votes, the
// proposal under vote or the reasons of recusals, and the respondent never
// sees an anonymous complainant's identity. Only the complainant and staff
// see the receipt.
func (s State) ViewFor(viewerID string, roles []string) State {
	if !s.CanRead(viewerID, roles) {
		return State{}
	}
	v := s.clone()
	isParty := viewerID == s.ComplainantID || viewerID == s.RespondentID
	if !isParty {
		if !process.IsStaff(roles) {
			v.Receipt = ""
		}
		return v
	}
	v.Proposal = nil
	v.Votes = []Vote{}
	v.Tally = nil
	for i := range v.Committee {
		v.Committee[i].Reasons = []string{}
	}
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
