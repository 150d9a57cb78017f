package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Every subcommand answers --help (and -h) with its usage and exit 0, and
// does nothing else: with no database set, any work would fail. A help
// flag is never read as a file name ("import users --help").
func TestEverySubcommandAnswersHelp(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	var calls [][]string
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		calls = append(calls, []string{c.name, "--help"}, []string{c.name, "-h"})
	}
	calls = append(calls, []string{"import", "users", "--help"}, []string{"import", "users", "roster.csv", "--apply", "--help"},
		[]string{"courses", "check", "--help"}, []string{"seed", "--demo", "--help"},
		[]string{"bench", "data", "--help"}, []string{"bench", "run", "-h"})
	for _, args := range calls {
		var out bytes.Buffer
		code := run(context.Background(), args, &out, &out)
		text := out.String()
		if code != 0 || !strings.Contains(strings.ToLower(text), "usage") {
			t.Errorf("waymark %s: exit %d\n%s", strings.Join(args, " "), code, text)
		}
	}
	var out bytes.Buffer
	run(context.Background(), []string{"import", "--help"}, &out, &out)
	for _, want := range []string{"--apply", "--invite", "email, name, organization code"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import --help lacks %q:\n%s", want, out.String())
		}
	}
}
