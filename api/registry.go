package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

func actor(c echo.Context) store.Actor {
	if p := principal(c); p != nil {
		return store.Actor{MemberID: p.ID}
	}
	return store.Actor{}
}

func (s *Server) listCountries(c echo.Context) error {
	out, err := s.store.ListCountries(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createCountry(c echo.Context) error {
	var in store.CountryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.store.CreateCountry(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) listALS(c echo.Context) error {
	out, err := s.store.ListALS(c.Request().Context(), store.ALSFilter{Country: c.QueryParam("country"), Status: c.QueryParam("status")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createALS(c echo.Context) error {
	var in store.ALSInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.store.CreateALS(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getALS(c echo.Context) error {
	out, err := s.store.GetALS(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) patchALS(c echo.Context) error {
	var in store.ALSInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.store.UpdateALS(c.Request().Context(), actor(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// memberView is a member as a given caller may see them: contact details
// and self-declared gender only to the member and staff; skills only when
// the member made them public.
type memberView struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Email        string     `json:"email,omitempty"`
	Country      string     `json:"country"`
	ALSID        *string    `json:"als_id"`
	Language     string     `json:"language"`
	Gender       *string    `json:"gender,omitempty"`
	Skills       []string   `json:"skills"`
	SkillsPublic bool       `json:"skills_public"`
	Roles        []string   `json:"roles"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
}

func viewMember(p *Principal, m store.Member) memberView {
	v := memberView{ID: m.ID, Name: m.Name, Country: m.Country, ALSID: m.ALSID, Language: m.Language,
		SkillsPublic: m.SkillsPublic, Roles: m.Roles, Skills: []string{}, CreatedAt: m.CreatedAt}
	full := p.IsStaff() || p.ID == m.ID
	if full {
		v.Email, v.Gender = m.Email, m.Gender
		updated := m.UpdatedAt
		v.UpdatedAt = &updated
	}
	if full || m.SkillsPublic {
		v.Skills = m.Skills
	}
	return v
}

func (s *Server) listMembers(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	offset, _ := strconv.Atoi(c.QueryParam("offset"))
	ms, err := s.store.ListMembers(c.Request().Context(), store.MemberFilter{
		ALSID: c.QueryParam("als_id"), Country: c.QueryParam("country"), Role: c.QueryParam("role"),
		Limit: limit, Offset: offset,
	})
	if err != nil {
		return err
	}
	p := principal(c)
	out := make([]memberView, len(ms))
	for i, m := range ms {
		out[i] = viewMember(p, m)
	}
	return c.JSON(http.StatusOK, out)
}

// privilegedRoles may only be granted or removed by an admin.
var privilegedRoles = []string{store.RoleStaff, store.RoleAdmin}

func touchesPrivileged(before, after []string) bool {
	for _, r := range privilegedRoles {
		if store.StringList(before).Has(r) != store.StringList(after).Has(r) {
			return true
		}
	}
	return false
}

func (s *Server) createMember(c echo.Context) error {
	var in store.MemberInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p := principal(c)
	if in.Roles != nil && touchesPrivileged(nil, *in.Roles) && !p.Has(store.RoleAdmin) {
		return errStatus(http.StatusForbidden, "only an admin may grant the staff or admin role")
	}
	m, err := s.store.CreateMember(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewMember(p, m))
}

func (s *Server) getMember(c echo.Context) error {
	m, err := s.store.GetMember(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewMember(principal(c), m))
}

func (s *Server) patchMember(c echo.Context) error {
	var in store.MemberInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := principal(c)
	m, err := s.store.GetMember(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	self := p.ID == m.ID
	if !self && !p.IsStaff() {
		return errForbidden
	}
	// Registry fields decide voting rights and eligibility, so a member may
	// not change them on their own record.
	if !p.IsStaff() && (in.Country != nil || in.ALSID != nil || in.Roles != nil || in.Email != nil) {
		return errStatus(http.StatusForbidden, "only staff may change email, country, als_id or roles")
	}
	if in.Roles != nil && touchesPrivileged(m.Roles, *in.Roles) && !p.Has(store.RoleAdmin) {
		return errStatus(http.StatusForbidden, "only an admin may grant or remove the staff or admin role")
	}
	out, err := s.store.UpdateMember(ctx, actor(c), m.ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewMember(p, out))
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
}

func (s *Server) issueToken(c echo.Context) error {
	var in TokenInput
	if c.Request().ContentLength != 0 {
		if err := bind(c, &in); err != nil {
			return err
		}
	}
	if len(in.Label) > 100 {
		return invalid(map[string]string{"label": "is longer than 100 characters"})
	}
	ctx := c.Request().Context()
	t, secret, err := s.store.IssueToken(ctx, actor(c), c.Param("id"), in.Label)
	if err != nil {
		return err
	}
	// The member is told a token was issued (never the token itself), so
	// a token they did not ask for does not go unnoticed.
	if err := s.startNotify(c, workflows.NotifyInput{Process: "registry", ObjectID: t.MemberID, Step: "token/" + t.ID,
		Event: "token_issued", MemberIDs: []string{t.MemberID}, Data: map[string]any{"label": t.Label}}); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, IssuedToken{ID: t.ID, MemberID: t.MemberID, Label: t.Label, Token: secret, CreatedAt: t.CreatedAt})
}

// ownOrAdmin lets a member act on their own record, and an admin on anyone's.
func ownOrAdmin(c echo.Context) error {
	p := principal(c)
	if p.ID != c.Param("id") && !p.Has(store.RoleAdmin) {
		return errForbidden
	}
	return nil
}

func (s *Server) listTokens(c echo.Context) error {
	if err := ownOrAdmin(c); err != nil {
		return err
	}
	out, err := s.store.ListTokens(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := ownOrAdmin(c); err != nil {
		return err
	}
	if err := s.store.RevokeToken(c.Request().Context(), actor(c), c.Param("id"), c.Param("token_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listDeclarations(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.store.GetMember(ctx, c.Param("id")); err != nil {
		return err
	}
	out, err := s.store.ListDeclarations(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createDeclaration(c echo.Context) error {
	var in store.DeclarationInput
	if err := bind(c, &in); err != nil {
		return err
	}
	// A declaration is the member's own statement: nobody files it for them.
	if principal(c).ID != c.Param("id") {
		return errStatus(http.StatusForbidden, "members file their own declarations")
	}
	out, err := s.store.CreateDeclaration(c.Request().Context(), actor(c), c.Param("id"), in)
	if err != nil {
		return err
	}
	if principal(c).Has(store.RoleEthicsCommittee) {
		s.recomputeOpenComplaints(c)
	}
	s.recheckOpenElections(c)
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) listPositions(c echo.Context) error {
	out, err := s.store.ListPositions(c.Request().Context(), store.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createPosition(c echo.Context) error {
	var in store.PositionInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.store.CreatePosition(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	s.recheckOpenElections(c)
	return c.JSON(http.StatusCreated, out)
}

// startNotify starts a Notify workflow; its business ID makes a retried
// request a no-op.
func (s *Server) startNotify(c echo.Context, in workflows.NotifyInput) error {
	_, err := s.temporal.ExecuteWorkflow(c.Request().Context(), client.StartWorkflowOptions{
		ID:                       workflows.NotifyWorkflowID(in),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, "Notify", in)
	return err
}
