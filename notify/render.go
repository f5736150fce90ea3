package notify

import (
	"embed"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// DefaultLanguage is the language used when a member has none we support:
// Spanish is the language most LACRALO members share.
const DefaultLanguage = "es"

// ErrUnknownEvent is returned by Render for an event no template describes;
// it is a programming error, so callers treat it as permanent.
var ErrUnknownEvent = errors.New("notify: unknown event")

// Rendered is one email's text, ready for the outbox.
type Rendered struct {
	Subject string
	Body    string
}

//go:embed templates/*.tmpl
var templateFS embed.FS

// languages lists the supported languages; each has templates/<lang>.tmpl.
var languages = []string{"es", "en", "pt", "fr"}

// Event templates are named "subject:<event>" and "body:<event>" so that
// one file per language holds every text, side by side for translators,
// together with the partials (greeting, footer) they share.
const (
	subjectPrefix = "subject:"
	bodyPrefix    = "body:"
)

// catalog is parsed once: the templates are part of the binary, so a parse
// error is a bug that the tests catch, not a runtime condition.
var catalog = mustLoad()

type templateCatalog struct {
	byLang map[string]*template.Template
	// events are the events defined in DefaultLanguage, the reference
	// every translation must match.
	events []string
	// keys are every data key any template reads; Render defaults them to
	// "" so that a missing key never prints "<no value>".
	keys []string
}

func mustLoad() templateCatalog {
	c := templateCatalog{byLang: map[string]*template.Template{}}
	keys := map[string]bool{}
	for _, lang := range languages {
		t, err := template.New(lang).Funcs(funcs).ParseFS(templateFS, path.Join("templates", lang+".tmpl"))
		if err != nil {
			panic(fmt.Sprintf("notify: parse %s templates: %v", lang, err))
		}
		c.byLang[lang] = t
		for _, d := range t.Templates() {
			if d.Tree != nil {
				collectKeys(d.Tree.Root, keys)
			}
		}
	}
	c.events = eventsOf(c.byLang[DefaultLanguage])
	for k := range keys {
		c.keys = append(c.keys, k)
	}
	slices.Sort(c.keys)
	return c
}

// eventsOf lists the events that have both a subject and a body in t.
func eventsOf(t *template.Template) []string {
	var out []string
	for _, d := range t.Templates() {
		ev, ok := strings.CutPrefix(d.Name(), subjectPrefix)
		if ok && t.Lookup(bodyPrefix+ev) != nil {
			out = append(out, ev)
		}
	}
	slices.Sort(out)
	return out
}

// Languages returns the languages texts exist in, the default first.
func Languages() []string { return slices.Clone(languages) }

// Events returns the name of every event Render knows, sorted.
func Events() []string { return slices.Clone(catalog.events) }

// Language maps a member's preferred language ("pt-BR", "EN", "") to one we
// have texts in, falling back to DefaultLanguage.
func Language(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if slices.Contains(languages, lang) {
		return lang
	}
	return DefaultLanguage
}

// Render produces the subject and body of event in lang. An unsupported
// language, or a text not yet translated, falls back to Spanish so that a
// member is never left without the message; an unknown event is an error
// wrapping ErrUnknownEvent. Data keys a text needs but data lacks render
// as empty.
func Render(lang, event string, data map[string]any) (Rendered, error) {
	if !slices.Contains(catalog.events, event) {
		return Rendered{}, fmt.Errorf("%w %q", ErrUnknownEvent, event)
	}
	t := catalog.byLang[Language(lang)]
	if t.Lookup(subjectPrefix+event) == nil || t.Lookup(bodyPrefix+event) == nil {
		t = catalog.byLang[DefaultLanguage]
	}
	full := make(map[string]any, len(catalog.keys)+len(data))
	for _, k := range catalog.keys {
		full[k] = ""
	}
	for k, v := range data {
		if v != nil {
			full[k] = v
		}
	}
	subject, err := execute(t, subjectPrefix+event, full)
	if err != nil {
		return Rendered{}, err
	}
	body, err := execute(t, bodyPrefix+event, full)
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: oneLine(subject), Body: tidyBody(body)}, nil
}

func execute(t *template.Template, name string, data map[string]any) (string, error) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("notify: render %s: %w", name, err)
	}
	return b.String(), nil
}

