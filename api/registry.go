package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// Registry routes: bind → service → respond.

func (s *Server) listCountries(c echo.Context) error {
	out, err := s.svc.ListCountries(c.Request().Context())
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) createCountry(c echo.Context) error {
	var in store.CountryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.CreateCountry(c.Request().Context(), caller(c), in)
	return jsonOr(c, http.StatusCreated, out, err)
}

func (s *Server) listALS(c echo.Context) error {
	out, err := s.svc.ListALS(c.Request().Context(), store.ALSFilter{Country: c.QueryParam("country"), Status: c.QueryParam("status")})
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) createALS(c echo.Context) error {
	var in store.ALSInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.CreateALS(c.Request().Context(), caller(c), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/als/"+out.ID)
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getALS(c echo.Context) error {
	out, err := s.svc.GetALS(c.Request().Context(), c.Param("id"))
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) patchALS(c echo.Context) error {
	var in store.ALSInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.UpdateALS(c.Request().Context(), caller(c), c.Param("id"), in)
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) listMembers(c echo.Context) error {
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	offset, _ := strconv.Atoi(c.QueryParam("offset"))
	out, err := s.svc.ListMembers(c.Request().Context(), caller(c), store.MemberFilter{
		ALSID: c.QueryParam("als_id"), Country: c.QueryParam("country"), Role: c.QueryParam("role"),
		Limit: limit, Offset: offset,
	})
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) createMember(c echo.Context) error {
	var in store.MemberInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.CreateMember(c.Request().Context(), caller(c), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/members/"+out.ID)
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) getMember(c echo.Context) error {
	out, err := s.svc.GetMember(c.Request().Context(), caller(c), c.Param("id"))
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) patchMember(c echo.Context) error {
	var in store.MemberInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.UpdateMember(c.Request().Context(), caller(c), c.Param("id"), in)
	return jsonOr(c, http.StatusOK, out, err)
}

// TokenInput labels a new token.
type TokenInput = service.TokenInput

// IssuedToken carries a new token in clear, the only time it is shown.
type IssuedToken = service.IssuedToken

func (s *Server) issueToken(c echo.Context) error {
	var in TokenInput
	if c.Request().ContentLength != 0 {
		if err := bind(c, &in); err != nil {
			return err
		}
	}
	out, err := s.svc.IssueToken(c.Request().Context(), caller(c), c.Param("id"), in)
	return jsonOr(c, http.StatusCreated, out, err)
}

func (s *Server) listTokens(c echo.Context) error {
	out, err := s.svc.ListTokens(c.Request().Context(), caller(c), c.Param("id"))
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.svc.RevokeToken(c.Request().Context(), caller(c), c.Param("id"), c.Param("token_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listDeclarations(c echo.Context) error {
	out, err := s.svc.ListDeclarations(c.Request().Context(), c.Param("id"))
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) createDeclaration(c echo.Context) error {
	var in store.DeclarationInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.CreateDeclaration(c.Request().Context(), caller(c), c.Param("id"), in)
	return jsonOr(c, http.StatusCreated, out, err)
}

func (s *Server) listPositions(c echo.Context) error {
	out, err := s.svc.ListPositions(c.Request().Context())
	return jsonOr(c, http.StatusOK, out, err)
}

func (s *Server) createPosition(c echo.Context) error {
	var in store.PositionInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.svc.CreatePosition(c.Request().Context(), caller(c), in)
	return jsonOr(c, http.StatusCreated, out, err)
}

// jsonOr writes out with status, or returns err.
func jsonOr(c echo.Context, status int, out any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}
