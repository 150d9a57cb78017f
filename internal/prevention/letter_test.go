package prevention_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark/waymark/internal/pdf/pdftest"
	"github.com/waymark/waymark/internal/prevention"
	"github.com/waymark/waymark/internal/store"
)

// flat joins pdftotext's lines and spaces so a sentence wrapped across lines
// can be found whole.
func flat(s string) string { return regexp.MustCompile(`\s+`).ReplaceAllString(s, " ") }

func TestParentLetterInEnglishAndSpanish(t *testing.T) {
	e := newEnv(t)
	p := e.people("Hampden")
	cur, _ := e.svc.Course("youth-prevention-6-8")
	id := e.class(p.lead, p.schoolCode, cur.Ref, 24)
	if err := e.svc.SavePlan(e.ctx, p.lead, id, map[int]string{1: "2026-03-09", 5: "2026-04-06"}); err != nil {
		t.Fatal(err)
	}
	class, _ := e.svc.Class(e.ctx, p.lead, id)

	tests := []struct {
		lang, pdfLang string
		want          []string
	}{
		{prevention.LangEnglish, "en-US", []string{
			"Notice to parents and guardians",
			"Youth prevention series, grades 6–8 at " + class.OrgName,
			"will take part in Youth prevention series, grades 6–8, a series of 5 sessions",
			"planned from March 9, 2026 to April 6, 2026",
			"Session 1: Respect, boundaries and healthy relationships",
			"Session 5: Getting help and helping a friend",
			"Students can identify personal strengths and at least two trusted adults.",
			"Your right to exempt your child without penalty",
			"G.L. c.71 §32A",
			"To exempt your child from any or all of the sessions, write to the school",
			"will not be penalized in any way",
			"You are welcome to look at all of the lesson materials before or during the series: Main office, weekdays 8 a.m. to 3 p.m.",
			"https://waymark.example.org/courses/youth-prevention-6-8",
			"please contact Pat Rivera, phone 413-555-0100",
			"It never records your child's name.",
			"National Human Trafficking Hotline: Call 1-888-373-7888.",
			"DCF Child-at-Risk Hotline (Massachusetts): Call 1-800-792-5200.",
			"Exemption request (optional)",
		}},
		{prevention.LangSpanish, "es", []string{
			"Aviso a madres, padres y tutores",
			"Serie de prevención para jóvenes, grados 6 a 8 en " + class.OrgName,
			"participará en Serie de prevención para jóvenes, grados 6 a 8, una serie de 5 sesiones",
			"previstas del 9 de marzo de 2026 al 6 de abril de 2026",
			"Sesión 1: Respeto, límites y relaciones sanas",
			"Sesión 4: Fortalezas, estrés y adultos de confianza",
			"Qué se enseñará",
			"Su derecho a eximir a su hijo o hija sin ninguna penalización",
			"La ley de Massachusetts (G.L. c.71 §32A) da a madres, padres y tutores el derecho de eximir a su hijo o hija",
			"escriba a la escuela: basta con una carta o un correo electrónico",
			"no será penalizado de ninguna manera",
			"Cómo revisar los materiales",
			"Puede revisar todos los materiales de las lecciones antes o durante la serie",
			"comuníquese con Pat Rivera, teléfono 413-555-0100",
			"Nunca registra el nombre de su hijo o hija.",
			"Línea Nacional contra la Trata de Personas (National Human Trafficking Hotline): llame al 1-888-373-7888.",
			"Línea de Niños en Riesgo del DCF de Massachusetts",
			"Solicitud de exención (opcional)",
			"Firma de la madre, el padre o el tutor",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			b, err := e.svc.Letter(e.ctx, p.lead, id, tt.lang, "https://waymark.example.org/")
			if err != nil {
				t.Fatal(err)
			}
			text := flat(pdftest.Text(t, b))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("letter lacks %q", w)
				}
			}
			if tt.lang == prevention.LangSpanish && strings.Contains(text, "Your right to exempt") {
				t.Error("the Spanish letter carries English text")
			}
			info := pdftest.Info(t, b)
			if !strings.HasPrefix(info["Page size"], "612 x 792") {
				t.Errorf("page size %q", info["Page size"])
			}
			if !strings.Contains(string(b), "/Lang ("+tt.pdfLang+")") {
				t.Errorf("PDF language is not %s", tt.pdfLang)
			}
		})
	}

	t.Run("active consent asks for a signed slip", func(t *testing.T) {
		c, _ := e.svc.Class(e.ctx, p.lead, id)
		f := c.FormOf("", c.Ref())
		f.ConsentRequired = true
		if err := e.svc.UpdateClass(e.ctx, p.lead, id, f); err != nil {
			t.Fatal(err)
		}
		for lang, want := range map[string]string{
			prevention.LangEnglish: "asks for your written permission before your child takes part",
			prevention.LangSpanish: "Además, su distrito pide su permiso por escrito",
		} {
			b, err := e.svc.Letter(e.ctx, p.lead, id, lang, "https://waymark.example.org")
			if err != nil {
				t.Fatal(err)
			}
			if text := flat(pdftest.Text(t, b)); !strings.Contains(text, want) {
				t.Errorf("%s consent letter lacks %q", lang, want)
			}
		}
	})

	t.Run("a licensed program lists its component names", func(t *testing.T) {
		pid, err := e.svc.CreateProgram(e.ctx, p.admin, prevention.ProgramForm{Name: "My Life My Choice " + t.Name()[:4],
			Provider: "Justice Resource Institute", SessionCount: "2", Components: "1. Group agreements\n2. Warning signs"})
		if err != nil {
			t.Fatal(err)
		}
		prog, _ := e.svc.Program(e.ctx, pid)
		cid := e.class(p.lead, p.schoolCode, prog.Curriculum().Ref, 12)
		b, err := e.svc.Letter(e.ctx, p.lead, cid, prevention.LangEnglish, "https://waymark.example.org")
		if err != nil {
			t.Fatal(err)
		}
		text := flat(pdftest.Text(t, b))
		for _, w := range []string{"licensed prevention program from Justice Resource Institute", "Session 2: Warning signs"} {
			if !strings.Contains(text, w) {
				t.Errorf("letter lacks %q", w)
			}
		}
	})

	if _, err := e.svc.Letter(e.ctx, p.lead, id, "fr", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("French letter: %v", err)
	}
	if _, err := e.svc.Letter(e.ctx, p.unprepped, id, prevention.LangEnglish, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("letter of another facilitator's class: %v", err)
	}
}
