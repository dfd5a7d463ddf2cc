// Package enum gives the small named enumerations of the configuration and
// the file formats (activations, strategies, node kinds, ...) their text
// form: a name for each value, and errors that name the bad value and
// what is allowed.
package enum

import (
	"fmt"
	"strings"
)

// Names describes an enumeration whose values are 0, 1, ..., len(List)-1.
type Names struct {
	Pkg  string   // the package, which prefixes errors: "population"
	Noun string   // what a value is, in errors: "strategy"
	Type string   // the Go type, for values out of range: "Strategy"
	List []string // the name of each value, in order
}

// String returns v's name, or Type(v) for a value out of range.
func String[T ~uint8](v T, n *Names) string {
	if int(v) < len(n.List) {
		return n.List[v]
	}
	return fmt.Sprintf("%s(%d)", n.Type, uint8(v))
}

// Marshal returns v's name for encoding.TextMarshaler, or an error for a
// value out of range.
func Marshal[T ~uint8](v T, n *Names) ([]byte, error) {
	if int(v) >= len(n.List) {
		return nil, fmt.Errorf("%s: invalid %s %d", n.Pkg, n.Noun, uint8(v))
	}
	return []byte(n.List[v]), nil
}

// Parse returns the value named s, or an error that names s and the
// allowed names.
func Parse[T ~uint8](s string, n *Names) (T, error) {
	for i, name := range n.List {
		if name == s {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%s: unknown %s %q (allowed: %s)", n.Pkg, n.Noun, s, strings.Join(n.List, ", "))
}
