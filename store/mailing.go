package store

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lacralo/ralo/domain"
)

// MailingColumns are the columns of a mailing-list activity CSV: who wrote
// (matched to a member by email), on which day, to which list.
var MailingColumns = []string{"email", "date", "list"}

// maxMailingRows bounds one import, so that a request cannot hold a
// transaction open for ever.
const maxMailingRows = 100_000

// MailingSummary counts what an import recorded: Rows read, Recorded new
// acts (a row already imported, or a second message of the same member to
// the same list on the same day, is counted once), NoALS the rows of
// members who represent no ALS (observers: kept out of the per-ALS
// indicators, counted in the observers' line).
type MailingSummary struct {
	Rows     int `json:"rows"`
	Recorded int `json:"recorded"`
	NoALS    int `json:"no_als"`
}

// ImportMailingActivity records mailing-list participation in bulk, with
// the roster importer's conventions: a header row naming the columns, one
// transaction, every row imported or none, every problem reported by its
// line (as FieldErrors keyed "line N", so the API answers 422 naming
// them). Each row counts as an act of the member's ALS on that day
// (domain.ActivityMailingList); the ref (list, member, day) makes a
// re-import change nothing.
func (s *Store) ImportMailingActivity(ctx context.Context, actor Actor, r io.Reader) (MailingSummary, error) {
	type row struct {
		line              int
		email, list, date string
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return MailingSummary{}, fieldError("line 1", FieldMailingHeader, "a header row email,date,list is required")
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !oneOf(h, MailingColumns) {
			return MailingSummary{}, fieldError("line 1", FieldMailingHeader, fmt.Sprintf("unknown column %q (columns: %s)", h, strings.Join(MailingColumns, ", ")))
		}
		if _, dup := idx[h]; dup {
			return MailingSummary{}, fieldError("line 1", FieldMailingHeader, fmt.Sprintf("column %q appears twice", h))
		}
		idx[h] = i
	}
	for _, need := range MailingColumns {
		if _, ok := idx[need]; !ok {
			return MailingSummary{}, fieldError("line 1", FieldMailingHeader, fmt.Sprintf("column %q is required", need))
		}
	}
	problems := newFieldErrors()
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			problems.set(fmt.Sprintf("line %d", pe.Line), FieldMailingLine, pe.Err.Error())
			continue
		}
		if err != nil {
			return MailingSummary{}, err
		}
		line, _ := cr.FieldPos(0)
		if len(rows) >= maxMailingRows {
			return MailingSummary{}, fieldError(fmt.Sprintf("line %d", line), FieldMailingRows, fmt.Sprintf("at most %d rows per import", maxMailingRows))
		}
		if len(rec) != len(header) {
			problems.set(fmt.Sprintf("line %d", line), FieldMailingLine, fmt.Sprintf("%d fields, the header has %d", len(rec), len(header)))
			continue
		}
		rows = append(rows, row{line: line, email: strings.ToLower(strings.TrimSpace(rec[idx["email"]])),
			list: strings.TrimSpace(rec[idx["list"]]), date: strings.TrimSpace(rec[idx["date"]])})
	}
	var sum MailingSummary
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sum = MailingSummary{Rows: len(rows)}
		var members []Member
		if err := tx.Select("id", "email", "als_id").Find(&members).Error; err != nil {
			return err
		}
		byEmail := make(map[string]Member, len(members))
		for _, m := range members {
			byEmail[strings.ToLower(strings.TrimSpace(m.Email))] = m
		}
		var events []ParticipationEvent
		seen := map[string]bool{}
		now := Now()
		for _, r := range rows {
			key := fmt.Sprintf("line %d", r.line)
			at, ok := mailingDate(r.date)
			var why, codes []string
			if !ok {
				why, codes = append(why, fmt.Sprintf("date %q must be a date such as 2027-05-01 or a date-time such as 2027-05-01T14:00:00Z", r.date)), append(codes, FieldMailingDate)
			} else if at.After(now) {
				why, codes = append(why, fmt.Sprintf("date %s is in the future", r.date)), append(codes, FieldMailingDate)
			}
			if r.list == "" || len(r.list) > 200 {
				why, codes = append(why, "list is required (at most 200 characters)"), append(codes, FieldMailingList)
			}
			m, known := byEmail[r.email]
			if !known {
				why, codes = append(why, fmt.Sprintf("no member with email %q", r.email)), append(codes, FieldMailingEmail)
			}
			if len(why) > 0 {
				code := codes[0]
				if len(codes) > 1 {
					code = FieldMailingProblems
				}
				problems.set(key, code, strings.Join(why, "; "))
				continue
			}
			// An observer's message counts in the observers' line.
			als := ObserverALS
			if m.ALSID == nil || *m.ALSID == "" {
				sum.NoALS++
			} else {
				als = *m.ALSID
			}
			ref := "mailing-list/" + r.list + "/" + m.ID + "/" + at.Format(time.DateOnly)
			if seen[ref] {
				continue
			}
			seen[ref] = true
			events = append(events, ParticipationEvent{Ref: ref, ALSID: als, Kind: domain.ActivityMailingList, At: at, CreatedAt: now})
		}
		if err := problems.orNil(); err != nil {
			return err
		}
		for start := 0; start < len(events); start += 500 {
			batch := events[start:min(start+500, len(events))]
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&batch)
			if res.Error != nil {
				return res.Error
			}
			sum.Recorded += int(res.RowsAffected)
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "participation", ObjectID: "mailing-list",
			Action: "participation.mailing_list_imported", Details: map[string]any{"rows": sum.Rows, "recorded": sum.Recorded, "no_als": sum.NoALS},
			Audience: AudiencePublic})
		return err
	})
	if err != nil {
		return MailingSummary{}, err
	}
	return sum, nil
}

// mailingDate reads a day (2027-05-01, taken as 00:00 UTC) or an RFC 3339
// date-time.
func mailingDate(s string) (time.Time, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}
