// Package codec encrypts the payloads ralo hands to Temporal (workflow
// inputs, update arguments and results, activity inputs, query answers,
// state carried through continue-as-new) with AES-256-GCM, so that the
// Temporal database and UI hold no readable ballot or identity. It depends
// only on the Temporal SDK's converter; the keys come from configuration.
//
// An encrypted payload carries the metadata encoding "binary/encrypted"
// and the id of the key that sealed it; anything else (every history
// recorded before encryption) passes through Decode unchanged.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	// Encoding is the metadata encoding of an encrypted payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key that sealed a payload.
	MetadataKeyID = "encryption-key-id"
	// KeySize is the length of a key: AES-256.
	KeySize = 32
)

type key struct {
	id   string
	aead cipher.AEAD
}

// Codec is a converter.PayloadCodec. The first key encrypts; every key
// decrypts, so keys can be rotated by putting the new one first.
type Codec struct {
	keys []key
	byID map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// KeyID is a key's public name: the first 16 hex digits of its SHA-256.
func KeyID(k []byte) string {
	sum := sha256.Sum256(k)
	return hex.EncodeToString(sum[:8])
}

// New builds a codec from raw 32-byte keys, newest first.
func New(keys ...[]byte) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("codec: no payload key")
	}
	c := &Codec{byID: map[string]cipher.AEAD{}}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("codec: payload key %d is %d bytes, want %d", i+1, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		c.keys = append(c.keys, key{id: id, aead: aead})
		c.byID[id] = aead
	}
	return c, nil
}

// ParseKeys reads `--payload-key`: one or more base64 keys (standard or
// URL alphabet, padded or not) separated by commas, newest first.
func ParseKeys(s string) ([][]byte, error) {
	var out [][]byte
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var k []byte
		var err error
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if k, err = enc.DecodeString(part); err == nil {
				break
			}
		}
		if err != nil {
			return nil, fmt.Errorf("payload key %d is not base64", i+1)
		}
		if len(k) != KeySize {
			return nil, fmt.Errorf("payload key %d is %d bytes, want %d (base64 of 32 random bytes)", i+1, len(k), KeySize)
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, errors.New("no payload key given")
	}
	return out, nil
}

// Parse is New over ParseKeys.
func Parse(s string) (*Codec, error) {
	keys, err := ParseKeys(s)
	if err != nil {
		return nil, err
	}
	return New(keys...)
}

// NewKey returns a fresh random key, base64 encoded.
func NewKey() string {
	var b [KeySize]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b[:])
}

// LoadOrCreateKeyFile returns the keys kept in path (one line, as
// --payload-key), creating the file with a new key (mode 0600) on first use.
func LoadOrCreateKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", err
	}
	k := NewKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(k + "\n"); err != nil {
		f.Close()
		return "", err
	}
	return k, f.Close()
}

// Encode seals each payload (its whole protobuf, metadata included) with
// the newest key; the key id is also the additional authenticated data.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	k := c.keys[0]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(k.id),
			},
			Data: k.aead.Seal(nonce, nonce, plain, []byte(k.id)),
		}
	}
	return out, nil
}

// Decode opens encrypted payloads and passes the others through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.byID[id]
		if !ok {
			return nil, fmt.Errorf("codec: payload sealed with unknown key %q", id)
		}
		ns := aead.NonceSize()
		if len(p.Data) < ns {
			return nil, errors.New("codec: encrypted payload too short")
		}
		plain, err := aead.Open(nil, p.Data[:ns], p.Data[ns:], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("codec: payload with key %q: %w", id, err)
		}
		var dp commonpb.Payload
		if err := proto.Unmarshal(plain, &dp); err != nil {
			return nil, err
		}
		out[i] = &dp
	}
	return out, nil
}

// DataConverter is the SDK's default converter with this codec around it.
// A nil codec gives the default converter (tests without a key).
func DataConverter(c *Codec) converter.DataConverter {
	if c == nil {
		return converter.GetDefaultDataConverter()
	}
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// Handler serves Temporal's remote codec protocol (POST …/encode and
// …/decode with a JSON {payloads: […]}) for the Temporal UI and CLI; the
// caller mounts it behind its own authorization.
func Handler(c *Codec) http.Handler { return converter.NewPayloadCodecHTTPHandler(c) }
