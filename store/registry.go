package store

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Roles a member may hold.
const (
	RoleMember          = "member"
	RoleALSRep          = "als_rep"
	RoleStaff           = "staff"
	RoleEthicsCommittee = "ethics_committee"
	RoleArbitrator      = "arbitrator"
	RoleElder           = "elder"
	RoleAdmin           = "admin"
)

// Roles lists every role, in the order of SPEC.md.
var Roles = []string{RoleMember, RoleALSRep, RoleStaff, RoleEthicsCommittee, RoleArbitrator, RoleElder, RoleAdmin}

// Languages a member may prefer; emails are rendered in it.
var Languages = []string{"es", "en", "pt", "fr"}

// ALSStatuses lists the statuses of an ALS.
var ALSStatuses = []string{ALSAccredited, ALSInactive, ALSDecertified}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// Actor names who makes a change, for the audit log.
type Actor struct {
	MemberID string
}

func (a Actor) String() string {
	if a.MemberID == "" {
		return "system"
	}
	return a.MemberID
}

// CountryInput creates a country.
type CountryInput struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Subregion string `json:"subregion"`
}

// validCountry checks a new country. The sub-region must be one of the
// policy's; when omitted it is taken from the policy's table.
func (s *Store) validCountry(in CountryInput) (Country, error) {
	fe := newFieldErrors()
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	if !countryCode.MatchString(in.Code) {
		fe.set("code", FieldCountryCode, "must be an ISO 3166-1 alpha-2 code")
	}
	if strings.TrimSpace(in.Name) == "" {
		fe.set("name", FieldRequired, "is required")
	}
	if in.Subregion == "" && s.SubregionOf != nil {
		in.Subregion, _ = s.SubregionOf(in.Code)
	}
	if in.Subregion == "" {
		fe.set("subregion", FieldSubregionMissing, "is required (the country is not in the policy's sub-region table)")
	} else if len(s.Subregions) > 0 && !oneOf(in.Subregion, s.Subregions) {
		fe.set("subregion", FieldSubregionUnknown, "must be one of "+strings.Join(s.Subregions, ", "))
	}
	return Country{Code: in.Code, Name: strings.TrimSpace(in.Name), Subregion: in.Subregion}, fe.orNil()
}

// CreateCountry adds a country.
func (s *Store) CreateCountry(ctx context.Context, actor Actor, in CountryInput) (Country, error) {
	c, err := s.validCountry(in)
	if err != nil {
		return Country{}, err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Country{}).Where("code = ?", c.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fieldError("code", FieldCountryExists, "country already exists")
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: c.Code,
			Action: "country.created", Details: c, Audience: AudiencePublic})
		return err
	})
	return c, err
}

// ListCountries lists countries by code.
func (s *Store) ListCountries(ctx context.Context) ([]Country, error) {
	var out []Country
	err := s.DB.WithContext(ctx).Order("code").Find(&out).Error
	return out, err
}

// ALSInput creates or patches an ALS; nil fields are left unchanged.
type ALSInput struct {
	Name    *string `json:"name"`
	Country *string `json:"country"`
	Status  *string `json:"status"`
}

func (s *Store) validateALS(tx *gorm.DB, in ALSInput, create bool) CodedFieldErrors {
	fe := newFieldErrors()
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" || create && in.Name == nil {
		fe.set("name", FieldRequired, "is required")
	}
	if in.Country != nil {
		var n int64
		if err := tx.Model(&Country{}).Where("code = ?", strings.ToUpper(*in.Country)).Count(&n).Error; err != nil || n == 0 {
			fe.set("country", FieldUnknownCountry, "unknown country")
		}
	} else if create {
		fe.set("country", FieldRequired, "is required")
	}
	if in.Status != nil && !oneOf(*in.Status, ALSStatuses) {
		fe.set("status", FieldALSStatus, "must be one of "+strings.Join(ALSStatuses, ", "))
	}
	return fe
}

