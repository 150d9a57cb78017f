package prevention

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// CSVHeader is the header line of a report export.
var CSVHeader = []string{"level", "name", "within", "classes", "students_enrolled", "sessions_delivered",
	"sessions_planned", "dosage_pct", "students_reached", "fidelity_pct", "opt_outs", "consents",
	"survey_classes", "pre_correct_pct", "post_correct_pct", "knowledge_change_points"}

// CSVRecord is one report row as written to CSV, small-cell rule applied.
func CSVRecord(level string, r Row) []string {
	return []string{level, SafeCell(r.Name), SafeCell(r.Context), r.ClassCount().CSV(), r.Enrolled().CSV(),
		fmt.Sprint(r.Delivered), fmt.Sprint(r.Planned), r.Dosage().CSV(), r.Reached().CSV(), r.Fidelity().CSV(),
		r.OptOutCount().CSV(), r.ConsentCount().CSV(), fmt.Sprint(r.SurveyClasses), r.PreShare().CSV(),
		r.PostShare().CSV(), r.KnowledgeChange().CSV()}
}

// WriteCSV writes the report's rows and then its total, flushing as it
// goes so a long export streams.
func WriteCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("prevention: csv: %w", err)
	}
	for i, r := range rep.Rows {
		if err := cw.Write(CSVRecord(rep.Level, r)); err != nil {
			return fmt.Errorf("prevention: csv: %w", err)
		}
		if i%500 == 499 {
			cw.Flush()
		}
	}
	if rep.Level != LevelState {
		if err := cw.Write(CSVRecord("total", rep.Total)); err != nil {
			return fmt.Errorf("prevention: csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell stops a spreadsheet from reading text as a formula: a cell that
// begins with = + - @ or a tab or carriage return gets a leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
