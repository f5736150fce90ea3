package service

import (
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"
)

// TestUpdateAborted: the server's answers for an update it aborted
// without applying (asked again) are told apart from a real "not found"
// or an unavailable server (reported).
func TestUpdateAborted(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to unexpected workflow task failure."), true},
		{fmt.Errorf("update: %w", serviceerror.NewWorkflowNotReady("x")), true},
		{serviceerror.NewUnavailable("workflow update was aborted"), true},
		{serviceerror.NewNotFound("workflow update was aborted by closing workflow"), true},
		{serviceerror.NewNotFound("workflow execution not found"), false},
		{serviceerror.NewUnavailable("connection refused"), false},
		{serviceerror.NewInvalidArgument("bad"), false},
		{fmt.Errorf("plain"), false},
	} {
		if got := updateAborted(c.err); got != c.want {
			t.Errorf("updateAborted(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
