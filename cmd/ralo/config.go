package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lacralo/ralo/app"
	"github.com/lacralo/ralo/codec"
	"github.com/lacralo/ralo/policy"
	"github.com/lacralo/ralo/store"
)

// config is every setting of every command; each command registers the
// flags it uses.
type config struct {
	DataDir        string
	Listen         string
	TemporalPort   int
	TemporalUI     bool
	TemporalUIPort int
	BaseURL        string
	PublicURL      string

	TemporalAddress    string
	TemporalNamespace  string
	TemporalTLS        bool
	TemporalTLSCert    string
	TemporalTLSKey     string
	TemporalTLSCA      string
	TemporalServerName string
	TemporalAPIKey     string

	DatabaseURL string
	PolicyFile  string
	SMTPURL     string
	SMTPFrom    string
	AdminToken  string
	LogLevel    string
	LogFormat   string

	WorkflowCache int

	TokenTTL     time.Duration
	MetricsToken string
	PayloadKey   string

	AnchorEntries int64
	AnchorEvery   time.Duration
}

// envName maps a flag name to its environment variable: data-dir is
// RALO_DATA_DIR.
func envName(flagName string) string {
	return "RALO_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func envString(name, def string) string {
	if v, ok := os.LookupEnv(envName(name)); ok {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ralo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func (c *config) common(fs *flag.FlagSet) {
	fs.StringVar(&c.PolicyFile, "policy", envString("policy", ""), "policy YAML file naming only the keys that differ from the embedded LACRALO policy")
	fs.StringVar(&c.LogLevel, "log-level", envString("log-level", "info"), "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", envString("log-format", "text"), "text or json")
}

// security adds the flags of a process that serves the API or runs the
// worker: token lifetime and the metrics scraper's token.
func (c *config) security(fs *flag.FlagSet) {
	fs.DurationVar(&c.TokenTTL, "token-ttl", envDuration("token-ttl", store.DefaultTokenTTL), "how long a new bearer token is valid")
	fs.StringVar(&c.PayloadKey, "payload-key", envString("payload-key", ""), "AES-256 key(s) encrypting every Temporal payload: base64 of 32 bytes, several separated by commas for rotation (the first encrypts, all decrypt); ralo dev keeps one in <data-dir>/payload.key")
	fs.Int64Var(&c.AnchorEntries, "audit-checkpoint-entries", int64(envInt("audit-checkpoint-entries", app.DefaultAnchorEntries)), "checkpoint the audit chain's head into the AuditAnchor workflow every so many entries")
	fs.DurationVar(&c.AnchorEvery, "audit-checkpoint-every", envDuration("audit-checkpoint-every", app.DefaultAnchorEvery), "… or this often, when the chain moved")
	fs.StringVar(&c.MetricsToken, "metrics-token", envString("metrics-token", ""), "when set, /metrics requires Authorization: Bearer <it>")
}

// payloadCodec builds the payload codec from --payload-key; in ralo dev,
// with no key given, from the key file of the data folder, created on the
// first start.
func (c *config) payloadCodec(dev bool) (*codec.Codec, error) {
	keys := c.PayloadKey
	if keys == "" && dev {
		var err error
		if keys, err = codec.LoadOrCreateKeyFile(filepath.Join(c.DataDir, "payload.key")); err != nil {
			return nil, fmt.Errorf("payload key file: %w", err)
		}
	}
	if keys == "" {
		return nil, errors.New("--payload-key (RALO_PAYLOAD_KEY) is required: base64 of 32 random bytes (e.g. openssl rand -base64 32), the same for every serve and worker")
	}
	cd, err := codec.Parse(keys)
	if err != nil {
		return nil, fmt.Errorf("--payload-key: %w", err)
	}
	return cd, nil
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func (c *config) mail(fs *flag.FlagSet) {
	fs.StringVar(&c.SMTPURL, "smtp-url", envString("smtp-url", ""), "SMTP server, smtp://user:pass@host:port (smtps:// or smtp+starttls:// for TLS); empty keeps email in the outbox")
	fs.StringVar(&c.SMTPFrom, "smtp-from", envString("smtp-from", "LACRALO <noreply@lacralo.org>"), "sender address of every email")
	fs.StringVar(&c.BaseURL, "base-url", envString("base-url", ""), "public address of the API, for links in emails")
	fs.StringVar(&c.PublicURL, "public-url", envString("public-url", ""), "public address of the web interface, which every email links under (default: the listen address)")
}

// worker adds the flags of a process that runs the worker.
func (c *config) worker(fs *flag.FlagSet) {
	fs.IntVar(&c.WorkflowCache, "workflow-cache", envInt("workflow-cache", 0),
		"workflows kept in memory between their tasks; fewer saves memory, each evicted one is rebuilt from its history when it next acts (0: the SDK's 10,000)")
}

func (c *config) database(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", envString("database-url", ""), "postgres://… (or a SQLite file path)")
	fs.StringVar(&c.AdminToken, "admin-token", envString("admin-token", ""), "token of the first admin, created on an empty database (default: random, printed once)")
}

func (c *config) temporal(fs *flag.FlagSet) {
	fs.StringVar(&c.TemporalAddress, "temporal-address", envString("temporal-address", "127.0.0.1:7233"), "Temporal frontend host:port")
	fs.StringVar(&c.TemporalNamespace, "temporal-namespace", envString("temporal-namespace", "ralo"), "Temporal namespace")
	fs.BoolVar(&c.TemporalTLS, "temporal-tls", envBool("temporal-tls", false), "connect to Temporal over TLS")
	fs.StringVar(&c.TemporalTLSCert, "temporal-tls-cert", envString("temporal-tls-cert", ""), "client certificate (mTLS)")
	fs.StringVar(&c.TemporalTLSKey, "temporal-tls-key", envString("temporal-tls-key", ""), "client key (mTLS)")
	fs.StringVar(&c.TemporalTLSCA, "temporal-tls-ca", envString("temporal-tls-ca", ""), "CA bundle to verify the server")
	fs.StringVar(&c.TemporalServerName, "temporal-tls-server-name", envString("temporal-tls-server-name", ""), "server name to verify")
	fs.StringVar(&c.TemporalAPIKey, "temporal-api-key", envString("temporal-api-key", ""), "API key (Temporal Cloud); implies TLS")
}

func (c *config) logger(stderr io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

func (c *config) loadPolicy() (*policy.Policy, error) {
	return policy.Load(c.PolicyFile)
}

// temporalOptions builds the client options for an external cluster.
func (c *config) temporalOptions() (client.Options, error) {
	o := client.Options{HostPort: c.TemporalAddress, Namespace: c.TemporalNamespace}
	if c.TemporalTLS || c.TemporalAPIKey != "" || c.TemporalTLSCert != "" {
		tc := &tls.Config{ServerName: c.TemporalServerName, MinVersion: tls.VersionTLS12}
		if c.TemporalTLSCert != "" || c.TemporalTLSKey != "" {
			cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
			if err != nil {
				return o, fmt.Errorf("temporal TLS key pair: %w", err)
			}
			tc.Certificates = []tls.Certificate{cert}
		}
		if c.TemporalTLSCA != "" {
			pem, err := os.ReadFile(c.TemporalTLSCA)
			if err != nil {
				return o, fmt.Errorf("temporal TLS CA: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return o, errors.New("temporal TLS CA: no certificate found")
			}
			tc.RootCAs = pool
		}
		o.ConnectionOptions.TLS = tc
	}
	if c.TemporalAPIKey != "" {
		o.Credentials = client.NewAPIKeyStaticCredentials(c.TemporalAPIKey)
	}
	return o, nil
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "xxxxx"
}

// logAttrs is the configuration as logged at start: secrets masked.
func (c *config) logAttrs() []any {
	return []any{
		"data_dir", c.DataDir, "listen", c.Listen, "temporal_port", c.TemporalPort,
		"temporal_address", c.TemporalAddress, "temporal_namespace", c.TemporalNamespace,
		"temporal_tls", c.TemporalTLS, "temporal_api_key", mask(c.TemporalAPIKey),
		"database_url", app.MaskURL(c.DatabaseURL), "policy", c.PolicyFile,
		"smtp_url", app.MaskURL(c.SMTPURL), "smtp_from", c.SMTPFrom,
		"admin_token", mask(c.AdminToken), "base_url", c.BaseURL, "public_url", c.PublicURL, "workflow_cache", c.WorkflowCache,
		"token_ttl", c.TokenTTL.String(), "metrics_token", mask(c.MetricsToken), "payload_key", mask(c.PayloadKey),
	}
}

func (c *config) sqlitePath() string { return filepath.Join(c.DataDir, "ralo.db") }

// publicURL is the web's public address: --public-url, else the address
// the server listens on.
func (c *config) publicURL(ln net.Listener) string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + ln.Addr().String()
}
