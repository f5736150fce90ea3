package service

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// The registry: countries, ALSes, members, their tokens, declarations and
// the positions they hold. Staff keep it; a member changes their own
// profile and files their own declarations; only an admin grants the
// staff or admin role and issues tokens.

// registryActor is the actor as the store's audit entries name it.
func registryActor(a *Actor) store.Actor {
	if a == nil {
		return store.Actor{}
	}
	return store.Actor{MemberID: a.ID}
}

// requireStaff refuses an actor who is neither staff nor admin.
func requireStaff(a *Actor) error {
	if !a.IsStaff() {
		return Forbidden("your roles do not allow this action").Coded(CodeRolesForbid)
	}
	return nil
}

// ListCountries lists the countries and their sub-regions.
func (s *Service) ListCountries(ctx context.Context) ([]store.Country, error) {
	return s.store.ListCountries(ctx)
}

// CreateCountry adds a country (staff).
func (s *Service) CreateCountry(ctx context.Context, a *Actor, in store.CountryInput) (store.Country, error) {
	if err := requireStaff(a); err != nil {
		return store.Country{}, err
	}
	return s.store.CreateCountry(ctx, registryActor(a), in)
}

// ListALS lists the ALSes, by country and status when given.
func (s *Service) ListALS(ctx context.Context, f store.ALSFilter) ([]store.ALS, error) {
	return s.store.ListALS(ctx, f)
}

// GetALS is one ALS.
func (s *Service) GetALS(ctx context.Context, id string) (store.ALS, error) {
	return s.store.GetALS(ctx, id)
}

// CreateALS accredits an ALS (staff).
func (s *Service) CreateALS(ctx context.Context, a *Actor, in store.ALSInput) (store.ALS, error) {
	if err := requireStaff(a); err != nil {
		return store.ALS{}, err
	}
	return s.store.CreateALS(ctx, registryActor(a), in)
}

// UpdateALS changes an ALS's name, country or status (staff).
func (s *Service) UpdateALS(ctx context.Context, a *Actor, id string, in store.ALSInput) (store.ALS, error) {
	if err := requireStaff(a); err != nil {
		return store.ALS{}, err
	}
	return s.store.UpdateALS(ctx, registryActor(a), id, in)
}

