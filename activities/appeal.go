package activities

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
)

// arbitrationProcess is the arbitration's name in the cases index.
const arbitrationProcess = "arbitration"

// OpenAppeal opens the arbitration case that hears an appeal of an ethics
// decision, linked to the ethics case, which waits for its ruling. It is
// idempotent: the arbitration's ID derives from the ethics case's, its
// index row is written only when missing, and a running arbitration is
// found rather than started twice, so the ethics case may retry it until
// it succeeds.
//
// An anonymous complainant stays anonymous on appeal: the arbitration
// lists the respondent only, and when the complainant is the one who
// appealed, the filer shown is "system".
func (a *Activities) OpenAppeal(ctx context.Context, in workflows.OpenAppealInput) error {
	if a.Temporal == nil {
		return errors.New("no Temporal client to open the appeal's arbitration with")
	}
	staff, err := a.Store.ListMembers(ctx, store.MemberFilter{Role: store.RoleStaff, Limit: 1000})
	if err != nil {
		return err
	}
	// The parties are never written to as staff.
	staffIDs := make([]string, 0, len(staff))
	for _, m := range staff {
		if m.ID != in.RespondentID && m.ID != in.ComplainantID {
			staffIDs = append(staffIDs, m.ID)
		}
	}
	parties := []arbitration.Party{{Kind: arbitration.PartyMember, ID: in.RespondentID}}
	members := store.StringList{in.RespondentID}
	filedBy := in.FiledBy
	if !in.Anonymous {
		parties = append(parties, arbitration.Party{Kind: arbitration.PartyMember, ID: in.ComplainantID})
		members = append(members, in.ComplainantID)
	} else if filedBy == in.ComplainantID {
		filedBy = "system"
	}
	var periods arbitration.Periods
	if a.Policy != nil {
		periods = arbitration.PeriodsFrom(a.Policy.Arbitration)
	}
	arb := arbitration.Input{
		CaseID:   workflows.AppealArbitrationID(in.EthicsCaseID),
		Question: "Appeal of ethics decision " + in.EthicsCaseID + ": " + in.Reason,
		Parties:  parties,
		FiledBy:  filedBy,
		AppealOf: &workflows.AppealRef{Kind: workflows.AppealKindEthics, ID: in.EthicsCaseID},
		Periods:  periods,
		StaffIDs: staffIDs,
		FiledAt:  store.Now(),
	}
	// The running arbitration keeps its own row; a retry must not take
	// its status back to filed.
	if _, err := a.Store.GetCase(ctx, arbitrationProcess, arb.CaseID); errors.Is(err, store.ErrNotFound) {
		if err := a.Store.SaveCase(ctx, store.Case{ID: arb.CaseID, Process: arbitrationProcess, Status: arbitration.StatusFiled,
			Title: arb.Question, CreatedBy: arb.FiledBy, Members: members,
			Parties: store.StringList{in.RespondentID, in.ComplainantID}}); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if _, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       arbitration.WorkflowID(arb.CaseID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, arbitration.WorkflowName, arb); err != nil {
		return fmt.Errorf("start the appeal's arbitration %s: %w", arb.CaseID, err)
	}
	return nil
}
