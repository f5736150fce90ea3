package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/arbitration"
)

var seedOnce sync.Once

// seedMembers brings the shared database to at least n members.
func seedMembers(b testing.TB, n int) {
	seedOnce.Do(func() {
		ctx := context.Background()
		st := shared.app.Store
		if _, err := st.CreateCountry(ctx, store.Actor{}, store.CountryInput{Code: "UY", Name: "Uruguay", Subregion: ""}); err != nil {
			b.Logf("country: %v", err)
		}
		have, err := st.CountMembers(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for i := int(have); i < n; i++ {
			name, email, country := fmt.Sprintf("Bench %04d", i), fmt.Sprintf("bench%04d@example.org", i), "UY"
			if _, err := st.CreateMember(ctx, store.Actor{}, store.MemberInput{Name: &name, Email: &email, Country: &country}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListMembers measures GET /api/v1/members over real HTTP with
// 1,000 members in the registry: the default page (100) and the largest
// (1,000). It reports p50 and p99.
//
//	go test -run '^$' -bench ListMembers -benchtime 500x ./api/
func BenchmarkListMembers(b *testing.B) {
	b.Run("page=100", func(b *testing.B) { benchList(b, "") })
	b.Run("page=1000", func(b *testing.B) { benchList(b, "?limit=1000") })
}

func benchList(b *testing.B, query string) {
	seedMembers(b, 1000)
	req := func() time.Duration {
		r, _ := http.NewRequest("GET", shared.url+"/api/v1/members"+query, nil)
		r.Header.Set("Authorization", "Bearer "+adminToken)
		start := time.Now()
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return time.Since(start)
	}
	req()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = append(lat, req())
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkGetMember measures a single-member read, the common case.
func BenchmarkGetMember(b *testing.B) {
	seedMembers(b, 1000)
	ms, err := shared.app.Store.ListMembers(context.Background(), store.MemberFilter{Limit: 1})
	if err != nil || len(ms) == 0 {
		b.Fatal(err)
	}
	url := shared.url + "/api/v1/members/" + ms[0].ID
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := http.NewRequest("GET", url, nil)
		r.Header.Set("Authorization", "Bearer "+adminToken)
		start := time.Now()
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.50), "p50_ms")
	b.ReportMetric(p(0.99), "p99_ms")
}

// BenchmarkOpenCase compares opening an arbitration case through the API
// (auth, validation, registry reads, index row, workflow start, over HTTP)
// with starting the same workflow directly with the Temporal SDK, against
// the same embedded server in the same run.
//
//	go test -run '^$' -bench OpenCase -benchtime 200x ./api/
func BenchmarkOpenCase(b *testing.B) {
	ctx := context.Background()
	st := shared.app.Store
	if _, err := st.CreateCountry(ctx, store.Actor{}, store.CountryInput{Code: "CL", Name: "Chile"}); err != nil {
		b.Logf("country: %v", err)
	}
	name, email, country := "Bench party", fmt.Sprintf("party%d@example.org", time.Now().UnixNano()), "CL"
	party, err := st.CreateMember(ctx, store.Actor{}, store.MemberInput{Name: &name, Email: &email, Country: &country})
	if err != nil {
		b.Fatal(err)
	}
	body := fmt.Sprintf(`{"question":"Bench question","articles":["1"],"parties":[%q]}`, party.ID)

	b.Run("api", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r, _ := http.NewRequest("POST", shared.url+"/api/v1/arbitrations", strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+adminToken)
			r.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
	b.Run("sdk", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			in := arbitration.Input{CaseID: store.NewID("arb"), Question: "Bench question", Articles: []string{"1"},
				Parties: []arbitration.Party{{Kind: arbitration.PartyMember, ID: party.ID}}, FiledBy: party.ID, FiledAt: store.Now()}
			if _, err := shared.app.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID: arbitration.WorkflowID(in.CaseID), TaskQueue: workflows.TaskQueue,
			}, arbitration.WorkflowName, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
}
