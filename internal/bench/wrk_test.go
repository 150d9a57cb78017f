package bench

import (
	"strings"
	"testing"
)

func TestRequestLinesRefuseTabsAndNewlines(t *testing.T) {
	ok := []Request{{Method: "POST", Path: "/my/courses/x/check", Cookie: "waymark_session=abc", Body: "csrf=1&token=2"},
		{Method: "GET", Path: "/courses"}}
	b, err := requestLines(ok)
	if err != nil || string(b) != "POST\t/my/courses/x/check\twaymark_session=abc\tcsrf=1&token=2\nGET\t/courses\t\t\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	for _, bad := range []Request{{Method: "GET", Path: "/a\tb"}, {Method: "GET", Path: "/", Body: "x\ny"}} {
		if _, err := requestLines([]Request{bad}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestResultFailedNamesWhatWentWrong(t *testing.T) {
	for _, c := range []struct {
		r    Result
		want string
	}{
		{Result{Requests: 10}, ""},
		{Result{}, "no request"},
		{Result{Requests: 10, Unexpected: 2, LastStatus: 500}, "last 500"},
		{Result{Requests: 10, SocketErrs: 3}, "socket"},
	} {
		got := c.r.Failed()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%+v: Failed() = %q, want %q", c.r, got, c.want)
		}
	}
	if r := (Result{Requests: 500, DurationUS: 2_000_000}); r.RPS() != 250 {
		t.Errorf("RPS = %v", r.RPS())
	}
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0.0", 61.14: "61.1", 998: "998", 43660.2: "43,660", 1234567: "1,234,567"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestLuaScriptNamesItsDataFile(t *testing.T) {
	s := luaScript(Load{Name: "x", Once: true, Expect: 303, Connections: 8}, 2, "/tmp/a]]b.tsv")
	for _, want := range []string{"local datafile = [=[/tmp/a]]b.tsv]=]", "local once = true", "local expect = 303",
		"local nthreads = 2", "local conns = 4", "function done("} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q", want)
		}
	}
}
