// Package service holds the operations ralo's transports call: one method
// per user action (file a complaint, cast a ballot, open a statement …).
// Each takes the actor and a request struct, authorizes the actor for the
// object, validates the request, reads the store, builds the process's
// input, keeps the cases index, starts, updates or queries the process,
// and returns the result or a typed *Error with field messages.
//
// The JSON API (package api) and the web interface (package web) are thin
// layers over it: bind → call the service → respond. It depends on the
// store, the policy, the Temporal client and the process contracts under
// workflows; it knows nothing of HTTP.
package service

import (
	"context"
	"log/slog"
	"slices"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// Service is the operations over one store, Temporal client and policy.
type Service struct {
	store    *store.Store
	temporal client.Client
	policy   *policy.Policy
	log      *slog.Logger
	// rechecks coalesces the eligibility rechecks sent to each election.
	rechecks coalescer
	// recomputes coalesces the recusal recomputations sent to each case.
	recomputes coalescer
	// results holds certified cycles' public results for a few seconds.
	results resultsCache
}

// Config holds the service's dependencies.
type Config struct {
	Store    *store.Store
	Temporal client.Client
	Policy   *policy.Policy
	Logger   *slog.Logger
}

// New returns the service.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, temporal: cfg.Temporal, policy: cfg.Policy, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Store is the registry and read model the service works on (read-only
// uses by transports: listings, the audit log).
func (s *Service) Store() *store.Store { return s.store }

// Policy is the policy in force.
func (s *Service) Policy() *policy.Policy { return s.policy }

// Actor is who calls an operation: the authenticated member, with roles.
type Actor struct {
	store.Member
}

// Has reports whether the actor holds any of the roles.
func (a *Actor) Has(roles ...string) bool {
	if a == nil {
		return false
	}
	for _, r := range roles {
		if a.Roles.Has(r) {
			return true
		}
	}
	return false
}

// IsStaff is true for staff and admins, who see every object.
func (a *Actor) IsStaff() bool { return a.Has(store.RoleStaff, store.RoleAdmin) }

// partyRoles are the roles a party keeps in their own case: none that
// gives power over a case (staff, admin, ethics_committee, arbitrator).
var partyRoles = []string{store.RoleMember, store.RoleALSRep, store.RoleElder}

// AsParty is the actor as their own case sees them when isParty: a party
// acts in it only as a party, whatever their roles (SPEC "Integrity
// rules that hold everywhere"), so they keep only the roles that give no
// power over a case. Every read and write of a case the actor may be a
// party to goes through it.
func (a *Actor) AsParty(isParty bool) *Actor {
	if a == nil || !isParty {
		return a
	}
	p := *a
	p.Roles = store.StringList{}
	for _, r := range a.Roles {
		if slices.Contains(partyRoles, r) {
			p.Roles = append(p.Roles, r)
		}
	}
	return &p
}

// listCases lists a process's cases as the actor may see them: staff see
// every case but, of those they are a party to, only those a party
// reads; anyone else the cases that name them.
func (s *Service) listCases(ctx context.Context, a *Actor, process string, limit int) ([]store.Case, error) {
	if a.IsStaff() {
		return s.store.ListCasesFor(ctx, process, "", a.ID, limit)
	}
	return s.store.ListCases(ctx, process, a.ID, limit)
}

// Workflow is the actor as a process's validators see it.
func (a *Actor) Workflow() workflows.Actor {
	return workflows.Actor{MemberID: a.ID, Roles: slices.Clone([]string(a.Roles))}
}

// System is the service acting on its own, with staff rights, when the
// registry changes under running processes.
var System = workflows.Actor{MemberID: "system", Roles: []string{store.RoleStaff}}

// staffIDs lists the members with the staff role, whom processes notify.
//
// parties are left out: a case never writes to a party as staff (a
// respondent who is staff learns of a complaint when any respondent
// would, and reads its emails as a party).
func (s *Service) staffIDs(ctx context.Context, parties ...string) ([]string, error) {
	ms, err := s.store.ListMembers(ctx, store.MemberFilter{Role: store.RoleStaff, Limit: 1000})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		if !slices.Contains(parties, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids, nil
}
