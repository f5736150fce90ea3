package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// Registry routes: bind → service → respond.

func (s *Server) listALS(c echo.Context) error {
	out, err := s.svc.ListALS(c.Request().Context(), store.ALSFilter{Country: c.QueryParam("country"), Status: c.QueryParam("status")})
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

func alsLocation(out store.ALS) string { return "/api/v1/als/" + out.ID }

func memberLocation(out service.MemberView) string { return "/api/v1/members/" + out.ID }

// TokenInput labels a new token.
type TokenInput = service.TokenInput

// IssuedToken carries a new token in clear, the only time it is shown.
type IssuedToken = service.IssuedToken

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.svc.RevokeToken(c.Request().Context(), caller(c), c.Param("id"), c.Param("token_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// jsonOr writes out with status, or returns err.
func jsonOr(c echo.Context, status int, out any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}
