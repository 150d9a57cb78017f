package people

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxRecordBytes bounds one roster record (a line, or several when a quoted
// field holds line breaks). Real rows are a few hundred bytes; anything
// longer is not a roster, and reading stops before it fills memory.
const MaxRecordBytes = 64 << 10

// RosterRow is one person in a roster file, as written there.
type RosterRow struct {
	Line    int // where the record starts, 1-based
	Email   string
	Name    string
	OrgCode string
	Roles   []string
	Scopes  []string
}

// Problem is one thing wrong with a roster, at a line of the file (0 when
// it concerns the whole file).
type Problem struct {
	Line   int
	Reason string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Reason
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
}

// Roster is a read roster file: its rows, and every problem found in it.
type Roster struct {
	Rows     []RosterRow
	Problems []Problem
	Records  int // data records read, good or bad (the header not counted)
	// Flawed are rows with a problem in some field but the right number of
	// fields: their other fields are still checked, so that a dry run
	// lists every problem of a line at once.
	Flawed []RosterRow
	// HasScopes is set when the file has a manager scope column; only then
	// does an import change people's manager scopes.
	HasScopes bool
}

// Column keys, in the order files normally have them.
const (
	colEmail = iota
	colName
	colOrg
	colRoles
	colScope
)

// columnNames maps a header, lower-cased with everything but letters
// removed, to its column.
var columnNames = map[string]int{
	"email": colEmail, "emailaddress": colEmail,
	"name": colName, "fullname": colName,
	"organizationcode": colOrg, "orgcode": colOrg, "organization": colOrg, "org": colOrg,
	"jobroles": colRoles, "jobrole": colRoles, "roles": colRoles,
	"managerscope": colScope, "managerscopes": colScope, "scope": colScope,
}

// HeaderHelp describes the header a roster file needs.
const HeaderHelp = "email, name, organization code, job roles, manager scope (the last column may be left out)"

// ReadRoster reads a roster CSV file: a header, then one person per record.
// It tolerates a byte-order mark, quoted fields with commas and line breaks,
// and CRLF endings, and reports every problem it can find with its line
// number instead of stopping at the first. Only an I/O failure is an error.
// progress, when not nil, is called every 10,000 rows.
func ReadRoster(r io.Reader, progress func(rows int)) (*Roster, error) {
	lim := &recordLimiter{r: bufio.NewReaderSize(r, 64<<10), max: MaxRecordBytes, line: 1}
	if err := skipBOM(lim.r); err != nil {
		return nil, err
	}
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	out := &Roster{}
	var cols []int
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooLong *recordTooLongError
		var perr *csv.ParseError
		switch {
		case errors.As(err, &tooLong):
			out.Problems = append(out.Problems, Problem{tooLong.line, fmt.Sprintf("more than %d KB without the end of a row: "+
				"a line far longer than any roster row, or a quote (\") left open before it. Reading stopped here.", MaxRecordBytes>>10)})
			return out, nil
		case errors.As(err, &perr):
			// The bad record is skipped; reading goes on with the next.
			out.Problems = append(out.Problems, Problem{perr.StartLine, quoteReason(perr)})
			if cols == nil {
				return out, nil // without a header nothing else can be read
			}
			out.Records++
			lim.recordDone()
			continue
		case err != nil:
			return nil, fmt.Errorf("people: read roster: %w", err)
		}
		lim.recordDone()
		line, _ := cr.FieldPos(0)
		if cols == nil {
			var probs []Problem
			cols, probs = readHeader(rec, line)
			if len(probs) > 0 {
				out.Problems = append(out.Problems, probs...)
				return out, nil
			}
			for _, c := range cols {
				out.HasScopes = out.HasScopes || c == colScope
			}
			continue
		}
		out.Records++
		row, probs := readRow(rec, line, cols)
		if row.Email != "" {
			key := strings.ToLower(row.Email)
			if prev, dup := firstLine[key]; dup {
				probs = append(probs, Problem{line, fmt.Sprintf("the email %s is also on line %d; list each person once", row.Email, prev)})
			} else {
				firstLine[key] = line
			}
		}
		if len(probs) > 0 {
			out.Problems = append(out.Problems, probs...)
			if len(rec) == len(cols) {
				out.Flawed = append(out.Flawed, row)
			}
			continue
		}
		out.Rows = append(out.Rows, row)
		if progress != nil && len(out.Rows)%10000 == 0 {
			progress(len(out.Rows))
		}
	}
	if cols == nil {
		out.Problems = append(out.Problems, Problem{0, "the file is empty; it needs a header line (" + HeaderHelp + ") and one line per person"})
	} else if len(out.Rows) == 0 && len(out.Problems) == 0 {
		out.Problems = append(out.Problems, Problem{0, "the file has a header but no people"})
	}
	return out, nil
}

