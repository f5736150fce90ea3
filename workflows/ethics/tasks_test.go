package ethics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/ethics"
)

// tasksLine writes a save's tasks as "member:action@offset" (offset from
// t0 in days, "-" when untimed), in order.
func tasksLine(s workflows.CaseIndex) string {
	var out []string
	for _, x := range s.Tasks {
		due := "-"
		if x.Due != nil {
			due = x.Due.Sub(t0).Round(time.Hour).String()
		}
		out = append(out, x.MemberID+":"+x.Action+"@"+due)
	}
	return strings.Join(out, " ")
}

// TestEthicsWritesTasks: each save of the cases index carries what each
// member must do now (the dashboard's tasks): the committee members not
// recused screen by the screening deadline, the respondent answers by the
// response deadline, the committee deliberates (untimed), both parties may
// appeal until the window closes, and a closed case holds none.
func TestEthicsWritesTasks(t *testing.T) {
	h := newHarness(t)
	h.OK(h.Update(day, ethics.UpdateAdmit, ethics.AdmitInput{Actor: asC1}))
	h.OK(h.Update(3*day, ethics.UpdateRespond, ethics.RespondInput{Actor: asRespondent, Text: "No conflict."}))
	h.OK(h.Update(4*day, ethics.UpdateDeliberate, ethics.DeliberateInput{Actor: asC4}))
	h.CancelAt(10 * day)
	h.runCancelled(input("E-T"))

	saves := h.Saves()
	var lines []string
	for _, s := range saves {
		if !s.Projected {
			t.Fatalf("a save of a new case without its tasks: %+v", s)
		}
		lines = append(lines, s.Status+" "+tasksLine(s))
	}
	screening := "m-c1:screen@" + (14 * day).String() + " m-c2:screen@" + (14 * day).String() +
		" m-c3:screen@" + (14 * day).String() + " m-c4:screen@" + (14 * day).String()
	want := []string{
		"screening " + screening,
		"investigation m-bob:respond@" + (day + 21*day).String(),
		"investigation ",
		"deliberation m-c1:deliberate@- m-c2:deliberate@- m-c3:deliberate@- m-c4:deliberate@-",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("saves:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestEthicsWritesAppealTasks: once decided, both parties may appeal
// until the window closes; an appeal ends their tasks.
func TestEthicsWritesAppealTasks(t *testing.T) {
	h := newHarness(t)
	h.toDeliberation()
	h.decide(3*day, ethics.Decision{Kind: ethics.DecisionWarning})
	h.OK(h.Update(5*day, ethics.UpdateAppeal, ethics.AppealInput{Actor: asComplainant, Reason: "Too lenient."}))
	h.CancelAt(6 * day)
	h.runCancelled(input("E-TA"))

	var window, appealed *workflows.CaseIndex
	for _, s := range h.Saves() {
		switch s.Status {
		case ethics.StatusAppealWindow:
			window = &s
		case ethics.StatusAppealed:
			appealed = &s
		}
	}
	if window == nil || appealed == nil {
		t.Fatalf("no save in the appeal window or once appealed: %+v", h.Saves())
	}
	line := tasksLine(*window)
	if !strings.HasPrefix(line, "m-ana:appeal@") || !strings.Contains(line, " m-bob:appeal@") || strings.Count(line, ":") != 2 {
		t.Errorf("appeal window tasks %q, want both parties' appeal", line)
	}
	if len(appealed.Tasks) != 0 {
		t.Errorf("tasks once appealed: %q", tasksLine(*appealed))
	}
}
