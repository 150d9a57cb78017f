package prevention

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/catalog"
	"github.com/waymark/waymark/internal/store"
	"github.com/waymark/waymark/internal/validate"
)

// Program is a registered licensed program: its shape, never its content.
type Program struct {
	ID                int64              `db:"id" json:"id"`
	Name              string             `db:"name" json:"name"`
	Provider          string             `db:"provider" json:"provider"`
	Website           string             `db:"website" json:"website"`
	SessionCount      int                `db:"session_count" json:"session_count"`
	FacilitatorCourse string             `db:"facilitator_course" json:"facilitator_course"`
	CreatedAt         time.Time          `db:"created_at" json:"-"`
	UpdatedAt         time.Time          `db:"updated_at" json:"-"`
	RetiredAt         *time.Time         `db:"retired_at" json:"retired_at"`
	Components        []ProgramComponent `db:"-" json:"components"`
}

// ProgramComponent is the name of one core component of a program session.
type ProgramComponent struct {
	ID        int64  `db:"id" json:"id"`
	ProgramID int64  `db:"program_id" json:"-"`
	Session   int    `db:"session" json:"session"`
	Position  int    `db:"position" json:"position"`
	Name      string `db:"name" json:"name"`
}

// Curriculum presents the program as a curriculum.
func (p Program) Curriculum() Curriculum {
	cur := Curriculum{Ref: "program:" + strconv.FormatInt(p.ID, 10), Title: p.Name, Provider: p.Provider,
		Website: p.Website, External: true, PrepCourse: p.FacilitatorCourse, ProgramID: p.ID}
	for n := 1; n <= p.SessionCount; n++ {
		s := Session{N: n, Title: fmt.Sprintf("Session %d", n)}
		for _, c := range p.Components {
			if c.Session == n {
				s.Components = append(s.Components, Component{Key: "c" + strconv.FormatInt(c.ID, 10), Label: c.Name})
			}
		}
		cur.Sessions = append(cur.Sessions, s)
	}
	return cur
}

// ComponentsText renders the components as the form edits them.
func (p Program) ComponentsText() string {
	var b strings.Builder
	for _, c := range p.Components {
		fmt.Fprintf(&b, "%d. %s\n", c.Session, c.Name)
	}
	return b.String()
}

const programColumns = `p.id, p.name, p.provider, p.website, p.session_count, p.facilitator_course,
	p.created_at, p.updated_at, p.retired_at`

// Programs lists registered programs by name, with their active components.
func (s *Service) Programs(ctx context.Context, includeRetired bool) ([]Program, error) {
	var progs []Program
	err := s.db.SelectContext(ctx, &progs, `SELECT `+programColumns+` FROM prevention_programs p
		WHERE $1 OR p.retired_at IS NULL ORDER BY lower(p.name)`, includeRetired)
	if err != nil {
		return nil, fmt.Errorf("prevention: programs: %w", err)
	}
	var comps []ProgramComponent
	err = s.db.SelectContext(ctx, &comps, `SELECT c.id, c.program_id, c.session, c.position, c.name
		FROM prevention_program_components c JOIN prevention_programs p ON p.id = c.program_id
		WHERE c.retired_at IS NULL AND ($1 OR p.retired_at IS NULL) ORDER BY c.session, c.position`, includeRetired)
	if err != nil {
		return nil, fmt.Errorf("prevention: program components: %w", err)
	}
	idx := map[int64]int{}
	for i, p := range progs {
		idx[p.ID] = i
	}
	for _, c := range comps {
		if i, ok := idx[c.ProgramID]; ok {
			progs[i].Components = append(progs[i].Components, c)
		}
	}
	return progs, nil
}

// Program returns one program with its active components.
func (s *Service) Program(ctx context.Context, id int64) (Program, error) {
	return s.program(ctx, s.db, id, false)
}

