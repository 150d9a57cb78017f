package testdb

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/migrations"
)

// Cluster is a private PostgreSQL server a test starts, restarts and stops
// itself (initdb and pg_ctl from /usr/lib/postgresql/*/bin, a free port on
// 127.0.0.1, a temporary directory). As root the server runs as the
// postgres user, like scripts/dev-db.sh.
type Cluster struct {
	URL  string // its postgres database
	t    testing.TB
	bin  string
	data string
	port int
}

// NewCluster starts a cluster and stops it when the test ends; it skips
// (fails under CI=true) when no server binaries are installed.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the PostgreSQL server binaries are required under CI (/usr/lib/postgresql/*/bin)")
		}
		t.Skip("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
	}
	sort.Slice(bins, func(i, j int) bool { return version(bins[i]) > version(bins[j]) })
	dir, err := os.MkdirTemp("", "waymark-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c := &Cluster{t: t, bin: filepath.Dir(bins[0]), data: filepath.Join(dir, "data"), port: freePort(t)}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	c.run("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	c.Start()
	t.Cleanup(func() { c.pgctl("stop", "-m", "immediate") })
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
	return c
}

// Migrated opens the cluster's database with the pool settings of
// `waymark serve`, applies the migrations and closes the pool when the
// test ends.
func (c *Cluster) Migrated() *sqlx.DB {
	c.t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, c.URL)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	if _, err := store.Migrate(ctx, db, migrations.FS); err != nil {
		c.t.Fatal(err)
	}
	return db
}

// Start starts the server and waits until it accepts connections.
func (c *Cluster) Start() {
	c.pgctl("start", "-l", filepath.Join(c.data, "server.log"), "-o", c.options())
}

// Stop shuts the server down, disconnecting every client.
func (c *Cluster) Stop() { c.pgctl("stop", "-m", "fast") }

// Restart stops the server (disconnecting every client) and starts it again.
func (c *Cluster) Restart() {
	c.pgctl("restart", "-m", "fast", "-l", filepath.Join(c.data, "server.log"), "-o", c.options())
}

func (c *Cluster) options() string {
	return fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off", c.port, filepath.Dir(c.data))
}

func (c *Cluster) pgctl(args ...string) {
	c.run("pg_ctl", append([]string{"-D", c.data, "-w", "-s"}, args...)...)
}

func (c *Cluster) run(name string, args ...string) {
	c.t.Helper()
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.bin, name)}, args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("testdb: %s %v: %v\n%s", name, args, err, out)
	}
}

func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
