package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Pages, the stylesheet and htmx are text that compresses to a fraction of
// its size: members on slow connections get them gzipped when their
// browser says it accepts it. Responses already encoded, ranges, bodies
// without content and small bodies are passed through as they are.

// minCompress is the smallest body worth compressing: below it gzip's
// header and the CPU cost outweigh the bytes saved.
const minCompress = 1024

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// compressible are the content types worth compressing.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch strings.TrimSpace(ct) {
	case "text/html", "text/css", "text/javascript", "application/javascript", "text/csv", "text/calendar", "image/svg+xml", "application/json", "text/plain":
		return true
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// compress gzips the responses of h for clients that accept it.
func compress(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" || !acceptsGzip(r) {
			h.ServeHTTP(rw, r)
			return
		}
		gw := &gzipResponse{ResponseWriter: rw}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

// gzipResponse decides at the first write whether to compress: by the
// content type, the status and the declared length.
type gzipResponse struct {
	http.ResponseWriter
	status  int
	decided bool
	zw      *gzip.Writer
}

func (g *gzipResponse) WriteHeader(status int) {
	if g.status == 0 {
		g.status = status
	}
	// 1xx informational headers pass straight through.
	if status < 200 {
		g.ResponseWriter.WriteHeader(status)
		g.status = 0
	}
}

func (g *gzipResponse) decide() {
	if g.decided {
		return
	}
	g.decided = true
	if g.status == 0 {
		g.status = http.StatusOK
	}
	hdr := g.ResponseWriter.Header()
	n, err := strconv.Atoi(hdr.Get("Content-Length"))
	small := err == nil && n < minCompress
	if g.status != http.StatusNoContent && g.status != http.StatusNotModified && hdr.Get("Content-Encoding") == "" &&
		compressible(hdr.Get("Content-Type")) && !small {
		hdr.Del("Content-Length")
		hdr.Set("Content-Encoding", "gzip")
		g.zw = gzipWriters.Get().(*gzip.Writer)
		g.zw.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
}

func (g *gzipResponse) Write(b []byte) (int, error) {
	if !g.decided {
		if g.ResponseWriter.Header().Get("Content-Type") == "" {
			g.ResponseWriter.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.decide()
	}
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipResponse) close() {
	if !g.decided {
		if g.status == 0 {
			return // nothing written: net/http sends its own 200
		}
		g.decide()
	}
	if g.zw != nil {
		g.zw.Close()
		gzipWriters.Put(g.zw)
		g.zw = nil
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }
