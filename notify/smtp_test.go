package notify

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lacralo/ralo/notify/smtptest"
)

const testFrom = "LACRALO <noreply@ralo.example.org>"

func newSender(t *testing.T, rawURL string) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(rawURL, testFrom)
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	return s
}

func testMessage(id string) Message {
	return Message{
		ID:      id,
		To:      "ana@example.org",
		Subject: "[LACRALO] Arbitraje case-42: audiencia convocada",
		Body:    "Hola, Ana:\n\nEl árbitro ha convocado una audiencia.\n",
	}
}

func TestSendDeliversMessageWithInvitation(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv.URL())
	invite := ICS(Event{
		UID: "hearing-case-42@ralo", Summary: "Audiencia, caso 42", Start: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC),
		Duration: time.Hour, Organizer: "arbitro@example.org", Attendees: []string{"ana@example.org"},
		Stamp: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	})
	m := testMessage("arbitration/case-42/hearing/mem-1")
	m.Attachments = []Attachment{{Filename: "invite.ics", ContentType: "text/calendar; method=REQUEST; charset=UTF-8", Data: invite}}

	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if r.ParseErr != nil {
		t.Fatalf("parse received message: %v", r.ParseErr)
	}
	if r.From != "noreply@ralo.example.org" || len(r.To) != 1 || r.To[0] != "ana@example.org" {
		t.Errorf("envelope from %q to %v", r.From, r.To)
	}
	if h := r.Header.Get("To"); !strings.Contains(h, "ana@example.org") {
		t.Errorf("To header %q", h)
	}
	if h := r.Header.Get("From"); !strings.Contains(h, "noreply@ralo.example.org") {
		t.Errorf("From header %q", h)
	}
	if r.Subject != m.Subject {
		t.Errorf("subject %q, want %q", r.Subject, m.Subject)
	}
	if want := "<arbitration=2Fcase-42=2Fhearing=2Fmem-1@ralo>"; r.MessageID != want || MessageID(m.ID) != want {
		t.Errorf("Message-ID %q, MessageID() %q, want %q", r.MessageID, MessageID(m.ID), want)
	}
	if got := r.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted %q", got)
	}
	if strings.ReplaceAll(r.Text, "\r\n", "\n") != m.Body {
		t.Errorf("text %q, want %q", r.Text, m.Body)
	}
	if len(r.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(r.Attachments))
	}
	a := r.Attachments[0]
	if a.Filename != "invite.ics" || !strings.HasPrefix(a.ContentType, "text/calendar; method=REQUEST") {
		t.Errorf("attachment %q of type %q", a.Filename, a.ContentType)
	}
	if !bytes.Equal(a.Data, invite) {
		t.Errorf("attachment data differs from the ICS sent:\n%s", a.Data)
	}
}

func TestSendTransientFailureThenSuccess(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv.URL())
	srv.FailNext(451, "4.3.0 try again later", 1)
	m := testMessage("ethics/eth-1/filed/mem-2")

	err := s.Send(context.Background(), m)
	if err == nil {
		t.Fatal("first Send succeeded, want the scripted 451")
	}
	if IsPermanent(err) {
		t.Errorf("451 classified as permanent: %v", err)
	}
	if !strings.Contains(err.Error(), "451") {
		t.Errorf("error %q does not report the reply", err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].MessageID != MessageID(m.ID) {
		t.Errorf("server received %d messages, want exactly 1 with the key's Message-ID", len(got))
	}
	if got := srv.Attempts(); got != 2 {
		t.Errorf("server saw %d transactions, want 2", got)
	}
}

func TestSendClassifiesReplies(t *testing.T) {
	tests := []struct {
		name      string
		stage     smtptest.Stage
		code      int
		msg       string
		permanent bool
	}{
		{"mailbox unavailable", smtptest.AtRcpt, 550, "5.1.1 mailbox unavailable", true},
		{"mailbox name not allowed", smtptest.AtRcpt, 553, "5.1.3 mailbox name not allowed", true},
		{"sender rejected", smtptest.AtMail, 550, "5.7.1 sender rejected", true},
		{"content rejected", smtptest.AtData, 554, "5.6.0 message rejected", true},
		{"too large", smtptest.AtData, 552, "5.3.4 message too big", true},
		{"greylisted", smtptest.AtRcpt, 451, "4.7.1 greylisted", false},
		{"service closing", smtptest.AtRcpt, 421, "4.3.2 shutting down", false},
		{"mailbox busy", smtptest.AtMail, 450, "4.2.1 mailbox busy", false},
		{"queue full", smtptest.AtData, 452, "4.3.1 insufficient storage", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newSender(t, srv.URL())
			srv.FailNextAt(tt.stage, tt.code, tt.msg, 1)

			err := s.Send(context.Background(), testMessage("k-"+tt.name))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v: %v", !tt.permanent, tt.permanent, err)
			}
			for _, want := range []string{fmt.Sprint(tt.code), tt.msg} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			var p *PermanentError
			if tt.permanent && (!errors.As(err, &p) || p.Code != tt.code) {
				t.Errorf("PermanentError code = %v, want %d", p, tt.code)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server accepted %d messages after rejecting", n)
			}
		})
	}
}

