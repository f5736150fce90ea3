package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lacralo/ralo/domain"
	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/policy"
)

// Meeting kinds (SPEC process 5).
const (
	MeetingAssembly            = "assembly"
	MeetingCoordination        = "coordination"
	MeetingMentoring           = "mentoring"
	MeetingWorkingGroup        = "working_group"
	MeetingGovernanceCommittee = "governance_committee"
)

// MeetingKinds lists the kinds a meeting may have.
var MeetingKinds = []string{MeetingAssembly, MeetingCoordination, MeetingMentoring, MeetingWorkingGroup, MeetingGovernanceCommittee}

// Meeting is one occurrence of a meeting, one-off or of a series.
type Meeting struct {
	ID       string        `gorm:"primaryKey" json:"id"`
	Kind     string        `json:"kind"`
	Title    string        `json:"title"`
	StartsAt time.Time     `json:"starts_at"`
	Duration time.Duration `gorm:"column:duration_ns" json:"-"`
	Location string        `json:"location"`
	SeriesID *string       `json:"series_id"`
	// ChairID is the member chairing the meeting, who may record its
	// attendance.
	ChairID *string `json:"chair_id"`
	// CancelledAt is set once the meeting is cancelled: it stays listed,
	// marked cancelled, and no longer counts as held.
	CancelledAt *time.Time `json:"cancelled_at"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
}

// MarshalJSON writes the duration in the policy's notation ("1h30m",
// "1h"), as requests give it.
func (m Meeting) MarshalJSON() ([]byte, error) {
	type plain Meeting
	return json.Marshal(struct {
		plain
		Duration string `json:"duration"`
	}{plain(m), policy.Duration(m.Duration).String()})
}

// CalendarEvent is the meeting as a calendar entry, shared by invitations
// and the calendar feed so that both carry the same UID and calendars keep
// one entry. A cancelled meeting is a CANCEL of that UID with a SEQUENCE
// above the invitation's, which calendars apply by removing the entry.
func (m Meeting) CalendarEvent(baseURL string, stamp time.Time) notify.Event {
	ev := notify.Event{UID: "meeting-" + m.ID + "@ralo", Summary: m.Title, Location: m.Location,
		Description: "LACRALO " + strings.ReplaceAll(m.Kind, "_", " ") + " meeting", URL: baseURL,
		Start: m.StartsAt, Duration: m.Duration, Stamp: stamp}
	if m.CancelledAt != nil {
		ev.Method, ev.Sequence = "CANCEL", MeetingCancelSequence
	}
	return ev
}

// MeetingCancelSequence is the SEQUENCE of a meeting's cancellation; its
// invitation has 0, and a meeting is never rescheduled in between.
const MeetingCancelSequence = 1

// MeetingSeries is a recurring meeting, backed by a Temporal Schedule.
type MeetingSeries struct {
	ID       string        `gorm:"primaryKey" json:"id"`
	Kind     string        `json:"kind"`
	Title    string        `json:"title"`
	StartsAt time.Time     `json:"starts_at"`
	Duration time.Duration `gorm:"column:duration_ns" json:"-"`
	Location string        `json:"location"`
	// Every is the recurrence as given: "1mo", "2mo" or a duration.
	Every       string     `json:"every"`
	UntilAt     *time.Time `json:"until"`
	ChairID     *string    `json:"chair_id"`
	Paused      bool       `json:"paused"`
	CancelledAt *time.Time `json:"cancelled_at"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// TableName is the plural of the table, "meeting_series".
func (MeetingSeries) TableName() string { return "meeting_series" }

// MarshalJSON writes the duration as text.
func (m MeetingSeries) MarshalJSON() ([]byte, error) {
	type plain MeetingSeries
	return json.Marshal(struct {
		plain
		Duration string `json:"duration"`
	}{plain(m), policy.Duration(m.Duration).String()})
}

// Attendance is one member's presence at a meeting, counted for the ALS
// they belonged to when it was recorded.
type Attendance struct {
	MeetingID  string    `gorm:"primaryKey" json:"meeting_id"`
	MemberID   string    `gorm:"primaryKey" json:"member_id"`
	ALSID      *string   `gorm:"column:als_id" json:"als_id"`
	RecordedBy string    `json:"recorded_by"`
	At         time.Time `json:"at"`
}

// TableName is "attendance".
func (Attendance) TableName() string { return "attendance" }

// ParticipationEvent is an act of participation other than attendance.
type ParticipationEvent struct {
	Ref       string    `gorm:"primaryKey" json:"ref"`
	ALSID     string    `gorm:"column:als_id" json:"als_id"`
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
	CreatedAt time.Time `json:"created_at"`
}

// ALSParticipation is an ALS's stored standing under the inactivity rule.
type ALSParticipation struct {
	ALSID       string     `gorm:"primaryKey;column:als_id"`
	Status      string     `gorm:"column:status"`
	Since       time.Time  `gorm:"column:since"`
	WarnedAt    *time.Time `gorm:"column:warned_at"`
	InactiveAt  *time.Time `gorm:"column:inactive_at"`
	EvaluatedAt *time.Time `gorm:"column:evaluated_at"`
	// Transitions are those of the evaluation at EvaluatedAt, JSON.
	Transitions string    `gorm:"column:transitions"`
	UpdatedAt   time.Time `gorm:"column:updated_at"`
}

// TableName is "als_participation".
func (ALSParticipation) TableName() string { return "als_participation" }

func (p ALSParticipation) domain() domain.ALSParticipation {
	return domain.ALSParticipation{Status: domain.VotingStatus(p.Status), Since: p.Since, WarnedAt: p.WarnedAt, InactiveAt: p.InactiveAt}
}

// MeetingInput creates a meeting (or the first occurrence of a series).
type MeetingInput struct {
	Kind     string
	Title    string
	StartsAt time.Time
	Duration time.Duration
	Location string
	// ChairID optionally names the member chairing the meeting.
	ChairID string
}

func (in MeetingInput) validate() CodedFieldErrors {
	fe := newFieldErrors()
	if !oneOf(in.Kind, MeetingKinds) {
		fe.set("kind", FieldMeetingKind, "must be one of "+strings.Join(MeetingKinds, ", "))
	}
	if strings.TrimSpace(in.Title) == "" {
		fe.set("title", FieldRequired, "is required")
	} else if len(in.Title) > 300 {
		fe.set("title", FieldTooLong, "is longer than 300 bytes")
	}
	if in.StartsAt.IsZero() {
		fe.set("starts_at", FieldRequired, "is required")
	}
	if in.Duration <= 0 || in.Duration > 24*time.Hour {
		fe.set("duration", FieldDuration, "must be positive and at most 24h")
	}
	if len(in.Location) > 2000 {
		fe.set("location", FieldTooLong, "is longer than 2000 bytes")
	}
	return fe
}

func (in MeetingInput) meeting(id string, actor Actor, series *string) Meeting {
	return Meeting{ID: id, Kind: in.Kind, Title: strings.TrimSpace(in.Title), StartsAt: in.StartsAt.UTC().Truncate(time.Second),
		Duration: in.Duration, Location: strings.TrimSpace(in.Location), SeriesID: series, ChairID: optional(in.ChairID),
		CreatedBy: actor.String()}
}

// optional is nil for an empty string.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// checkChair adds a field error when the chair names no member.
func checkChair(tx *gorm.DB, chairID string, fe CodedFieldErrors) error {
	if chairID == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&Member{}).Where("id = ?", chairID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		fe.set("chair_id", FieldUnknownMember, "no member with this ID")
	}
	return nil
}

