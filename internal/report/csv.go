package report

import (
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// CSVHeader names the export's columns.
var CSVHeader = []string{"Name", "Organization", "Job roles", "Course", "Status", "Due date", "Completed on",
	"Credit", "Credit valid until", "Last activity"}

// CSVWriter writes drill-down rows as RFC 4180 CSV (CRLF line ends, quotes
// where needed) with every cell neutralised against formula injection.
type CSVWriter struct {
	w        *csv.Writer
	loc      *time.Location
	roleName func(code string) string
	row      []string
}

// NewCSVWriter writes to w; roleName labels job-role codes; dates are
// local days in loc.
func NewCSVWriter(w io.Writer, loc *time.Location, roleName func(string) string) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if roleName == nil {
		roleName = func(s string) string { return s }
	}
	return &CSVWriter{w: cw, loc: loc, roleName: roleName, row: make([]string, len(CSVHeader))}
}

// Header writes the header row.
func (c *CSVWriter) Header() error { return c.write(CSVHeader) }

// Write writes one person × course row.
func (c *CSVWriter) Write(p Person) error {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = c.roleName(r)
	}
	r := c.row[:0]
	r = append(r, p.Name, p.OrgName, strings.Join(roles, "; "), p.CourseTitle, StatusLabel(p), c.date(p.DueAt),
		c.date(p.CompletedAt), CreditLabel(p), c.date(p.CreditExpiresAt), c.date(p.LastActivityAt))
	return c.write(r)
}

// Flush writes buffered rows and reports any write error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *CSVWriter) write(cells []string) error {
	for i, v := range cells {
		cells[i] = Neutralize(v)
	}
	return c.w.Write(cells)
}

func (c *CSVWriter) date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(c.loc).Format(time.DateOnly)
}

// Neutralize keeps a spreadsheet from reading a cell as a formula: a cell
// that begins with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (the OWASP CSV-injection advice).
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// StatusLabel words the current cycle's state for people.
func StatusLabel(p Person) string {
	switch {
	case p.Status == "completed" && p.OnTime:
		return "Completed on time"
	case p.Status == "completed":
		return "Completed late"
	case p.Overdue:
		return "Overdue"
	case p.DueSoon:
		return "Due soon"
	case p.DueAt == nil:
		return "Open, no due date"
	}
	return "Open, not yet due"
}

// CreditLabel words the latest credit's state for people.
func CreditLabel(p Person) string {
	switch {
	case !p.HasCredit:
		return "None yet"
	case p.Lapsed:
		return "Lapsed"
	case p.Expiring:
		return "Valid, expiring soon"
	}
	return "Valid"
}
