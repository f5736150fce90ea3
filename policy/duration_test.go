package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"0s", 0},
		{"30s", 30 * time.Second},
		{"90m", 90 * time.Minute},
		{"48h", 48 * time.Hour},
		{"336h", 336 * time.Hour},
		{"14d", 14 * day},
		{"730d", 730 * day},
		{"1d12h", 36 * time.Hour},
		{"2d3h4m5s", 2*day + 3*time.Hour + 4*time.Minute + 5*time.Second},
		{"1h30m", 90 * time.Minute},
		{"1.5d", 36 * time.Hour},
		{"0.5h", 30 * time.Minute},
		{"100ms", 100 * time.Millisecond},
		{"1d1d", 2 * day},
		{"106751d", 106751 * day},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tt.in, err)
			}
			if got.D() != tt.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, got.D(), tt.want)
			}
		})
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `invalid duration "": empty`},
		{"-1d", `invalid duration "-1d": must not be negative`},
		{"-5m", "must not be negative"},
		{"thirty", `invalid duration "thirty"`},
		{"14", `invalid duration "14": missing unit`},
		{"d", `invalid duration "d"`},
		{"1x", `invalid duration "1x"`},
		{"1w", `invalid duration "1w"`},
		{"+1d", `invalid duration "+1d"`},
		{" 1d", `invalid duration " 1d"`},
		{"1d ", `invalid duration "1d "`},
		{"1 d", `invalid duration "1 d"`},
		{"1.2.3d", `invalid duration "1.2.3d"`},
		{"1d-2h", `invalid duration "1d-2h"`},
		{"106752d", "too long"},
		{"99999999999999999999d", `invalid duration`},
		{"106751d24h", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseDuration(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseDuration(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{30 * time.Second, "30s"},
		{1500 * time.Millisecond, "1.5s"},
		{time.Minute, "1m"},
		{90 * time.Minute, "1h30m"},
		{2 * time.Hour, "2h"},
		{time.Hour + 5*time.Second, "1h0m5s"},
		{24 * time.Hour, "1d"},
		{36 * time.Hour, "36h"},
		{48 * time.Hour, "2d"},
		{14 * day, "14d"},
		{14*day + time.Second, "336h0m1s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			d := Duration(tt.in)
			if got := d.String(); got != tt.want {
				t.Errorf("Duration(%v).String() = %q, want %q", tt.in, got, tt.want)
			}
			back, err := ParseDuration(d.String())
			if err != nil || back != d {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", d.String(), back.D(), err, tt.in)
			}
		})
	}
}

func TestDurationJSON(t *testing.T) {
	type doc struct {
		D Duration `json:"d"`
	}
	out, err := json.Marshal(doc{D: Duration(14 * day)})
	if err != nil || string(out) != `{"d":"14d"}` {
		t.Fatalf("Marshal = %s, %v", out, err)
	}
	var got doc
	if err := json.Unmarshal([]byte(`{"d":"1d12h"}`), &got); err != nil || got.D.D() != 36*time.Hour {
		t.Fatalf("Unmarshal = %v, %v", got.D, err)
	}
	for _, bad := range []string{`{"d":30}`, `{"d":"-1d"}`, `{"d":"soon"}`, `{"d":true}`} {
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", bad)
		}
	}
}

func TestDurationYAML(t *testing.T) {
	type doc struct {
		D Duration `yaml:"d"`
	}
	out, err := yaml.Marshal(doc{D: Duration(90 * time.Minute)})
	if err != nil || string(out) != "d: 1h30m\n" {
		t.Fatalf("Marshal = %q, %v", out, err)
	}
	var got doc
	if err := yaml.Unmarshal([]byte("d: 14d"), &got); err != nil || got.D.D() != 14*day {
		t.Fatalf("Unmarshal = %v, %v", got.D, err)
	}
	for _, bad := range []string{"d: 30", "d: [1d]", "d: {a: 1}", "d: -3h"} {
		if err := yaml.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Unmarshal(%q) succeeded, want an error", bad)
		}
	}
}
