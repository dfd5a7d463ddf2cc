package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// defaultOut returns the run directory used when --out is not given:
// runs/TASK-seedN under the working directory, or, when that holds a run
// already, the first of runs/TASK-seedN-2, -3, ... that does not, so that
// repeating a command never touches an earlier run.
func defaultOut(cfg population.Config) string {
	base := filepath.Join("runs", fmt.Sprintf("%s-seed%d", taskDirName(cfg.Task), cfg.Seed))
	dir := base
	for k := 2; holdsRun(dir); k++ {
		dir = fmt.Sprintf("%s-%d", base, k)
	}
	return dir
}

// maxClaims bounds the names createFreeRunDir tries.
const maxClaims = 100

// createFreeRunDir creates the run directory named by next, which returns
// the first name that holds no run, as defaultOut does, and returns it
// with its name. Another evolve run started at the same moment may claim
// that name between next's check and the creation; then next is asked
// again, for the name after it, up to maxClaims times in all.
func createFreeRunDir(next func() string) (*runDir, string, error) {
	var dir string
	var err error
	for range maxClaims {
		dir = next()
		var rd *runDir
		rd, err = createRunDir(dir)
		if !errors.Is(err, errRunExists) && !errors.Is(err, fs.ErrExist) {
			return rd, dir, err
		}
	}
	return nil, dir, err
}

// runCmd implements "evolve run": it evolves a population on a task and
// writes the run directory.
func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "--task NAME [--config FILE.toml] [flags]", stderr)
	var s settings
	s.register(fs, "goroutines evaluating genomes; 0 uses GOMAXPROCS; results do not depend on it", true)
	out := fs.String("out", "", "the run `directory` (default runs/TASK-seedN, numbered -2, -3, ... if that holds a run); an explicit DIR must not hold a run already")
	quiet := fs.Bool("quiet", false, "do not print a progress line per generation on stderr")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	if !noPositional("run", positional, stderr) {
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve run: "+format+"\n", a...)
		return code
	}

	cfg, err := resolveConfig(fs, &s)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if err := anchorPaths(&cfg); err != nil {
		return fail(exitUsage, "%v", err)
	}
	if w := phaseMismatch(cfg); w != "" {
		fmt.Fprintf(stderr, "evolve run: warning: %s\n", w)
	}
	task, data, err := newRecordedTask(cfg)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if w := plasticAsNeat(cfg, task); w != "" {
		fmt.Fprintf(stderr, "evolve run: warning: %s\n", w)
	}
	p, err := population.New(cfg, task)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	dir := *out
	var rd *runDir
	if dir == "" {
		rd, dir, err = createFreeRunDir(func() string { return defaultOut(cfg) })
	} else {
		rd, err = createRunDir(dir)
	}
	if errors.Is(err, errRunExists) {
		return fail(exitUsage, "%v", err)
	} else if err != nil {
		return fail(exitUsage, "--out %s: cannot create the run directory: %v", dir, err)
	}
	release, err := lockDir(dir)
	if err != nil {
		// Remove the empty stats.jsonl just created, which would
		// otherwise mark dir as holding a run from now on.
		rd.close()
		os.Remove(filepath.Join(dir, statsFile))
		return fail(exitUsage, "--out %s: %v", dir, err)
	}
	defer release()
	if err := data.write(dir); err != nil {
		rd.close()
		return fail(exitFailure, "%v", err)
	}
	code := run(ctx, "run", p, rd, newCheckpointer(p, dir), *quiet, stdout, stderr)
	if err := rd.close(); err != nil && code == exitOK {
		return fail(exitFailure, "closing %s: %v", statsFile, err)
	}
	return code
}

