// Package devserver runs a complete Temporal server inside the current
// process, persisted to a SQLite file.
//
// It exists so that `ralo dev` is one process with no external services, and
// so that tests can run workflows against a real server (one shared server per
// test package, in memory) instead of a mock. Production uses an external
// Temporal cluster and never imports this package.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"
)

const (
	// DefaultRetention keeps closed workflows long enough to inspect a
	// finished case in the UI or with the CLI during development.
	DefaultRetention = 30 * 24 * time.Hour

	// minRetention is the server's default system.namespaceMinRetentionLocal.
	// It is checked here too because the first creation writes the namespace
	// straight to the database, where the frontend's check does not run.
	minRetention = time.Hour

	// readyTimeout bounds the wait for the frontend when the caller's
	// context has no deadline, so a server that never comes up fails Start
	// instead of hanging `ralo dev` or a test binary.
	readyTimeout = 30 * time.Second

	// dbFileName is the Temporal database inside Config.DataDir; the name
	// leaves room for the application's own database in the same folder.
	dbFileName = "temporal.db"

	// clusterName is persisted on first start; it must never change for an
	// existing database file.
	clusterName = "active"

	// internalIP is where history, matching and the internal worker listen:
	// only this process talks to them, whatever Config.IP exposes.
	internalIP = "127.0.0.1"
)

// sqliteCacheKiB is the page cache of a file database, in KiB.
const sqliteCacheKiB = 64 << 10

// memoryDBSeq gives every in-memory database its own name. The SQLite plugin
// shares one connection per DSN across the whole process, so two ephemeral
// servers with the same name would silently share their data.
var memoryDBSeq atomic.Int64

// Update limits of a workflow execution, raised from Temporal's defaults
// (10 in flight, 2,000 in all) for elections with many ballots.
const (
	MaxInFlightUpdates = 100
	MaxTotalUpdates    = 20_000
)

// Config says where the server keeps its data and how it is reached.
type Config struct {
	// DataDir is the folder of the database; the Temporal DB is
	// DataDir/temporal.db. It is created if missing. Leave it empty with
	// Ephemeral.
	DataDir string
	// Ephemeral keeps everything in memory, for tests: nothing outlives the
	// process.
	Ephemeral bool
	// IP is the frontend bind address; default 127.0.0.1 so a dev machine
	// does not expose an unauthenticated Temporal to its network.
	IP string
	// Port is the frontend gRPC port; 0 picks a free one.
	Port int
	// Namespace is registered on start if missing, e.g. "ralo".
	Namespace string
	// Retention is the namespace retention (default DefaultRetention). It is
	// applied on first creation and updated on an existing namespace when it
	// differs, so changing the flag takes effect on the next start.
	Retention time.Duration
	// Logger receives the server's warnings and errors only: below that the
	// server is far too chatty for a developer's terminal. Nil discards.
	// Records carry no component attribute of their own; tag the logger
	// (Logger.With) to tell them from the application's.
	Logger *slog.Logger
}

// Server is a running embedded Temporal server.
type Server struct {
	temporal  temporal.Server
	logger    *serverLogger
	hostPort  string
	namespace string

	stopOnce sync.Once
	stopErr  error
}

