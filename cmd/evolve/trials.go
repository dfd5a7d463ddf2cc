package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// trial is the outcome of one run of trials.
type trial struct {
	seed        uint64
	solved      bool
	evaluations int // to solve; 0 when unsolved
	hidden      int // hidden neurons of the solver
	conns       int // enabled connections of the solver
	// generalization is the solver's score on the generalization part of
	// the champion test (pole balancing), or -1 where there is none.
	generalization int
	starts         int // the generalization test's number of starts
	// pole marks a pole-balancing task; balanced says which of its
	// generalization starts the solver balanced (tasks.GeneralizationStart),
	// nil where there is no solver or the task is not one.
	pole     bool
	balanced []bool
	restarts int // fresh starts of the population (restart_after) before the run ended

	// Supervised tasks: the best genome at the end, measured on the test
	// split, and the first generation whose best genome so far reached the target
	// test accuracy (-1 if none).
	supervised  bool
	classify    bool // a classification task (test metric is accuracy)
	testMetric  float64
	reached     int
	generations int
	bestHidden  int
	bestConns   int
	wallSeconds float64

	// Continual streams: the run's continual report, nil for other tasks.
	cont *continual.Report

	strategy string // as the run resolved it
	baseline bool   // the strategy trains one network (backprop, cbp)
}

// trialsPopulation returns the size of the population each run of
// results evolves: the configuration's, or 1 under the strategies that
// train one network instead (backprop and cbp).
func trialsPopulation(cfg population.Config, results []trial) int {
	if results[0].baseline {
		return 1
	}
	return cfg.PopulationSize
}

// populationText describes the population of results' runs for the text
// summary: its size, or "one network" under backprop and cbp.
func populationText(cfg population.Config, results []trial) string {
	if results[0].baseline {
		return "one network"
	}
	return fmt.Sprintf("population %d", cfg.PopulationSize)
}

// maxRuns bounds --runs: each run's result is kept until the table is
// printed.
const maxRuns = 1_000_000

// trialsCmd implements "evolve trials": it runs a task once for each of a
// range of seeds, each run stopping at its first solution, and prints how
// often and how fast the task was solved. Runs proceed in parallel, one
// goroutine each, and the printed numbers (except the wall time) do not
// depend on how many run at a time.
func trialsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("trials", "--task NAME [--runs N] [--seed N] [flags]", stderr)
	var s settings
	s.register(fs, "runs at a time, each on one goroutine; 0 uses GOMAXPROCS; results do not depend on it", false)
	runs := fs.Int("runs", 100, "number of runs, with seeds seed, seed+1, ..., 1 to 1000000")
	target := fs.Float64("target", 0.9, "supervised classification: the test accuracy a run must reach, in (0, 1]")
	format := fs.String("format", "text", "output: text (a summary), csv or json (one row per run, for analysis elsewhere)")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr (there is one only when stderr is a terminal)")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	if !noPositional("trials", positional, stderr) {
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve trials: "+format+"\n", a...)
		return code
	}
	cfg, parallel, err := trialsConfig(fs, &s, *runs, *target, *format, stderr)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}

	var bar *trialsProgress
	if !*quiet && isTerminal(stderr) {
		bar = newTrialsProgress(stderr, *runs)
	}
	start := time.Now()
	results, err := runTrials(ctx, cfg, *runs, parallel, *target, bar.done)
	wall := time.Since(start)
	bar.close()
	if err != nil {
		if ctx.Err() != nil {
			fail(exitFailure, "stopped by %s; trials keep no partial results, so run them again", signalName(ctx))
			return interruptedStatus(ctx)
		}
		return fail(exitFailure, "%v", err)
	}
	// Nothing of the trials is kept but this output: a failed write is a
	// failure.
	out, err := formatTrials(*format, cfg, results, *target, wall)
	return emit("trials", out, err, stdout, stderr)
}

