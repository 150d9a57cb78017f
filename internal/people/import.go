package people

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/waymark/waymark/internal/report"
	"github.com/waymark/waymark/internal/store"
)

// ImportOptions say how to run a roster import.
type ImportOptions struct {
	Apply  bool   // false: a dry run that writes nothing
	Actor  int64  // who imports (0: the command line)
	Source string // for the audit log, e.g. "upload roster.csv"
	// Invite, with Apply, queues an invitation to choose a password for
	// every person of the file who has not signed in yet — once per
	// person: importing again queues none.
	Invite bool
	// Progress, when set, hears about each stage: "read" (every 10,000
	// rows), "checked", "staged", "applied".
	Progress func(stage string, rows int)

	pending []byte // the SHA-256 of the pending file applied (ApplyPending)
}

// ImportResult is what an import found and did (or would do).
type ImportResult struct {
	Rows      int
	Problems  []Problem
	Created   int
	Updated   int
	Unchanged int
	Invited   int  // invitations queued (ImportOptions.Invite)
	Applied   bool // the roster is in the database (true even when nothing needed changing)
}

// Summary reads like "3 created, 1 updated, 10 unchanged" (", 3
// invitations sent" when the import invited).
func (r ImportResult) Summary() string {
	out := fmt.Sprintf("%d created, %d updated, %d unchanged", r.Created, r.Updated, r.Unchanged)
	if r.Invited > 0 {
		out += fmt.Sprintf(", %d invitation%s sent", r.Invited, plural(r.Invited))
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Import reads a roster file and checks every row against the
// organizations and job roles. With problems, it writes nothing and
// returns them all. Otherwise it works out what would change and, when
// opt.Apply is set, writes it all in one transaction — new people, changed
// details, job roles and manager scopes, one audit entry per person, one
// OnPeopleChanged call with every id whose organization or roles changed,
// and the report rows of everyone created or updated. Importing the same
// file twice changes nothing the second time.
func (s *Service) Import(ctx context.Context, r io.Reader, opt ImportOptions) (ImportResult, error) {
	progress := func(stage string, n int) {
		if opt.Progress != nil {
			opt.Progress(stage, n)
		}
	}
	roster, err := ReadRoster(r, func(n int) { progress("read", n) })
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Rows: roster.Records, Problems: roster.Problems}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("people: import: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, bulkSQL); err != nil {
		return res, fmt.Errorf("people: import: settings: %w", err)
	}
	entries, probs, err := s.checkRoster(ctx, tx, roster)
	if err != nil {
		return res, err
	}
	res.Problems = append(res.Problems, probs...)
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Line < res.Problems[j].Line })
	if len(res.Problems) > 0 {
		return res, nil
	}
	progress("checked", len(entries))
	plan, err := store.StageRoster(ctx, tx, entries, roster.HasScopes, opt.Apply)
	if err != nil {
		return res, err
	}
	res.Created, res.Updated, res.Unchanged = plan.Created, plan.Updated, plan.Unchanged
	progress("staged", len(entries))
	if !opt.Apply {
		return res, nil
	}
	if plan.Created+plan.Updated > 0 { // otherwise the roster is already in
		if err := s.applyRoster(ctx, tx, opt, roster.HasScopes, res); err != nil {
			return res, err
		}
	}
	if opt.Invite {
		if res.Invited, err = s.inviteRoster(ctx, tx, opt); err != nil {
			return res, err
		}
	}
	if opt.pending != nil {
		if err := store.DropPendingImport(ctx, tx, opt.Actor, opt.pending); err != nil {
			return res, err
		}
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("people: import: commit: %w", err)
	}
	res.Applied = true
	progress("applied", len(entries))
	return res, nil
}