func (s *Service) program(ctx context.Context, q sqlx.QueryerContext, id int64, lock bool) (Program, error) {
	var p Program
	query := `SELECT ` + programColumns + ` FROM prevention_programs p WHERE p.id = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	if err := sqlx.GetContext(ctx, q, &p, query, id); err != nil {
		return p, fmt.Errorf("prevention: program %d: %w", id, notFound(err))
	}
	err := sqlx.SelectContext(ctx, q, &p.Components, `SELECT c.id, c.program_id, c.session, c.position, c.name
		FROM prevention_program_components c WHERE c.program_id = $1 AND c.retired_at IS NULL
		ORDER BY c.session, c.position`, id)
	if err != nil {
		return p, fmt.Errorf("prevention: program %d components: %w", id, err)
	}
	return p, nil
}

// ProgramForm is the admin form for a licensed program, as typed.
type ProgramForm struct {
	Name, Provider, Website, SessionCount, FacilitatorCourse, Components string
	Retired                                                              bool
}

// FormOf fills the form from a stored program.
func (p Program) FormOf() ProgramForm {
	return ProgramForm{Name: p.Name, Provider: p.Provider, Website: p.Website,
		SessionCount: strconv.Itoa(p.SessionCount), FacilitatorCourse: p.FacilitatorCourse,
		Components: p.ComponentsText(), Retired: p.RetiredAt != nil}
}

var componentLine = regexp.MustCompile(`^\s*(\d+)\s*[.:)]\s*(.+?)\s*$`)

// parse validates the form into a program (components without ids).
func (s *Service) parseProgram(f ProgramForm) (Program, validate.Errors) {
	errs := validate.Errors{}
	p := Program{Name: strings.TrimSpace(f.Name), Provider: strings.TrimSpace(f.Provider),
		Website: strings.TrimSpace(f.Website), FacilitatorCourse: strings.TrimSpace(f.FacilitatorCourse)}
	if p.Name == "" || len(p.Name) > 120 {
		errs["name"] = "Enter the program's name (up to 120 characters)."
	}
	if len(p.Provider) > 120 {
		errs["provider"] = "Keep the provider's name under 120 characters."
	}
	if p.Website != "" {
		if u, err := url.Parse(p.Website); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs["website"] = "Enter a web address starting with https://, or leave it empty."
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.SessionCount))
	if err != nil || n < 1 || n > 60 {
		errs["session_count"] = "Enter the number of sessions, from 1 to 60."
	}
	p.SessionCount = n
	if p.FacilitatorCourse != "" {
		if c := s.cat.Get(p.FacilitatorCourse); c == nil || c.Kind != catalog.KindTraining {
			errs["facilitator_course"] = "Choose a Waymark training course, or none."
		}
	}
	lines := strings.Split(strings.ReplaceAll(f.Components, "\r\n", "\n"), "\n")
	perSession := map[int]int{}
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := componentLine.FindStringSubmatch(line)
		if m == nil {
			errs["components"] = fmt.Sprintf("Line %d: start each line with its session number, like \"1. Group agreements\".", i+1)
			break
		}
		sess, _ := strconv.Atoi(m[1])
		if errs["session_count"] == "" && (sess < 1 || sess > n) {
			errs["components"] = fmt.Sprintf("Line %d: session %d is not between 1 and %d.", i+1, sess, n)
			break
		}
		if len(m[2]) > 200 {
			errs["components"] = fmt.Sprintf("Line %d: a component is a short name (up to 200 characters), not program content.", i+1)
			break
		}
		perSession[sess]++
		p.Components = append(p.Components, ProgramComponent{Session: sess, Position: perSession[sess], Name: m[2]})
	}
	if errs["components"] == "" && errs["session_count"] == "" {
		for sess := 1; sess <= n; sess++ {
			if perSession[sess] == 0 {
				errs["components"] = fmt.Sprintf("Name at least one core component for session %d.", sess)
				break
			}
		}
	}
	return p, errs
}

// CreateProgram registers a licensed program (admins only).
func (s *Service) CreateProgram(ctx context.Context, actor Actor, f ProgramForm) (int64, error) {
	if !actor.IsAdmin {
		return 0, fmt.Errorf("prevention: create program: %w", store.ErrNotFound)
	}
	p, errs := s.parseProgram(f)
	if err := errs.OrNil(); err != nil {
		return 0, err
	}
	now := s.now()
	err := store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &p.ID, `INSERT INTO prevention_programs
			(name, provider, website, session_count, facilitator_course, created_by, created_at, updated_at, retired_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`,
			p.Name, p.Provider, p.Website, p.SessionCount, p.FacilitatorCourse, actor.UserID, now, retiredAt(f.Retired, nil, now))
		if isUnique(err) {
			return validate.Errors{"name": "A program with this name is registered already."}
		}
		if err != nil {
			return fmt.Errorf("prevention: create program: %w", err)
		}
		if err := s.syncComponents(ctx, tx, p.ID, nil, p.Components); err != nil {
			return err
		}
		after, err := s.program(ctx, tx, p.ID, false)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.program.create",
			Entity: "prevention_program", EntityID: strconv.FormatInt(p.ID, 10), After: after})
	})
	return p.ID, err
}

// UpdateProgram changes a program. Components keep their keys when their
// session and name stay the same; removed ones are retired, never deleted.
func (s *Service) UpdateProgram(ctx context.Context, actor Actor, id int64, f ProgramForm) error {
	if !actor.IsAdmin {
		return fmt.Errorf("prevention: update program: %w", store.ErrNotFound)
	}
	p, errs := s.parseProgram(f)
	if err := errs.OrNil(); err != nil {
		return err
	}
	now := s.now()
	return store.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := s.program(ctx, tx, id, true)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE prevention_programs SET name = $2, provider = $3, website = $4,
			session_count = $5, facilitator_course = $6, updated_at = $7, retired_at = $8 WHERE id = $1`,
			id, p.Name, p.Provider, p.Website, p.SessionCount, p.FacilitatorCourse, now, retiredAt(f.Retired, before.RetiredAt, now))
		if isUnique(err) {
			return validate.Errors{"name": "A program with this name is registered already."}
		}
		if err != nil {
			return fmt.Errorf("prevention: update program %d: %w", id, err)
		}
		if err := s.syncComponents(ctx, tx, id, before.Components, p.Components); err != nil {
			return err
		}
		after, err := s.program(ctx, tx, id, false)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, store.AuditEntry{ActorID: &actor.UserID, Action: "prevention.program.update",
			Entity: "prevention_program", EntityID: strconv.FormatInt(id, 10), Before: before, After: after})
	})
}