// CreateALS accredits an ALS (status accredited unless given).
func (s *Store) CreateALS(ctx context.Context, actor Actor, in ALSInput) (ALS, error) {
	var a ALS
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.validateALS(tx, in, true).orNil(); err != nil {
			return err
		}
		a = ALS{ID: NewID("als"), Name: strings.TrimSpace(*in.Name), Country: strings.ToUpper(*in.Country), Status: ALSAccredited}
		if in.Status != nil {
			a.Status = *in.Status
		}
		if err := tx.Create(&a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return fieldError("name", FieldALSExists, "an ALS with this name exists in this country")
			}
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: a.ID,
			Action: "als.created", Details: a, Audience: AudiencePublic})
		return err
	})
	return a, err
}

// UpdateALS changes an ALS's name, country or status.
func (s *Store) UpdateALS(ctx context.Context, actor Actor, id string, in ALSInput) (ALS, error) {
	var a ALS
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		a, err = s.updateALS(tx, actor, id, in)
		return err
	})
	return a, err
}

// updateALS is UpdateALS inside the caller's transaction, for changes
// that come with others (a decertification that ends a review).
func (s *Store) updateALS(tx *gorm.DB, actor Actor, id string, in ALSInput) (ALS, error) {
	var a ALS
	err := func() error {
		if err := tx.Where("id = ?", id).Take(&a).Error; err != nil {
			return notFound(err)
		}
		if err := s.validateALS(tx, in, false).orNil(); err != nil {
			return err
		}
		before := a
		if in.Name != nil {
			a.Name = strings.TrimSpace(*in.Name)
		}
		if in.Country != nil {
			a.Country = strings.ToUpper(*in.Country)
		}
		if in.Status != nil {
			a.Status = *in.Status
		}
		if err := tx.Save(&a).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return fieldError("name", FieldALSExists, "an ALS with this name exists in this country")
			}
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: a.ID,
			Action: "als.updated", Details: map[string]any{"before": before, "after": a}, Audience: AudiencePublic})
		return err
	}()
	return a, err
}

// GetALS reads one ALS.
func (s *Store) GetALS(ctx context.Context, id string) (ALS, error) {
	var a ALS
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&a).Error
	return a, notFound(err)
}

// ALSFilter narrows ListALS.
type ALSFilter struct {
	Country string
	Status  string
}

// ListALS lists ALSes by country and name.
func (s *Store) ListALS(ctx context.Context, f ALSFilter) ([]ALS, error) {
	q := s.DB.WithContext(ctx).Order("country, name")
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(f.Country))
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var out []ALS
	err := q.Find(&out).Error
	return out, err
}

// MemberInput creates or patches a member; nil fields are left unchanged.
type MemberInput struct {
	Name         *string   `json:"name"`
	Email        *string   `json:"email"`
	Country      *string   `json:"country"`
	Nationality  *string   `json:"nationality"`
	ALSID        *string   `json:"als_id"`
	Language     *string   `json:"language"`
	Gender       *string   `json:"gender"`
	Skills       *[]string `json:"skills"`
	SkillsPublic *bool     `json:"skills_public"`
	// MentoringOptIn invites the member to the Council of Elders'
	// mentoring sessions.
	MentoringOptIn *bool `json:"mentoring_opt_in"`
	// DigestOptOut unsubscribes the member from the monthly digest email
	// (false subscribes them again).
	DigestOptOut *bool     `json:"digest_opt_out"`
	Roles        *[]string `json:"roles"`
}

