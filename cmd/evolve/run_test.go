package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// readJSON decodes the JSON object in the named file, without the given
// keys.
func readJSON(t *testing.T, path string, drop ...string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decodeObject(t, b, drop...)
}

func decodeObject(t *testing.T, b []byte, drop ...string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	for _, k := range drop {
		if _, ok := m[k]; !ok {
			t.Fatalf("%q has no key %q", b, k)
		}
		delete(m, k)
	}
	return m
}

// readStats decodes stats.jsonl in dir, without the timing fields.
func readStats(t *testing.T, dir string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, statsFile))
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for line := range bytes.Lines(b) {
		lines = append(lines, decodeObject(t, line, "seconds", "evals_per_sec"))
	}
	return lines
}

// readConfig decodes a run directory's config.toml.
func readConfig(t *testing.T, dir string) population.Config {
	t.Helper()
	path := filepath.Join(dir, configFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg population.Config
	if err := config.Decode(b, path, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestRunDeterministicAcrossWorkers(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dirs := map[string]string{"1": filepath.Join(base, "w1"), "4": filepath.Join(base, "w4")}
	for workers, dir := range dirs {
		code, _, stderr := call(t, runCmd, "--task", "xor", "--seed", "3", "--generations", "60",
			"--stop-on-solve=false", "--quiet", "--workers", workers, "--out", dir)
		if code != exitOK {
			t.Fatalf("run --workers %s: exit status %d: %s", workers, code, stderr)
		}
	}
	w1, w4 := dirs["1"], dirs["4"]

	b1, err := os.ReadFile(filepath.Join(w1, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	b4, err := os.ReadFile(filepath.Join(w4, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b4) {
		t.Errorf("best.json differs between --workers 1 and 4:\n%s\n---\n%s", b1, b4)
	}

	s1 := readJSON(t, filepath.Join(w1, summaryFile), "wall_seconds")
	s4 := readJSON(t, filepath.Join(w4, summaryFile), "wall_seconds")
	if !reflect.DeepEqual(s1, s4) {
		t.Errorf("summary.json differs between --workers 1 and 4:\n%v\n%v", s1, s4)
	}
	if s1["generations"] != 60.0 {
		t.Errorf("summary generations = %v, want 60", s1["generations"])
	}

	l1, l4 := readStats(t, w1), readStats(t, w4)
	if len(l1) != 60 {
		t.Errorf("stats.jsonl has %d lines, want 60", len(l1))
	}
	if !reflect.DeepEqual(l1, l4) {
		t.Errorf("stats.jsonl differs between --workers 1 and 4")
	}

	c1, c4 := readConfig(t, w1), readConfig(t, w4)
	if c1.Workers != 1 || c4.Workers != 4 {
		t.Errorf("config.toml workers = %d and %d, want 1 and 4", c1.Workers, c4.Workers)
	}
	c1.Workers, c4.Workers = 0, 0
	if !reflect.DeepEqual(c1, c4) {
		t.Errorf("config.toml differs beyond workers:\n%+v\n%+v", c1, c4)
	}
}

// readSummary reads and decodes the summary.json of the run in dir.
func readSummary(t *testing.T, dir string) (summary, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", summaryFile, err)
	}
	return s, b
}

func TestRunSolvesXOR(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := call(t, runCmd, "--task", "xor", "--seed", "1", "--out", dir)
	if code != exitOK {
		t.Fatalf("run --task xor --seed 1: exit status %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "gen    0") {
		t.Errorf("progress lines missing from stderr: %q", stderr)
	}
	if !strings.Contains(stdout, "solved in generation") {
		t.Errorf("stdout = %q, want the outcome", stdout)
	}
	s, b := readSummary(t, dir)
	if !s.Solved {
		t.Fatalf("summary.json: solved = false, want true:\n%s", b)
	}
	if !bytes.Contains(b, []byte(`"solved": true`)) {
		t.Errorf("summary.json lacks \"solved\": true:\n%s", b)
	}
	if s.Task != "xor" || s.Seed != 1 || s.Strategy != "neat" {
		t.Errorf("summary.json: task %q, seed %d, strategy %q; want xor, 1, neat", s.Task, s.Seed, s.Strategy)
	}
	if s.SolvedGeneration < 0 || s.Generations != s.SolvedGeneration+1 {
		t.Errorf("summary.json: solved_generation %d, generations %d; want generations = solved_generation+1 with stop_on_solve",
			s.SolvedGeneration, s.Generations)
	}
	if want := s.Generations * 150; s.Evaluations != want {
		t.Errorf("summary.json: evaluations %d, want %d", s.Evaluations, want)
	}
	if s.Connections < 1 {
		t.Errorf("summary.json: connections %d, want >= 1", s.Connections)
	}

	var best genome.Genome
	b, err := os.ReadFile(filepath.Join(dir, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &best); err != nil {
		t.Fatal(err)
	}
	if best.ID != s.BestGenomeID || best.Fitness != s.BestFitness {
		t.Errorf("best.json: genome %d with fitness %v; summary says %d with %v", best.ID, best.Fitness, s.BestGenomeID, s.BestFitness)
	}
	if err := genome.Validate(&best, true); err != nil {
		t.Errorf("best.json: %v", err)
	}
	if lines := readStats(t, dir); len(lines) != s.Generations {
		t.Errorf("stats.jsonl has %d lines, want %d", len(lines), s.Generations)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{bestFile, checkpointsDir, configFile, statsFile, summaryFile}; !reflect.DeepEqual(names, want) {
		t.Errorf("run directory holds %q, want %q (no temporary files left)", names, want)
	}
	ckpts, err := checkpoints.List(filepath.Join(dir, checkpointsDir))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, checkpointsDir, checkpoints.Name(s.Generations-1)); len(ckpts) == 0 || ckpts[0] != want {
		t.Errorf("checkpoints %q, want the newest to be %s, the end of the run", ckpts, want)
	}

	// A second run into the same directory is refused.
	code, _, stderr = call(t, runCmd, "--task", "xor", "--out", dir)
	if code != exitUsage || !strings.Contains(stderr, "already holds a run") {
		t.Errorf("second run into %s: exit status %d, stderr %q; want 2 and \"already holds a run\"", dir, code, stderr)
	}
}

// TestRunPoleSummary checks that a pole run's outcome names the genome
// that passed the champion test, with its size and test scores, rather
// than the fittest genome: in seed 1 of double-pole-nv, where the champion
// test rotates over the species, they differ.
func TestRunPoleSummary(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := call(t, runCmd, "--task", "double-pole-nv", "--seed", "1", "--quiet", "--out", dir)
	if code != exitOK {
		t.Fatalf("run --task double-pole-nv --seed 1: exit status %d: %s", code, stderr)
	}
	s, b := readSummary(t, dir)
	if !s.Solved || s.SolverGenomeID == nil || s.StepsBalanced == nil || s.Generalization == nil || s.GeneralizationStarts == nil {
		t.Fatalf("summary.json lacks the solver or its champion test:\n%s", b)
	}
	st, err := checkpoints.Read(filepath.Join(dir, checkpointsDir, checkpoints.Name(s.Generations-1)))
	if err != nil {
		t.Fatal(err)
	}
	solver := st.Solver
	if solver == nil || solver.ID != *s.SolverGenomeID {
		t.Fatalf("summary.json: solver_genome_id %d; the last checkpoint's solver is %v", *s.SolverGenomeID, solver)
	}
	if solver.ID == s.BestGenomeID {
		t.Errorf("solver and best genome are both %d; this seed was chosen because they differ", solver.ID)
	}
	if s.HiddenNeurons != solver.HiddenCount() || s.Connections != solver.EnabledCount() {
		t.Errorf("summary.json: %d hidden neurons, %d connections; the solver has %d, %d",
			s.HiddenNeurons, s.Connections, solver.HiddenCount(), solver.EnabledCount())
	}
	if *s.StepsBalanced != 100_000 || *s.GeneralizationStarts != 625 || *s.Generalization < 200 || *s.Generalization > 625 {
		t.Errorf("summary.json: steps_balanced %d, generalization %d of %d; want 100000 and 200-625 of 625",
			*s.StepsBalanced, *s.Generalization, *s.GeneralizationStarts)
	}
	want := fmt.Sprintf("solved in generation %d after %d evaluations by genome %d: %d hidden neurons",
		s.SolvedGeneration, s.Evaluations, solver.ID, solver.HiddenCount())
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, fmt.Sprintf("generalization %d of 625", *s.Generalization)) {
		t.Errorf("stdout = %q, want %q and the generalization", stdout, want)
	}
}

func TestRunUnknownTask(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := call(t, runCmd, "--task", "nope", "--out", dir)
	if code != exitUsage {
		t.Errorf("run --task nope: exit status %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr, `"nope"`) || !strings.Contains(stderr, "allowed: "+strings.Join(tasks.Names(), ", ")) {
		t.Errorf("run --task nope: stderr %q, want the task and the allowed list", stderr)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("run --task nope created %s", dir)
	}
}

// TestTrialsInterrupted checks that trials stopped by a signal exit with
// the signal's status, as run does, and say so.
func TestTrialsInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(interruption{syscall.SIGINT})
	var stdout, stderr bytes.Buffer
	code := trialsCmd(ctx, []string{"--task", "xor", "--runs", "3", "--quiet"}, &stdout, &stderr)
	if code != 130 || !strings.Contains(stderr.String(), "stopped by SIGINT") || stdout.Len() != 0 {
		t.Errorf("trials cancelled by SIGINT: exit status %d, stdout %q, stderr %q; want 130, nothing on stdout, and \"stopped by SIGINT\"", code, stdout.String(), stderr.String())
	}
}

func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cause error
		code  int
		says  string
	}{
		{interruption{syscall.SIGINT}, 130, "stopped by SIGINT"},
		{interruption{syscall.SIGTERM}, 143, "stopped by SIGTERM"},
		{nil, exitFailure, "stopped by cancellation"},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "run")
		ctx, cancel := context.WithCancelCause(t.Context())
		cancel(tt.cause)
		var stdout, stderr bytes.Buffer
		code := runCmd(ctx, []string{"--task", "xor", "--quiet", "--out", dir}, &stdout, &stderr)
		if code != tt.code {
			t.Errorf("run cancelled by %v: exit status %d, want %d", tt.cause, code, tt.code)
		}
		if !strings.Contains(stderr.String(), tt.says) || !strings.Contains(stderr.String(), "evolve resume "+dir) {
			t.Errorf("run cancelled by %v: stderr %q, want %q and how to resume", tt.cause, stderr.String(), tt.says)
		}
		s := readJSON(t, filepath.Join(dir, summaryFile))
		if s["interrupted"] != true || s["best_genome_id"] != -1.0 || s["generations"] != 0.0 {
			t.Errorf("cancelled run: summary %v, want interrupted, best_genome_id -1, generations 0", s)
		}
		// The final checkpoint holds the unevaluated first generation.
		st, err := checkpoints.Read(filepath.Join(dir, checkpointsDir, checkpoints.Name(0)))
		if err != nil {
			t.Fatalf("cancelled run: %v", err)
		}
		if st.Evaluated || len(st.History) != 0 {
			t.Errorf("cancelled run: checkpoint evaluated %v with %d generations of history, want the unevaluated generation 0", st.Evaluated, len(st.History))
		}
	}
}

func TestRunOutIsAFile(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "file", "not a directory\n")
	code, _, stderr := call(t, runCmd, "--task", "xor", "--quiet", "--out", path)
	if code != exitUsage || !strings.Contains(stderr, "--out "+path) {
		t.Errorf("run --out FILE: exit status %d, stderr %q; want 2 and a message naming --out", code, stderr)
	}
}

// TestRunStrategyAndTestAccuracy checks --strategy and --learning and the
// supervised fields of summary.json.
func TestRunStrategyAndTestAccuracy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args     []string
		strategy string
	}{
		{nil, "plastic"},
		{[]string{"--strategy", "neat"}, "neat"},
		{[]string{"--learning", "baldwinian"}, "plastic"},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		args := append([]string{"--task", "gaussian", "--generations", "2", "--population", "20", "--quiet", "--out", dir}, tt.args...)
		if code, _, stderr := call(t, runCmd, args...); code != exitOK {
			t.Fatalf("run %v: exit status %d: %s", args, code, stderr)
		}
		s := readJSON(t, filepath.Join(dir, summaryFile))
		acc, ok := s["test_accuracy"].(float64)
		if s["strategy"] != tt.strategy || !ok || acc < 0 || acc > 1 {
			t.Errorf("run %v: summary strategy %v, test_accuracy %v; want %s and an accuracy", tt.args, s["strategy"], s["test_accuracy"], tt.strategy)
		}
		if _, ok := s["test_loss"]; ok {
			t.Errorf("run %v: summary has test_loss for a classification task", tt.args)
		}
	}
	for _, bad := range [][]string{{"--strategy", "lamarck"}, {"--learning", "darwin"}} {
		args := append([]string{"--task", "gaussian", "--quiet", "--out", filepath.Join(t.TempDir(), "x")}, bad...)
		code, _, stderr := call(t, runCmd, args...)
		if code != exitUsage || !strings.Contains(stderr, bad[1]) || !strings.Contains(stderr, "allowed") {
			t.Errorf("run %v: exit %d, %q; want 2 naming the value and what is allowed", bad, code, stderr)
		}
	}
}

