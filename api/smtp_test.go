package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/notify/smtptest"
)

// TestEmailDelivery runs a second service whose worker sends through a real
// SMTP server: a 451 is retried and the message delivered exactly once; a
// 550 marks the message failed with the reason.
func TestEmailDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second Temporal server")
	}
	mail := smtptest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := startEnv(ctx, t.TempDir(), mail.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	ensureCountry(t, e, "AR", "Argentina")

	outbox := func(memberID string) map[string]any {
		var all []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/notifications?process=registry", adminToken, nil), http.StatusOK).json(t, &all)
		for _, n := range all {
			if n["member_id"] == memberID {
				return n
			}
		}
		return nil
	}

	t.Run("transient 451 is retried, delivered once", func(t *testing.T) {
		mail.FailNext(451, "4.3.0 try again later", 1)
		m, _ := newMember(t, e, "AR", "")
		var msg map[string]any
		eventually(t, 30*time.Second, "delivery", func() bool {
			msg = outbox(m.ID)
			return msg != nil && msg["status"] == "sent"
		})
		if msg["attempts"].(float64) != 2 {
			t.Fatalf("attempts %v, want 2 (451, then success)", msg["attempts"])
		}
		got := 0
		for _, r := range mail.Messages() {
			if strings.Contains(strings.Join(r.To, ","), m.Email) {
				got++
			}
		}
		if got != 1 {
			t.Fatalf("the SMTP server received %d copies, want 1", got)
		}
	})

	t.Run("permanent 550 marks the message failed", func(t *testing.T) {
		mail.FailNext(550, "5.1.1 mailbox unavailable", 1)
		m, _ := newMember(t, e, "AR", "")
		var msg map[string]any
		eventually(t, 30*time.Second, "failure", func() bool {
			msg = outbox(m.ID)
			return msg != nil && msg["status"] == "failed"
		})
		if reason, _ := msg["last_error"].(string); !strings.Contains(reason, "550") {
			t.Fatalf("failure reason %q does not name the 550", reason)
		}
		if msg["attempts"].(float64) != 1 {
			t.Fatalf("a permanent failure was retried: %v attempts", msg["attempts"])
		}
	})
}
