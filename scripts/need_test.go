// Package scripts holds the shell scripts behind the Makefile; this test runs
// need.sh against a machine made of stub commands, so it checks what the
// script would install without installing anything.
package scripts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// machine is a fake Debian machine: a PATH of stubs, a PostgreSQL library
// folder, and a log of every apt-get call. Installing a package makes its
// command appear, as on the real machine.
type machine struct {
	t     *testing.T
	root  string // a copy of the repository's scripts/ lives under it
	bin   string
	pglib string
	log   string
	env   []string
}

const aptStub = `#!/bin/bash
echo "$(basename "$0") $*" >> "$NEED_APT_LOG"
[ "$1" = install ] || exit 0
for p in "$@"; do
  case "$p" in
  postgresql) mkdir -p "$NEED_PGLIB/15/bin"; printf '#!/bin/bash\n' > "$NEED_PGLIB/15/bin/initdb"; chmod +x "$NEED_PGLIB/15/bin/initdb" ;;
  postgresql-client) cmd=psql ;;
  poppler-utils) cmd=pdftotext ;;
  chromium|npm|wrk) cmd=$p ;;
  *) continue ;;
  esac
  [ -n "${cmd:-}" ] && { printf '#!/bin/bash\n' > "$(dirname "$0")/$cmd"; chmod +x "$(dirname "$0")/$cmd"; }
  cmd=
done
`

// sudo works without a password only when NEED_SUDO=ok.
const sudoStub = `#!/bin/bash
[ "$NEED_SUDO" = ok ] || exit 1
[ "$1" = -n ] && shift
[ "$1" = true ] && exit 0
echo "sudo -n $*" >> "$NEED_APT_LOG"
exec "$(dirname "$0")/$@"
`

