package catalog

import (
	"strings"
	"unicode"
)

// FleschKincaid returns the Flesch–Kincaid grade level of English text:
// 0.39 × words/sentences + 11.8 × syllables/words − 15.59. A line that ends
// without punctuation (a heading or list item) also ends a sentence.
func FleschKincaid(text string) float64 {
	words, sentences, syllables := 0, 0, 0
	for _, line := range strings.Split(text, "\n") {
		w, s, y := countLine(line)
		words, sentences, syllables = words+w, sentences+s, syllables+y
	}
	if words == 0 || sentences == 0 {
		return 0
	}
	return 0.39*float64(words)/float64(sentences) + 11.8*float64(syllables)/float64(words) - 15.59
}

func countLine(line string) (words, sentences, syllables int) {
	inSentence := false
	for _, tok := range strings.Fields(line) {
		w := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" {
			continue
		}
		words++
		inSentence = true
		syllables += Syllables(w)
		if strings.ContainsAny(tok[len(tok)-1:], ".!?:") {
			sentences++
			inSentence = false
		}
	}
	if inSentence {
		sentences++
	}
	return words, sentences, syllables
}

// Syllables estimates the syllables of an English word by counting vowel
// groups, discounting a silent final e, with at least one per word.
func Syllables(word string) int {
	w := strings.ToLower(word)
	if strings.IndexFunc(w, unicode.IsLetter) < 0 {
		return 1
	}
	count, prevVowel := 0, false
	for _, r := range w {
		v := strings.ContainsRune("aeiouy", r)
		if v && !prevVowel {
			count++
		}
		prevVowel = v
	}
	if strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && count > 1 {
		count--
	}
	if count == 0 {
		return 1
	}
	return count
}