// resumeCmd implements "evolve resume": it continues the run in a run
// directory from its newest valid checkpoint, exactly as the run would have
// gone on had it not stopped.
func resumeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("resume", "DIR [--generations N] [--workers N] [--quiet]", stderr)
	gens := fs.Int("generations", 0, "evaluate at most `N` generations in all, those before the checkpoint included (default: the run's own)")
	workers := fs.Int("workers", 0, "`N` goroutines evaluating genomes; 0 uses GOMAXPROCS; results do not depend on it (default: the run's own)")
	quiet := fs.Bool("quiet", false, "do not print a progress line per generation on stderr")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve resume: "+format+"\n", a...)
		return code
	}
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	dir, err := checkResumeArgs(positional, set, *gens, *workers)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	// Another process resuming or running here would interleave its
	// writes with ours.
	release, err := lockDir(dir)
	if errors.Is(err, errLocked) {
		return fail(exitUsage, "%s %v; wait for it to end", dir, err)
	} else if err != nil {
		return fail(exitUsage, "%s: cannot lock the run directory: %v", dir, err)
	}
	defer release()
	data, status := checkData(dir, stderr)
	if status != exitOK {
		return status // before anything is changed
	}

	p, file, unrestorable, err := restoreNewest(dir, stderr, resumeAdjust(data, set, *gens, *workers))
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if code, err := reconcileConfig(dir, file, p.Config(), stderr); err != nil {
		return fail(code, "%v", err)
	}
	if err := moveAside(unrestorable, stderr); err != nil {
		return fail(exitFailure, "%v", err)
	}
	ck := newCheckpointer(p, dir)
	ck.saved(file)
	rd, err := resumeRunDir(dir, p.History())
	if err != nil {
		return fail(exitFailure, "rewriting %s: %v", filepath.Join(dir, statsFile), err)
	}
	if !*quiet {
		fmt.Fprintf(stderr, "evolve resume: continuing from %s (%d generations evaluated)\n", file, len(p.History()))
	}
	if note := solvedNote(p); note != "" {
		fmt.Fprintf(stderr, "evolve resume: note: %s\n", note)
	}
	code := run(ctx, "resume", p, rd, ck, *quiet, stdout, stderr)
	if err := rd.close(); err != nil && code == exitOK {
		return fail(exitFailure, "closing %s: %v", statsFile, err)
	}
	return code
}

// checkResumeArgs returns the run directory that resume's one argument
// names, once it has checked that argument and the flags given (set):
// --generations gens of at least 1 and --workers of at least 0.
func checkResumeArgs(positional []string, set map[string]bool, gens, workers int) (string, error) {
	if len(positional) != 1 {
		return "", fmt.Errorf("want one run directory, got %d arguments %q (see evolve resume -h)", len(positional), positional)
	}
	dir := positional[0]
	if set["generations"] && gens < 1 {
		return "", fmt.Errorf("--generations %d: want >= 1", gens)
	}
	if set["workers"] && workers < 0 {
		return "", fmt.Errorf("--workers %d: want >= 0 (0 uses GOMAXPROCS)", workers)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("%s is not a run directory (want the --out directory of evolve run)", dir)
	}
	return dir, nil
}

// resumeAdjust returns the adjust function of restoreNewest for resume:
// it refuses a checkpoint whose data the run's record, data, does not
// cover, and applies the flags given (set), --generations gens, which must
// leave the generations the checkpoint has evaluated, and --workers.
func resumeAdjust(data *dataRecord, set map[string]bool, gens, workers int) func(file string, state *population.State) error {
	return func(file string, state *population.State) error {
		if err := data.covers(state.Config); err != nil {
			return fmt.Errorf("%s: %v; nothing was changed", file, err)
		}
		if set["generations"] {
			if done := len(state.History); gens < done {
				return fmt.Errorf("--generations %d: %s has evaluated %d generations already; want >= %d", gens, file, done, done)
			}
			state.Config.Generations = gens
		}
		if set["workers"] {
			state.Config.Workers = workers
		}
		return nil
	}
}

