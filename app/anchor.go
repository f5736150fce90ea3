package app

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/anchor"
)

// Default anchoring policy: a checkpoint every 100 entries or 10 minutes,
// whichever comes first (when the chain moved).
const (
	DefaultAnchorEntries = 100
	DefaultAnchorEvery   = 10 * time.Minute
)

// anchorLoop checkpoints the audit chain's head into the AuditAnchor
// workflow: every `entries` new entries (looked at every few seconds) or
// every `every`, when the chain moved.
func anchorLoop(ctx context.Context, c client.Client, st *store.Store, entries int64, every time.Duration, log *slog.Logger) {
	poll := min(every, 5*time.Second)
	t := time.NewTicker(poll)
	defer t.Stop()
	var last int64
	lastAt := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		head, err := st.HeadAudit(ctx)
		if err != nil || head.Seq <= last {
			continue
		}
		if head.Seq-last < entries && time.Since(lastAt) < every {
			continue
		}
		if err := AnchorHead(ctx, c, st); err != nil {
			log.Warn("audit checkpoint", "seq", head.Seq, "err", err)
			continue
		}
		last, lastAt = head.Seq, time.Now()
	}
}

// AnchorHead checkpoints the chain's current head now (also for tests and
// operators). A head the anchor already holds is not sent again.
func AnchorHead(ctx context.Context, c client.Client, st *store.Store) error {
	head, err := st.HeadAudit(ctx)
	if err != nil || head.Seq == 0 {
		return err
	}
	cps, err := anchor.Checkpoints(ctx, c)
	if err != nil {
		return err
	}
	if n := len(cps); n > 0 && cps[n-1].Seq == head.Seq {
		return nil
	}
	return anchor.Record(ctx, c, anchor.Checkpoint{Seq: head.Seq, Hash: head.Hash, At: time.Now().UTC()})
}
