package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// defaultOut returns the run directory used when --out is not given:
// runs/TASK-seedN under the working directory, or, when that holds a run
// already, the first of runs/TASK-seedN-2, -3, ... that does not, so that
// repeating a command never touches an earlier run.
func defaultOut(cfg population.Config) string {
	base := filepath.Join("runs", fmt.Sprintf("%s-seed%d", cfg.Task, cfg.Seed))
	dir := base
	for k := 2; holdsRun(dir); k++ {
		dir = fmt.Sprintf("%s-%d", base, k)
	}
	return dir
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
	task, err := tasks.New(cfg.Task, cfg.Seed)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	p, err := population.New(cfg, task)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	dir := *out
	if dir == "" {
		dir = defaultOut(cfg)
	}
	rd, err := createRunDir(dir)
	if errors.Is(err, errRunExists) {
		return fail(exitUsage, "%v", err)
	} else if err != nil {
		return fail(exitUsage, "--out %s: cannot create the run directory: %v", dir, err)
	}
	code := run(ctx, p, rd, *quiet, stdout, stderr)
	if err := rd.close(); err != nil && code == exitOK {
		return fail(exitFailure, "closing %s: %v", statsFile, err)
	}
	return code
}

// run evolves p, writing rd, and returns the exit status.
func run(ctx context.Context, p *population.Population, rd *runDir, quiet bool, stdout, stderr io.Writer) int {
	start := time.Now()
	if err := rd.writeConfig(p.Config()); err != nil {
		fmt.Fprintf(stderr, "evolve run: writing %s: %v\n", configFile, err)
		return exitFailure
	}
	var recs population.Recorders
	if !quiet {
		recs = append(recs, population.Printer{W: stderr})
	}
	recs = append(recs, rd, population.RecorderFunc(func(population.Stats) error {
		return rd.updateBest(p.Best())
	}))
	runErr := p.Run(ctx, recs)
	interrupted := runErr != nil && ctx.Err() != nil && errors.Is(runErr, ctx.Err())

	sum := summarize(p, rd.gens)
	sum.Interrupted = interrupted
	sum.WallSeconds = time.Since(start).Seconds()
	code := exitOK
	if err := rd.updateBest(p.Best()); err != nil {
		fmt.Fprintf(stderr, "evolve run: writing %s: %v\n", bestFile, err)
		code = exitFailure
	}
	if err := rd.writeSummary(sum); err != nil {
		fmt.Fprintf(stderr, "evolve run: writing %s: %v\n", summaryFile, err)
		code = exitFailure
	}
	switch {
	case interrupted:
		fmt.Fprintf(stderr, "evolve run: interrupted after %d generations; the results so far are in %s\n", sum.Generations, rd.path)
		return exitFailure
	case runErr != nil:
		fmt.Fprintf(stderr, "evolve run: %v\n", runErr)
		return exitFailure
	}
	printSummary(stdout, sum, p.Config().Generations)
	fmt.Fprintf(stdout, "run directory: %s\n", rd.path)
	return code
}

// printSummary writes the outcome of a run in one line.
func printSummary(w io.Writer, s summary, maxGens int) {
	if s.Solved {
		fmt.Fprintf(w, "solved in generation %d after %d evaluations: %d hidden neurons, %d connections; best fitness %.6g (genome %d); %.2fs\n",
			s.SolvedGeneration, s.Evaluations, s.HiddenNeurons, s.Connections, s.BestFitness, s.BestGenomeID, s.WallSeconds)
		return
	}
	fmt.Fprintf(w, "not solved in %d of %d generations (%d evaluations); best fitness %.6g (genome %d: %d hidden neurons, %d connections); %.2fs\n",
		s.Generations, maxGens, s.Evaluations, s.BestFitness, s.BestGenomeID, s.HiddenNeurons, s.Connections, s.WallSeconds)
}