// Start starts the server and returns once the frontend answers a
// DescribeNamespace for cfg.Namespace, so callers can dial, start workflows
// and run workers right away.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}
	if err := cfg.defaults(); err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}

	// A busy frontend port is reported here: past this point the server
	// treats a failed listen as fatal and exits the process.
	ports, err := reservePorts(
		net.JoinHostPort(cfg.IP, strconv.Itoa(cfg.Port)),
		net.JoinHostPort(internalIP, "0"),
		net.JoinHostPort(internalIP, "0"),
		net.JoinHostPort(internalIP, "0"),
	)
	if err != nil {
		return nil, fmt.Errorf("devserver: ports: %w", err)
	}
	frontendPort, historyPort, matchingPort, workerPort := ports[0], ports[1], ports[2], ports[3]
	hostPort := net.JoinHostPort(advertisedIP(cfg.IP), strconv.Itoa(frontendPort))

	sqlCfg, err := prepareDatabase(cfg)
	if err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}

	services := map[primitives.ServiceName]config.Service{
		primitives.FrontendService: {RPC: config.RPC{BindOnIP: cfg.IP, GRPCPort: frontendPort}},
		primitives.HistoryService:  {RPC: config.RPC{BindOnIP: internalIP, GRPCPort: historyPort}},
		primitives.MatchingService: {RPC: config.RPC{BindOnIP: internalIP, GRPCPort: matchingPort}},
		primitives.WorkerService:   {RPC: config.RPC{BindOnIP: internalIP, GRPCPort: workerPort}},
	}
	// Static hosts replace ringpop membership: with every service in one
	// process there is nothing to gossip about, and it saves the ring join
	// on start plus stale members left in the database by the previous run.
	hosts := make(map[primitives.ServiceName]static.Hosts, len(services))
	serviceNames := make([]string, 0, len(services))
	serverServices := make(map[string]config.Service, len(services))
	for name, svc := range services {
		addr := net.JoinHostPort(advertisedIP(svc.RPC.BindOnIP), strconv.Itoa(svc.RPC.GRPCPort))
		hosts[name] = static.SingleLocalHost(addr)
		serviceNames = append(serviceNames, string(name))
		serverServices[string(name)] = svc
	}

	logger := newLogger(cfg.Logger)
	srv, err := temporal.NewServer(
		temporal.WithConfig(serverConfig(sqlCfg, serverServices, hostPort)),
		temporal.ForServices(serviceNames),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		// The application serves its own /metrics; a second Prometheus
		// listener per server would collide when tests run two.
		temporal.WithCustomMetricsHandler(metrics.NoopMetricsHandler),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			// Custom search attributes are usable right after they are
			// added, instead of after a cache refresh.
			dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
			// Every ballot of an election is an update of its workflow.
			// The defaults (10 in flight, 2,000 in a run) would turn
			// ballots away in a busy vote; ralo's API already bounds
			// each request, and an election's history stays far below
			// Temporal's size limits at these counts. A Temporal cluster
			// run by others needs the same two settings (README).
			dynamicconfig.WorkflowExecutionMaxInFlightUpdates.Key(): MaxInFlightUpdates,
			dynamicconfig.WorkflowExecutionMaxTotalUpdates.Key():    MaxTotalUpdates,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("devserver: create server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("devserver: start server: %w", err)
	}

	s := &Server{temporal: srv, logger: logger, hostPort: hostPort, namespace: cfg.Namespace}
	if err := s.ready(ctx, cfg.Retention); err != nil {
		return nil, errors.Join(fmt.Errorf("devserver: %w", err), s.Stop())
	}
	return s, nil
}

// HostPort is the frontend address for SDK clients and the temporal CLI.
func (s *Server) HostPort() string { return s.hostPort }

// Namespace is the namespace registered on start.
func (s *Server) Namespace() string { return s.namespace }

// Stop shuts the server down; timers and running workflows resume on the next
// Start on the same DataDir. It is safe to call more than once, so tests can
// both defer it and check its error.
//
// The SQLite plugin keeps its database connection for the life of the
// process, so Stop does not release the file; it is released when the process
// exits.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.logger.stopping.Store(true)
		s.stopErr = s.temporal.Stop()
	})
	return s.stopErr
}

