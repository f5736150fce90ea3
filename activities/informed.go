package activities

import (
	"context"
	"errors"
	"net/url"

	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/meeting"
)

// Informer is what the monthly digest and the quarterly report read
// through the service layer, so that a digest lists what the member's
// dashboard and the API would show them, and the report is the one
// published; the app gives the activities its service.
type Informer interface {
	MemberDigest(ctx context.Context, memberID string) ([]meeting.DigestItem, error)
	QuarterSummary(ctx context.Context, quarter string) (meeting.QuarterReportSummary, error)
}

// PrepareDigests computes the digests of the next members after the cursor
// who did not unsubscribe, in ID order.
func (a *Activities) PrepareDigests(ctx context.Context, in meeting.DigestBatchInput) (meeting.DigestBatch, error) {
	if a.Informer == nil {
		return meeting.DigestBatch{}, temporal.NewNonRetryableApplicationError("no informer configured", workflows.ErrInvalidInput, nil)
	}
	members, err := a.Store.DigestRecipients(ctx, in.After, in.Limit)
	if err != nil {
		return meeting.DigestBatch{}, err
	}
	out := meeting.DigestBatch{Done: len(members) < in.Limit}
	for _, m := range members {
		items, err := a.Informer.MemberDigest(ctx, m.ID)
		if err != nil {
			return meeting.DigestBatch{}, err
		}
		out.Digests = append(out.Digests, meeting.MemberDigest{MemberID: m.ID, Items: items})
		out.Next = m.ID
	}
	return out, nil
}

// BuildQuarterReport computes an ended quarter's report; a quarter that
// has not ended, or a malformed one, fails for good.
func (a *Activities) BuildQuarterReport(ctx context.Context, in meeting.QuarterReportInput) (meeting.QuarterReportSummary, error) {
	if a.Informer == nil {
		return meeting.QuarterReportSummary{}, temporal.NewNonRetryableApplicationError("no informer configured", workflows.ErrInvalidInput, nil)
	}
	rep, err := a.Informer.QuarterSummary(ctx, in.Quarter)
	var se *service.Error
	if errors.As(err, &se) {
		return rep, temporal.NewNonRetryableApplicationError(se.Error(), workflows.ErrInvalidInput, err)
	}
	if err != nil {
		return rep, err
	}
	rep.PublicURL = a.apiURL() + "/api/v1/public/participation/" + url.PathEscape(rep.Quarter) + ".csv"
	return rep, nil
}
