package devserver

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/common/log/tag"
)

const (
	testTaskQueue  = "devserver-test"
	finishSignal   = "finish"
	testNamespace  = "ralo"
	startupTimeout = time.Minute
)

// waitInput and waitResult are structs, as in the application's workflows.
type waitInput struct {
	Timer time.Duration
}

type waitResult struct {
	// By is "timer" or "signal": whichever ended the wait.
	By string
}

// waitWorkflow is the smallest workflow that needs durable state: a timer
// raced against a signal, like the application's deadlines.
func waitWorkflow(ctx workflow.Context, in waitInput) (waitResult, error) {
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()

	var res waitResult
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(workflow.NewTimer(timerCtx, in.Timer), func(workflow.Future) { res.By = "timer" })
	sel.AddReceive(workflow.GetSignalChannel(ctx, finishSignal), func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(ctx, nil)
		res.By = "signal"
	})
	sel.Select(ctx)
	return res, nil
}

// logBuffer is an io.Writer safe for the server's many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// bufferedLogger collects the bridged server log and shows it once the test's
// servers are stopped; logging to t directly could outlive the test.
func bufferedLogger(t *testing.T) *slog.Logger {
	logs := &logBuffer{}
	t.Cleanup(func() {
		if out := logs.String(); out != "" {
			t.Logf("server log (warn and above):\n%s", out)
		}
	})
	return slog.New(slog.NewTextHandler(logs, nil))
}

func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	begin := time.Now()
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("server at %s (ephemeral=%v) ready in %v", s.HostPort(), cfg.Ephemeral, time.Since(begin).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return s
}

// connect dials s and runs a worker for waitWorkflow until the test ends or
// the returned function is called.
func connect(t *testing.T, s *Server) (client.Client, func()) {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  s.HostPort(),
		Namespace: s.Namespace(),
		Logger:    sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		t.Fatalf("dial %s: %v", s.HostPort(), err)
	}
	w := worker.New(c, testTaskQueue, worker.Options{})
	w.RegisterWorkflow(waitWorkflow)
	if err := w.Start(); err != nil {
		c.Close()
		t.Fatalf("start worker: %v", err)
	}
	var once sync.Once
	closeAll := func() {
		once.Do(func() {
			w.Stop()
			c.Close()
		})
	}
	t.Cleanup(closeAll)
	return c, closeAll
}

func startWait(t *testing.T, c client.Client, id string, timer time.Duration) {
	t.Helper()
	_, err := c.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{
		ID:        id,
		TaskQueue: testTaskQueue,
	}, waitWorkflow, waitInput{Timer: timer})
	if err != nil {
		t.Fatalf("start %s: %v", id, err)
	}
}

// waitTimerStarted returns once the worker has run the first workflow task,
// so the timer is in the server's database and not just requested.
func waitTimerStarted(t *testing.T, c client.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		iter := c.GetWorkflowHistory(t.Context(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", id, err)
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: no timer started", id)
}

func result(t *testing.T, c client.Client, id string) waitResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var res waitResult
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
		t.Fatalf("result of %s: %v", id, err)
	}
	return res
}

func describe(t *testing.T, c client.Client, id string) (enumspb.WorkflowExecutionStatus, time.Time) {
	t.Helper()
	resp, err := c.DescribeWorkflowExecution(t.Context(), id, "")
	if err != nil {
		t.Fatalf("describe %s: %v", id, err)
	}
	info := resp.GetWorkflowExecutionInfo()
	return info.GetStatus(), info.GetCloseTime().AsTime()
}

func retention(t *testing.T, c client.Client, ns string) time.Duration {
	t.Helper()
	resp, err := c.WorkflowService().DescribeNamespace(t.Context(), &workflowservice.DescribeNamespaceRequest{Namespace: ns})
	if err != nil {
		t.Fatalf("describe namespace %s: %v", ns, err)
	}
	return resp.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
}

// firstRunEnv tells a child test process to play the first `ralo dev` run.
const firstRunEnv = "DEVSERVER_TEST_FIRST_RUN_DIR"