// applyRoster writes the staged roster in tx: people, job roles and
// scopes, the OnPeopleChanged hook, the report rows of everyone imported
// and the import's audit entry. The report area's triggers would refresh
// report rows statement by statement (and row by row for updates of people
// and assignments), most of the time of a large import; they wait instead,
// and after the hook the rows of everyone created or updated are refreshed
// once, set-based (migrations/0053_report_people.sql).
func (s *Service) applyRoster(ctx context.Context, tx *sqlx.Tx, opt ImportOptions, withScopes bool, res ImportResult) error {
	changed, err := store.ApplyRoster(ctx, tx, actorRef(opt.Actor), withScopes)
	if err != nil {
		return err
	}
	if err := s.peopleChanged(ctx, tx, changed); err != nil {
		return err
	}
	if err := report.RefreshDeferred(ctx, tx, store.RosterTouchedIDs); err != nil {
		return fmt.Errorf("people: import: refresh reports: %w", err)
	}
	return store.Audit(ctx, tx, store.AuditEntry{ActorID: actorRef(opt.Actor), Action: "import.apply", Entity: "import",
		After: map[string]any{"source": opt.Source, "rows": res.Rows, "created": res.Created, "updated": res.Updated,
			"unchanged": res.Unchanged}})
}

// bulkSQL sets up the import's transaction: the report triggers wait
// (see applyRoster), sorts and hashes get room, and no statement is
// compiled by JIT, which takes a second to save less.
const bulkSQL = `SELECT set_config('waymark.report_deferred', 'on', true), set_config('work_mem', '64MB', true),
		set_config('jit', 'off', true)`

// checkRoster resolves organization codes and job roles, reporting each
// one that is unknown or deactivated.
func (s *Service) checkRoster(ctx context.Context, tx *sqlx.Tx, roster *Roster) ([]store.RosterEntry, []Problem, error) {
	orgs, err := s.orgs.CodeIndex(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	roles, err := s.roleIndex(ctx)
	if err != nil {
		return nil, nil, err
	}
	var probs []Problem
	entries := make([]store.RosterEntry, 0, len(roster.Rows))
	near := newNearest(orgs, roles)
	for _, row := range roster.Rows {
		e, p := checkRow(row, orgs, roles, near)
		if len(p) == 0 {
			entries = append(entries, e)
		}
		probs = append(probs, p...)
	}
	for _, row := range roster.Flawed {
		_, p := checkRow(row, orgs, roles, near)
		probs = append(probs, p...)
	}
	return entries, probs, nil
}

// checkRow resolves one row's organization, job roles and scopes.
func checkRow(row RosterRow, orgs map[string]store.OrgRef, roles map[string]string, near *nearest) (store.RosterEntry, []Problem) {
	var probs []Problem
	bad := func(format string, a ...any) { probs = append(probs, Problem{row.Line, fmt.Sprintf(format, a...)}) }
	e := store.RosterEntry{Line: row.Line, Email: row.Email, Name: row.Name, Roles: []string{}, Scopes: []int64{}}
	if row.OrgCode != "" {
		switch o, ok := orgs[row.OrgCode]; {
		case !ok:
			bad("unknown organization code %q%s", clip(row.OrgCode), near.org(row.OrgCode))
		case !o.Active:
			bad("the organization %s is deactivated", row.OrgCode)
		default:
			e.OrgID = o.ID
		}
	}
	for _, r := range row.Roles {
		code, ok := roles[strings.ToLower(r)]
		if !ok {
			if hint := near.role(r); hint != "" {
				bad("unknown job role %q%s", clip(r), hint)
			} else {
				bad("unknown job role %q (use the role codes listed on the import page)", clip(r))
			}
			continue
		}
		e.Roles = append(e.Roles, code)
	}
	for _, c := range row.Scopes {
		o, ok := orgs[c]
		if !ok {
			bad("unknown organization code %q in the manager scope%s", clip(c), near.org(c))
			continue
		}
		e.Scopes = append(e.Scopes, o.ID)
	}
	e.Roles, e.Scopes = sortedUnique(e.Roles), sortedUnique(e.Scopes)
	return e, probs
}
