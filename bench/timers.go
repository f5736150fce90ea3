package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// TimersConfig sizes the timers benchmark.
type TimersConfig struct {
	// Cases are the open cases, each with its screening deadline timer;
	// Due of them fall due within Window, the others in weeks.
	Cases int
	Due   int
	// Window is the span over which the Due deadlines are spread.
	Window time.Duration
	// Lead is the least time between the end of the setup and the first
	// deadline, so that the service is idle when the deadlines come.
	Lead time.Duration
	// Concurrency is how many clients start the cases.
	Concurrency int
}

// TimersReport is what the timers benchmark measured and checked.
type TimersReport struct {
	Setup Run `json:"setup"`
	// Before is the memory before any case was created; After once all
	// were open and idle, before the first deadline.
	Before Memory `json:"before"`
	After  Memory `json:"after"`
	// IdleBeforeDue says After was read on an idle service before the
	// first deadline; false when the setup ran into the deadlines.
	IdleBeforeDue bool      `json:"idle_before_due"`
	DueFrom       time.Time `json:"due_from"`
	// Fired is how many of the Due deadlines acted; lateness is the time
	// of the audit entry each wrote minus its due instant.
	Fired    int           `json:"fired"`
	P50      time.Duration `json:"p50"`
	P99      time.Duration `json:"p99"`
	Max      time.Duration `json:"max"`
	Problems []string      `json:"problems"`
}

// ethicsFixture is the people of the benchmark's ethics cases.
type ethicsFixture struct {
	complainant, respondent string
	committee               []ethics.CommitteeMember
}

func newEthicsFixture(ctx context.Context, e *Env) (ethicsFixture, error) {
	var f ethicsFixture
	c, err := newMember(ctx, e, "complainant")
	if err != nil {
		return f, err
	}
	r, err := newMember(ctx, e, "respondent")
	if err != nil {
		return f, err
	}
	f.complainant, f.respondent = c.ID, r.ID
	for i := range 3 {
		m, err := newMember(ctx, e, fmt.Sprintf("ethics%d", i), store.RoleMember, store.RoleEthicsCommittee)
		if err != nil {
			return f, err
		}
		f.committee = append(f.committee, ethics.CommitteeMember{MemberID: m.ID, Reasons: []string{}})
	}
	return f, nil
}

// fileEthics files a complaint as the API does (receipt, index row, the
// Ethics workflow with the policy's periods) except that the screening
// period is chosen: the complaint's screening deadline is at due, or the
// policy's when due is zero. It returns the case ID and its due instant.
func fileEthics(ctx context.Context, e *Env, f ethicsFixture, due time.Time) (string, time.Time, error) {
	pe := e.Policy.Ethics
	caseID := store.NewID("eth")
	in := ethics.Input{
		CaseID: caseID, ComplainantID: f.complainant, RespondentID: f.respondent, Kind: ethics.KindOther,
		Summary: "Benchmark complaint", Links: []string{}, Committee: f.committee,
		Periods: ethics.Periods{Screening: workflows.Duration(pe.Screening), ScreeningReminder: workflows.Duration(pe.ScreeningReminder),
			ScreeningEscalation: workflows.Duration(pe.ScreeningEscalation), Response: workflows.Duration(pe.Response), AppealWindow: workflows.Duration(pe.AppealWindow),
			RemovalIneligibility: workflows.Duration(pe.RemovalIneligibility), Quorum: pe.Quorum, Majority: pe.Majority},
		FiledAt: store.Now(),
	}
	if !due.IsZero() {
		// A deadline minutes away: no reminder (the policy's comes days
		// before), only the escalation when screening is overdue.
		in.Periods.Screening = workflows.Duration(max(due.Sub(in.FiledAt), time.Millisecond))
		in.Periods.ScreeningReminder = 0
	}
	receipt, err := e.Store().NewReceipt(ctx, "ethics", caseID)
	if err != nil {
		return "", time.Time{}, err
	}
	in.Receipt = receipt
	if err := e.Store().SaveCase(ctx, store.Case{ID: caseID, Process: "ethics", Status: ethics.StatusScreening,
		Title: "ethics complaint", CreatedBy: f.complainant, Members: store.StringList{f.complainant}}); err != nil {
		return "", time.Time{}, err
	}
	_, err = e.App.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: ethics.WorkflowID(caseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, ethics.WorkflowName, in)
	return caseID, in.FiledAt.Add(in.Periods.Screening.D()), err
}

