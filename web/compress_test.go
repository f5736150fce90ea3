package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCompress: pages and static text are gzipped for a browser that
// accepts it, and decompress to what was sent; small bodies, ranges,
// clients without gzip and bodies already encoded pass through.
func TestCompress(t *testing.T) {
	page := strings.Repeat("<p>Elección del ALAC: candidaturas abiertas</p>\n", 200)
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /page", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(rw, page)
	})
	mux.HandleFunc("GET /small", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Header().Set("Content-Length", "2")
		io.WriteString(rw, "ok")
	})
	mux.HandleFunc("GET /png", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "image/png")
		rw.Write(bytes.Repeat([]byte{0}, 4096))
	})
	mux.HandleFunc("GET /redirect", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/page", http.StatusSeeOther)
	})
	h := compress(mux)
	get := func(path string, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	gunzip := func(t *testing.T, b []byte) string {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	gz := map[string]string{"Accept-Encoding": "gzip, deflate, br"}

	rec := get("/page", gz)
	if rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("page headers %v", rec.Header())
	}
	if got := gunzip(t, rec.Body.Bytes()); got != page {
		t.Fatalf("the page decompresses to %d bytes, want %d", len(got), len(page))
	}
	if rec.Body.Len() >= len(page)/4 {
		t.Errorf("page compressed to %d of %d bytes", rec.Body.Len(), len(page))
	}

	js, err := fs.ReadFile(staticFS, "static/htmx.min.js")
	if err != nil {
		t.Fatal(err)
	}
	rec = get("/static/htmx.min.js", gz)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Length") != "" {
		t.Fatalf("htmx headers %v", rec.Header())
	}
	if gunzip(t, rec.Body.Bytes()) != string(js) {
		t.Fatal("htmx does not decompress to the vendored file")
	}
	t.Logf("htmx.min.js: %d bytes, %d gzipped", len(js), rec.Body.Len())

	for _, c := range []struct {
		path string
		hdr  map[string]string
		want int
	}{
		{"/page", nil, len(page)},
		{"/page", map[string]string{"Accept-Encoding": "gzip;q=0"}, len(page)},
		{"/small", gz, 2},
		{"/png", gz, 4096},
		{"/static/htmx.min.js", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"}, 100},
	} {
		rec := get(c.path, c.hdr)
		if rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != c.want {
			t.Errorf("%s %v: encoding %q, %d bytes, want plain %d", c.path, c.hdr, rec.Header().Get("Content-Encoding"), rec.Body.Len(), c.want)
		}
	}
	if rec := get("/redirect", gz); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/page" {
		t.Errorf("redirect %d %v", rec.Code, rec.Header())
	}
}
