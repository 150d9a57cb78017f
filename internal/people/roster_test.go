package people_test

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/people"
)

const header = "email,name,organization code,job roles,manager scope\n"

func TestReadRoster(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		rows      int
		records   int
		scopes    bool
		problems  []string // each must appear, in this order
		checkRow0 func(t *testing.T, r people.RosterRow)
	}{
		{name: "clean with BOM and CRLF", input: "\ufeff" + strings.ReplaceAll(header, "\n", "\r\n") +
			"ana@example.org,Ana Souza,org-1,teacher; school-nurse ,\r\nbo@example.org,Bo Li,ORG-2,teacher,ORG-1;org-2\r\n",
			rows: 2, records: 2, scopes: true, checkRow0: func(t *testing.T, r people.RosterRow) {
				if r.Line != 2 || r.OrgCode != "ORG-1" || strings.Join(r.Roles, "|") != "teacher|school-nurse" || len(r.Scopes) != 0 {
					t.Errorf("row = %+v", r)
				}
			}},
		{name: "quoted fields with commas, quotes and a line break in another row", input: header +
			`a@example.org,"Souza, Ana ""Nina""",ORG,teacher,` + "\n" + `b@example.org,"Bo` + "\n" + `Li",ORG,teacher,` + "\n" +
			"c@example.org,Cy,ORG,teacher,\n",
			rows: 2, records: 3, scopes: true, problems: []string{"line 3: a field holds a line break"},
			checkRow0: func(t *testing.T, r people.RosterRow) {
				if r.Name != `Souza, Ana "Nina"` {
					t.Errorf("name = %q", r.Name)
				}
			}},
		{name: "four columns in another order", input: "Name,E-mail,Job roles,Org code\nAna,a@example.org,teacher,ORG\n", rows: 1, records: 1,
			checkRow0: func(t *testing.T, r people.RosterRow) {
				if r.Email != "a@example.org" || r.Name != "Ana" || r.OrgCode != "ORG" {
					t.Errorf("row = %+v", r)
				}
			}},
		{name: "wrong column counts", input: header + "a@example.org,Ana,ORG\nb@example.org,Bo,ORG,teacher,,extra\nc@example.org,Cy,ORG,teacher,\n",
			rows: 1, records: 3, scopes: true, problems: []string{"line 2: expected 5 fields like the header, found 3", "line 3: expected 5 fields like the header, found 6"}},
		{name: "bare and unclosed quotes", input: header + "a@example.org,An\"a,ORG,teacher,\nb@example.org,\"Bo\"x,ORG,teacher,\nc@example.org,Cy,ORG,teacher,\nd@example.org,\"Di,ORG,teacher,\n",
			rows: 1, records: 4, scopes: true, problems: []string{`line 2: a quote (")`, "line 3: a quoted field is not closed properly", "line 5: a quoted field is not closed properly"}},
		{name: "missing fields, bad email and duplicates", input: header + ",Ana,ORG,teacher,\nx@,Bo,ORG,teacher,\nc@example.org,,,,\nD@example.org,Di,ORG,teacher,\nd@EXAMPLE.org,Di,ORG,teacher,\n",
			rows: 1, records: 5, scopes: true, problems: []string{"line 2: the email is missing", `line 3: "x@" is not an email address`,
				"line 4: the name is missing", "line 4: the organization code is missing", "line 4: the job roles are missing",
				"line 6: the email d@EXAMPLE.org is also on line 5"}},
		{name: "empty file", input: "", problems: []string{"the file is empty"}},
		{name: "only a BOM and blank lines", input: "\ufeff\n\n", problems: []string{"the file is empty"}},
		{name: "header only", input: header, scopes: true, problems: []string{"the file has a header but no people"}},
		{name: "no header", input: "ana@example.org,Ana,ORG,teacher\n", problems: []string{"line 1: the first line must be the header: email, name"}},
		{name: "header with an unknown column", input: "email,name,org,roles,phone\n", problems: []string{`line 1: the header has an unknown column "phone"`}},
		{name: "header missing a column", input: "email,name,job roles\n", problems: []string{`line 1: the header has no "organization code" column`}},
		{name: "header with a repeated column", input: "email,name,org,roles,email\n", problems: []string{`line 1: the header has the column "email" twice`}},
		{name: "not UTF-8", input: header + "a@example.org,Ana \xff,ORG,teacher,\n", records: 1, scopes: true, problems: []string{"line 2: the text is not UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := people.ReadRoster(strings.NewReader(tt.input), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Rows) != tt.rows || r.Records != tt.records || r.HasScopes != tt.scopes {
				t.Errorf("rows %d records %d scopes %v; want %d %d %v", len(r.Rows), r.Records, r.HasScopes, tt.rows, tt.records, tt.scopes)
			}
			var got []string
			for _, p := range r.Problems {
				got = append(got, p.String())
			}
			if len(got) != len(tt.problems) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.problems, "\n"))
			}
			for i, want := range tt.problems {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("problem %d = %q, want prefix %q", i, got[i], want)
				}
			}
			if tt.checkRow0 != nil && len(r.Rows) > 0 {
				tt.checkRow0(t, r.Rows[0])
			}
		})
	}
}

