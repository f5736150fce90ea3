package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// tasksOf waits until the member's dashboard holds the tasks of caseID
// that want says (action names, in any order; none for no task).
func tasksOf(t *testing.T, m store.Member, caseID string, want ...string) []service.Task {
	t.Helper()
	var got []service.Task
	deadline := time.Now().Add(30 * time.Second)
	for {
		all, err := shared.svc.Dashboard(context.Background(), &service.Actor{Member: m})
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		var actions []string
		for _, task := range all {
			if task.ID == caseID {
				got = append(got, task)
				actions = append(actions, task.Action)
			}
		}
		if strings.Join(actions, ",") == strings.Join(want, ",") {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's tasks in %s: %v, want %v", m.Name, caseID, actions, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDashboardFromTheIndex: the dashboard reads each member's ethics
// tasks from the cases index the workflow writes (no live query per open
// case): the committee screens (not a recused member, not a party), the
// respondent answers by the response deadline, the committee deliberates;
// a case whose workflow wrote no tasks (started before the projection) is
// still read through its workflow.
func TestDashboardFromTheIndex(t *testing.T) {
	bg := context.Background()
	country(t, "SV", "El Salvador")
	filer := memberOf(t, "Débora Denunciante", "es", "SV", "")
	respondent := memberOf(t, "Rubén Respondiente", "es", "SV", "")
	active := memberOf(t, "Carla Comité", "es", "SV", "", store.RoleEthicsCommittee)
	recused := memberOf(t, "Raúl Recusado", "es", "SV", "", store.RoleEthicsCommittee)
	filed, err := shared.svc.FileComplaint(bg, &service.Actor{Member: filer}, service.ComplaintRequest{RespondentID: respondent.ID,
		Kind: "bad_faith", Summary: "Dashboard from the index.", Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	screen := tasksOf(t, active, filed.ID, service.ActionScreen)
	if screen[0].Due == nil || screen[0].Title == "" {
		t.Errorf("the screening task has no deadline or title: %+v", screen[0])
	}
	tasksOf(t, filer, filed.ID)
	tasksOf(t, respondent, filed.ID)
	if _, err := shared.svc.RecuseFromComplaint(bg, &service.Actor{Member: recused}, filed.ID, service.ComplaintReason{Reason: "I know them"}); err != nil {
		t.Fatal(err)
	}
	tasksOf(t, recused, filed.ID)

	// The page shows it, linked, with the time left.
	c := signedInClient(t, active)
	st, _, body := fetch(t, c, "GET", "/?lang=en", nil)
	if st != http.StatusOK || !strings.Contains(body, `href="/ethics/`+filed.ID+`"`) {
		t.Fatalf("the committee member's dashboard: %d, no link to the case\n%s", st, body)
	}

	if _, err := shared.svc.AdmitComplaint(bg, &service.Actor{Member: active}, filed.ID, service.ComplaintNote{Note: "admitted"}); err != nil {
		t.Fatal(err)
	}
	respond := tasksOf(t, respondent, filed.ID, service.ActionRespond)
	if respond[0].Due == nil || !respond[0].Due.After(time.Now()) {
		t.Errorf("the response task's deadline: %v", respond[0].Due)
	}
	tasksOf(t, active, filed.ID)
	if _, err := shared.svc.RespondToComplaint(bg, &service.Actor{Member: respondent}, filed.ID, service.ComplaintText{Text: "My answer"}); err != nil {
		t.Fatal(err)
	}
	tasksOf(t, respondent, filed.ID)

	// A case whose workflow wrote no tasks: the dashboard asks it.
	other, err := shared.svc.FileComplaint(bg, &service.Actor{Member: filer}, service.ComplaintRequest{RespondentID: respondent.ID,
		Kind: "other", Summary: "Written before the projection."})
	if err != nil {
		t.Fatal(err)
	}
	tasksOf(t, active, other.ID, service.ActionScreen)
	db := shared.app.Store.DB
	if err := db.Exec("UPDATE cases SET tasks_projected = ? WHERE id = ?", false, other.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("DELETE FROM case_tasks WHERE case_id = ?", other.ID).Error; err != nil {
		t.Fatal(err)
	}
	tasksOf(t, active, other.ID, service.ActionScreen)
	tasksOf(t, recused, other.ID, service.ActionScreen)
	tasksOf(t, respondent, other.ID)
}