func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (s *Store) validateMember(tx *gorm.DB, in MemberInput, create bool, selfID string) CodedFieldErrors {
	fe := newFieldErrors()
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" || create && in.Name == nil {
		fe.set("name", FieldRequired, "is required")
	}
	switch {
	case in.Email != nil:
		email := normalizeEmail(*in.Email)
		if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
			fe.set("email", FieldEmail, "is not a valid email address")
			break
		}
		var n int64
		q := tx.Model(&Member{}).Where("email = ?", email)
		if selfID != "" {
			q = q.Where("id <> ?", selfID)
		}
		if err := q.Count(&n).Error; err != nil || n > 0 {
			fe.set("email", FieldEmailTaken, "is already registered")
		}
	case create:
		fe.set("email", FieldRequired, "is required")
	}
	switch {
	case in.Country != nil:
		var n int64
		if err := tx.Model(&Country{}).Where("code = ?", strings.ToUpper(*in.Country)).Count(&n).Error; err != nil || n == 0 {
			fe.set("country", FieldUnknownCountry, "unknown country")
		}
	case create:
		fe.set("country", FieldRequired, "is required")
	}
	if in.Nationality != nil {
		if n := strings.TrimSpace(*in.Nationality); n != "" && !countryCode.MatchString(strings.ToUpper(n)) {
			fe.set("nationality", FieldNationality, "must be an ISO 3166-1 alpha-2 country code such as AR, or empty for the member's country")
		}
	}
	if in.ALSID != nil && *in.ALSID != "" {
		var n int64
		if err := tx.Model(&ALS{}).Where("id = ?", *in.ALSID).Count(&n).Error; err != nil || n == 0 {
			fe.set("als_id", FieldUnknownALS, "unknown ALS")
		}
	}
	if in.Language != nil && !oneOf(*in.Language, Languages) {
		fe.set("language", FieldLanguage, "must be one of "+strings.Join(Languages, ", "))
	}
	if in.Gender != nil && len(*in.Gender) > 64 {
		fe.set("gender", FieldTooLong, "is too long")
	}
	if in.Skills != nil {
		for _, sk := range *in.Skills {
			if strings.TrimSpace(sk) == "" || len(sk) > 100 {
				fe.set("skills", FieldSkills, "each skill must be 1 to 100 characters")
			}
		}
	}
	if in.Roles != nil {
		for _, r := range *in.Roles {
			if !oneOf(r, Roles) {
				fe.set("roles", FieldUnknownRole, "unknown role "+r+"; roles are "+strings.Join(Roles, ", "))
			}
		}
	}
	return fe
}

func (m *Member) apply(in MemberInput) {
	if in.Name != nil {
		m.Name = strings.TrimSpace(*in.Name)
	}
	if in.Email != nil {
		m.Email = normalizeEmail(*in.Email)
	}
	if in.Country != nil {
		m.Country = strings.ToUpper(*in.Country)
	}
	if in.Nationality != nil {
		if n := strings.ToUpper(strings.TrimSpace(*in.Nationality)); n == "" {
			m.Nationality = nil
		} else {
			m.Nationality = &n
		}
	}
	if in.ALSID != nil {
		if *in.ALSID == "" {
			m.ALSID = nil
		} else {
			v := *in.ALSID
			m.ALSID = &v
		}
	}
	if in.Language != nil {
		m.Language = *in.Language
	}
	if in.Gender != nil {
		if *in.Gender == "" {
			m.Gender = nil
		} else {
			v := *in.Gender
			m.Gender = &v
		}
	}
	if in.Skills != nil {
		m.Skills = StringList(*in.Skills)
	}
	if in.SkillsPublic != nil {
		m.SkillsPublic = *in.SkillsPublic
	}
	if in.MentoringOptIn != nil {
		m.MentoringOptIn = *in.MentoringOptIn
	}
	if in.DigestOptOut != nil {
		m.DigestOptOut = *in.DigestOptOut
	}
	if in.Roles != nil {
		m.Roles = normalizeRoles(*in.Roles)
	}
}

// normalizeRoles sorts roles in the canonical order, drops duplicates and
// always includes "member": everyone in the registry is a member.
func normalizeRoles(in []string) StringList {
	out := StringList{}
	for _, r := range Roles {
		if r == RoleMember || oneOf(r, in) {
			out = append(out, r)
		}
	}
	return out
}

// CreateMember registers a member.
func (s *Store) CreateMember(ctx context.Context, actor Actor, in MemberInput) (Member, error) {
	var m Member
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		m, err = s.createMember(tx, actor, in)
		return err
	})
	return m, err
}

func (s *Store) createMember(tx *gorm.DB, actor Actor, in MemberInput) (Member, error) {
	if err := s.validateMember(tx, in, true, "").orNil(); err != nil {
		return Member{}, err
	}
	m := Member{ID: NewID("m"), Language: "es", Skills: StringList{}, Roles: StringList{RoleMember}}
	m.apply(in)
	if err := tx.Create(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return Member{}, fieldError("email", FieldEmailTaken, "is already registered")
		}
		return Member{}, err
	}
	_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: m.ID,
		Action: "member.created", Details: map[string]any{"name": m.Name, "country": m.Country, "als_id": m.ALSID, "roles": m.Roles},
		Audience: AudienceMembers, Members: []string{m.ID}})
	return m, err
}

