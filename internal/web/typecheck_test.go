package web

import (
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/waymark/waymark/templates"
)

// TestTemplatesReadTheirDataTypes checks every field, method and map key
// a page template (or a fragment) reads, on every branch, against the
// type its handlers pass (pageData, fragmentData): a misspelt field fails
// here instead of in front of a user. Where a type is an interface the
// walk cannot know what is inside and checks nothing below it, which is
// why the tables hold no map[string]any.
func TestTemplatesReadTheirDataTypes(t *testing.T) {
	tmpl, err := ParseTemplates(templates.FS, template.FuncMap{"roleName": func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	funcs := baseFuncs()
	funcs["static"] = func(string) (template.HTML, error) { return "", nil }
	funcs["quickExit"] = func(string) template.HTML { return "" }
	funcs["roleName"] = func(string) string { return "" }
	for name := range tmpl.pages {
		if _, ok := pageData[name]; !ok {
			t.Errorf("page %s has no row in pageData", name)
		}
	}
	for name, data := range pageData {
		set := tmpl.pages[name]
		if set == nil {
			t.Errorf("pageData names %s, which is no page template", name)
			continue
		}
		checkNoAnyMap(t, name, reflect.TypeOf(data))
		c := &typeCheck{set: set, funcs: funcs, data: reflect.TypeOf(data), seen: map[string]bool{}}
		c.template("base", reflect.TypeOf(Page{}))
		for _, e := range c.errs {
			t.Errorf("page %s: %s", name, e)
		}
	}
	for name, data := range fragmentData {
		checkNoAnyMap(t, name, reflect.TypeOf(data))
		c := &typeCheck{set: tmpl.fragments, funcs: funcs, seen: map[string]bool{}}
		c.template(name, reflect.TypeOf(data))
		for _, e := range c.errs {
			t.Errorf("fragment %s: %s", name, e)
		}
	}
}

// TestTypeCheckCatchesAMisspeltField shows the walk above fails for a
// field the data does not have, in a branch no zero value would reach.
func TestTypeCheckCatchesAMisspeltField(t *testing.T) {
	set := template.Must(template.New("base").Parse(
		`{{with .Data}}{{range .Rows}}{{if .OK}}{{.Nmae}}{{end}}{{end}}{{end}}`))
	type row struct {
		Name string
		OK   bool
	}
	type page struct{ Rows []row }
	c := &typeCheck{set: set, data: reflect.TypeOf(page{}), seen: map[string]bool{}}
	c.template("base", reflect.TypeOf(Page{}))
	if len(c.errs) != 1 || !strings.Contains(c.errs[0], "Nmae") {
		t.Fatalf("errors = %q, want one about Nmae", c.errs)
	}
}

func checkNoAnyMap(t *testing.T, name string, typ reflect.Type) {
	t.Helper()
	if typ != nil && typ.Kind() == reflect.Map && typ.Elem().Kind() == reflect.Interface {
		t.Errorf("%s: data is %s; give it a struct so its fields can be checked", name, typ)
	}
}

// typeCheck walks a template's parse tree with the static type of dot and
// of each variable. A nil type is unknown: nothing below it is checked.
type typeCheck struct {
	set   *template.Template
	funcs template.FuncMap
	data  reflect.Type // what Page.Data holds on this page
	seen  map[string]bool
	errs  []string
	tree  *parse.Tree // the tree being walked, for positions
}

func (c *typeCheck) errorf(n parse.Node, format string, args ...any) {
	loc := ""
	if c.tree != nil {
		l, _ := c.tree.ErrorContext(n)
		loc = l + ": "
	}
	c.errs = append(c.errs, loc+fmt.Sprintf(format, args...))
}

// template checks the named template with dot of type dot, once per type.
func (c *typeCheck) template(name string, dot reflect.Type) {
	key := name + "|" + fmt.Sprint(dot)
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	t := c.set.Lookup(name)
	if t == nil || t.Tree == nil {
		c.errs = append(c.errs, fmt.Sprintf("no template %q", name))
		return
	}
	prev := c.tree
	c.tree = t.Tree
	c.list(t.Tree.Root, dot, map[string]reflect.Type{"$": dot})
	c.tree = prev
}

func (c *typeCheck) list(l *parse.ListNode, dot reflect.Type, vars map[string]reflect.Type) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		c.node(n, dot, vars)
	}
}

