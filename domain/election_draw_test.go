package domain

import (
	"slices"
	"testing"
)

// The expected digests below were computed outside Go, with the shell
// commands the doc comments give, so the draw is checked against the
// procedure published to members and not against itself.

func TestDrawSeed(t *testing.T) {
	// printf 'r1\nr2\nr3' | sha256sum
	const want = "d810bda83a4be7216c68584f9d77b3607f6c914be7c365899b122829a323868c"
	for _, receipts := range [][]string{{"r1", "r2", "r3"}, {"r3", "r1", "r2"}, {"r2", "r3", "r1"}} {
		in := slices.Clone(receipts)
		if got := DrawSeed(receipts); got != want {
			t.Errorf("DrawSeed(%v) = %s, want %s", receipts, got, want)
		}
		if !slices.Equal(receipts, in) {
			t.Errorf("DrawSeed reordered its input: %v", receipts)
		}
	}
	// printf '' | sha256sum
	if got := DrawSeed(nil); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("DrawSeed(nil) = %s", got)
	}
}

func TestDrawOrder(t *testing.T) {
	tests := []struct {
		name string
		seed string
		ids  []string
		want []string
	}{
		// printf 'seed\nm-ana' | sha256sum -> 4a2c…, m-ben f95c…, m-cruz fba1…
		{"seed", "seed", []string{"m-cruz", "m-ana", "m-ben"}, []string{"m-ana", "m-ben", "m-cruz"}},
		// lacralo-2025: m-ana 2346…, m-cruz 3922…, m-ben c57f…
		{"not alphabetical", "lacralo-2025", []string{"m-ben", "m-cruz", "m-ana"}, []string{"m-ana", "m-cruz", "m-ben"}},
		// DrawSeed(r1, r2, r3): m-ben 3f32…, m-cruz 7b4e…, m-ana f368…
		{"seed from receipts", DrawSeed([]string{"r1", "r2", "r3"}), []string{"m-ana", "m-ben", "m-cruz"}, []string{"m-ben", "m-cruz", "m-ana"}},
		{"one candidate", "seed", []string{"m-ana"}, []string{"m-ana"}},
		{"none", "seed", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.ids)
			got := DrawOrder(tt.seed, tt.ids)
			if !slices.Equal(got, tt.want) {
				t.Errorf("DrawOrder = %v, want %v", got, tt.want)
			}
			if !slices.Equal(tt.ids, in) {
				t.Errorf("DrawOrder reordered its input: %v", tt.ids)
			}
			wantDrawn := ""
			if len(tt.want) > 0 {
				wantDrawn = tt.want[0]
			}
			if got := Draw(tt.seed, tt.ids); got != wantDrawn {
				t.Errorf("Draw = %q, want %q", got, wantDrawn)
			}
		})
	}
}

func TestDrawIgnoresInputOrder(t *testing.T) {
	ids := []string{"m-1", "m-2", "m-3", "m-4", "m-5"}
	want := Draw("s", ids)
	for i := range ids {
		rot := append(slices.Clone(ids[i:]), ids[:i]...)
		if got := Draw("s", rot); got != want {
			t.Errorf("Draw(%v) = %s, want %s", rot, got, want)
		}
		slices.Reverse(rot)
		if got := Draw("s", rot); got != want {
			t.Errorf("Draw(%v) = %s, want %s", rot, got, want)
		}
	}
}
