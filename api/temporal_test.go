package api

import (
	"errors"
	"net/http"
	"testing"

	"go.temporal.io/api/serviceerror"
)

// TestWorkflowErrorClosedProcess: a transition that reaches a closed
// workflow, or one that closes while the update waits, is too late (409),
// not unknown (404); a workflow that never existed is unknown.
func TestWorkflowErrorClosedProcess(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{serviceerror.NewNotFound("workflow execution already completed"), http.StatusConflict},
		{serviceerror.NewNotFound("workflow update was aborted by closing workflow"), http.StatusConflict},
		{serviceerror.NewNotFound("workflow not found for ID: statement/x"), http.StatusNotFound},
	} {
		var apiErr *Error
		if !errors.As(workflowError(tc.err), &apiErr) || apiErr.Status != tc.want {
			t.Errorf("%v: got %v, want %d", tc.err, workflowError(tc.err), tc.want)
		}
	}
}
