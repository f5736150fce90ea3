package store

import (
	"context"
	"encoding/json"
	"errors"

	"gorm.io/gorm"
)

// Attachment is a file attached to an outbox message.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// EnqueueInput is one rendered email to write to the outbox.
type EnqueueInput struct {
	IdemKey     string
	Process     string
	Step        string
	MemberID    string
	ToEmail     string
	Language    string
	Event       string
	Subject     string
	Body        string
	Attachments []Attachment
	// Status is OutboxPending when a mailer will deliver it, else OutboxHeld.
	Status string
}

// Enqueue writes a message unless one with the same idempotency key exists;
// either way it returns the stored message, so retries are harmless.
func (s *Store) Enqueue(ctx context.Context, in EnqueueInput) (OutboxMessage, error) {
	var existing OutboxMessage
	err := s.DB.WithContext(ctx).Where("idem_key = ?", in.IdemKey).Take(&existing).Error
	if err == nil {
		return existing, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return OutboxMessage{}, err
	}
	att, err := json.Marshal(in.Attachments)
	if err != nil {
		return OutboxMessage{}, err
	}
	if in.Attachments == nil {
		att = []byte("[]")
	}
	m := OutboxMessage{ID: NewID("msg"), IdemKey: in.IdemKey, Process: in.Process, Step: in.Step,
		ToEmail: in.ToEmail, Language: in.Language, Event: in.Event, Subject: in.Subject, Body: in.Body,
		Attachments: string(att), Status: in.Status}
	if in.MemberID != "" {
		id := in.MemberID
		m.MemberID = &id
	}
	if err := s.DB.WithContext(ctx).Create(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			// A concurrent retry won the race; return its row.
			err = s.DB.WithContext(ctx).Where("idem_key = ?", in.IdemKey).Take(&existing).Error
			return existing, err
		}
		return OutboxMessage{}, err
	}
	return m, nil
}

// GetOutbox reads one message.
func (s *Store) GetOutbox(ctx context.Context, id string) (OutboxMessage, error) {
	var m OutboxMessage
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&m).Error
	return m, notFound(err)
}

// OutboxAttachments decodes a message's attachments.
func (m OutboxMessage) OutboxAttachments() ([]Attachment, error) {
	var out []Attachment
	err := json.Unmarshal([]byte(m.Attachments), &out)
	return out, err
}

// MarkOutboxAttempt counts a delivery attempt and remembers its error.
func (s *Store) MarkOutboxAttempt(ctx context.Context, id, lastError string) error {
	return s.DB.WithContext(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": lastError}).Error
}

// MarkOutboxSent records a successful delivery attempt, in one write.
func (s *Store) MarkOutboxSent(ctx context.Context, id string) error {
	return s.DB.WithContext(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxSent, "sent_at": Now(), "last_error": "", "attempts": gorm.Expr("attempts + 1")}).Error
}

// MarkOutboxFailed records a permanent failure with its reason.
func (s *Store) MarkOutboxFailed(ctx context.Context, id, reason string) error {
	return s.DB.WithContext(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxFailed, "last_error": reason}).Error
}

// OutboxFilter narrows ListOutbox.
type OutboxFilter struct {
	MemberID string // empty: every message (admin)
	// PartyOf, with MemberID empty, is the admin as a party: of the
	// cases they are a party to they see only their own messages.
	PartyOf string
	Status  string
	// Statuses, when Status is empty, lists the statuses to include.
	Statuses []string
	Process  string
	// IDs, when set, keeps only these messages.
	IDs    []string
	Limit  int
	Offset int
}

// ListOutbox lists messages, newest first.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	q := s.DB.WithContext(ctx).Order("created_at DESC, id DESC")
	if f.MemberID != "" {
		q = q.Where("member_id = ?", f.MemberID)
	} else if f.PartyOf != "" {
		// The idempotency key starts with process/object/.
		q = q.Where("member_id = ? OR NOT EXISTS (SELECT 1 FROM cases c WHERE c.parties LIKE ? AND outbox.idem_key LIKE c.process || '/' || c.id || '/%')",
			f.PartyOf, quotedLike(f.PartyOf))
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	} else if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Process != "" {
		q = q.Where("process = ?", f.Process)
	}
	if len(f.IDs) > 0 {
		q = q.Where("id IN ?", f.IDs)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var out []OutboxMessage
	err := q.Limit(limit).Offset(max(0, f.Offset)).Find(&out).Error
	return out, err
}

// RetryOutbox puts a failed message back to pending delivery, its attempts
// kept, and audits it; a message that is not failed is a conflict.
func (s *Store) RetryOutbox(ctx context.Context, actor Actor, id string) (OutboxMessage, error) {
	var m OutboxMessage
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&m).Error; err != nil {
			return notFound(err)
		}
		res := tx.Model(&OutboxMessage{}).Where("id = ? AND status = ?", id, OutboxFailed).Update("status", OutboxPending)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		m.Status = OutboxPending
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "outbox", ObjectID: m.ID, Action: "email.retried",
			Details: map[string]any{"attempts": m.Attempts}, Audience: AudienceStaff})
		return err
	})
	return m, err
}

// OutboxDepth counts messages by status, for the metrics endpoint.
func (s *Store) OutboxDepth(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	err := s.DB.WithContext(ctx).Model(&OutboxMessage{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}

// ClaimIdempotency reserves an Idempotency-Key for a member. It returns the
// stored answer when the key was used before (Status 0 means the first
// request is still running).
func (s *Store) ClaimIdempotency(ctx context.Context, memberID, key, method, path string) (*Idempotency, error) {
	row := Idempotency{MemberID: memberID, Key: key, Method: method, Path: path, CreatedAt: Now()}
	err := s.DB.WithContext(ctx).Create(&row).Error
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, err
	}
	var prior Idempotency
	if err := s.DB.WithContext(ctx).Where("member_id = ? AND key = ?", memberID, key).Take(&prior).Error; err != nil {
		return nil, err
	}
	return &prior, nil
}

// CompleteIdempotency stores the answer for a claimed key.
func (s *Store) CompleteIdempotency(ctx context.Context, memberID, key string, status int, body string) error {
	return s.DB.WithContext(ctx).Model(&Idempotency{}).Where("member_id = ? AND key = ?", memberID, key).
		Updates(map[string]any{"status": status, "body": body}).Error
}

// ReleaseIdempotency forgets a claimed key whose request failed, so the
// client may retry it.
func (s *Store) ReleaseIdempotency(ctx context.Context, memberID, key string) error {
	return s.DB.WithContext(ctx).Where("member_id = ? AND key = ?", memberID, key).Delete(&Idempotency{}).Error
}
