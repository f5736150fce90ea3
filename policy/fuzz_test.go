package policy

import (
	"reflect"
	"testing"
)

// FuzzParse checks that no override file makes Parse panic, and that any
// policy it accepts renders to YAML that parses back to the same policy.
func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	f.Add([]byte(""))
	f.Add([]byte("ethics:\n  screening: 10d\n  quorum: 60%\n"))
	f.Add([]byte("election:\n  seats:\n    nomcom_delegate: ~\n    chair: {ballot: secret}\n"))
	f.Add([]byte("subregions:\n  mexico: [MX]\n  central_america: [BZ, CR, GT, HN, NI, PA, SV]\n"))
	f.Add([]byte("arbitration:\n  reminders: [7d, &a 3d, *a]\n"))
	f.Add([]byte("ethics: {<<: {screening: 1d}}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("ethics:\n  response: 1d12h\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid policy: %v", err)
		}
		out, err := p.YAML()
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(YAML()): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, p) {
			t.Fatalf("round trip changed the policy:\n%s", out)
		}
	})
}
