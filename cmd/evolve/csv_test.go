package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/population"
)

// blobsCSV writes 200 rows of two noisy Gaussian blobs, labelled "yes"
// around (2, 2) and "no" around (-2, -2) with standard deviation 1.5 (as
// the gaussian task's), into dir and returns the file's path.
func blobsCSV(t *testing.T, dir string, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed))
	var b strings.Builder
	b.WriteString("x,y,label\n")
	for i := range 200 {
		c, label := 2.0, "yes"
		if i%2 == 1 {
			c, label = -2, "no"
		}
		fmt.Fprintf(&b, "%.4f,%.4f,%s\n", c+1.5*rng.NormFloat64(), c+1.5*rng.NormFloat64(), label)
	}
	path := filepath.Join(dir, "blobs.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunCSV evolves networks on a CSV file of the user's own and checks
// the run directory and that it learns the data.
func TestRunCSV(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := blobsCSV(t, dir, 1)
	out := filepath.Join(dir, "run")
	args := []string{"--task", "csv:" + data, "--generations", "15", "--population", "40", "--quiet", "--out", out}
	code, stdout, stderr := call(t, runCmd, args...)
	if code != exitOK {
		t.Fatalf("run %q: exit status %d: %s", args, code, stderr)
	}
	if !strings.Contains(stdout, "run directory: "+out) {
		t.Errorf("run %q: stdout %q; want the run directory", args, stdout)
	}
	s := readJSON(t, filepath.Join(out, summaryFile))
	acc, ok := s["test_accuracy"].(float64)
	if s["task"] != "csv:"+data || s["strategy"] != "plastic" || !ok || acc < 0.9 {
		t.Errorf("summary task %v, strategy %v, test_accuracy %v; want csv:%s, plastic and >= 0.9", s["task"], s["strategy"], s["test_accuracy"], data)
	}
	cfg := readConfig(t, out)
	if cfg.Task != "csv:"+data || cfg.Data.Target != "auto" || cfg.Data.TestFraction != 0.25 || cfg.Genome.OutputAct.String() != "sigmoid" {
		t.Errorf("config.toml: task %q, data %+v, output activation %v; want csv:%s, auto, 0.25, sigmoid", cfg.Task, cfg.Data, cfg.Genome.OutputAct, data)
	}

	// The run resumes from its checkpoint, rebuilding the task from the
	// file and config.toml's [data].
	code, _, stderr = call(t, resumeCmd, out, "--generations", "16", "--quiet")
	if code != exitOK {
		t.Fatalf("resume %s: exit status %d: %s", out, code, stderr)
	}
	if s := readJSON(t, filepath.Join(out, summaryFile)); s["generations"] != 16.0 {
		t.Errorf("resumed run: %v generations; want 16", s["generations"])
	}
	// Without the file it cannot, and says why.
	moved := filepath.Join(dir, "moved.csv")
	if err := os.Rename(data, moved); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = call(t, resumeCmd, out, "--generations", "17", "--quiet")
	if code != exitUsage || !strings.Contains(stderr, data+": no such file or directory") || strings.Contains(stderr, "damaged") {
		t.Errorf("resume without the data: exit status %d, stderr %q; want 2 and the missing file", code, stderr)
	}
}

// TestRunCSVConfig checks the [data] section: a file's settings choose
// the target's kind and the split.
func TestRunCSVConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "levels.csv")
	text := "x,level\n"
	for i := range 40 {
		text += fmt.Sprintf("%d,%d\n", i, i%4)
	}
	if err := os.WriteFile(data, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "number.toml")
	if err := os.WriteFile(conf, []byte("[data]\ntarget = \"number\"\ntest_fraction = 0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	args := []string{"--task", "csv:" + data, "--config", conf, "--generations", "1", "--population", "10", "--quiet", "--out", out}
	if code, _, stderr := call(t, runCmd, args...); code != exitOK {
		t.Fatalf("run %q: exit status %d: %s", args, code, stderr)
	}
	// Regression: an identity output, and a test loss, not an accuracy.
	cfg := readConfig(t, out)
	if cfg.Data.Target != "number" || cfg.Data.TestFraction != 0.5 || cfg.Genome.OutputAct.String() != "identity" {
		t.Errorf("config.toml: data %+v, output activation %v; want number, 0.5, identity", cfg.Data, cfg.Genome.OutputAct)
	}
	s := readJSON(t, filepath.Join(out, summaryFile))
	if _, ok := s["test_loss"].(float64); !ok || s["test_accuracy"] != nil {
		t.Errorf("summary test_loss %v, test_accuracy %v; want a test loss only", s["test_loss"], s["test_accuracy"])
	}

	// Without the file, the integers 0 to 3 are classes.
	code, stdout, stderr := call(t, configCmd, "--task", "csv:"+data)
	if code != exitOK || !strings.Contains(stdout, "task = 'csv:"+data+"'") || !strings.Contains(stdout, "[data]") ||
		!strings.Contains(stdout, "output_activation = 'identity'") {
		t.Errorf("config --task csv:FILE: exit status %d, stdout %q, stderr %q; want the task, [data] and 4 identity outputs", code, stdout, stderr)
	}

	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[data]\ntest_fraction = 1.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = call(t, runCmd, "--task", "csv:"+data, "--config", bad, "--quiet", "--out", filepath.Join(dir, "bad"))
	if code != exitUsage || !strings.Contains(stderr, "data.test_fraction = 1.5") {
		t.Errorf("run with test_fraction 1.5: exit status %d, stderr %q; want 2 naming data.test_fraction", code, stderr)
	}
}

// TestRunCSVErrors checks that bad data stop a run before it starts, with
// exit status 2 and a message that says where the problem is.
func TestRunCSVErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	abc := write("abc.csv", "x1,x2,label\n1,2,a\n3,4,b\n5,abc,a\n")
	short := write("short.csv", "x1,x2,label\n1,2,a\n3,b\n")
	one := write("one.csv", "x1,x2,label\n1,2,a\n3,4,a\n")
	for _, tt := range []struct {
		task, want string
	}{
		{"csv:" + abc, "evolve run: tasks: " + abc + `:4: column 2 ("x2"): "abc" is not a number`},
		{"csv:" + short, "evolve run: tasks: " + short + ":3: 2 fields; the header has 3"},
		{"csv:" + one, "evolve run: tasks: " + one + `: the target column "label" has only one class, "a"; classification needs at least 2`},
		{"csv:" + filepath.Join(dir, "nope.csv"), "evolve run: tasks: " + filepath.Join(dir, "nope.csv") + ": no such file or directory"},
		{"csv:", `evolve run: tasks: task "csv:": want csv:FILE or csv:TRAIN,TEST`},
	} {
		out := filepath.Join(dir, "run")
		code, _, stderr := call(t, runCmd, "--task", tt.task, "--quiet", "--out", out)
		if code != exitUsage || strings.TrimSpace(stderr) != tt.want {
			t.Errorf("run --task %s: exit status %d, stderr %q; want 2 and %q", tt.task, code, stderr, tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("run --task %s created %s", tt.task, out)
		}
	}
	// Two classes in the file, one in the training split.
	two := write("two.csv", "x1,x2,label\n1,2,a\n3,4,b\n")
	code, _, stderr := call(t, runCmd, "--task", "csv:"+two, "--seed", "7", "--quiet", "--out", filepath.Join(dir, "run"))
	if want := "evolve run: tasks: " + two + `: the training split (1 row) has only one class, "a", and the test split (1 row) "b"; classification needs at least 2 in training`; code != exitUsage || !strings.HasPrefix(stderr, want) {
		t.Errorf("run --task csv:two.csv: exit status %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	code, _, stderr = call(t, trialsCmd, "--task", "csv:"+abc, "--runs", "1")
	if code != exitUsage || !strings.Contains(stderr, `"abc" is not a number`) {
		t.Errorf("trials --task csv:abc.csv: exit status %d, stderr %q; want 2 and the bad cell", code, stderr)
	}
}

func TestTaskDirName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ task, want string }{
		{"xor", "xor"},
		{"csv:data/iris.csv", "csv-iris"},
		{"csv:/tmp/a/train.data.csv,/tmp/a/test.csv", "csv-train.data"},
		{"csv:plain", "csv-plain"},
	} {
		if got := taskDirName(tt.task); got != tt.want {
			t.Errorf("taskDirName(%q) = %q; want %q", tt.task, got, tt.want)
		}
	}
	code, stdout, _ := call(t, tasksCmd)
	if code != exitOK || !strings.Contains(stdout, "csv:FILE") {
		t.Errorf("evolve tasks: exit status %d, stdout %q; want a line for csv:FILE", code, stdout)
	}
}

// TestResumeCSVFromElsewhere starts a run on a CSV file named relative to
// the working directory and resumes it from another: the run records the
// file's absolute path. A run that recorded a relative path (as runs did
// before) still resumes from the directory it was started in, and from
// elsewhere the message says so. It changes the working directory, so it
// does not run in parallel.
func TestResumeCSVFromElsewhere(t *testing.T) {
	base := t.TempDir()
	data := filepath.Join(base, "csvdir")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	file := blobsCSV(t, data, 1)
	t.Chdir(data)
	mustCall(t, runCmd, "--task", "csv:blobs.csv", "--data-dir", "mnist", "--generations", "2", "--population", "20", "--quiet", "--out", "cr")
	if cfg := readConfig(t, "cr"); cfg.Task != "csv:"+file || cfg.DataDir != filepath.Join(data, "mnist") {
		t.Errorf("config.toml: task %q, data_dir %q; want csv:%s and %s", cfg.Task, cfg.DataDir, file, filepath.Join(data, "mnist"))
	}
	t.Chdir(base)
	mustCall(t, resumeCmd, filepath.Join("csvdir", "cr"), "--generations", "3", "--quiet")
	if s := readJSON(t, filepath.Join(data, "cr", summaryFile)); s["generations"] != 3.0 || s["task"] != "csv:"+file {
		t.Errorf("resumed from %s: summary generations %v, task %v; want 3 and csv:%s", base, s["generations"], s["task"], file)
	}

	// A run directory that names the file relative to where it started.
	t.Chdir(data)
	old := filepath.Join(data, "old")
	cfg := population.DefaultConfig()
	cfg.Task, cfg.Generations, cfg.PopulationSize = "csv:blobs.csv", 3, 20
	task, err := newTask(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ApplyTask(task.Info())
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoints.Save(filepath.Join(old, checkpointsDir), p.State(), 3); err != nil {
		t.Fatal(err)
	}
	b, err := config.Encode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, configFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(base)
	code, _, stderr := call(t, resumeCmd, old, "--quiet")
	if code != exitUsage || !strings.Contains(stderr, "blobs.csv: no such file or directory") || !strings.Contains(stderr, "relative to the directory it was started in") {
		t.Errorf("resume of a run naming its file relatively, from elsewhere: exit status %d, stderr %q; want 2 and where to resume it from", code, stderr)
	}
	t.Chdir(data)
	mustCall(t, resumeCmd, old, "--quiet")
}
