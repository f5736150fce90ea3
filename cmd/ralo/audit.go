package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/store"
	"github.com/lacralo/ralo/workflows/anchor"
)

// runAudit is `ralo audit verify`: the chain recomputed from the database
// and compared with the AuditAnchor workflow's checkpoints; it prints the
// result as JSON and fails when the chain does not verify.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: ralo audit verify [--data-dir DIR | --database-url URL --temporal-address HOST:PORT --payload-key KEY]")
	}
	var c config
	fs := newFlagSet("audit verify", stderr)
	fs.StringVar(&c.DataDir, "data-dir", envString("data-dir", ""), "ralo dev's data folder (its ralo.db and payload.key), instead of --database-url and --payload-key")
	fs.StringVar(&c.PayloadKey, "payload-key", envString("payload-key", ""), "the payload key(s) of serve and worker")
	c.database(fs)
	c.temporal(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.DatabaseURL == "" && c.DataDir != "" {
		c.DatabaseURL = c.sqlitePath()
	}
	if c.DatabaseURL == "" {
		return errors.New("--database-url (RALO_DATABASE_URL) or --data-dir is required")
	}
	cd, err := c.payloadCodec(c.DataDir != "")
	if err != nil {
		return err
	}
	st, err := store.Open(c.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	topts, err := c.temporalOptions()
	if err != nil {
		return err
	}
	topts.DataConverter = codec.DataConverter(cd)
	tc, err := client.DialContext(ctx, topts)
	if err != nil {
		return fmt.Errorf("dial temporal %s: %w", topts.HostPort, err)
	}
	defer tc.Close()
	cps, err := anchor.Checkpoints(ctx, tc)
	if err != nil {
		return fmt.Errorf("read the audit anchor: %w", err)
	}
	heads := make([]store.AuditCheckpoint, len(cps))
	for i, cp := range cps {
		heads[i] = store.AuditCheckpoint{Seq: cp.Seq, Hash: cp.Hash}
	}
	res, err := st.VerifyAuditAgainst(ctx, heads)
	if err != nil {
		return err
	}
	out := struct {
		store.VerifyResult
		Checkpoints int `json:"checkpoints"`
	}{res, len(cps)}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if !res.OK {
		return errors.New("the audit chain does not verify: " + res.Reason)
	}
	return nil
}
