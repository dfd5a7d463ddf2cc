package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/population"
)

// sameRun reports, as test errors, how the run directory got differs from
// want beyond the timing fields: best.json must be byte-identical,
// summary.json equal but for wall_seconds, stats.jsonl equal but for
// seconds and evals_per_sec.
func sameRun(t *testing.T, want, got string) {
	t.Helper()
	bw, err := os.ReadFile(filepath.Join(want, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	bg, err := os.ReadFile(filepath.Join(got, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bw, bg) {
		t.Errorf("%s differs from %s", filepath.Join(got, bestFile), filepath.Join(want, bestFile))
	}
	sw := readJSON(t, filepath.Join(want, summaryFile), "wall_seconds")
	sg := readJSON(t, filepath.Join(got, summaryFile), "wall_seconds")
	if !reflect.DeepEqual(sw, sg) {
		t.Errorf("%s differs from %s:\n got %v\nwant %v", filepath.Join(got, summaryFile), filepath.Join(want, summaryFile), sg, sw)
	}
	lw, lg := readStats(t, want), readStats(t, got)
	if len(lw) != len(lg) {
		t.Errorf("%s has %d lines, want %d", filepath.Join(got, statsFile), len(lg), len(lw))
	}
	for i := range min(len(lw), len(lg)) {
		if !reflect.DeepEqual(lw[i], lg[i]) {
			t.Errorf("%s line %d differs:\n got %v\nwant %v", filepath.Join(got, statsFile), i+1, lg[i], lw[i])
			break
		}
	}
}

// commandFunc is the type of a subcommand's implementation.
type commandFunc = func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// mustCall runs cmd in-process and fails the test unless it exits with
// status 0.
func mustCall(t *testing.T, cmd commandFunc, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := call(t, cmd, args...)
	if code != exitOK {
		t.Fatalf("evolve %q: exit status %d: %s", args, code, stderr)
	}
	return stdout, stderr
}

// runArgs are the flags of the runs the resume tests compare.
var runArgs = []string{"--task", "xor", "--seed", "3", "--stop-on-solve=false", "--quiet"}

func TestResumeExact(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := func(name string) string { return filepath.Join(base, name) }
	run := func(name string, args ...string) {
		mustCall(t, runCmd, append(append([]string{"--out", dir(name)}, runArgs...), args...)...)
	}
	run("whole", "--generations", "40", "--checkpoint-every", "5")

	// Run 20 generations, then resume to 40, with the same or other workers.
	run("half", "--generations", "20", "--checkpoint-every", "5")
	if _, stderr := mustCall(t, resumeCmd, dir("half"), "--generations", "40", "--quiet"); stderr != "" {
		t.Errorf("resume --generations 40 --quiet: stderr %q; want nothing", stderr)
	}
	sameRun(t, dir("whole"), dir("half"))

	run("workers", "--generations", "20", "--checkpoint-every", "5", "--workers", "1")
	if _, stderr := mustCall(t, resumeCmd, dir("workers"), "--generations", "40", "--workers", "3", "--quiet"); stderr != "" {
		t.Errorf("resume --generations 40 --workers 3 --quiet: stderr %q; want nothing", stderr)
	}
	sameRun(t, dir("whole"), dir("workers"))
	if cfg := readConfig(t, dir("workers")); cfg.Workers != 3 || cfg.Generations != 40 {
		t.Errorf("config.toml after resume --workers 3 --generations 40: workers %d, generations %d", cfg.Workers, cfg.Generations)
	}

	// Taking checkpoints does not change the run.
	run("every1", "--generations", "40", "--checkpoint-every", "1", "--keep", "2")
	run("every0", "--generations", "40", "--checkpoint-every", "0")
	sameRun(t, dir("whole"), dir("every1"))
	sameRun(t, dir("whole"), dir("every0"))
	for name, want := range map[string][]string{
		"whole":  {"gen-000039.ckpt", "gen-000034.ckpt", "gen-000029.ckpt"},
		"every1": {"gen-000039.ckpt", "gen-000038.ckpt"},
		"every0": {"gen-000039.ckpt"},
	} {
		if got := listCheckpoints(t, dir(name)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s holds checkpoints %q, want %q", name, got, want)
		}
	}

	// A run at its limit resumes to the same outputs, at once.
	before, err := os.ReadFile(filepath.Join(dir("whole"), statsFile))
	if err != nil {
		t.Fatal(err)
	}
	mustCall(t, resumeCmd, dir("whole"), "--quiet")
	after, err := os.ReadFile(filepath.Join(dir("whole"), statsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("resuming a finished run changed %s", statsFile)
	}
	sameRun(t, dir("every0"), dir("whole"))
}

// listCheckpoints returns the names of the checkpoints in the run
// directory dir, newest first.
func listCheckpoints(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := checkpoints.List(filepath.Join(dir, checkpointsDir))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// TestResumeDropsLaterLines checks that lines stats.jsonl got after the
// checkpoint (from a run killed before its next checkpoint) are dropped,
// and that a solved run with stop_on_solve resumes to the same end.
func TestResumeDropsLaterLines(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	whole, cut := filepath.Join(base, "whole"), filepath.Join(base, "cut")
	args := []string{"--task", "xor", "--seed", "1", "--quiet", "--checkpoint-every", "4"}
	mustCall(t, runCmd, append(args, "--out", whole)...)
	mustCall(t, runCmd, append(args, "--out", cut)...)
	// Remove the final checkpoint and append a partial line, as if the run
	// had been killed while writing a generation after its last periodic
	// checkpoint.
	names := listCheckpoints(t, cut)
	if len(names) < 2 {
		t.Fatalf("checkpoints %q: want at least 2", names)
	}
	if err := os.Remove(filepath.Join(cut, checkpointsDir, names[0])); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(cut, statsFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"generation":99,"best_fit`); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cut, summaryFile)); err != nil {
		t.Fatal(err)
	}
	mustCall(t, resumeCmd, cut, "--quiet")
	sameRun(t, whole, cut)
}

func TestResumeDamagedNewest(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	whole, dir := filepath.Join(base, "whole"), filepath.Join(base, "damaged")
	mustCall(t, runCmd, append([]string{"--out", whole, "--generations", "30"}, runArgs...)...)
	mustCall(t, runCmd, append([]string{"--out", dir, "--generations", "20", "--checkpoint-every", "5"}, runArgs...)...)
	newest := filepath.Join(dir, checkpointsDir, checkpoints.Name(19))
	b, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(newest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := mustCall(t, resumeCmd, dir, "--generations", "30", "--quiet")
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, newest) || !strings.Contains(stderr, "checksum") {
		t.Errorf("resume past a damaged checkpoint: stderr %q, want a warning naming %s and the problem", stderr, newest)
	}
	sameRun(t, whole, dir)
	// The new checkpoint of generation 19 took the damaged file's name;
	// the damaged file was moved aside, not written over, and resume said
	// where it went.
	if _, err := checkpoints.Read(newest); err != nil {
		t.Errorf("after resume: %v", err)
	}
	if kept, err := os.ReadFile(newest + ".kept"); err != nil || !bytes.Equal(kept, b) {
		t.Errorf("after resume, %s.kept: %v; want the damaged file", newest, err)
	}
	if want := "it is kept as " + newest + ".kept; the run goes on"; !strings.Contains(stderr, want) {
		t.Errorf("resume past a damaged checkpoint: stderr %q, want %q", stderr, want)
	}
}

func TestResumeRefuses(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	done := filepath.Join(base, "done")
	mustCall(t, runCmd, append([]string{"--out", done, "--generations", "6", "--checkpoint-every", "3", "--keep", "2"}, runArgs...)...)

	empty := filepath.Join(base, "empty")
	if err := os.MkdirAll(filepath.Join(empty, checkpointsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	noCkpt := filepath.Join(base, "nockpt")
	if err := os.MkdirAll(noCkpt, 0o755); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(base, "damaged")
	if err := os.CopyFS(damaged, os.DirFS(done)); err != nil {
		t.Fatal(err)
	}
	for _, name := range listCheckpoints(t, damaged) {
		if err := os.WriteFile(filepath.Join(damaged, checkpointsDir, name), []byte("not a checkpoint"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{"want one run directory"}},
		{[]string{filepath.Join(base, "missing")}, []string{filepath.Join(base, "missing"), "not a run directory"}},
		{[]string{noCkpt}, []string{noCkpt, "no checkpoint to resume from"}},
		{[]string{empty}, []string{empty, "no checkpoint to resume from"}},
		{[]string{damaged}, []string{"warning", checkpoints.Name(5), checkpoints.Name(2), "no valid checkpoint", "all 2"}},
		{[]string{done, "--generations", "4"}, []string{"--generations 4", "evaluated 6 generations already", "want >= 6"}},
		{[]string{done, "--generations", "0"}, []string{"--generations 0: want >= 1"}},
		{[]string{done, "--workers", "-1"}, []string{"--workers -1"}},
		{[]string{done, done}, []string{"want one run directory, got 2"}},
	}
	for _, tt := range tests {
		code, _, stderr := call(t, resumeCmd, tt.args...)
		if code != exitUsage {
			t.Errorf("resume %q: exit status %d, want %d (stderr %q)", tt.args, code, exitUsage, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("resume %q: stderr %q, want it to contain %q", tt.args, stderr, w)
			}
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("resume %q: stderr holds a stack trace: %q", tt.args, stderr)
		}
	}
}

// TestResumeBeforeFirstCheckpoint checks the advice resume gives for a run
// stopped before its first checkpoint (killed, so it left config.toml,
// stats.jsonl and best.json but no checkpoint or summary): it names the
// directory and a command that repeats the run elsewhere, and that command
// works; the directory is left as it was.
func TestResumeBeforeFirstCheckpoint(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	whole, killed := filepath.Join(base, "whole"), filepath.Join(base, "killed")
	args := append([]string{"--generations", "4", "--checkpoint-every", "0"}, runArgs...)
	mustCall(t, runCmd, append(args, "--out", whole)...)
	mustCall(t, runCmd, append(args, "--out", killed)...)
	for _, name := range []string{checkpointsDir, summaryFile} {
		if err := os.RemoveAll(filepath.Join(killed, name)); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, killed)
	config := filepath.Join(killed, configFile)
	code, _, stderr := call(t, resumeCmd, killed, "--quiet")
	want := "evolve run --config " + config + " --out NEWDIR repeats it, or remove " + killed + " first"
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("resume of a run without checkpoints: exit status %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if after := snapshot(t, killed); !maps.Equal(after, before) {
		t.Errorf("resume of a run without checkpoints changed it")
	}
	again := filepath.Join(base, "again")
	mustCall(t, runCmd, "--config", config, "--out", again, "--quiet")
	sameRun(t, whole, again)
}

// TestResumeRefusesForeignCheckpoint copies the newest checkpoint of a run
// with another seed into a run directory: resume must refuse it, exit 2,
// and leave every file as it was, rather than rewrite the run as the other
// one and let checkpoint retention delete the run's own checkpoints.
func TestResumeRefusesForeignCheckpoint(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir, other := filepath.Join(base, "run"), filepath.Join(base, "other")
	mustCall(t, runCmd, "--task", "xor", "--seed", "3", "--quiet", "--stop-on-solve=false", "--generations", "6", "--checkpoint-every", "3", "--out", dir)
	mustCall(t, runCmd, "--task", "xor", "--seed", "99", "--quiet", "--stop-on-solve=false", "--generations", "9", "--checkpoint-every", "3", "--out", other)
	foreign := filepath.Join(dir, checkpointsDir, checkpoints.Name(8))
	b, err := os.ReadFile(filepath.Join(other, checkpointsDir, checkpoints.Name(8)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(foreign, b, 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir, "--generations", "20", "--quiet")
	if code != exitUsage || !strings.Contains(stderr, foreign) || !strings.Contains(stderr, "seed 99") || !strings.Contains(stderr, "seed 3") {
		t.Errorf("resume with another run's checkpoint: exit status %d, stderr %q; want 2 naming the file and both seeds", code, stderr)
	}
	if after := snapshot(t, dir); !maps.Equal(after, before) {
		t.Errorf("resume with another run's checkpoint changed the run directory")
	}

	// With config.toml not decoding there is nothing to compare: the run's
	// own checkpoint resumes, and config.toml is written anew from it.
	if err := os.Remove(foreign); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, configFile), []byte("garbage ="), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCall(t, resumeCmd, dir, "--generations", "8", "--quiet")
	var cfg population.Config
	if b, err := os.ReadFile(filepath.Join(dir, configFile)); err != nil || config.Decode(b, configFile, &cfg) != nil || cfg.Seed != 3 {
		t.Errorf("after resuming past a damaged config.toml: %v, seed %d; want config.toml rewritten with seed 3", err, cfg.Seed)
	}
}

// TestResumeEditedConfig edits a run's config.toml before resuming it:
// resume goes on with the checkpoint's configuration, as it must to
// continue the run exactly, but warns naming each edited key and the
// flags that can change a run on resume. An edited seed is refused with a
// message that names both possible causes.
func TestResumeEditedConfig(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir, whole := filepath.Join(base, "run"), filepath.Join(base, "whole")
	mustCall(t, runCmd, append([]string{"--out", dir, "--generations", "6", "--checkpoint-every", "3"}, runArgs...)...)
	mustCall(t, runCmd, append([]string{"--out", whole, "--generations", "8", "--checkpoint-every", "3"}, runArgs...)...)
	config := filepath.Join(dir, configFile)
	original, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string) {
		t.Helper()
		b := strings.Replace(string(original), from, to, 1)
		if b == string(original) {
			t.Fatalf("config.toml lacks %q", from)
		}
		if err := os.WriteFile(config, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	edit("seed = 3\n", "seed = 4\n")
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir, "--generations", "8", "--quiet")
	for _, want := range []string{"disagree", "seed 3", "seed 4", "config.toml was edited", "put back task \"xor\" and seed 3", "from another run"} {
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("resume with seed edited in config.toml: exit status %d, stderr %q; want 2 and %q", code, stderr, want)
		}
	}
	if after := snapshot(t, dir); !maps.Equal(after, before) {
		t.Errorf("refused resume changed the run directory")
	}

	edit("population_size = 150\n", "population_size = 99\n")
	b, _ := os.ReadFile(config)
	b = []byte(strings.Replace(string(b), "weight_power = 5.0\n", "weight_power = 2.0\n", 1))
	if err := os.WriteFile(config, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr = mustCall(t, resumeCmd, dir, "--generations", "8", "--quiet")
	kept := filepath.Join(dir, editedConfigFile)
	for _, want := range []string{"warning: " + config + " differs from checkpoint", "population_size = 99 (the checkpoint has 150), ",
		"mutate.weight_power = 2.0 (the checkpoint has 5.0)", "The checkpoint's configuration wins", "only --generations and --workers",
		"The edited file is kept as " + kept + ": evolve run --config " + kept + " --out NEWDIR"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("resume with config.toml edited: stderr %q; want %q", stderr, want)
		}
	}
	if strings.Contains(stderr, "generations =") {
		t.Errorf("resume --generations 8 with config.toml's generations 6: stderr %q; want no warning about generations, which the flag sets", stderr)
	}
	sameRun(t, whole, dir)
	if cfg := readConfig(t, dir); cfg.PopulationSize != 150 || cfg.Mutate.WeightPower != 5 {
		t.Errorf("config.toml after resume: population_size %d, weight_power %v; want the checkpoint's 150 and 5", cfg.PopulationSize, cfg.Mutate.WeightPower)
	}
	if got, err := os.ReadFile(kept); err != nil || !bytes.Equal(got, b) {
		t.Errorf("%s after resume: %v; want the edited config.toml", kept, err)
	}
	// Resuming again, with config.toml as the checkpoint's: no warning.
	if _, stderr := mustCall(t, resumeCmd, dir, "--generations", "8", "--quiet"); stderr != "" {
		t.Errorf("resume with config.toml unedited: stderr %q; want nothing", stderr)
	}
}

// TestResumeUndecodableConfig edits a run's config.toml so that it no
// longer decodes (an edited value and a misspelt key): resume goes on with
// the checkpoint's configuration, but keeps the file as config.edited.toml
// and warns naming the problem's line and that the task and seed went
// unchecked. A config.toml that cannot be read at all (here a directory)
// is refused, changing nothing, since no copy of it could be kept.
func TestResumeUndecodableConfig(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	mustCall(t, runCmd, "--task", "xor", "--generations", "3", "--population", "20", "--quiet", "--out", dir)
	config := filepath.Join(dir, configFile)
	original, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(original), "population_size = 20\n", "population_size = 50\nmy_typo_key = 1\n", 1)
	if edited == string(original) {
		t.Fatal("config.toml lacks population_size = 20")
	}
	line := strings.Count(edited[:strings.Index(edited, "my_typo_key")], "\n") + 1
	if err := os.WriteFile(config, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := mustCall(t, resumeCmd, dir, "--generations", "5", "--quiet")
	kept := filepath.Join(dir, editedConfigFile)
	for _, want := range []string{"warning: " + config + " does not decode", "task and seed cannot be checked", "The checkpoint's configuration is used",
		"kept as " + kept, fmt.Sprintf("%s:%d: unknown key \"my_typo_key\"", config, line)} {
		if !strings.Contains(stderr, want) {
			t.Errorf("resume with config.toml not decoding: stderr %q; want %q", stderr, want)
		}
	}
	if b, err := os.ReadFile(kept); err != nil || string(b) != edited {
		t.Errorf("%s after resume: %q, %v; want the config.toml that did not decode", kept, b, err)
	}
	if cfg := readConfig(t, dir); cfg.PopulationSize != 20 || cfg.Generations != 5 {
		t.Errorf("config.toml after resume: population_size %d, generations %d; want the checkpoint's 20 and the flag's 5", cfg.PopulationSize, cfg.Generations)
	}

	if err := os.Remove(config); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(config, 0o755); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir, "--generations", "6", "--quiet")
	if code != exitUsage || !strings.Contains(stderr, config) || !strings.Contains(stderr, "nothing was changed") {
		t.Errorf("resume with config.toml unreadable: exit status %d, stderr %q; want 2, naming it, and that nothing was changed", code, stderr)
	}
	if after := snapshot(t, dir); !maps.Equal(after, before) {
		t.Errorf("refused resume changed the run directory")
	}
}

// snapshot returns the content of every file under dir by relative path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestResumeUnrestorableNewest checks that a newest checkpoint that reads
// but cannot be restored (here: one genome short of the population) is
// reported and skipped like a damaged one.
func TestResumeUnrestorableNewest(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	whole, dir := filepath.Join(base, "whole"), filepath.Join(base, "odd")
	mustCall(t, runCmd, append([]string{"--out", whole, "--generations", "30"}, runArgs...)...)
	mustCall(t, runCmd, append([]string{"--out", dir, "--generations", "20", "--checkpoint-every", "5"}, runArgs...)...)
	newest := filepath.Join(dir, checkpointsDir, checkpoints.Name(19))
	s, err := checkpoints.Read(newest)
	if err != nil {
		t.Fatal(err)
	}
	s.Genomes = s.Genomes[1:]
	if err := checkpoints.Write(newest, s); err != nil {
		t.Fatal(err)
	}
	odd, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	_, stderr := mustCall(t, resumeCmd, dir, "--generations", "30", "--quiet")
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, newest) || !strings.Contains(stderr, "cannot be restored") {
		t.Errorf("resume past an unrestorable checkpoint: stderr %q, want a warning naming %s", stderr, newest)
	}
	sameRun(t, whole, dir)
	// The resumed run wrote its own generation 19 in its place; the file
	// that could not be restored is kept beside it, not written over.
	if kept, err := os.ReadFile(newest + ".kept"); err != nil || !bytes.Equal(kept, odd) {
		t.Errorf("%s.kept: %v, equal to the unrestorable file: %v; want it kept as it was", newest, err, bytes.Equal(kept, odd))
	}
	if !strings.Contains(stderr, newest+".kept") {
		t.Errorf("resume stderr %q does not say where the unrestorable checkpoint is kept", stderr)
	}
}

// TestResumeAcrossPhases runs continual tasks (bitflip, and cartpole-drift
// under plastic with its controller; phases of 3 generations) straight and
// in two parts split inside a phase, resuming across the phase
// boundaries: the runs must end identically, the continual report (R,
// ACC, BWT, FWT and the phases, timings aside) included.
func TestResumeAcrossPhases(t *testing.T) {
	t.Parallel()
	t.Run("bitflip", func(t *testing.T) {
		t.Parallel()
		resumeAcrossPhases(t, "bitflip", "population_size = 30\n[continual]\nphases = 4\ngenerations_per_phase = 3\ntrain_per_phase = 300\n[training]\nsteps = 40\n")
	})
	t.Run("cartpole-drift", func(t *testing.T) {
		t.Parallel()
		resumeAcrossPhases(t, "cartpole-drift", "strategy = \"plastic\"\npopulation_size = 60\n[continual]\nphases = 4\ngenerations_per_phase = 3\n[drift]\nsteps = 500\n")
	})
}

// resumeAcrossPhases checks that a run of a continual task cut at
// generation 5 and resumed to 12 (phases of 3 generations) ends as the
// uninterrupted run does, continual.json included.
func resumeAcrossPhases(t *testing.T, task, config string) {
	base := t.TempDir()
	whole, cut := filepath.Join(base, "whole"), filepath.Join(base, "cut")
	cfg := filepath.Join(base, "c.toml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--task", task, "--config", cfg, "--seed", "2", "--quiet", "--checkpoint-every", "2"}
	mustCall(t, runCmd, append(args, "--out", whole, "--generations", "12")...)
	mustCall(t, runCmd, append(args, "--out", cut, "--generations", "5")...)
	mustCall(t, resumeCmd, cut, "--generations", "12", "--workers", "1", "--quiet")
	sameRun(t, whole, cut)
	read := func(dir string) map[string]any {
		r := readJSON(t, filepath.Join(dir, continualFile))
		for _, p := range r["phases"].([]any) {
			delete(p.(map[string]any), "wall_seconds")
		}
		return r
	}
	rw, rc := read(whole), read(cut)
	if !reflect.DeepEqual(rw, rc) {
		t.Errorf("continual.json after resuming across phases differs:\n got %v\nwant %v", rc, rw)
	}
	if n := len(rw["R"].([]any)); n != 4 {
		t.Errorf("continual.json has %d rows of R; want 4 phases", n)
	}
	// Resuming a run already at its end rewrites its outputs,
	// continual.json among them.
	if err := os.WriteFile(filepath.Join(cut, continualFile), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCall(t, resumeCmd, cut, "--quiet")
	if again := read(cut); !reflect.DeepEqual(again, rw) {
		t.Errorf("continual.json after resuming a finished run:\n got %v\nwant %v", again, rw)
	}
}

// TestResumeDoublePoleNV cuts a double-pole-nv run, whose champion test
// rotates over the species, at generation 5 and resumes it to 12: the
// species' tested flags travel in the checkpoint, so it ends as the
// uninterrupted run does.
func TestResumeDoublePoleNV(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	whole, cut := filepath.Join(base, "whole"), filepath.Join(base, "cut")
	args := []string{"--task", "double-pole-nv", "--population", "150", "--seed", "2", "--stop-on-solve=false", "--quiet", "--checkpoint-every", "2"}
	mustCall(t, runCmd, append(args, "--out", whole, "--generations", "12")...)
	mustCall(t, runCmd, append(args, "--out", cut, "--generations", "5")...)
	mustCall(t, resumeCmd, cut, "--generations", "12", "--workers", "1", "--quiet")
	sameRun(t, whole, cut)
	if cfg := readConfig(t, whole); cfg.ChampionTest != population.SpeciesChampion {
		t.Errorf("double-pole-nv ran with champion_test %v; want species", cfg.ChampionTest)
	}
}

// TestStartAgainNeverRemovesHere checks that the advice for a run stopped
// before its first checkpoint never tells the user to remove the working
// directory or one above it, which "remove . first" did.
func TestStartAgainNeverRemovesHere(t *testing.T) {
	for _, dir := range []string{".", "./", "..", "/"} {
		if got := startAgain(dir); strings.Contains(got, "remove") {
			t.Errorf("startAgain(%q) = %q; want no advice to remove it", dir, got)
		}
	}
	if got := startAgain(filepath.Join(t.TempDir(), "run")); !strings.Contains(got, "remove") {
		t.Errorf("startAgain of a run directory = %q; want the advice to remove it", got)
	}
}

// TestEditsIgnoreResumeFlags checks that a config.toml whose generations
// and workers differ from the checkpoint's, as a resume given --generations
// and killed before its first checkpoint leaves it, does not count as
// edited, while another key does.
func TestEditsIgnoreResumeFlags(t *testing.T) {
	cfg := population.DefaultConfig()
	recorded := cfg
	recorded.Generations, recorded.Workers = 200, 3
	if got := edits(recorded, cfg); got != "" {
		t.Errorf("edits with only generations and workers changed = %q; want none", got)
	}
	recorded.Mutate.Dropin = 0.5
	if got := edits(recorded, cfg); !strings.Contains(got, "mutate.dropin_rate = 0.5") {
		t.Errorf("edits with dropin_rate changed = %q; want it named", got)
	}
}

// TestFreeName checks that a second edited config.toml kept on resume
// does not write over the first.
func TestFreeName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, editedConfigFile)
	for _, want := range []string{"config.edited.toml", "config.edited-2.toml", "config.edited-3.toml"} {
		got, err := freeName(path)
		if err != nil || filepath.Base(got) != want {
			t.Fatalf("freeName = %s, %v; want %s", filepath.Base(got), err, want)
		}
		if err := os.WriteFile(got, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A name whose freedom cannot be told is an error, not an endless loop:
	// one under a regular file (ENOTDIR) and one too long (ENAMETOOLONG).
	under := filepath.Join(dir, "config.edited.toml", editedConfigFile)
	long := filepath.Join(dir, strings.Repeat("x", 300)+".toml")
	for _, path := range []string{under, long} {
		done := make(chan error, 1)
		go func() {
			_, err := freeName(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("freeName(%s) = %v; want an error naming it", path, err)
			}
		case <-time.After(2 * time.Second):
			t.Errorf("freeName(%s) has not returned after 2s", path)
		}
	}
}

// TestResumeNoRestorable checks the refusal when no checkpoint restores and
// some of them read intact: it says so, rather than calling them all
// damaged, and changes nothing.
func TestResumeNoRestorable(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "odd")
	mustCall(t, runCmd, append([]string{"--out", dir, "--generations", "10", "--checkpoint-every", "5"}, runArgs...)...)
	files, err := checkpoints.List(filepath.Join(dir, checkpointsDir))
	if err != nil || len(files) == 0 {
		t.Fatalf("checkpoints %v: %v", files, err)
	}
	for _, f := range files {
		s, err := checkpoints.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		s.Genomes = s.Genomes[1:]
		if err := checkpoints.Write(f, s); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir, "--generations", "20")
	if code != exitUsage || !strings.Contains(stderr, "read intact but cannot be restored") || strings.Contains(stderr, "are damaged") {
		t.Errorf("resume with no restorable checkpoint: exit status %d, stderr %q; want 2 and that they cannot be restored", code, stderr)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("the refused resume changed the run directory")
	}
}

// TestResumeSolvedNote checks that resuming a run that stopped on solving
// its task says why nothing more is evaluated, whatever --generations asks.
func TestResumeSolvedNote(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "solved")
	mustCall(t, runCmd, "--task", "xor", "--seed", "1", "--quiet", "--out", dir)
	_, stderr := mustCall(t, resumeCmd, dir, "--generations", "300", "--quiet")
	if !strings.Contains(stderr, "was solved in generation 17") || !strings.Contains(stderr, "no generation is left to evaluate") {
		t.Errorf("resume of a solved run: stderr %q; want a note that it was solved and nothing is left", stderr)
	}
	dir = filepath.Join(t.TempDir(), "unsolved")
	mustCall(t, runCmd, append([]string{"--out", dir, "--generations", "3"}, runArgs...)...)
	if _, stderr := mustCall(t, resumeCmd, dir, "--generations", "4", "--quiet"); strings.Contains(stderr, "solved") {
		t.Errorf("resume of a run that does not stop on solve: stderr %q; want no note", stderr)
	}
}
