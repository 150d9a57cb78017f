package prevention

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/store"
)

// Report levels, from the finest to the whole.
const (
	LevelClass    = "class"
	LevelSchool   = "school"
	LevelDistrict = "district"
	LevelCounty   = "county"
	LevelState    = "state"
)

// Levels lists the report levels in display order.
var Levels = []string{LevelClass, LevelSchool, LevelDistrict, LevelCounty, LevelState}

// ValidLevel reports whether l is a report level.
func ValidLevel(l string) bool {
	for _, v := range Levels {
		if v == l {
			return true
		}
	}
	return false
}

// Scope is which classes a report covers.
type Scope struct {
	All         bool    // statewide (administrators)
	Roots       []int64 // organization subtrees (managers)
	Facilitator int64   // classes this person facilitates
}

// classStats is one class's raw counts; every report figure is computed
// from sums of these.
type classStats struct {
	ClassID      int64  `db:"class_id"`
	ClassName    string `db:"class_name"`
	OrgID        int64  `db:"org_id"`
	OrgName      string `db:"org_name"`
	DistrictID   int64  `db:"district_id"`
	DistrictName string `db:"district_name"`
	County       string `db:"county"`
	Curriculum   string `db:"curriculum"`
	Students     int    `db:"students"`
	OptOuts      int    `db:"opt_outs"`
	ConsentReq   bool   `db:"consent_required"`
	Consents     int    `db:"consents"`
	Planned      int    `db:"planned"`
	Delivered    int    `db:"delivered"`
	Reach        int    `db:"reach"`
	Marks        int    `db:"marks"`
	MarksFull    int    `db:"marks_full"`
	PreN         *int   `db:"pre_n"`
	PostN        *int   `db:"post_n"`
	PreCorrect   int    `db:"pre_correct"`
	PreAnswered  int    `db:"pre_answered"`
	PostCorrect  int    `db:"post_correct"`
	PostAnswered int    `db:"post_answered"`
}

// Row is one line of a report: raw sums, shown only through its figure
// methods, which apply the small-cell rule.
type Row struct {
	Key, Name, Context string
	Classes            int
	Students           int // enrolled in the classes
	Planned, Delivered int // sessions
	Reach              int // students reached: per class the highest attendance of any session
	Marks, MarksFull   int // core components marked, and marked delivered in full
	OptOuts            int
	ConsentStudents    int // students in classes whose district asks for written consent
	Consents           int
	SurveyClasses      int // classes with both pre and post tallies
	PreN, PostN        int // forms returned, over SurveyClasses
	PreC, PreA         int // correct and answered items, pre
	PostC, PostA       int // correct and answered items, post
}

func (r *Row) add(c classStats) {
	r.Classes++
	r.Students += c.Students
	r.Planned += c.Planned
	r.Delivered += c.Delivered
	r.Reach += c.Reach
	r.Marks += c.Marks
	r.MarksFull += c.MarksFull
	r.OptOuts += c.OptOuts
	if c.ConsentReq {
		r.ConsentStudents += c.Students
		r.Consents += c.Consents
	}
	if c.PreN != nil && c.PostN != nil {
		r.SurveyClasses++
		r.PreN += *c.PreN
		r.PostN += *c.PostN
		r.PreC += c.PreCorrect
		r.PreA += c.PreAnswered
		r.PostC += c.PostCorrect
		r.PostA += c.PostAnswered
	}
}

// ClassCount is how many classes the row covers.
func (r Row) ClassCount() Figure { return Plain(r.Classes) }

// Enrolled is how many students the classes hold.
func (r Row) Enrolled() Figure { return Count(r.Students, r.Students) }

// Sessions is "delivered of planned" sessions.
func (r Row) Sessions() string {
	return strconv.Itoa(r.Delivered) + " of " + strconv.Itoa(r.Planned)
}

// Dosage is the share of planned sessions delivered.
func (r Row) Dosage() Figure { return Ratio(r.Delivered, r.Planned) }

