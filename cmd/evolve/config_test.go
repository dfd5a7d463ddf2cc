package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// writeFile writes content to name in a new temporary directory and returns
// its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range tasks.Names() {
		code, stdout, stderr := call(t, configCmd, "--task", name)
		if code != exitOK {
			t.Fatalf("config --task %s: exit status %d: %s", name, code, stderr)
		}
		task, err := tasks.New(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := population.DefaultConfig()
		want.ApplyTask(task.Info())
		var got population.Config
		if err := config.Decode([]byte(stdout), "stdout", &got); err != nil {
			t.Fatalf("config --task %s: output does not decode: %v\n%s", name, err, stdout)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("config --task %s decodes to\n%+v\nwant\n%+v", name, got, want)
		}
		if !strings.Contains(stdout, "# probability of a dropin") {
			t.Errorf("config --task %s: output lacks the keys' comments:\n%s", name, stdout)
		}
	}
}

func TestConfigMisspelledKey(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "bad.toml", "task = \"xor\"\n\n[mutate]\ndropin_rat = 0.5\n")
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := call(t, runCmd, "--config", path, "--out", out)
	if code != exitUsage {
		t.Errorf("run with a misspelled key: exit status %d, want %d", code, exitUsage)
	}
	for _, want := range []string{path + ":4:", `"mutate.dropin_rat"`, "allowed in [mutate]", "dropin_rate"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("run with a misspelled key: stderr %q, want it to contain %q", stderr, want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("run with a misspelled key created %s", out)
	}

	path = writeFile(t, "bad.toml", "seed = 2\npopulaton_size = 10\n")
	code, _, stderr = call(t, trialsCmd, "--task", "xor", "--config", path)
	if code != exitUsage || !strings.Contains(stderr, path+":2:") || !strings.Contains(stderr, `"populaton_size"`) ||
		!strings.Contains(stderr, "allowed in the top level") {
		t.Errorf("trials with a misspelled key: exit status %d, stderr %q", code, stderr)
	}
}

func TestConfigBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		content string
		want    []string
	}{
		{"task = \"xor\"\n[mutate]\nhidden_activation = \"swish\"\n", []string{":3:", "mutate.hidden_activation", `"swish"`, "allowed: sigmoid"}},
		{"task = \"xor\"\nseed = \"one\"\n", []string{":2:", "seed: want an integer 0 to 9223372036854775807 (seeds are stored as TOML integers), not a TOML string"}},
		{"task = \"xor\"\nseed = -1\n", []string{"c.toml:2:8: seed = -1: want 0 to 9223372036854775807 (seeds are stored as TOML integers)"}},
		{"task = \"xor\"\nseed = 9223372036854775808 # too large\n", []string{"c.toml:2:8: seed = 9223372036854775808: want 0 to 9223372036854775807 (seeds are stored as TOML integers)"}},
		{"task = \"xor\"\npopulation_size = 1.5\n", []string{":2:", "population_size: want an integer, not a TOML float"}},
		{"task = \"xor\"\n[mutate]\nactivations = \"tanh\"\n", []string{":3:", "mutate.activations: want an array, not a TOML string"}},
		// A named choice given as a number is refused, not taken as an index.
		{"task = \"xor\"\nstrategy = 3\n", []string{"c.toml:2: strategy = 3: want a name, in quotes", "allowed: auto, plastic, neat, backprop, cbp"}},
		{"task = \"xor\"\n[mutate]\nactivations = [\"tanh\", 1]\n", []string{"c.toml:3: mutate.activations = 1: want a name", "allowed: sigmoid"}},
		{"task = \"xor\"\n[mutate\n", []string{":2:"}},
		{"task = \"nope\"\n", []string{`unknown task "nope"`, "allowed: " + strings.Join(tasks.Names(), ", ")}},
		{"task = \"xor\"\npopulation_size = 1\n", []string{"population_size = 1", "want 2 to 1000000"}},
		{"task = \"xor\"\npopulation_size = 2000000000\n", []string{"population_size = 2000000000", "want 2 to 1000000"}},
		{"task = \"xor\"\nworkers = 100000000\n", []string{"workers = 100000000", "want 0 to 4096"}},
		{"task = \"xor\"\n[mutate]\ndropin_rate = 1.5\n", []string{"dropin_rate = 1.5"}},
		{"task = \"xor\"\ngenerations = 99999999999999999999\n", []string{":2:", "generations:", "want a number in the key's range"}},
		{"task = xor\n", []string{":1:", `a string is quoted: key = "value"`}},
	}
	for _, tt := range tests {
		path := writeFile(t, "c.toml", tt.content)
		code, _, stderr := call(t, runCmd, "--config", path, "--out", filepath.Join(t.TempDir(), "run"))
		if code != exitUsage {
			t.Errorf("config %q: exit status %d, want %d", tt.content, code, exitUsage)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("config %q: stderr %q, want it to contain %q", tt.content, stderr, w)
			}
		}
	}
	code, _, stderr := call(t, runCmd, "--task", "xor", "--config", filepath.Join(t.TempDir(), "missing.toml"))
	if code != exitUsage || !strings.Contains(stderr, "missing.toml") {
		t.Errorf("missing config: exit status %d, stderr %q", code, stderr)
	}
}