// moveAside moves aside each of files, the checkpoints that read intact
// but cannot be restored, saying on stderr where each is kept: Save would
// take a newer one that reads, of this run's task and seed, for the run's
// own, and write over it when the resumed run reaches its generation.
func moveAside(files []string, stderr io.Writer) error {
	for _, f := range files {
		kept, err := checkpoints.MoveAside(f)
		if err != nil {
			return fmt.Errorf("moving aside checkpoint %s, which cannot be restored, so that the resumed run does not write over it: %v", f, err)
		}
		fmt.Fprintf(stderr, "evolve resume: checkpoint %s, which cannot be restored, is kept as %s\n", f, kept)
	}
	return nil
}

// solvedNote returns, for p restored from a run that was solved and stops
// on solve (a setting resume cannot change), why no generation is left to
// evaluate; for any other run it returns "".
func solvedNote(p *population.Population) string {
	if _, stream := p.Task().(tasks.Continual); stream || !p.Config().StopOnSolve {
		return ""
	}
	_, gen := p.Solver()
	if gen < 0 {
		return ""
	}
	return fmt.Sprintf("the run was solved in generation %d and stops on solve (stop_on_solve = true, which resume cannot change), so no generation is left to evaluate; its files are written again. To evolve on past a solution, start a run with --stop-on-solve=false", gen)
}

// restoreNewest restores the population of the newest checkpoint in dir
// that reads intact and that population.Restore accepts, and returns it
// with the checkpoint's path; each newer checkpoint that does not is
// reported on stderr and skipped, and those that read intact but cannot be
// restored are returned too. adjust applies the resume flags to each
// checkpoint's state before it is restored, and may refuse them. Every
// error it returns is a usage error: nothing was changed.
func restoreNewest(dir string, stderr io.Writer, adjust func(file string, state *population.State) error) (*population.Population, string, []string, error) {
	ckDir := filepath.Join(dir, checkpointsDir)
	files, err := checkpoints.List(ckDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, "", nil, fmt.Errorf("%s: cannot list the checkpoints: %v", dir, err)
	}
	if len(files) == 0 {
		return nil, "", nil, fmt.Errorf("%s: no checkpoint to resume from in %s; %s", dir, ckDir, startAgain(dir))
	}
	var unrestorable []string
	for _, f := range files {
		state, err := checkpoints.Read(f)
		if err != nil {
			warnSkipped(stderr, "resume", []error{err})
			continue
		}
		if err := adjust(f, state); err != nil {
			return nil, "", nil, err
		}
		task, err := newTask(state.Config)
		if err != nil {
			// The checkpoints of a run share its task, so older ones would
			// fail alike (a CSV task whose file has moved, for one).
			return nil, "", nil, fmt.Errorf("%s: %v%s", f, err, relativePaths(state.Config, err))
		}
		p, err := population.Restore(state, task)
		if err != nil {
			fmt.Fprintf(stderr, "evolve resume: warning: skipping checkpoint %s: it reads but cannot be restored: %v\n", f, err)
			unrestorable = append(unrestorable, f)
			continue
		}
		return p, f, unrestorable, nil
	}
	if len(unrestorable) == 0 {
		return nil, "", nil, fmt.Errorf("%s: no valid checkpoint to resume from: all %d in %s are damaged (see the warnings above)", dir, len(files), ckDir)
	}
	damaged := ""
	if n := len(files) - len(unrestorable); n > 0 {
		damaged = fmt.Sprintf(", and %d damaged", n)
	}
	return nil, "", nil, fmt.Errorf("%s: no checkpoint to resume from: of the %d in %s, %d read intact but cannot be restored%s (see the warnings above)", dir, len(files), ckDir, len(unrestorable), damaged)
}

