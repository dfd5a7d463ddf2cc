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
	data := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(data, []byte("a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		task string
		toml string
		line int
		want string
	}{
		{"xor", "population_size = -3\n", 1, "population_size = -3, want 2 to 1000000"},
		{"xor", "seed = 2\n\n[mutate]\ndropin_rate = 1.5\n", 4, "dropin_rate = 1.5, want a probability in [0, 1]"},
		{"xor", "[species]\nthreshold = 3\n[reproduction]\nelitism = -1\n", 4, "reproduction.elitism = -1, want >= 0"},
		{"xor", "[training]\n  steps = -1\n", 2, "training.steps = -1, want >= 0"},
		{"spiral", "[training]\nadam_beta1 = 1\n", 2, "training.adam_beta1 = 1, want a number in [0, 1)"},
		// The tasks' own sections: a stream's, cartpole-drift's (an
		// element of a list, and an empty list) and a CSV task's.
		{"cartpole-drift", "[drift]\nsteps = 5\n\n[continual]\nphases = 0\n", 5, "continual.phases = 0, want >= 1"},
		{"cartpole-drift", "[drift]\npoles = 1\nmasses = [0.1, -1]\n", 3, "drift.masses[1] = -1, want a mass in (0, 10] kilograms"},
		{"cartpole-drift", "[drift]\nhalf_lengths = []\n", 2, "drift.half_lengths = [], want at least one half-length"},
		{"xor", "[mutate]\nactivation_rate = 0.5\nactivations = []\n", 3, "activations = [] with activation_rate = 0.5, want at least one activation to choose from"},
		{"csv:" + data, "[data]\ntarget = \"class\"\ntest_fraction = 2.0\n", 3, "data.test_fraction = 2, want a fraction in (0, 1)"},
	}
	for i, tt := range tests {
		file := filepath.Join(t.TempDir(), "c.toml")
		if err := os.WriteFile(file, []byte(tt.toml), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := call(t, runCmd, "--task", tt.task, "--config", file, "--quiet", "--out", filepath.Join(t.TempDir(), fmt.Sprint(i)))
		if want := fmt.Sprintf("%s:%d: ", file, tt.line); code != exitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, tt.want) {
			t.Errorf("config %q: exit %d, stderr %q; want 2, %q and %q", tt.toml, code, stderr, want, tt.want)
		}
	}
	file := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(file, []byte("population_size = 10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := call(t, runCmd, "--task", "xor", "--config", file, "--population", "1", "--quiet", "--out", filepath.Join(t.TempDir(), "f"))
	if code != exitUsage || strings.Contains(stderr, file+":") || !strings.Contains(stderr, "population_size = 1") {
		t.Errorf("--population 1 over a file: exit %d, stderr %q; want 2 without blaming the file", code, stderr)
	}
}
