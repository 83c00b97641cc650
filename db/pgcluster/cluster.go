package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/lib/pq"
)

// DefaultDatabase is the database Start creates and URL points at.
const DefaultDatabase = "roundtable"

// superuser is the cluster's bootstrap role (initdb -U). Authentication is
// "trust": only local processes can reach the socket, and access is governed
// by the socket directory's file permissions.
const superuser = "postgres"

// port names the socket file (.s.PGSQL.<port>); no TCP port is opened.
const port = 5432

// startTimeout bounds pg_ctl's wait for the server to accept connections.
const startTimeout = 60 * time.Second

// Options configures Start.
type Options struct {
	// DataDir is the folder that holds the cluster ("data" gives data/postgres).
	// Required; made absolute; created with its parents.
	DataDir string
	// BinDir holds initdb and pg_ctl. Empty means search $PG_BINDIR, PATH,
	// then the highest /usr/lib/postgresql/*/bin.
	BinDir string
	// Logger receives start, adopt and stop events. Nil discards them.
	Logger *slog.Logger
	// Ephemeral trades crash safety for speed, for tests: initdb --no-sync,
	// and the server runs with fsync, synchronous_commit and
	// full_page_writes off. A clean stop or restart still keeps every
	// committed row; an OS crash may lose or corrupt the cluster.
	Ephemeral bool
	// Settings are extra server settings (name -> value) given as -c options
	// when this process starts the server, e.g. {"max_connections": "300"}.
	Settings map[string]string
}

// Cluster is a private PostgreSQL server on a data folder. Its methods are
// safe for concurrent use.
type Cluster struct {
	dataDir  string // Options.DataDir, absolute
	pgData   string // the cluster proper: dataDir/postgres
	logPath  string
	lockPath string
	binDir   string
	owner    *owner // nil: run binaries as ourselves
	log      *slog.Logger
	opts     Options

	mu          sync.Mutex
	socketDir   string
	port        int
	startedHere bool
	users       *fileLock // shared lock on postgres.users while this Cluster uses the server; see users.go
}

// Start returns a running cluster on opts.DataDir: it initialises the folder
// on first use, adopts a server already running on it, or starts one, and
// makes sure DefaultDatabase exists. Call Stop when done; it stops the server
// only if this call started it.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	c, err := newCluster(opts)
	if err != nil {
		return nil, err
	}
	lock, err := c.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	if err := c.startOrAdopt(ctx); err != nil {
		return nil, err
	}
	if err := c.joinUsers(ctx); err != nil {
		return nil, err
	}
	if err := c.ensureDatabase(ctx, DefaultDatabase); err != nil {
		// Leave nothing behind that the caller cannot stop.
		if c.StartedHere() {
			c.mu.Lock()
			stopErr := c.stop(context.WithoutCancel(ctx))
			c.mu.Unlock()
			err = errors.Join(err, stopErr)
		}
		return nil, err
	}
	return c, nil
}

func newCluster(opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is required")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data folder %q: %w", opts.DataDir, err)
	}
	binDir, err := findBinDir(opts.BinDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	own, err := currentOwner()
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pgData := filepath.Join(dataDir, "postgres")
	c := &Cluster{
		dataDir:   dataDir,
		pgData:    pgData,
		logPath:   filepath.Join(pgData, "server.log"),
		lockPath:  filepath.Join(dataDir, "postgres.lock"),
		binDir:    binDir,
		owner:     own,
		log:       log,
		opts:      opts,
		socketDir: socketDirFor(dataDir, port),
		port:      port,
	}
	if err := checkSocketDir(c.socketDir, port); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("pgcluster: create data folder: %w", err)
	}
	if err := own.makeTraversable(pgData, log); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	return c, nil
}

// lock serialises cluster management across processes sharing the folder.
func (c *Cluster) lock(ctx context.Context) (*fileLock, error) {
	l, err := lockFile(ctx, c.lockPath)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	return l, nil
}

// DataDir is the cluster's PGDATA folder.
func (c *Cluster) DataDir() string { return c.pgData }

// StartedHere reports whether this Cluster started the running server (and
// so will stop it), as opposed to adopting one that was already running.
func (c *Cluster) StartedHere() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.startedHere
}

// URL is a lib/pq connection URL for DefaultDatabase over the unix socket.
func (c *Cluster) URL() string { return c.DatabaseURL(DefaultDatabase) }

// DatabaseURL is a lib/pq connection URL for the named database over the unix
// socket, with sslmode=disable set explicitly (a unix socket has no TLS).
func (c *Cluster) DatabaseURL(name string) string {
	c.mu.Lock()
	dir, p := c.socketDir, c.port
	c.mu.Unlock()
	q := url.Values{}
	q.Set("host", dir)
	q.Set("port", strconv.Itoa(p))
	q.Set("sslmode", "disable")
	u := url.URL{Scheme: "postgres", User: url.User(superuser), Path: "/" + name, RawQuery: q.Encode()}
	return u.String()
}

// Stop ends this Cluster's use of the server. The last process using the
// server stops it (pg_ctl stop -m fast: open sessions end, committed work is
// kept) if a Roundtable process started it; while others still use it, or
// when a person started it by hand, it keeps running. See users.go.
func (c *Cluster) Stop(ctx context.Context) error {
	lock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer lock.unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	last, err := c.leaveUsers()
	if err != nil {
		return err
	}
	if last == nil {
		c.log.Info("pgcluster: other processes still use the server; the last one stops it", "dir", c.pgData)
		return nil
	}
	defer last.unlock()
	if !c.startedByUs() {
		c.startedHere = false
		c.log.Info("pgcluster: leaving running a server Roundtable did not start", "dir", c.pgData)
		return nil
	}
	if err := c.stop(ctx); err != nil {
		return err
	}
	c.clearStarted()
	c.startedHere = false
	return nil
}

