package web

import "sort"

// navLink is one entry of the site menu.
type navLink struct{ Href, Label string }

// navGroup is one role's part of the site menu: its home and its pages.
type navGroup struct {
	Label string
	Links []navLink
}

// The menu's entries by role. Every page a role can open without
// parameters is listed (TestEveryPageIsInItsRolesMenu walks the routes).
var (
	learnerNav = navGroup{Label: "My training", Links: []navLink{
		{"/my", "My training"},
		{"/my/certificates", "My certificates"},
		{"/my/transcript.pdf", "Training transcript (PDF)"},
	}}
	facilitatorNav = navGroup{Label: "Prevention", Links: []navLink{
		{"/prevention", "Prevention sessions"},
		{"/prevention/classes/new", "Add a class"},
		{"/prevention/curricula", "Curricula and session guides"},
		{"/prevention/disclosures", "When a young person tells you something"},
		{"/prevention/reports", "My classes: report"},
	}}
	managerNav = navGroup{Label: "Manage", Links: []navLink{
		{"/manage", "Completion figures"},
		{"/manage/people", "People"},
		{"/manage/assign", "Assign a course"},

		{"/manage/prevention", "Prevention report"},
		{"/manage/certificates", "Download certificates"},
	}}
	adminNav = navGroup{Label: "Administration", Links: adminLinks()}
)

// adminLinks are the administration home and every known section, in the
// home page's order.
func adminLinks() []navLink {
	paths := make([]string, 0, len(knownAdminSections))
	for p := range knownAdminSections {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool { return knownAdminSections[paths[i]].order < knownAdminSections[paths[j]].order })
	links := []navLink{{"/admin", "Administration home"}}
	for _, p := range paths {
		links = append(links, navLink{p, knownAdminSections[p].Title})
	}
	return links
}

// Menu is the signed-in person's part of the site menu, by role.
func (v *Viewer) Menu() []navGroup {
	if v == nil {
		return nil
	}
	out := []navGroup{learnerNav}
	if v.IsFacilitator {
		out = append(out, facilitatorNav)
	}
	if v.IsManager {
		out = append(out, managerNav)
	}
	if v.IsAdmin {
		out = append(out, adminNav)
	}
	return out
}
