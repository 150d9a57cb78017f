// Command waymark is the one binary: serve, migrate, seed, courses check,
// version. main only wires: config → pool → stores → services → app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

type command struct {
	name, usage, help string
	details           string // more, for "waymark COMMAND --help"
	run               func(ctx context.Context, args []string, out io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve", "run the web server (and the reminder sweep)", "", runServe},
		{"migrate", "migrate", "apply pending database migrations", "", runMigrate},
		{"seed", "seed [--demo]", "load job roles, courses and the requirements matrix; --demo adds demo organizations and users",
			"--demo  also create the demo organizations and people with a year of training history (idempotent: run it again and nothing is doubled)", runSeed},
		{"courses", "courses check [DIR]", "validate and lint the course catalog (default: the embedded one)", "", runCourses},
		{"import", "import users FILE.csv [--apply] [--invite]", "check a roster of people (dry run), or import it with --apply", importDetails, runImport},
		{"remind", "remind", "run one reminder sweep and one mail send pass, then exit (for cron)", "", runRemind},
		{"bench", "bench data|run", "generate the benchmark dataset, or measure the server against it (docs/BENCHMARKS.md)",
			"Run `waymark bench data -h` or `waymark bench run -h` for their flags.", runBench},
		{"version", "version", "print the version", "", runVersion},
		{"help", "help", "list the commands", "", nil},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			// bench data and bench run print their own flags.
			if wantsHelp(args[1:]) && (c.name != "bench" || len(args) < 3) {
				commandHelp(out, c)
				return 0
			}
			if err := c.run(ctx, args[1:], out); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return 0 // the flag set printed its usage
				}
				var exit exitError
				if !errors.As(err, &exit) {
					fmt.Fprintf(errOut, "waymark %s: %v\n", c.name, err)
				}
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(errOut, "waymark: unknown command %q\n\n", args[0])
	usage(errOut)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Waymark: training and prevention for the Massachusetts statewide plan.\n\nUsage: waymark <command>\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-22s %s\n", c.usage, c.help)
	}
	fmt.Fprintln(w, "\nSettings come from environment variables; see README.md.")
}

// wantsHelp reports whether a subcommand's arguments ask for help, so
// that "--help" is never taken for a file name or a setting.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "help":
			return true
		}
	}
	return false
}

// commandHelp prints one command's usage, what it does and its details.
func commandHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "Usage: waymark %s\n\n%s\n", c.usage, c.help)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", c.details)
	}
}

// exitError marks a failure that was already reported to the user.
type exitError struct{}

func (exitError) Error() string { return "failed" }

// newLogger logs JSON when stderr is not a terminal, text when it is.
func newLogger(level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}
