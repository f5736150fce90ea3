package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/lacralo/ralo/policy"
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

// updateLimiter limits each member's writes (every route that is not a GET
// and needs a token: the transitions of the processes, which are Temporal
// updates or signals, and the registry writes that send rechecks to them):
// a burst of budgets.update_burst, then one every budgets.update_every,
// across all those routes together, so that no member can push a
// long-lived workflow towards Temporal's limits. Beyond it the answer is
// 429 with Retry-After, and the process never sees the request. Admins are
// not limited, as for email.
func updateLimiter(b policy.Budgets) echo.MiddlewareFunc {
	every := b.UpdateEvery.D()
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Every(every), Burst: b.UpdateBurst, ExpiresIn: max(10*time.Minute, 2*every),
	})
	retry := strconv.Itoa(int(max(1, math.Ceil(every.Seconds()))))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool {
			p := principal(c)
			return p == nil || p.Has("admin")
		},
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			return principal(c).ID, nil
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return errStatus(http.StatusForbidden, "no caller to rate limit")
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", retry)
			return errStatus(http.StatusTooManyRequests, fmt.Sprintf(
				"too many changes from one member: at most %d at once, then one every %s; retry in %s s", b.UpdateBurst, b.UpdateEvery, retry))
		},
	})
}

// limitsUpdates says whether a route is under updateLimiter.
func (r route) limitsUpdates() bool {
	return r.method != http.MethodGet && r.method != http.MethodHead && !r.access.public && !r.ownAuth
}
