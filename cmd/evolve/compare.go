package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/internal/jsonerr"
)

// compareCmd implements "evolve compare": one row per continual run, with
// its metrics ACC, BWT and FWT, the new-task metric early and late, the
// final network's size and the work done.
func compareCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("compare", "DIR... [--format table|csv|json]\n\n"+compareColumnsHelp, stderr)
	format := fs.String("format", "table", "output format: table, csv or json")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve compare: "+format+"\n", a...)
		return exitUsage
	}
	if len(positional) == 0 {
		return fail("no run directory: give one or more DIR holding %s (see evolve compare -h)", continualFile)
	}
	if err := choice("format", *format, "table", "csv", "json"); err != nil {
		return fail("%v", err)
	}
	var runs []comparedRun
	for _, dir := range positional {
		r, file, err := readReport(dir)
		if err != nil {
			return fail("%v", err)
		}
		run := comparedRun{dir: dir, report: r}
		if file != dir { // a run directory, not a continual.json named alone
			if err := run.readSummary(); err != nil {
				return fail("%v", err)
			}
			run.readStreamPhases()
		}
		runs = append(runs, run)
	}
	warnMixed(stderr, runs)
	t := compareTable(runs)
	var b bytes.Buffer
	switch *format {
	case "table":
		err = t.writeText(&b)
	case "csv":
		err = t.writeCSV(&b)
	case "json":
		err = t.writeJSON(&b, object{}, t.name)
	}
	return emit("compare", b.Bytes(), err, stdout, stderr)
}

// readReport reads the continual.json of the run directory arg, or the
// file arg names, and returns it with the file's path. The error is the
// message to print: "DIR has no continual.json (not a continual run)",
// "DIR: no such run directory", or the file and what is wrong with it.
func readReport(arg string) (*continual.Report, string, error) {
	info, err := os.Stat(arg)
	if err != nil {
		return nil, "", fmt.Errorf("%s: no such run directory (want one holding %s)", arg, continualFile)
	}
	path := arg
	if info.IsDir() {
		path = filepath.Join(arg, continualFile)
	}
	r, err := continual.Read(path)
	var bad *continual.ReportError
	switch {
	case err == nil:
		return r, path, nil
	case errors.Is(err, fs.ErrNotExist) && info.IsDir():
		return nil, "", fmt.Errorf("%s has no %s (not a continual run)", arg, continualFile)
	case errors.As(err, &bad):
		return nil, "", fmt.Errorf("%s: %s", bad.File, bad.Problem)
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return nil, "", fmt.Errorf("%s: %v", pathErr.Path, pathErr.Err)
	}
	return nil, "", err
}

// compareColumnsHelp explains the columns of evolve compare in its help.
const compareColumnsHelp = `Each DIR is a continual run directory, or its continual.json. Columns:
status: complete, interrupted (summary.json says so) or partial (fewer
phases closed than the stream has); ACC, BWT and FWT as in
continual.json (for a lower-is-better metric such as mse a positive BWT
means forgetting); the new-task metric averaged over
the first and the last quarter of the phases (ceil(n/4) phases each);
the final network's neurons and connections; gradient_steps and
wall_seconds summed over continual.json's phases, so a resumed run counts
the time of all its parts, and a directory and its continual.json agree.`

// comparedRun is one run of evolve compare: its directory, its report,
// and what its run directory's summary.json and config.toml say of its
// end.
type comparedRun struct {
	dir    string
	report *continual.Report
	// interrupted is summary.json's "interrupted".
	interrupted bool
	// streamPhases is the number of phases of the run's stream, as its
	// config.toml gives it, or 0 when it has none that can be read.
	streamPhases int
}

// status says how the run ended: "interrupted" when its summary.json
// says so; "partial" when it closed fewer phases than its stream has
// (by its config.toml, or by R and b, which hold a column for every
// task of the stream when the run measured them all); "complete" when it
// closed them all; nil when that cannot be told.
func (c *comparedRun) status() any {
	if c.interrupted {
		return "interrupted"
	}
	r := c.report
	stream := max(c.streamPhases, len(r.B), r.Tasks())
	switch {
	case len(r.Phases) < stream:
		return "partial"
	case c.streamPhases > 0 || len(r.B) > 0:
		return "complete"
	}
	return nil
}