// trialsConfig resolves the configuration of each run of trials from the
// flags and checks them, and returns it with the number of runs to make
// at a time, each run on one goroutine. Warnings go to stderr; every error
// is bad input, refused before any run starts.
func trialsConfig(fs *flag.FlagSet, s *settings, runs int, target float64, format string, stderr io.Writer) (cfg population.Config, parallel int, err error) {
	cfg, err = resolveConfig(fs, s)
	if err != nil {
		return population.Config{}, 0, err
	}
	if err := choice("format", format, "text", "csv", "json"); err != nil {
		return population.Config{}, 0, err
	}
	if runs < 1 || runs > maxRuns {
		return population.Config{}, 0, fmt.Errorf("--runs %d: want 1 to %d", runs, maxRuns)
	}
	if w := phaseMismatch(cfg); w != "" {
		fmt.Fprintf(stderr, "evolve trials: warning: %s\n", w)
	}
	if last := cfg.Seed + uint64(runs) - 1; last > math.MaxInt64 || last < cfg.Seed {
		return population.Config{}, 0, fmt.Errorf("--seed %d with --runs %d: the last seed must not exceed %d", cfg.Seed, runs, int64(math.MaxInt64))
	}
	parallel = cfg.Workers
	if parallel == 0 {
		parallel = runtime.GOMAXPROCS(0)
	}
	cfg.Workers = 1
	if !(target > 0 && target <= 1) {
		return population.Config{}, 0, fmt.Errorf("--target %v: want a test accuracy in (0, 1]", target)
	}
	if err := fitTrialsToTask(fs, &cfg, stderr); err != nil {
		return population.Config{}, 0, err
	}
	return cfg, parallel, nil
}

// fitTrialsToTask makes cfg stop each run at its first solution, except on
// supervised tasks, where a run goes through its generations and is
// judged on the test split, and on continual streams, which it follows to
// their end as the configuration says (their defaults never stop early).
// It refuses --target where the task is not judged by test accuracy, and
// a configuration no run can use (the check run makes), so that bad input
// fails once rather than in each run.
func fitTrialsToTask(fs *flag.FlagSet, cfg *population.Config, stderr io.Writer) error {
	probe, err := newTask(*cfg)
	if err != nil {
		return err
	}
	if err := checkTarget(fs, cfg.Task, probe); err != nil {
		return err
	}
	_, supervised := probe.(tasks.Supervised)
	_, stream := probe.(tasks.Continual)
	if !supervised && !stream {
		cfg.StopOnSolve = true
	}
	if w := plasticAsNeat(*cfg, probe); w != "" {
		fmt.Fprintf(stderr, "evolve trials: warning: %s\n", w)
	}
	_, err = population.New(*cfg, probe)
	return err
}

// checkTarget refuses --target, when it was given, for task (named name)
// unless it is a supervised classification, the only kind of task judged
// by test accuracy; the error says how the task is judged instead.
func checkTarget(fs *flag.FlagSet, name string, task tasks.Task) error {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "target" })
	sup, supervised := task.(tasks.Supervised)
	if !set || supervised && sup.Classes() > 0 {
		return nil
	}
	_, stream := task.(tasks.Continual)
	what := "is solved by its own test, not judged by test accuracy"
	switch {
	case supervised:
		what = "is a regression, judged by its test MSE"
	case stream:
		what = "is a continual stream, measured by the continual metrics"
	}
	return fmt.Errorf("--target applies to supervised classification tasks, which it judges by test accuracy; task %q %s", name, what)
}

// formatTrials returns the output of trials: in format text, a summary of
// results that ends with wall, the time they took; in csv or json, a row
// for each run (trialsTable).
func formatTrials(format string, cfg population.Config, results []trial, target float64, wall time.Duration) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "csv":
		err = trialsTable(results).writeCSV(&b)
	case "json":
		t := trialsTable(results)
		err = t.writeJSON(&b, trialsHead(cfg, results), t.name)
	default:
		printTrials(&b, cfg, results, target)
		printWallTime(&b, results, wall.Seconds())
	}
	return b.Bytes(), err
}

// trialsHead returns the fields before the rows in the JSON output of
// results: the task, strategy, population and generations, and
// restart_after, which applies to neither supervised tasks nor streams.
func trialsHead(cfg population.Config, results []trial) object {
	head := object{{"task", cfg.Task}, {"strategy", results[0].strategy}, {"population", trialsPopulation(cfg, results)}, {"generations", cfg.Generations}}
	if !results[0].supervised && results[0].cont == nil {
		head = append(head, field{"restart_after", cfg.RestartAfter})
	}
	return head
}

