package continual

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/neuroplast/neuroplast/internal/atomicfile"
	"github.com/neuroplast/neuroplast/internal/jsonerr"
)

// The built-in tasks' metrics, named as tasks.Info.Metric names them. A
// Report may hold any other metric a task names too, with the direction
// the task gives it (tasks.Info.LowerIsBetter); these three have a known
// direction, and a known range that Check enforces.
const (
	Accuracy = "accuracy" // the fraction of test examples classified right, 0 to 1; higher is better
	MSE      = "mse"      // the mean squared error on the test examples, >= 0; lower is better
	Balanced = "balanced" // the fraction of a control trial balanced, 0 to 1; higher is better
)

// HigherIsBetter reports whether higher values of metric are better, and
// whether metric is one whose direction is known (Accuracy, MSE or
// Balanced). For another metric the direction is the task's, which a
// Report records in Higher.
func HigherIsBetter(metric string) (higher, known bool) {
	switch metric {
	case Accuracy, Balanced:
		return true, true
	case MSE:
		return false, true
	}
	return false, false
}

// Phase describes one phase of a continual run: the training on one task of
// the stream and the network measured at its end.
type Phase struct {
	// Index is the phase's position, from 0: its row of Report.R.
	Index int `json:"index"`
	// Task names the task learnt in the phase, such as "permutation 3" or
	// "digits 4-5"; it may be empty.
	Task string `json:"task,omitempty"`
	// NewTask is the test metric on the phase's own task after it, R[i][i].
	NewTask float64 `json:"new_task"`
	// Neurons (hidden) and Connections (enabled) describe the network
	// measured: the champion, or the baseline network.
	Neurons     int `json:"neurons"`
	Connections int `json:"connections"`
	// Dropins and Apoptoses count the neurons added and removed during
	// the phase: for evolution, summed over its generations as
	// population.Stats counts them; for a baseline network, the units it
	// grew and removed (a continual-backprop replacement is one of each).
	Dropins   int `json:"dropins"`
	Apoptoses int `json:"apoptoses"`
	// GradientSteps counts the minibatch steps taken during the phase, by
	// every network trained.
	GradientSteps int64 `json:"gradient_steps"`
	// Generations counts the generations evaluated during the phase (for
	// a baseline network, the generations it was trained in).
	Generations int `json:"generations"`
	// WallSeconds is the phase's wall-clock time, measurements included.
	WallSeconds float64 `json:"wall_seconds"`
}

// Report is the outcome of a continual run, as continual.json holds it.
// Read and Tracker.Report return reports that pass Check.
type Report struct {
	// Task names the stream of tasks, such as "permuted-mnist".
	Task string `json:"task"`
	// Strategy names the learner, such as "plastic", "neat" or a baseline.
	Strategy string `json:"strategy"`
	// Metric names what R holds: Accuracy, MSE, Balanced or the task's
	// own metric, such as "reward".
	Metric string `json:"metric"`
	// Higher is true when higher values of Metric are better: as
	// HigherIsBetter says for Accuracy, MSE and Balanced, as the task
	// says for another metric.
	Higher bool `json:"higher_is_better"`
	// ACC, BWT and FWT are the metrics of the package doc. BWT is nil
	// when R does not define it, with one phase (see BWT); FWT is nil when
	// R and B do not define it (see FWT). In JSON they are then absent.
	ACC float64  `json:"ACC"`
	BWT *float64 `json:"BWT,omitempty"`
	FWT *float64 `json:"FWT,omitempty"`
	// R holds one row per phase: R[i][j] is the metric on task j after
	// phase i. R[i] has at least i+1 entries (the tasks seen so far) and
	// may have more (tasks not learnt yet).
	R [][]float64 `json:"R"`
	// B is the metric on each task at initialisation, before phase 0, or
	// nil when it was not measured.
	B []float64 `json:"b,omitempty"`
	// Phases describes each phase, one per row of R.
	Phases []Phase `json:"phases"`
}

// ReportError reports a Report, or a file that should hold one, that is
// malformed or inconsistent.
type ReportError struct {
	File    string // the file's path; empty for a Report in memory
	Problem string // what is wrong, such as "R[2] has 1 entries, want at least 3"
}

// Error returns "continual: FILE: PROBLEM", or "continual: PROBLEM".
func (e *ReportError) Error() string {
	if e.File == "" {
		return "continual: " + e.Problem
	}
	return "continual: " + e.File + ": " + e.Problem
}

func invalid(format string, a ...any) *ReportError {
	return &ReportError{Problem: fmt.Sprintf(format, a...)}
}

// Tasks returns the number of tasks R covers: the length of its longest
// row, at least the number of phases.
func (r *Report) Tasks() int {
	n := 0
	for _, row := range r.R {
		n = max(n, len(row))
	}
	return n
}

