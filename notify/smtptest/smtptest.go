// Package smtptest runs a real SMTP server inside a test, so that email
// delivery is tested end to end (protocol, TLS, authentication, MIME)
// rather than against a mock. The server records what it accepts and can
// be told to reject the next commands with chosen replies, to exercise
// retries and permanent failures.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Stage is the SMTP command a scripted failure answers.
type Stage int

const (
	// AtMail rejects MAIL FROM.
	AtMail Stage = iota
	// AtRcpt rejects RCPT TO, where real servers refuse unknown mailboxes.
	AtRcpt
	// AtData rejects the message after its content was received, where
	// real servers apply content checks and report queueing problems.
	AtData
)

// Received is a message the server accepted.
type Received struct {
	From string
	To   []string
	// Raw is the message exactly as transmitted.
	Raw []byte
	// The fields below are decoded from Raw for convenient assertions;
	// ParseErr says why they are incomplete, if they are.
	Header      mail.Header
	Subject     string
	MessageID   string
	Text        string
	Attachments []Attachment
	ParseErr    error
}

// Attachment is a decoded attachment of a received message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Option changes how Start configures the server.
type Option func(*config)

type config struct {
	startTLS    bool
	implicitTLS bool
	user, pass  string
}

// WithSTARTTLS offers STARTTLS with a self-signed certificate; URL then
// uses smtp+starttls:// with insecure_skip_verify=true.
func WithSTARTTLS() Option { return func(c *config) { c.startTLS = true } }

// WithImplicitTLS makes the listener speak TLS from the first byte, with a
// self-signed certificate; URL then uses smtps:// with
// insecure_skip_verify=true.
func WithImplicitTLS() Option { return func(c *config) { c.implicitTLS = true } }

// WithAuth requires AUTH PLAIN with these credentials before MAIL FROM;
// URL then carries them.
func WithAuth(user, pass string) Option {
	return func(c *config) { c.user, c.pass = user, pass }
}

// Server is a running SMTP server. Its methods are safe for concurrent use.
type Server struct {
	t    testing.TB
	cfg  config
	addr string
	srv  *smtp.Server
	ln   net.Listener

	mu       sync.Mutex
	messages []Received
	attempts int
	failures []failure
	changed  chan struct{}
	closed   bool
}

type failure struct {
	stage Stage
	code  int
	msg   string
	left  int
}

// Start listens on 127.0.0.1 on a free port and serves until the test
// ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, changed: make(chan struct{})}
	for _, o := range opts {
		o(&s.cfg)
	}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.AllowInsecureAuth = true
	srv.ErrorLog = testLogger{s}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if s.cfg.startTLS || s.cfg.implicitTLS {
		tc, err := selfSigned()
		if err != nil {
			_ = ln.Close()
			t.Fatalf("smtptest: certificate: %v", err)
		}
		srv.TLSConfig = tc
		if s.cfg.implicitTLS {
			ln = tls.NewListener(ln, tc)
		}
	}
	s.addr = ln.Addr().String()
	s.srv, s.ln = srv, ln
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Serve returns once Close stops the listener; that error is
		// the expected way out.
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	return s
}

// Addr returns host:port.
func (s *Server) Addr() string { return s.addr }

// URL returns the URL notify.NewSMTPSender takes to reach this server.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr}
	switch {
	case s.cfg.implicitTLS:
		u.Scheme, u.RawQuery = "smtps", "insecure_skip_verify=true"
	case s.cfg.startTLS:
		u.Scheme, u.RawQuery = "smtp+starttls", "insecure_skip_verify=true"
	}
	if s.cfg.user != "" {
		u.User = url.UserPassword(s.cfg.user, s.cfg.pass)
	}
	return u.String()
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// Attempts returns how many transactions (MAIL FROM commands) clients
// started, accepted or not: with Messages it shows how often a sender
// retried.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// WaitMessages waits until at least n messages were accepted and returns
// them; it fails the test after timeout. Use it when delivery happens in
// the background, as with a Temporal worker.
func (s *Server) WaitMessages(n int, timeout time.Duration) []Received {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.messages), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline.C:
			s.t.Fatalf("smtptest: %d of %d messages after %v", got, n, timeout)
			return nil
		}
	}
}

// FailNext answers the next n RCPT TO commands with code and msg (for
// example 451 "try again later" or 550 "mailbox unavailable"), then
// accepts again.
func (s *Server) FailNext(code int, msg string, n int) {
	s.FailNextAt(AtRcpt, code, msg, n)
}

