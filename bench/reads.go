package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
)

// ReadsConfig sizes the reads benchmark.
type ReadsConfig struct {
	// Cases are the arbitration cases present; Members the registry's size.
	Cases   int
	Members int
	// Rate is the total request rate, split evenly between the two
	// routes; Duration how long requests are sent.
	Rate     float64
	Duration time.Duration
	// Concurrency is how many clients create the cases.
	Concurrency int
}

// RouteReport is one route's share of the reads benchmark.
type RouteReport struct {
	Route  string        `json:"route"`
	Sent   int           `json:"sent"`
	OK     int           `json:"ok"`
	Errors int           `json:"errors"`
	P50    time.Duration `json:"p50"`
	P99    time.Duration `json:"p99"`
	Max    time.Duration `json:"max"`
	// FirstError is the first non-200 answer or failure.
	FirstError string `json:"first_error,omitempty"`
}

// ReadsReport is what the reads benchmark measured and checked.
type ReadsReport struct {
	Setup  Run           `json:"setup"`
	Routes []RouteReport `json:"routes"`
	// SentRate is requests sent per second; AnsweredRate requests
	// answered per second, from the first sent to the last answered.
	SentRate     float64  `json:"sent_rate"`
	AnsweredRate float64  `json:"answered_rate"`
	Problems     []string `json:"problems"`
}

// SetupCases brings the service to n arbitration cases: real Arbitration
// workflows started with the SDK (as the API would, with the same input),
// each with the index row the API writes, from conc clients. It waits
// until every case has recorded its filing, so what follows runs on an
// idle service.
func SetupCases(ctx context.Context, e *Env, n, conc int) ([]string, Run, error) {
	party, err := arbitrationParty(ctx, e)
	if err != nil {
		return nil, Run{}, err
	}
	admin, err := adminID(ctx, e)
	if err != nil {
		return nil, Run{}, err
	}
	ids := make([]string, n)
	run := closedLoop(ctx, n, conc, func(ctx context.Context, i int) error {
		in := sdkArbitration(e, admin, party.ID)
		if err := e.Store().SaveCase(ctx, store.Case{ID: in.CaseID, Process: "arbitration", Status: arbitration.StatusFiled,
			Title: in.Question, CreatedBy: admin, Members: store.StringList{admin, party.ID}}); err != nil {
			return err
		}
		if err := startArbitration(ctx, e, in); err != nil {
			return err
		}
		ids[i] = in.CaseID
		return nil
	})
	if run.Failed > 0 {
		return nil, run, fmt.Errorf("%d of %d cases failed to start: %s", run.Failed, n, run.FirstError)
	}
	if err := waitAudited(ctx, e, "arbitration", "arbitration.filed", ids); err != nil {
		return ids, run, err
	}
	return ids, run, waitQuiet(ctx, e, len(ids))
}

// waitQuiet waits until no Notify workflow runs: a new case's filing is
// recorded before its emails are queued and delivered, so until then the
// service is still working through the backlog of new cases' emails,
// which would weigh on whatever is measured next. n, the number of cases
// just created, sizes the wait.
func waitQuiet(ctx context.Context, e *Env, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute+time.Duration(n)*100*time.Millisecond)
	defer cancel()
	return poll(ctx, time.Second, "the new cases' emails", func() (bool, error) {
		resp, err := e.App.Client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Namespace: namespace,
			Query:     fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.NotifyWorkflowName),
		})
		if err != nil {
			return false, err
		}
		return resp.GetCount() == 0, nil
	})
}

// waitAudited waits until each of ids has an audit entry of action.
func waitAudited(ctx context.Context, e *Env, process, action string, ids []string) error {
	// Generous: on a busy two-core machine a backlog of thousands of
	// new cases drains at a few dozen a second.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute+time.Duration(len(ids))*100*time.Millisecond)
	defer cancel()
	return poll(ctx, 500*time.Millisecond, action+" recorded", func() (bool, error) {
		var total int64
		for chunk := range chunks(ids, 500) {
			var n int64
			if err := e.Store().DB.WithContext(ctx).Model(&store.AuditEntry{}).
				Where("process = ? AND action = ? AND object_id IN ?", process, action, chunk).Count(&n).Error; err != nil {
				return false, err
			}
			total += n
		}
		return total >= int64(len(ids)), nil
	})
}

// setupMembers brings the registry to at least n members.
func setupMembers(ctx context.Context, e *Env, n int) error {
	have, err := e.Store().CountMembers(ctx)
	if err != nil {
		return err
	}
	if have >= int64(n) {
		return nil
	}
	if _, err := newMember(ctx, e, "reader"); err != nil { // the country, once
		return err
	}
	r := closedLoop(ctx, n-int(have)-1, 8, func(ctx context.Context, i int) error {
		_, err := newMember(ctx, e, fmt.Sprintf("reader%d", i))
		return err
	})
	if r.Failed > 0 {
		return errors.New(r.FirstError)
	}
	return nil
}