// TestCheckpointPruningFails checks that a checkpoint written when old
// ones could not be removed (checkpoints.Save returns its path with the
// error; here a Save that reports such a failure on every checkpoint from
// generation 2 on, since as root no file can be made undeletable) counts
// as written: the run goes on to its end with status 0, warning once per
// distinct problem, and its final checkpoint is recorded.
func TestCheckpointPruningFails(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	cfg := population.DefaultConfig()
	cfg.Task, cfg.Seed, cfg.PopulationSize, cfg.Generations = "xor", 3, 20, 6
	cfg.StopOnSolve, cfg.CheckpointEvery, cfg.KeepCheckpoints = false, 1, 2
	task, err := newTask(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ApplyTask(task.Info())
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := createRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ck := newCheckpointer(p, dir)
	stuck := filepath.Join(dir, checkpointsDir, checkpoints.Name(0))
	ck.write = func(d string, s *population.State, keep int) (string, error) {
		path, err := checkpoints.Save(d, s, keep)
		if err == nil && s.Generation >= 2 {
			problem := "operation not permitted"
			if s.Generation >= 4 {
				problem = "read-only file system"
			}
			err = fmt.Errorf("checkpoints: pruning: remove %s: %s", stuck, problem)
		}
		return path, err
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), "run", p, rd, ck, true, &stdout, &stderr)
	if err := rd.close(); err != nil {
		t.Fatal(err)
	}
	if code != exitOK || !strings.Contains(stdout.String(), "run directory: "+dir) {
		t.Fatalf("run with old checkpoints that cannot be removed: exit status %d, stdout %q, stderr %q; want 0 and the run to its end", code, stdout.String(), stderr.String())
	}
	got := stderr.String()
	for _, problem := range []string{"operation not permitted", "read-only file system"} {
		if n := strings.Count(got, "warning: wrote checkpoint "); n != 2 || strings.Count(got, "remove "+stuck+": "+problem+"; the run goes on") != 1 {
			t.Errorf("stderr %q; want two warnings, one naming %q once", got, problem)
		}
	}
	if strings.Contains(got, "writing the checkpoint") {
		t.Errorf("stderr %q; want no failure to write a checkpoint", got)
	}
	if s := readJSON(t, filepath.Join(dir, summaryFile)); s["generations"] != 6.0 {
		t.Errorf("summary generations %v; want 6", s["generations"])
	}
	if want := filepath.Join(dir, checkpointsDir, checkpoints.Name(p.Generation())); ck.path != want || ck.hist != 6 {
		t.Errorf("recorded checkpoint %s with %d generations of history; want %s with 6", ck.path, ck.hist, want)
	}
}