// UpdateMember patches a member.
func (s *Store) UpdateMember(ctx context.Context, actor Actor, id string, in MemberInput) (Member, error) {
	var m Member
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before Member
		if err := tx.Where("id = ?", id).Take(&before).Error; err != nil {
			return notFound(err)
		}
		var err error
		m, err = s.updateMember(tx, actor, before, in)
		return err
	})
	return m, err
}

// updateMember is UpdateMember inside the caller's transaction, from the
// member as read in it.
func (s *Store) updateMember(tx *gorm.DB, actor Actor, before Member, in MemberInput) (Member, error) {
	m := before
	m.Roles = slices.Clone(before.Roles)
	m.Skills = slices.Clone(before.Skills)
	err := func() error {
		if err := s.validateMember(tx, in, false, m.ID).orNil(); err != nil {
			return err
		}
		prevRoles, prevALS := slices.Clone(m.Roles), m.ALSID
		m.apply(in)
		if err := tx.Save(&m).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return fieldError("email", FieldEmailTaken, "is already registered")
			}
			return err
		}
		changed := map[string]any{}
		if in.Roles != nil {
			changed["roles"] = m.Roles
			changed["previous_roles"] = prevRoles
		}
		if in.ALSID != nil {
			changed["als_id"] = m.ALSID
			changed["previous_als_id"] = prevALS
		}
		if in.Country != nil {
			changed["country"] = m.Country
		}
		if in.Nationality != nil {
			changed["nationality"] = m.Nationality
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: m.ID,
			Action: "member.updated", Details: changed, Audience: AudienceMembers, Members: []string{m.ID}})
		return err
	}()
	return m, err
}

// GetMember reads one member.
func (s *Store) GetMember(ctx context.Context, id string) (Member, error) {
	var m Member
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&m).Error
	return m, notFound(err)
}

// MembersByID reads several members at once, keyed by ID.
func (s *Store) MembersByID(ctx context.Context, ids []string) (map[string]Member, error) {
	var ms []Member
	if err := s.DB.WithContext(ctx).Where("id IN ?", ids).Find(&ms).Error; err != nil {
		return nil, err
	}
	out := make(map[string]Member, len(ms))
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, nil
}

// MemberFilter narrows ListMembers.
type MemberFilter struct {
	ALSID   string
	Country string
	Role    string
	// Search matches the name, or a skill the member made public
	// (case-insensitive, anywhere in the text).
	Search string
	Limit  int
	Offset int
}

// ListMembers lists members by name.
func (s *Store) ListMembers(ctx context.Context, f MemberFilter) ([]Member, error) {
	q := s.DB.WithContext(ctx).Order("name, id")
	if f.ALSID != "" {
		q = q.Where("als_id = ?", f.ALSID)
	}
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(f.Country))
	}
	if f.Role != "" {
		q = q.Where("roles LIKE ?", `%"`+f.Role+`"%`)
	}
	if term := strings.TrimSpace(f.Search); term != "" {
		like := "%" + likeEscaper.Replace(strings.ToLower(term)) + "%"
		q = q.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR (skills_public AND LOWER(skills) LIKE ? ESCAPE '\'))`, like, like)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	var out []Member
	err := q.Limit(limit).Offset(f.Offset).Find(&out).Error
	return out, err
}

// likeEscaper escapes LIKE's wildcards in a searched term.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// CountMembers counts every member.
func (s *Store) CountMembers(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Member{}).Count(&n).Error
	return n, err
}

// DeclarationInput files a conflict-of-interest declaration.
type DeclarationInput struct {
	Kind         string   `json:"kind"`
	Organization string   `json:"organization"`
	Description  string   `json:"description"`
	Categories   []string `json:"categories"`
	Subjects     []string `json:"subjects"`
}

// DeclarationKinds are the kinds of declaration.
var DeclarationKinds = []string{"interest", "conflict", "none"}

