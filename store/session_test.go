package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestLoginLinksAndSessions: a link works once and only before it
// expires; a session is found by its secret, extended on use, and closed
// one by one or everywhere.
func TestLoginLinksAndSessions(t *testing.T) {
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := st.CreateCountry(ctx, store.Actor{}, store.CountryInput{Code: "AR", Name: "Argentina"}); err != nil {
				t.Fatal(err)
			}
			m, err := st.CreateMember(ctx, store.Actor{}, store.MemberInput{Name: ptr("Ana"), Email: ptr("ana@example.org"), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := st.MemberByEmail(ctx, " ANA@example.org "); err != nil || got.ID != m.ID {
				t.Fatalf("MemberByEmail: %v %v", got.ID, err)
			}
			_, secret, err := st.CreateLoginLink(ctx, m.ID, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := st.UseLoginLink(ctx, secret); err != nil || got.ID != m.ID {
				t.Fatalf("first use: %v %v", got.ID, err)
			}
			if _, err := st.UseLoginLink(ctx, secret); !errors.Is(err, store.ErrLinkUsed) {
				t.Fatalf("second use: %v, want ErrLinkUsed", err)
			}
			_, expired, err := st.CreateLoginLink(ctx, m.ID, -time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.UseLoginLink(ctx, expired); !errors.Is(err, store.ErrLinkExpired) {
				t.Fatalf("expired: %v, want ErrLinkExpired", err)
			}
			if _, err := st.UseLoginLink(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown: %v, want ErrNotFound", err)
			}

			s1, sec1, err := st.CreateSession(ctx, m.ID, "browser one", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			_, sec2, err := st.CreateSession(ctx, m.ID, "browser two", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if got, ss, err := st.SessionMember(ctx, sec1, time.Hour); err != nil || got.ID != m.ID || ss.ID != s1.ID {
				t.Fatalf("SessionMember: %v %v %v", got.ID, ss.ID, err)
			}
			if ss, _ := st.ListSessions(ctx, m.ID); len(ss) != 2 {
				t.Fatalf("%d sessions, want 2", len(ss))
			}
			if err := st.RevokeSession(ctx, m.ID, s1.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.SessionMember(ctx, sec1, time.Hour); !errors.Is(err, store.ErrBadToken) {
				t.Fatalf("revoked session: %v", err)
			}
			if err := st.RevokeSessions(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.SessionMember(ctx, sec2, time.Hour); !errors.Is(err, store.ErrBadToken) {
				t.Fatalf("after sign-out everywhere: %v", err)
			}
			_, sec3, err := st.CreateSession(ctx, m.ID, "", -time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.SessionMember(ctx, sec3, time.Hour); !errors.Is(err, store.ErrBadToken) {
				t.Fatalf("idle-expired session: %v", err)
			}
			if err := st.SetTimeZone(ctx, m.ID, "America/Bogota"); err != nil {
				t.Fatal(err)
			}
			if got, _ := st.GetMember(ctx, m.ID); got.TimeZone != "America/Bogota" {
				t.Fatalf("time zone %q", got.TimeZone)
			}
		})
	}
}
