package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lacralo/ralo/store"
)

// benchActor is the registry actor of the setup done through the store.
var benchActor = store.Actor{MemberID: "bench"}

// newMember creates a member of country CL (creating the country if
// needed) through the store: setup, not what is measured.
func newMember(ctx context.Context, e *Env, name string, roles ...string) (store.Member, error) {
	st := e.Store()
	if _, err := st.CreateCountry(ctx, benchActor, store.CountryInput{Code: "CL", Name: "Chile"}); err != nil && !countryExists(err) {
		return store.Member{}, fmt.Errorf("country: %w", err)
	}
	email := fmt.Sprintf("%s-%s@bench.example.org", name, store.NewID("x"))
	country := "CL"
	in := store.MemberInput{Name: &name, Email: &email, Country: &country}
	if len(roles) > 0 {
		in.Roles = &roles
	}
	m, err := st.CreateMember(ctx, benchActor, in)
	if err != nil {
		return m, fmt.Errorf("member %s: %w", name, err)
	}
	return m, nil
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// countryExists says err refuses a country that exists already.
func countryExists(err error) bool {
	var fe store.FieldErrors
	return isConflict(err) || errors.As(err, &fe) && fe["code"] != ""
}

// Run is how one batch of operations went.
type Run struct {
	N       int           `json:"n"`
	Failed  int           `json:"failed"`
	Elapsed time.Duration `json:"elapsed"`
	// Rate is successful operations per second of the whole batch.
	Rate float64       `json:"rate_per_second"`
	P50  time.Duration `json:"p50"`
	P99  time.Duration `json:"p99"`
	Max  time.Duration `json:"max"`
	// FirstError is the first failure, for the report.
	FirstError string `json:"first_error,omitempty"`

	lat Latencies
}

// merge adds another batch of the same operation, as if run in sequence.
func (r Run) merge(o Run) Run {
	out := Run{N: r.N + o.N, Failed: r.Failed + o.Failed, Elapsed: r.Elapsed + o.Elapsed, FirstError: r.FirstError,
		lat: append(slices.Clone(r.lat), o.lat...)}
	if out.FirstError == "" {
		out.FirstError = o.FirstError
	}
	out.Rate = float64(len(out.lat)) / out.Elapsed.Seconds()
	out.P50, out.P99, out.Max = out.lat.Quantile(0.5), out.lat.Quantile(0.99), out.lat.Quantile(1)
	return out
}

// String is the run on one line.
func (r Run) String() string {
	return fmt.Sprintf("%d in %v (%d failed): %.1f/s, p50 %s, p99 %s, max %s",
		r.N, r.Elapsed.Round(time.Millisecond), r.Failed, r.Rate, ms(r.P50), ms(r.P99), ms(r.Max))
}

// closedLoop runs op for i in [0, n) from conc workers, each starting its
// next operation when the last one answered, and times every operation.
func closedLoop(ctx context.Context, n, conc int, op func(ctx context.Context, i int) error) Run {
	var (
		next   atomic.Int64
		mu     sync.Mutex
		lat    = make(Latencies, 0, n)
		failed int
		first  string
		wg     sync.WaitGroup
	)
	start := time.Now()
	for range max(conc, 1) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				err := op(ctx, i)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					failed++
					if first == "" {
						first = err.Error()
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	return Run{N: n, Failed: failed, Elapsed: elapsed, Rate: float64(len(lat)) / elapsed.Seconds(),
		P50: lat.Quantile(0.5), P99: lat.Quantile(0.99), Max: lat.Quantile(1), FirstError: first, lat: lat}
}

// Memory is the process's memory at one moment.
type Memory struct {
	// RSS is the resident set size (VmRSS of /proc/self/status).
	RSS uint64 `json:"rss_bytes"`
	// HeapInuse and HeapAlloc are the Go heap after a collection.
	HeapInuse  uint64 `json:"heap_inuse_bytes"`
	HeapAlloc  uint64 `json:"heap_alloc_bytes"`
	Goroutines int    `json:"goroutines"`
}

// String is the memory on one line, in MB.
func (m Memory) String() string {
	return fmt.Sprintf("RSS %s, Go heap %s in use (%s live), %d goroutines", mb(m.RSS), mb(m.HeapInuse), mb(m.HeapAlloc), m.Goroutines)
}

func mb(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }

// ReadMemory collects garbage, then reads the Go heap and the RSS.
func ReadMemory() (Memory, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Memory{HeapInuse: ms.HeapInuse, HeapAlloc: ms.HeapAlloc, Goroutines: runtime.NumGoroutine()}
	rss, err := processRSS()
	m.RSS = rss
	return m, err
}

// processRSS reads VmRSS from /proc/self/status (Linux).
func processRSS() (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		return kb * 1024, err
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}

// exists says a file exists.
func exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
