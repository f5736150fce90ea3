package domain

import (
	"fmt"
	"math/big"
	"slices"
	"time"
)

// The weightings of the priorities survey (policy `policy.survey_weighting`),
// spelled as in the policy file.
const (
	// SurveyMember: one member, one ranking.
	SurveyMember = "member"
	// SurveyNational: each country with respondents weighs the same, its
	// share split equally among its respondents, so that a country with
	// many respondents does not set the region's agenda alone.
	SurveyNational = "national"
)

// SurveyRanking is one member's ranking of a survey's topics, most
// important first. A member may rank again; the last ranking counts.
type SurveyRanking struct {
	MemberID string
	Country  string
	Ranking  []string
	At       time.Time
}

// TopicScore is a topic's place in the survey results. Score is the exact
// weighted Borda score; Points its float for documents.
type TopicScore struct {
	Topic       string
	Rank        int
	Score       *big.Rat
	Points      float64
	Respondents int // rankings that placed the topic
}

// SurveyResults counts a priorities survey with the Borda count: among n
// topics, a ranking gives n points to its first, n-1 to its second and so
// on; topics it leaves out get nothing. Each member's last ranking counts
// ([SurveyRanking].At, then the later in the list), weighted by the
// weighting: SurveyMember weighs every ranking 1; SurveyNational gives each
// country with respondents a weight of 1 split equally among them.
//
// Topics are ordered by score, highest first; equal scores keep the order
// in which the survey lists the topics, and share the same Rank (1 is
// first). A ranking naming a topic the survey does not have, or one topic
// twice, is an error: the process checks rankings when they are given.
func SurveyResults(topics []string, rankings []SurveyRanking, weighting string) ([]TopicScore, error) {
	if weighting != SurveyMember && weighting != SurveyNational {
		return nil, fmt.Errorf("survey weighting %q is not %q or %q", weighting, SurveyMember, SurveyNational)
	}
	index := make(map[string]int, len(topics))
	for i, t := range topics {
		if _, dup := index[t]; dup {
			return nil, fmt.Errorf("survey: topic %q is listed twice", t)
		}
		index[t] = i
	}
	latest := map[string]int{}
	for i, r := range rankings {
		if j, ok := latest[r.MemberID]; !ok || !r.At.Before(rankings[j].At) {
			latest[r.MemberID] = i
		}
	}
	perCountry := map[string]int64{}
	for _, i := range latest {
		perCountry[rankings[i].Country]++
	}
	scores := make([]TopicScore, len(topics))
	for i, t := range topics {
		scores[i] = TopicScore{Topic: t, Score: new(big.Rat)}
	}
	n := int64(len(topics))
	members := make([]string, 0, len(latest))
	for m := range latest {
		members = append(members, m)
	}
	slices.Sort(members)
	for _, member := range members {
		r := rankings[latest[member]]
		weight := big.NewRat(1, 1)
		if weighting == SurveyNational {
			weight = big.NewRat(1, perCountry[r.Country])
		}
		seen := map[string]bool{}
		for pos, t := range r.Ranking {
			k, ok := index[t]
			if !ok || seen[t] {
				return nil, fmt.Errorf("survey: the ranking of %s names %q, not a topic or named twice", member, t)
			}
			seen[t] = true
			points := new(big.Rat).Mul(weight, big.NewRat(n-int64(pos), 1))
			scores[k].Score.Add(scores[k].Score, points)
			scores[k].Respondents++
		}
	}
	slices.SortStableFunc(scores, func(a, b TopicScore) int { return b.Score.Cmp(a.Score) })
	for i := range scores {
		scores[i].Points = WeightFloat(scores[i].Score)
		scores[i].Rank = i + 1
		if i > 0 && scores[i].Score.Cmp(scores[i-1].Score) == 0 {
			scores[i].Rank = scores[i-1].Rank
		}
	}
	return scores, nil
}
