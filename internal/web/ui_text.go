package web

import "html/template"

// uiText is the words of the quick exit and the help link in one language:
// a course's pages are in its language (course.yaml), and the control that
// protects someone reading them must be in it too.
type uiText struct {
	Lang string
	Exit string // the quick exit's label
	Note string // what it does, and the Shift shortcut
	Help string // the link to the help lines
}

// uiTexts are the languages courses are written in. Another language falls
// back to English, marked lang="en".
var uiTexts = map[string]uiText{
	"en": {Lang: "en", Exit: "Exit this page", Help: "Help is available",
		Note: "Leaves at once (or press Shift 3 times). Your browser history may still show this visit."},
	"es": {Lang: "es", Exit: "Salir de esta página", Help: "Hay ayuda disponible",
		Note: "Sale de inmediato (o pulse Mayús 3 veces). El historial del navegador aún puede mostrar esta visita."},
}

// uiTextFor is the quick exit's words for a page language, and whether
// they are in it.
func uiTextFor(lang string) (uiText, bool) {
	if t, ok := uiTexts[lang]; ok {
		return t, true
	}
	return uiTexts["en"], lang == "" || lang == "en"
}

// quickExitBar is the data of the quick-exit partial: the words and
// whether they need lang="en" on a page in another language.
type quickExitBar struct {
	uiText
	MarkEnglish bool
	URL         string
}

// renderQuickExits renders the quick-exit bar once per language, at
// start-up (it shows the same to every visitor). A set without the
// partial (a test's) has none.
func renderQuickExits(t *Templates, static map[string]template.HTML) error {
	if t.fragments.Lookup("quick-exit") == nil {
		return nil
	}
	for lang, text := range uiTexts {
		h, err := t.Fragment("quick-exit", quickExitBar{uiText: text, URL: QuickExitURL})
		if err != nil {
			return err
		}
		static["quick-exit:"+lang] = h
	}
	h, err := t.Fragment("quick-exit", quickExitBar{uiText: uiTexts["en"], MarkEnglish: true, URL: QuickExitURL})
	if err != nil {
		return err
	}
	static["quick-exit:other"] = h
	return nil
}
