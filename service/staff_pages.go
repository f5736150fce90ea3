package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// The staff pages: the roster import with its preview, the email outbox
// with a retry of a failed message, and the policy in force. Each
// operation checks the roles here, so the web shows what it gets.

// Refusal codes of the staff pages.
const (
	CodeAdminOnly     = "admin_only"     // the outbox holds other members' mail: admins only
	CodeRosterChanged = "roster_changed" // the roster confirmed is not the one previewed
	CodeNotFailed     = "not_failed"     // only a failed message is retried
)

// RosterMaxBytes bounds a roster upload.
const RosterMaxBytes = 2 << 20

// RosterPreview is what a roster would change, computed by the import
// itself in a transaction rolled back: nothing is written.
type RosterPreview struct {
	// Hash is the roster's SHA-256: the import goes ahead only for the
	// roster previewed.
	Hash    string
	Summary store.RosterSummary
	// Problems are the errors by line (line 0: the file as a whole).
	Problems []store.RosterProblem
}

// OK says the roster can be imported as it is.
func (p RosterPreview) OK() bool { return len(p.Problems) == 0 }

// RosterHash is the hash a preview shows and the import checks.
func RosterHash(csv []byte) string {
	sum := sha256.Sum256(csv)
	return hex.EncodeToString(sum[:])
}

// RosterAccess refuses anyone who may not import a roster (staff only).
func (s *Service) RosterAccess(a *Actor) error { return requireStaff(a) }

// PreviewRoster is what importing csv would do (countries and ALSes
// created, each member line new, an update with the fields it changes,
// or unchanged) and its problems by line, with nothing written (staff).
func (s *Service) PreviewRoster(ctx context.Context, a *Actor, csv []byte) (RosterPreview, error) {
	if err := requireStaff(a); err != nil {
		return RosterPreview{}, err
	}
	p := RosterPreview{Hash: RosterHash(csv)}
	sum, err := s.store.PreviewRosterChecked(ctx, registryActor(a), bytes.NewReader(csv), rosterCheck(a))
	p.Summary = sum
	problems, ok := rosterProblems(err)
	if err != nil && !ok {
		return p, err
	}
	p.Problems = problems
	return p, nil
}

// Field codes of the roster's lines the service refuses (the web's
// "field.<code>").
const (
	CodeRosterAdminRoles = "roster_admin_roles" // a privileged role granted or removed by non-admin staff
	CodeRosterOwnRoles   = "roster_own_roles"   // the importer's own roles or ALS
	CodeRosterFormat     = "roster_format"      // the file is not a roster (its header, its CSV)
)

// rosterCheck refuses the lines the importer may not write, by the rules
// of the member form (UpdateMember): granting or removing staff, admin,
// ethics_committee or arbitrator is an admin's act, and nobody changes
// their own roles or ALS.
func rosterCheck(a *Actor) store.RosterCheck {
	return func(row store.RosterRow, before, after store.Member) []store.RosterProblem {
		refuse := func(code, msg string) []store.RosterProblem {
			return []store.RosterProblem{{Line: row.Line, Field: "roles", Value: row.Fields["roles"], Code: code, Message: msg}}
		}
		if before.ID == "" {
			if touchesPrivileged(nil, after.Roles) && !a.Has(store.RoleAdmin) {
				return refuse(CodeRosterAdminRoles, "only an admin may grant the staff, admin, ethics_committee or arbitrator role")
			}
			return nil
		}
		sameALS := before.ALSID == nil && after.ALSID == nil || before.ALSID != nil && after.ALSID != nil && *before.ALSID == *after.ALSID
		if before.ID == a.ID && (!slices.Equal(before.Roles, after.Roles) || !sameALS) {
			return refuse(CodeRosterOwnRoles, "nobody may change their own roles or ALS; ask another staff member or an admin")
		}
		if touchesPrivileged(before.Roles, after.Roles) && !a.Has(store.RoleAdmin) {
			return refuse(CodeRosterAdminRoles, "only an admin may grant or remove the staff, admin, ethics_committee or arbitrator role")
		}
		return nil
	}
}

// rosterProblems are an import's refusals by line; ok is false for an
// error that is not about the roster.
func rosterProblems(err error) ([]store.RosterProblem, bool) {
	var rerr *store.RosterError
	switch {
	case err == nil:
		return nil, false
	case errors.As(err, &rerr):
		return rerr.Lines, true
	case errors.Is(err, store.ErrRosterFormat):
		return []store.RosterProblem{{Message: err.Error(), Code: CodeRosterFormat}}, true
	}
	return nil, false
}