// trialsTable has one row per run, in seed order, for --format csv and
// json. A run of a task solved by a test (pole balancing, XOR) gives
// whether it solved, the evaluations it took, the generations it ran, its
// solver's size and generalization score (empty where it has none), and
// its restarts; a run of a supervised task gives its best genome's test
// metric, the first generation whose best so far reached the target accuracy,
// the best genome's size and the run's wall time.
func trialsTable(results []trial) *table {
	t := &table{name: "runs"}
	if results[0].supervised {
		metric := "test_accuracy"
		if !results[0].classify {
			metric = "test_mse"
		}
		t.columns = []string{"seed", metric, "reached_generation", "hidden", "connections", "wall_seconds"}
		for _, r := range results {
			var reached any
			if r.classify && r.reached >= 0 {
				reached = r.reached
			}
			t.rows = append(t.rows, []any{r.seed, r.testMetric, reached, r.bestHidden, r.bestConns, r.wallSeconds})
		}
		return t
	}
	if results[0].cont != nil {
		// A stream: its continual metrics, BWT and FWT empty where one
		// phase leaves them undefined.
		t.columns = []string{"seed", "ACC", "BWT", "FWT", "new_first_quarter", "new_last_quarter", "phases", "generations"}
		for _, r := range results {
			first, last := r.cont.Quarters()
			t.rows = append(t.rows, []any{r.seed, r.cont.ACC, bwtValue(r.cont), fwtValue(r.cont), first, last, len(r.cont.R), r.generations})
		}
		return t
	}
	t.columns = []string{"seed", "solved", "evaluations", "generations", "hidden", "connections", "generalization", "restarts"}
	if results[0].pole {
		t.columns = append(t.columns, "balanced_starts")
	}
	for _, r := range results {
		row := []any{r.seed, r.solved, nil, r.generations, nil, nil, nil, r.restarts}
		if r.solved {
			row[2], row[4], row[5] = r.evaluations, r.hidden, r.conns
		}
		if r.generalization >= 0 {
			row[6] = r.generalization
		}
		if r.pole {
			var starts any
			if r.balanced != nil {
				starts = startsText(r.balanced)
			}
			row = append(row, starts)
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// startsText writes which generalization starts were balanced as a
// string of 0s and 1s, character i for start i (tasks.GeneralizationStart:
// the base-5 digits of i are the levels of x, xdot, theta1 and theta1dot).
func startsText(balanced []bool) string {
	b := make([]byte, len(balanced))
	for i, ok := range balanced {
		b[i] = '0'
		if ok {
			b[i] = '1'
		}
	}
	return string(b)
}

// runTrials runs cfg for seeds cfg.Seed to cfg.Seed+runs-1, at most
// parallel at a time, and returns their outcomes in seed order. done, if
// not nil, is called with each run's outcome as it finishes, one call at a
// time, in the order the runs finish.
func runTrials(ctx context.Context, cfg population.Config, runs, parallel int, target float64, done func(trial)) ([]trial, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]trial, runs)
	errs := make([]error, runs)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex // serializes the calls of done
	for range min(parallel, runs) {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = runTrial(ctx, cfg, cfg.Seed+uint64(i), target)
				if errs[i] != nil {
					cancel()
					continue
				}
				if done != nil {
					mu.Lock()
					done(results[i])
					mu.Unlock()
				}
			}
		})
	}
feed:
	for i := range runs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// Report the first real failure rather than the cancellation it
		// caused.
		for _, e := range errs {
			if e != nil && !errors.Is(e, context.Canceled) {
				return nil, e
			}
		}
		return nil, err
	}
	return results, nil
}

