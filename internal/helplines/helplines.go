// Package helplines is the one source of truth for the help lines shown in
// the footer, content notes, emails, letters and checked in course text.
package helplines

// Line is one way to get help.
type Line struct {
	Name    string // who answers
	Number  string // as dialled or texted, e.g. "1-888-373-7888"
	Action  string // "Call", "Text", "TTY"
	Details string // hours and what it is
	Href    string // tel:/sms:/https: link
}

// All lists the help lines in the order they are shown.
var All = []Line{
	{Name: "National Human Trafficking Hotline", Action: "Call", Number: "1-888-373-7888", Href: "tel:+18883737888",
		Details: "24/7, confidential, not law enforcement. Chat at humantraffickinghotline.org."},
	{Name: "National Human Trafficking Hotline", Action: "Text", Number: "233733", Href: "sms:233733",
		Details: "24/7, confidential."},
	{Name: "National Human Trafficking Hotline", Action: "TTY", Number: "711", Href: "tel:711",
		Details: "Relay service for the hotline."},
	{Name: "DCF Child-at-Risk Hotline (Massachusetts)", Action: "Call", Number: "1-800-792-5200", Href: "tel:+18007925200",
		Details: "24 hours. Mandated reporters follow an oral report with a written 51A report within 48 hours."},
	{Name: "Emergency", Action: "Call", Number: "911", Href: "tel:911",
		Details: "When someone is in immediate danger."},
}

// HotlineChat is the hotline's web chat.
const HotlineChat = "https://humantraffickinghotline.org"

// Numbers returns every number that may appear in course text.
func Numbers() map[string]bool {
	out := map[string]bool{}
	for _, l := range All {
		out[l.Number] = true
	}
	return out
}