// screeningOverdue is the audit action of a screening deadline passing.
const screeningOverdue = "ethics.screening_overdue"

// Timers opens cfg.Cases ethics complaints, each with a durable screening
// deadline, cfg.Due of them due within cfg.Window after the setup and the
// rest in weeks. It reads the memory before and once all are open and
// idle, waits for the deadlines, and measures how late each acted: the
// time of the audit entry its escalation wrote minus its due instant. It
// checks that each due deadline acted exactly once (one audit entry, one
// escalation in the live state) and that no other did.
//
// The cases are started with the Temporal SDK, as the API would start
// them, because the API has no way to choose a complaint's deadline (it
// takes the screening period from the policy); they are the real Ethics
// workflow with the receipt and index row the API writes.
func Timers(ctx context.Context, e *Env, cfg TimersConfig, progress io.Writer) (TimersReport, error) {
	var rep TimersReport
	f, err := newEthicsFixture(ctx, e)
	if err != nil {
		return rep, err
	}
	if rep.Before, err = ReadMemory(); err != nil {
		return rep, err
	}
	fmt.Fprintf(progress, "before: %s\n", rep.Before)

	// The cases due in weeks first; their rate sets the lead of the others.
	far := cfg.Cases - cfg.Due
	ids := make([]string, cfg.Cases)
	dues := make([]time.Time, cfg.Cases)
	fmt.Fprintf(progress, "opening %d cases due in weeks from %d clients\n", far, cfg.Concurrency)
	t0 := time.Now()
	farRun := closedLoop(ctx, far, cfg.Concurrency, func(ctx context.Context, i int) error {
		id, due, err := fileEthics(ctx, e, f, time.Time{})
		ids[cfg.Due+i], dues[cfg.Due+i] = id, due
		return err
	})
	if farRun.Failed > 0 {
		return rep, fmt.Errorf("%d cases failed to start: %s", farRun.Failed, farRun.FirstError)
	}
	// Waiting for the cases' filing to be recorded gives the service's
	// real pace, backlog included, which sets the lead of the due cases.
	// Waiting until their emails are out too, so that the due cases are
	// opened on an idle service and their deadlines come to one.
	if err := waitAudited(ctx, e, "ethics", "ethics.filed", ids[cfg.Due:]); err != nil {
		return rep, err
	}
	if err := waitQuiet(ctx, e, far); err != nil {
		return rep, err
	}
	// Three times the pace of the first cases leaves room for a service
	// slower with more cases open.
	lead := cfg.Lead
	if pace := time.Since(t0) / time.Duration(max(far, 1)); far > 0 {
		lead += 3 * pace * time.Duration(cfg.Due)
	}
	rep.DueFrom = time.Now().Add(lead).UTC()
	fmt.Fprintf(progress, "opened and filed in %v; %d cases due from %s over %v\n", time.Since(t0).Round(time.Millisecond),
		cfg.Due, rep.DueFrom.Format(time.RFC3339), cfg.Window)
	dueRun := closedLoop(ctx, cfg.Due, cfg.Concurrency, func(ctx context.Context, i int) error {
		at := rep.DueFrom.Add(time.Duration(i) * cfg.Window / time.Duration(max(cfg.Due, 1)))
		id, due, err := fileEthics(ctx, e, f, at)
		ids[i], dues[i] = id, due
		return err
	})
	rep.Setup = farRun.merge(dueRun)
	if rep.Setup.Failed > 0 {
		return rep, fmt.Errorf("%d cases failed to start: %s", rep.Setup.Failed, rep.Setup.FirstError)
	}
	fmt.Fprintf(progress, "setup: %s\n", rep.Setup)
	if err := waitAudited(ctx, e, "ethics", "ethics.filed", ids[:cfg.Due]); err != nil {
		return rep, err
	}
	if err := waitQuiet(ctx, e, cfg.Due); err != nil {
		return rep, err
	}
	if rep.After, err = ReadMemory(); err != nil {
		return rep, err
	}
	rep.IdleBeforeDue = time.Now().Before(rep.DueFrom)
	fmt.Fprintf(progress, "all %d open and idle: %s\n", cfg.Cases, rep.After)
	if !rep.IdleBeforeDue {
		rep.Problems = append(rep.Problems, "the setup ran past the first deadline: raise -lead")
	}

	// Wait for the window to pass and every due deadline to act, then a
	// little more, so that a second firing would be seen.
	dueIDs := ids[:cfg.Due]
	fmt.Fprintf(progress, "waiting for the deadlines (%v)\n", time.Until(rep.DueFrom.Add(cfg.Window)).Round(time.Second))
	select {
	case <-ctx.Done():
		return rep, ctx.Err()
	case <-time.After(time.Until(rep.DueFrom.Add(cfg.Window))):
	}
	if err := waitAudited(ctx, e, "ethics", screeningOverdue, dueIDs); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	time.Sleep(3 * time.Second)

	var entries []store.AuditEntry
	for chunk := range chunks(ids, 500) {
		var part []store.AuditEntry
		if err := e.Store().DB.WithContext(ctx).Where("process = ? AND action = ? AND object_id IN ?", "ethics", screeningOverdue, chunk).
			Find(&part).Error; err != nil {
			return rep, err
		}
		entries = append(entries, part...)
	}
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	seen := map[string]int{}
	var late Latencies
	for _, en := range entries {
		i := index[en.ObjectID]
		seen[en.ObjectID]++
		if i >= cfg.Due {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s, due %s, escalated at %s", en.ObjectID, dues[i].Format(time.RFC3339), en.At.Format(time.RFC3339)))
			continue
		}
		var details struct {
			Due time.Time `json:"due"`
		}
		if err := json.Unmarshal(en.DetailsJSON(), &details); err != nil || !details.Due.Equal(dues[i]) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: escalation names due %v, want %v", en.ObjectID, details.Due, dues[i]))
		}
		d := en.At.Sub(dues[i])
		if d < 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: acted %v before its deadline", en.ObjectID, -d))
		}
		late = append(late, d)
	}
	for _, id := range dueIDs {
		switch n := seen[id]; {
		case n == 1:
			rep.Fired++
		case n > 1:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: escalated %d times", id, n))
		}
	}
	if rep.Fired != cfg.Due {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d of %d deadlines acted exactly once", rep.Fired, cfg.Due))
	}
	rep.P50, rep.P99, rep.Max = late.Quantile(0.5), late.Quantile(0.99), late.Quantile(1)

	// The live state agrees: one escalation each.
	var mu sync.Mutex
	q := closedLoop(ctx, len(dueIDs), cfg.Concurrency, func(ctx context.Context, i int) error {
		v, err := e.App.Client.QueryWorkflow(ctx, ethics.WorkflowID(dueIDs[i]), "", ethics.Query)
		if err != nil {
			return err
		}
		var st ethics.State
		if err := v.Get(&st); err != nil {
			return err
		}
		if st.ScreeningEscalations != 1 {
			mu.Lock()
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %d escalations in the live state", dueIDs[i], st.ScreeningEscalations))
			mu.Unlock()
		}
		return nil
	})
	if q.Failed > 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d queries failed: %s", q.Failed, q.FirstError))
	}
	return rep, nil
}