// oneLine keeps a subject on one line: a newline in a value (a title typed
// with a line break) would otherwise break the header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyBody removes the blank lines left by optional sentences that did not
// render, so templates can stay readable.
func tidyBody(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s) + "\n"
}

// funcs are the helpers templates may call.
var funcs = template.FuncMap{
	"date": formatDate,
	"one":  isOne,
	"str":  func(v any) string { return fmt.Sprint(v) },
	// A deadline's name is its kind, with the seat after a colon when it
	// is one seat's ("voting_close:chair"); templates name the kind in
	// the reader's language.
	"deadlineKind": func(v any) string { k, _, _ := strings.Cut(fmt.Sprint(v), ":"); return k },
	"deadlineSeat": func(v any) string { _, s, _ := strings.Cut(fmt.Sprint(v), ":"); return s },
}

// dateLayout is unambiguous in every language (no day/month order to
// guess), and UTC avoids guessing the reader's time zone across a region
// that spans several.
const dateLayout = "2006-01-02 15:04 MST"

// formatDate shows a time.Time, or an RFC 3339 string as times become after
// a trip through a JSON payload; anything else is shown as given.
func formatDate(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format(dateLayout)
	case *time.Time:
		if t == nil {
			return ""
		}
		return t.UTC().Format(dateLayout)
	case string:
		if p, err := time.Parse(time.RFC3339, t); err == nil {
			return p.UTC().Format(dateLayout)
		}
		return t
	}
	return fmt.Sprint(v)
}

// isOne reports whether a count is exactly one, to choose singular or
// plural; counts arrive as int, float64 (from JSON) or string.
func isOne(v any) bool {
	return fmt.Sprint(v) == "1"
}

// collectKeys gathers the data keys read by a template: fields of dot
// ({{.title}}) and of the root variable ({{$.title}}). The partials called
// with something other than the data (the ethics outcome, the digest's
// process and action) read no fields; the one range (the digest's items)
// reads the fields of each item, which are gathered too and default to ""
// harmlessly, so every field found is a data key or an item's.
func collectKeys(n parse.Node, keys map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collectKeys(c, keys)
		}
	case *parse.ActionNode:
		collectKeys(n.Pipe, keys)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			collectKeys(c, keys)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			collectKeys(a, keys)
		}
	case *parse.ChainNode:
		collectKeys(n.Node, keys)
	case *parse.FieldNode:
		keys[n.Ident[0]] = true
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			keys[n.Ident[1]] = true
		}
	case *parse.IfNode:
		collectBranch(&n.BranchNode, keys)
	case *parse.RangeNode:
		collectBranch(&n.BranchNode, keys)
	case *parse.WithNode:
		collectBranch(&n.BranchNode, keys)
	case *parse.TemplateNode:
		collectKeys(n.Pipe, keys)
	}
}

func collectBranch(b *parse.BranchNode, keys map[string]bool) {
	collectKeys(b.Pipe, keys)
	collectKeys(b.List, keys)
	collectKeys(b.ElseList, keys)
}

// calendarPrefix names the templates of the calendar feed's texts:
// "calendar:deadline", "calendar:hearing" (summaries) and
// "calendar:meeting" (a meeting's description).
const calendarPrefix = "calendar:"

// CalendarText is a calendar entry's text in lang (Spanish when the
// language has none): kind is "deadline" (data: process, title,
// deadline, deadline_text as a fallback, seat), "hearing" (process,
// title) or "meeting" (kind). Missing data renders as empty; an unknown
// kind is an error.
func CalendarText(lang, kind string, data map[string]any) (string, error) {
	name := calendarPrefix + kind
	t := catalog.byLang[Language(lang)]
	if t.Lookup(name) == nil {
		t = catalog.byLang[DefaultLanguage]
	}
	if t.Lookup(name) == nil {
		return "", fmt.Errorf("%w %q", ErrUnknownEvent, name)
	}
	full := map[string]any{"process": "", "title": "", "deadline": "", "deadline_text": "", "seat": "", "kind": ""}
	for k, v := range data {
		full[k] = v
	}
	s, err := execute(t, name, full)
	return oneLine(s), err
}
