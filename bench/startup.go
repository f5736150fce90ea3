package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// StartupReport is one start of the service.
type StartupReport struct {
	// Fresh says the data folder held no databases before.
	Fresh bool `json:"fresh"`
	// Ready is the time from calling Start to /readyz answering 200:
	// databases opened (created and migrated when fresh), Temporal up,
	// the worker polling.
	Ready time.Duration `json:"ready"`
	// Idle is the memory Settle after ready, with nothing to do.
	Idle Memory `json:"idle"`
}

// Startup starts the service on dataDir, times it until /readyz answers
// 200, waits settle, reads the memory and stops it. Run in a fresh process
// for a faithful RSS (`ralo bench startup` does): the embedded Temporal's
// SQLite keeps its connection for the life of the process.
func Startup(ctx context.Context, dataDir string, settle time.Duration) (StartupReport, error) {
	var rep StartupReport
	fresh, err := emptyDir(dataDir)
	if err != nil {
		return rep, err
	}
	rep.Fresh = fresh
	t0 := time.Now()
	e, err := Start(ctx, Options{DataDir: dataDir})
	if err != nil {
		return rep, err
	}
	defer e.Close()
	if err := poll(ctx, 5*time.Millisecond, "/readyz", func() (bool, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", e.URL+"/readyz", nil)
		if err != nil {
			return false, err
		}
		resp, err := e.HTTP.Do(req)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	}); err != nil {
		return rep, err
	}
	rep.Ready = time.Since(t0)
	select {
	case <-ctx.Done():
		return rep, ctx.Err()
	case <-time.After(settle):
	}
	rep.Idle, err = ReadMemory()
	return rep, err
}

// emptyDir says dir is missing or holds no databases.
func emptyDir(dir string) (bool, error) {
	for _, name := range []string{"temporal.db", "ralo.db"} {
		ok, err := exists(dir + "/" + name)
		if err != nil || ok {
			return false, err
		}
	}
	return true, nil
}

// String is the start on one line.
func (r StartupReport) String() string {
	kind := "restart"
	if r.Fresh {
		kind = "fresh"
	}
	return fmt.Sprintf("%s: ready in %v; idle %s", kind, r.Ready.Round(time.Millisecond), r.Idle)
}
