package codec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/converter"

	"github.com/lacralo/ralo/codec"
)

func TestRoundTripRotationAndPassThrough(t *testing.T) {
	oldKey, newKey := codec.NewKey(), codec.NewKey()
	old, err := codec.Parse(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := codec.Parse(newKey + "," + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := converter.GetDefaultDataConverter().ToPayloads("m_complainant", map[string]string{"choice": "m_candidate"})
	sealed, err := old.Encode(plain.Payloads)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sealed {
		if bytes.Contains(p.Data, []byte("m_complainant")) || bytes.Contains(p.Data, []byte("m_candidate")) {
			t.Fatalf("clear text in %q", p.Data)
		}
		if string(p.Metadata[codec.MetadataKeyID]) == "" {
			t.Fatal("no key id")
		}
	}
	// The rotated codec (new key first) still opens the old key's payloads.
	opened, err := rotated.Decode(sealed)
	if err != nil {
		t.Fatal(err)
	}
	var who string
	var ballot map[string]string
	dc := converter.GetDefaultDataConverter()
	if err := dc.FromPayload(opened[0], &who); err != nil || who != "m_complainant" {
		t.Fatalf("%q %v", who, err)
	}
	if err := dc.FromPayload(opened[1], &ballot); err != nil || ballot["choice"] != "m_candidate" {
		t.Fatalf("%v %v", ballot, err)
	}
	// Plaintext payloads (histories recorded before encryption) pass through.
	through, err := old.Decode(plain.Payloads)
	if err != nil || through[0] != plain.Payloads[0] {
		t.Fatalf("pass-through %v %v", through, err)
	}
	// A key no longer configured, or a flipped bit, is an error, not garbage.
	newOnly, _ := codec.Parse(newKey)
	if _, err := newOnly.Decode(sealed); err == nil {
		t.Fatal("decoded with an unknown key")
	}
	sealed[0].Data[len(sealed[0].Data)-1] ^= 1
	if _, err := old.Decode(sealed); err == nil {
		t.Fatal("tampered payload accepted")
	}
}

func TestParseKeysRefusesBadKeys(t *testing.T) {
	for _, s := range []string{"", "not base64!", "c2hvcnQ="} {
		if _, err := codec.ParseKeys(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestKeyFileCreatedOnceWith0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payload.key")
	k1, err := codec.LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := codec.LoadOrCreateKeyFile(path)
	if err != nil || k1 != k2 {
		t.Fatalf("%q then %q, %v", k1, k2, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if _, err := codec.Parse(k1); err != nil {
		t.Fatal(err)
	}
}
