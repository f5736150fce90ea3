// Package activities holds the side effects of ralo's workflows: database
// writes, the email outbox and delivery, the audit log. Each method is a
// Temporal activity, idempotent so that retries are harmless.
package activities

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// Activities holds the dependencies of every activity; the worker registers
// one value of it.
type Activities struct {
	Store *store.Store
	// Sender delivers email; nil keeps every message in the outbox.
	Sender notify.Sender
	// From is the sender address of every email.
	From string
	// BaseURL is the public address of the API (--base-url), for the API
	// addresses emails give (a report's CSV); empty: PublicURL.
	BaseURL string
	// PublicURL is the address of the web interface (--public-url, else
	// the listen address): every email links to the page it is about under
	// it (links.go).
	PublicURL string
	// Policy holds the rules the elections' eligibility rechecks apply.
	Policy *policy.Policy
	// Temporal starts the processes one process opens in another (the
	// arbitration of an ethics appeal).
	Temporal client.Client
	// Informer computes the monthly digests and the quarterly report (the
	// service); nil fails those activities.
	Informer Informer
}

// EnqueueNotifications renders the event for each member in their language
// and writes one outbox message per member, keyed by process, object, step
// and recipient.
func (a *Activities) EnqueueNotifications(ctx context.Context, in workflows.NotifyInput) (workflows.EnqueueResult, error) {
	members, err := a.Store.MembersByID(ctx, in.MemberIDs)
	if err != nil {
		return workflows.EnqueueResult{}, err
	}
	ids := append([]string(nil), in.MemberIDs...)
	if in.Audience != "" {
		group, err := a.audience(ctx, in.Audience)
		if err != nil {
			return workflows.EnqueueResult{}, err
		}
		for _, m := range group {
			members[m.ID] = m
			ids = append(ids, m.ID)
		}
	}
	sort.Strings(ids)
	names, err := a.names(ctx, in.Names)
	if err != nil {
		return workflows.EnqueueResult{}, err
	}
	status := store.OutboxHeld
	if a.Sender != nil {
		status = store.OutboxPending
	}
	link, extra := a.pageLink(in), a.extraLinks(in)
	var res workflows.EnqueueResult
	seen := map[string]bool{}
	for _, id := range ids {
		m, ok := members[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		data := map[string]any{}
		for k, v := range in.Data {
			data[k] = v
		}
		for k, v := range names {
			data[k] = v
		}
		data["name"] = m.Name
		if _, ok := data["link"]; !ok {
			data["link"] = link
		}
		for k, v := range extra {
			if _, ok := data[k]; !ok {
				data[k] = v
			}
		}
		r, err := notify.Render(m.Language, in.Event, data)
		if err != nil {
			return res, temporal.NewNonRetryableApplicationError(err.Error(), "TemplateError", err)
		}
		var att []store.Attachment
		for _, x := range in.Attachments {
			att = append(att, store.Attachment{Filename: x.Filename, ContentType: x.ContentType, Data: x.Data})
		}
		msg, err := a.Store.Enqueue(ctx, store.EnqueueInput{
			IdemKey: in.Process + "/" + in.ObjectID + "/" + in.Step + "/" + m.ID,
			Process: in.Process, Step: in.Step, MemberID: m.ID, ToEmail: m.Email, Language: m.Language,
			Event: in.Event, Subject: r.Subject, Body: r.Body, Attachments: att, Status: status,
		})
		if err != nil {
			return res, err
		}
		res.Emails = append(res.Emails, workflows.QueuedEmail{OutboxID: msg.ID, Deliver: msg.Status == store.OutboxPending})
	}
	return res, nil
}

// names resolves a notification's Names: each key's members by name, in
// the order given, an unknown ID kept as it is.
func (a *Activities) names(ctx context.Context, keys map[string][]string) (map[string]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var all []string
	for _, ids := range keys {
		all = append(all, ids...)
	}
	found, err := a.Store.MembersByID(ctx, all)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, ids := range keys {
		named := make([]string, 0, len(ids))
		for _, id := range ids {
			if m, ok := found[id]; ok && m.Name != "" {
				named = append(named, m.Name)
			} else {
				named = append(named, id)
			}
		}
		out[k] = strings.Join(named, ", ")
	}
	return out, nil
}

// audience lists the members of a notification's audience.
func (a *Activities) audience(ctx context.Context, name string) ([]store.Member, error) {
	f := store.MemberFilter{Limit: 1000}
	if position, ok := strings.CutPrefix(name, workflows.AudiencePositionPrefix); ok {
		return a.holdersOf(ctx, position)
	}
	switch name {
	case workflows.AudienceAllMembers:
	case workflows.AudienceStaff:
		f.Role = store.RoleStaff
	default:
		return nil, temporal.NewNonRetryableApplicationError("unknown audience "+name, "InvalidAudience", nil)
	}
	var out []store.Member
	for {
		page, err := a.Store.ListMembers(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out, nil
		}
		f.Offset += len(page)
	}
}

// holdersOf lists the current holders of a position (the ALAC chair).
func (a *Activities) holdersOf(ctx context.Context, position string) ([]store.Member, error) {
	ps, err := a.Store.ListPositions(ctx, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range ps {
		if p.Position == position && p.HolderID != nil {
			ids = append(ids, *p.HolderID)
		}
	}
	members, err := a.Store.MembersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]store.Member, 0, len(ids))
	for _, id := range ids {
		if m, ok := members[id]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// DeliverEmail sends one outbox message. A message already sent is not sent
// again; a permanent SMTP failure is returned as non-retryable.
func (a *Activities) DeliverEmail(ctx context.Context, in workflows.DeliverInput) error {
	m, err := a.Store.GetOutbox(ctx, in.OutboxID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return temporal.NewNonRetryableApplicationError("outbox message "+in.OutboxID+" does not exist", workflows.PermanentEmailError, err)
		}
		return err
	}
	if m.Status == store.OutboxSent || m.Status == store.OutboxFailed {
		return nil
	}
	if a.Sender == nil {
		return temporal.NewNonRetryableApplicationError("no SMTP server configured", workflows.PermanentEmailError, nil)
	}
	att, err := m.OutboxAttachments()
	if err != nil {
		return temporal.NewNonRetryableApplicationError("corrupt attachments: "+err.Error(), workflows.PermanentEmailError, err)
	}
	msg := notify.Message{ID: m.IdemKey, From: a.From, To: m.ToEmail, Subject: m.Subject, Body: m.Body}
	for _, x := range att {
		msg.Attachments = append(msg.Attachments, notify.Attachment{Filename: x.Filename, ContentType: x.ContentType, Data: x.Data})
	}
	sendErr := a.Sender.Send(ctx, msg)
	if sendErr != nil {
		if err := a.Store.MarkOutboxAttempt(ctx, m.ID, sendErr.Error()); err != nil {
			return err
		}
		if notify.IsPermanent(sendErr) {
			return temporal.NewNonRetryableApplicationError(sendErr.Error(), workflows.PermanentEmailError, sendErr)
		}
		return fmt.Errorf("deliver %s: %w", m.ID, sendErr)
	}
	// One write records the delivery: the window between the SMTP server's
	// acceptance and this record is the only place a crash can cause a
	// second delivery, so it is kept as short as possible.
	return a.Store.MarkOutboxSent(ctx, m.ID)
}

// MarkEmailFailed records that a message could not be delivered.
func (a *Activities) MarkEmailFailed(ctx context.Context, in workflows.MarkFailedInput) error {
	return a.Store.MarkOutboxFailed(ctx, in.OutboxID, in.Reason)
}

// RecordAudit appends an entry to the audit chain, once per IdemKey.
func (a *Activities) RecordAudit(ctx context.Context, in workflows.AuditInput) (workflows.AuditResult, error) {
	e, err := a.Store.Audit(ctx, store.AuditInput{
		Actor: in.Actor, Process: in.Process, ObjectID: in.ObjectID, Action: in.Action,
		Details: in.Details, Audience: in.Audience, Members: in.Members, IdemKey: in.IdemKey,
	})
	if err != nil {
		return workflows.AuditResult{}, err
	}
	return workflows.AuditResult{Seq: e.Seq, Hash: e.Hash}, nil
}

// RecordAudits appends several audit entries from a workflow in one
// transaction: a busy process (an election's ballots) writes its backlog in
// one activity instead of one each.
func (a *Activities) RecordAudits(ctx context.Context, in []workflows.AuditInput) error {
	batch := make([]store.AuditInput, 0, len(in))
	for _, x := range in {
		batch = append(batch, store.AuditInput{
			Actor: x.Actor, Process: x.Process, ObjectID: x.ObjectID, Action: x.Action,
			Details: x.Details, Audience: x.Audience, Members: x.Members, IdemKey: x.IdemKey,
		})
	}
	_, err := a.Store.AuditBatch(ctx, batch)
	return err
}

// SaveCase upserts a process's row in the cases index.
func (a *Activities) SaveCase(ctx context.Context, in workflows.CaseIndex) error {
	c := store.Case{ID: in.ID, Process: in.Process, Status: in.Status, Title: in.Title,
		CreatedBy: in.CreatedBy, Members: store.StringList(in.Members), TasksProjected: in.Projected}
	for _, t := range in.Tasks {
		c.Tasks = append(c.Tasks, store.CaseTask{MemberID: t.MemberID, Action: t.Action, Due: t.Due})
	}
	return a.Store.SaveCase(ctx, c)
}

// ApplyEthicsDecision makes a final ethics decision take effect: the
// sanction is recorded (elections read ineligibility from it, ballots read
// suspensions) and a removal vacates the position. Dismissals change
// nothing. Idempotent per case.
func (a *Activities) ApplyEthicsDecision(ctx context.Context, in ethics.DecisionEffect) error {
	switch in.Kind {
	case store.SanctionWarning, store.SanctionRecusalOrdered, store.SanctionSuspension, store.SanctionRemoval:
	default:
		return nil
	}
	_, err := a.Store.ApplySanction(ctx, store.SanctionInput{CaseID: in.CaseID, MemberID: in.SubjectID, Kind: in.Kind,
		Matters: in.Matters, Position: in.Position, Until: in.Until, IneligibleUntil: in.IneligibleUntil})
	return err
}