func (cfg *Config) defaults() error {
	switch {
	case cfg.Ephemeral && cfg.DataDir != "":
		return errors.New("set either DataDir or Ephemeral, not both")
	case !cfg.Ephemeral && cfg.DataDir == "":
		return errors.New("set DataDir, or Ephemeral for an in-memory server")
	case cfg.Namespace == "":
		return errors.New("no Namespace set")
	case cfg.Port < 0 || cfg.Port > 65535:
		return fmt.Errorf("port %d out of range", cfg.Port)
	}
	if cfg.IP == "" {
		cfg.IP = "127.0.0.1"
	}
	// The server treats a bad bind address as fatal and exits the process;
	// an error here is kinder.
	if net.ParseIP(cfg.IP) == nil {
		return fmt.Errorf("bad IP %q", cfg.IP)
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Retention < minRetention {
		return fmt.Errorf("retention %v is below the server minimum of %v", cfg.Retention, minRetention)
	}
	return nil
}

// prepareDatabase returns the SQLite settings and makes sure the database has
// the schema and the namespace before the server reads them.
func prepareDatabase(cfg Config) (*config.SQL, error) {
	sqlCfg := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		ConnectAttributes: map[string]string{},
	}
	if cfg.Ephemeral {
		// The plugin creates the schema itself for in-memory databases, and
		// shared cache lets every service see the same one.
		sqlCfg.DatabaseName = fmt.Sprintf("devserver-%d-%d", os.Getpid(), memoryDBSeq.Add(1))
		sqlCfg.ConnectAttributes["mode"] = "memory"
		sqlCfg.ConnectAttributes["cache"] = "shared"
	} else {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		sqlCfg.DatabaseName = filepath.Join(cfg.DataDir, dbFileName)
		sqlCfg.ConnectAttributes["mode"] = "rwc"
		// The plugin passes attributes that are not URI parameters as
		// pragmas. WAL lets readers run alongside the writer; NORMAL
		// durability is safe with WAL (a power cut can lose the last
		// commits, never corrupt) and much faster than FULL's fsync per
		// commit.
		sqlCfg.ConnectAttributes["journal_mode"] = "wal"
		sqlCfg.ConnectAttributes["synchronous"] = "normal"
		// SQLite's page cache defaults to 2 MB, a few percent of the
		// database once it holds thousands of cases: a larger cache keeps
		// the indexes of the hot tables in memory. The plugin's single
		// connection owns it; a pragma, so nothing is persisted.
		sqlCfg.ConnectAttributes["cache_size"] = strconv.Itoa(-sqliteCacheKiB)
		if err := ensureSchema(sqlCfg); err != nil {
			return nil, err
		}
	}

	// Creating the namespace in the database before start, rather than
	// through RegisterNamespace after, means the server's namespace cache
	// already holds it when Start returns: no "namespace not found" window.
	ns, err := sqlite.NewNamespaceConfig(clusterName, cfg.Namespace, false, nil)
	if err != nil {
		return nil, fmt.Errorf("namespace config: %w", err)
	}
	ns.Detail.Config.Retention = durationpb.New(cfg.Retention)
	if err := sqlite.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("create namespace %q: %w", cfg.Namespace, err)
	}
	return sqlCfg, nil
}

// ensureSchema creates the schema when the database file does not exist yet.
func ensureSchema(sqlCfg *config.SQL) error {
	path := sqlCfg.DatabaseName
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stat database: %w", err)
	}
	if err := sqlite.SetupSchema(sqlCfg); err != nil {
		// A half-built schema would make every later start fail in
		// confusing ways; without the file the next start tries again.
		removeErr := errors.Join(os.Remove(path), removeIfExists(path+"-wal"), removeIfExists(path+"-shm"))
		return errors.Join(fmt.Errorf("set up schema in %s: %w", path, err), removeErr)
	}
	return nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// serverConfig is the static configuration of a single-node server on SQLite.
func serverConfig(sqlCfg *config.SQL, services map[string]config.Service, hostPort string) *config.Config {
	return &config.Config{
		// PProf stays at port 0, which leaves the profiler off, and
		// Global.Metrics stays nil: no listener the application did not ask for.
		Persistence: config.Persistence{
			DefaultStore:    sqliteplugin.PluginName,
			VisibilityStore: sqliteplugin.PluginName,
			// One shard is plenty for one developer, and SQLite has a single
			// writer anyway. The count is fixed once the database exists.
			NumHistoryShards: 1,
			DataStores: map[string]config.DataStore{
				sqliteplugin.PluginName: {SQL: sqlCfg},
			},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {
					Enabled:                true,
					InitialFailoverVersion: 1,
					RPCAddress:             hostPort,
				},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{
			Archival: config.ArchivalNamespaceDefaults{
				History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
				Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
			},
		},
		// The internal worker service (system workflows such as the scanner)
		// reaches the frontend through this address.
		PublicClient: config.PublicClient{HostPort: hostPort},
	}
}

// ready waits until the frontend describes the namespace, then brings its
// retention in line with the configuration.
func (s *Server) ready(ctx context.Context, retention time.Duration) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, readyTimeout)
		defer cancel()
	}

	conn, err := grpc.NewClient(s.hostPort, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("dial frontend: %w", err)
	}
	defer func() { _ = conn.Close() }()
	svc := workflowservice.NewWorkflowServiceClient(conn)

	var desc *workflowservice.DescribeNamespaceResponse
	for {
		desc, err = svc.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: s.namespace})
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("frontend not ready at %s: %w", s.hostPort, errors.Join(ctx.Err(), err))
		case <-time.After(25 * time.Millisecond):
		}
	}

	if desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() == retention {
		return nil
	}
	_, err = svc.UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
		Namespace: s.namespace,
		Config:    &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(retention)},
	})
	if err != nil {
		return fmt.Errorf("update retention of namespace %q: %w", s.namespace, err)
	}
	return nil
}
