package catalog

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// decodeStrict decodes data into v, rejecting unknown keys. Each error is
// reported at its line, shifted by offset lines (for front matter).
func decodeStrict(data []byte, v any, c collector, offset int) (*yaml.Node, bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		reportYAML(err, c, offset)
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			c.add(offset+1, "file is empty")
			return nil, false
		}
		reportYAML(err, c, offset)
		return &root, false
	}
	return &root, true
}

func reportYAML(err error, c collector, offset int) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			n, _ := strconv.Atoi(g[1])
			c.add(n+offset, "%s", g[2])
			continue
		}
		c.add(offset+1, "%s", m)
	}
}

// lineOf finds the line of the value at path (map keys as strings, sequence
// indexes as ints) in a parsed document; it falls back to the deepest node
// found on the way, and to 1.
func lineOf(root *yaml.Node, offset int, path ...any) int {
	if root == nil {
		return offset + 1
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		key, next := child(n, p)
		if next == nil {
			break
		}
		n = next
		line = key.Line
	}
	if line == 0 {
		line = 1
	}
	return line + offset
}

// child returns the node that names step p (a map key, or the item itself)
// and the value it leads to.
func child(n *yaml.Node, p any) (key, value *yaml.Node) {
	switch k := p.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil, nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				return n.Content[i], n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && k >= 0 && k < len(n.Content) {
			return n.Content[k], n.Content[k]
		}
	}
	return nil, nil
}
