package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Attachment is a file sent with a message, such as an iCalendar
// invitation to a hearing.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Message is one email ready for delivery.
type Message struct {
	// ID is the outbox idempotency key. It becomes the Message-ID header
	// (see MessageID), so that if a message were ever delivered twice the
	// copies would be recognisable as one by mail clients and by operators
	// reading server logs. Without an ID the message gets a random one.
	ID      string
	From    string
	To      string
	Subject string
	// Body is plain text; it is sent as UTF-8.
	Body        string
	Attachments []Attachment
}

// Sender delivers email. The delivery activity depends on this interface
// rather than on SMTP so that tests and the outbox-only mode need no
// server. IsPermanent tells a failure that retrying cannot fix from one
// that a later attempt may get through.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTPSender delivers messages to an SMTP server, one connection per
// message: notifications are few and spread over time, and a fresh
// connection per attempt keeps a retried activity independent of any state
// a previous attempt left behind.
type SMTPSender struct {
	host     string
	port     int
	security security
	user     string
	password string
	insecure bool
	from     string
	timeout  time.Duration
	redacted string
}

// security is how the connection to the server is protected.
type security int

const (
	// plain never upgrades the connection: for a relay on localhost or a
	// development catcher, where STARTTLS would only get in the way.
	plain security = iota
	// startTLS refuses to send unless the server upgrades the connection.
	startTLS
	// implicitTLS speaks TLS from the first byte (port 465).
	implicitTLS
)

// defaultTimeout bounds each network step of a delivery when the context
// has no earlier deadline, so a stalled server cannot hold a worker slot.
const defaultTimeout = 30 * time.Second

// messageIDDomain is the right-hand side of every Message-ID; it names the
// application because the local part alone is already unique per
// recipient and step.
const messageIDDomain = "ralo"

// NewSMTPSender configures delivery from a URL:
//
//	smtp://[user:pass@]host[:port]           plain, no TLS (default port 25)
//	smtp+starttls://[user:pass@]host[:port]  STARTTLS required (default port 587)
//	smtps://[user:pass@]host[:port]          implicit TLS (default port 465)
//
// The query parameter insecure_skip_verify=true accepts any server
// certificate, for test servers only. With credentials the strongest
// mechanism the server offers is chosen; on a plain connection only those
// that never reveal the password (CRAM-MD5, SCRAM) are used. from is the
// default sender of every message. The password never appears in errors or
// in String.
func NewSMTPSender(rawURL, from string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the raw URL, password included, and an
		// EscapeError quotes part of it; keep only a reason that cannot
		// carry the password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var esc url.EscapeError
		if errors.As(err, &esc) {
			err = errors.New("invalid percent-encoding")
		}
		return nil, fmt.Errorf("notify: invalid SMTP URL: %v", err)
	}
	s := &SMTPSender{timeout: defaultTimeout, redacted: u.Redacted()}
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		s.security, s.port = plain, mail.DefaultPort
	case "smtp+starttls":
		s.security, s.port = startTLS, mail.DefaultPortTLS
	case "smtps":
		s.security, s.port = implicitTLS, mail.DefaultPortSSL
	default:
		return nil, fmt.Errorf("notify: SMTP URL %s: scheme must be smtp, smtp+starttls or smtps", s)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, fmt.Errorf("notify: SMTP URL %s: only scheme, credentials, host, port and query are allowed", s)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, fmt.Errorf("notify: SMTP URL %s: missing host", s)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("notify: SMTP URL %s: invalid port %q", s, p)
		}
		s.port = n
	}
	for key, values := range u.Query() {
		switch key {
		case "insecure_skip_verify":
			v, err := strconv.ParseBool(values[len(values)-1])
			if err != nil {
				return nil, fmt.Errorf("notify: SMTP URL %s: insecure_skip_verify must be true or false", s)
			}
			s.insecure = v
		default:
			return nil, fmt.Errorf("notify: SMTP URL %s: unknown parameter %q", s, key)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("notify: invalid sender address %q: %v", from, err)
	}
	s.from = from
	return s, nil
}

// String returns the server URL with the password masked, for logs and
// configuration dumps.
func (s *SMTPSender) String() string { return s.redacted }