// FailNextAt answers the next n commands of the given stage with code and
// msg. A msg starting with an enhanced status code ("5.1.1 mailbox
// unavailable") is sent as such; otherwise the server derives one from
// code. Failures queue: a second call takes effect after the first is used
// up.
func (s *Server) FailNextAt(stage Stage, code int, msg string, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{stage: stage, code: code, msg: msg, left: n})
}

// Close stops the server; later connections are refused. It is called
// when the test ends, and may be called earlier to simulate an outage.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	// The server closes only the listeners Serve has registered; closing
	// ours too covers a Close that runs before Serve got that far. Errors
	// only say that something was already closed.
	_ = s.srv.Close()
	_ = s.ln.Close()
}

// scripted returns the reply to use for stage, if a failure is queued.
func (s *Server) scripted(stage Stage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.failures {
		f := s.failures[i]
		if f.stage != stage {
			continue
		}
		if s.failures[i].left--; s.failures[i].left <= 0 {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
		}
		enhanced, text := splitEnhanced(f.msg)
		return &smtp.SMTPError{Code: f.code, EnhancedCode: enhanced, Message: text}
	}
	return nil
}

// splitEnhanced separates an RFC 3463 status code ("4.7.1") from the text
// of a reply.
func splitEnhanced(msg string) (smtp.EnhancedCode, string) {
	code, text, ok := strings.Cut(msg, " ")
	parts := strings.Split(code, ".")
	if !ok || len(parts) != 3 {
		return smtp.EnhancedCodeNotSet, msg
	}
	var ec smtp.EnhancedCode
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 {
			return smtp.EnhancedCodeNotSet, msg
		}
		ec[i] = n
	}
	return ec, text
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) newSession(*smtp.Conn) (smtp.Session, error) {
	return &session{srv: s}, nil
}

type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.srv.cfg.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.srv.cfg.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.srv.cfg.user || pass != ss.srv.cfg.pass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.srv.mu.Lock()
	ss.srv.attempts++
	ss.srv.mu.Unlock()
	if ss.srv.cfg.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if err := ss.srv.scripted(AtMail); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.srv.scripted(AtRcpt); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.srv.scripted(AtData); err != nil {
		return err
	}
	rec := parse(raw)
	rec.From, rec.To = ss.from, append([]string(nil), ss.to...)
	ss.srv.record(rec)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// parse decodes the parts of a message tests assert on.
func parse(raw []byte) Received {
	rec := Received{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		rec.ParseErr = err
		return rec
	}
	rec.Header = msg.Header
	rec.MessageID = msg.Header.Get("Message-Id")
	var dec mime.WordDecoder
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		rec.Subject = subj
	} else {
		rec.ParseErr = err
	}
	if err := walk(&rec, msg.Header, msg.Body); err != nil && rec.ParseErr == nil {
		rec.ParseErr = err
	}
	return rec
}

// walk descends multipart bodies, keeping the first text/plain part as Text
// and every part with a filename as an attachment.
func walk(rec *Received, h map[string][]string, body io.Reader) error {
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	ct := get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(rec, p.Header, p); err != nil {
				return err
			}
		}
	}
	data, err := decode(get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	filename := params["name"]
	if _, dp, err := mime.ParseMediaType(get("Content-Disposition")); err == nil && dp["filename"] != "" {
		filename = dp["filename"]
	}
	switch {
	case filename != "":
		rec.Attachments = append(rec.Attachments, Attachment{Filename: filename, ContentType: ct, Data: data})
	case mt == "text/plain" && rec.Text == "":
		rec.Text = string(data)
	}
	return nil
}

func decode(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, r))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	default:
		return io.ReadAll(r)
	}
}

// selfSigned makes a throwaway certificate for 127.0.0.1 and localhost.
func selfSigned() (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "smtptest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// testLogger reports the server's internal errors through the test log,
// and stays silent once the server is closed, when logging to a finished
// test would panic.
type testLogger struct{ s *Server }

func (l testLogger) Printf(format string, v ...any) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if !l.s.closed {
		l.s.t.Logf("smtptest: "+format, v...)
	}
}

func (l testLogger) Println(v ...any) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if !l.s.closed {
		l.s.t.Log(append([]any{"smtptest:"}, v...)...)
	}
}