// Restart stops the server (even an adopted one) and starts it again; this
// Cluster then owns it. Tests use it to check that work survives a restart.
func (c *Cluster) Restart(ctx context.Context) error {
	lock, err := c.lock(ctx)
	if err != nil {
		return err
	}
	defer lock.unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.stop(ctx); err != nil {
		return err
	}
	return c.start(ctx)
}

// startOrAdopt initialises the folder if needed, then adopts a running server
// or starts one.
func (c *Cluster) startOrAdopt(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := os.Stat(filepath.Join(c.pgData, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("pgcluster: inspect %s: %w", c.pgData, err)
	}
	running, err := c.running(ctx)
	if err != nil {
		return err
	}
	if running {
		return c.adopt()
	}
	return c.start(ctx)
}

func (c *Cluster) initdb(ctx context.Context) error {
	began := time.Now()
	if err := c.owner.mkdirOwned(c.pgData, 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	args := []string{"-D", c.pgData, "--auth=trust", "-U", superuser, "-E", "UTF8", "--locale=C"}
	// Ephemeral clusters need no sync at all; durable ones get one syncfs
	// instead of initdb's per-file fsyncs where the platform has it.
	if c.opts.Ephemeral || fastInitdbSync {
		args = append(args, "--no-sync")
	}
	if out, err := c.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("pgcluster: initdb %s: %w\n%s", c.pgData, err, out)
	}
	if !c.opts.Ephemeral && fastInitdbSync {
		if err := syncFS(c.pgData); err != nil {
			return fmt.Errorf("pgcluster: after initdb: %w", err)
		}
	}
	c.log.Info("pgcluster: initialised a new cluster", "dir", c.pgData, "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// running asks pg_ctl status, which checks postmaster.pid and that its
// process is alive: exit 0 running, 3 not running.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	out, err := c.run(ctx, "pg_ctl", "status", "-D", c.pgData)
	if err == nil {
		return true, nil
	}
	var exit *execExitError
	if errors.As(err, &exit) && exit.code == 3 {
		return false, nil
	}
	return false, fmt.Errorf("pgcluster: pg_ctl status: %w\n%s", err, out)
}

func (c *Cluster) adopt() error {
	info, err := readPostmasterPID(filepath.Join(c.pgData, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("pgcluster: adopt the running server: %w", err)
	}
	if info.socketDir == "" {
		return fmt.Errorf("pgcluster: the server running on %s (pid %d) has no unix socket; stop it and start again", c.pgData, info.pid)
	}
	c.socketDir, c.port, c.startedHere = info.socketDir, info.port, false
	c.log.Info("pgcluster: adopted a running server", "dir", c.pgData, "pid", info.pid)
	return nil
}

func (c *Cluster) start(ctx context.Context) error {
	began := time.Now()
	c.socketDir, c.port = socketDirFor(c.dataDir, port), port
	// Authentication is "trust", so the socket folder is the lock on the
	// door: only its owner (and root) may enter.
	if err := c.owner.mkdirOwned(c.socketDir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: socket folder: %w", err)
	}
	if err := os.Chmod(c.socketDir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: socket folder: %w", err)
	}
	args := []string{"start", "-w", "-t", strconv.Itoa(int(startTimeout / time.Second)),
		"-D", c.pgData, "-l", c.logPath, "-o", c.serverOptions()}
	if out, err := c.run(ctx, "pg_ctl", args...); err != nil {
		return withLogTail(fmt.Errorf("pgcluster: start the server on %s: %w\n%s", c.pgData, err, out), c.logPath)
	}
	info, err := readPostmasterPID(filepath.Join(c.pgData, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("pgcluster: started the server on %s but cannot read its pid: %w", c.pgData, err)
	}
	c.startedHere = true
	if err := c.markStarted(info.pid); err != nil {
		return err
	}
	c.log.Info("pgcluster: started the server", "dir", c.pgData, "socket_dir", c.socketDir, "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// serverOptions is pg_ctl's -o string, which pg_ctl hands to a shell: every
// word is quoted.
func (c *Cluster) serverOptions() string {
	settings := map[string]string{
		"listen_addresses":        "",
		"unix_socket_directories": c.socketDir,
		"unix_socket_permissions": "0777",
		"port":                    strconv.Itoa(c.port),
	}
	if c.opts.Ephemeral {
		settings["fsync"] = "off"
		settings["synchronous_commit"] = "off"
		settings["full_page_writes"] = "off"
	}
	for k, v := range c.opts.Settings {
		settings[k] = v
	}
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)
	var s string
	for _, k := range names {
		s += " -c " + shellQuote(k+"="+settings[k])
	}
	return s[1:]
}

func (c *Cluster) stop(ctx context.Context) error {
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	began := time.Now()
	if out, err := c.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.pgData); err != nil {
		return withLogTail(fmt.Errorf("pgcluster: stop the server on %s: %w\n%s", c.pgData, err, out), c.logPath)
	}
	c.log.Info("pgcluster: stopped the server", "dir", c.pgData, "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// ensureDatabase creates the named database unless it exists; a concurrent
// creator winning the race is fine.
func (c *Cluster) ensureDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", c.DatabaseURL("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return withLogTail(fmt.Errorf("pgcluster: look for database %q: %w", name, err), c.logPath)
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil && pq.As(err, "42P04") == nil {
		return fmt.Errorf("pgcluster: create database %q: %w", name, err)
	}
	c.log.Info("pgcluster: created database", "name", name)
	return nil
}