// hugeLine streams a roster whose third line is 10 MB long, without
// holding it in memory.
type hugeLine struct {
	head, tail string
	n          int // bytes of the long line still to give
	stage      int
}

func (h *hugeLine) Read(p []byte) (int, error) {
	switch {
	case h.stage == 0:
		h.stage = 1
		return copy(p, h.head), nil
	case h.n > 0:
		k := min(len(p), h.n)
		copy(p, bytes.Repeat([]byte("x"), k))
		h.n -= k
		return k, nil
	case h.stage == 1:
		h.stage = 2
		return copy(p, h.tail), nil
	}
	return 0, io.EOF
}

func TestReadRosterRejectsA10MBLineWithBoundedMemory(t *testing.T) {
	src := &hugeLine{head: header + "a@example.org,Ana,ORG,teacher,\n", tail: "\nb@example.org,Bo,ORG,teacher,\n", n: 10 << 20}
	r, err := people.ReadRoster(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0].String(), "line 3: more than 64 KB without the end of a row") {
		t.Fatalf("problems = %v", r.Problems)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("rows = %d", len(r.Rows))
	}
	if src.n < 9<<20 {
		t.Fatalf("the reader read %d bytes of the long line before stopping", 10<<20-src.n)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	people.ReadRoster(&hugeLine{head: header, n: 10 << 20}, nil)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 2<<20 {
		t.Fatalf("reading a 10 MB line allocated %d bytes", n)
	}
}

func TestReadRosterReportsAnOpenQuoteSwallowingTheFile(t *testing.T) {
	var b strings.Builder
	b.WriteString(header + "a@example.org,\"Ana,ORG,teacher,\n")
	for b.Len() < 200<<10 {
		b.WriteString("b@example.org,Bo,ORG,teacher,\n")
	}
	r, err := people.ReadRoster(strings.NewReader(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Reason, "left open") {
		t.Fatalf("problems = %v", r.Problems)
	}
}

func FuzzReadRoster(f *testing.F) {
	for _, s := range []string{
		"", "\ufeff", header, header + "a@example.org,Ana,ORG,teacher,\n",
		header + "\"a@example.org\",\"Souza, \"\"Ana\"\"\",ORG,teacher;nurse,ORG-2\r\n",
		header + "a,b\n\"unclosed\n", "email,name,org,roles\nx@y.z,\"N\nM\",O,r\n", "\"\n\"\"\"\n,,,,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := people.ReadRoster(bytes.NewReader(data), nil)
		if err != nil {
			t.Fatalf("in-memory read failed: %v", err)
		}
		if len(r.Rows) > r.Records {
			t.Fatalf("%d rows from %d records", len(r.Rows), r.Records)
		}
		if len(r.Rows) == 0 && len(r.Problems) == 0 {
			t.Fatal("no rows and no problem reported")
		}
		seen := map[string]bool{}
		for _, row := range r.Rows {
			if row.Line < 2 || row.Email == "" || row.Name == "" || row.OrgCode == "" || len(row.Roles) == 0 {
				t.Fatalf("accepted an incomplete row: %+v", row)
			}
			key := strings.ToLower(row.Email)
			if seen[key] {
				t.Fatalf("accepted %s twice", row.Email)
			}
			seen[key] = true
		}
		for _, p := range r.Problems {
			if p.Line < 0 || p.Reason == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