// CreateMeeting schedules a one-off meeting.
func (s *Store) CreateMeeting(ctx context.Context, actor Actor, in MeetingInput) (Meeting, error) {
	if err := in.validate().orNil(); err != nil {
		return Meeting{}, err
	}
	m := in.meeting(NewID("mtg"), actor, nil)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fe := newFieldErrors()
		if err := checkChair(tx, in.ChairID, fe); err != nil {
			return err
		}
		if err := fe.orNil(); err != nil {
			return err
		}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		return s.auditMeeting(tx, actor, m)
	})
	return m, err
}

func (s *Store) auditMeeting(tx *gorm.DB, actor Actor, m Meeting) error {
	_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "meetings", ObjectID: m.ID,
		Action: "meeting.scheduled", Details: m, Audience: AudiencePublic})
	return err
}

// SeriesInput creates a recurring meeting; Every has been checked by the
// caller, which also owns its Temporal Schedule.
type SeriesInput struct {
	MeetingInput
	Every string
	Until *time.Time
}

// CreateMeetingSeries records a series and its first occurrence, which the
// caller invites to at once; the schedule creates the following ones.
func (s *Store) CreateMeetingSeries(ctx context.Context, actor Actor, in SeriesInput) (MeetingSeries, Meeting, error) {
	fe := in.validate()
	if in.Until != nil && in.Until.Before(in.StartsAt) {
		fe.set("recurrence.until", FieldUntil, "is before starts_at")
	}
	if err := fe.orNil(); err != nil {
		return MeetingSeries{}, Meeting{}, err
	}
	sr := MeetingSeries{ID: NewID("ser"), Kind: in.Kind, Title: strings.TrimSpace(in.Title), StartsAt: in.StartsAt.UTC().Truncate(time.Second),
		Duration: in.Duration, Location: strings.TrimSpace(in.Location), Every: in.Every, UntilAt: in.Until,
		ChairID: optional(in.ChairID), CreatedBy: actor.String()}
	m := in.meeting(SeriesMeetingID(sr.ID, sr.StartsAt), actor, &sr.ID)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkChair(tx, in.ChairID, fe); err != nil {
			return err
		}
		if err := fe.orNil(); err != nil {
			return err
		}
		if err := tx.Create(&sr).Error; err != nil {
			return err
		}
		if _, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "meetings", ObjectID: sr.ID,
			Action: "meeting.series_created", Details: sr, Audience: AudiencePublic}); err != nil {
			return err
		}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		return s.auditMeeting(tx, actor, m)
	})
	return sr, m, err
}

