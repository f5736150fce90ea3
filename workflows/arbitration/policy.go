package arbitration

import (
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/workflows"
)

// PeriodsFrom are a case's clocks as the policy in force sets them, copied
// into the case when it is filed.
func PeriodsFrom(p policy.Arbitration) Periods {
	d := func(v policy.Duration) workflows.Duration { return workflows.Duration(v.D()) }
	out := Periods{
		ChallengeWindow: d(p.ChallengeWindow), Submissions: d(p.Submissions), RulingDue: d(p.RulingDue),
		MaxExtension: d(p.MaxExtension), OverdueAlertEvery: d(p.OverdueAlertEvery),
	}
	for _, r := range p.Reminders {
		out.Reminders = append(out.Reminders, d(r))
	}
	return out
}