func copyVars(vars map[string]reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, len(vars))
	for k, v := range vars {
		out[k] = v
	}
	return out
}

func (c *typeCheck) node(n parse.Node, dot reflect.Type, vars map[string]reflect.Type) {
	switch n := n.(type) {
	case *parse.ActionNode:
		typ := c.pipe(n.Pipe, dot, vars)
		for _, v := range n.Pipe.Decl {
			vars[v.Ident[0]] = typ
		}
	case *parse.IfNode:
		inner := copyVars(vars)
		c.declare(n.Pipe, c.pipe(n.Pipe, dot, inner), inner)
		c.list(n.List, dot, inner)
		c.list(n.ElseList, dot, copyVars(vars))
	case *parse.WithNode:
		inner := copyVars(vars)
		typ := c.pipe(n.Pipe, dot, inner)
		c.declare(n.Pipe, typ, inner)
		c.list(n.List, typ, inner)
		c.list(n.ElseList, dot, copyVars(vars))
	case *parse.RangeNode:
		inner := copyVars(vars)
		key, elem := rangeTypes(c.pipe(n.Pipe, dot, inner))
		switch len(n.Pipe.Decl) {
		case 1:
			inner[n.Pipe.Decl[0].Ident[0]] = elem
		case 2:
			inner[n.Pipe.Decl[0].Ident[0]], inner[n.Pipe.Decl[1].Ident[0]] = key, elem
		}
		c.list(n.List, elem, inner)
		c.list(n.ElseList, dot, copyVars(vars))
	case *parse.TemplateNode:
		var typ reflect.Type
		if n.Pipe != nil {
			typ = c.pipe(n.Pipe, dot, vars)
		}
		c.template(n.Name, typ)
	case *parse.ListNode:
		c.list(n, dot, vars)
	}
}

func (c *typeCheck) declare(p *parse.PipeNode, typ reflect.Type, vars map[string]reflect.Type) {
	for _, v := range p.Decl {
		vars[v.Ident[0]] = typ
	}
}

// rangeTypes are the key and element types of ranging over t.
func rangeTypes(t reflect.Type) (key, elem reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return reflect.TypeOf(0), t.Elem()
	case reflect.Map:
		return t.Key(), t.Elem()
	case reflect.Int:
		return t, t
	}
	return nil, nil
}

// pipe is the type a pipeline yields; each command's result is the last
// argument of the next.
func (c *typeCheck) pipe(p *parse.PipeNode, dot reflect.Type, vars map[string]reflect.Type) reflect.Type {
	var typ reflect.Type
	for i, cmd := range p.Cmds {
		typ = c.command(cmd, dot, vars, i > 0)
	}
	return typ
}

func (c *typeCheck) command(cmd *parse.CommandNode, dot reflect.Type, vars map[string]reflect.Type, piped bool) reflect.Type {
	var argTypes []reflect.Type
	for _, a := range cmd.Args[1:] {
		argTypes = append(argTypes, c.arg(a, dot, vars))
	}
	switch first := cmd.Args[0].(type) {
	case *parse.IdentifierNode:
		return c.call(first, argTypes)
	default:
		return c.arg(first, dot, vars)
	}
}

