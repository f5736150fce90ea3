package service

import (
	"context"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/anchor"
)

// AuditHead is the public head of the audit chain and the last checkpoint
// the AuditAnchor workflow holds (null when none yet).
type AuditHead struct {
	Seq            int64              `json:"seq"`
	Hash           string             `json:"hash"`
	LastCheckpoint *anchor.Checkpoint `json:"last_checkpoint"`
}

// AuditVerify is the chain check compared with the anchor's checkpoints.
type AuditVerify struct {
	store.VerifyResult
	LastCheckpoint *anchor.Checkpoint `json:"last_checkpoint"`
	// Anchored is false when the anchor could not be read (no worker has
	// started it yet): only the chain itself was checked.
	Anchored bool `json:"anchored"`
}

// AuditHead reads the head and the last checkpoint; anyone may.
func (s *Service) AuditHead(ctx context.Context) (AuditHead, error) {
	h, err := s.store.HeadAudit(ctx)
	if err != nil {
		return AuditHead{}, err
	}
	out := AuditHead{Seq: h.Seq, Hash: h.Hash}
	if cps, err := anchor.Checkpoints(ctx, s.temporal); err == nil && len(cps) > 0 {
		out.LastCheckpoint = &cps[len(cps)-1]
	}
	return out, nil
}

// VerifyAudit recomputes the chain and compares it with the checkpoints.
func (s *Service) VerifyAudit(ctx context.Context) (AuditVerify, error) {
	cps, err := anchor.Checkpoints(ctx, s.temporal)
	anchored := err == nil
	heads := make([]store.AuditCheckpoint, len(cps))
	for i, cp := range cps {
		heads[i] = store.AuditCheckpoint{Seq: cp.Seq, Hash: cp.Hash}
	}
	res, err := s.store.VerifyAuditAgainst(ctx, heads)
	if err != nil {
		return AuditVerify{}, err
	}
	out := AuditVerify{VerifyResult: res, Anchored: anchored}
	if len(cps) > 0 {
		out.LastCheckpoint = &cps[len(cps)-1]
	}
	return out, nil
}
