package domain

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// DrawSeed is the seed of a transparent draw (SPEC §3 "Tally": deterministic
// from a seed published before the draw, e.g. the hash of all receipts): the
// lowercase hex SHA-256 of the receipts, sorted bytewise and joined by "\n"
// with no trailing newline. Anyone holding the published receipt list can
// recompute it from a file of one receipt a line:
//
//	LC_ALL=C sort receipts.txt | head -c -1 | sha256sum
//
// (head drops the final newline), and no one can steer it without
// choosing every ALS's ballot.
func DrawSeed(receipts []string) string {
	sorted := slices.Clone(receipts)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return hex.EncodeToString(sum[:])
}

// Draw breaks a tie that a second ballot left (SPEC §3 "Tally"): it returns
// the first candidate of [DrawOrder], the one whose SHA-256(seed + "\n" + id)
// has the smallest hex digest. The seed should be [DrawSeed] of the
// receipts, published before the draw. With no candidates it returns "".
func Draw(seed string, tied []string) string {
	order := DrawOrder(seed, tied)
	if len(order) == 0 {
		return ""
	}
	return order[0]
}

// DrawOrder ranks candidates by the transparent draw. For each member ID,
// in sorted order, it computes the lowercase hex SHA-256 of seed + "\n" +
// id (no trailing newline; `printf '%s\n%s' "$seed" "$id" | sha256sum`), and
// orders the IDs by digest ascending, the ID breaking an impossible equal
// digest. The first is drawn; several seats take the first ones in turn; a
// ranked count eliminates the last (the unluckiest), so two candidates tied
// to the end are decided exactly as [Draw] would decide them.
func DrawOrder(seed string, tied []string) []string {
	type drawn struct{ id, digest string }
	ids := slices.Clone(tied)
	slices.Sort(ids)
	ds := make([]drawn, len(ids))
	for i, id := range ids {
		sum := sha256.Sum256([]byte(seed + "\n" + id))
		ds[i] = drawn{id: id, digest: hex.EncodeToString(sum[:])}
	}
	slices.SortStableFunc(ds, func(a, b drawn) int {
		if c := cmp.Compare(a.digest, b.digest); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.id
	}
	return out
}