// reconcileConfig checks dir's config.toml against cfg, the configuration
// of the checkpoint file that resume continues, before config.toml is
// rewritten from cfg: a task or seed that differs is refused (the
// checkpoint may be another run's), and a file edited since the run
// began, or one that no longer decodes, is kept as config.edited.toml
// (config.edited-2.toml, ...) with a warning. On error it returns the exit
// status too; nothing was changed then.
func reconcileConfig(dir, file string, cfg population.Config, stderr io.Writer) (int, error) {
	path := filepath.Join(dir, configFile)
	recorded, data, err := recordedConfig(dir)
	switch {
	case err != nil && data == nil:
		// run rewrites config.toml from the checkpoint: one it cannot read
		// would be lost without a copy kept.
		return exitUsage, fmt.Errorf("%v; resume rewrites %s from the checkpoint and keeps no copy of a file it cannot read: make it readable, or move it away; nothing was changed", err, configFile)
	case err != nil:
		keep, err2 := keepEdited(dir, data)
		if err2 != nil {
			return exitFailure, fmt.Errorf("%s does not decode; keeping a copy of it: %v; nothing was changed", path, err2)
		}
		fmt.Fprintf(stderr, "evolve resume: warning: %s does not decode, so whether checkpoint %s has the run's task and seed cannot be checked. The checkpoint's configuration is used, as it must be to continue the run, and %s is rewritten from it; "+
			"the file that does not decode is kept as %s (once fixed, evolve run --config %s --out NEWDIR starts a new run with it). Its problem: %v\n",
			path, file, configFile, keep, keep, err)
		return exitOK, nil
	case data == nil: // no config.toml: nothing to check against
		return exitOK, nil
	}
	if err := ofThisRun(dir, file, cfg, recorded); err != nil {
		return exitUsage, fmt.Errorf("%v; nothing was changed", err)
	}
	if diffs := edits(recorded, cfg); diffs != "" {
		keep, err := keepEdited(dir, data)
		if err != nil {
			return exitFailure, fmt.Errorf("%s was edited (%s); keeping a copy of it: %v; nothing was changed", path, diffs, err)
		}
		fmt.Fprintf(stderr, "evolve resume: warning: %s differs from checkpoint %s: %s. The checkpoint's configuration wins, as it must to continue the run, and %s is rewritten from it; "+
			"on resume only --generations and --workers change a run. The edited file is kept as %s: evolve run --config %s --out NEWDIR starts a new run with it\n",
			path, file, diffs, configFile, keep, keep)
	}
	return exitOK, nil
}

// keepEdited keeps data, dir's config.toml as the user left it, under the
// first free name of config.edited.toml, config.edited-2.toml, ..., and
// returns that path.
func keepEdited(dir string, data []byte) (string, error) {
	keep, err := freeName(filepath.Join(dir, editedConfigFile))
	if err != nil {
		return "", err
	}
	return keep, writeFileAtomic(keep, data)
}

// startAgain advises how to start again the run in dir, which stopped
// before its first checkpoint: in a new directory, from its config.toml if
// it has one, or in dir once the user has removed it. evolve run never
// writes over a run directory, so nothing of dir is lost by either.
func startAgain(dir string) string {
	reuse := fmt.Sprintf(", or remove %s first to use it as --out again", dir)
	abs, err := filepath.Abs(dir)
	cwd, err2 := os.Getwd()
	rel, err3 := filepath.Rel(abs, cwd)
	outside := rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
	if err != nil || err2 != nil || err3 != nil || !outside {
		reuse = "" // never advise removing the working directory or one above it
	}
	config := filepath.Join(dir, configFile)
	if _, err := os.Stat(config); err != nil {
		return "a run stopped before its first checkpoint must start again: evolve run ... --out NEWDIR" + reuse
	}
	return fmt.Sprintf("a run stopped before its first checkpoint must start again: evolve run --config %s --out NEWDIR repeats it", config) + reuse
}

// recordedConfig returns the configuration in dir's config.toml, read
// over population.DefaultConfig as evolve run --config would, and the
// file's content. When there is no config.toml, data and err are nil:
// resume then has nothing to check the checkpoint against, and writes
// config.toml anew from it. When the file cannot be read, err is the read
// error and data is nil; when it reads but does not decode, err is
// config.Decode's (naming FILE:LINE) and data is the file's content.
func recordedConfig(dir string) (cfg population.Config, data []byte, err error) {
	path := filepath.Join(dir, configFile)
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return population.Config{}, nil, nil
	} else if err != nil {
		return population.Config{}, nil, err
	}
	cfg = population.DefaultConfig()
	if err := config.Decode(data, path, &cfg); err != nil {
		return population.Config{}, data, err
	}
	return cfg, data, nil
}