// TestConfigAsLibrary checks that evolve run refuses a bad config file
// with the very message config.Decode gives a program that uses the
// library: a number for a named setting, which go-toml alone would take
// as an index, and an unknown key.
func TestConfigAsLibrary(t *testing.T) {
	t.Parallel()
	for _, content := range []string{
		"task = \"xor\"\nstrategy = 3\n",
		"task = \"xor\"\n[genome]\noutput_activation = 3\n",
		"task = \"xor\"\n[mutate]\ndropin_rat = 0.5\n",
	} {
		path := writeFile(t, "c.toml", content)
		cfg := population.DefaultConfig()
		lib := config.Decode([]byte(content), path, &cfg)
		code, _, stderr := call(t, runCmd, "--config", path, "--out", filepath.Join(t.TempDir(), "run"))
		if lib == nil || code != exitUsage || stderr != "evolve run: "+lib.Error()+"\n" {
			t.Errorf("config %q: exit status %d, stderr %q; want %d and config.Decode's %v", content, code, stderr, exitUsage, lib)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "c.toml", `task = "xor"
seed = 7
population_size = 40
generations = 3
stop_on_solve = false

[mutate]
activations = ["tanh", "relu"]
`)
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := call(t, runCmd, "--config", path, "--seed", "9", "--quiet", "--out", dir)
	if code != exitOK {
		t.Fatalf("run --config: exit status %d: %s", code, stderr)
	}
	got := readConfig(t, dir)
	want := population.DefaultConfig()
	task, err := tasks.New("xor", 9)
	if err != nil {
		t.Fatal(err)
	}
	want.ApplyTask(task.Info())
	want.Seed = 9 // the flag wins over the file
	want.PopulationSize = 40
	want.Generations = 3
	want.StopOnSolve = false
	want.Mutate.Activations = []network.Activation{network.Tanh, network.ReLU}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resolved config:\n got %+v\nwant %+v", got, want)
	}
	s := readJSON(t, filepath.Join(dir, summaryFile))
	if s["seed"] != 9.0 || s["generations"] != 3.0 {
		t.Errorf("summary %v, want seed 9 and 3 generations", s)
	}

	// The run directory's config.toml reproduces the run.
	again := filepath.Join(t.TempDir(), "again")
	code, _, stderr = call(t, runCmd, "--config", filepath.Join(dir, configFile), "--quiet", "--out", again)
	if code != exitOK {
		t.Fatalf("run --config config.toml: exit status %d: %s", code, stderr)
	}
	for _, name := range []string{configFile, bestFile} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if string(a) != string(b) {
			t.Errorf("%s differs when the run is repeated from its config.toml", name)
		}
	}
}