// SeriesMeetingID is the ID of a series' occurrence at startsAt, derived
// from both so that a retried creation finds the row it made.
func SeriesMeetingID(seriesID string, startsAt time.Time) string {
	return "mtg_" + strings.TrimPrefix(seriesID, "ser_") + "_" + startsAt.UTC().Format("20060102T150405Z")
}

// EnsureSeriesMeeting creates a series' occurrence unless it exists;
// cancelled reports a series cancelled since, for which nothing is created.
func (s *Store) EnsureSeriesMeeting(ctx context.Context, seriesID string, startsAt time.Time) (m Meeting, cancelled bool, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sr MeetingSeries
		if err := tx.Where("id = ?", seriesID).Take(&sr).Error; err != nil {
			return notFound(err)
		}
		if sr.CancelledAt != nil {
			cancelled = true
			return nil
		}
		id := SeriesMeetingID(sr.ID, startsAt)
		err := tx.Where("id = ?", id).Take(&m).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		chair := ""
		if sr.ChairID != nil {
			chair = *sr.ChairID
		}
		m = MeetingInput{Kind: sr.Kind, Title: sr.Title, StartsAt: startsAt, Duration: sr.Duration, Location: sr.Location, ChairID: chair}.
			meeting(id, Actor{}, &sr.ID)
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		return s.auditMeeting(tx, Actor{}, m)
	})
	return m, cancelled, err
}

// GetMeeting reads one meeting.
func (s *Store) GetMeeting(ctx context.Context, id string) (Meeting, error) {
	var m Meeting
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&m).Error
	return m, notFound(err)
}

// ListMeetings lists meetings starting in [from, to) by start; a zero
// bound is open.
func (s *Store) ListMeetings(ctx context.Context, from, to time.Time) ([]Meeting, error) {
	q := s.DB.WithContext(ctx).Order("starts_at, id")
	if !from.IsZero() {
		q = q.Where("starts_at >= ?", from.UTC())
	}
	if !to.IsZero() {
		q = q.Where("starts_at < ?", to.UTC())
	}
	out := []Meeting{}
	err := q.Limit(5000).Find(&out).Error
	return out, err
}

// GetMeetingSeries reads one series.
func (s *Store) GetMeetingSeries(ctx context.Context, id string) (MeetingSeries, error) {
	var sr MeetingSeries
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&sr).Error
	return sr, notFound(err)
}

// SetSeriesPaused records that a series' schedule was paused or resumed.
func (s *Store) SetSeriesPaused(ctx context.Context, actor Actor, id string, paused bool) (MeetingSeries, error) {
	var sr MeetingSeries
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&sr).Error; err != nil {
			return notFound(err)
		}
		if sr.CancelledAt != nil {
			return ErrConflict
		}
		if sr.Paused == paused {
			return nil
		}
		sr.Paused, sr.UpdatedAt = paused, Now()
		if err := tx.Model(&sr).Updates(map[string]any{"paused": paused, "updated_at": sr.UpdatedAt}).Error; err != nil {
			return err
		}
		action := "meeting.series_resumed"
		if paused {
			action = "meeting.series_paused"
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "meetings", ObjectID: id, Action: action, Audience: AudiencePublic})
		return err
	})
	return sr, err
}

