package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lacralo/ralo/domain"
)

// Survey is a priorities survey of policy topics (SPEC §4.8). It is kept in
// the database rather than in a workflow: its results order the statements
// agenda for as long as it is the latest survey, well beyond the history
// retention of a closed workflow, and closing it is only a date (a survey
// is closed from ClosesAt on; nothing happens at that instant).
type Survey struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	Title     string     `json:"title"`
	Topics    StringList `json:"topics"`
	ClosesAt  time.Time  `json:"closes_at"`
	Weighting string     `json:"weighting"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
}

// TableName is "statement_surveys".
func (Survey) TableName() string { return "statement_surveys" }

// Closed says whether the survey takes no more rankings at t.
func (s Survey) Closed(t time.Time) bool { return !t.Before(s.ClosesAt) }

// SurveyRanking is a member's last ranking of a survey's topics.
type SurveyRanking struct {
	SurveyID string     `gorm:"primaryKey" json:"survey_id"`
	MemberID string     `gorm:"primaryKey" json:"member_id"`
	Country  string     `json:"country"`
	Ranking  StringList `json:"ranking"`
	RankedAt time.Time  `json:"ranked_at"`
}

// TableName is "survey_rankings".
func (SurveyRanking) TableName() string { return "survey_rankings" }

// SurveyInput opens a survey.
type SurveyInput struct {
	Title    string    `json:"title"`
	Topics   []string  `json:"topics"`
	ClosesAt time.Time `json:"closes_at"`
}

const (
	maxSurveyTopics     = 50
	maxSurveyTopicBytes = 200
)

// CreateSurvey opens a survey with the weighting in force (policy
// `policy.survey_weighting`), audited publicly.
func (s *Store) CreateSurvey(ctx context.Context, actor Actor, in SurveyInput, weighting string) (Survey, error) {
	fe := newFieldErrors()
	if t := strings.TrimSpace(in.Title); t == "" || len(t) > 2000 {
		fe.set("title", FieldRequired, "is required (at most 2000 characters)")
	}
	topics := make([]string, 0, len(in.Topics))
	seen := map[string]bool{}
	for _, t := range in.Topics {
		t = strings.TrimSpace(t)
		switch {
		case t == "" || len(t) > maxSurveyTopicBytes:
			fe.set("topics", FieldSurveyTopics, fmt.Sprintf("each topic must be 1 to %d characters", maxSurveyTopicBytes))
		case seen[t]:
			fe.set("topics", FieldSurveyTopics, "topics must be distinct")
		}
		seen[t] = true
		topics = append(topics, t)
	}
	if len(topics) < 2 || len(topics) > maxSurveyTopics {
		fe.set("topics", FieldSurveyTopics, fmt.Sprintf("list 2 to %d topics", maxSurveyTopics))
	}
	if !in.ClosesAt.After(Now()) {
		fe.set("closes_at", FieldFuture, "is required and must be in the future")
	}
	if weighting != domain.SurveyMember && weighting != domain.SurveyNational {
		fe.set("weighting", FieldSurveyWeighting, "must be member or national")
	}
	if err := fe.orNil(); err != nil {
		return Survey{}, err
	}
	sv := Survey{ID: NewID("srv"), Title: strings.TrimSpace(in.Title), Topics: StringList(topics), ClosesAt: in.ClosesAt.UTC(),
		Weighting: weighting, CreatedBy: actor.String(), CreatedAt: Now()}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&sv).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "statement", ObjectID: sv.ID,
			Action: "statement.survey_opened", Details: sv, Audience: AudiencePublic})
		return err
	})
	return sv, err
}

// GetSurvey reads a survey.
func (s *Store) GetSurvey(ctx context.Context, id string) (Survey, error) {
	var sv Survey
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&sv).Error
	return sv, notFound(err)
}

// ListSurveys lists the surveys, the latest to close first.
func (s *Store) ListSurveys(ctx context.Context) ([]Survey, error) {
	var out []Survey
	err := s.DB.WithContext(ctx).Order("closes_at DESC, id DESC").Limit(200).Find(&out).Error
	return out, err
}

// LatestClosedSurvey is the survey that closed last before t, whose
// results order the statements agenda; ok is false when none has closed.
func (s *Store) LatestClosedSurvey(ctx context.Context, t time.Time) (sv Survey, ok bool, err error) {
	res := s.DB.WithContext(ctx).Where("closes_at <= ?", t.UTC()).Order("closes_at DESC, id DESC").Limit(1).Find(&sv)
	return sv, res.RowsAffected > 0, res.Error
}

// RankSurvey records a member's ranking, replacing their previous one: the
// last counts. A closed survey answers ErrConflict; a ranking naming
// anything but the survey's topics, or one twice, is a field error.
func (s *Store) RankSurvey(ctx context.Context, surveyID string, m Member, ranking []string, at time.Time) (SurveyRanking, error) {
	sv, err := s.GetSurvey(ctx, surveyID)
	if err != nil {
		return SurveyRanking{}, err
	}
	if sv.Closed(at) {
		return SurveyRanking{}, fmt.Errorf("%w: the survey closed at %s", ErrConflict, sv.ClosesAt.Format(time.RFC3339))
	}
	if len(ranking) == 0 {
		return SurveyRanking{}, fieldError("ranking", FieldSurveyRanking, "rank at least one topic")
	}
	seen := map[string]bool{}
	for _, t := range ranking {
		if !sv.Topics.Has(t) || seen[t] {
			return SurveyRanking{}, fieldError("ranking", FieldSurveyRanking, "each of the survey's topics at most once, and only those")
		}
		seen[t] = true
	}
	r := SurveyRanking{SurveyID: sv.ID, MemberID: m.ID, Country: m.Country, Ranking: StringList(ranking), RankedAt: at.UTC()}
	err = s.DB.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "survey_id"}, {Name: "member_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"country", "ranking", "ranked_at"}),
	}).Create(&r).Error
	return r, err
}

// MemberRanking is a member's ranking of a survey; ok is false when they
// have not ranked it.
func (s *Store) MemberRanking(ctx context.Context, surveyID, memberID string) (r SurveyRanking, ok bool, err error) {
	err = s.DB.WithContext(ctx).Where("survey_id = ? AND member_id = ?", surveyID, memberID).Limit(1).Find(&r).Error
	return r, err == nil && r.MemberID != "", err
}

// SurveyRespondents counts the members who ranked a survey.
func (s *Store) SurveyRespondents(ctx context.Context, surveyID string) (int64, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&SurveyRanking{}).Where("survey_id = ?", surveyID).Count(&n).Error
	return n, err
}

// SurveyResults counts a survey with domain.SurveyResults under the
// weighting it opened with.
func (s *Store) SurveyResults(ctx context.Context, sv Survey) ([]domain.TopicScore, error) {
	var rows []SurveyRanking
	if err := s.DB.WithContext(ctx).Where("survey_id = ?", sv.ID).Order("member_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	rankings := make([]domain.SurveyRanking, 0, len(rows))
	for _, r := range rows {
		rankings = append(rankings, domain.SurveyRanking{MemberID: r.MemberID, Country: r.Country, Ranking: []string(r.Ranking), At: r.RankedAt})
	}
	return domain.SurveyResults([]string(sv.Topics), rankings, sv.Weighting)
}