func retiredAt(retired bool, was *time.Time, now time.Time) *time.Time {
	switch {
	case !retired:
		return nil
	case was != nil:
		return was
	}
	return &now
}

// syncComponents makes want the active components of a program.
func (s *Service) syncComponents(ctx context.Context, tx *sqlx.Tx, programID int64, have, want []ProgramComponent) error {
	key := func(c ProgramComponent) string { return strconv.Itoa(c.Session) + "\x00" + strings.ToLower(c.Name) }
	existing := map[string]int64{}
	for _, c := range have {
		existing[key(c)] = c.ID
	}
	keep := map[int64]bool{}
	for _, c := range want {
		if id, ok := existing[key(c)]; ok && !keep[id] {
			keep[id] = true
			if _, err := tx.ExecContext(ctx, `UPDATE prevention_program_components SET position = $2, name = $3 WHERE id = $1`,
				id, c.Position, c.Name); err != nil {
				return fmt.Errorf("prevention: update component: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO prevention_program_components (program_id, session, position, name)
			VALUES ($1, $2, $3, $4)`, programID, c.Session, c.Position, c.Name); err != nil {
			return fmt.Errorf("prevention: add component: %w", err)
		}
	}
	for _, c := range have {
		if keep[c.ID] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE prevention_program_components SET retired_at = $2 WHERE id = $1`,
			c.ID, s.now()); err != nil {
			return fmt.Errorf("prevention: retire component: %w", err)
		}
	}
	return nil
}
