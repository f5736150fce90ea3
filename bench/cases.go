package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
)

// CasesConfig sizes the cases benchmark.
type CasesConfig struct {
	// N cases are opened through the API, and N more started with the SDK.
	N int
	// Concurrency is how many clients open cases at once, on each side.
	Concurrency int
	// Sample is how many cases of each side are read back one by one.
	Sample int
}

// CasesReport is what the cases benchmark measured and checked.
type CasesReport struct {
	API Run `json:"api"`
	SDK Run `json:"sdk"`
	// Ratio is the API's rate over the SDK's: the cost of what the API
	// does beyond starting the workflow (auth, validation, registry reads,
	// the index row, HTTP).
	Ratio float64 `json:"ratio_api_sdk"`
	// IndexRows are the API's cases found in the cases index.
	IndexRows int64 `json:"index_rows"`
	// Workflows are the running Arbitration workflows the server counts
	// beyond those running before.
	Workflows int64    `json:"workflows"`
	Sampled   int      `json:"sampled"`
	Problems  []string `json:"problems"`
}

// arbitrationParty creates the member the benchmark cases are filed
// against.
func arbitrationParty(ctx context.Context, e *Env) (store.Member, error) {
	return newMember(ctx, e, "bench-party")
}

// sdkArbitration is the input the API builds for a case filed by the
// admin against party, built here to start the same workflow directly.
func sdkArbitration(e *Env, filer, party string) arbitration.Input {
	periods := arbitration.PeriodsFrom(e.Policy.Arbitration)
	return arbitration.Input{
		CaseID: store.NewID("arb"), Question: "Bench question", Articles: []string{"1"},
		Parties: []arbitration.Party{{Kind: arbitration.PartyMember, ID: party}, {Kind: arbitration.PartyMember, ID: filer}},
		FiledBy: filer, Periods: periods, FiledAt: store.Now(),
	}
}

// startArbitration starts an Arbitration workflow as the API does, with
// the same ID and conflict policies.
func startArbitration(ctx context.Context, e *Env, in arbitration.Input) error {
	_, err := e.App.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: arbitration.WorkflowID(in.CaseID), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, arbitration.WorkflowName, in)
	return err
}

// adminID is the member ID behind the benchmark's admin token.
func adminID(ctx context.Context, e *Env) (string, error) {
	m, err := e.Store().Authenticate(ctx, adminToken)
	return m.ID, err
}

// runningArbitrations counts the running Arbitration workflows.
func runningArbitrations(ctx context.Context, e *Env) (int64, error) {
	resp, err := e.App.Client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: e.server.Namespace(),
		Query:     "WorkflowType = '" + arbitration.WorkflowName + "' AND ExecutionStatus = 'Running'",
	})
	if err != nil {
		return 0, err
	}
	return resp.GetCount(), nil
}

