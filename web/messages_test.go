package web

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// dynamic are the message families a template names with print: every
// value the service or store may produce must have its message.
var dynamic = map[string][]string{
	"role.":             store.Roles,
	"action.":           service.DashboardActions,
	"process.":          {"ethics", "election", "statement", "meeting"},
	"declaration_kind.": store.DeclarationKinds,
	"outbox.":           {store.OutboxPending, store.OutboxHeld, store.OutboxSent, store.OutboxFailed},
	"ethics_status.":    {"screening", "investigation", "deliberation", "appeal_window", "appealed", "closed"},
	"ethics_kind.":      {"undeclared_conflict", "disqualifying_conflict", "bad_faith", "other"},
	"ethics_outcome.":   {"dismissed", "recusal_ordered", "warning", "suspension", "removal", "inadmissible"},
	"ethics_role.":      {"respondent", "complainant"},
	"deadline.":         {"screening", "response", "appeal_window"},
	"error.":            {"400", "403", "404", "409", "422", "429", "500", "400.text", "403.text", "404.text", "409.text", "422.text", "429.text", "500.text"},
}

// addDynamic lets each area's test file name the message families its
// templates build with print (call it from an init function).
func addDynamic(prefix string, values ...string) {
	dynamic[prefix] = append(dynamic[prefix], values...)
}

// catalogue is every message of one language, from all its files.
func catalogue(t *testing.T, lang string) map[string]any {
	t.Helper()
	files, err := catalogueFiles(lang)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]any{}
	for _, f := range files {
		b, err := fs.ReadFile(localeFS, f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range msgs {
			if _, dup := all[k]; dup {
				t.Errorf("%s: message %q is defined twice", f, k)
			}
			all[k] = v
		}
	}
	return all
}

// literal finds message IDs written out in templates and Go code: a
// quoted string that starts with the first segment of a message ID of the
// Spanish catalogue.
func literal(t *testing.T) *regexp.Regexp {
	t.Helper()
	prefixes := map[string]bool{}
	for k := range catalogue(t, "es") {
		prefixes[regexp.QuoteMeta(strings.SplitN(k, ".", 2)[0])] = true
	}
	keys := make([]string, 0, len(prefixes))
	for p := range prefixes {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	return regexp.MustCompile(`"((?:` + strings.Join(keys, "|") + `)\.[a-z_.]+)"`)
}

// usedKeys is every message the pages may ask for.
func usedKeys(t *testing.T) map[string]bool {
	t.Helper()
	used, literal := map[string]bool{}, literal(t)
	// A refusal code ("arbitration.challenge_party_only") quoted in the
	// code is not a message (its message is "refusal.<code>"), unless a
	// message has the same name.
	codes, es := processRefusalCodes(t), catalogue(t, "es")
	for prefix, values := range dynamic {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	scan := func(fsys fs.FS, pattern string) {
		names, err := fs.Glob(fsys, pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if strings.HasSuffix(n, "_test.go") {
				continue // a test names codes and messages it checks; the pages' own use is what counts
			}
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				if _, isMessage := es[m[1]]; !strings.HasSuffix(m[1], ".") && (isMessage || !slices.Contains(codes, m[1])) {
					used[m[1]] = true
				}
			}
		}
	}
	scan(templateFS, "templates/*.html")
	scan(osDir("."), "*.go")
	for _, code := range codes {
		used["refusal."+code] = true
	}
	return used
}

// refusalCall finds the codes the processes give their refusals
// (process.ForbiddenCode("code", …), process.InvalidFieldCode("field",
// "code", …)): each must have its message in every language.
var refusalCall = regexp.MustCompile(`process\.(?:(?:Forbidden|InvalidState|InvalidInput)Code\(|InvalidFieldCode\("[^"]*",\s*)"([^"]+)"`)

// processRefusalCodes is every refusal code written in the workflows'
// and the service's Go files.
func processRefusalCodes(t *testing.T) []string {
	t.Helper()
	var codes []string
	for _, root := range []string{"../workflows", "../service"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range refusalCall.FindAllStringSubmatch(string(b), -1) {
				codes = append(codes, m[1])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(codes)
	return slices.Compact(codes)
}

// TestMessagesComplete fails when a message is missing, unused or empty
// in any language, or a counted message lacks its plural forms.
func TestMessagesComplete(t *testing.T) {
	used := usedKeys(t)
	for _, lang := range service.Languages {
		msgs := catalogue(t, lang)
		for k := range used {
			if _, ok := msgs[k]; !ok {
				t.Errorf("%s: message %q is missing", lang, k)
			}
		}
		for k, v := range msgs {
			if !used[k] {
				t.Errorf("%s: message %q is not used", lang, k)
			}
			switch v := v.(type) {
			case string:
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: message %q is empty", lang, k)
				}
			case map[string]any:
				if v["one"] == nil || v["other"] == nil {
					t.Errorf("%s: counted message %q needs one and other", lang, k)
				}
			}
		}
	}
	if _, err := loadBundle(); err != nil {
		t.Fatal(err)
	}
	if _, err := parsePages(); err != nil {
		t.Fatal(err)
	}
}

// TestTranslated fails when a language repeats another's text for most
// messages (a catalogue copied, not translated).
func TestTranslated(t *testing.T) {
	read := func(lang string) map[string]any { return catalogue(t, lang) }
	es := read("es")
	for _, lang := range []string{"en", "pt", "fr"} {
		other, same := read(lang), 0
		for k, v := range es {
			if s, ok := v.(string); ok && other[k] == s && !slices.Contains([]string{"sessions.title", "nav.sessions"}, k) {
				same++
			}
		}
		if same > len(es)/5 {
			t.Errorf("%s repeats the Spanish text of %d messages", lang, same)
		}
	}
}

func TestNegotiateAndZones(t *testing.T) {
	if z := zoneOf("", "br"); z.String() != "America/Sao_Paulo" {
		t.Errorf("zone of BR = %s", z)
	}
	if z := zoneOf("Europe/Paris", "AR"); z.String() != "Europe/Paris" {
		t.Errorf("chosen zone = %s", z)
	}
	if z := zoneOf("", "ZZ"); z.String() != "UTC" {
		t.Errorf("unknown country zone = %s", z)
	}
	if !loopback("127.0.0.1:8080") || !loopback("localhost") || !loopback("[::1]:80") || loopback("ralo.lacralo.org") {
		t.Error("loopback")
	}
}

func osDir(dir string) fs.FS { return os.DirFS(dir) }