// Quarters returns the mean new-task metric (Phase.NewTask) over the first
// and over the last quarter of the phases, ceil(n/4) phases each of n, so
// that both are defined, and the same, for a run of one phase. It returns
// NaNs when there are no phases.
func (r *Report) Quarters() (first, last float64) {
	n := len(r.Phases)
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	k := (n + 3) / 4
	mean := func(ps []Phase) float64 {
		sum := 0.0
		for _, p := range ps {
			sum += p.NewTask
		}
		return sum / float64(len(ps))
	}
	return mean(r.Phases[:k]), mean(r.Phases[n-k:])
}

// Check reports what is wrong with r, or nil: no metric, or a Higher
// that disagrees with a metric of known direction (HigherIsBetter); no rows; a row R[i] shorter than i+1; a
// value that is not finite or, for Accuracy, outside 0 to 1 (for MSE,
// negative); B shorter than the phases; Phases not one per row, with
// indices in order and NewTask equal to R[i][i]; negative counts or
// times; ACC, BWT or FWT other than R and B give (within a relative 1e-9).
// The error is a *ReportError.
func (r *Report) Check() error {
	higher, known := HigherIsBetter(r.Metric)
	switch {
	case r.Metric == "":
		return invalid("no metric (want the name of what R holds, such as %q or %q)", Accuracy, MSE)
	case known && r.Higher != higher:
		return invalid("higher_is_better is %v, but for %s it is %v", r.Higher, r.Metric, higher)
	case len(r.R) == 0:
		return invalid("no matrix R (want one row per phase)")
	}
	for i, row := range r.R {
		if len(row) < i+1 {
			return invalid("R[%d] has %d entries, want at least %d (the metric on tasks 0 to %d after phase %d)", i, len(row), i+1, i, i)
		}
		for j, v := range row {
			if err := checkValue(r.Metric, v); err != "" {
				return invalid("R[%d][%d] (task %d after phase %d) %s", i, j, j, i, err)
			}
		}
	}
	T := len(r.R)
	if r.B != nil && len(r.B) < T {
		return invalid("b has %d entries, want at least %d (one per task learnt) or none", len(r.B), T)
	}
	for j, v := range r.B {
		if err := checkValue(r.Metric, v); err != "" {
			return invalid("b[%d] (task %d at initialisation) %s", j, j, err)
		}
	}
	if len(r.Phases) != T {
		return invalid("%d rows in R but %d phases (want one of each per phase)", T, len(r.Phases))
	}
	for i, p := range r.Phases {
		switch {
		case p.Index != i:
			return invalid("phases[%d] has index %d, want %d (phases in order, from 0)", i, p.Index, i)
		case p.NewTask != r.R[i][i]:
			return invalid("phases[%d].new_task is %v but R[%d][%d] is %v (want them equal)", i, p.NewTask, i, i, r.R[i][i])
		case !(p.WallSeconds >= 0) || math.IsInf(p.WallSeconds, 0):
			return invalid("phases[%d].wall_seconds is %v, want a finite number >= 0", i, p.WallSeconds)
		}
		for _, c := range []struct {
			name string
			n    int64
		}{
			{"neurons", int64(p.Neurons)}, {"connections", int64(p.Connections)},
			{"dropins", int64(p.Dropins)}, {"apoptoses", int64(p.Apoptoses)},
			{"gradient_steps", p.GradientSteps}, {"generations", int64(p.Generations)},
		} {
			if c.n < 0 {
				return invalid("phases[%d].%s is %d, want >= 0", i, c.name, c.n)
			}
		}
	}
	if acc := ACC(r.R); !approxEqual(r.ACC, acc) {
		return invalid("ACC is %v but R gives %v", r.ACC, acc)
	}
	bwt, ok := BWT(r.R)
	switch {
	case ok && r.BWT == nil:
		return invalid("no BWT but R gives %v", bwt)
	case !ok && r.BWT != nil:
		return invalid("BWT is %v but R does not define it (one phase: no task was learnt after another)", *r.BWT)
	case ok && !approxEqual(*r.BWT, bwt):
		return invalid("BWT is %v but R gives %v", *r.BWT, bwt)
	}
	fwt, ok := FWT(r.R, r.B)
	switch {
	case ok && r.FWT == nil:
		return invalid("no FWT but R and b give %v", fwt)
	case !ok && r.FWT != nil:
		return invalid("FWT is %v but R and b do not define it (%s)", *r.FWT, whyNoFWT(r.R, r.B))
	case ok && !approxEqual(*r.FWT, fwt):
		return invalid("FWT is %v but R and b give %v", *r.FWT, fwt)
	}
	return nil
}

