package smtptest

import (
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

const multipartMessage = "From: ralo <noreply@example.org>\r\n" +
	"To: ana@example.org\r\n" +
	"Subject: =?UTF-8?q?Audiencia_convocada_=E2=80=94_caso_42?=\r\n" +
	"Message-ID: <k-1@ralo>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Hola, Ana: el =C3=A1rbitro convoc=C3=B3 una audiencia.\r\n" +
	"--outer\r\n" +
	"Content-Type: text/calendar; method=REQUEST; name=\"invite.ics\"\r\n" +
	"Content-Disposition: attachment; filename=\"invite.ics\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"QkVHSU46VkNBTEVOREFSDQpFTkQ6\r\n" +
	"VkNBTEVOREFSDQo=\r\n" +
	"--outer--\r\n"

func send(srv *Server, body string) error {
	return smtp.SendMail(srv.Addr(), nil, "noreply@example.org", []string{"ana@example.org"}, []byte(body))
}

func TestRecordsAndDecodes(t *testing.T) {
	srv := Start(t)
	if err := send(srv, multipartMessage); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	r := got[0]
	if r.ParseErr != nil {
		t.Fatal(r.ParseErr)
	}
	checks := []struct{ name, got, want string }{
		{"from", r.From, "noreply@example.org"},
		{"to", strings.Join(r.To, ","), "ana@example.org"},
		{"subject", r.Subject, "Audiencia convocada — caso 42"},
		{"message-id", r.MessageID, "<k-1@ralo>"},
		{"text", r.Text, "Hola, Ana: el árbitro convocó una audiencia."},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(r.Attachments) != 1 {
		t.Fatalf("%d attachments", len(r.Attachments))
	}
	a := r.Attachments[0]
	if a.Filename != "invite.ics" || !strings.HasPrefix(a.ContentType, "text/calendar") ||
		string(a.Data) != "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" {
		t.Errorf("attachment %+v", a)
	}
	if !strings.Contains(string(r.Raw), "boundary=outer") {
		t.Errorf("Raw is not the message as sent")
	}
}

func TestFailNextQueues(t *testing.T) {
	srv := Start(t)
	srv.FailNext(451, "4.7.1 greylisted", 2)
	srv.FailNextAt(AtData, 554, "rejected", 1)
	for i, want := range []struct {
		code int
		msg  string
	}{{451, "4.7.1 greylisted"}, {451, "4.7.1 greylisted"}, {554, "5.0.0 rejected"}, {}} {
		err := send(srv, "Subject: x\r\n\r\nbody\r\n")
		var te *textproto.Error
		switch {
		case want.code == 0 && err != nil:
			t.Errorf("attempt %d: %v, want success", i+1, err)
		case want.code != 0 && (!errors.As(err, &te) || te.Code != want.code || te.Msg != want.msg):
			t.Errorf("attempt %d: %v, want %d %s", i+1, err, want.code, want.msg)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages accepted, want 1", n)
	}
	if n := srv.Attempts(); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
}

func TestWaitMessages(t *testing.T) {
	srv := Start(t)
	errs := make(chan error, 1)
	time.AfterFunc(50*time.Millisecond, func() { errs <- send(srv, "Subject: late\r\n\r\nbody\r\n") })
	got := srv.WaitMessages(1, 5*time.Second)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Subject != "late" {
		t.Errorf("WaitMessages returned %+v", got)
	}
}

func TestURL(t *testing.T) {
	tests := []struct {
		opts []Option
		want string
	}{
		{nil, "smtp://"},
		{[]Option{WithSTARTTLS()}, "smtp+starttls://"},
		{[]Option{WithImplicitTLS(), WithAuth("u", "p/w")}, "smtps://u:p%2Fw@"},
	}
	for _, tt := range tests {
		srv := Start(t, tt.opts...)
		u := srv.URL()
		if !strings.HasPrefix(u, tt.want+srv.Addr()) {
			t.Errorf("URL() = %q, want prefix %q", u, tt.want+srv.Addr())
		}
		if tls := strings.HasSuffix(u, "?insecure_skip_verify=true"); tls != (len(tt.opts) > 0) {
			t.Errorf("URL() = %q: insecure_skip_verify only with TLS", u)
		}
	}
}

func TestCloseRefusesConnections(t *testing.T) {
	srv := Start(t)
	srv.Close()
	srv.Close()
	if err := send(srv, "Subject: x\r\n\r\nbody\r\n"); err == nil {
		t.Error("delivery succeeded after Close")
	}
}