// ofThisRun checks that the checkpoint file, whose configuration is cfg,
// belongs to the run in dir: that it has the task and seed of dir's
// config.toml, recorded. Resuming a checkpoint copied in from another run
// would otherwise rewrite the run's files. When they differ, either
// config.toml was edited or the checkpoint is another run's, and the
// error says what to do in either case.
func ofThisRun(dir, file string, cfg, recorded population.Config) error {
	if cfg.Task == recorded.Task && cfg.Seed == recorded.Seed {
		return nil
	}
	path := filepath.Join(dir, configFile)
	return fmt.Errorf("%s and %s disagree: the checkpoint has task %q and seed %d, config.toml task %q and seed %d. "+
		"Either config.toml was edited, and a run's task and seed cannot change on resume (put back task %q and seed %d, or start a new run: evolve run --config %s --out NEWDIR), "+
		"or the checkpoint came from another run (move it out of %s)",
		file, path, cfg.Task, cfg.Seed, recorded.Task, recorded.Seed, cfg.Task, cfg.Seed, path, filepath.Dir(file))
}

// freeName returns path if no file is there, or else the first of
// NAME-2.EXT, NAME-3.EXT, ... that is free, so that an earlier copy of an
// edited config.toml is not written over. It returns Lstat's error when
// one cannot tell whether a name is free (a parent that is not a
// directory or cannot be searched, a name too long).
func freeName(path string) (string, error) {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for n := 2; ; n++ {
		_, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		} else if err != nil {
			return "", err
		}
		path = fmt.Sprintf("%s-%d%s", base, n, ext)
	}
}

// edits describes the settings in which dir's config.toml, recorded,
// differs from cfg, the configuration resume goes on with (that of the
// checkpoint, with the flags in set applied), as "key = VALUE (the
// checkpoint has VALUE), ...", or returns "" when they agree. The keys
// resume's flags set, generations and workers, are not compared: a resume
// given them rewrites config.toml before its first checkpoint, so after
// it is killed config.toml holds them and the checkpoint does not.
func edits(recorded, cfg population.Config) string {
	var diffs []string
	for _, d := range configDiff(recorded, cfg) {
		if d.key != "generations" && d.key != "workers" {
			diffs = append(diffs, fmt.Sprintf("%s = %s (the checkpoint has %s)", d.key, d.was, d.now))
		}
	}
	return strings.Join(diffs, ", ")
}

// warnSkipped writes a warning on stderr for each damaged checkpoint that
// command skipped to fall back to an older one.
func warnSkipped(stderr io.Writer, command string, skipped []error) {
	for _, err := range skipped {
		var c *checkpoints.CorruptError
		if errors.As(err, &c) {
			fmt.Fprintf(stderr, "evolve %s: warning: skipping damaged checkpoint %s: %s\n", command, c.File, c.Problem)
			continue
		}
		fmt.Fprintf(stderr, "evolve %s: warning: skipping checkpoint: %v\n", command, err)
	}
}