func TestSendInvalidAddressIsPermanent(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv.URL())
	for _, tt := range []struct{ name, from, to string }{
		{"recipient", "", "not an address"},
		{"empty recipient", "", ""},
		{"sender", "nobody", "ana@example.org"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessage("invalid")
			m.From, m.To = tt.from, tt.to
			err := s.Send(context.Background(), m)
			var p *PermanentError
			if !errors.As(err, &p) || p.Code != 0 {
				t.Errorf("error %v, want a PermanentError with code 0", err)
			}
		})
	}
	if n := srv.Attempts(); n != 0 {
		t.Errorf("server saw %d transactions, want none", n)
	}
}

func TestSendConnectionFailuresAreTransient(t *testing.T) {
	refused := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		if err := ln.Close(); err != nil {
			t.Fatal(err)
		}
		return "smtp://ralo:s3cr3t-pw@" + addr
	}
	silent := func(t *testing.T) string {
		// Accepts connections but never greets, like a hung server.
		return "smtp://ralo:s3cr3t-pw@" + rawServer(t, func(net.Conn) {})
	}
	tlsURL := func(t *testing.T) string {
		// A self-signed certificate without insecure_skip_verify.
		srv := smtptest.Start(t, smtptest.WithImplicitTLS())
		return "smtps://ralo:s3cr3t-pw@" + srv.Addr()
	}
	noStartTLS := func(t *testing.T) string {
		srv := smtptest.Start(t)
		return "smtp+starttls://ralo:s3cr3t-pw@" + srv.Addr()
	}
	badPassword := func(t *testing.T) string {
		srv := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth("ralo", "right"))
		return "smtp+starttls://ralo:s3cr3t-pw@" + srv.Addr() + "?insecure_skip_verify=true"
	}
	tests := []struct {
		name string
		url  func(*testing.T) string
	}{
		{"connection refused", refused},
		{"timeout", silent},
		{"TLS verification", tlsURL},
		{"STARTTLS not offered", noStartTLS},
		{"authentication failed", badPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSender(t, tt.url(t))
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := s.Send(ctx, testMessage("k"))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if IsPermanent(err) {
				t.Errorf("classified as permanent: %v", err)
			}
			if strings.Contains(err.Error(), "s3cr3t-pw") {
				t.Errorf("error reveals the password: %v", err)
			}
			if !strings.Contains(err.Error(), "ralo:xxxxx@") {
				t.Errorf("error %q does not name the server", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Send took %v despite the context deadline", d)
			}
		})
	}
}

// rawServer listens on 127.0.0.1 and runs handle on each connection, for
// misbehaviour a real SMTP server cannot be scripted into. Connections are
// closed when the test ends.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { handle(c) })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// A cancelled activity must not wait for the server's timeout: go-mail
// watches the context only while dialling.
func TestSendCancelledMidTransaction(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		if _, err := io.WriteString(c, "220 localhost ESMTP\r\n"); err != nil {
			return
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(strings.ToUpper(line), "EHLO") {
				if _, err := io.WriteString(c, "250 localhost\r\n"); err != nil {
					return
				}
			}
			// Anything after EHLO goes unanswered.
		}
	})
	s := newSender(t, "smtp://"+addr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := s.Send(ctx, testMessage("k"))
	if !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Errorf("error %v, want a transient context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Send returned after %v, want soon after the cancellation", d)
	}
}

func TestSendCancelledContext(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv.URL())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Send(ctx, testMessage("k"))
	if !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Errorf("error %v, want a transient context.Canceled", err)
	}
	if n := srv.Attempts(); n != 0 {
		t.Errorf("server saw %d transactions", n)
	}
}

func TestSendOverTLSWithAuth(t *testing.T) {
	tests := []struct {
		name string
		opts []smtptest.Option
		pre  string
	}{
		{"STARTTLS", []smtptest.Option{smtptest.WithSTARTTLS(), smtptest.WithAuth("ralo", "p@ss:w/rd")}, "smtp+starttls://"},
		{"implicit TLS", []smtptest.Option{smtptest.WithImplicitTLS(), smtptest.WithAuth("ralo", "p@ss:w/rd")}, "smtps://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts...)
			if !strings.HasPrefix(srv.URL(), tt.pre) {
				t.Fatalf("URL %q, want scheme %q", srv.URL(), tt.pre)
			}
			s := newSender(t, srv.URL())
			if strings.Contains(s.String(), "p@ss") || strings.Contains(s.String(), "w%2Frd") {
				t.Errorf("String() reveals the password: %s", s)
			}
			if err := s.Send(context.Background(), testMessage("tls")); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.WaitMessages(1, 5*time.Second); got[0].Subject != testMessage("").Subject {
				t.Errorf("subject %q", got[0].Subject)
			}
		})
	}
}

