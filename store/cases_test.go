package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestCaseTasks: a projected save replaces the case's tasks; a save
// without the projection (the service's, when the case opens) keeps them;
// a member's tasks come soonest first, untimed last, with the case's
// title; the unprojected and status listings see what they should.
func TestCaseTasks(t *testing.T) {
	ctx := context.Background()
	for name, st := range backends(t) {
		t.Run(name, func(t *testing.T) {
			soon := time.Date(2027, 1, 10, 12, 0, 0, 0, time.FixedZone("UTC-3", -3*3600))
			later := soon.Add(48 * time.Hour)
			save := func(c store.Case) {
				t.Helper()
				if err := st.SaveCase(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			save(store.Case{ID: "eth_a", Process: "ethics", Status: "screening", Title: "A"})
			save(store.Case{ID: "eth_a", Process: "ethics", Status: "screening", Title: "A", TasksProjected: true,
				Tasks: []store.CaseTask{{MemberID: "m_1", Action: "screen", Due: &later}, {MemberID: "m_2", Action: "screen", Due: &later},
					{MemberID: "m_1", Action: "screen", Due: &later}}})
			save(store.Case{ID: "eth_b", Process: "ethics", Status: "deliberation", Title: "B", TasksProjected: true,
				Tasks: []store.CaseTask{{MemberID: "m_1", Action: "deliberate"}}})
			save(store.Case{ID: "eth_c", Process: "ethics", Status: "investigation", Title: "C", TasksProjected: true,
				Tasks: []store.CaseTask{{MemberID: "m_1", Action: "respond", Due: &soon}}})
			save(store.Case{ID: "eth_old", Process: "ethics", Status: "screening", Title: "Old"})
			save(store.Case{ID: "eth_shut", Process: "ethics", Status: "closed", Title: "Shut"})

			tasks, err := st.TasksOf(ctx, "ethics", "m_1")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range tasks {
				got = append(got, x.CaseID+":"+x.Action+":"+x.Title)
			}
			if want := "eth_c:respond:C eth_a:screen:A eth_b:deliberate:B"; strings.Join(got, " ") != want {
				t.Fatalf("m_1's tasks = %q, want %q", strings.Join(got, " "), want)
			}
			if !tasks[0].Due.Equal(soon) || tasks[2].Due != nil {
				t.Errorf("due times: %v, %v", tasks[0].Due, tasks[2].Due)
			}

			// The service's save when the case opens keeps the tasks; the
			// workflow's next save replaces them.
			save(store.Case{ID: "eth_a", Process: "ethics", Status: "screening", Title: "A"})
			if tasks, _ := st.TasksOf(ctx, "ethics", "m_2"); len(tasks) != 1 {
				t.Errorf("m_2's tasks after an unprojected save: %d, want 1", len(tasks))
			}
			save(store.Case{ID: "eth_a", Process: "ethics", Status: "investigation", Title: "A", TasksProjected: true})
			if tasks, _ := st.TasksOf(ctx, "ethics", "m_2"); len(tasks) != 0 {
				t.Errorf("m_2's tasks after the case moved on: %d, want 0", len(tasks))
			}
			if tasks, _ := st.TasksOf(ctx, "election", "m_1"); len(tasks) != 0 {
				t.Errorf("tasks of another process: %d", len(tasks))
			}

			old, err := st.ListUnprojected(ctx, "ethics", "", []string{"screening", "investigation"}, 10)
			if err != nil || len(old) != 1 || old[0].ID != "eth_old" {
				t.Errorf("unprojected open cases = %v (%v), want eth_old", old, err)
			}
			open, err := st.ListCasesIn(ctx, "ethics", []string{"closed"}, 10)
			if err != nil || len(open) != 1 || open[0].ID != "eth_shut" {
				t.Errorf("closed cases = %v (%v), want eth_shut", open, err)
			}
		})
	}
}