// CancelSeries records that a series was cancelled: later occurrences are
// not created, and those created but not yet started are cancelled. It
// returns the series' cancelled upcoming meetings, every time it is called,
// so that a retried cancellation still sends their cancellations (which
// their idempotency keys send once).
func (s *Store) CancelSeries(ctx context.Context, actor Actor, id string) ([]Meeting, error) {
	var out []Meeting
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sr MeetingSeries
		if err := tx.Where("id = ?", id).Take(&sr).Error; err != nil {
			return notFound(err)
		}
		now := Now()
		if sr.CancelledAt == nil {
			if err := tx.Model(&sr).Updates(map[string]any{"cancelled_at": now, "updated_at": now}).Error; err != nil {
				return err
			}
			if err := tx.Model(&Meeting{}).Where("series_id = ? AND starts_at > ? AND cancelled_at IS NULL", id, now).
				Update("cancelled_at", now).Error; err != nil {
				return err
			}
			if _, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "meetings", ObjectID: id,
				Action: "meeting.series_cancelled", Audience: AudiencePublic}); err != nil {
				return err
			}
			sr.CancelledAt = &now
		}
		return tx.Where("series_id = ? AND starts_at > ? AND cancelled_at IS NOT NULL", id, *sr.CancelledAt).
			Order("starts_at, id").Find(&out).Error
	})
	return out, err
}

// CancelMeeting cancels one meeting that has not started (a one-off
// meeting, or one occurrence of a series). Cancelling it again returns it
// unchanged; a meeting that has started cannot be cancelled (ErrConflict).
func (s *Store) CancelMeeting(ctx context.Context, actor Actor, id string) (Meeting, error) {
	var m Meeting
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&m).Error; err != nil {
			return notFound(err)
		}
		if m.CancelledAt != nil {
			return nil
		}
		now := Now()
		if !m.StartsAt.After(now) {
			return ErrConflict
		}
		if err := tx.Model(&m).Update("cancelled_at", now).Error; err != nil {
			return err
		}
		m.CancelledAt = &now
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "meetings", ObjectID: id,
			Action: "meeting.cancelled", Details: map[string]any{"title": m.Title, "starts_at": m.StartsAt}, Audience: AudiencePublic})
		return err
	})
	return m, err
}

// InvitedTo lists the members a meeting's invitation was written for in
// the outbox, sorted.
func (s *Store) InvitedTo(ctx context.Context, meetingID string) ([]string, error) {
	var ids []string
	err := s.DB.WithContext(ctx).Model(&OutboxMessage{}).
		Where("idem_key LIKE ? AND member_id IS NOT NULL", "meetings/"+meetingID+"/invitation/%").
		Order("member_id").Distinct().Pluck("member_id", &ids).Error
	return ids, err
}

// InvitedAmong says which of the meetings the member was invited to (an
// invitation in the outbox), in one query on the member's messages.
func (s *Store) InvitedAmong(ctx context.Context, memberID string, meetingIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(meetingIDs) == 0 {
		return out, nil
	}
	var keys []string
	err := s.DB.WithContext(ctx).Model(&OutboxMessage{}).
		Where("member_id = ? AND idem_key LIKE ?", memberID, "meetings/%/invitation/%").
		Pluck("idem_key", &keys).Error
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, id := range meetingIDs {
		wanted[id] = true
	}
	for _, k := range keys {
		if parts := strings.SplitN(k, "/", 4); len(parts) == 4 && parts[2] == "invitation" && wanted[parts[1]] {
			out[parts[1]] = true
		}
	}
	return out, nil
}

