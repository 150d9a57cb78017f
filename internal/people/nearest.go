package people

import (
	"sort"
	"strings"

	"github.com/waymark/waymark/internal/store"
)

// nearest suggests the known organization code or job role closest to a
// mistyped one, by edit distance, only when it is close and the closest
// one is unambiguous. Answers are remembered: a roster repeats its typos.
type nearest struct {
	orgCodes, roleCodes []string
	memo                map[string]string
}

// maxSuggested bounds the distinct unknown values looked up per import, so
// a file of garbage costs no more than a few thousand comparisons each.
const maxSuggested = 500

func newNearest(orgs map[string]store.OrgRef, roles map[string]string) *nearest {
	n := &nearest{memo: map[string]string{}}
	for code, o := range orgs {
		if o.Active {
			n.orgCodes = append(n.orgCodes, code)
		}
	}
	seen := map[string]bool{}
	for _, code := range roles {
		if !seen[code] {
			seen[code] = true
			n.roleCodes = append(n.roleCodes, code)
		}
	}
	sort.Strings(n.orgCodes)
	sort.Strings(n.roleCodes)
	return n
}

// org is ` (did you mean CODE?)` for a mistyped organization code, or "".
func (n *nearest) org(code string) string { return n.hint("o:", strings.ToUpper(code), n.orgCodes) }

// role is the same for a job-role code.
func (n *nearest) role(code string) string { return n.hint("r:", strings.ToLower(code), n.roleCodes) }

func (n *nearest) hint(kind, v string, known []string) string {
	if h, ok := n.memo[kind+v]; ok {
		return h
	}
	if len(n.memo) >= maxSuggested {
		return ""
	}
	h := ""
	if best := closest(v, known); best != "" {
		h = " (did you mean " + best + "?)"
	}
	n.memo[kind+v] = h
	return h
}

// closest returns the one known value within reach of v, or "" when none
// is close enough or two are equally close. Reach grows with length: one
// edit for short codes, two up to ten characters, three beyond.
func closest(v string, known []string) string {
	reach := 3
	switch n := len([]rune(v)); {
	case n <= 4:
		reach = 1
	case n <= 10:
		reach = 2
	}
	best, bestD, tie := "", reach+1, false
	for _, k := range known {
		if d := editDistance(v, k, bestD+1); d < bestD {
			best, bestD, tie = k, d, false
		} else if d == bestD && d <= reach {
			tie = true
		}
	}
	if tie || bestD > reach {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, or limit when
// it is limit or more (the length difference alone can say so).
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}