// runTrial makes one run of cfg with the given seed; target is the test
// accuracy a supervised classification run is judged by.
func runTrial(ctx context.Context, cfg population.Config, seed uint64, target float64) (trial, error) {
	cfg.Seed = seed
	task, err := newTask(cfg)
	if err != nil {
		return trial{}, err
	}
	p, err := population.New(cfg, task)
	if err != nil {
		return trial{}, err
	}
	if err := p.Run(ctx, nil); err != nil {
		return trial{}, fmt.Errorf("seed %d: %w", seed, err)
	}
	t := trial{seed: seed, reached: -1, generations: len(p.History()), generalization: -1}
	if h := p.History(); len(h) > 0 {
		t.restarts = h[len(h)-1].Restarts
	}
	_, t.pole = task.(*tasks.Pole)
	if sup, ok := task.(tasks.Supervised); ok {
		t.supervised, t.classify = true, sup.Classes() > 0
		r, _ := p.TestScore(p.Best())
		t.testMetric = r.Metric
		t.bestHidden, t.bestConns = p.Best().HiddenCount(), p.Best().EnabledCount()
		for _, st := range p.History() {
			t.wallSeconds += st.Seconds
			if t.classify && t.reached < 0 && st.TestMetric >= target {
				t.reached = st.Generation
			}
		}
	}
	r, err := p.Continual()
	if err != nil {
		return trial{}, fmt.Errorf("seed %d: %w", seed, err)
	}
	t.cont = r // nil for a task that is not a stream
	t.strategy, t.baseline = p.Strategy().String(), p.Strategy().Baseline()
	if g, _ := p.Solver(); g != nil {
		t.solved = true
		t.evaluations = p.SolvedEvaluations()
		t.hidden, t.conns = g.HiddenCount(), g.EnabledCount()
		if c, ok := p.ChampionTest(g); ok {
			t.generalization, t.starts = c.Generalization, c.Starts
			if t.pole && len(c.Balanced) == tasks.PoleGeneralizationStarts {
				t.balanced = c.Balanced
			}
		}
	}
	return t, nil
}

// trialStats summarises the solved runs of a set of trials.
type trialStats struct {
	solved                int
	mean, sd, median      float64 // evaluations to solve; sd is the sample standard deviation
	worst                 int     // the most evaluations any solved run needed
	meanHidden, meanConns float64
	// generalized counts the solutions with a generalization score,
	// meanGeneralization is their mean score, and starts the size of the
	// generalization test.
	generalized                int
	meanGeneralization         float64
	starts                     int
	byStart                    *startLevels // where the pole solutions balance, nil for other tasks
	restartedSolved            int          // solved runs that solved after a restart
	unsolved                   []uint64     // seeds of the runs that were not solved
	hasSD, hasEvaluationsStats bool
}

// summarizeTrials computes the statistics of results. It depends only on
// the results, in seed order.
func summarizeTrials(results []trial) trialStats {
	var st trialStats
	var evals []float64
	for _, t := range results {
		if !t.solved {
			st.unsolved = append(st.unsolved, t.seed)
			continue
		}
		st.solved++
		if t.restarts > 0 {
			st.restartedSolved++
		}
		evals = append(evals, float64(t.evaluations))
		st.worst = max(st.worst, t.evaluations)
		st.meanHidden += float64(t.hidden)
		st.meanConns += float64(t.conns)
		if t.generalization >= 0 {
			st.generalized++
			st.meanGeneralization += float64(t.generalization)
			st.starts = t.starts
		}
		if t.balanced != nil {
			if st.byStart == nil {
				st.byStart = new(startLevels)
			}
			st.byStart.add(t.balanced)
		}
	}
	if st.generalized > 0 {
		st.meanGeneralization /= float64(st.generalized)
	}
	n := len(evals)
	if n == 0 {
		return st
	}
	st.hasEvaluationsStats = true
	st.meanHidden /= float64(n)
	st.meanConns /= float64(n)
	for _, e := range evals {
		st.mean += e
	}
	st.mean /= float64(n)
	if n > 1 {
		ss := 0.0
		for _, e := range evals {
			ss += (e - st.mean) * (e - st.mean)
		}
		st.sd = math.Sqrt(ss / float64(n-1))
		st.hasSD = true
	}
	slices.Sort(evals)
	if n%2 == 1 {
		st.median = evals[n/2]
	} else {
		st.median = (evals[n/2-1] + evals[n/2]) / 2
	}
	return st
}