// ConfirmRoster imports the roster previewed with hash, all or nothing,
// and welcomes each new member as `ralo admin import-roster` does. A
// roster that changed since its preview is refused; one that no longer
// imports (the registry changed) comes back as a preview with its
// problems.
func (s *Service) ConfirmRoster(ctx context.Context, a *Actor, csv []byte, hash string) (RosterPreview, error) {
	if err := requireStaff(a); err != nil {
		return RosterPreview{}, err
	}
	p := RosterPreview{Hash: RosterHash(csv)}
	if p.Hash != hash {
		return p, Conflict("the roster is not the one previewed").Coded(CodeRosterChanged)
	}
	sum, err := s.ImportRoster(ctx, a, bytes.NewReader(csv))
	p.Summary = sum
	if problems, ok := rosterProblems(err); ok {
		p.Problems = problems
		return p, nil
	}
	return p, err
}

// OutboxPageSize is how many messages one page of the outbox lists.
const OutboxPageSize = 50

// OutboxStatuses are the statuses the outbox page filters by; held and
// failed are the ones a person acts on, and shown by default.
var OutboxStatuses = []string{store.OutboxHeld, store.OutboxFailed, store.OutboxPending, store.OutboxSent}

// OutboxPage is one page of the outbox.
type OutboxPage struct {
	Messages []store.OutboxMessage
	Status   string
	Page     int
	More     bool
}

// requireAdmin refuses anyone but an admin, saying why.
func requireAdmin(a *Actor) error {
	if !a.Has(store.RoleAdmin) {
		return Forbidden("the outbox holds other members' mail: admins only").Coded(CodeAdminOnly)
	}
	return nil
}

// Outbox is a page of the outbox by status (empty: held and failed) under
// the API's rules (ListNotifications): admins only, an admin who is a
// party to a case sees only their own mail of it, and no one else reads a
// secret body.
func (s *Service) Outbox(ctx context.Context, a *Actor, status string, page int) (OutboxPage, error) {
	if err := requireAdmin(a); err != nil {
		return OutboxPage{}, err
	}
	page = max(1, page)
	f := store.OutboxFilter{Limit: OutboxPageSize + 1, Offset: (page - 1) * OutboxPageSize}
	switch {
	case status == "":
		f.Statuses = []string{store.OutboxHeld, store.OutboxFailed}
	case slices.Contains(OutboxStatuses, status):
		f.Status = status
	default:
		return OutboxPage{}, InvalidCoded(map[string]string{"status": "must be one of held, failed, pending, sent"},
			map[string]string{"status": "outbox_status"})
	}
	ms, err := s.ListNotifications(ctx, a, f)
	if err != nil {
		return OutboxPage{}, err
	}
	out := OutboxPage{Status: status, Page: page, More: len(ms) > OutboxPageSize}
	if out.More {
		ms = ms[:OutboxPageSize]
	}
	out.Messages = ms
	return out, nil
}

// RetryEmail puts a failed message back to delivery (admins; its attempts
// kept, the retry audited) and starts its delivery as Notify does. A
// message the admin may not see (their own case's mail to others) is
// unknown to them.
func (s *Service) RetryEmail(ctx context.Context, a *Actor, id string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	visible, err := s.store.ListOutbox(ctx, store.OutboxFilter{PartyOf: a.ID, IDs: []string{id}, Limit: 1})
	if err != nil {
		return err
	}
	if len(visible) == 0 {
		return NotFound()
	}
	m, err := s.store.RetryOutbox(ctx, registryActor(a), id)
	if errors.Is(err, store.ErrConflict) {
		return Conflict("only a failed message is retried").Coded(CodeNotFailed)
	}
	if err != nil {
		return err
	}
	in := workflows.RedeliverInput{OutboxID: m.ID, Attempt: m.Attempts}
	_, err = s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.RedeliverWorkflowID(in),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.RedeliverWorkflowName, in)
	return err
}

// PolicyInForce is the policy the installation runs (staff), the same as
// GET /api/v1/policy.
func (s *Service) PolicyInForce(a *Actor) (*policy.Policy, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	return s.policy, nil
}
