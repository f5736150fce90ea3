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

// TestInvitedAmong: which of some meetings a member was invited to, read
// from their invitations in the outbox; another member's, another step's
// and another meeting's messages do not count.
func TestInvitedAmong(t *testing.T) {
	inArgentina(t, func(t *testing.T, ctx context.Context, st *store.Store, staff store.Actor) {
		var ids []string
		for _, n := range []string{"ana", "bob"} {
			m, err := st.CreateMember(ctx, staff, store.MemberInput{Name: ptr(n), Email: ptr(n + "@example.org"), Country: ptr("AR")})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		ana, bob := ids[0], ids[1]
		for i, m := range []struct {
			key    string
			member string
		}{
			{"meetings/mtg_1/invitation/" + ana, ana},
			{"meetings/mtg_2/invitation/" + bob, bob},
			{"meetings/mtg_3/reminder/" + ana, ana},
			{"meetings/mtg_4/invitation/" + ana, ana},
		} {
			msg := store.OutboxMessage{ID: "o_" + string(rune('a'+i)), IdemKey: m.key, Process: "meetings", MemberID: &m.member,
				ToEmail: "x@example.org", Status: store.OutboxSent, CreatedAt: time.Now()}
			if err := st.DB.Create(&msg).Error; err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.InvitedAmong(ctx, ana, []string{"mtg_1", "mtg_2", "mtg_3"})
		if err != nil || len(got) != 1 || !got["mtg_1"] {
			t.Errorf("ana invited among mtg_1..3 = %v (%v), want mtg_1 only", got, err)
		}
		if got, _ := st.InvitedAmong(ctx, bob, nil); len(got) != 0 {
			t.Errorf("no meetings asked: %v", got)
		}
	})
}