// printWallTime writes the line of the trials' wall time: all of it and,
// for a supervised task, whose runs are timed one by one, the mean of a
// run when there are several.
func printWallTime(w io.Writer, results []trial, seconds float64) {
	if len(results) < 2 || !results[0].supervised {
		fmt.Fprintf(w, "%-22s %.2fs\n", "wall time", seconds)
		return
	}
	sum := 0.0
	for _, t := range results {
		sum += t.wallSeconds
	}
	fmt.Fprintf(w, "%-22s %.2fs in all; %.2fs a run on average\n", "wall time", seconds, sum/float64(len(results)))
}

// printTrials writes the statistics of results, all but the wall time,
// which the caller adds (printWallTime).
func printTrials(w io.Writer, cfg population.Config, results []trial, target float64) {
	if results[0].supervised {
		printSupervisedTrials(w, cfg, results, target)
		return
	}
	st := summarizeTrials(results)
	row := func(name, format string, a ...any) {
		fmt.Fprintf(w, "%-22s "+format+"\n", append([]any{name}, a...)...)
	}
	row("task", "%s", cfg.Task)
	row("seeds", "%d to %d", results[0].seed, results[len(results)-1].seed)
	if results[0].baseline {
		row("population", "one network")
	} else {
		row("population", "%d", cfg.PopulationSize)
	}
	if results[0].cont != nil {
		row("strategy", "%s", results[0].strategy)
		row("generations", "%d", cfg.Generations)
		printContinualTrials(row, results)
		return
	}
	row("generations", "at most %d", cfg.Generations)
	row("solved", "%d of %d", st.solved, len(results))
	if st.hasEvaluationsStats {
		sd := "-"
		if st.hasSD {
			sd = fmt.Sprintf("%.1f", st.sd)
		}
		row("evaluations to solve", "mean %.1f  sd %s  median %.1f  worst %d", st.mean, sd, st.median, st.worst)
		row("hidden neurons", "mean %.2f (of the solutions)", st.meanHidden)
		row("enabled connections", "mean %.2f (of the solutions)", st.meanConns)
		if st.generalized > 0 {
			row("generalization", "mean %.1f of %d starts (of %d solutions)", st.meanGeneralization, st.starts, st.generalized)
		}
		if st.byStart != nil {
			st.byStart.print(row)
		}
		if cfg.RestartAfter > 0 {
			row("restarts", "every %d generations unsolved; %d of the solved runs solved after one", cfg.RestartAfter, st.restartedSolved)
		}
	} else {
		row("evaluations to solve", "-")
	}
	if len(st.unsolved) > 0 {
		seeds := make([]string, len(st.unsolved))
		for i, s := range st.unsolved {
			seeds[i] = fmt.Sprint(s)
		}
		row("unsolved seeds", "%s", strings.Join(seeds, ", "))
	}
}

// printContinualTrials writes, for the runs of a continual stream, the
// mean and sample standard deviation over the runs of each continual
// metric (BWT and FWT over the runs that define them), and which way the
// stream's metric counts: whether a task was solved says little there.
func printContinualTrials(row func(name, format string, a ...any), results []trial) {
	r0 := results[0].cont
	direction := "higher is better"
	if !r0.Higher {
		direction = "lower is better: a positive BWT is forgetting"
	}
	row("metric", "%s (%s)", r0.Metric, direction)
	row("phases", "%d", len(r0.R))
	summarize := func(name string, v func(r *continual.Report) *float64) {
		var xs []float64
		for _, t := range results {
			if x := v(t.cont); x != nil {
				xs = append(xs, *x)
			}
		}
		switch len(xs) {
		case 0:
			row(name, "- (undefined)")
		case 1:
			row(name, "%.4g (of 1 run)", xs[0])
		default:
			mean, sd := stat.MeanStdDev(xs, nil)
			row(name, "mean %.4g  sd %.4g (of %d runs)", mean, sd, len(xs))
		}
	}
	summarize("ACC", func(r *continual.Report) *float64 { return &r.ACC })
	summarize("BWT", func(r *continual.Report) *float64 { return r.BWT })
	summarize("FWT", func(r *continual.Report) *float64 { return r.FWT })
	summarize("new task, 1st quarter", func(r *continual.Report) *float64 { first, _ := r.Quarters(); return &first })
	summarize("new task, last quarter", func(r *continual.Report) *float64 { _, last := r.Quarters(); return &last })
}

