package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/store"
)

// TestAuditAnchorDetectsRewriteAndTruncation: once the head is
// checkpointed in the AuditAnchor workflow, a row rewritten with SQL is
// named, a rewrite with the chain recomputed after it is caught by the
// checkpoint, and a deleted tail is reported as a truncation.
func TestAuditAnchorDetectsRewriteAndTruncation(t *testing.T) {
	ctx := context.Background()
	e, err := startEnv(ctx, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	e.t = t
	ensureCountry(t, e, "AR", "Argentina")
	for range 6 {
		newMember(t, e, "AR", "")
	}
	st := e.app.Store
	// Wait until the activities stop appending (token emails and the like).
	var head store.AuditHead
	eventually(t, 20*time.Second, "a quiet chain", func() bool {
		h1, _ := st.HeadAudit(ctx)
		time.Sleep(700 * time.Millisecond)
		h2, _ := st.HeadAudit(ctx)
		head = h2
		return h1 == h2 && h2.Seq >= 10
	})
	if err := app.AnchorHead(ctx, e.app.Client, st); err != nil {
		t.Fatal(err)
	}
	var pub struct {
		Seq            int64  `json:"seq"`
		Hash           string `json:"hash"`
		LastCheckpoint *struct {
			Seq  int64  `json:"seq"`
			Hash string `json:"hash"`
		} `json:"last_checkpoint"`
	}
	expect(t, do(t, e, "GET", "/api/v1/public/audit/head", "", nil), http.StatusOK).json(t, &pub)
	if pub.Seq != head.Seq || pub.LastCheckpoint == nil || pub.LastCheckpoint.Seq != head.Seq || pub.LastCheckpoint.Hash != head.Hash {
		t.Fatalf("public head %+v, want %+v checkpointed", pub, head)
	}
	verify := func() (ok bool, reason string) {
		var v struct {
			OK       bool   `json:"ok"`
			Reason   string `json:"reason"`
			Anchored bool   `json:"anchored"`
		}
		expect(t, do(t, e, "GET", "/api/v1/audit/verify", adminToken, nil), http.StatusOK).json(t, &v)
		if !v.Anchored {
			t.Fatal("verify did not read the anchor")
		}
		return v.OK, v.Reason
	}
	if ok, reason := verify(); !ok {
		t.Fatalf("intact chain: %s", reason)
	}
	db := st.DB
	var e4 store.AuditEntry
	if err := db.Where("seq = 4").Take(&e4).Error; err != nil {
		t.Fatal(err)
	}
	// 1. A row rewritten with SQL.
	if err := db.Exec(`UPDATE audit SET actor = 'someone else' WHERE seq = 4`).Error; err != nil {
		t.Fatal(err)
	}
	if ok, reason := verify(); ok || !strings.Contains(reason, "entry 4 ") {
		t.Fatalf("rewrite: ok=%v %q", ok, reason)
	}
	// 2. The same rewrite with every later hash recomputed: the chain is
	// consistent again, but no longer the one checkpointed.
	var rows []store.AuditEntry
	if err := db.Where("seq >= 4").Order("seq").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	prev := e4.PrevHash
	for _, r := range rows {
		r.PrevHash = prev
		r.Hash = store.AuditHash(r)
		if err := db.Exec(`UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?`, r.PrevHash, r.Hash, r.Seq).Error; err != nil {
			t.Fatal(err)
		}
		prev = r.Hash
	}
	if v, _ := st.VerifyAudit(ctx); !v.OK {
		t.Fatalf("the recomputed chain should verify on its own: %+v", v)
	}
	if ok, reason := verify(); ok || !strings.Contains(reason, fmt.Sprintf("entry %d differs from the chain", head.Seq)) {
		t.Fatalf("recomputed rewrite: ok=%v %q", ok, reason)
	}
	t.Logf("recomputed rewrite: %s", reason0(verify))
	// 3. The tail deleted.
	if err := db.Exec(`DELETE FROM audit WHERE seq > 7`).Error; err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the chain ends at 7; the checkpoint at %d says it held %d entries", head.Seq, head.Seq)
	if ok, reason := verify(); ok || reason != want {
		t.Fatalf("truncation: ok=%v %q, want %q", ok, reason, want)
	}
}

func reason0(f func() (bool, string)) string { _, r := f(); return r }
