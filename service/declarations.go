package service

import (
	"context"

	"github.com/lacralo/ralo/store"
)

// ListDeclarations is a member's declarations, newest first, superseded
// ones kept.
func (s *Service) ListDeclarations(ctx context.Context, a *Actor, memberID string) ([]store.Declaration, error) {
	if _, err := s.store.GetMember(ctx, memberID); err != nil {
		return nil, AsError(err)
	}
	return s.store.ListDeclarations(ctx, memberID)
}

// FileDeclaration files the actor's own conflict-of-interest declaration;
// it supersedes the current one. A committee member's declaration
// recomputes the recusals of open complaints.
func (s *Service) FileDeclaration(ctx context.Context, a *Actor, req store.DeclarationInput) (store.Declaration, error) {
	d, err := s.store.CreateDeclaration(ctx, store.Actor{MemberID: a.ID}, a.ID, req)
	if err != nil {
		return store.Declaration{}, AsError(err)
	}
	if a.Has(store.RoleEthicsCommittee) {
		s.RecomputeOpenComplaints(ctx)
	}
	return d, nil
}