// MeetingInvitees are the members invited to a meeting of kind at at:
// every member of an ALS to the assembly; the position holders at that
// time (the ALAC members, chair, secretary, NomCom delegate: the
// positions table, not every ALS representative) to coordination; the
// elders and every member who opted in to mentoring; everyone to working
// groups; position holders and staff to the governance committee.
func (s *Store) MeetingInvitees(ctx context.Context, kind string, at time.Time) ([]string, error) {
	db := s.DB.WithContext(ctx)
	var ids []string
	holders := func() error {
		ps, err := s.ListPositions(ctx, at)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.HolderID != nil {
				ids = append(ids, *p.HolderID)
			}
		}
		return nil
	}
	byRole := func(role string) error {
		var more []string
		err := db.Model(&Member{}).Where("roles LIKE ?", `%"`+role+`"%`).Pluck("id", &more).Error
		ids = append(ids, more...)
		return err
	}
	var err error
	switch kind {
	case MeetingAssembly:
		err = db.Model(&Member{}).Where("als_id IS NOT NULL AND als_id <> ''").Pluck("id", &ids).Error
	case MeetingCoordination:
		err = holders()
	case MeetingMentoring:
		if err = byRole(RoleElder); err == nil {
			var more []string
			err = db.Model(&Member{}).Where("mentoring_opt_in = ?", true).Pluck("id", &more).Error
			ids = append(ids, more...)
		}
	case MeetingGovernanceCommittee:
		if err = holders(); err == nil {
			err = byRole(RoleStaff)
		}
	default:
		err = db.Model(&Member{}).Pluck("id", &ids).Error
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// RecordAttendance records that members attended a meeting, each counted
// for their current ALS. Recording someone twice changes nothing.
func (s *Store) RecordAttendance(ctx context.Context, actor Actor, meetingID string, memberIDs []string) ([]Attendance, error) {
	if len(memberIDs) == 0 {
		return nil, fieldError("member_ids", FieldRequired, "at least one member is required")
	}
	var out []Attendance
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Meeting
		if err := tx.Where("id = ?", meetingID).Take(&m).Error; err != nil {
			return notFound(err)
		}
		if m.CancelledAt != nil {
			return ErrConflict
		}
		var members []Member
		if err := tx.Where("id IN ?", memberIDs).Find(&members).Error; err != nil {
			return err
		}
		byID := map[string]Member{}
		for _, mb := range members {
			byID[mb.ID] = mb
		}
		fe := newFieldErrors()
		for i, id := range memberIDs {
			if _, ok := byID[id]; !ok {
				fe.set("member_ids["+strconv.Itoa(i)+"]", FieldUnknownMember, "no member with this ID")
			}
		}
		if err := fe.orNil(); err != nil {
			return err
		}
		now := Now()
		var added []string
		for _, id := range memberIDs {
			a := Attendance{MeetingID: meetingID, MemberID: id, ALSID: byID[id].ALSID, RecordedBy: actor.String(), At: now}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&a)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				added = append(added, id)
			}
		}
		if err := tx.Where("meeting_id = ?", meetingID).Order("member_id").Find(&out).Error; err != nil {
			return err
		}
		if len(added) == 0 {
			return nil
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "meetings", ObjectID: meetingID,
			Action: "meeting.attendance_recorded", Details: map[string]any{"member_ids": added}, Audience: AudiencePublic})
		return err
	})
	return out, err
}

// RecordParticipation appends an act of participation for an ALS (a
// ballot, a comment, a draft: one of the domain.Activity* kinds). ref
// names the act (e.g. the ballot receipt) and makes the call idempotent:
// a second call with the same ref changes nothing.
func (s *Store) RecordParticipation(ctx context.Context, alsID, kind string, at time.Time, ref string) error {
	if alsID == "" || ref == "" || kind == "" {
		return fieldError("participation", FieldRequired, "als_id, kind and ref are required")
	}
	e := ParticipationEvent{Ref: ref, ALSID: alsID, Kind: kind, At: at.UTC(), CreatedAt: Now()}
	return s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&e).Error
}