// warnMixed warns on stderr when the runs differ in task or in metric,
// naming them: ACC, BWT and FWT of different tasks do not compare, and
// for metrics of opposite directions the sign of BWT and FWT means
// opposite things.
func warnMixed(stderr io.Writer, runs []comparedRun) {
	var tasks, metrics []string
	lower := ""
	for _, c := range runs {
		r := c.report
		if r.Task != "" && !slices.Contains(tasks, r.Task) {
			tasks = append(tasks, r.Task)
		}
		if !slices.Contains(metrics, r.Metric) {
			metrics = append(metrics, r.Metric)
			if !r.Higher && lower == "" {
				lower = r.Metric
			}
		}
	}
	if len(tasks) > 1 {
		fmt.Fprintf(stderr, "evolve compare: warning: the runs are of different tasks (%s): their ACC, BWT and FWT do not compare\n", strings.Join(tasks, ", "))
	}
	if len(metrics) > 1 {
		fmt.Fprintf(stderr, "evolve compare: warning: the runs measure different metrics (%s) in the same columns", strings.Join(metrics, ", "))
		if lower != "" {
			fmt.Fprintf(stderr, "; %s is lower-is-better, so its positive BWT means forgetting, not gain", lower)
		}
		fmt.Fprintln(stderr)
	}
}

// readSummary reads the facts compare takes from the run's summary.json,
// when it has one: its task and strategy where the report names none. A
// summary.json that cannot be read is an error naming the file. The wall
// time is not taken from it: after a resume, summary.json's wall_seconds
// covers the last part of the run only.
func (c *comparedRun) readSummary() error {
	path := filepath.Join(c.dir, summaryFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	var s struct {
		Task        string `json:"task"`
		Strategy    string `json:"strategy"`
		Interrupted bool   `json:"interrupted"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%s: %s", path, jsonerr.Problem(err, b, "an object of run facts"))
	}
	if c.report.Task == "" {
		c.report.Task = s.Task
	}
	if c.report.Strategy == "" {
		c.report.Strategy = s.Strategy
	}
	c.interrupted = s.Interrupted
	return nil
}

// readStreamPhases takes the number of phases of the run's stream from
// its config.toml, when it has one that can be read; otherwise it leaves
// it unknown (0).
func (c *comparedRun) readStreamPhases() {
	if cfg, data, err := recordedConfig(c.dir); err == nil && data != nil {
		c.streamPhases = cfg.Continual.Phases
	}
}

// metricColumn names a column of metric values for the runs' metric:
// its name, such as "accuracy", "mse" or a task's own, when they share
// one, otherwise "metric".
func metricColumn(reports []*continual.Report) string {
	name := ""
	for _, r := range reports {
		switch name {
		case "":
			name = r.Metric
		case r.Metric:
		default:
			return "metric"
		}
	}
	return name
}

// bwtValue returns the report's BWT, or nil when it is undefined (one
// phase).
func bwtValue(r *continual.Report) any {
	if r.BWT == nil {
		return nil
	}
	return *r.BWT
}

// fwtValue returns the report's FWT, or nil when it is undefined.
func fwtValue(r *continual.Report) any {
	if r.FWT == nil {
		return nil
	}
	return *r.FWT
}

// compareTable lists the runs, one row each, in the order given.
func compareTable(runs []comparedRun) *table {
	reports := make([]*continual.Report, len(runs))
	for i, c := range runs {
		reports[i] = c.report
	}
	m := metricColumn(reports)
	t := &table{name: "runs", columns: []string{
		"dir", "strategy", "task", "metric", "phases", "status", "ACC", "BWT", "FWT",
		"new_" + m + "_first_quarter", "new_" + m + "_last_quarter",
		"neurons", "connections", "gradient_steps", "wall_seconds",
	}}
	for _, c := range runs {
		r := c.report
		first, last := r.Quarters()
		final := r.Phases[len(r.Phases)-1]
		var steps int64
		wall := 0.0
		for _, p := range r.Phases {
			steps += p.GradientSteps
			wall += p.WallSeconds
		}
		t.rows = append(t.rows, []any{
			c.dir, r.Strategy, r.Task, r.Metric, len(r.Phases), c.status(), r.ACC, bwtValue(r), fwtValue(r),
			first, last, final.Neurons, final.Connections, steps, wall,
		})
	}
	return t
}
