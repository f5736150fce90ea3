package notify

import (
	"errors"

	mail "github.com/wneessen/go-mail"
)

// PermanentError is a delivery failure that retrying cannot fix: the server
// gave its final answer on this message (a 5xx reply to MAIL, RCPT or
// DATA), or an address does not parse. The delivery activity turns it into
// a non-retryable error so the outbox marks the message failed at once
// instead of retrying it for days.
type PermanentError struct {
	// Code is the SMTP reply code, or 0 when the message itself was
	// invalid and never reached the server.
	Code int
	Err  error
}

// Error returns the underlying reason, which carries the server's reply
// (for example "550 5.1.1 mailbox unavailable").
func (e *PermanentError) Error() string {
	if e.Err == nil {
		return "permanent delivery failure"
	}
	return e.Err.Error()
}

// Unwrap exposes the underlying error (a *mail.SendError for replies) to
// errors.As.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err, or any error it wraps, is a
// PermanentError. Anything else, including a nil error, is worth retrying
// or needs no retry at all.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// classify wraps a go-mail delivery error in a PermanentError when retrying
// cannot help. Only replies to the message's own transaction count: a 5xx
// there is the server's final word on this message, whereas failures
// before it (greeting, TLS, authentication) concern our configuration or
// the server's health, and a retry after they are fixed succeeds.
func classify(err error) error {
	var se *mail.SendError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Reason {
	case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
		return &PermanentError{Err: err}
	case mail.ErrSMTPMailFrom, mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
		if code := se.ErrorCode(); code >= 500 && code <= 599 {
			return &PermanentError{Code: code, Err: err}
		}
	}
	return err
}