// CreateDeclaration files a declaration; the member's current one, if any,
// is marked superseded and kept.
func (s *Store) CreateDeclaration(ctx context.Context, actor Actor, memberID string, in DeclarationInput) (Declaration, error) {
	fe := newFieldErrors()
	if !oneOf(in.Kind, DeclarationKinds) {
		fe.set("kind", FieldDeclarationKind, "must be one of "+strings.Join(DeclarationKinds, ", "))
	}
	if in.Kind != "none" && strings.TrimSpace(in.Organization) == "" && strings.TrimSpace(in.Description) == "" {
		fe.set("organization", FieldDeclarationDetail, "organization or description is required")
	}
	for _, c := range in.Categories {
		if strings.TrimSpace(c) == "" || len(c) > 64 {
			fe.set("categories", FieldCategories, "each category must be 1 to 64 characters")
		}
	}
	if err := fe.orNil(); err != nil {
		return Declaration{}, err
	}
	d := Declaration{ID: NewID("d"), MemberID: memberID, Kind: in.Kind, Organization: strings.TrimSpace(in.Organization),
		Description: strings.TrimSpace(in.Description), Categories: StringList(in.Categories), Subjects: StringList(in.Subjects)}
	if d.Categories == nil {
		d.Categories = StringList{}
	}
	if d.Subjects == nil {
		d.Subjects = StringList{}
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Member{}).Where("id = ?", memberID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		if err := tx.Model(&Declaration{}).
			Where("member_id = ? AND superseded_at IS NULL AND id <> ?", memberID, d.ID).
			Updates(map[string]any{"superseded_at": d.CreatedAt, "superseded_by": d.ID}).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: memberID,
			Action: "declaration.filed", Details: map[string]any{"declaration_id": d.ID, "kind": d.Kind, "categories": d.Categories},
			Audience: AudienceMembers, Members: []string{memberID}})
		return err
	})
	return d, err
}

// ListDeclarations lists a member's declarations, newest first.
func (s *Store) ListDeclarations(ctx context.Context, memberID string) ([]Declaration, error) {
	var out []Declaration
	err := s.DB.WithContext(ctx).Where("member_id = ?", memberID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// PositionInput records a member taking a leadership position.
type PositionInput struct {
	Position  string     `json:"position"`
	HolderID  string     `json:"holder_id"`
	TermStart time.Time  `json:"term_start"`
	TermEnd   *time.Time `json:"term_end"`
}

// CreatePosition records a holder; the holder's ALS and country are copied
// so the record keeps what was true when the term began.
func (s *Store) CreatePosition(ctx context.Context, actor Actor, in PositionInput) (Position, error) {
	fe := newFieldErrors()
	if strings.TrimSpace(in.Position) == "" {
		fe.set("position", FieldRequired, "is required")
	}
	if in.TermStart.IsZero() {
		fe.set("term_start", FieldRequired, "is required")
	}
	if in.TermEnd != nil && !in.TermEnd.After(in.TermStart) {
		fe.set("term_end", FieldTermEnd, "must be after term_start")
	}
	if err := fe.orNil(); err != nil {
		return Position{}, err
	}
	var p Position
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Member
		if err := tx.Where("id = ?", in.HolderID).Take(&m).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fieldError("holder_id", FieldUnknownMember, "unknown member")
			}
			return err
		}
		country := m.Country
		p = Position{ID: NewID("p"), Position: strings.TrimSpace(in.Position), HolderID: &m.ID, ALSID: m.ALSID,
			Country: &country, TermStart: in.TermStart.UTC(), TermEnd: in.TermEnd}
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: p.ID,
			Action: "position.assigned", Details: p, Audience: AudiencePublic})
		return err
	})
	return p, err
}

// ListPositions lists current positions (not vacated, term not ended).
func (s *Store) ListPositions(ctx context.Context, at time.Time) ([]Position, error) {
	var out []Position
	err := s.DB.WithContext(ctx).
		Where("vacated_at IS NULL AND term_start <= ? AND (term_end IS NULL OR term_end > ?)", at, at).
		Order("position, term_start").Find(&out).Error
	return out, err
}
