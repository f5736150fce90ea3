package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// Routes that send email are rate limited per member and route, so that one
// account cannot flood the community's inboxes: a burst of emailBurst, then
// one request every emailEvery. Admins, who operate the installation, are
// not limited. The limit is per process; behind several `ralo serve` it
// multiplies by their number, which still bounds a flood.
const (
	emailBurst = 20
	emailEvery = 3 * time.Second
)

func emailLimiter() echo.MiddlewareFunc {
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Every(emailEvery), Burst: emailBurst, ExpiresIn: 10 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool {
			p := principal(c)
			return p == nil || p.Has("admin")
		},
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			return principal(c).ID + " " + c.Path(), nil
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return errStatus(http.StatusForbidden, "no caller to rate limit")
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "3")
			return errStatus(http.StatusTooManyRequests, "too many requests that send email; retry in a few seconds")
		},
	})
}
