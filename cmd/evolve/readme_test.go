package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEConfigReference keeps the configuration reference in the
// README equal to what evolve config prints.
func TestREADMEConfigReference(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- evolve config: begin -->\n```toml\n", "```\n<!-- evolve config: end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no configuration reference between %q and %q", begin, end)
	}
	code, stdout, stderr := call(t, configCmd)
	if code != exitOK {
		t.Fatalf("evolve config: exit %d: %s", code, stderr)
	}
	if got := s[i+len(begin) : j]; got != stdout {
		t.Errorf("README.md's configuration reference differs from evolve config's output; paste the new output between the markers")
	}
}
