package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/lacralo/ralo/domain"
)

// Keeping members informed: who gets the monthly digest, the observers'
// share of the participation indicators and the indicators as CSV.

// ObserverALS is the als_id of the participation acts of observers
// (members of no ALS): they are counted in the indicators' observers line,
// never in an ALS's.
const ObserverALS = ""

// DigestRecipients lists up to limit members with an ID after after, in ID
// order, who did not unsubscribe from the monthly digest.
func (s *Store) DigestRecipients(ctx context.Context, after string, limit int) ([]Member, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []Member
	err := s.DB.WithContext(ctx).Where("digest_opt_out = ? AND id > ?", false, after).Order("id").Limit(limit).Find(&out).Error
	return out, err
}

// RecordObserverParticipation appends an observer's act (a comment, a
// draft): counted in the observers' line of the indicators. ref makes the
// call idempotent, as for RecordParticipation.
func (s *Store) RecordObserverParticipation(ctx context.Context, kind string, at time.Time, ref string) error {
	if ref == "" || kind == "" {
		return fieldError("participation", FieldRequired, "kind and ref are required")
	}
	e := ParticipationEvent{Ref: ref, ALSID: ObserverALS, Kind: kind, At: at.UTC(), CreatedAt: Now()}
	return s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&e).Error
}

// ObserverRow is what observers (members of no ALS: LACRALO's individual
// members) contributed over a period: they take part and are counted,
// without a vote.
type ObserverRow struct {
	MeetingsAttended int `json:"meetings_attended"`
	Comments         int `json:"comments"`
	Drafts           int `json:"drafts"`
	MailingList      int `json:"mailing_list"`
	Other            int `json:"other"`
}

// ObserverReport sums the observers' acts over [from, to): meetings
// attended (not cancelled) and the acts recorded for no ALS.
func (s *Store) ObserverReport(ctx context.Context, from, to time.Time) (ObserverRow, error) {
	db := s.DB.WithContext(ctx)
	var out ObserverRow
	var n int64
	if err := db.Table("attendance").Joins("JOIN meetings ON meetings.id = attendance.meeting_id").
		Where("attendance.als_id IS NULL AND meetings.cancelled_at IS NULL AND meetings.starts_at >= ? AND meetings.starts_at < ?", from, to).
		Count(&n).Error; err != nil {
		return out, err
	}
	out.MeetingsAttended = int(n)
	var evs []ParticipationEvent
	if err := db.Where("als_id = ? AND at >= ? AND at < ?", ObserverALS, from, to).Find(&evs).Error; err != nil {
		return out, err
	}
	for _, e := range evs {
		switch e.Kind {
		case domain.ActivityComment:
			out.Comments++
		case domain.ActivityDraft:
			out.Drafts++
		case domain.ActivityMailingList:
			out.MailingList++
		default:
			out.Other++
		}
	}
	return out, nil
}

// ParticipationCSV writes the indicators per ALS as CSV, one row per ALS,
// with the observers' line last when observers is not nil.
func ParticipationCSV(rows []ParticipationRow, observers *ObserverRow) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	records := [][]string{{"als_id", "name", "country", "meetings_attended", "monthly_calls", "calls_attended",
		"consecutive_missed_calls", "ballots_cast", "comments", "drafts", "other", "voting_status", "voting", "status_since", "mailing_list"}}
	for _, r := range rows {
		records = append(records, []string{r.ALSID, csvSafe(r.Name), r.Country, strconv.Itoa(r.MeetingsAttended),
			strconv.Itoa(r.MonthlyCalls), strconv.Itoa(r.CallsAttended), strconv.Itoa(r.ConsecutiveMiss),
			strconv.Itoa(r.BallotsCast), strconv.Itoa(r.Comments), strconv.Itoa(r.Drafts), strconv.Itoa(r.Other),
			r.VotingStatus, strconv.FormatBool(r.Voting), stamp(r.Since), strconv.Itoa(r.MailingList)})
	}
	if o := observers; o != nil {
		records = append(records, []string{"", "observers", "", strconv.Itoa(o.MeetingsAttended), "", "", "", "0",
			strconv.Itoa(o.Comments), strconv.Itoa(o.Drafts), strconv.Itoa(o.Other), "observer", "false", "", strconv.Itoa(o.MailingList)})
	}
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// csvSafe keeps a spreadsheet from reading a name as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
