package enum

import "testing"

type color uint8

var colors = Names{Pkg: "paint", Noun: "color", Type: "color", List: []string{"red", "green"}}

func TestEnum(t *testing.T) {
	for i, name := range colors.List {
		c := color(i)
		if got := String(c, &colors); got != name {
			t.Errorf("String(%d) = %q; want %q", i, got, name)
		}
		b, err := Marshal(c, &colors)
		if err != nil || string(b) != name {
			t.Errorf("Marshal(%d) = %q, %v; want %q", i, b, err, name)
		}
		if v, err := Parse[color](name, &colors); err != nil || v != c {
			t.Errorf("Parse(%q) = %d, %v; want %d", name, v, err, c)
		}
	}
	if got := String(color(7), &colors); got != "color(7)" {
		t.Errorf("String(7) = %q; want color(7)", got)
	}
	if _, err := Marshal(color(2), &colors); err == nil || err.Error() != "paint: invalid color 2" {
		t.Errorf("Marshal(2) error = %v; want paint: invalid color 2", err)
	}
	if _, err := Parse[color]("blue", &colors); err == nil || err.Error() != `paint: unknown color "blue" (allowed: red, green)` {
		t.Errorf("Parse(blue) error = %v", err)
	}
}
