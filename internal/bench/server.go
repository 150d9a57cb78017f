package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is `waymark serve` running as its own process on loopback.
type Server struct {
	Addr, BenchAddr string // 127.0.0.1:port of the app and of its plaintext/pprof listener
	cmd             *exec.Cmd
	log             *os.File
	done            chan struct{} // closed when the process has exited
	stopOnce        sync.Once
}

// StartServer runs bin serve against databaseURL with the bench listener on
// and the reminder sweep off (the sweep is timed on its own), logging to
// logPath, and waits until /readyz answers.
func StartServer(ctx context.Context, bin, databaseURL, logPath string) (*Server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	benchAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+databaseURL,
		"DATABASE_REPLICA_URL=",
		"LISTEN_ADDR="+addr,
		"BASE_URL=http://"+addr,
		"BENCH_ADDR="+benchAddr,
		"REMIND_INTERVAL=0",
		"LOG_LEVEL=warn",
		"SMTP_URL=",
		"MAIL_DIR="+os.TempDir()+"/waymark-bench-mail",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("bench: start server: %w", err)
	}
	s := &Server{Addr: addr, BenchAddr: benchAddr, cmd: cmd, log: logf, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			logf.Close()
			return nil, fmt.Errorf("bench: the server exited before it was ready (%v); see %s", cmd.ProcessState, logPath)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("bench: the server was not ready within 90s; see %s", logPath)
		}
	}
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Memory reads the server's resident set now and at its peak (VmRSS and
// VmHWM of /proc/<pid>/status), in bytes.
func (s *Server) Memory() (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.PID()))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	if peak == 0 {
		return 0, 0, errors.New("bench: no VmHWM in /proc status")
	}
	return rss, peak, sc.Err()
}

// Alive reports whether the server is still running.
func (s *Server) Alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Stop sends SIGTERM, waits up to 25 s for a clean shutdown, then kills.
// Calling it again does nothing.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		defer s.log.Close()
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(25 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// freePort returns a 127.0.0.1 address no one listens on.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
