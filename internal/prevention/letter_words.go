package prevention

// words are the fixed sentences of the parent letter in one language.
// Format verbs are filled by compose.
type words struct {
	title, subtitle, greeting, intro, when, aims               string
	externalAbout, externalAboutBy, externalSession            string
	taughtHeading, objectivesLead                              string
	rightHeading, right, consent                               string
	inspectHeading, inspect, inspectOnline, inspectWebsite     string
	surveyHeading, survey, privacyHeading, privacy             string
	questionsHeading, questions, phone, email                  string
	helpHeading, helpLead, closing, signoff                    string
	exemptSlipTitle, exemptSlip, consentSlipTitle, consentSlip string
	childLine, signLine, returnTo, footer                      string
}

var letterWords = map[string]words{
	LangEnglish: {
		title:    "Notice to parents and guardians",
		subtitle: "%s at %s",
		greeting: "Dear parent or guardian,",
		intro:    "Your child's class, %s (%s), will take part in %s, a series of %d sessions led by trained school or program staff%s.",
		when:     ", planned from %s to %s",
		aims: "The sessions help young people tell healthy relationships from unhealthy ones, stay safer online, " +
			"recognize the ways some people try to manipulate or exploit young people, and know how and where to get " +
			"help for themselves or a friend. They teach skills, not fear, and no student is asked to share personal experiences.",
		externalAbout:   "%s is a licensed prevention program, delivered by staff trained in it.",
		externalAboutBy: "%s is a licensed prevention program from %s, delivered by staff trained in it.",
		externalSession: "Session %d: %s",
		taughtHeading:   "What will be taught",
		objectivesLead:  "By the end of the series:",
		rightHeading:    "Your right to exempt your child without penalty",
		right: "Massachusetts law (G.L. c.71 §32A) gives parents and guardians the right to exempt their child, without " +
			"penalty, from curriculum that primarily involves human sexual education or human sexuality issues. This series " +
			"deals with relationships, boundaries and exploitation, so the school is telling you about it in advance and " +
			"offers you the same choice. To exempt your child from any or all of the sessions, write to the school: a letter " +
			"or an email to the contact person below is enough. Your child will be given a meaningful alternative activity " +
			"and will not be penalized in any way.",
		consent: "Your district also asks for your written permission before your child takes part. Please sign and return " +
			"the permission slip at the end of this letter. A student without a signed slip will be given an alternative " +
			"activity, without penalty.",
		inspectHeading: "Looking at the materials",
		inspect:        "You are welcome to look at all of the lesson materials before or during the series: %s",
		inspectOnline:  "The session guides are also published at %s.",
		inspectWebsite: "Information about the program is at %s.",
		surveyHeading:  "An anonymous survey",
		survey: "Before the first session and after the last one, students may be asked to fill in a short anonymous " +
			"knowledge survey. It carries no names and asks nothing about your child's own life or experiences. Only the " +
			"totals for the class are recorded.",
		privacyHeading: "Your child's privacy",
		privacy: "Waymark, the system the school uses to plan and record these sessions, keeps only the number of " +
			"students in the class and how many took part. It never records your child's name.",
		questionsHeading: "Questions",
		questions:        "If you have questions, or to exempt your child, please contact %s.",
		phone:            "phone",
		email:            "email",
		helpHeading:      "Help is available",
		helpLead:         "If this topic raises concerns for your family, free and confidential help is available at any time:",
		closing:          "Thank you for helping us keep young people safe.",
		signoff:          "Sincerely,",
		exemptSlipTitle:  "Exemption request (optional)",
		exemptSlip:       "I wish to exempt my child from %s. Please give my child an alternative activity.",
		consentSlipTitle: "Permission to take part",
		consentSlip:      "I give permission for my child to take part in %s.",
		childLine:        "Child's name: ________________________________________",
		signLine:         "Parent or guardian signature: ____________________________   Date: ______________",
		returnTo:         "Return this slip to %s at the school, or send a note or an email instead.",
		footer:           "Notice under G.L. c.71 §32A · prepared with Waymark",
	},
	LangSpanish: {
		title:    "Aviso a madres, padres y tutores",
		subtitle: "%s en %s",
		greeting: "Estimada familia:",
		intro:    "La clase de su hijo o hija, %s (%s), participará en %s, una serie de %d sesiones dirigidas por personal capacitado de la escuela o del programa%s.",
		when:     ", previstas del %s al %s",
		aims: "Las sesiones ayudan a los jóvenes a distinguir las relaciones sanas de las que no lo son, a protegerse " +
			"mejor en internet, a reconocer las formas en que algunas personas intentan manipular o explotar a los jóvenes, " +
			"y a saber cómo y dónde pedir ayuda para sí mismos o para un amigo o amiga. Enseñan habilidades, no miedo, y a " +
			"ningún estudiante se le pide que cuente experiencias personales.",
		externalAbout:   "%s es un programa de prevención con licencia, impartido por personal capacitado en él.",
		externalAboutBy: "%s es un programa de prevención con licencia de %s, impartido por personal capacitado en él.",
		externalSession: "Sesión %d: %s",
		taughtHeading:   "Qué se enseñará",
		objectivesLead:  "Al final de la serie:",
		rightHeading:    "Su derecho a eximir a su hijo o hija sin ninguna penalización",
		right: "La ley de Massachusetts (G.L. c.71 §32A) da a madres, padres y tutores el derecho de eximir a su hijo o " +
			"hija, sin ninguna penalización, de los contenidos que tratan principalmente de educación sexual o de temas de " +
			"sexualidad humana. Esta serie trata sobre relaciones, límites y explotación, por eso la escuela le informa con " +
			"anticipación y le ofrece la misma opción. Para eximir a su hijo o hija de una o de todas las sesiones, escriba " +
			"a la escuela: basta con una carta o un correo electrónico a la persona de contacto indicada abajo. Su hijo o " +
			"hija recibirá una actividad alternativa adecuada y no será penalizado de ninguna manera.",
		consent: "Además, su distrito pide su permiso por escrito antes de que su hijo o hija participe. Firme y devuelva " +
			"el formulario de permiso que está al final de esta carta. Los estudiantes sin el formulario firmado recibirán " +
			"una actividad alternativa, sin ninguna penalización.",
		inspectHeading: "Cómo revisar los materiales",
		inspect:        "Puede revisar todos los materiales de las lecciones antes o durante la serie: %s",
		inspectOnline:  "Las guías de las sesiones también están publicadas en %s (en inglés).",
		inspectWebsite: "Encontrará información sobre el programa en %s.",
		surveyHeading:  "Una encuesta anónima",
		survey: "Antes de la primera sesión y después de la última, es posible que se pida a los estudiantes que " +
			"completen una breve encuesta anónima de conocimientos. No lleva nombres y no pregunta nada sobre la vida o las " +
			"experiencias de su hijo o hija. Solo se registran los totales de la clase.",
		privacyHeading: "La privacidad de su hijo o hija",
		privacy: "Waymark, el sistema que la escuela usa para planificar y registrar estas sesiones, guarda solo el " +
			"número de estudiantes de la clase y cuántos participaron. Nunca registra el nombre de su hijo o hija.",
		questionsHeading: "Preguntas",
		questions:        "Si tiene preguntas, o para eximir a su hijo o hija, comuníquese con %s.",
		phone:            "teléfono",
		email:            "correo electrónico",
		helpHeading:      "Hay ayuda disponible",
		helpLead:         "Si este tema le preocupa, hay ayuda gratuita y confidencial en todo momento:",
		closing:          "Gracias por ayudarnos a proteger a los jóvenes.",
		signoff:          "Atentamente,",
		exemptSlipTitle:  "Solicitud de exención (opcional)",
		exemptSlip:       "Deseo eximir a mi hijo o hija de %s. Por favor, ofrézcanle una actividad alternativa.",
		consentSlipTitle: "Permiso para participar",
		consentSlip:      "Doy permiso para que mi hijo o hija participe en %s.",
		childLine:        "Nombre del estudiante: ____________________________________",
		signLine:         "Firma de la madre, el padre o el tutor: ________________________   Fecha: ____________",
		returnTo:         "Devuelva este formulario a %s en la escuela, o envíe una nota o un correo electrónico.",
		footer:           "Aviso conforme a G.L. c.71 §32A · preparado con Waymark",
	},
}

