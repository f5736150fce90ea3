package processtest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/lacralo/ralo/devserver"
	"github.com/lacralo/ralo/workflows"
)

// StartRecording skips the test unless RecordEnv is set; otherwise it
// starts an embedded Temporal server, dials it and runs a worker on the
// task queue with Notify and the fake shared activities; register adds the
// process's workflows and its own fake activities. It returns a context
// that ends after timeout, and the client. The worker, the client and the
// server stop when the test ends.
func StartRecording(t *testing.T, timeout time.Duration, register func(worker.Worker)) (context.Context, client.Client) {
	t.Helper()
	SkipUnlessRecording(t)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	srv, err := devserver.Start(ctx, devserver.Config{Ephemeral: true, Namespace: "ralo"})
	if err != nil {
		t.Fatalf("start devserver: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop devserver: %v", err)
		}
	})
	c, err := client.Dial(client.Options{HostPort: srv.HostPort(), Namespace: srv.Namespace(),
		Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflow(workflows.Notify)
	RegisterFakeActivities(w)
	register(w)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)
	return ctx, c
}
