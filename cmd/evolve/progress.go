package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/neuroplast/neuroplast/population"
)

// progress reports a run's generations on stderr: as a live progress bar
// (generation, best fitness, species, evaluations per second, elapsed time
// and ETA) when stderr is a terminal, otherwise as one plain line per
// generation. Close ends the bar's line. It is best-effort: after its
// first failed write (stderr closed, a full disk, a reader of a pipe that
// has gone) it writes nothing more, and its Record never fails, so that
// the run goes on and writes its run directory.
type progress struct {
	w      *bestEffort
	bar    *progressbar.ProgressBar
	lines  population.Printer
	metric string // the task's, shown on the bar
}

// bestEffort is a writer that stops writing to w at w's first error and
// reports none: what it is given is shown if it can be.
type bestEffort struct {
	w   io.Writer
	err error // the first error of w, after which nothing is written
}

// Write implements io.Writer.
func (b *bestEffort) Write(p []byte) (int, error) {
	if b.err == nil {
		_, b.err = b.w.Write(p)
	}
	return len(p), nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns the progress reporter of a run whose first
// generation to come is done generations in, of total, on a task whose
// metric (tasks.Info.Metric, possibly empty) it shows beside fitness.
func newProgress(w io.Writer, done, total int, metric string) *progress {
	out := &bestEffort{w: w}
	if !isTerminal(w) {
		return &progress{w: out, lines: population.Printer{W: out, Metric: metric}}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetItsString("gen"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetDescription("starting"),
	)
	bar.Set(done)
	return &progress{w: out, bar: bar, metric: metric}
}

// Record implements population.Recorder. It returns nil: progress that
// cannot be shown must not stop the run.
func (p *progress) Record(s population.Stats) error {
	if p.w.err != nil {
		return nil
	}
	if p.bar == nil {
		p.lines.Record(s)
		return nil
	}
	metric := ""
	if p.metric != "" {
		metric = fmt.Sprintf("  %s %.4g", p.metric, s.BestMetric)
	}
	p.bar.Describe(fmt.Sprintf("gen %d  best %.4g%s  species %d  %.0f evals/s", s.Generation, s.BestFitness, metric, s.Species, s.EvalsPerSec))
	p.bar.Set(s.Generation + 1) // its errors are the writer's, or of a generation past the bar's end
	return nil
}

// Close ends the progress bar's line, leaving it as it stands (a run that
// stops early, solved or interrupted, does not fill the bar).
func (p *progress) Close() {
	if p.bar != nil {
		p.bar.Exit()
		fmt.Fprintln(p.w)
	}
}

// trialsProgress is the progress bar of evolve trials on a terminal: runs
// finished of all, with how many of them solved (on supervised
// classification, reached the target accuracy), the elapsed time and an
// estimate of the time left. Its methods do nothing on a nil
// *trialsProgress, so that callers need not check whether there is a bar.
type trialsProgress struct {
	bar      *progressbar.ProgressBar
	w        io.Writer
	finished int
	solved   int
}

// newTrialsProgress returns the progress bar of runs runs, drawn on w. It
// is not throttled, unlike the bar of a run: runs end far less often than
// generations, and a throttled redraw could leave the count and the
// description a run apart.
func newTrialsProgress(w io.Writer, runs int) *trialsProgress {
	bar := progressbar.NewOptions(runs,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetItsString("run"),
		progressbar.OptionSetDescription("runs"),
	)
	return &trialsProgress{bar: bar, w: w}
}

// done counts one finished run; runTrials calls it one run at a time.
func (p *trialsProgress) done(t trial) {
	if p == nil {
		return
	}
	p.finished++
	switch {
	case !t.supervised:
		if t.solved {
			p.solved++
		}
		p.bar.Describe(fmt.Sprintf("runs, %d of %d solved", p.solved, p.finished))
	case t.classify:
		if t.reached >= 0 {
			p.solved++
		}
		p.bar.Describe(fmt.Sprintf("runs, %d of %d reached the target", p.solved, p.finished))
	}
	_ = p.bar.Set(p.finished)
}

// close ends the bar's line.
func (p *trialsProgress) close() {
	if p == nil {
		return
	}
	_ = p.bar.Exit()
	fmt.Fprintln(p.w)
}