// curriculumES holds the Spanish of our curricula's titles, session titles
// and objectives, keyed by the English in courses/. A string missing here
// (the curriculum changed) prints in English.
var curriculumES = map[string]string{
	"Youth prevention series, grades 6–8":                                            "Serie de prevención para jóvenes, grados 6 a 8",
	"Youth prevention series, grades 9–12":                                           "Serie de prevención para jóvenes, grados 9 a 12",
	"Session 1: Respect, boundaries and healthy relationships":                       "Sesión 1: Respeto, límites y relaciones sanas",
	"Session 2: Online friends, pressure and manipulation":                           "Sesión 2: Amistades en internet, presión y manipulación",
	"Session 3: When kindness comes with strings":                                    "Sesión 3: Cuando la amabilidad tiene condiciones",
	"Session 4: Strengths, stress and trusted adults":                                "Sesión 4: Fortalezas, estrés y adultos de confianza",
	"Session 5: Getting help and helping a friend":                                   "Sesión 5: Pedir ayuda y ayudar a un amigo o amiga",
	"Session 1: Healthy relationships, consent and boundaries":                       "Sesión 1: Relaciones sanas, consentimiento y límites",
	"Session 2: Online exploitation and image-based pressure":                        "Sesión 2: Explotación en internet y presión con imágenes",
	`Session 3: Recruitment and grooming: "boyfriends", gifts, debts and job offers`: `Sesión 3: Captación y manipulación (grooming): "novios", regalos, deudas y ofertas de trabajo`,
	"Session 4: Vulnerability, resilience and trusted adults":                        "Sesión 4: Vulnerabilidad, resiliencia y adultos de confianza",
	"Session 5: Getting help, helping a friend, and what happens next":               "Sesión 5: Pedir ayuda, ayudar a un amigo o amiga y qué pasa después",

	"Students can describe signs of healthy, unhealthy and unsafe relationships and explain what a boundary is.":                                                      "Los estudiantes pueden describir señales de relaciones sanas, no sanas y peligrosas, y explicar qué es un límite.",
	"Students can name common online manipulation tactics and simple steps to stay safe online.":                                                                      "Los estudiantes pueden nombrar tácticas comunes de manipulación en internet y pasos sencillos para protegerse en línea.",
	`Students can recognize grooming and recruitment tactics such as secrecy, gifts with strings, "debts" and too-good-to-be-true offers.`:                            `Los estudiantes pueden reconocer tácticas de manipulación (grooming) y de captación, como el secreto, los regalos con condiciones, las "deudas" y las ofertas demasiado buenas para ser verdad.`,
	"Students can identify personal strengths and at least two trusted adults.":                                                                                       "Los estudiantes pueden identificar sus fortalezas personales y al menos dos adultos de confianza.",
	"Students can explain how to get help for themselves or a friend, including the National Human Trafficking Hotline.":                                              "Los estudiantes pueden explicar cómo pedir ayuda para sí mismos o para un amigo o amiga, incluida la Línea Nacional contra la Trata de Personas.",
	"Students can distinguish healthy, unhealthy and exploitative dating relationships, including the role of power differences and consent.":                         "Los estudiantes pueden distinguir entre relaciones de pareja sanas, no sanas y de explotación, incluido el papel de las diferencias de poder y del consentimiento.",
	"Students can describe how online exploitation works, including image-based threats, and the steps to take if it happens.":                                        "Los estudiantes pueden describir cómo funciona la explotación en internet, incluidas las amenazas con imágenes, y los pasos a seguir si ocurre.",
	"Students can recognize grooming and recruitment tactics, including a controlling older partner, gifts that become debts, and fraudulent job or modeling offers.": "Los estudiantes pueden reconocer tácticas de manipulación (grooming) y de captación, como una pareja mayor que controla, regalos que se convierten en deudas y ofertas fraudulentas de trabajo o de modelaje.",
	"Students can explain, at a basic level, that under Massachusetts law a person under 18 can be a victim of trafficking without force (G.L. c.265 §50).":           "Los estudiantes pueden explicar, de forma básica, que según la ley de Massachusetts una persona menor de 18 años puede ser víctima de trata aunque no haya fuerza (G.L. c.265 §50).",
	"Students can identify protective supports and trusted adults and describe how to get help for themselves or a friend, and what happens next.":                    "Los estudiantes pueden identificar apoyos protectores y adultos de confianza, y describir cómo pedir ayuda para sí mismos o para un amigo o amiga, y qué pasa después.",
}

// helplinesES is the Spanish of each help line in internal/helplines, keyed
// by its link. A line missing here prints in English.
var helplinesES = map[string]string{
	"tel:+18883737888": "Línea Nacional contra la Trata de Personas (National Human Trafficking Hotline): llame al 1-888-373-7888. Las 24 horas, todos los días; confidencial; no es la policía. Atiende en español. También hay chat en humantraffickinghotline.org.",
	"sms:233733":       "Línea Nacional contra la Trata de Personas: envíe un mensaje de texto al 233733. Las 24 horas, confidencial.",
	"tel:711":          "Línea Nacional contra la Trata de Personas por TTY: marque el 711 (servicio de retransmisión).",
	"tel:+18007925200": "Línea de Niños en Riesgo del DCF de Massachusetts (DCF Child-at-Risk Hotline): llame al 1-800-792-5200. Las 24 horas, para avisar que un niño o joven puede estar en peligro.",
	"tel:911":          "Emergencias: llame al 911 cuando alguien esté en peligro inmediato.",
}
