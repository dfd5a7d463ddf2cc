package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadValueNamesLine checks that a value out of range in a config file
// is reported with the file, the line and what is allowed, and that a flag
// overriding the key is not blamed on the file.
func TestBadValueNamesLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		toml string
		line int
		want string
	}{
		{"population_size = -3\n", 1, "population_size = -3, want >= 2"},
		{"seed = 2\n\n[mutate]\ndropin_rate = 1.5\n", 4, "dropin_rate = 1.5, want a probability in [0, 1]"},
		{"[species]\nthreshold = 3\n[reproduction]\nelitism = -1\n", 4, "reproduction.elitism = -1, want >= 0"},
		{"[training]\n  steps = -1\n", 2, "training.steps = -1, want >= 0"},
	}
	for i, tt := range tests {
		file := filepath.Join(t.TempDir(), "c.toml")
		if err := os.WriteFile(file, []byte(tt.toml), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := call(t, runCmd, "--task", "xor", "--config", file, "--quiet", "--out", filepath.Join(t.TempDir(), fmt.Sprint(i)))
		if want := fmt.Sprintf("%s:%d: ", file, tt.line); code != exitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, tt.want) {
			t.Errorf("config %q: exit %d, stderr %q; want 2, %q and %q", tt.toml, code, stderr, want, tt.want)
		}
	}
	file := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(file, []byte("population_size = 10\n"), 0o644)
	code, _, stderr := call(t, runCmd, "--task", "xor", "--config", file, "--population", "1", "--quiet", "--out", filepath.Join(t.TempDir(), "f"))
	if code != exitUsage || strings.Contains(stderr, file+":") || !strings.Contains(stderr, "population_size = 1") {
		t.Errorf("--population 1 over a file: exit %d, stderr %q; want 2 without blaming the file", code, stderr)
	}
}
