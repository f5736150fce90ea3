package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// idempotent makes a creating POST safe to retry: with an Idempotency-Key
// header, the first answer is stored and replayed for the same caller and
// key; a retry while the first is still running gets 409.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		p := principal(c)
		if key == "" || p == nil {
			return next(c)
		}
		if len(key) > 200 {
			return badRequest("Idempotency-Key is longer than 200 characters")
		}
		ctx := c.Request().Context()
		prior, err := s.store.ClaimIdempotency(ctx, p.ID, key, c.Request().Method, c.Request().URL.Path)
		if err != nil {
			return err
		}
		if prior != nil {
			if prior.Method != c.Request().Method || prior.Path != c.Request().URL.Path {
				return invalid(map[string]string{"Idempotency-Key": "was used for another request"})
			}
			if prior.Status == 0 {
				return conflict("a request with this Idempotency-Key is still in progress")
			}
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(prior.Status, echo.MIMEApplicationJSONCharsetUTF8, []byte(prior.Body))
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err = next(c)
		status := c.Response().Status
		if err != nil || status >= 400 {
			// A failed request changed nothing, so the key is released and
			// the client may retry with it.
			if rerr := s.store.ReleaseIdempotency(ctx, p.ID, key); rerr != nil {
				s.log.WarnContext(ctx, "releasing idempotency key failed", "err", rerr)
			}
			return err
		}
		return s.store.CompleteIdempotency(ctx, p.ID, key, status, withoutSecrets(rec.body.String()))
	}
}

// withoutSecrets drops from an answer to be stored for replay the secret a
// token route shows once ("token", and "url", which carries a feed token):
// tokens are kept only as hashes, and a replay must not turn the database
// into a store of live credentials. A replay shows the token's record; the
// member may revoke it and ask for another.
func withoutSecrets(body string) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &doc) != nil {
		return body
	}
	if _, ok := doc["token"]; !ok {
		return body
	}
	delete(doc, "token")
	delete(doc, "url")
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return string(out)
}

// recorder copies the response body so it can be replayed.
type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