// Reached is how many students the sessions reached.
func (r Row) Reached() Figure { return Count(r.Reach, r.Reach) }

// Fidelity is the share of core components delivered in full.
func (r Row) Fidelity() Figure { return Ratio(r.MarksFull, r.Marks) }

// OptOutCount is how many families exempted their child.
func (r Row) OptOutCount() Figure { return Count(r.OptOuts, r.Students) }

// ConsentCount is how many families gave written consent where asked.
func (r Row) ConsentCount() Figure {
	if r.ConsentStudents == 0 {
		return None()
	}
	return Count(r.Consents, r.ConsentStudents)
}

// PreShare is the share of survey items answered correctly before.
func (r Row) PreShare() Figure { return r.survey(Share(r.PreC, r.PreA, min(r.PreN, r.PostN))) }

// PostShare is the share of survey items answered correctly after.
func (r Row) PostShare() Figure { return r.survey(Share(r.PostC, r.PostA, min(r.PreN, r.PostN))) }

// KnowledgeChange is PostShare − PreShare in percentage points.
func (r Row) KnowledgeChange() Figure {
	return r.survey(Change(r.PreC, r.PreA, r.PostC, r.PostA, min(r.PreN, r.PostN)))
}

func (r Row) survey(f Figure) Figure {
	if r.SurveyClasses == 0 {
		return None()
	}
	return f
}

// Report is a prevention report at one level.
type Report struct {
	Level string
	Rows  []Row
	Total Row
}

// Report computes dosage, reach, fidelity, opt-outs and pre/post change for
// the classes in scope, grouped by level.
func (s *Service) Report(ctx context.Context, scope Scope, level string) (Report, error) {
	if !ValidLevel(level) {
		level = LevelSchool
	}
	stats, err := s.classStats(ctx, scope)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Level: level, Total: Row{Key: "total", Name: "All classes in this report"}}
	if scope.All {
		rep.Total.Name = "Massachusetts"
	}
	if level == LevelState {
		for _, c := range stats {
			rep.Total.add(c)
		}
		rep.Rows = []Row{rep.Total}
		return rep, nil
	}
	byKey := map[string]*Row{}
	var order []string
	for _, c := range stats {
		rep.Total.add(c)
		key, name, context := groupOf(c, level)
		r, ok := byKey[key]
		if !ok {
			r = &Row{Key: key, Name: name, Context: context}
			byKey[key] = r
			order = append(order, key)
		}
		r.add(c)
	}
	for _, k := range order {
		rep.Rows = append(rep.Rows, *byKey[k])
	}
	sort.SliceStable(rep.Rows, func(i, j int) bool {
		if rep.Rows[i].Name != rep.Rows[j].Name {
			return rep.Rows[i].Name < rep.Rows[j].Name
		}
		return rep.Rows[i].Context < rep.Rows[j].Context
	})
	return rep, nil
}

// groupOf names the group a class falls in at level.
func groupOf(c classStats, level string) (key, name, context string) {
	switch level {
	case LevelClass:
		return "c" + strconv.FormatInt(c.ClassID, 10), c.ClassName, c.OrgName
	case LevelDistrict:
		if c.DistrictID == 0 {
			return "d0", "Not in a school district", ""
		}
		return "d" + strconv.FormatInt(c.DistrictID, 10), c.DistrictName, c.County
	case LevelCounty:
		if c.County == "" {
			return "k", "County not recorded", ""
		}
		return "k" + c.County, c.County + " County", ""
	}
	return "o" + strconv.FormatInt(c.OrgID, 10), c.OrgName, c.DistrictName
}

