package activities_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lacralo/ralo/activities"
	"github.com/lacralo/ralo/notify"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows"
)

// linkCase is one kind of email and the page it must link to, under the
// public address.
type linkCase struct {
	process, objectID, event string
	data                     map[string]any
	page                     string
}

// linkCases covers every event the service sends that names a page: each
// process's, the digest, the welcome and the registry's. Their data are the
// keys the process puts in; the link is never among them.
var linkCases = []linkCase{
	{"ethics", "eth_42", "ethics.filed", map[string]any{"case_id": "eth_42", "title": "Conflict"}, "/ethics/eth_42"},
	{"ethics", "eth_42", "ethics.decision", map[string]any{"case_id": "eth_42", "outcome": "warning"}, "/ethics/eth_42"},
	{"arbitration", "arb_appeal_eth_42", "arbitration.filed", map[string]any{"case_id": "arb_appeal_eth_42"}, "/arbitrations/arb_appeal_eth_42"},
	{"arbitration", "arb_7", "arbitration.ruling", map[string]any{"case_id": "arb_7", "outcome": "upheld"}, "/arbitrations/arb_7"},
	{"election", "el_2027", "election.opened", map[string]any{"election_id": "el_2027", "title": "Chair"}, "/elections/el_2027"},
	{"election", "el_2027", "election.voting_open", map[string]any{"election_id": "el_2027", "title": "Chair"}, "/elections/el_2027"},
	{"election", "el_2027", "election.results", map[string]any{"election_id": "el_2027", "title": "Chair"}, "/elections/el_2027"},
	{"statement", "st_9", "statement.comment_period", map[string]any{"statement_id": "st_9", "title": "IDN"}, "/statements/st_9"},
	{"statement", "st_9", "statement.submitted", map[string]any{"statement_id": "st_9", "title": "IDN"}, "/statements/st_9"},
	{"meetings", "mt_3", "meeting.invitation", map[string]any{"title": "Monthly call", "starts_at": "2027-01-05T15:00:00Z"}, "/meetings/mt_3"},
	{"meetings", "mt_3", "meeting.reminder", map[string]any{"title": "Monthly call", "starts_at": "2027-01-05T15:00:00Z"}, "/meetings/mt_3"},
	{"meetings", "mt_3", "meeting.cancelled", map[string]any{"title": "Monthly call", "starts_at": "2027-01-05T15:00:00Z"}, "/meetings/mt_3"},
	{"digest", "2027-01/m_1", "digest.monthly", map[string]any{"month": "2027-01", "member_id": "m_1"}, "/"},
	{"welcome", "m_1", "member.welcome", map[string]any{"als": "ISOC AR"}, "/login"},
	{"registry", "m_1", "member.roles_changed", map[string]any{"roles": "member, staff"}, "/profile"},
	{"participation", "als_1", "participation.warning", map[string]any{"als": "ISOC AR"}, "/participation"},
}

// enqueue writes one event for the admin and returns the body written.
func enqueue(t *testing.T, a *activities.Activities, member string, in workflows.NotifyInput) string {
	t.Helper()
	ctx := context.Background()
	in.MemberIDs = []string{member}
	res, err := a.EnqueueNotifications(ctx, in)
	if err != nil {
		t.Fatalf("%s: %v", in.Event, err)
	}
	if len(res.Emails) != 1 {
		t.Fatalf("%s: %d emails written, want 1", in.Event, len(res.Emails))
	}
	m, err := a.Store.GetOutbox(ctx, res.Emails[0].OutboxID)
	if err != nil {
		t.Fatal(err)
	}
	return m.Body
}

func linkStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "ralo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.BootstrapAdmin(ctx, ""); err != nil {
		t.Fatal(err)
	}
	admin, err := st.FirstAdmin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st, admin.ID
}

// TestLinksInEmails: every email links to the absolute address of its
// page, under --public-url when it is set and under the listen address
// (the default) when it is not.
func TestLinksInEmails(t *testing.T) {
	st, admin := linkStore(t)
	for _, base := range []struct{ name, configured, want string }{
		{"public-url", "https://ralo.lacralo.org/", "https://ralo.lacralo.org"},
		{"listen-address", "", activities.DefaultPublicURL},
	} {
		t.Run(base.name, func(t *testing.T) {
			a := &activities.Activities{Store: st, PublicURL: base.configured}
			for _, c := range linkCases {
				body := enqueue(t, a, admin, workflows.NotifyInput{Process: c.process, ObjectID: c.objectID,
					Step: base.name + "/" + c.event, Event: c.event, Data: c.data})
				want := base.want + c.page
				if !containsLink(body, want) {
					t.Errorf("%s: body does not link to %s:\n%s", c.event, want, body)
				}
			}
		})
	}
}

// containsLink reports whether body holds url as a whole address, not as
// the start of a longer one ("/" must not match "/ethics/…").
func containsLink(body, url string) bool {
	for _, f := range strings.Fields(body) {
		if f == url {
			return true
		}
	}
	return false
}

// TestLinksEveryEventCovered: every event of the catalogue is in the
// table above, or one of the emails that carries no page link or a link of
// its own.
func TestLinksEveryEventCovered(t *testing.T) {
	own := map[string]bool{
		"sign_in_link":            true, // the one-time sign-in link, made by the service
		"participation.quarterly": true, // the report's public CSV
		"token_issued":            true, // says to ask the administrator, links nowhere
	}
	prefixes := map[string]bool{}
	for _, c := range linkCases {
		prefixes[strings.SplitN(c.event, ".", 2)[0]] = true
	}
	for _, ev := range notify.Events() {
		if own[ev] || ev == "generic" {
			continue
		}
		if !prefixes[strings.SplitN(ev, ".", 2)[0]] {
			t.Errorf("event %s: no process in the link table sends it", ev)
		}
	}
}

// TestLinksKeepTheirOwn: a link given in the data (the sign-in link, the
// quarterly report's CSV) is kept as it is; the digest also links to the
// profile page, where one unsubscribes; a page link carries nothing but
// the object's ID.
func TestLinksKeepTheirOwn(t *testing.T) {
	st, admin := linkStore(t)
	a := &activities.Activities{Store: st, PublicURL: "https://ralo.lacralo.org"}
	signIn := "https://ralo.lacralo.org/login/secret-once"
	body := enqueue(t, a, admin, workflows.NotifyInput{Process: "registry", ObjectID: admin, Step: "sign_in/1",
		Event: "sign_in_link", Data: map[string]any{"link": signIn, "minutes": 15}})
	if !containsLink(body, signIn) || strings.Contains(body, "/profile") {
		t.Errorf("sign-in email does not keep its link:\n%s", body)
	}
	body = enqueue(t, a, admin, workflows.NotifyInput{Process: "digest", ObjectID: "2027-02/" + admin, Step: "monthly",
		Event: "digest.monthly", Data: map[string]any{"month": "2027-02", "member_id": admin}})
	if !strings.Contains(body, "(https://ralo.lacralo.org/profile)") {
		t.Errorf("the digest does not say where to unsubscribe:\n%s", body)
	}
	body = enqueue(t, a, admin, workflows.NotifyInput{Process: "ethics", ObjectID: "eth 1/x", Step: "filed",
		Event: "ethics.filed", Data: map[string]any{"case_id": "eth 1/x", "complainant": "m_anon"}})
	if !containsLink(body, "https://ralo.lacralo.org/ethics/eth%201%2Fx") || strings.Contains(body, "m_anon") {
		t.Errorf("ethics link is not the escaped case ID alone:\n%s", body)
	}
}