// call is the result type of a function.
func (c *typeCheck) call(id *parse.IdentifierNode, args []reflect.Type) reflect.Type {
	switch id.Ident {
	case "and", "or":
		if len(args) > 0 && allSame(args) {
			return args[0]
		}
		return nil
	case "not", "eq", "ne", "lt", "le", "gt", "ge":
		return reflect.TypeOf(true)
	case "len":
		return reflect.TypeOf(0)
	case "print", "printf", "println", "html", "js", "urlquery":
		return reflect.TypeOf("")
	case "index":
		if len(args) == 0 {
			return nil
		}
		t := args[0]
		for range args[1:] {
			_, t = rangeTypes(t)
		}
		return t
	case "slice":
		if len(args) > 0 {
			return args[0]
		}
		return nil
	case "call":
		return nil
	}
	fn, ok := c.funcs[id.Ident]
	if !ok {
		c.errorf(id, "no function %q", id.Ident)
		return nil
	}
	ft := reflect.TypeOf(fn)
	if ft.NumOut() == 0 {
		return nil
	}
	return ft.Out(0)
}

func allSame(ts []reflect.Type) bool {
	for _, t := range ts[1:] {
		if t != ts[0] {
			return false
		}
	}
	return true
}

// arg is the type of one operand.
func (c *typeCheck) arg(n parse.Node, dot reflect.Type, vars map[string]reflect.Type) reflect.Type {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return c.fields(n, dot, n.Ident)
	case *parse.VariableNode:
		t, ok := vars[n.Ident[0]]
		if !ok {
			c.errorf(n, "undefined variable %s", n.Ident[0])
			return nil
		}
		return c.fields(n, t, n.Ident[1:])
	case *parse.ChainNode:
		return c.fields(n, c.arg(n.Node, dot, vars), n.Field)
	case *parse.PipeNode:
		return c.pipe(n, dot, vars)
	case *parse.StringNode:
		return reflect.TypeOf("")
	case *parse.BoolNode:
		return reflect.TypeOf(true)
	case *parse.NumberNode:
		if n.IsInt {
			return reflect.TypeOf(0)
		}
		return reflect.TypeOf(0.0)
	case *parse.IdentifierNode:
		return c.call(n, nil)
	}
	return nil
}

// fields follows a chain of field, method and map-key names from t.
func (c *typeCheck) fields(n parse.Node, t reflect.Type, names []string) reflect.Type {
	for _, name := range names {
		if t == nil {
			return nil
		}
		if t == reflect.TypeOf(Page{}) && name == "Data" {
			t = c.data
			continue
		}
		if m, ok := method(t, name); ok {
			if m.Type.NumOut() == 0 {
				return nil
			}
			t = m.Type.Out(0)
			continue
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Interface:
			return nil
		case reflect.Map:
			if t.Key().Kind() != reflect.String {
				c.errorf(n, "%s: map %s has no string keys", name, t)
				return nil
			}
			t = t.Elem()
		case reflect.Struct:
			f, ok := t.FieldByName(name)
			if !ok || !f.IsExported() {
				c.errorf(n, "%s has no field or method %s", t, name)
				return nil
			}
			t = f.Type
		default:
			c.errorf(n, "can't read %s of %s", name, t)
			return nil
		}
	}
	return t
}

// method finds an exported method on t or *t.
func method(t reflect.Type, name string) (reflect.Method, bool) {
	if m, ok := t.MethodByName(name); ok && t.Kind() != reflect.Interface {
		return m, true
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		return reflect.PointerTo(t).MethodByName(name)
	}
	return reflect.Method{}, false
}

func TestRenderRefusesDataOfAnotherType(t *testing.T) {
	if err := checkPageData("login", loginForm{}); err != nil {
		t.Errorf("the login page's own data: %v", err)
	}
	if err := checkPageData("home", nil); err != nil {
		t.Errorf("a page without data: %v", err)
	}
	if err := checkPageData("login", map[string]any{"Email": ""}); err == nil {
		t.Error("a map instead of loginForm was accepted")
	}
	if err := checkPageData("no_such_page", nil); err == nil {
		t.Error("a page without a pageData row was accepted")
	}
}