func quoteReason(perr *csv.ParseError) string {
	switch {
	case errors.Is(perr.Err, csv.ErrBareQuote):
		return `a quote (") appears inside a field that does not start with a quote; put the whole field in quotes and double the inner quote ("")`
	case errors.Is(perr.Err, csv.ErrQuote):
		return `a quoted field is not closed properly; check the quotes (") on this line`
	}
	return "this line is not valid CSV: " + perr.Err.Error()
}

// readHeader maps the header record to column keys.
func readHeader(rec []string, line int) ([]int, []Problem) {
	var probs []Problem
	cols := make([]int, len(rec))
	seen := map[int]bool{}
	for i, h := range rec {
		key := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, strings.ToLower(h))
		c, ok := columnNames[key]
		switch {
		case !ok:
			probs = append(probs, Problem{line, fmt.Sprintf("the header has an unknown column %q; the header must be: %s", clip(h), HeaderHelp)})
		case seen[c]:
			probs = append(probs, Problem{line, fmt.Sprintf("the header has the column %q twice", clip(h))})
		}
		seen[c], cols[i] = ok, c
	}
	if len(probs) == len(rec) || slices.ContainsFunc(rec, func(h string) bool { return strings.Contains(h, "@") }) {
		return nil, []Problem{{line, "the first line must be the header: " + HeaderHelp}}
	}
	for c, name := range []string{"email", "name", "organization code", "job roles"} {
		if !seen[c] && len(probs) == 0 {
			probs = append(probs, Problem{line, fmt.Sprintf("the header has no %q column; the first line must be the header: %s", name, HeaderHelp)})
		}
	}
	return cols, probs
}

// readRow checks one record's shape and fields (not yet against the
// database).
func readRow(rec []string, line int, cols []int) (RosterRow, []Problem) {
	row := RosterRow{Line: line}
	if len(rec) != len(cols) {
		return row, []Problem{{line, fmt.Sprintf("expected %d fields like the header, found %d; check for a missing or extra comma", len(cols), len(rec))}}
	}
	var probs []Problem
	bad := func(format string, a ...any) { probs = append(probs, Problem{line, fmt.Sprintf(format, a...)}) }
	for i, c := range cols {
		v := strings.TrimSpace(rec[i])
		if !utf8.ValidString(v) {
			bad("the text is not UTF-8; save the file as \"CSV UTF-8\"")
			return row, probs
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			bad("a field holds a line break or control character")
			return row, probs
		}
		switch c {
		case colEmail:
			row.Email = v
		case colName:
			row.Name = v
		case colOrg:
			row.OrgCode = strings.ToUpper(v)
		case colRoles:
			row.Roles = splitList(v)
		case colScope:
			row.Scopes = splitList(strings.ToUpper(v))
		}
	}
	if row.Email == "" {
		bad("the email is missing")
	} else if msg := checkEmail(row.Email); msg != "" {
		bad("%q is not an email address", clip(row.Email))
		row.Email = ""
	}
	if row.Name == "" {
		bad("the name is missing")
	} else if msg := checkName(row.Name); msg != "" {
		bad("the name is too long (200 characters at most)")
	}
	if row.OrgCode == "" {
		bad("the organization code is missing")
	}
	if len(row.Roles) == 0 {
		bad("the job roles are missing; list one or more role codes separated by ;")
	}
	return row, probs
}

// clip shortens a value quoted back in a message.
func clip(s string) string {
	if len(s) <= 60 {
		return s
	}
	for i := 57; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return "…"
}

// skipBOM drops a UTF-8 byte-order mark at the start.
func skipBOM(r *bufio.Reader) error {
	b, err := r.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("people: read roster: %w", err)
	}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		r.Discard(3)
	}
	return nil
}

// recordLimiter stops reading when more than max bytes pass without a
// record ending, so one huge line (or an open quote swallowing the file)
// never fills memory. It counts lines to say where.
type recordLimiter struct {
	r     *bufio.Reader
	max   int
	since int // bytes handed out since the last record ended
	line  int // the line the last byte handed out is on
	err   error
}

type recordTooLongError struct{ line int }

func (e *recordTooLongError) Error() string { return fmt.Sprintf("line %d: record too long", e.line) }

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(p) > 4096 {
		p = p[:4096]
	}
	n, err := l.r.Read(p)
	l.since += n
	l.line += bytes.Count(p[:n], []byte{'\n'})
	if l.since > l.max+8192 {
		// The csv reader reads ahead at most one buffer of later records.
		last := bytes.LastIndexByte(p[:n], '\n')
		line := l.line
		if last == n-1 {
			line--
		}
		l.err = &recordTooLongError{line: line}
		return 0, l.err
	}
	return n, err
}

// recordDone tells the limiter a record ended.
func (l *recordLimiter) recordDone() { l.since = 0 }