// printSupervisedTrials writes one row per run of a supervised task (the
// best genome's test accuracy or MSE at the end, for classification the
// first generation whose best genome so far reached the target accuracy, its
// size, and the run's wall time) and a summary line.
func printSupervisedTrials(w io.Writer, cfg population.Config, results []trial, target float64) {
	strategy, learning := cfg.Resolve(true)
	fmt.Fprintf(w, "task %s, strategy %s (learning %s), %s, %d generations\n",
		cfg.Task, strategy, learning, populationText(cfg, results), cfg.Generations)
	classify := results[0].classify
	if classify {
		fmt.Fprintf(w, "%6s  %13s  %16s  %6s  %11s  %8s\n", "seed", "test accuracy", "reached target", "hidden", "connections", "wall s")
	} else {
		fmt.Fprintf(w, "%6s  %13s  %6s  %11s  %8s\n", "seed", "test MSE", "hidden", "connections", "wall s")
	}
	reached, sum := 0, 0.0
	for _, t := range results {
		if classify {
			at := "-"
			if t.reached >= 0 {
				at = fmt.Sprintf("generation %d", t.reached)
				reached++
			}
			fmt.Fprintf(w, "%6d  %13.3f  %16s  %6d  %11d  %8.1f\n", t.seed, t.testMetric, at, t.bestHidden, t.bestConns, t.wallSeconds)
		} else {
			// %.4g keeps a small error, such as 1.4e-05, from reading 0.
			fmt.Fprintf(w, "%6d  %13.4g  %6d  %11d  %8.1f\n", t.seed, t.testMetric, t.bestHidden, t.bestConns, t.wallSeconds)
		}
		sum += t.testMetric
	}
	n := float64(len(results))
	if classify {
		fmt.Fprintf(w, "reached test accuracy >= %.2f within %d generations: %d of %d runs; mean final test accuracy %.3f\n",
			target, cfg.Generations, reached, len(results), sum/n)
	} else {
		fmt.Fprintf(w, "mean final test MSE %.4g\n", sum/n)
	}
}

// startLevels counts, over pole solutions, the generalization starts
// balanced at each level of each varied start variable (x, xdot, theta1,
// theta1dot), to show where solutions fail: each level is the same
// number of starts, 125 of the 625 for each solution.
type startLevels struct {
	balanced, total [4][5]int
}

// startVariables name the varied variables of a pole generalization start
// and their units, in the order of the base-5 digits of the start's index
// (tasks.GeneralizationStart), most significant first.
var startVariables = [4]string{"x (m)", "xdot (m/s)", "theta1 (rad)", "theta1dot (rad/s)"}

// add counts one solution's balanced starts.
func (s *startLevels) add(balanced []bool) {
	for i, ok := range balanced {
		for k, level := range startDigits(i) {
			s.total[k][level]++
			if ok {
				s.balanced[k][level]++
			}
		}
	}
}

// startDigits returns the levels of x, xdot, theta1 and theta1dot at
// generalization start i: the base-5 digits of i, most significant first.
func startDigits(i int) [4]int {
	return [4]int{i / 125, i / 25 % 5, i / 5 % 5, i % 5}
}

// startValue returns the value of variable k at level l of the
// generalization starts.
func startValue(k, l int) float64 {
	i := [4]int{125, 25, 5, 1}[k] * l
	s := tasks.GeneralizationStart(i)
	return [4]float64{s.X, s.XDot, s.Theta[0], s.ThetaDot[0]}[k]
}

// print writes one line for each variable: each level's value and the
// percentage of its starts balanced.
func (s *startLevels) print(row func(name, format string, a ...any)) {
	for k, name := range startVariables {
		cells := make([]string, 5)
		for l := range cells {
			cells[l] = fmt.Sprintf("%.4g: %.1f%%", startValue(k, l), 100*float64(s.balanced[k][l])/float64(s.total[k][l]))
		}
		row("  by "+name, "%s balanced", strings.Join(cells, "  "))
	}
}
