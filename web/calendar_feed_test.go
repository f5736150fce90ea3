package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// TestCalendarFeedInOwnersLanguage: the feed a calendar application reads
// with a feed token names a complaint's screening deadline and describes
// a meeting in the language of the token's owner, one language a row.
func TestCalendarFeedInOwnersLanguage(t *testing.T) {
	ctx := context.Background()
	staff := member(t, "Flor Feed", "es", store.RoleStaff)
	meeting, err := shared.svc.CreateMeeting(ctx, &service.Actor{Member: staff}, service.MeetingRequest{Kind: store.MeetingWorkingGroup,
		Title: "Grupo de reglas del calendario", StartsAt: time.Now().Add(96 * time.Hour), Location: "Jitsi"})
	if err != nil {
		t.Fatal(err)
	}
	respondent := member(t, "Rui Respondent", "pt")
	for _, tc := range []struct {
		lang, screening, meeting string
	}{
		{"es", "Caso de ética %s: admisión", "Reunión de LACRALO: Grupo de trabajo"},
		{"en", "Ethics case %s: screening", "LACRALO meeting: Working group"},
		{"pt", "Caso de ética %s: admissão", "Reunião da LACRALO: Grupo de trabalho"},
		{"fr", "Dossier d'éthique %s : recevabilité", "Réunion de LACRALO : Groupe de travail"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			owner := member(t, "Fede Feed", tc.lang)
			a := &service.Actor{Member: owner}
			filed, err := shared.svc.FileComplaint(ctx, a, service.ComplaintRequest{RespondentID: respondent.ID,
				Kind: "other", Summary: "Calendar feed language check."})
			if err != nil {
				t.Fatal(err)
			}
			issued, err := shared.svc.IssueFeedToken(ctx, a, owner.ID)
			if err != nil {
				t.Fatal(err)
			}
			feed := func() string {
				resp, err := http.Get(shared.url + "/api/v1/calendar.ics?token=" + url.QueryEscape(issued.Token))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("feed: %d", resp.StatusCode)
				}
				return strings.ReplaceAll(string(b), "\r\n ", "") // unfold the long lines
			}
			screening := "SUMMARY:" + strings.Replace(tc.screening, "%s", filed.ID, 1)
			var ics string
			waitFor(t, 30*time.Second, "the complaint in the feed", func() bool {
				ics = feed()
				return strings.Contains(ics, "UID:ethics-"+filed.ID+"-screening@ralo")
			})
			mustHave(t, "feed in "+tc.lang, ics, screening, "SUMMARY:Grupo de reglas del calendario", "DESCRIPTION:"+tc.meeting,
				"UID:meeting-"+meeting.Meeting.ID+"@ralo")
			mustLack(t, "feed in "+tc.lang, ics, "DESCRIPTION:LACRALO working group meeting")
			if tc.lang != "en" {
				mustLack(t, "feed in "+tc.lang, ics, "SUMMARY:Ethics case")
			}
		})
	}
}