// MemberView is a member as a given actor may see them: contact details
// and self-declared gender only to the member and staff; skills only when
// the member made them public.
type MemberView struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Email        string   `json:"email,omitempty"`
	Country      string   `json:"country"`
	Nationality  string   `json:"nationality"`
	ALSID        *string  `json:"als_id"`
	Language     string   `json:"language"`
	Gender       *string  `json:"gender,omitempty"`
	Skills       []string `json:"skills"`
	SkillsPublic bool     `json:"skills_public"`
	// MentoringOptIn and DigestOptOut are the member's preferences, shown
	// to the member and staff.
	MentoringOptIn *bool      `json:"mentoring_opt_in,omitempty"`
	DigestOptOut   *bool      `json:"digest_opt_out,omitempty"`
	Roles          []string   `json:"roles"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      *time.Time `json:"updated_at,omitempty"`
}

// ViewMember is m as a sees them.
func ViewMember(a *Actor, m store.Member) MemberView {
	v := MemberView{ID: m.ID, Name: m.Name, Country: m.Country, Nationality: m.EffectiveNationality(), ALSID: m.ALSID, Language: m.Language,
		SkillsPublic: m.SkillsPublic, Roles: m.Roles, Skills: []string{}, CreatedAt: m.CreatedAt}
	full := a.IsStaff() || (a != nil && a.ID == m.ID)
	if full {
		v.Email, v.Gender = m.Email, m.Gender
		mentoring, digestOff := m.MentoringOptIn, m.DigestOptOut
		v.MentoringOptIn, v.DigestOptOut = &mentoring, &digestOff
		updated := m.UpdatedAt
		v.UpdatedAt = &updated
	}
	if full || m.SkillsPublic {
		v.Skills = m.Skills
	}
	return v
}

// ListMembers lists members as a sees them.
func (s *Service) ListMembers(ctx context.Context, a *Actor, f store.MemberFilter) ([]MemberView, error) {
	ms, err := s.store.ListMembers(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]MemberView, len(ms))
	for i, m := range ms {
		out[i] = ViewMember(a, m)
	}
	return out, nil
}

// GetMember is one member as a sees them.
func (s *Service) GetMember(ctx context.Context, a *Actor, id string) (MemberView, error) {
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return MemberView{}, err
	}
	return ViewMember(a, m), nil
}

// privilegedRoles may only be granted or removed by an admin: the roles
// that run the installation, and those that judge (SPEC "granting staff,
// admin, ethics_committee or arbitrator is an admin's act").
var privilegedRoles = []string{store.RoleStaff, store.RoleAdmin, store.RoleEthicsCommittee, store.RoleArbitrator}

func touchesPrivileged(before, after []string) bool {
	for _, r := range privilegedRoles {
		if store.StringList(before).Has(r) != store.StringList(after).Has(r) {
			return true
		}
	}
	return false
}

// CreateMember registers a member (staff; the staff and admin roles only
// by an admin) and emails them the welcome with the new-member guidelines.
func (s *Service) CreateMember(ctx context.Context, a *Actor, in store.MemberInput) (MemberView, error) {
	if err := requireStaff(a); err != nil {
		return MemberView{}, err
	}
	if in.Roles != nil && touchesPrivileged(nil, *in.Roles) && !a.Has(store.RoleAdmin) {
		return MemberView{}, Forbidden("only an admin may grant the staff, admin, ethics_committee or arbitrator role").Coded(CodeAdminRoles)
	}
	m, err := s.store.CreateMember(ctx, registryActor(a), in)
	if err != nil {
		return MemberView{}, err
	}
	// The member is registered either way: a welcome that could not be
	// started is logged rather than turning the registration into an error
	// a retry would repeat (the email is taken by then).
	if err := s.welcome(ctx, m.ID, []string{m.ID}); err != nil {
		s.log.ErrorContext(ctx, "welcome email not started", "member_id", m.ID, "err", err)
	}
	return ViewMember(a, m), nil
}

// UpdateMember changes a member: their own profile fields for a member,
// the registry fields (email, country, ALS, roles) for staff, the staff
// and admin roles for an admin.
func (s *Service) UpdateMember(ctx context.Context, a *Actor, id string, in store.MemberInput) (MemberView, error) {
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return MemberView{}, err
	}
	if a == nil || (a.ID != m.ID && !a.IsStaff()) {
		return MemberView{}, Forbidden("your roles do not allow this action").Coded(CodeRolesForbid)
	}
	// Registry fields decide voting rights and eligibility, so a member may
	// not change them on their own record.
	if !a.IsStaff() && (in.Country != nil || in.ALSID != nil || in.Roles != nil || in.Email != nil) {
		return MemberView{}, Forbidden("only staff may change email, country, als_id or roles").Coded(CodeProfileFields)
	}
	// Separation of duties: nobody changes their own roles or ALS (staff
	// could otherwise make themselves an ALS's representative and vote
	// for it); another staff member, or an admin, must.
	if a.ID == m.ID && (in.ALSID != nil || in.Roles != nil) {
		return MemberView{}, Forbidden("nobody may change their own roles or ALS; ask another staff member or an admin").Coded(CodeOwnRoles)
	}
	if in.Roles != nil && touchesPrivileged(m.Roles, *in.Roles) && !a.Has(store.RoleAdmin) {
		return MemberView{}, Forbidden("only an admin may grant or remove the staff, admin, ethics_committee or arbitrator role").Coded(CodeAdminRoles)
	}
	out, err := s.store.UpdateMember(ctx, registryActor(a), m.ID, in)
	if err != nil {
		return MemberView{}, err
	}
	if err := s.notifyRolesChanged(ctx, m, out); err != nil {
		return MemberView{}, err
	}
	return ViewMember(a, out), nil
}

// notifyRolesChanged emails a member whose roles or ALS changed (the
// change is in the audit log already, written with it): a grant they did
// not expect does not go unnoticed.
func (s *Service) notifyRolesChanged(ctx context.Context, before, after store.Member) error {
	als := func(m store.Member) string {
		if m.ALSID == nil {
			return ""
		}
		return *m.ALSID
	}
	if slices.Equal(slices.Sorted(slices.Values(before.Roles)), slices.Sorted(slices.Values(after.Roles))) && als(before) == als(after) {
		return nil
	}
	note := workflows.NotifyInput{Process: "registry", ObjectID: after.ID,
		Step: "roles/" + strconv.FormatInt(after.UpdatedAt.UnixNano(), 10), Event: "member.roles_changed",
		MemberIDs: []string{after.ID}, Data: map[string]any{
			"roles": strings.Join(after.Roles, ", "), "previous_roles": strings.Join(before.Roles, ", "),
			"als_id": als(after), "previous_als_id": als(before)}}
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.NotifyWorkflowID(note),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.NotifyWorkflowName, note)
	return err
}

// TokenInput labels a new token.
type TokenInput struct {
	Label string `json:"label"`
}

// IssuedToken carries a new token in clear, the only time it is shown.
type IssuedToken struct {
	ID        string    `json:"id"`
	MemberID  string    `json:"member_id"`
	Label     string    `json:"label"`
	Token     string    `json:"token"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the token stops working (`--token-ttl` after issue).
	ExpiresAt *time.Time `json:"expires_at"`
}

