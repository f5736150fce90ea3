package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// AuditHead is the chain's last entry: its sequence and hash (0 and the
// genesis hash for an empty chain).
type AuditHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// AuditCheckpoint is a head recorded outside the database (the AuditAnchor
// workflow's history).
type AuditCheckpoint = AuditHead

// HeadAudit reads the chain's head.
func (s *Store) HeadAudit(ctx context.Context) (AuditHead, error) {
	var last AuditEntry
	err := s.DB.WithContext(ctx).Order("seq DESC").Limit(1).Take(&last).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return AuditHead{Hash: genesisHash}, nil
	}
	return AuditHead{Seq: last.Seq, Hash: last.Hash}, err
}

// VerifyAuditAgainst recomputes the chain (VerifyAudit) and compares it
// with checkpoints kept outside the database, oldest first. A chain shorter
// than the last checkpoint was truncated; an entry whose hash differs from
// a checkpoint's was rewritten, with the chain recomputed after it, between
// the last checkpoint that still matches and the first that does not.
func (s *Store) VerifyAuditAgainst(ctx context.Context, cps []AuditCheckpoint) (VerifyResult, error) {
	res, err := s.VerifyAudit(ctx)
	if err != nil || !res.OK || len(cps) == 0 {
		return res, err
	}
	last := cps[len(cps)-1]
	if res.Entries < last.Seq {
		end := res.Entries
		res.OK, res.BrokenAt, res.Code = false, &end, VerifyTruncated
		res.Reason = fmt.Sprintf("the chain ends at %d; the checkpoint at %d says it held %d entries", res.Entries, last.Seq, last.Seq)
		return res, nil
	}
	matched := int64(0)
	for _, cp := range cps {
		var e AuditEntry
		if err := s.DB.WithContext(ctx).Where("seq = ?", cp.Seq).Take(&e).Error; err != nil {
			return res, err
		}
		if e.Hash == cp.Hash {
			matched = cp.Seq
			continue
		}
		at := cp.Seq
		res.OK, res.BrokenAt, res.Code = false, &at, VerifyRewritten
		if cp.Seq == matched+1 {
			res.Reason = fmt.Sprintf("entry %d differs from the chain checkpointed at %d", cp.Seq, cp.Seq)
		} else {
			res.Reason = fmt.Sprintf("entry %d differs from the chain checkpointed at %d: an entry from %d to %d was rewritten and the chain recomputed after it", cp.Seq, cp.Seq, matched+1, cp.Seq)
		}
		return res, nil
	}
	return res, nil
}
