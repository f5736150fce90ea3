package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/service"
	"github.com/lacralo/ralo/store"
)

// dbFlags lets the operator tools reach either the dev SQLite database or a
// production database.
func (c *config) dbFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", envString("data-dir", "./ralo-data"), "folder of `ralo dev`'s database (when --database-url is empty)")
	fs.StringVar(&c.DatabaseURL, "database-url", envString("database-url", ""), "postgres://… (default: the SQLite database in --data-dir)")
	fs.StringVar(&c.PolicyFile, "policy", envString("policy", ""), "policy YAML file")
}

func (c *config) openStore(ctx context.Context) (*store.Store, error) {
	url := c.DatabaseURL
	if url == "" {
		if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
			return nil, err
		}
		url = c.sqlitePath()
	}
	st, err := store.Open(url)
	if err != nil {
		return nil, err
	}
	pol, err := c.loadPolicy()
	if err != nil {
		st.Close()
		return nil, err
	}
	st.Subregions, st.SubregionOf = pol.SubregionNames(), pol.SubregionOf
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlagSet("migrate", stderr)
	c.dbFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	url := c.DatabaseURL
	if url == "" {
		url = c.sqlitePath()
	}
	st, err := store.Open(url)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s) %v\n", len(applied), applied)
	return nil
}

const adminUsage = `Usage:
  ralo admin create-member --name N --email E --country CC [--als ID] [--language es] [--roles staff,arbitrator] [--welcome=false]
  ralo admin issue-token --member ID [--label L]
  ralo admin import-roster [--welcome=false] FILE.csv   (a line whose email is registered updates that member; each new member is sent the welcome: Temporal flags as for seed-series)
  ralo admin seed-series [--temporal-address host:port …]   (the standing meeting series; idempotent)
  ralo admin policy
`

func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return errors.New("no admin command given")
	}
	var c config
	fs := newFlagSet("admin "+args[0], stderr)
	c.dbFlags(fs)
	switch args[0] {
	case "policy":
		return runPolicy(append([]string{"show"}, args[1:]...), stdout, stderr)
	case "create-member":
		var name, email, country, als, lang, rolesCSV string
		fs.StringVar(&name, "name", "", "full name")
		fs.StringVar(&email, "email", "", "email address")
		fs.StringVar(&country, "country", "", "ISO country code")
		fs.StringVar(&als, "als", "", "ALS id")
		fs.StringVar(&lang, "language", "es", "es, en, pt or fr")
		fs.StringVar(&rolesCSV, "roles", "", "comma-separated roles")
		welcome := c.welcomeFlags(fs)
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		st, err := c.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		roles := splitList(rolesCSV, ",")
		in := store.MemberInput{Name: &name, Email: &email, Country: &country, Language: &lang, Roles: &roles}
		if als != "" {
			in.ALSID = &als
		}
		if !*welcome {
			m, err := st.CreateMember(ctx, store.Actor{}, in)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, m.ID)
			return nil
		}
		svc, done, err := c.operatorService(ctx, st)
		if err != nil {
			return err
		}
		defer done()
		m, err := svc.CreateMember(ctx, operatorAdmin(), in)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, m.ID)
		return nil
	case "issue-token":
		var member, label string
		fs.StringVar(&member, "member", "", "member id")
		fs.StringVar(&label, "label", "cli", "what the token is for")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		st, err := c.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		_, secret, err := st.IssueToken(ctx, store.Actor{}, member, label)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		return nil
	case "import-roster":
		welcome := c.welcomeFlags(fs)
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("import-roster takes one CSV file")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := c.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		var sum store.RosterSummary
		if *welcome {
			svc, done, err := c.operatorService(ctx, st)
			if err != nil {
				return err
			}
			defer done()
			sum, err = svc.ImportRoster(ctx, operatorAdmin(), f)
			if err != nil {
				return err
			}
		} else if sum, err = st.ImportRoster(ctx, store.Actor{}, f); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %d countries, %d ALSes, %d members; updated %d members\n", sum.Countries, sum.ALSes, sum.Members, sum.Updated)
		return nil
	case "seed-series":
		c.temporal(fs)
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return seedSeries(ctx, c, stdout)
	default:
		fmt.Fprint(stderr, adminUsage)
		return fmt.Errorf("unknown admin command %q", args[0])
	}
}

