package service

import (
	"context"
	"errors"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// Sign-in by one-time email link, and the browser sessions it opens.
const (
	// SignInLinkTTL is how long an emailed sign-in link stays valid.
	SignInLinkTTL = 15 * time.Minute
	// SessionIdle is how long a session lives without use.
	SessionIdle = 30 * 24 * time.Hour
	// signInEvent is the email template of the sign-in link.
	signInEvent = "sign_in_link"
)

// Errors of a sign-in link that cannot be used; a transport tells them
// apart with errors.Is, never by their text.
var (
	ErrSignInLinkUsed    = &Error{Kind: KindConflict, Detail: "this sign-in link was already used"}
	ErrSignInLinkExpired = &Error{Kind: KindConflict, Detail: "this sign-in link has expired"}
	ErrSignInLinkUnknown = &Error{Kind: KindNotFound, Detail: "no such sign-in link"}
)

// SignInRequest asks for a sign-in link; LinkBase is the public address
// the link is built on (the web's --public-url).
type SignInRequest struct {
	Email    string
	LinkBase string
}

// RequestSignIn emails a one-time sign-in link to the member with that
// address, through the outbox like every other email. It answers the same
// whether or not the address is registered, so nobody learns who is.
func (s *Service) RequestSignIn(ctx context.Context, req SignInRequest) error {
	email := strings.TrimSpace(req.Email)
	if email == "" || !strings.Contains(email, "@") {
		return InvalidCoded(map[string]string{"email": "must be an email address"}, map[string]string{"email": store.FieldEmail})
	}
	m, err := s.store.MemberByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	l, secret, err := s.store.CreateLoginLink(ctx, m.ID, SignInLinkTTL)
	if err != nil {
		return err
	}
	in := workflows.NotifyInput{Process: "registry", ObjectID: m.ID, Step: "sign_in/" + l.ID, Event: signInEvent,
		MemberIDs: []string{m.ID}, Data: map[string]any{
			"link": strings.TrimRight(req.LinkBase, "/") + "/login/" + secret, "minutes": int(SignInLinkTTL / time.Minute)}}
	_, err = s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.NotifyWorkflowID(in),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.NotifyWorkflowName, in)
	return err
}

// AdminSignInLink makes a sign-in link for the first admin, which `ralo
// dev` prints at start so a newcomer can open the web interface.
func (s *Service) AdminSignInLink(ctx context.Context, linkBase string) (string, error) {
	m, err := s.store.FirstAdmin(ctx)
	if err != nil {
		return "", err
	}
	_, secret, err := s.store.CreateLoginLink(ctx, m.ID, SignInLinkTTL)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(linkBase, "/") + "/login/" + secret, nil
}

// SignedIn is a session just opened: its cookie secret, shown once.
type SignedIn struct {
	Secret  string
	Session store.Session
	Member  store.Member
}

// SignIn uses a sign-in link (once) and opens a session.
func (s *Service) SignIn(ctx context.Context, link, userAgent string) (SignedIn, error) {
	m, err := s.store.UseLoginLink(ctx, link)
	switch {
	case errors.Is(err, store.ErrLinkUsed):
		return SignedIn{}, ErrSignInLinkUsed
	case errors.Is(err, store.ErrLinkExpired):
		return SignedIn{}, ErrSignInLinkExpired
	case errors.Is(err, store.ErrNotFound):
		return SignedIn{}, ErrSignInLinkUnknown
	case err != nil:
		return SignedIn{}, err
	}
	ss, secret, err := s.store.CreateSession(ctx, m.ID, userAgent, SessionIdle)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Secret: secret, Session: ss, Member: m}, nil
}

// SessionActor is the member behind a session cookie, and the session;
// nil when the cookie opens no session.
func (s *Service) SessionActor(ctx context.Context, secret string) (*Actor, store.Session, error) {
	if secret == "" {
		return nil, store.Session{}, nil
	}
	m, ss, err := s.store.SessionMember(ctx, secret, SessionIdle)
	if errors.Is(err, store.ErrBadToken) {
		return nil, store.Session{}, nil
	}
	if err != nil {
		return nil, store.Session{}, err
	}
	return &Actor{Member: m}, ss, nil
}

