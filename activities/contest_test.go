package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/activities"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/election"
)

// contestClient is the Temporal client as RecordContest uses it: the
// election answers the update with updateErr, its state lists contests,
// and the server describes it with status (or describeErr).
type contestClient struct {
	client.Client
	updateErr   error
	contests    []election.Contest
	status      enumspb.WorkflowExecutionStatus
	describeErr error

	updates []client.UpdateWorkflowOptions
}

func (c *contestClient) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	c.updates = append(c.updates, o)
	return updateHandle{err: c.updateErr}, nil
}

func (c *contestClient) QueryWorkflow(_ context.Context, workflowID, _, query string, _ ...any) (converter.EncodedValue, error) {
	if workflowID != election.WorkflowID("EL-1") || query != election.Query {
		return nil, errors.New("unexpected query " + workflowID + " " + query)
	}
	return jsonValue{election.State{Contests: c.contests}}, nil
}

func (c *contestClient) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	if c.describeErr != nil {
		return nil, c.describeErr
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: c.status},
	}, nil
}

type updateHandle struct {
	client.WorkflowUpdateHandle
	err error
}

func (h updateHandle) Get(context.Context, any) error { return h.err }

type jsonValue struct{ v any }

func (j jsonValue) HasValue() bool { return true }

func (j jsonValue) Get(ptr any) error {
	b, err := json.Marshal(j.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ptr)
}

// TestRecordContest checks the activity's answers: the update sent once
// with the arbitration's ID and the system as staff; an arbitration the
// election already holds is a success; a refusal, or an election closed
// or unknown, fails for good; anything else is retried.
func TestRecordContest(t *testing.T) {
	const (
		ok    = "ok"
		retry = "retry"
		final = "final"
	)
	alreadyRecorded := temporal.NewApplicationError("this arbitration is already recorded", workflows.ErrInvalidState)
	windowClosed := temporal.NewApplicationError("the window to contest this result has closed", workflows.ErrInvalidState)
	notFound := serviceerror.NewNotFound("workflow not found")
	for _, tc := range []struct {
		name string
		c    contestClient
		want string
	}{
		{"recorded", contestClient{}, ok},
		{"already recorded", contestClient{updateErr: alreadyRecorded, contests: []election.Contest{{ArbitrationID: "A-1"}}}, ok},
		{"refused", contestClient{updateErr: windowClosed, contests: []election.Contest{{ArbitrationID: "A-other"}}}, final},
		{"no election", contestClient{updateErr: notFound, describeErr: notFound}, final},
		{"election closed", contestClient{updateErr: notFound, status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}, final},
		{"aborted as the election continued", contestClient{updateErr: serviceerror.NewNotFound("update aborted"),
			status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING}, retry},
		{"server unavailable", contestClient{updateErr: serviceerror.NewUnavailable("try later")}, retry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			a := &activities.Activities{Temporal: &c}
			err := a.RecordContest(t.Context(), workflows.RecordContestInput{ElectionID: "EL-1", ArbitrationID: "A-1"})

			var appErr *temporal.ApplicationError
			isFinal := errors.As(err, &appErr) && appErr.NonRetryable() && appErr.Type() == workflows.ErrContestRefused
			switch {
			case tc.want == ok && err != nil:
				t.Errorf("want success, got %v", err)
			case tc.want == final && !isFinal:
				t.Errorf("want a final %s, got %v", workflows.ErrContestRefused, err)
			case tc.want == retry && (err == nil || isFinal):
				t.Errorf("want a retryable error, got %v", err)
			}
			if len(c.updates) != 1 {
				t.Fatalf("%d updates sent, want 1", len(c.updates))
			}
			u := c.updates[0]
			in, _ := u.Args[0].(election.ContestInput)
			if u.WorkflowID != "election/EL-1" || u.UpdateName != election.UpdateContest || u.UpdateID != "contest/A-1" ||
				in.ArbitrationID != "A-1" || in.Actor.MemberID != "system" || len(in.Actor.Roles) != 1 || in.Actor.Roles[0] != "staff" {
				t.Errorf("update %+v", u)
			}
		})
	}
}

// TestRecordContestRegistered checks that the name the arbitration calls
// is a method of Activities: the worker registers the struct, each method
// under its own name.
func TestRecordContestRegistered(t *testing.T) {
	if _, ok := reflect.TypeOf(&activities.Activities{}).MethodByName(workflows.ActivityRecordContest); !ok {
		t.Errorf("Activities has no method %s", workflows.ActivityRecordContest)
	}
}