// participationFacts loads what the inactivity rule and the indicators
// read: every monthly call held before to, and the activities before to
// of alsID (every ALS's when alsID is empty).
func (s *Store) participationFacts(ctx context.Context, alsID string, to time.Time) ([]domain.MonthlyCall, []domain.Activity, error) {
	db := s.DB.WithContext(ctx)
	var calls []Meeting
	if err := db.Where("kind = ? AND starts_at < ? AND cancelled_at IS NULL", MeetingAssembly, to).Find(&calls).Error; err != nil {
		return nil, nil, err
	}
	var mc []domain.MonthlyCall
	for _, c := range calls {
		mc = append(mc, domain.MonthlyCall{MeetingID: c.ID, At: c.StartsAt})
	}
	type row struct {
		ALSID     string
		MeetingID string
		Kind      string
		StartsAt  time.Time
	}
	var rows []row
	q := db.Table("attendance").Select("attendance.als_id AS als_id, meetings.id AS meeting_id, meetings.kind AS kind, meetings.starts_at AS starts_at").
		Joins("JOIN meetings ON meetings.id = attendance.meeting_id").
		Where("attendance.als_id IS NOT NULL AND meetings.starts_at < ?", to)
	if alsID != "" {
		q = q.Where("attendance.als_id = ?", alsID)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	var acts []domain.Activity
	for _, r := range rows {
		kind := domain.ActivityMeeting
		if r.Kind == MeetingAssembly {
			kind = domain.ActivityMonthlyCall
		}
		acts = append(acts, domain.Activity{ALSID: r.ALSID, Kind: kind, At: r.StartsAt, MeetingID: r.MeetingID})
	}
	var evs []ParticipationEvent
	eq := db.Where("at < ?", to)
	if alsID != "" {
		eq = eq.Where("als_id = ?", alsID)
	}
	if err := eq.Find(&evs).Error; err != nil {
		return nil, nil, err
	}
	for _, e := range evs {
		acts = append(acts, domain.Activity{ALSID: e.ALSID, Kind: e.Kind, At: e.At})
	}
	return mc, acts, nil
}

// Transition is a change of voting status as stored and returned.
type Transition struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// EvaluateParticipation applies the inactivity rule to an ALS at now,
// stores the new standing and returns it with the transitions that led
// there. A second evaluation at the same now (an activity retried after
// it wrote) returns the transitions the first found instead of none.
func (s *Store) EvaluateParticipation(ctx context.Context, alsID string, now time.Time, p domain.Params) (domain.ALSParticipation, []Transition, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var st domain.ALSParticipation
	var out []Transition
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var als ALS
		if err := tx.Where("id = ?", alsID).Take(&als).Error; err != nil {
			return notFound(err)
		}
		var prev ALSParticipation
		err := tx.Where("als_id = ?", alsID).Take(&prev).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		exists := err == nil
		if exists && prev.EvaluatedAt != nil && prev.EvaluatedAt.Equal(now) {
			st = prev.domain()
			return json.Unmarshal([]byte(prev.Transitions), &out)
		}
		calls, acts, err := s.participationFacts(ctx, alsID, now)
		if err != nil {
			return err
		}
		next, trs := domain.Evaluate(now, p, prev.domain(), calls, acts)
		st = next
		out = []Transition{}
		for _, t := range trs {
			out = append(out, Transition{From: string(t.From), To: string(t.To), At: t.At, Reason: t.Reason})
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		// An ALS seen for the first time has been active since now.
		since := next.Since
		if since.IsZero() {
			since = now
		}
		row := ALSParticipation{ALSID: alsID, Status: string(next.Status), Since: since, WarnedAt: next.WarnedAt,
			InactiveAt: next.InactiveAt, EvaluatedAt: &now, Transitions: string(b), UpdatedAt: Now()}
		return tx.Save(&row).Error
	})
	return st, out, err
}

// VotingStatus is an ALS's standing under the inactivity rule, which
// elections read to build the roll and the quorum: an ALS never evaluated
// is active. Accreditation (als.status) is separate.
func (s *Store) VotingStatus(ctx context.Context, alsID string) (domain.VotingStatus, error) {
	var p ALSParticipation
	err := s.DB.WithContext(ctx).Where("als_id = ?", alsID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.VotingActive, nil
	}
	if err != nil {
		return "", err
	}
	return domain.VotingStatus(p.Status), nil
}

// ParticipationRow is one ALS's line in the participation report.
type ParticipationRow struct {
	ALSID            string `json:"als_id"`
	Name             string `json:"name"`
	Country          string `json:"country"`
	MeetingsAttended int    `json:"meetings_attended"`
	MonthlyCalls     int    `json:"monthly_calls"`
	CallsAttended    int    `json:"calls_attended"`
	ConsecutiveMiss  int    `json:"consecutive_missed_calls"`
	BallotsCast      int    `json:"ballots_cast"`
	Comments         int    `json:"comments"`
	Drafts           int    `json:"drafts"`
	MailingList      int    `json:"mailing_list"`
	Other            int    `json:"other"`
	VotingStatus     string `json:"voting_status"`
	Voting           bool   `json:"voting"`
	// ALSStatus is the ALS's accreditation (accredited, decertified…): a
	// decertified ALS keeps its last standing as the record of how it
	// ended, but it votes no more and is under no review.
	ALSStatus  string     `json:"als_status"`
	Since      *time.Time `json:"status_since"`
	WarnedAt   *time.Time `json:"warned_at"`
	InactiveAt *time.Time `json:"inactive_at"`
}