// run evolves p to the end of its configuration, writing rd and the
// checkpoints, and returns the exit status. command ("run" or "resume")
// prefixes its messages. Whatever stops the run, a signal included, it
// writes a final checkpoint, best.json and summary.json.
func run(ctx context.Context, command string, p *population.Population, rd *runDir, ck *checkpointer, quiet bool, stdout, stderr io.Writer) int {
	start := time.Now()
	report := func(format string, a ...any) {
		fmt.Fprintf(stderr, "evolve "+command+": "+format+"\n", a...)
	}
	if err := rd.writeConfig(p.Config()); err != nil {
		report("writing %s: %v", configFile, err)
		return exitFailure
	}
	// The run directory first: its errors stop the run. The progress
	// comes last and never fails (see progress).
	recs := population.Recorders{rd, population.RecorderFunc(func(population.Stats) error {
		if err := rd.updateBest(p.Best()); err != nil {
			return err
		}
		return rd.updateContinual(p)
	}), ck}
	var prog *progress
	if !quiet {
		prog = newProgress(stderr, len(p.History()), p.Config().Generations, p.Task().Info().Metric)
		recs = append(recs, prog)
	}
	ck.warn = func(err error) {
		if prog != nil && isTerminal(stderr) {
			fmt.Fprintln(stderr) // end the progress bar's line
		}
		report("warning: %v; the run goes on", err)
	}
	runErr := p.Run(ctx, recs)
	if prog != nil {
		prog.Close()
	}
	interrupted := runErr != nil && ctx.Err() != nil && errors.Is(runErr, ctx.Err())

	// Whatever stopped the run, the population is consistent: a Step cut
	// short leaves it as it was before the evaluation.
	code := exitOK
	last, err := ck.save()
	if err != nil {
		report("%v", err)
		code = exitFailure
	}
	sum := summarize(p)
	sum.Interrupted = interrupted
	sum.WallSeconds = time.Since(start).Seconds()
	if err := rd.updateBest(p.Best()); err != nil {
		report("writing %s: %v", bestFile, err)
		code = exitFailure
	}
	// A resumed run that was already at its end writes continual.json here.
	if err := rd.updateContinual(p); err != nil {
		report("%v", err)
		code = exitFailure
	}
	if err := rd.writeSummary(sum); err != nil {
		report("writing %s: %v", summaryFile, err)
		code = exitFailure
	}
	switch {
	case interrupted && code != exitOK:
		report("stopped by %s after %d generations", signalName(ctx), sum.Generations)
		return code
	case interrupted:
		report("stopped by %s after %d generations; checkpoint %s; continue with: evolve resume %s",
			signalName(ctx), sum.Generations, last, rd.path)
		return interruptedStatus(ctx)
	case runErr != nil:
		report("%v", runErr)
		return exitFailure
	}
	var b bytes.Buffer
	printSummary(&b, sum, p.Config().Generations)
	if r, err := p.Continual(); err == nil && r != nil {
		printContinual(&b, r)
	}
	fmt.Fprintf(&b, "run directory: %s\n", rd.path)
	if _, err := stdout.Write(b.Bytes()); err != nil {
		// The run is complete and summary.json says as much as the
		// summary lines: the status stays that of the run.
		report("warning: cannot print the summary: %v; the run is complete, and %s holds it", err, filepath.Join(rd.path, summaryFile))
	}
	return code
}

// printContinual writes the continual-learning metrics of a stream's run,
// which say more of it than whether some phase was solved.
func printContinual(w io.Writer, r *continual.Report) {
	direction := "higher is better"
	if !r.Higher {
		direction = "lower is better, so a positive BWT is forgetting"
	}
	undefinedOr := func(v *float64) string {
		if v == nil {
			return "-" // one phase defines neither BWT nor FWT
		}
		return fmt.Sprintf("%.4g", *v)
	}
	fmt.Fprintf(w, "continual: %d phases of %s, ACC %.4g, BWT %s, FWT %s (%s; continual.json)\n",
		len(r.R), r.Metric, r.ACC, undefinedOr(r.BWT), undefinedOr(r.FWT), direction)
}

// checkpointer writes the checkpoints of a run to DIR/checkpoints: as a
// Recorder, after every cfg.CheckpointEvery generations (none when it is
// 0), and when save is called, at the end. A checkpoint is p.State(), a
// copy, so taking one does not change the run.
type checkpointer struct {
	p     *population.Population
	dir   string
	every int
	keep  int

	// write is checkpoints.Save; a test may put a failing one in its place.
	write func(dir string, s *population.State, keep int) (string, error)
	// warn, if not nil, reports a problem met after a checkpoint was
	// written (an old one that could not be removed): the run goes on.
	// Each distinct problem is reported once.
	warn   func(error)
	warned map[string]bool

	path string // the newest checkpoint written or resumed from, or ""
	gen  int    // its generation
	hist int    // its generations of history
}