// classStats reads one row of raw counts per active class in scope. It
// reads the totals kept on each delivered session and survey phase (never
// every mark or tally cell), aggregates each table once for the whole scope,
// and runs without JIT: compiling this query took longer than running it.
func (s *Service) classStats(ctx context.Context, scope Scope) ([]classStats, error) {
	where, arg := store.InSubtrees("c.org_id", "$1"), any(int64Array(scope.Roots))
	switch {
	case scope.All:
		where, arg = `$1::boolean`, any(true)
	case scope.Facilitator != 0:
		where, arg = `c.id IN (SELECT f.class_id FROM prevention_class_facilitators f WHERE f.user_id = $1)`, any(scope.Facilitator)
	}
	var out []classStats
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &out, classStatsHead+where+classStatsTail, arg)
	})
	if err != nil {
		return nil, fmt.Errorf("prevention: report: %w", err)
	}
	return out, nil
}

const classStatsHead = `WITH cls AS MATERIALIZED (
		SELECT c.id, c.name, c.org_id, c.course_id, c.program_id, c.student_count, c.opt_out_count,
			c.consent_required, c.consent_count
		FROM prevention_classes c WHERE c.archived_at IS NULL AND `

var classStatsTail = `),
	orgs AS MATERIALIZED (
		SELECT o.id, o.name,
			` + store.NearestAncestor("o.id", "a.id", "a.type = 'school_district'") + ` AS district_id,
			COALESCE(` + store.NearestAncestor("o.id", "a.county", "a.county <> ''") + `, '') AS county
		FROM organizations o WHERE o.id IN (SELECT org_id FROM cls)),
	dl AS (
		SELECT d.class_id, count(*)::int AS delivered, max(d.attendance)::int AS reach,
			sum(d.marks)::int AS marks, sum(d.marks_full)::int AS marks_full
		FROM prevention_deliveries d WHERE d.class_id IN (SELECT id FROM cls) GROUP BY d.class_id),
	sv AS (
		SELECT sp.class_id,
			max(sp.respondents) FILTER (WHERE sp.phase = 'pre') AS pre_n,
			max(sp.respondents) FILTER (WHERE sp.phase = 'post') AS post_n,
			max(sp.correct) FILTER (WHERE sp.phase = 'pre') AS pre_correct,
			max(sp.answered) FILTER (WHERE sp.phase = 'pre') AS pre_answered,
			max(sp.correct) FILTER (WHERE sp.phase = 'post') AS post_correct,
			max(sp.answered) FILTER (WHERE sp.phase = 'post') AS post_answered
		FROM prevention_survey_phases sp WHERE sp.class_id IN (SELECT id FROM cls) GROUP BY sp.class_id)
	SELECT cls.id AS class_id, cls.name AS class_name, o.id AS org_id, o.name AS org_name,
		COALESCE(o.district_id, 0) AS district_id, COALESCE(dn.name, '') AS district_name, o.county,
		COALESCE(cv.title, p.name, '') AS curriculum,
		cls.student_count AS students, cls.opt_out_count AS opt_outs, cls.consent_required, cls.consent_count AS consents,
		COALESCE(cv.lesson_count, p.session_count, 0) AS planned,
		COALESCE(dl.delivered, 0) AS delivered, COALESCE(dl.reach, 0) AS reach,
		COALESCE(dl.marks, 0) AS marks, COALESCE(dl.marks_full, 0) AS marks_full,
		sv.pre_n, sv.post_n,
		COALESCE(sv.pre_correct, 0) AS pre_correct, COALESCE(sv.pre_answered, 0) AS pre_answered,
		COALESCE(sv.post_correct, 0) AS post_correct, COALESCE(sv.post_answered, 0) AS post_answered
	FROM cls
	JOIN orgs o ON o.id = cls.org_id
	LEFT JOIN organizations dn ON dn.id = o.district_id
	LEFT JOIN courses co ON co.id = cls.course_id
	LEFT JOIN course_versions cv ON cv.id = co.current_version_id
	LEFT JOIN prevention_programs p ON p.id = cls.program_id
	LEFT JOIN dl ON dl.class_id = cls.id
	LEFT JOIN sv ON sv.class_id = cls.id
	ORDER BY cls.id`
