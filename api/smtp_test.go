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

	// A new member is sent two emails (the welcome, then the token
	// issued); the SMTP server's failure hits whichever it is sent first.
	outbox := func(memberID string) []map[string]any {
		var all, mine []map[string]any
		expect(t, do(t, e, "GET", "/api/v1/notifications?limit=1000", adminToken, nil), http.StatusOK).json(t, &all)
		for _, n := range all {
			if n["member_id"] == memberID {
				mine = append(mine, n)
			}
		}
		return mine
	}
	settled := func(ms []map[string]any) bool {
		for _, m := range ms {
			if m["status"] != "sent" && m["status"] != "failed" {
				return false
			}
		}
		return len(ms) >= 2
	}

	t.Run("transient 451 is retried, delivered once", func(t *testing.T) {
		mail.FailNext(451, "4.3.0 try again later", 1)
		m, _ := newMember(t, e, "AR", "")
		var msgs []map[string]any
		eventually(t, 30*time.Second, "delivery", func() bool {
			msgs = outbox(m.ID)
			return settled(msgs)
		})
		retried := 0
		for _, msg := range msgs {
			if msg["status"] != "sent" {
				t.Fatalf("message %v not sent after a transient failure", msg)
			}
			switch msg["attempts"].(float64) {
			case 1:
			case 2:
				retried++
			default:
				t.Fatalf("attempts %v, want 1, or 2 for the one refused with 451", msg["attempts"])
			}
			got := 0
			for _, r := range mail.Messages() {
				if strings.Contains(strings.Join(r.To, ","), m.Email) && r.Subject == msg["subject"] {
					got++
				}
			}
			if got != 1 {
				t.Fatalf("the SMTP server received %d copies of %q, want 1", got, msg["subject"])
			}
		}
		if retried != 1 {
			t.Fatalf("%d messages retried, want the one refused with 451: %v", retried, msgs)
		}
	})

	t.Run("permanent 550 marks the message failed", func(t *testing.T) {
		mail.FailNext(550, "5.1.1 mailbox unavailable", 1)
		m, _ := newMember(t, e, "AR", "")
		var msgs []map[string]any
		eventually(t, 30*time.Second, "failure", func() bool {
			msgs = outbox(m.ID)
			return settled(msgs)
		})
		failed := 0
		for _, msg := range msgs {
			if msg["status"] != "failed" {
				continue
			}
			failed++
			if reason, _ := msg["last_error"].(string); !strings.Contains(reason, "550") {
				t.Fatalf("failure reason %q does not name the 550", reason)
			}
			if msg["attempts"].(float64) != 1 {
				t.Fatalf("a permanent failure was retried: %v attempts", msg["attempts"])
			}
		}
		if failed != 1 {
			t.Fatalf("%d messages failed, want the one refused with 550: %v", failed, msgs)
		}
	})
}