func newMachine(t *testing.T, uid string, commands ...string) *machine {
	t.Helper()
	dir := t.TempDir()
	m := &machine{t: t, root: filepath.Join(dir, "repo"), bin: filepath.Join(dir, "bin"),
		pglib: filepath.Join(dir, "pglib"), log: filepath.Join(dir, "apt.log")}
	for _, d := range []string{m.bin, m.pglib, filepath.Join(m.root, "scripts")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile("need.sh")
	if err != nil {
		t.Fatal(err)
	}
	m.write(filepath.Join(m.root, "scripts", "need.sh"), string(src))
	// The few real commands the script itself uses.
	for _, name := range []string{"dirname", "mktemp", "rm", "cat", "basename", "mkdir", "chmod"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.Symlink(path, filepath.Join(m.bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	m.write(filepath.Join(m.bin, "id"), "#!/bin/bash\necho "+uid+"\n")
	m.write(filepath.Join(m.bin, "apt-get"), aptStub)
	m.write(filepath.Join(m.bin, "sudo"), sudoStub)
	m.write(filepath.Join(m.bin, "pg_isready"), "#!/bin/bash\n[ \"$NEED_PG_ANSWERS\" = yes ]\n")
	for _, c := range commands {
		if c == "initdb" {
			m.write(filepath.Join(m.pglib, "15", "bin", "initdb"), "#!/bin/bash\n")
			continue
		}
		m.write(filepath.Join(m.bin, c), "#!/bin/bash\n")
	}
	m.env = []string{"PATH=" + m.bin, "NEED_PGLIB=" + m.pglib, "NEED_APT_LOG=" + m.log}
	return m
}

func (m *machine) write(path, text string) {
	m.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		m.t.Fatal(err)
	}
}

// run runs need.sh with args and extra environment; it returns the exit
// code, what the script said, and the apt-get calls made during this run.
func (m *machine) run(env []string, args ...string) (int, string, []string) {
	m.t.Helper()
	before := m.apt()
	cmd := exec.Command("/bin/bash", append([]string{filepath.Join(m.root, "scripts", "need.sh")}, args...)...)
	cmd.Env = append(append([]string{}, m.env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	code := 0
	if err := cmd.Run(); err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			m.t.Fatal(err)
		}
		code = exit.ExitCode()
	}
	return code, out.String(), m.apt()[len(before):]
}

func (m *machine) apt() []string {
	b, err := os.ReadFile(m.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		m.t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

var allTest = []string{"initdb", "psql", "chromium", "pdftotext", "npm", "wrk"}

func TestNothingMissingInstallsNothing(t *testing.T) {
	m := newMachine(t, "0", allTest...)
	code, out, calls := m.run(nil, "test")
	if code != 0 || out != "" || len(calls) != 0 {
		t.Fatalf("code %d, output %q, apt calls %q; want a silent no-op", code, out, calls)
	}
}

func TestRootInstallsWhatIsMissingOnce(t *testing.T) {
	m := newMachine(t, "0", "initdb", "psql", "pdftotext", "npm")
	code, plan, calls := m.run(nil, "--plan", "test")
	if code != 0 || strings.TrimSpace(plan) != "chromium wrk" || len(calls) != 0 {
		t.Fatalf("--plan: code %d, %q, apt calls %q; want \"chromium wrk\" and no apt", code, plan, calls)
	}
	t.Logf("would install: %s", plan)

	code, out, calls := m.run(nil, "test")
	if code != 0 {
		t.Fatalf("code %d: %s", code, out)
	}
	want := []string{"apt-get update -qq", "apt-get install -y -qq chromium wrk"}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("apt calls %q, want %q", calls, want)
	}
	// What is installed and why is said once, before installing.
	for _, s := range []string{"chromium: the browser tests", "wrk: the benchmark smoke run"} {
		if strings.Count(out, s) != 1 {
			t.Errorf("output should say %q once:\n%s", s, out)
		}
	}
	if strings.Contains(out, "psql") || strings.Contains(out, "npm:") {
		t.Errorf("output names packages that are present:\n%s", out)
	}

	code, out, calls = m.run(nil, "test")
	if code != 0 || out != "" || len(calls) != 0 {
		t.Fatalf("second run: code %d, output %q, apt calls %q; want nothing installed twice", code, out, calls)
	}
}

func TestSudoWithoutPassword(t *testing.T) {
	m := newMachine(t, "1000", "initdb", "psql", "chromium", "pdftotext", "wrk")
	code, out, calls := m.run([]string{"NEED_SUDO=ok"}, "test")
	want := []string{"sudo -n apt-get update -qq", "apt-get update -qq", "sudo -n apt-get install -y -qq npm", "apt-get install -y -qq npm"}
	if code != 0 || strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("code %d, apt calls %q, want %q:\n%s", code, calls, want, out)
	}
}

func TestNoWayToInstallStopsWithTheCommand(t *testing.T) {
	m := newMachine(t, "1000", "psql", "chromium", "npm", "wrk")
	code, out, calls := m.run(nil, "test")
	if code != 1 || len(calls) != 0 {
		t.Fatalf("code %d, apt calls %q; want exit 1 and no apt", code, calls)
	}
	if !strings.Contains(out, "Install them with:  sudo apt-get install -y postgresql poppler-utils\n") {
		t.Fatalf("output lacks the one command to run:\n%s", out)
	}
}

func TestRunNeedsPostgreSQLOnlyWithoutAServer(t *testing.T) {
	cases := []struct {
		name     string
		commands []string
		env      []string
		want     string // what --plan lists
	}{
		{"DATABASE_URL set", nil, []string{"DATABASE_URL=postgres://db.example/waymark"}, ""},
		{"a server answers", nil, []string{"NEED_PG_ANSWERS=yes"}, "postgresql-client"},
		{"a server answers, psql present", []string{"psql"}, []string{"NEED_PG_ANSWERS=yes"}, ""},
		{"nothing answers", nil, nil, "postgresql-client postgresql"},
		{"nothing answers, binaries present", []string{"psql", "initdb"}, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newMachine(t, "0", c.commands...)
			code, out, calls := m.run(c.env, "--plan", "run")
			if code != 0 || strings.TrimSpace(out) != c.want || len(calls) != 0 {
				t.Fatalf("code %d, plan %q, apt calls %q; want %q", code, out, calls, c.want)
			}
		})
	}
}

func TestAProjectClusterNeedsNoServerPackage(t *testing.T) {
	m := newMachine(t, "0", "psql")
	m.write(filepath.Join(m.root, ".data", "pg", "PG_VERSION"), "15\n")
	if code, out, _ := m.run(nil, "--plan", "run"); code != 0 || strings.TrimSpace(out) != "" {
		t.Fatalf("code %d, plan %q; want nothing", code, out)
	}
}