// Cases opens cfg.N arbitration cases through the API (POST
// /api/v1/arbitrations) and starts cfg.N Arbitration workflows with the
// same input straight through the Temporal SDK, against the same server in
// the same run, each from cfg.Concurrency clients. It then checks that
// every case exists: the API's in the cases index, all of them counted
// running by the server, and a sample of each read back.
func Cases(ctx context.Context, e *Env, cfg CasesConfig, progress io.Writer) (CasesReport, error) {
	var rep CasesReport
	party, err := arbitrationParty(ctx, e)
	if err != nil {
		return rep, err
	}
	admin, err := adminID(ctx, e)
	if err != nil {
		return rep, fmt.Errorf("admin: %w", err)
	}
	before, err := runningArbitrations(ctx, e)
	if err != nil {
		return rep, fmt.Errorf("count workflows: %w", err)
	}
	body := map[string]any{"question": "Bench question", "articles": []string{"1"}, "parties": []string{party.ID}}
	apiIDs := make([]string, cfg.N)
	sdkIDs := make([]string, cfg.N)
	openAPI := func(ctx context.Context, i int) error {
		var doc struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		if err := e.Call(ctx, "POST", "/api/v1/arbitrations", adminToken, body, &doc); err != nil {
			return err
		}
		if doc.Status != arbitration.StatusFiled || doc.ID == "" {
			return fmt.Errorf("answer %+v", doc)
		}
		apiIDs[i] = doc.ID
		return nil
	}
	startSDK := func(ctx context.Context, i int) error {
		in := sdkArbitration(e, admin, party.ID)
		if err := startArbitration(ctx, e, in); err != nil {
			return err
		}
		sdkIDs[i] = in.CaseID
		return nil
	}
	// A warm-up of each side, not counted; then each side starts on an
	// idle service: the work a case leaves behind (its filing's audit
	// entry and email) must not slow the other side's run.
	warm := 2 * cfg.Concurrency
	warmIDs := make([]string, 2*warm)
	closedLoop(ctx, warm, cfg.Concurrency, func(ctx context.Context, i int) error {
		var doc struct {
			ID string `json:"id"`
		}
		err := e.Call(ctx, "POST", "/api/v1/arbitrations", adminToken, body, &doc)
		warmIDs[i] = doc.ID
		return err
	})
	closedLoop(ctx, warm, cfg.Concurrency, func(ctx context.Context, i int) error {
		in := sdkArbitration(e, admin, party.ID)
		if err := startArbitration(ctx, e, in); err != nil {
			return err
		}
		warmIDs[warm+i] = in.CaseID
		return nil
	})
	warmIDs = nonEmpty(warmIDs)
	before += int64(len(warmIDs))
	if err := waitAudited(ctx, e, "arbitration", "arbitration.filed", warmIDs); err != nil {
		return rep, err
	}
	// ABBA: half of each side, then the other halves in reverse order,
	// each run starting on an idle service, so that neither side gains
	// from going first or from a warmer service.
	fmt.Fprintf(progress, "opening %d cases through the API and starting %d with the SDK (API, SDK, SDK, API), %d clients each\n",
		cfg.N, cfg.N, cfg.Concurrency)
	half := cfg.N / 2
	phase := func(api bool, from, to int) error {
		op, ids := startSDK, sdkIDs
		if api {
			op, ids = openAPI, apiIDs
		}
		r := closedLoop(ctx, to-from, cfg.Concurrency, func(ctx context.Context, i int) error { return op(ctx, from+i) })
		if api {
			rep.API = rep.API.merge(r)
		} else {
			rep.SDK = rep.SDK.merge(r)
		}
		return waitAudited(ctx, e, "arbitration", "arbitration.filed", nonEmpty(slices.Clone(ids[from:to])))
	}
	for _, p := range []struct {
		api      bool
		from, to int
	}{{true, 0, half}, {false, 0, half}, {false, half, cfg.N}, {true, half, cfg.N}} {
		if err := phase(p.api, p.from, p.to); err != nil {
			return rep, err
		}
	}
	fmt.Fprintf(progress, "api: %s\nsdk: %s\n", rep.API, rep.SDK)
	if rep.SDK.Rate > 0 {
		rep.Ratio = rep.API.Rate / rep.SDK.Rate
	}
	if rep.API.Failed+rep.SDK.Failed > 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d API and %d SDK openings failed; first: %s %s",
			rep.API.Failed, rep.SDK.Failed, rep.API.FirstError, rep.SDK.FirstError))
	}
	apiIDs, sdkIDs = nonEmpty(apiIDs), nonEmpty(sdkIDs)

	// Every case the API acknowledged is in the index.
	for chunk := range chunks(apiIDs, 500) {
		var n int64
		if err := e.Store().DB.WithContext(ctx).Model(&store.Case{}).
			Where("process = ? AND id IN ?", "arbitration", chunk).Count(&n).Error; err != nil {
			return rep, err
		}
		rep.IndexRows += n
	}
	if rep.IndexRows != int64(len(apiIDs)) {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d of %d API cases in the cases index", rep.IndexRows, len(apiIDs)))
	}
	// Every workflow runs; visibility follows a moment later.
	want := int64(len(apiIDs) + len(sdkIDs))
	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := poll(waitCtx, 250*time.Millisecond, "visibility", func() (bool, error) {
		n, err := runningArbitrations(waitCtx, e)
		rep.Workflows = n - before
		return rep.Workflows >= want, err
	}); err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d of %d workflows counted running: %v", rep.Workflows, want, err))
	}
	// A sample read back: the API's through the API, the SDK's by query.
	for _, i := range sample(len(apiIDs), cfg.Sample) {
		var doc struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Question string `json:"question"`
		}
		if err := e.Call(ctx, "GET", "/api/v1/arbitrations/"+apiIDs[i], adminToken, nil, &doc); err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("GET %s: %v", apiIDs[i], err))
		} else if doc.ID != apiIDs[i] || doc.Status != arbitration.StatusFiled || doc.Question != "Bench question" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("GET %s answered %+v", apiIDs[i], doc))
		}
		rep.Sampled++
	}
	for _, i := range sample(len(sdkIDs), cfg.Sample) {
		st, err := queryArbitration(ctx, e, sdkIDs[i])
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("query %s: %v", sdkIDs[i], err))
		} else if st.CaseID != sdkIDs[i] || st.Status != arbitration.StatusFiled || st.Question != "Bench question" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("query %s answered %s/%s", sdkIDs[i], st.CaseID, st.Status))
		}
		rep.Sampled++
	}
	return rep, nil
}

// queryArbitration reads a case's live state with the SDK.
func queryArbitration(ctx context.Context, e *Env, caseID string) (arbitration.State, error) {
	var st arbitration.State
	v, err := e.App.Client.QueryWorkflow(ctx, arbitration.WorkflowID(caseID), "", arbitration.Query)
	if err != nil {
		return st, err
	}
	return st, v.Get(&st)
}

func nonEmpty(ids []string) []string {
	out := ids[:0]
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// chunks yields s in pieces of at most n, for IN lists within SQLite's
// limit on bound parameters.
func chunks(s []string, n int) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// sample picks k distinct indexes in [0, n), or all of them when k >= n.
func sample(n, k int) []int {
	p := rand.Perm(n)
	return p[:min(k, n)]
}
