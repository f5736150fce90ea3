package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// KeyError is a problem with one key of a policy: an unknown key, a value of
// the wrong kind or out of range. Its message names the dotted key, e.g.
// `policy: arbitration.ruling_due: invalid duration "thirty" (line 3)`.
type KeyError struct {
	// Key is the dotted key, with list indexes in brackets
	// (`arbitration.reminders[1]`); empty for a problem with the whole file.
	Key string
	// Msg says what is wrong.
	Msg string
	// File is the file read, when known.
	File string
	// Line is the line in the file, 0 when the problem is with the merged
	// policy rather than a line of the file.
	Line int
}

// Error renders the problem for an operator.
func (e *KeyError) Error() string {
	var b strings.Builder
	b.WriteString("policy: ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, " (%s:%d)", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, " (%s)", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	return b.String()
}

var (
	durationType = reflect.TypeFor[Duration]()
	fractionType = reflect.TypeFor[Fraction]()
	periodType   = reflect.TypeFor[ParticipationPeriod]()
)

// decode applies the YAML document in data onto p, key by key, following
// p's yaml tags. It walks the yaml.Node tree itself rather than calling
// yaml.Unmarshal so that it can merge into the existing values, tell an
// absent key from a zero value, and name the dotted key of every problem.
func decode(p *Policy, data []byte, file string) error {
	root, err := parseDocument(data)
	if err != nil {
		return &KeyError{Msg: err.Error(), File: file}
	}
	if root == nil {
		return nil
	}
	w := &walker{file: file, budget: maxValues}
	return w.value(root, reflect.ValueOf(p).Elem(), "")
}

// parseDocument returns the root node of the single YAML document in data,
// or nil for an empty document. The recover guards the contract that a bad
// file is an error, never a crash, against a panic in the YAML parser.
func parseDocument(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("unreadable YAML: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("more than one YAML document (line %d)", next.Line)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// maxValues bounds the values one file may decode into. The LACRALO policy
// holds a few hundred; the bound stops a file whose aliases expand a large
// list many times over from exhausting memory.
const maxValues = 100_000

type walker struct {
	file   string
	budget int
}

func (w *walker) fail(n *yaml.Node, key, format string, args ...any) error {
	return &KeyError{Key: key, Msg: fmt.Sprintf(format, args...), File: w.file, Line: n.Line}
}

// resolve follows aliases to the node they name. The parser rejects an
// alias to an anchor not yet complete, so chains are short; the bound only
// keeps a malformed tree from looping.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; i < 100 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a node's value in an error message.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "an unknown node"
}

// value decodes n into v. An empty section or map (`ethics:` with every
// child commented out) changes nothing; an empty leaf is an error.
func (w *walker) value(n *yaml.Node, v reflect.Value, key string) error {
	n = resolve(n)
	if w.budget--; w.budget < 0 {
		return w.fail(n, key, "the file holds more than %d values (check its aliases)", maxValues)
	}
	if v.Type() == durationType {
		if n.Kind != yaml.ScalarNode || isNull(n) {
			return w.fail(n, key, "expected a duration such as 14d, got %s", describe(n))
		}
		d, err := ParseDuration(n.Value)
		if err != nil {
			return w.fail(n, key, "%s", err.Error())
		}
		v.SetInt(int64(d))
		return nil
	}
	if v.Type() == fractionType {
		if n.Kind != yaml.ScalarNode || isNull(n) {
			return w.fail(n, key, "expected a fraction such as 2/3, got %s", describe(n))
		}
		f, err := ParseFraction(n.Value)
		if err != nil {
			return w.fail(n, key, "%s", err.Error())
		}
		v.SetString(string(f))
		return nil
	}
	if v.Type() == periodType {
		if n.Kind != yaml.ScalarNode || isNull(n) {
			return w.fail(n, key, "expected calendar_year, rolling or a duration such as 365d, got %s", describe(n))
		}
		pp, err := ParsePeriod(n.Value)
		if err != nil {
			return w.fail(n, key, "%s", err.Error())
		}
		v.Set(reflect.ValueOf(pp))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		return w.section(n, v, key)
	case reflect.Map:
		return w.named(n, v, key)
	case reflect.Slice:
		return w.list(n, v, key)
	}
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return w.fail(n, key, "expected a %s, got %s", kindName(v.Kind()), describe(n))
	}
	tag := n.ShortTag()
	switch v.Kind() {
	case reflect.String:
		if tag != "!!str" {
			return w.fail(n, key, "expected a string, got %s (quote it)", describe(n))
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if tag != "!!bool" || n.Decode(&b) != nil {
			return w.fail(n, key, "invalid boolean %q (write true or false)", n.Value)
		}
		v.SetBool(b)
	case reflect.Int:
		var i int
		if tag != "!!int" || n.Decode(&i) != nil {
			return w.fail(n, key, "invalid integer %q", n.Value)
		}
		v.SetInt(int64(i))
	case reflect.Float64:
		f, ok := parseNumber(n)
		if !ok {
			return w.fail(n, key, "invalid number %q", n.Value)
		}
		v.SetFloat(f)
	default:
		panic("policy: no decoder for " + v.Type().String())
	}
	return nil
}

// parseNumber reads a fraction written as a number (0.5) or a percentage
// (50%).
func parseNumber(n *yaml.Node) (float64, bool) {
	switch n.ShortTag() {
	case "!!int", "!!float":
		var f float64
		return f, n.Decode(&f) == nil
	case "!!str":
		pct, ok := strings.CutSuffix(n.Value, "%")
		if !ok {
			return 0, false
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return f / 100, true
	}
	return 0, false
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	}
	return "string"
}

// pairs walks the key/value pairs of a mapping node, refusing non-string
// keys, merge keys and duplicates.
func (w *walker) pairs(n *yaml.Node, key string, each func(name, sub string, k, v *yaml.Node) error) error {
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.ShortTag() == "!!merge" {
			return w.fail(k, join(key, k.Value), "merge keys are not supported")
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			return w.fail(k, key, "a key must be a name, got %s", describe(k))
		}
		sub := join(key, k.Value)
		if seen[k.Value] {
			return w.fail(k, sub, "duplicate key")
		}
		seen[k.Value] = true
		if err := each(k.Value, sub, k, v); err != nil {
			return err
		}
	}
	return nil
}

func join(key, name string) string {
	if key == "" {
		return name
	}
	return key + "." + name
}

// section decodes a mapping into a struct, field by yaml tag.
func (w *walker) section(n *yaml.Node, v reflect.Value, key string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return w.fail(n, key, "expected a mapping of keys, got %s", describe(n))
	}
	t := v.Type()
	return w.pairs(n, key, func(name, sub string, k, vn *yaml.Node) error {
		for i := range t.NumField() {
			if tagName(t.Field(i)) == name {
				return w.value(vn, v.Field(i), sub)
			}
		}
		return w.fail(k, sub, "unknown key")
	})
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// named decodes a mapping into a map keyed by name: an entry that exists
// and is a section is merged, a list entry is replaced, and an empty entry
// removes it.
func (w *walker) named(n *yaml.Node, v reflect.Value, key string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return w.fail(n, key, "expected a mapping of names, got %s", describe(n))
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	return w.pairs(n, key, func(name, sub string, _, vn *yaml.Node) error {
		k := reflect.ValueOf(name).Convert(v.Type().Key())
		if isNull(resolve(vn)) {
			v.SetMapIndex(k, reflect.Value{})
			return nil
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if old := v.MapIndex(k); old.IsValid() && elem.Kind() == reflect.Struct {
			elem.Set(old)
		}
		if err := w.value(vn, elem, sub); err != nil {
			return err
		}
		v.SetMapIndex(k, elem)
		return nil
	})
}

// list decodes a sequence into a slice, replacing it.
func (w *walker) list(n *yaml.Node, v reflect.Value, key string) error {
	if n.Kind != yaml.SequenceNode {
		return w.fail(n, key, "expected a list, got %s (write [] for none)", describe(n))
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		if err := w.value(e, s.Index(i), fmt.Sprintf("%s[%d]", key, i)); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// markRemoved adds an empty entry to each rendered named map for every
// entry of the default that p lacks, so that rendering then parsing p
// removes it again instead of merging the default's back.
func markRemoved(n *yaml.Node, p, def *Policy) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	walkRemoved(n, reflect.ValueOf(p).Elem(), reflect.ValueOf(def).Elem())
}

func walkRemoved(n *yaml.Node, v, def reflect.Value) {
	if n.Kind != yaml.MappingNode {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i+1 < len(n.Content); i += 2 {
			for f := range v.NumField() {
				if tagName(v.Type().Field(f)) == n.Content[i].Value {
					walkRemoved(n.Content[i+1], v.Field(f), def.Field(f))
				}
			}
		}
	case reflect.Map:
		for _, k := range sortedKeys(def) {
			if v.MapIndex(k).IsValid() {
				continue
			}
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.String()},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "~",
					LineComment: "removed from the LACRALO default"})
		}
	}
}

func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	return keys
}

// flowScalarLists writes lists of plain values on one line ([7d, 3d, 1d]),
// as the embedded file does, so the rendered policy reads like it.
func flowScalarLists(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
		flow := true
		for _, c := range n.Content {
			flow = flow && c.Kind == yaml.ScalarNode
		}
		if flow {
			n.Style = yaml.FlowStyle
		}
	}
	for _, c := range n.Content {
		flowScalarLists(c)
	}
}
