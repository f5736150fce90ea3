package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// ActiveFeedToken is the member's calendar feed token in force (its hash
// only: the secret was shown once), or ErrNotFound when they have none.
func (s *Store) ActiveFeedToken(ctx context.Context, memberID string) (FeedToken, error) {
	var t FeedToken
	err := s.DB.WithContext(ctx).Where("member_id = ? AND revoked_at IS NULL", memberID).Order("created_at DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return FeedToken{}, ErrNotFound
	}
	return t, err
}
