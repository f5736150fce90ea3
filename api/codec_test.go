package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lacralo/ralo/api"
	"github.com/lacralo/ralo/codec"
)

// TestCodecEndpointAdminOnly: the Temporal remote codec endpoint encodes
// and decodes for an admin, refuses anyone else, and answers 404 without
// a payload key.
func TestCodecEndpointAdminOnly(t *testing.T) {
	e := shared
	ensureCountry(t, e, "AR", "Argentina")
	_, member := newMember(t, e, "AR", "")
	cd, err := codec.Parse(codec.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	s := api.New(api.Config{Store: e.app.Store, Temporal: e.app.Client, Policy: e.app.Policy, Codec: cd})
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	post := func(url, path, token, body string) (int, string) {
		req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	plain := `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"Im1fc2VjcmV0Ig=="}]}`
	code, enc := post(hs.URL, "/api/v1/codec/encode", adminToken, plain)
	if code != 200 || !strings.Contains(enc, "YmluYXJ5L2VuY3J5cHRlZA") { // base64 of binary/encrypted
		t.Fatalf("encode: %d %s", code, enc)
	}
	code, dec := post(hs.URL, "/api/v1/codec/decode", adminToken, enc)
	if code != 200 || !strings.Contains(dec, "Im1fc2VjcmV0Ig==") {
		t.Fatalf("decode: %d %s", code, dec)
	}
	if code, _ := post(hs.URL, "/api/v1/codec/decode", member, enc); code != http.StatusForbidden {
		t.Fatalf("member: %d", code)
	}
	if code, _ := post(hs.URL, "/api/v1/codec/decode", "", enc); code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", code)
	}
	// Bad input is refused and answers nothing of the key: a body that is
	// not JSON, a payload whose ciphertext was altered, one sealed with
	// another key.
	tampered := strings.Replace(enc, `"data":"`, `"data":"AAAA`, 1)
	other, _ := codec.Parse(codec.NewKey())
	otherSrv := httptest.NewServer(api.New(api.Config{Store: e.app.Store, Temporal: e.app.Client, Policy: e.app.Policy, Codec: other}).Handler())
	defer otherSrv.Close()
	for name, tc := range map[string]struct{ url, body string }{
		"not JSON":      {hs.URL, `{"payloads":`},
		"altered":       {hs.URL, tampered},
		"another key":   {otherSrv.URL, enc},
		"wrong payload": {hs.URL, `{"payloads":[{"metadata":{"encoding":"YmluYXJ5L2VuY3J5cHRlZA=="},"data":"AA=="}]}`},
	} {
		code, body := post(tc.url, "/api/v1/codec/decode", adminToken, tc.body)
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, code, body)
		}
		if strings.Contains(body, "Im1fc2VjcmV0Ig==") {
			t.Errorf("%s: the answer holds the plain payload: %s", name, body)
		}
	}
	if code, _ := post(e.url, "/api/v1/codec/decode", adminToken, enc); code != http.StatusNotFound {
		t.Fatalf("without a key: %d", code)
	}
}