func splitList(s, sep string) []string {
	var out []string
	for _, x := range strings.Split(s, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func runPolicy(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "show" {
		return errors.New(`usage: ralo policy show [--policy FILE]`)
	}
	var c config
	fs := newFlagSet("policy show", stderr)
	fs.StringVar(&c.PolicyFile, "policy", envString("policy", ""), "policy YAML file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	out, err := pol.YAML()
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

// seedSeries creates the standing meeting series that do not exist yet
// (each backed by a Temporal Schedule, hence the Temporal flags) and
// prints every standing series.
func seedSeries(ctx context.Context, c config, stdout io.Writer) error {
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	pol, err := c.loadPolicy()
	if err != nil {
		return err
	}
	topts, err := c.temporalOptions()
	if err != nil {
		return err
	}
	tc, err := client.DialContext(ctx, topts)
	if err != nil {
		return fmt.Errorf("dial temporal %s: %w", topts.HostPort, err)
	}
	defer tc.Close()
	svc := service.New(service.Config{Store: st, Temporal: tc, Policy: pol})
	series, err := svc.SeedStandingSeries(ctx, service.Operator(), store.Now())
	if err != nil {
		return err
	}
	for _, sr := range series {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", sr.ID, sr.Kind, sr.Every, sr.Title)
	}
	return nil
}

// welcomeFlags adds the flags of the commands that register members: the
// Temporal connection the welcome email goes through, and --welcome=false
// to register without it (no Temporal needed then).
func (c *config) welcomeFlags(fs *flag.FlagSet) *bool {
	c.temporal(fs)
	fs.StringVar(&c.PayloadKey, "payload-key", envString("payload-key", ""), "the workers' payload key (default: ralo dev's key file in --data-dir, if any)")
	return fs.Bool("welcome", envBool("welcome", true), "email each new member the welcome with the new-member guidelines (needs Temporal)")
}

// operatorService is the service on st and a Temporal client dialled from
// the flags (with the workers' payload codec when a key is known), for the
// operator's commands that start workflows; done closes the client.
func (c *config) operatorService(ctx context.Context, st *store.Store) (*service.Service, func(), error) {
	pol, err := c.loadPolicy()
	if err != nil {
		return nil, nil, err
	}
	topts, err := c.temporalOptions()
	if err != nil {
		return nil, nil, err
	}
	if c.PayloadKey == "" && c.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(c.DataDir, "payload.key")); err == nil {
			if c.PayloadKey, err = codec.LoadOrCreateKeyFile(filepath.Join(c.DataDir, "payload.key")); err != nil {
				return nil, nil, err
			}
		}
	}
	if c.PayloadKey != "" {
		cd, err := codec.Parse(c.PayloadKey)
		if err != nil {
			return nil, nil, fmt.Errorf("--payload-key: %w", err)
		}
		topts.DataConverter = codec.DataConverter(cd)
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tc, err := client.DialContext(dctx, topts)
	if err != nil {
		return nil, nil, fmt.Errorf("dial temporal %s (for the welcome emails; --welcome=false registers without them): %w", topts.HostPort, err)
	}
	return service.New(service.Config{Store: st, Temporal: tc, Policy: pol}), tc.Close, nil
}

// operatorAdmin is the operator registering members: staff and admin
// powers (any role may be granted), audited as "system".
func operatorAdmin() *service.Actor {
	a := service.Operator()
	a.Roles = append(a.Roles, store.RoleAdmin)
	return a
}
