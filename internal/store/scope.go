package store

// The scope rule has one home: "manager M may see person P" means P's
// organization lies in the subtree of one of M's scope organizations, and
// org_closure (one row per ancestor/descendant pair, depth 0 for itself)
// answers it with one indexed lookup. Every query, in this package or in
// an area's own SQL, composes these fragments rather than writing the
// join out, so the rule changes in one place.

// InSubtrees is a SQL condition: the organization in col lies in the
// subtree of one of the organizations in the bigint[] placeholder arg.
// Pass the array with pq.Array; an empty array matches nothing.
func InSubtrees(col, arg string) string {
	return col + " IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = ANY(" + arg + "::bigint[]))"
}

// InSubtree is InSubtrees for one root organization in placeholder arg.
func InSubtree(col, arg string) string {
	return col + " IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = " + arg + "::bigint)"
}

// Under is a SQL condition: the organization in col lies in the subtree of
// the organization in ancestorCol (either may be a column or placeholder).
func Under(col, ancestorCol string) string {
	return "EXISTS (SELECT 1 FROM org_closure WHERE ancestor_id = " + ancestorCol + " AND descendant_id = " + col + ")"
}

// JoinBranch is a LEFT JOIN of org_closure as alias that finds, for the
// organization in col, which of the roots in the bigint[] placeholder arg
// it lies under (alias.ancestor_id; NULL under none).
func JoinBranch(alias, col, arg string) string {
	return "LEFT JOIN org_closure " + alias + " ON " + alias + ".descendant_id = " + col + " AND " + alias + ".ancestor_id = ANY(" + arg + "::bigint[])"
}

// NearestAncestor is a SQL scalar subquery: expr (over the ancestor,
// aliased a) of the nearest organization at or above the one in col that
// meets cond, or NULL when none does.
func NearestAncestor(col, expr, cond string) string {
	return "(SELECT " + expr + " FROM org_closure oc JOIN organizations a ON a.id = oc.ancestor_id\n\t\t\t WHERE oc.descendant_id = " +
		col + " AND " + cond + " ORDER BY oc.depth LIMIT 1)"
}

// Scope is what a viewer may see: the whole state (administrators) or the
// union of the subtrees of Roots (a manager's scope organizations, with
// any root inside another root's subtree dropped; see ScopeRoots).
type Scope struct {
	All   bool
	Roots []int64
}