// One sender is shared by every delivery activity of a worker.
func TestSendConcurrently(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv.URL())
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() { errs <- s.Send(context.Background(), testMessage(fmt.Sprintf("k-%d", i))) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	seen := map[string]bool{}
	for _, r := range srv.Messages() {
		seen[r.MessageID] = true
	}
	if len(seen) != n {
		t.Errorf("received %d distinct messages, want %d", len(seen), n)
	}
}

func TestNewSMTPSender(t *testing.T) {
	tests := []struct {
		url      string
		wantErr  string
		host     string
		port     int
		security security
		insecure bool
		user     string
		str      string
	}{
		{url: "smtp://localhost:1025", host: "localhost", port: 1025, security: plain, str: "smtp://localhost:1025"},
		{url: "smtp://mail.example.org", host: "mail.example.org", port: 25, security: plain},
		{url: "smtp+starttls://u%40x:p%3Ass@mail.example.org", host: "mail.example.org", port: 587, security: startTLS,
			user: "u@x", str: "smtp+starttls://u%40x:xxxxx@mail.example.org"},
		{url: "SMTPS://mail.example.org/?insecure_skip_verify=true", host: "mail.example.org", port: 465, security: implicitTLS, insecure: true},
		{url: "smtps://[::1]:2465", host: "::1", port: 2465, security: implicitTLS},
		{url: "http://mail.example.org", wantErr: "scheme"},
		{url: "mail.example.org:25", wantErr: "scheme"},
		{url: "smtp://", wantErr: "missing host"},
		{url: "smtp://u:topsecret@mail.example.org:0", wantErr: "invalid port"},
		{url: "smtp://u:topsecret@mail.example.org:x", wantErr: "invalid"},
		{url: "smtp://u:topsecret@mail.example.org/path", wantErr: "only scheme"},
		{url: "smtp://u:topsecret@mail.example.org?tls=yes", wantErr: `unknown parameter "tls"`},
		{url: "smtp://u:topsecret@mail.example.org?insecure_skip_verify=maybe", wantErr: "true or false"},
		{url: "smtp://u:topsecret@mail example.org", wantErr: "invalid"},
		{url: "smtp://u:top%zzsecret@mail.example.org", wantErr: "percent-encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := NewSMTPSender(tt.url, testFrom)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "top") {
					t.Errorf("error reveals the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.host != tt.host || s.port != tt.port || s.security != tt.security || s.insecure != tt.insecure || s.user != tt.user {
				t.Errorf("got host %q port %d security %d insecure %v user %q", s.host, s.port, s.security, s.insecure, s.user)
			}
			if tt.str != "" && s.String() != tt.str {
				t.Errorf("String() = %q, want %q", s.String(), tt.str)
			}
		})
	}
	if _, err := NewSMTPSender("smtp://localhost", "not an address"); err == nil {
		t.Error("invalid sender address accepted")
	}
}

func TestMessageID(t *testing.T) {
	tests := []struct{ id, want string }{
		{"ethics/eth-1/filed/mem_2", "<ethics=2Feth-1=2Ffiled=2Fmem_2@ralo>"},
		{"a=2Fb", "<a=3D2Fb@ralo>"},
		{"a b<c>@d", "<a=20b=3Cc=3E=40d@ralo>"},
		{"ñ", "<=C3=B1@ralo>"},
	}
	for _, tt := range tests {
		if got := MessageID(tt.id); got != tt.want {
			t.Errorf("MessageID(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
	long := strings.Repeat("x/", 200)
	got := MessageID(long)
	if len(got) > maxIDLocal+len("<@ralo>") || got != MessageID(long) || got == MessageID(long+"x") {
		t.Errorf("long ID %q: want bounded, deterministic and distinct", got)
	}
}

func TestIsPermanent(t *testing.T) {
	perm := &PermanentError{Code: 550, Err: errors.New("550 no such user")}
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("dial tcp: connection refused"), false},
		{perm, true},
		{fmt.Errorf("deliver: %w", perm), true},
		{errors.Join(errors.New("other"), perm), true},
	}
	for _, tt := range tests {
		if got := IsPermanent(tt.err); got != tt.want {
			t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if perm.Error() != "550 no such user" || (&PermanentError{}).Error() == "" {
		t.Errorf("Error() = %q", perm.Error())
	}
}