// IssueToken issues a bearer token to a member (admin). The member is told
// a token was issued (never the token itself), so that a token they did
// not ask for does not go unnoticed.
func (s *Service) IssueToken(ctx context.Context, a *Actor, memberID string, in TokenInput) (IssuedToken, error) {
	if !a.Has(store.RoleAdmin) {
		return IssuedToken{}, Forbidden("your roles do not allow this action").Coded(CodeRolesForbid)
	}
	if len(in.Label) > 100 {
		return IssuedToken{}, InvalidCoded(map[string]string{"label": "is longer than 100 characters"}, map[string]string{"label": store.FieldTooLong})
	}
	t, secret, err := s.store.IssueToken(ctx, registryActor(a), memberID, in.Label)
	if err != nil {
		return IssuedToken{}, err
	}
	note := workflows.NotifyInput{Process: "registry", ObjectID: t.MemberID, Step: "token/" + t.ID,
		Event: "token_issued", MemberIDs: []string{t.MemberID}, Data: map[string]any{"label": t.Label}}
	// The Notify workflow's business ID makes a retried request a no-op.
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.NotifyWorkflowID(note),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.NotifyWorkflowName, note); err != nil {
		return IssuedToken{}, err
	}
	return IssuedToken{ID: t.ID, MemberID: t.MemberID, Label: t.Label, Token: secret, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}, nil
}

// ownOrAdmin lets a member act on their own record, and an admin on anyone's.
func ownOrAdmin(a *Actor, memberID string) error {
	if a == nil || (a.ID != memberID && !a.Has(store.RoleAdmin)) {
		return Forbidden("your roles do not allow this action").Coded(CodeOwnOnly)
	}
	return nil
}

// ListTokens lists a member's tokens (the member or an admin).
func (s *Service) ListTokens(ctx context.Context, a *Actor, memberID string) ([]store.Token, error) {
	if err := ownOrAdmin(a, memberID); err != nil {
		return nil, err
	}
	return s.store.ListTokens(ctx, memberID)
}

// RevokeToken revokes one of a member's tokens (the member or an admin).
func (s *Service) RevokeToken(ctx context.Context, a *Actor, memberID, tokenID string) error {
	if err := ownOrAdmin(a, memberID); err != nil {
		return err
	}
	return s.store.RevokeToken(ctx, registryActor(a), memberID, tokenID)
}

// ListDeclarations lists a member's declarations, newest first.
func (s *Service) ListDeclarations(ctx context.Context, memberID string) ([]store.Declaration, error) {
	if _, err := s.store.GetMember(ctx, memberID); err != nil {
		return nil, err
	}
	return s.store.ListDeclarations(ctx, memberID)
}

// CreateDeclaration files a member's own declaration: nobody files it for
// them. Recusals and eligibility are computed from the current
// declarations, so the open processes that read them are told: the ethics
// cases (when the member sits on the committee) and the elections still
// before their vote.
func (s *Service) CreateDeclaration(ctx context.Context, a *Actor, memberID string, in store.DeclarationInput) (store.Declaration, error) {
	if a == nil || a.ID != memberID {
		return store.Declaration{}, Forbidden("members file their own declarations").Coded(CodeOwnDeclarations)
	}
	d, err := s.store.CreateDeclaration(ctx, registryActor(a), memberID, in)
	if err != nil {
		return d, err
	}
	if a.Has(store.RoleEthicsCommittee) {
		s.RecomputeOpenComplaints(ctx)
	}
	s.RecheckOpenElections(ctx)
	return d, nil
}

// ListPositions is who holds which position now.
func (s *Service) ListPositions(ctx context.Context) ([]store.Position, error) {
	return s.store.ListPositions(ctx, store.Now())
}

// CreatePosition records a position holder (staff). The open elections
// are told: a position may change a nominee's eligibility.
func (s *Service) CreatePosition(ctx context.Context, a *Actor, in store.PositionInput) (store.Position, error) {
	if err := requireStaff(a); err != nil {
		return store.Position{}, err
	}
	p, err := s.store.CreatePosition(ctx, registryActor(a), in)
	if err != nil {
		return p, err
	}
	s.RecheckOpenElections(ctx)
	return p, nil
}
