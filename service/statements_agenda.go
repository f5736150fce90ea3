package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/statement"
)

// SurveyRequest opens a priorities survey of policy topics.
type SurveyRequest = store.SurveyInput

// RankingRequest ranks a survey's topics, most important first.
type RankingRequest struct {
	Ranking []string `json:"ranking"`
}

// SurveyDoc is a survey with its respondents and, once closed, its
// results (before, interim results would sway the answers).
type SurveyDoc struct {
	store.Survey
	Status      string        `json:"status"`
	Respondents int64         `json:"respondents"`
	Results     []SurveyScore `json:"results"`
}

// SurveyScore is a topic's place in the results.
type SurveyScore struct {
	Topic       string  `json:"topic"`
	Rank        int     `json:"rank"`
	Points      float64 `json:"points"`
	Respondents int     `json:"respondents"`
}

// AgendaItem is an open statement on the agenda.
type AgendaItem struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	Topic     string    `json:"topic,omitempty"`
	TopicRank *int      `json:"topic_rank"`
	ClosesAt  time.Time `json:"closes_at"`
}

// Agenda is the open statements in the order of the priorities survey.
type Agenda struct {
	SurveyID   *string      `json:"survey_id"`
	Statements []AgendaItem `json:"statements"`
}

func (s *Service) surveyDoc(ctx context.Context, sv store.Survey) (SurveyDoc, error) {
	doc := SurveyDoc{Survey: sv, Status: "open", Results: []SurveyScore{}}
	n, err := s.store.SurveyRespondents(ctx, sv.ID)
	if err != nil {
		return SurveyDoc{}, err
	}
	doc.Respondents = n
	if !sv.Closed(store.Now()) {
		return doc, nil
	}
	doc.Status = "closed"
	res, err := s.store.SurveyResults(ctx, sv)
	if err != nil {
		return SurveyDoc{}, err
	}
	for _, r := range res {
		doc.Results = append(doc.Results, SurveyScore{Topic: r.Topic, Rank: r.Rank, Points: r.Points, Respondents: r.Respondents})
	}
	return doc, nil
}

// CreateSurvey opens a priorities survey (staff).
func (s *Service) CreateSurvey(ctx context.Context, a *Actor, req SurveyRequest) (SurveyDoc, error) {
	if !a.IsStaff() {
		return SurveyDoc{}, Forbidden("only staff open a priorities survey").Coded(CodeSurveyStaffOnly)
	}
	sv, err := s.store.CreateSurvey(ctx, store.Actor{MemberID: a.ID}, req, string(s.policy.Statements.SurveyWeighting))
	if err != nil {
		return SurveyDoc{}, err
	}
	return s.surveyDoc(ctx, sv)
}

// ListSurveys lists the priorities surveys, the latest to close first.
func (s *Service) ListSurveys(ctx context.Context, a *Actor) ([]SurveyDoc, error) {
	if err := memberOnly(a); err != nil {
		return nil, err
	}
	list, err := s.store.ListSurveys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SurveyDoc, 0, len(list))
	for _, sv := range list {
		doc, err := s.surveyDoc(ctx, sv)
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, nil
}

// GetSurvey reads one survey; its results once it has closed.
func (s *Service) GetSurvey(ctx context.Context, a *Actor, id string) (SurveyDoc, error) {
	if err := memberOnly(a); err != nil {
		return SurveyDoc{}, err
	}
	sv, err := s.store.GetSurvey(ctx, id)
	if err != nil {
		return SurveyDoc{}, err
	}
	return s.surveyDoc(ctx, sv)
}

// RankSurvey records a member's ranking of the survey's topics; the last
// ranking counts.
func (s *Service) RankSurvey(ctx context.Context, a *Actor, id string, req RankingRequest) (store.SurveyRanking, error) {
	if err := memberOnly(a); err != nil {
		return store.SurveyRanking{}, err
	}
	sv, err := s.store.GetSurvey(ctx, id)
	if err != nil {
		return store.SurveyRanking{}, err
	}
	now := store.Now()
	if err := surveyOpen(sv, now); err != nil {
		return store.SurveyRanking{}, err
	}
	r, err := s.store.RankSurvey(ctx, id, a.Member, req.Ranking, now)
	if errors.Is(err, store.ErrConflict) {
		return store.SurveyRanking{}, Conflict(strings.TrimPrefix(err.Error(), store.ErrConflict.Error()+": "))
	}
	return r, err
}

// surveyOpen refuses a ranking of a closed survey with its code and
// closing time (the store refuses it too, in words only).
func surveyOpen(sv store.Survey, now time.Time) error {
	if sv.Closed(now) {
		return Conflict("the survey closed at "+sv.ClosesAt.Format(time.RFC3339)).Coded(CodeSurveyClosed, "ClosedAt", sv.ClosesAt.Format(time.RFC3339))
	}
	return nil
}

// SurveyRankingOf is the reader's own ranking of a survey, most important
// first; empty when they have not ranked it.
func (s *Service) SurveyRankingOf(ctx context.Context, a *Actor, id string) ([]string, error) {
	if err := memberOnly(a); err != nil {
		return nil, err
	}
	r, ok, err := s.store.MemberRanking(ctx, id, a.ID)
	if err != nil || !ok {
		return nil, err
	}
	return []string(r.Ranking), nil
}

// StatementAgenda orders the open statements by the rank of their topic
// in the latest closed priorities survey (statements without a ranked
// topic come after), then by ICANN's close date.
func (s *Service) StatementAgenda(ctx context.Context, a *Actor) (Agenda, error) {
	if err := memberOnly(a); err != nil {
		return Agenda{}, err
	}
	cases, err := s.store.ListCases(ctx, statementProcess, "", 1000)
	if err != nil {
		return Agenda{}, err
	}
	rank := map[string]int{}
	doc := Agenda{Statements: []AgendaItem{}}
	sv, ok, err := s.store.LatestClosedSurvey(ctx, store.Now())
	if err != nil {
		return Agenda{}, err
	}
	if ok {
		res, err := s.store.SurveyResults(ctx, sv)
		if err != nil {
			return Agenda{}, err
		}
		for _, r := range res {
			rank[r.Topic] = r.Rank
		}
		doc.SurveyID = &sv.ID
	}
	for _, cs := range cases {
		if cs.Status == statement.StatusSubmitted || cs.Status == statement.StatusDeclined {
			continue
		}
		var st statement.State
		if err := s.query(ctx, statement.WorkflowID(cs.ID), statement.Query, &st); err != nil {
			s.log.WarnContext(ctx, "agenda: statement not readable", "id", cs.ID, "err", err)
			continue
		}
		if st.Status == statement.StatusSubmitted || st.Status == statement.StatusDeclined {
			continue
		}
		item := AgendaItem{ID: cs.ID, Title: st.Title, Status: st.Status, Topic: st.Topic, ClosesAt: st.Proceeding.ClosesAt}
		if r, ok := rank[st.Topic]; ok && st.Topic != "" {
			item.TopicRank = &r
		}
		doc.Statements = append(doc.Statements, item)
	}
	slices.SortStableFunc(doc.Statements, func(x, y AgendaItem) int {
		switch {
		case x.TopicRank != nil && y.TopicRank == nil:
			return -1
		case x.TopicRank == nil && y.TopicRank != nil:
			return 1
		case x.TopicRank != nil && *x.TopicRank != *y.TopicRank:
			return *x.TopicRank - *y.TopicRank
		}
		if d := x.ClosesAt.Compare(y.ClosesAt); d != 0 {
			return d
		}
		return strings.Compare(x.ID, y.ID)
	})
	return doc, nil
}