// Send delivers m. A message the server accepted is reported as sent even
// if closing the connection fails afterwards, because reporting it as
// failed would make the outbox send it again. Errors wrap a PermanentError
// when the server rejected the message itself or an address is invalid;
// every other failure (refused connection, timeout, TLS, 4xx replies) is
// transient.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return s.wrap(m, err)
	}
	timeout := s.timeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(deadline))
	}
	if err := ctx.Err(); err != nil {
		return s.wrap(m, err)
	}
	if timeout <= 0 {
		return s.wrap(m, context.DeadlineExceeded)
	}
	// go-mail watches the context only while dialling. Holding the TCP
	// connection lets a cancelled activity stop waiting on a slow server
	// at any step: closing it from another goroutine is safe, whereas
	// go-mail's own Close waits for the command in flight.
	raw := &closer{}
	defer raw.close()
	stop := context.AfterFunc(ctx, raw.close)
	defer stop()
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		raw.set(c)
		if s.security != implicitTLS {
			return c, nil
		}
		tc := tls.Client(c, s.tlsConfig())
		if err := tc.HandshakeContext(dctx); err != nil {
			return nil, err
		}
		return tc, nil
	}
	client, err := s.client(timeout, dial)
	if err != nil {
		return s.wrap(m, err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		// Greeting, EHLO, STARTTLS and AUTH failures are about our
		// connection, not this message: a fixed configuration or a
		// recovered server lets a retry through.
		return s.wrap(m, fmt.Errorf("connect: %w", errors.Join(ctx.Err(), err)))
	}
	sendErr := client.SendWithSMTPClient(conn, msg)
	// QUIT's outcome is ignored: the server's verdict on the message came
	// before it, and the deferred close releases the connection anyway.
	_ = client.CloseWithSMTPClient(conn)
	if msg.IsDelivered() || sendErr == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return s.wrap(m, errors.Join(ctxErr, sendErr))
	}
	return s.wrap(m, classify(sendErr))
}

// closer closes a connection once, from whichever goroutine asks first,
// including before the connection exists (it is then closed on arrival).
type closer struct {
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

func (c *closer) set(conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conn = conn
	if c.closed {
		_ = conn.Close()
	}
}

// close releases the connection; an error only means QUIT already did.
func (c *closer) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.conn != nil {
		_ = c.conn.Close()
	}
}

func (s *SMTPSender) wrap(m Message, err error) error {
	return fmt.Errorf("notify: deliver %q to %s via %s: %w", m.ID, m.To, s, err)
}

// compose builds the MIME message. Its errors are permanent: an address
// that does not parse will not parse on the next attempt either.
func (s *SMTPSender) compose(m Message) (*mail.Msg, error) {
	msg := mail.NewMsg()
	from := m.From
	if from == "" {
		from = s.from
	}
	if err := msg.From(from); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("invalid sender address: %w", err)}
	}
	if err := msg.To(m.To); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("invalid recipient address: %w", err)}
	}
	// A line break in the subject would start a new header.
	msg.Subject(strings.NewReplacer("\r", " ", "\n", " ").Replace(m.Subject))
	if m.ID != "" {
		msg.SetMessageIDWithValue(strings.Trim(MessageID(m.ID), "<>"))
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	msg.SetUserAgent("ralo")
	// RFC 3834: out-of-office robots must not answer notifications.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(mail.TypeTextPlain, m.Body)
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := a.Filename
		if name == "" {
			name = "attachment.bin"
		}
		msg.AttachReadSeeker(name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(ct)))
	}
	return msg, nil
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         s.host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: s.insecure,
	}
}

// encryptedAuth lists, strongest first, the mechanisms go-mail would pick
// on a connection it knows to be encrypted. With our own dialer it cannot
// tell that an implicit TLS connection is, so we name them for it.
var encryptedAuth = []mail.SMTPAuthType{
	mail.SMTPAuthSCRAMSHA256PLUS, mail.SMTPAuthSCRAMSHA256, mail.SMTPAuthSCRAMSHA1PLUS, mail.SMTPAuthSCRAMSHA1,
	mail.SMTPAuthCramMD5, mail.SMTPAuthPlain, mail.SMTPAuthLogin,
}

func (s *SMTPSender) client(timeout time.Duration, dial mail.DialContextFunc) (*mail.Client, error) {
	opts := []mail.Option{
		mail.WithPort(s.port),
		mail.WithTimeout(timeout),
		mail.WithDialContextFunc(dial),
		mail.WithTLSConfig(s.tlsConfig()),
	}
	switch s.security {
	case plain:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case startTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case implicitTLS:
		// The dialer already speaks TLS; this keeps go-mail from trying
		// STARTTLS on top.
		opts = append(opts, mail.WithSSL())
	}
	if s.user != "" {
		auth := mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover)
		if s.security == implicitTLS {
			auth = mail.WithOpportunisticSMTPAuth(encryptedAuth...)
		}
		opts = append(opts, auth, mail.WithUsername(s.user), mail.WithPassword(s.password))
	}
	c, err := mail.NewClient(s.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("configure client: %w", err)
	}
	return c, nil
}

// maxIDLocal keeps Message-IDs well inside the 998-octet line limit even
// for unusually long idempotency keys.
const maxIDLocal = 128

// MessageID returns the Message-ID header value (with angle brackets) that
// Send sets for an idempotency key. The mapping is deterministic, so the
// same outbox message always carries the same Message-ID, and injective, so
// two keys never share one: letters, digits, '-' and '_' are kept and every
// other byte is written as =XX. A key longer than the limit keeps a
// readable prefix and a hash of the whole key.
func MessageID(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	local := b.String()
	if len(local) > maxIDLocal {
		sum := sha256.Sum256([]byte(id))
		local = local[:maxIDLocal-33] + "." + hex.EncodeToString(sum[:16])
	}
	return "<" + local + "@" + messageIDDomain + ">"
}