// newCheckpointer returns the checkpointer of p in the run directory dir.
func newCheckpointer(p *population.Population, dir string) *checkpointer {
	cfg := p.Config()
	return &checkpointer{p: p, dir: filepath.Join(dir, checkpointsDir), every: cfg.CheckpointEvery, keep: cfg.KeepCheckpoints,
		write: checkpoints.Save, warned: make(map[string]bool)}
}

// saved records that path holds p's current state already.
func (c *checkpointer) saved(path string) {
	c.path, c.gen, c.hist = path, c.p.Generation(), len(c.p.History())
}

// Record implements population.Recorder.
func (c *checkpointer) Record(population.Stats) error {
	if c.every > 0 && len(c.p.History())%c.every == 0 {
		_, err := c.save()
		return err
	}
	return nil
}

// save writes a checkpoint of p's current state, unless the newest one
// holds it already, and returns its path. checkpoints.Save writes it
// atomically before it removes the oldest beyond c.keep, so a valid
// checkpoint exists at every moment. An error is returned only when no
// checkpoint was written; one that was, but whose old checkpoints could
// not all be removed, is recorded as the newest, and the problem goes to
// c.warn.
func (c *checkpointer) save() (string, error) {
	if c.path != "" && c.gen == c.p.Generation() && c.hist == len(c.p.History()) {
		return c.path, nil
	}
	path, err := c.write(c.dir, c.p.State(), c.keep)
	if path == "" {
		return "", fmt.Errorf("writing the checkpoint of generation %d: %w", c.p.Generation(), err)
	}
	c.saved(path)
	if err != nil && !c.warned[err.Error()] {
		c.warned[err.Error()] = true
		if c.warn != nil {
			// Save's notes, one a line, each begin with its package name.
			notes := strings.ReplaceAll(strings.ReplaceAll(err.Error(), "checkpoints: ", ""), "\n", "; ")
			c.warn(fmt.Errorf("wrote checkpoint %s; %s", path, notes))
		}
	}
	return path, nil
}

// printSummary writes the outcome of a run in one line.
func printSummary(w io.Writer, s summary, maxGens int) {
	champion := ""
	if s.StepsBalanced != nil {
		champion = fmt.Sprintf("; champion balanced %d steps", *s.StepsBalanced)
		if s.Generalization != nil && s.GeneralizationStarts != nil {
			champion += fmt.Sprintf(", generalization %d of %d", *s.Generalization, *s.GeneralizationStarts)
		}
	}
	switch {
	case s.TestAccuracy != nil:
		champion += fmt.Sprintf("; genome %d's test accuracy %.4g", s.BestGenomeID, *s.TestAccuracy)
	case s.TestLoss != nil:
		champion += fmt.Sprintf("; genome %d's test MSE %.4g", s.BestGenomeID, *s.TestLoss)
	}
	if s.Solved {
		fmt.Fprintf(w, "solved in generation %d after %d evaluations by genome %d: %d hidden neurons, %d connections; best fitness %.6g (genome %d)%s; %.2fs\n",
			s.SolvedGeneration, s.Evaluations, *s.SolverGenomeID, s.HiddenNeurons, s.Connections, s.BestFitness, s.BestGenomeID, champion, s.WallSeconds)
		return
	}
	fmt.Fprintf(w, "not solved in %d of %d generations (%d evaluations); best fitness %.6g (genome %d: %d hidden neurons, %d connections)%s; %.2fs\n",
		s.Generations, maxGens, s.Evaluations, s.BestFitness, s.BestGenomeID, s.HiddenNeurons, s.Connections, champion, s.WallSeconds)
}