// checkValue describes what is wrong with v as a value of metric, or
// returns "".
func checkValue(metric string, v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprintf("is %v, want a finite number", v)
	case metric == Accuracy && (v < 0 || v > 1):
		return fmt.Sprintf("is %v, not an accuracy (want 0 to 1)", v)
	case metric == MSE && v < 0:
		return fmt.Sprintf("is %v, not a mean squared error (want >= 0)", v)
	}
	return ""
}

// whyNoFWT says why FWT(R, b) is undefined.
func whyNoFWT(R [][]float64, b []float64) string {
	switch {
	case len(R) < 2:
		return "one phase: no task follows another"
	case len(b) == 0:
		return "no b: the tasks were not measured at initialisation"
	}
	for j := 1; j < len(R); j++ {
		if len(R[j-1]) <= j {
			return fmt.Sprintf("R[%d] lacks task %d, measured before it was learnt", j-1, j)
		}
	}
	return "b is too short"
}

// approxEqual reports whether got equals want within a relative 1e-9.
func approxEqual(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// Write checks r and writes it as JSON to path, replacing the file
// atomically: readers see the old report or the new, never a part. One
// row of R and one phase go on each line.
func (r *Report) Write(path string) error {
	if err := r.Check(); err != nil {
		return err
	}
	b, err := r.encode()
	if err != nil {
		return fmt.Errorf("continual: encoding %s: %v", path, err)
	}
	err = atomicfile.Write(path, "."+filepath.Base(path)+".tmp*", func(f *os.File) error {
		_, err := f.Write(b)
		return err
	})
	if err != nil {
		return fmt.Errorf("continual: %w", err)
	}
	return nil
}

// encode returns r as indented JSON, with the keys of its struct tags in
// their order, but each row of R and each phase on one line.
func (r *Report) encode() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	v := reflect.ValueOf(r).Elem()
	first := true
	for i := range v.NumField() {
		name, opts, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		f := v.Field(i)
		if opts == "omitempty" && f.IsZero() {
			continue
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		fmt.Fprintf(&b, "  %q: ", name)
		if f.Kind() != reflect.Slice || f.Len() == 0 || name == "b" {
			enc, err := json.Marshal(f.Interface())
			if err != nil {
				return nil, err
			}
			b.Write(enc)
			continue
		}
		b.WriteString("[\n")
		for k := range f.Len() {
			enc, err := json.Marshal(f.Index(k).Interface())
			if err != nil {
				return nil, err
			}
			b.WriteString("    ")
			b.Write(enc)
			if k < f.Len()-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString("  ]")
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// file is the JSON of a Report as Read decodes it: pointers tell a missing
// or null value from a zero.
type file struct {
	Task     string       `json:"task"`
	Strategy string       `json:"strategy"`
	Metric   string       `json:"metric"`
	Higher   *bool        `json:"higher_is_better"`
	ACC      *float64     `json:"ACC"`
	BWT      *float64     `json:"BWT"`
	FWT      *float64     `json:"FWT"`
	R        [][]*float64 `json:"R"`
	B        []*float64   `json:"b"`
	Phases   []Phase      `json:"phases"`
}

// Read reads and checks the report at path. A missing higher_is_better
// is HigherIsBetter's for Accuracy, MSE and Balanced (an older file's
// metrics), and required for any other metric; a missing ACC, BWT or FWT
// is computed, and a BWT of 0 with one phase, as older files hold, is read
// as undefined; a missing phases list is made of the indices
// and new-task metrics alone. The error wraps fs.ErrNotExist when there is
// no file; for a file that is not a valid report it is a *ReportError
// naming the file and the problem (see Report.Check).
func Read(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("continual: %w", err)
	}
	r, rerr := decode(data)
	if rerr != nil {
		rerr.File = path
		return nil, rerr
	}
	return r, nil
}

// decode decodes and checks a report.
func decode(data []byte) (*Report, *ReportError) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("empty file (want a JSON object with metric, R and phases)")
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, invalid("%s", jsonerr.Problem(err, data, "an object with metric, R and phases"))
	}
	r := &Report{Task: f.Task, Strategy: f.Strategy, Metric: f.Metric, Phases: f.Phases}
	if f.R == nil {
		return nil, invalid("no matrix R (want one row per phase)")
	}
	r.R = make([][]float64, len(f.R))
	for i, row := range f.R {
		r.R[i] = make([]float64, len(row))
		for j, v := range row {
			if v == nil {
				return nil, invalid("R[%d][%d] is null (want a number; leave unmeasured tasks out of the row's end)", i, j)
			}
			r.R[i][j] = *v
		}
	}
	if f.B != nil {
		r.B = make([]float64, len(f.B))
		for j, v := range f.B {
			if v == nil {
				return nil, invalid("b[%d] is null (want a number)", j)
			}
			r.B[j] = *v
		}
	}
	higher, known := HigherIsBetter(r.Metric)
	r.Higher = higher
	switch {
	case f.Higher != nil:
		r.Higher = *f.Higher
	case r.Metric != "" && !known:
		return nil, invalid("no higher_is_better for metric %q (want true or false; only %q, %q and %q have a known direction)", r.Metric, Accuracy, MSE, Balanced)
	}
	if len(r.R) > 0 && !tooShort(r.R) {
		// Fill in what is missing; Check reports the problems otherwise.
		if f.Phases == nil {
			for i := range r.R {
				r.Phases = append(r.Phases, Phase{Index: i, NewTask: r.R[i][i]})
			}
		}
		r.ACC = ACC(r.R)
		if bwt, ok := BWT(r.R); ok {
			r.BWT = &bwt
		}
		if fwt, ok := FWT(r.R, r.B); ok {
			r.FWT = &fwt
		}
	}
	if f.ACC != nil {
		r.ACC = *f.ACC
	}
	switch {
	case f.BWT == nil:
	case len(r.R) == 1 && *f.BWT == 0:
		// An older file's BWT of one phase, written as 0 before BWT
		// was undefined there.
	default:
		r.BWT = f.BWT
	}
	if f.FWT != nil {
		r.FWT = f.FWT
	}
	if err := r.Check(); err != nil {
		return nil, err.(*ReportError)
	}
	return r, nil
}

// tooShort reports whether a row R[i] has fewer than i+1 entries.
func tooShort(R [][]float64) bool {
	for i, row := range R {
		if len(row) < i+1 {
			return true
		}
	}
	return false
}

// Tracker collects the rows of R and the phases of a continual run as it
// goes, and makes a Report of them. Set Task, Strategy, Metric,
// LowerIsBetter and, when the run measures the tasks at initialisation, B;
// then call AddPhase at the end of every phase. A Tracker is not safe for
// concurrent use.
type Tracker struct {
	Task     string
	Strategy string
	Metric   string // Accuracy, MSE, Balanced or the task's own, not empty
	// LowerIsBetter says that lower values of Metric are better, as
	// tasks.Info.LowerIsBetter does. MSE is lower-is-better whether it is
	// set or not; for Accuracy and Balanced it must not be set.
	LowerIsBetter bool
	B             []float64 // the metric on each task at initialisation, or nil

	rows   [][]float64
	phases []Phase
}

// AddPhase records the end of the next phase, i = the number of phases
// added before: row is the test metric on tasks 0, 1, ... after it, at
// least on the tasks 0 to i seen so far (and on task i+1 too for FWT); p
// describes the phase. AddPhase copies row and sets p.Index to i and
// p.NewTask to row[i].
//
// It panics if row has fewer than i+1 entries.
func (t *Tracker) AddPhase(row []float64, p Phase) {
	i := len(t.rows)
	if len(row) < i+1 {
		panic(fmt.Sprintf("continual: Tracker.AddPhase: the row of phase %d has %d entries, want at least %d (the tasks seen so far)", i, len(row), i+1))
	}
	p.Index, p.NewTask = i, row[i]
	t.rows = append(t.rows, append([]float64(nil), row...))
	t.phases = append(t.phases, p)
}

// Phases returns the number of phases added.
func (t *Tracker) Phases() int { return len(t.rows) }

// Report returns the report of the phases added so far, with its metrics
// computed. The error, a *ReportError, reports no phases, no metric, a
// direction that disagrees with the metric's, or a value Check refuses (a
// NaN, an accuracy above 1).
func (t *Tracker) Report() (*Report, error) {
	if len(t.rows) == 0 {
		return nil, invalid("no phases yet")
	}
	higher := !t.LowerIsBetter
	if h, known := HigherIsBetter(t.Metric); known && !h {
		higher = false
	}
	r := &Report{
		Task: t.Task, Strategy: t.Strategy, Metric: t.Metric, Higher: higher,
		R:      make([][]float64, len(t.rows)),
		Phases: append([]Phase(nil), t.phases...),
	}
	for i, row := range t.rows {
		r.R[i] = append([]float64(nil), row...)
	}
	if t.B != nil {
		r.B = append([]float64(nil), t.B...)
	}
	r.ACC = ACC(r.R)
	if bwt, ok := BWT(r.R); ok {
		r.BWT = &bwt
	}
	if fwt, ok := FWT(r.R, r.B); ok {
		r.FWT = &fwt
	}
	if err := r.Check(); err != nil {
		return nil, err
	}
	return r, nil
}

// Write writes the report of the phases added so far to path, atomically
// (see Report.Write). Calling it after every phase keeps a report of an
// interrupted run.
func (t *Tracker) Write(path string) error {
	r, err := t.Report()
	if err != nil {
		return err
	}
	return r.Write(path)
}
