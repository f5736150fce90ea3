package api

import (
	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/codec"
)

// codecEndpoint serves Temporal's remote codec protocol, so that an admin
// reads decrypted payloads in the Temporal UI or CLI (`--codec-endpoint
// http://ralo/api/v1/codec --codec-auth "Bearer <admin token>"`). The route
// table admits admins only; without a key there is nothing to decode.
func (s *Server) codecEndpoint(c echo.Context) error {
	if s.codec == nil {
		return errNotFound
	}
	codec.Handler(s.codec).ServeHTTP(c.Response(), c.Request())
	return nil
}