// ParticipationReport computes every ALS's indicators over [from, to),
// the monthly calls missed in a row before to, and its voting status.
func (s *Store) ParticipationReport(ctx context.Context, from, to time.Time) ([]ParticipationRow, error) {
	var alses []ALS
	if err := s.DB.WithContext(ctx).Order("name, id").Find(&alses).Error; err != nil {
		return nil, err
	}
	calls, acts, err := s.participationFacts(ctx, "", to)
	if err != nil {
		return nil, err
	}
	var standings []ALSParticipation
	if err := s.DB.WithContext(ctx).Find(&standings).Error; err != nil {
		return nil, err
	}
	byALS := map[string]ALSParticipation{}
	for _, p := range standings {
		byALS[p.ALSID] = p
	}
	perALS := map[string][]domain.Activity{}
	for _, a := range acts {
		perALS[a.ALSID] = append(perALS[a.ALSID], a)
	}
	period := domain.Period{From: from, To: to}
	held := 0
	for _, c := range calls {
		if period.Contains(c.At) {
			held++
		}
	}
	out := make([]ParticipationRow, 0, len(alses))
	for _, a := range alses {
		ind := domain.Indicators(a.ID, period, perALS[a.ID])
		attended := map[string]bool{}
		for _, x := range perALS[a.ID] {
			if x.Kind == domain.ActivityMonthlyCall && period.Contains(x.At) {
				attended[x.MeetingID] = true
			}
		}
		row := ParticipationRow{ALSID: a.ID, Name: a.Name, Country: a.Country, MeetingsAttended: ind.MeetingsAttended,
			MonthlyCalls: held, CallsAttended: len(attended), ConsecutiveMiss: domain.ConsecutiveMissedCalls(to, calls, perALS[a.ID]),
			BallotsCast: ind.BallotsCast, Comments: ind.Comments, Drafts: ind.Drafts, MailingList: ind.MailingList, Other: ind.Other,
			VotingStatus: string(domain.VotingActive), ALSStatus: a.Status}
		if p, ok := byALS[a.ID]; ok {
			since := p.Since
			row.VotingStatus, row.Since, row.WarnedAt, row.InactiveAt = p.Status, &since, p.WarnedAt, p.InactiveAt
		}
		row.Voting = domain.VotingALS(domain.VotingStatus(row.VotingStatus)) && a.Status != ALSDecertified
		out = append(out, row)
	}
	return out, nil
}

// ParticipationALS lists the ALSes the inactivity rule applies to: every
// one not decertified, sorted by ID.
func (s *Store) ParticipationALS(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.DB.WithContext(ctx).Model(&ALS{}).Where("status <> ?", ALSDecertified).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// FeedToken opens one member's calendar feed and nothing else.
type FeedToken struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	MemberID  string     `json:"member_id"`
	Hash      string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

const feedTokenPrefix = "ralofeed_"

// IssueFeedToken gives a member a new calendar feed token, revoking the
// previous one: a member has one feed address at a time. The token is
// returned in clear once.
func (s *Store) IssueFeedToken(ctx context.Context, actor Actor, memberID string) (FeedToken, string, error) {
	secret := feedTokenPrefix + strings.TrimPrefix(newTokenSecret(), tokenPrefix)
	t := FeedToken{ID: NewID("ft"), MemberID: memberID, Hash: HashToken(secret)}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Member{}).Where("id = ?", memberID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := tx.Model(&FeedToken{}).Where("member_id = ? AND revoked_at IS NULL", memberID).Update("revoked_at", Now()).Error; err != nil {
			return err
		}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: memberID,
			Action: "feed_token.issued", Details: map[string]any{"token_id": t.ID}, Audience: AudienceMembers, Members: []string{memberID}})
		return err
	})
	return t, secret, err
}

// RevokeFeedTokens revokes a member's calendar feed token, if any.
func (s *Store) RevokeFeedTokens(ctx context.Context, actor Actor, memberID string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&FeedToken{}).Where("member_id = ? AND revoked_at IS NULL", memberID).Update("revoked_at", Now())
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: memberID,
			Action: "feed_token.revoked", Audience: AudienceMembers, Members: []string{memberID}})
		return err
	})
}