// TestNewTaskUnknown checks that a task name no command line checked (one
// read from a checkpoint) is refused with every allowed name, streams
// included.
func TestNewTaskUnknown(t *testing.T) {
	cfg := population.DefaultConfig()
	cfg.Task = "nope"
	_, err := newTask(cfg)
	if err == nil || !strings.Contains(err.Error(), `unknown task "nope" (allowed: `+allowedTasks()+")") || !strings.Contains(err.Error(), "permuted-mnist") {
		t.Errorf("newTask(%q) = %v; want the unknown task and every allowed name", cfg.Task, err)
	}
}

// TestPhaseMismatch checks the warning run gives when a continual run's
// length is not its phases times their generations, and that no stream's
// defaults draw it.
func TestPhaseMismatch(t *testing.T) {
	for _, name := range tasks.StreamNames() {
		info, ok := tasks.StreamInfo(name)
		if !ok {
			t.Fatalf("no stream %q", name)
		}
		cfg := population.DefaultConfig()
		cfg.ApplyTask(info)
		if w := phaseMismatch(cfg); w != "" {
			t.Errorf("%s defaults: %s", name, w)
		}
	}
	cfg := population.DefaultConfig()
	cfg.Task = "bitflip"
	cfg.Continual.Phases, cfg.Continual.GenerationsPerPhase = 4, 2
	for gens, want := range map[int]string{
		8:  "",
		50: "generations = 50, but [continual] has 4 phases of 2 generations (8): the last phase runs 44 generations",
		3:  "generations = 3, but [continual] has 4 phases of 2 generations (8): the run reaches phase 2 of 4",
	} {
		cfg.Generations = gens
		if got := phaseMismatch(cfg); got != want {
			t.Errorf("generations %d: %q; want %q", gens, got, want)
		}
	}
	cfg.Task, cfg.Generations = "xor", 3
	if got := phaseMismatch(cfg); got != "" {
		t.Errorf("xor: %q; want no warning", got)
	}
}

// TestPlasticAsNeat checks the warning run and trials give when strategy
// plastic could do nothing neat would not: nothing fine-tuned (a task
// without training data, or learning none) and the controller off.
// Anywhere plastic trains or the controller acts, there is none.
func TestPlasticAsNeat(t *testing.T) {
	for _, tt := range []struct {
		task     string
		strategy population.Strategy
		control  bool
		warn     bool
		none     bool // training.learning = none
	}{
		{"cartpole", population.Plastic, false, true, false},
		{"double-pole-nv", population.Plastic, false, true, false},
		{"cartpole", population.Plastic, true, false, false},
		{"cartpole", population.NEAT, false, false, false},
		{"spiral", population.Plastic, false, false, false},
		{"bitflip", population.Plastic, false, false, false},
		{"cartpole-drift", population.Plastic, false, true, false},
		{"cartpole-drift", population.Plastic, true, false, false},
		{"spiral", population.Plastic, false, true, true},
		{"spiral", population.Plastic, true, false, true},
		{"bitflip", population.Plastic, false, true, true},
	} {
		cfg := population.DefaultConfig()
		cfg.Task, cfg.Strategy, cfg.Control.Enabled = tt.task, tt.strategy, tt.control
		if tt.none {
			cfg.Training.Learning = evaluate.None
		}
		cfg.Continual = tasks.StreamDefaults(tt.task)
		task, err := newTask(cfg)
		if err != nil {
			t.Fatal(err)
		}
		w := plasticAsNeat(cfg, task)
		if (w != "") != tt.warn || tt.warn && !strings.Contains(w, "as neat") {
			t.Errorf("%s, strategy %v, control %v: warning %q; want one: %v", tt.task, tt.strategy, tt.control, w, tt.warn)
		}
	}
}
