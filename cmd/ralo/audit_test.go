package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lacralo/ralo/store"
)

// TestAuditVerifyCommand: `ralo dev` checkpoints the chain's head (here
// after every entry, each second); `ralo audit verify` passes on the intact
// chain, then names the truncation when the tail is deleted with SQL.
func TestAuditVerifyCommand(t *testing.T) {
	t.Setenv("RALO_AUDIT_CHECKPOINT_ENTRIES", "1")
	t.Setenv("RALO_AUDIT_CHECKPOINT_EVERY", "1s")
	dir := t.TempDir()
	const admin = "audit-admin-token"
	p, _ := startDev(t, dir, admin)
	defer p.stop(t)
	for i := range 4 {
		if code, m := p.call(t, "POST", "/api/v1/countries", admin, map[string]any{"code": fmt.Sprintf("Q%c", 'A'+i), "name": "Q", "subregion": "caribbean"}); code != http.StatusCreated {
			t.Fatalf("country: %d %v", code, m)
		}
	}
	st, err := store.Open(filepath.Join(dir, "ralo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	verify := func() (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), []string{"audit", "verify", "--data-dir", dir, "--temporal-address", p.temporal}, &out, &out)
		return out.String(), err
	}
	var head store.AuditHead
	for deadline := time.Now().Add(20 * time.Second); ; {
		head, _ = st.HeadAudit(context.Background())
		_, cp := p.call(t, "GET", "/api/v1/public/audit/head", "", nil)
		if c, ok := cp["last_checkpoint"].(map[string]any); ok && int64(c["seq"].(float64)) == head.Seq && head.Seq >= 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("head %+v never checkpointed: %v", head, cp)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if out, err := verify(); err != nil {
		t.Fatalf("intact chain: %v\n%s", err, out)
	}
	if err := st.DB.Exec(`DELETE FROM audit WHERE seq > 2`).Error; err != nil {
		t.Fatal(err)
	}
	out, err := verify()
	want := fmt.Sprintf("the chain ends at 2; the checkpoint at %d says it held %d entries", head.Seq, head.Seq)
	if err == nil || !strings.Contains(out, want) {
		t.Fatalf("truncation: %v\n%s\nwant %q", err, out, want)
	}
}