// AuthenticateFeed finds the member behind a calendar feed token.
func (s *Store) AuthenticateFeed(ctx context.Context, token string) (Member, error) {
	if !strings.HasPrefix(token, feedTokenPrefix) {
		return Member{}, ErrBadToken
	}
	var t FeedToken
	err := s.DB.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL", HashToken(token)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Member{}, ErrBadToken
	}
	if err != nil {
		return Member{}, err
	}
	m, err := s.GetMember(ctx, t.MemberID)
	if errors.Is(err, ErrNotFound) {
		return Member{}, ErrBadToken
	}
	return m, err
}

// Outcomes of an accreditation review (ConcludeReview).
const (
	ReviewKeep      = "keep"
	ReviewDecertify = "decertify"
)

// ReviewInput concludes the accreditation review of an ALS.
type ReviewInput struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

// ReviewConclusion is what a concluded review changed.
type ReviewConclusion struct {
	ALSID        string    `json:"als_id"`
	Outcome      string    `json:"outcome"`
	Note         string    `json:"note"`
	ALSStatus    string    `json:"als_status"`
	VotingStatus string    `json:"voting_status"`
	At           time.Time `json:"at"`
}

// ConcludeReview ends the accreditation review the inactivity rule asked
// staff for. An ALS is under review while its standing is "review" and it
// is not decertified; any other ALS gives ErrConflict.
//
//   - keep: the ALS stays accredited and starts a fresh episode as
//     inactive from now: still without a vote and out of the quorum, it
//     regains both as soon as it takes part, within restore_within, after
//     which the rule asks for a review again. Keeping an ALS does not hand
//     back a vote it lost for silence; participating does.
//   - decertify: the ALS's status becomes decertified, as PATCH
//     /api/v1/als/{id} would set it (same store function, same audit
//     entry); its standing stays "review" as the record of how it ended,
//     and the inactivity rule no longer applies to it.
//
// Both write a participation.review_concluded audit entry with the note.
func (s *Store) ConcludeReview(ctx context.Context, actor Actor, alsID string, in ReviewInput) (ReviewConclusion, error) {
	in.Note = strings.TrimSpace(in.Note)
	fe := newFieldErrors()
	if in.Outcome != ReviewKeep && in.Outcome != ReviewDecertify {
		fe.set("outcome", FieldReviewOutcome, "must be keep or decertify")
	}
	if len(in.Note) > 4000 {
		fe.set("note", FieldTooLong, "is longer than 4000 bytes")
	}
	if err := fe.orNil(); err != nil {
		return ReviewConclusion{}, err
	}
	out := ReviewConclusion{ALSID: alsID, Outcome: in.Outcome, Note: in.Note}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var als ALS
		if err := tx.Where("id = ?", alsID).Take(&als).Error; err != nil {
			return notFound(err)
		}
		var p ALSParticipation
		err := tx.Where("als_id = ?", alsID).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && (p.Status != string(domain.VotingReview) || als.Status == ALSDecertified) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		now := Now()
		out.At, out.ALSStatus, out.VotingStatus = now, als.Status, p.Status
		switch in.Outcome {
		case ReviewKeep:
			// A fresh inactive episode; the stored evaluation is dropped so
			// that the next review evaluates the new standing.
			p.Status, p.Since, p.WarnedAt, p.InactiveAt = string(domain.VotingInactive), now, nil, &now
			p.EvaluatedAt, p.Transitions, p.UpdatedAt = nil, "[]", now
			if err := tx.Save(&p).Error; err != nil {
				return err
			}
			out.VotingStatus = p.Status
		case ReviewDecertify:
			status := ALSDecertified
			a, err := s.updateALS(tx, actor, alsID, ALSInput{Status: &status})
			if err != nil {
				return err
			}
			out.ALSStatus = a.Status
		}
		_, err = s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "participation", ObjectID: alsID,
			Action: "participation.review_concluded", Details: map[string]any{"outcome": in.Outcome, "note": in.Note,
				"als_status": out.ALSStatus, "voting_status": out.VotingStatus}, Audience: AudiencePublic})
		return err
	})
	return out, err
}

// FindActiveSeries returns the series of kind with title that is not
// cancelled, if there is one (ErrNotFound otherwise).
func (s *Store) FindActiveSeries(ctx context.Context, kind, title string) (MeetingSeries, error) {
	var sr MeetingSeries
	err := s.DB.WithContext(ctx).Where("kind = ? AND title = ? AND cancelled_at IS NULL", kind, title).Order("created_at").Take(&sr).Error
	return sr, notFound(err)
}
