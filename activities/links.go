package activities

import (
	"net/url"
	"strings"

	"github.com/lacralo/ralo/workflows"
)

// The addresses emails link to are computed here, when the messages are
// written, and nowhere else: a workflow names the process and the object,
// never a URL, so that moving the public address changes no history.
//
// A link names a page and the object's ID, nothing more: never a secret,
// a receipt code or who filed a complaint. The sign-in link, whose secret
// is the point, is made by the service and passed in the data as it is.

// DefaultPublicURL is the address links point to when neither --public-url
// nor a listen address is known (a worker on its own): the listen address
// `ralo serve` uses by default.
const DefaultPublicURL = "http://127.0.0.1:8080"

// pages maps a notification's process to the path of its page; the object
// ID is appended to the paths that end in "/".
var pages = map[string]string{
	"election":      "/elections/",
	"ethics":        "/ethics/",
	"arbitration":   "/arbitrations/",
	"statement":     "/statements/",
	"meetings":      "/meetings/",
	"digest":        "/",
	"welcome":       "/login",
	"registry":      "/profile",
	"participation": "/participation",
}

// publicURL is the web interface's address without a trailing slash.
func (a *Activities) publicURL() string {
	if u := strings.TrimRight(a.PublicURL, "/"); u != "" {
		return u
	}
	return DefaultPublicURL
}

// apiURL is the API's public address: --base-url, else the web's (the same
// server answers both).
func (a *Activities) apiURL() string {
	if u := strings.TrimRight(a.BaseURL, "/"); u != "" {
		return u
	}
	return a.publicURL()
}

// pageLink is the absolute address of the page a notification is about;
// a process without a page links to the dashboard.
func (a *Activities) pageLink(in workflows.NotifyInput) string {
	// A note may name the page it is about by its path (the ballot
	// receipt: the booth of its seat).
	if p, ok := in.Data["path"].(string); ok && strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
		return a.publicURL() + p
	}
	path, ok := pages[in.Process]
	switch {
	case !ok:
		path = "/"
	case strings.HasSuffix(path, "/") && path != "/":
		path += url.PathEscape(in.ObjectID)
	}
	return a.publicURL() + path
}

// extraLinks are the links some emails give besides their page's: the
// digest says where to unsubscribe (the profile page).
func (a *Activities) extraLinks(in workflows.NotifyInput) map[string]string {
	if in.Process != "digest" {
		return nil
	}
	return map[string]string{"profile_link": a.publicURL() + "/profile"}
}

// meetingLink is the absolute address of a meeting's page.
func (a *Activities) meetingLink(meetingID string) string {
	return a.pageLink(workflows.NotifyInput{Process: "meetings", ObjectID: meetingID})
}
