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
// generation. Close ends the bar's line.
type progress struct {
	bar    *progressbar.ProgressBar
	lines  population.Printer
	metric string // the task's, shown on the bar
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
	if !isTerminal(w) {
		return &progress{lines: population.Printer{W: w, Metric: metric}}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetItsString("gen"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetDescription("starting"),
	)
	bar.Set(done)
	return &progress{bar: bar, metric: metric}
}

// Record implements population.Recorder.
func (p *progress) Record(s population.Stats) error {
	if p.bar == nil {
		return p.lines.Record(s)
	}
	metric := ""
	if p.metric != "" {
		metric = fmt.Sprintf("  %s %.4g", p.metric, s.BestMetric)
	}
	p.bar.Describe(fmt.Sprintf("gen %d  best %.4g%s  species %d  %.0f evals/s", s.Generation, s.BestFitness, metric, s.Species, s.EvalsPerSec))
	return p.bar.Set(s.Generation + 1)
}

// Close ends the progress bar's line, leaving it as it stands (a run that
// stops early, solved or interrupted, does not fill the bar).
func (p *progress) Close(w io.Writer) {
	if p.bar != nil {
		p.bar.Exit()
		fmt.Fprintln(w)
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