// ListSessions lists the actor's open sessions.
func (s *Service) ListSessions(ctx context.Context, a *Actor) ([]store.Session, error) {
	return s.store.ListSessions(ctx, a.ID)
}

// SignOut closes one of the actor's sessions.
func (s *Service) SignOut(ctx context.Context, a *Actor, sessionID string) error {
	return s.store.RevokeSession(ctx, a.ID, sessionID)
}

// SignOutEverywhere closes every session of the actor.
func (s *Service) SignOutEverywhere(ctx context.Context, a *Actor) error {
	return s.store.RevokeSessions(ctx, a.ID)
}

// ProfileRequest is what a member may change on their own record.
type ProfileRequest struct {
	Name         string
	Language     string
	TimeZone     string
	Skills       []string
	SkillsPublic bool
	// DigestOptOut unsubscribes from the monthly digest email, as the
	// API's PATCH /members/{id} digest_opt_out does.
	DigestOptOut bool
}

// Languages are the languages ralo speaks, the default first.
var Languages = []string{"es", "en", "pt", "fr"}

// UpdateProfile changes the actor's name, language, time zone and skills.
func (s *Service) UpdateProfile(ctx context.Context, a *Actor, req ProfileRequest) (store.Member, error) {
	fields, codes := map[string]string{}, map[string]string{}
	if req.TimeZone != "" {
		if _, err := time.LoadLocation(req.TimeZone); err != nil || !strings.Contains(req.TimeZone, "/") && req.TimeZone != "UTC" {
			fields["time_zone"], codes["time_zone"] = "must be a time zone such as America/Bogota", "time_zone"
		}
	}
	known := false
	for _, l := range Languages {
		known = known || l == req.Language
	}
	if !known {
		fields["language"], codes["language"] = "must be one of es, en, pt, fr", "language"
	}
	if strings.TrimSpace(req.Name) == "" {
		fields["name"], codes["name"] = "is required", "required"
	}
	if len(fields) > 0 {
		return store.Member{}, InvalidCoded(fields, codes)
	}
	skills := []string{}
	for _, sk := range req.Skills {
		if sk = strings.TrimSpace(sk); sk != "" {
			skills = append(skills, sk)
		}
	}
	name := req.Name
	m, err := s.store.UpdateMember(ctx, store.Actor{MemberID: a.ID}, a.ID, store.MemberInput{
		Name: &name, Language: &req.Language, Skills: &skills, SkillsPublic: &req.SkillsPublic, DigestOptOut: &req.DigestOptOut})
	if err != nil {
		return store.Member{}, AsError(err)
	}
	if err := s.store.SetTimeZone(ctx, a.ID, req.TimeZone); err != nil {
		return store.Member{}, err
	}
	m.TimeZone = req.TimeZone
	return m, nil
}

// MyNotifications lists the actor's emails in the outbox.
func (s *Service) MyNotifications(ctx context.Context, a *Actor, limit int) ([]store.OutboxMessage, error) {
	return s.store.ListOutbox(ctx, store.OutboxFilter{MemberID: a.ID, Limit: limit})
}

// secretEvents are emails whose body holds a secret meant for the
// recipient alone (a one-time sign-in link): no one else reads the body,
// admins included.
var secretEvents = map[string]bool{signInEvent: true}

// ListNotifications is the outbox as the actor may read it: an admin sees
// every message (the bodies of secret ones only when addressed to them),
// anyone else their own.
func (s *Service) ListNotifications(ctx context.Context, a *Actor, f store.OutboxFilter) ([]store.OutboxMessage, error) {
	if !a.Has(store.RoleAdmin) {
		f.MemberID = a.ID
	} else {
		f.PartyOf = a.ID // an admin reads their own case's emails as a party
	}
	out, err := s.store.ListOutbox(ctx, f)
	if err != nil {
		return nil, err
	}
	for i, m := range out {
		if secretEvents[m.Event] && (m.MemberID == nil || *m.MemberID != a.ID) {
			out[i].Body = ""
		}
	}
	return out, nil
}