// Reads fills the service with cfg.Cases arbitration cases and
// cfg.Members members, then reads it open-loop: requests leave on a fixed
// schedule of cfg.Rate per second, alternating GET
// /api/v1/members?limit=100 and GET /api/v1/arbitrations/{id} of a random
// case, whatever the latency (a slow answer does not hold back the next
// request). Latency is counted from the scheduled instant. Every answer is
// checked: 200, a full page of members, the case asked for.
func Reads(ctx context.Context, e *Env, cfg ReadsConfig, progress io.Writer) (ReadsReport, error) {
	var rep ReadsReport
	t0 := time.Now()
	if err := setupMembers(ctx, e, cfg.Members); err != nil {
		return rep, fmt.Errorf("members: %w", err)
	}
	fmt.Fprintf(progress, "%d members in %v\n", cfg.Members, time.Since(t0).Round(time.Millisecond))
	fmt.Fprintf(progress, "creating %d cases from %d clients\n", cfg.Cases, cfg.Concurrency)
	t1 := time.Now()
	ids, run, err := SetupCases(ctx, e, cfg.Cases, cfg.Concurrency)
	rep.Setup = run
	if err != nil {
		return rep, fmt.Errorf("cases: %w", err)
	}
	fmt.Fprintf(progress, "cases: %s; all filed and their emails out %v after the first start\n", run, time.Since(t1).Round(time.Second))
	wantPage := min(cfg.Members, 100)

	type result struct {
		route int
		lat   time.Duration
		err   error
	}
	routes := []string{"GET /api/v1/members?limit=100", "GET /api/v1/arbitrations/{id}"}
	read := func(ctx context.Context, route int) error {
		if route == 0 {
			var page []json.RawMessage
			if err := e.Call(ctx, "GET", "/api/v1/members?limit=100", adminToken, nil, &page); err != nil {
				return err
			}
			if len(page) < wantPage {
				return fmt.Errorf("%d members in the page, want %d", len(page), wantPage)
			}
			return nil
		}
		id := ids[rand.IntN(len(ids))]
		var doc struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		if err := e.Call(ctx, "GET", "/api/v1/arbitrations/"+id, adminToken, nil, &doc); err != nil {
			return err
		}
		if doc.ID != id || doc.Status != arbitration.StatusFiled {
			return fmt.Errorf("asked for %s, got %s (%s)", id, doc.ID, doc.Status)
		}
		return nil
	}

	fmt.Fprintf(progress, "reading at %.0f requests/s for %v\n", cfg.Rate, cfg.Duration)
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	results := make(chan result, 1024)
	var (
		wg       sync.WaitGroup
		all      []result
		lastDone time.Time
		collect  = make(chan struct{})
	)
	go func() {
		for r := range results {
			all = append(all, r)
			lastDone = time.Now()
		}
		close(collect)
	}()
	start := time.Now()
	sent := 0
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= cfg.Duration || ctx.Err() != nil {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		sent++
		route := i % 2
		wg.Go(func() {
			err := read(ctx, route)
			results <- result{route: route, lat: time.Since(at), err: err}
		})
	}
	sentFor := time.Since(start)
	wg.Wait()
	close(results)
	<-collect

	lats := make([]Latencies, len(routes))
	rep.Routes = make([]RouteReport, len(routes))
	for i, r := range routes {
		rep.Routes[i].Route = r
	}
	for _, r := range all {
		rr := &rep.Routes[r.route]
		rr.Sent++
		if r.err != nil {
			rr.Errors++
			if rr.FirstError == "" {
				rr.FirstError = r.err.Error()
			}
			continue
		}
		rr.OK++
		lats[r.route] = append(lats[r.route], r.lat)
	}
	for i := range rep.Routes {
		rr := &rep.Routes[i]
		rr.P50, rr.P99, rr.Max = lats[i].Quantile(0.5), lats[i].Quantile(0.99), lats[i].Quantile(1)
		if rr.Errors > 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %d of %d answers not 200 or wrong; first: %s", rr.Route, rr.Errors, rr.Sent, rr.FirstError))
		}
	}
	rep.SentRate = float64(sent) / sentFor.Seconds()
	if len(all) > 0 {
		rep.AnsweredRate = float64(len(all)) / lastDone.Sub(start).Seconds()
	}
	// Requests are never skipped: a sender that fell behind sends late,
	// which the latencies (from the scheduled instant) show, and takes
	// longer than the duration, which this says.
	if sentFor > cfg.Duration+time.Second {
		rep.Problems = append(rep.Problems, fmt.Sprintf("sending %v of requests took %v: the sender fell behind", cfg.Duration, sentFor.Round(time.Millisecond)))
	}
	return rep, nil
}
