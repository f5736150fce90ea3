package web

import (
	"encoding/json"
	"net/http"

	"github.com/lacralo/ralo/service"
)

// Public pages, read without signing in: each is bind → the service's
// public operation → render.
func (w *Web) publicRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /public/rulings", w.publicRulings)
	mux.HandleFunc("GET /public/decisions", w.publicDecisions)
	mux.HandleFunc("GET /public/elections/{id}", w.publicElection)
	mux.HandleFunc("GET /public/elections/{id}/results.csv", w.publicResultsCSV)
	mux.HandleFunc("GET /public/statements/{id}", w.publicStatement)
}

// publicRecord is a ruling or a decision as the audit chain holds it: its
// details shown as recorded.
type publicRecord struct {
	service.PublishedDecision
	AuditSeq int64
	Details  map[string]any
}

func details(v any) map[string]any {
	var raw []byte
	switch d := v.(type) {
	case json.RawMessage:
		raw = d
	default:
		raw, _ = json.Marshal(d)
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}

func (w *Web) publicRulings(rw http.ResponseWriter, r *http.Request) {
	rs, err := w.svc.PublicRulings(r.Context())
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	out := make([]publicRecord, 0, len(rs))
	for _, x := range rs {
		out = append(out, publicRecord{PublishedDecision: service.PublishedDecision{CaseID: x.CaseID, At: x.At, AuditHash: x.AuditHash},
			AuditSeq: x.AuditSeq, Details: details(x.Ruling)})
	}
	w.render(rw, r, "public_rulings", &page{Data: out})
}

func (w *Web) publicDecisions(rw http.ResponseWriter, r *http.Request) {
	ds, err := w.svc.PublishedEthicsDecisions(r.Context())
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	out := make([]publicRecord, 0, len(ds))
	for _, x := range ds {
		out = append(out, publicRecord{PublishedDecision: x, Details: details(x.Decision)})
	}
	w.render(rw, r, "public_decisions", &page{Data: out})
}

func (w *Web) publicElection(rw http.ResponseWriter, r *http.Request) {
	res, err := w.svc.PublicElectionResults(r.Context(), r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	data, err := w.resultsData(r, res)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	data.Public = true
	w.render(rw, r, "public_election", &page{Data: data})
}

func (w *Web) publicStatement(rw http.ResponseWriter, r *http.Request) {
	st, err := w.svc.PublicStatement(r.Context(), r.PathValue("id"))
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "public_statement", &page{Data: st})
}
