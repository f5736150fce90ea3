package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Audit audiences.
const (
	AudiencePublic  = "public"
	AudienceStaff   = "staff"
	AudienceMembers = "members"
)

// genesisHash is the previous hash of the first entry.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditInput is what a caller records; the store assigns the sequence, the
// time and the hashes.
type AuditInput struct {
	Actor    string
	Process  string
	ObjectID string
	Action   string
	Details  any
	Audience string
	Members  []string
	// IdemKey, when set, makes the append idempotent: a retried activity
	// appends the entry once.
	IdemKey string
}

// AuditHash is the hash of an entry: SHA-256 over a JSON array of its
// fields and the previous hash, so no field can change unnoticed and no
// field boundary is ambiguous.
func AuditHash(e AuditEntry) string {
	canon, _ := json.Marshal([]any{
		e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Process, e.ObjectID,
		e.Action, e.Details, e.Audience, []string(e.Members), e.PrevHash,
	})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// AppendAudit appends an entry inside tx, which the caller commits with the
// change it records, so the log and the data never disagree.
func (s *Store) AppendAudit(tx *gorm.DB, in AuditInput) (AuditEntry, error) {
	if in.IdemKey != "" {
		var prior AuditEntry
		err := tx.Where("idem_key = ?", in.IdemKey).Take(&prior).Error
		if err == nil {
			return prior, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return AuditEntry{}, err
		}
	}
	if err := s.lockAudit(tx); err != nil {
		return AuditEntry{}, err
	}
	var last AuditEntry
	prev, seq := genesisHash, int64(1)
	err := tx.Order("seq DESC").Limit(1).Take(&last).Error
	switch {
	case err == nil:
		prev, seq = last.Hash, last.Seq+1
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return AuditEntry{}, err
	}
	details := "{}"
	if in.Details != nil {
		b, err := json.Marshal(in.Details)
		if err != nil {
			return AuditEntry{}, fmt.Errorf("store: audit details: %w", err)
		}
		details = string(b)
	}
	audience := in.Audience
	if audience == "" {
		audience = AudienceStaff
	}
	e := AuditEntry{
		Seq: seq, At: Now(), Actor: in.Actor, Process: in.Process, ObjectID: in.ObjectID,
		Action: in.Action, Details: details, Audience: audience, Members: StringList(in.Members),
		PrevHash: prev,
	}
	if e.Members == nil {
		e.Members = StringList{}
	}
	if in.IdemKey != "" {
		k := in.IdemKey
		e.IdemKey = &k
	}
	e.Hash = AuditHash(e)
	if err := tx.Create(&e).Error; err != nil {
		return AuditEntry{}, err
	}
	return e, nil
}

// Audit appends one entry in its own transaction.
func (s *Store) Audit(ctx context.Context, in AuditInput) (AuditEntry, error) {
	var e AuditEntry
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		e, err = s.AppendAudit(tx, in)
		return err
	})
	return e, err
}

// AuditBatch appends several entries in one transaction, in order; each
// is idempotent by its IdemKey like Audit's.
func (s *Store) AuditBatch(ctx context.Context, in []AuditInput) ([]AuditEntry, error) {
	out := make([]AuditEntry, 0, len(in))
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, x := range in {
			e, err := s.AppendAudit(tx, x)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// lockAudit serialises appends so that two processes never chain to the same
// previous entry. SQLite transactions are already immediate (one writer).
func (s *Store) lockAudit(tx *gorm.DB) error {
	if s.Dialect == Postgres {
		return tx.Exec("SELECT pg_advisory_xact_lock(74110001)").Error
	}
	return nil
}

// AuditFilter selects the entries a reader may see.
type AuditFilter struct {
	All      bool   // staff and admin see everything
	MemberID string // others: public entries and those naming them
	// PartyOf, with All, is the reader as a party: of the cases they are a
	// party to they see only what a member sees (SPEC "A party to a case
	// acts in it only as a party").
	PartyOf  string
	Process  string
	ObjectID string
	Action   string
	Audience string
	AfterSeq int64
	// Newest lists the latest entries first, before BeforeSeq when set
	// (the web's log, read from the most recent).
	Newest    bool
	BeforeSeq int64
	Limit     int
}

// ListAudit lists entries in chain order (newest first with Newest).
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	order := "seq ASC"
	if f.Newest {
		order = "seq DESC"
	}
	q := s.DB.WithContext(ctx).Model(&AuditEntry{}).Order(order)
	if f.BeforeSeq > 0 {
		q = q.Where("seq < ?", f.BeforeSeq)
	}
	if f.Process != "" {
		q = q.Where("process = ?", f.Process)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Audience != "" {
		q = q.Where("audience = ?", f.Audience)
	}
	if f.AfterSeq > 0 {
		q = q.Where("seq > ?", f.AfterSeq)
	}
	if !f.All {
		// Members is a JSON array of IDs; IDs are generated and contain no
		// quote, so a quoted LIKE match is exact.
		q = q.Where("audience = ? OR (audience = ? AND members LIKE ?)",
			AudiencePublic, AudienceMembers, quotedLike(f.MemberID))
	} else if f.PartyOf != "" {
		q = q.Where("object_id NOT IN (?) OR audience = ? OR (audience = ? AND members LIKE ?)",
			s.partyCases(f.PartyOf), AudiencePublic, AudienceMembers, quotedLike(f.PartyOf))
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var out []AuditEntry
	err := q.Limit(limit).Find(&out).Error
	return out, err
}

// VerifyResult reports whether the chain is intact.
type VerifyResult struct {
	OK      bool   `json:"ok"`
	Entries int64  `json:"entries"`
	Head    string `json:"head"`
	// BrokenAt is the first entry whose hash or link does not match.
	BrokenAt *int64 `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// Code names the reason for a page to say in its reader's language
	// (VerifyMissing…); the API shows Reason.
	Code string `json:"-"`
}

// Codes of a broken chain (VerifyResult.Code).
const (
	VerifyMissing   = "missing"   // an entry of the sequence is gone
	VerifyUnlinked  = "unlinked"  // an entry does not link to the one before
	VerifyAltered   = "altered"   // an entry's hash does not match its content
	VerifyTruncated = "truncated" // the chain is shorter than a checkpoint says
	VerifyRewritten = "rewritten" // an entry differs from a checkpoint's
)

// VerifyAudit recomputes the whole chain, in batches so memory stays flat.
func (s *Store) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	res := VerifyResult{OK: true, Head: genesisHash}
	prev, expect := genesisHash, int64(1)
	const batch = 1000
	for {
		var rows []AuditEntry
		if err := s.DB.WithContext(ctx).Where("seq >= ?", expect).Order("seq ASC").Limit(batch).Find(&rows).Error; err != nil {
			return res, err
		}
		for _, e := range rows {
			seq := e.Seq
			switch {
			case e.Seq != expect:
				res.Reason, res.Code = fmt.Sprintf("entry %d is missing", expect), VerifyMissing
				seq = expect
			case e.PrevHash != prev:
				res.Reason, res.Code = fmt.Sprintf("entry %d does not link to entry %d", e.Seq, e.Seq-1), VerifyUnlinked
			case AuditHash(e) != e.Hash:
				res.Reason, res.Code = fmt.Sprintf("entry %d was altered: its hash does not match its content", e.Seq), VerifyAltered
			}
			if res.Reason != "" {
				res.OK = false
				res.BrokenAt = &seq
				return res, nil
			}
			prev, expect = e.Hash, e.Seq+1
			res.Entries++
			res.Head = e.Hash
		}
		if len(rows) < batch {
			return res, nil
		}
	}
}

// DetailsJSON returns the entry's details as stored, for the API.
func (e AuditEntry) DetailsJSON() json.RawMessage { return json.RawMessage(e.Details) }