// TestRestartKeepsWorkflows is the promise of `ralo dev`: stopping it loses
// nothing. A workflow waiting on a long timer survives a restart and can be
// signalled; a short timer set before the restart fires after it. The restart
// also changes the retention, which must reach the existing namespace.
//
// The first run is a separate process, as a stopped `ralo dev` is: within one
// process the SQLite plugin keeps its connection open across Stop, so only a
// new process proves that the state is in the file.
func TestRestartKeepsWorkflows(t *testing.T) {
	if dir := os.Getenv(firstRunEnv); dir != "" {
		firstRun(t, dir)
		return
	}

	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestRestartKeepsWorkflows$", "-test.v")
	cmd.Env = append(os.Environ(), firstRunEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	t.Logf("first run, in a child process:\n%s", out)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}

	restarted := time.Now()
	s := startServer(t, Config{
		DataDir:   dir,
		Namespace: testNamespace,
		Retention: 96 * time.Hour,
		Logger:    bufferedLogger(t),
	})
	c, _ := connect(t, s)

	if got := retention(t, c, testNamespace); got != 96*time.Hour {
		t.Errorf("retention after restart = %v, want 96h", got)
	}
	if status, _ := describe(t, c, "long"); status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("long after restart: status %v, want running", status)
	}
	if err := c.SignalWorkflow(t.Context(), "long", "", finishSignal, nil); err != nil {
		t.Fatalf("signal long: %v", err)
	}
	if got := result(t, c, "long").By; got != "signal" {
		t.Errorf("long ended by %q, want signal", got)
	}
	if got := result(t, c, "short").By; got != "timer" {
		t.Errorf("short ended by %q, want timer", got)
	}
	if _, closed := describe(t, c, "short"); !closed.After(restarted) {
		t.Errorf("short timer fired at %v, before the restart at %v", closed, restarted)
	}

	// The pragmas must reach SQLite: the journal mode is stored in the file,
	// so a separate connection sees it. The driver is the one the server's
	// plugin registers.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFileName)+"?mode=ro")
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	defer func() { _ = db.Close() }()
	var mode string
	if err := db.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatalf("journal_mode: %v", err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

// firstRun creates the database, starts both workflows, waits until their
// timers are stored and stops the server.
func firstRun(t *testing.T, dir string) {
	s := startServer(t, Config{
		DataDir:   dir,
		Namespace: testNamespace,
		Retention: 72 * time.Hour,
		Logger:    bufferedLogger(t),
	})
	c, disconnect := connect(t, s)
	if got := retention(t, c, testNamespace); got != 72*time.Hour {
		t.Errorf("retention on creation = %v, want 72h", got)
	}
	startWait(t, c, "long", time.Hour)
	// Long enough to outlast this server's Stop, short enough to keep the
	// test quick.
	startWait(t, c, "short", 5*time.Second)
	waitTimerStarted(t, c, "long")
	waitTimerStarted(t, c, "short")
	disconnect()

	begin := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("stopped in %v", time.Since(begin).Round(time.Millisecond))
}

// TestSideBySide runs an in-memory server and a persisted one on a chosen
// port in one process, as a test package does next to `ralo dev` style code,
// and checks that neither sees the other's workflows.
func TestSideBySide(t *testing.T) {
	ports, err := reservePorts("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfgs := []Config{
		{Ephemeral: true, Namespace: testNamespace},
		{DataDir: t.TempDir(), Port: ports[0], Namespace: testNamespace},
	}
	servers := make([]*Server, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() { servers[i] = startServer(t, cfg) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if want := ":" + strconv.Itoa(ports[0]); !strings.HasSuffix(servers[1].HostPort(), want) {
		t.Errorf("HostPort %q, want port %s", servers[1].HostPort(), want)
	}

	mem, _ := connect(t, servers[0])
	file, _ := connect(t, servers[1])
	startWait(t, mem, "only-in-memory", time.Hour)
	startWait(t, file, "only-in-file", time.Hour)

	for _, tc := range []struct {
		c  client.Client
		id string
	}{{mem, "only-in-file"}, {file, "only-in-memory"}} {
		_, err := tc.c.DescribeWorkflowExecution(t.Context(), tc.id, "")
		if _, ok := errors.AsType[*serviceerror.NotFound](err); !ok {
			t.Errorf("describe %s on the other server: err = %v, want NotFound", tc.id, err)
		}
	}
	for _, tc := range []struct {
		c  client.Client
		id string
	}{{mem, "only-in-memory"}, {file, "only-in-file"}} {
		if err := tc.c.SignalWorkflow(t.Context(), tc.id, "", finishSignal, nil); err != nil {
			t.Fatalf("signal %s: %v", tc.id, err)
		}
		if got := result(t, tc.c, tc.id).By; got != "signal" {
			t.Errorf("%s ended by %q, want signal", tc.id, got)
		}
	}
}

// TestLoggerBridge checks the filter and the tag conversion without a server.
func TestLoggerBridge(t *testing.T) {
	var buf bytes.Buffer
	l := newLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))

	l.Debug("debug dropped")
	l.Info("info dropped", tag.NewStringTag("k", "v"))
	l.With(tag.NewStringTag("shard", "1")).Warn("shard slow", tag.NewInt("attempt", 3), tag.Error(errors.New("boom")))
	l.Error("plain error")

	out := buf.String()
	if strings.Contains(out, "dropped") {
		t.Errorf("below-warn records were forwarded:\n%s", out)
	}
	for _, want := range []string{
		`level=WARN msg="shard slow" shard=1 attempt=3 error=boom`,
		`level=ERROR msg="plain error"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// Shutdown noise is dropped, shutdown errors are not.
	buf.Reset()
	l.stopping.Store(true)
	l.With(tag.NewStringTag("service", "worker")).Warn("Failed to poll for task.")
	l.Error("Failed to stop service")
	if out := buf.String(); strings.Contains(out, "poll") || !strings.Contains(out, "Failed to stop service") {
		t.Errorf("while stopping, got:\n%s", out)
	}

	// A nil logger must be usable: it is the default.
	newLogger(nil).Error("discarded", tag.NewStringTag("k", "v"))
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no data dir":        {Namespace: testNamespace},
		"both":               {Ephemeral: true, DataDir: t.TempDir(), Namespace: testNamespace},
		"no namespace":       {Ephemeral: true},
		"bad ip":             {Ephemeral: true, Namespace: testNamespace, IP: "localhost"},
		"retention too low":  {Ephemeral: true, Namespace: testNamespace, Retention: time.Minute},
		"port out of range":  {Ephemeral: true, Namespace: testNamespace, Port: 70000},
		"negative retention": {Ephemeral: true, Namespace: testNamespace, Retention: -time.Hour},
	} {
		t.Run(name, func(t *testing.T) {
			if s, err := Start(t.Context(), cfg); err == nil {
				_ = s.Stop()
				t.Fatal("Start succeeded")
			}
		})
	}
}

// TestPortInUse: a busy frontend port must be an error from Start, not the
// server's exit of the whole process.
func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	port := l.Addr().(*net.TCPAddr).Port
	s, err := Start(t.Context(), Config{Ephemeral: true, Namespace: testNamespace, Port: port})
	if err == nil {
		_ = s.Stop()
		t.Fatal("Start succeeded on a busy port")
	}
	if !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("error %q does not name the port", err)
	}
}

func TestAdvertisedIP(t *testing.T) {
	for ip, want := range map[string]string{
		"127.0.0.1": "127.0.0.1",
		"10.1.2.3":  "10.1.2.3",
		"0.0.0.0":   "127.0.0.1",
		"::":        "::1",
		"::1":       "::1",
	} {
		if got := advertisedIP(ip); got != want {
			t.Errorf("advertisedIP(%q) = %q, want %q", ip, got, want)
		}
	}
}
