package tasks

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
)

// CSVPrefix begins the name of a task read from CSV files: "csv:FILE", or
// "csv:TRAIN,TEST" for data split in advance.
const CSVPrefix = "csv:"

// The values of CSVOptions.Target and DataOptions.Target.
const (
	TargetAuto   = "auto"   // decide from the data (see each Target field)
	TargetClass  = "class"  // classification: the targets are class labels
	TargetNumber = "number" // regression: the targets are numbers
)

// CSVAutoClasses is the most distinct values a numeric target column may
// hold to be read as class labels when CSVOptions.Target is "auto".
const CSVAutoClasses = 20

// The success criteria of a CSV task, on the scored split.
const (
	// CSVSolvedAccuracy is the accuracy at which a classification counts
	// as solved.
	CSVSolvedAccuracy = 0.9
	// CSVSolvedVariance is the fraction of the target's variance (over the
	// training split) below which the mean squared error of a regression
	// counts as solved.
	CSVSolvedVariance = 0.01
)

// csvMaxTargetSD bounds the standard deviation of a numeric target: its
// square, the scale of the mean squared error, is then at most 1e300.
const csvMaxTargetSD = 1e150

// csvStream is the id of the stream that splits a single CSV file into
// training and test rows: rngs.New(seed, 0, rngs.Task, 2*csvStream), after
// the sine task's 5. Never renumber it: it fixes the split each seed gives.
const csvStream = 6

// csvDescription describes CSV tasks in general, for `evolve tasks`.
const csvDescription = "your own data: a CSV file with a header row, numeric features and the target last (classes or numbers); csv:TRAIN,TEST for a given split; see [data] in evolve config"

// CSVOptions are the settings of a task read from CSV files. They are the
// [data] section of a run's configuration; DefaultCSVOptions gives the
// defaults.
type CSVOptions struct {
	// Target says how to read the last column: "class" for labels to
	// classify, "number" for values to regress, or "auto": classes when
	// the column holds a value that is not a number, or holds at most
	// CSVAutoClasses (20) distinct values, all integers; numbers otherwise.
	Target string `toml:"target" comment:"for csv: tasks, how to read the last column: auto (classes when it holds a value that is not a number, or at most 20 distinct integers; numbers otherwise), class (labels to classify) or number (values to regress)"`
	// TestFraction is the fraction of the rows of a csv:FILE task held out
	// as its test split (at least one row on each side); csv:TRAIN,TEST
	// tasks use their files as given.
	TestFraction float64 `toml:"test_fraction" comment:"for csv:FILE tasks, the fraction of the rows held out as the test split, in (0, 1); csv:TRAIN,TEST uses the files as given"`
}

// DefaultCSVOptions returns the defaults: the target's kind decided from
// the data, and a quarter of the rows held out for testing.
func DefaultCSVOptions() CSVOptions {
	return CSVOptions{Target: TargetAuto, TestFraction: 0.25}
}

// Validate returns an error naming the first setting out of range.
func (o *CSVOptions) Validate() error {
	switch o.Target {
	case TargetAuto, TargetClass, TargetNumber:
	default:
		return fmt.Errorf("tasks: data.target = %q, want auto, class or number", o.Target)
	}
	if !(o.TestFraction > 0 && o.TestFraction < 1) {
		return fmt.Errorf("tasks: data.test_fraction = %v, want a fraction in (0, 1)", o.TestFraction)
	}
	return nil
}

// CSVError is a problem with the data of a CSV task, placed as precisely
// as it can be: a file, a line of it, and a column of that line.
type CSVError struct {
	File   string // the file, as named in the task
	Line   int    // the line, from 1; 0 for the file as a whole
	Column int    // the column, from 1; 0 for the line as a whole
	Header string // the header of Column
	Err    error  // what is wrong
}

// Error returns "tasks: FILE:LINE: column N ("HEADER"): PROBLEM", without
// the parts that are not known.
func (e *CSVError) Error() string {
	var b strings.Builder
	b.WriteString("tasks: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Column > 0 {
		fmt.Fprintf(&b, "column %d (%q): ", e.Column, e.Header)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns e.Err.
func (e *CSVError) Unwrap() error { return e.Err }

// CSV is a supervised task on data of the user's own, read from CSV files
// (RFC 4180, as encoding/csv reads them; spaces around fields are
// ignored): a header row, then one row per sample, its features in every
// column but the last (numbers) and its target in the last. A task named
// "csv:FILE" splits the rows of FILE at random, by its seed, into
// training and test rows (CSVOptions.TestFraction of them, default a
// quarter, held out); one named "csv:TRAIN,TEST" takes the two files as
// given, which must have the same header.
//
// The target is a class label or a number, as CSVOptions.Target says or,
// by default, as the data suggest. Class labels are any strings; they are
// numbered in sorted order of the distinct labels, numerically when they
// are all numbers ("2" before "10", and "1" and "1.0" the same class) and
// by their text otherwise. Two classes make one sigmoid output, trained
// toward 1 for the second class and 0 for the first with binary
// cross-entropy; k > 2 classes make k identity outputs, read as logits and
// trained toward the one-hot class with softmax cross-entropy. Metric is
// the accuracy (for k > 2 classes, the largest output picks the class),
// and a network solves the task when it reaches CSVSolvedAccuracy (0.9).
// A number is regressed by one identity output with mean squared error.
//
// Each feature is standardised, x' = (x - mean) / sd, with the mean and
// standard deviation of the training split (sd 1 for a constant
// feature), so that networks see inputs of about unit scale whatever the
// data's units; FeatureScale returns the statistics, to treat new data
// alike. A numeric target is standardised the same way (TargetScale), so
// training and Fitness see the standardised target, while Metric is the
// mean squared error in the target's own units, and a network solves the
// task when that falls below CSVSolvedVariance (1%) of the training
// target's variance. Fitness is minus the mean loss.
//
// A CSV is read-only after NewCSV, so any number of goroutines may use it
// at once.
type CSV struct {
	spec        string
	description string
	features    []string // the feature columns' headers
	target      string   // the target column's header
	labels      []string // the class labels in class order; nil for regression
	mean, sd    []float64
	yMean, ySD  float64
	train, test Dataset
}

var _ Supervised = (*CSV)(nil)

// NewCSV reads the task named CSVPrefix+spec: spec is "FILE" or
// "TRAIN,TEST" (paths relative to the working directory; a path holding a
// comma cannot be named). Seed fixes the split of a single file. Every
// problem with a file is returned as a *CSVError that says where it is:
// a file that cannot be read, one with no header or no data rows, a row
// whose number of fields is not the header's, a feature (or numeric
// target) that is empty, not a number, NaN or infinite, a target column
// with a single class or a single value, a split of FILE whose training
// rows hold a single class, and a TEST header that is not TRAIN's.
func NewCSV(spec string, seed uint64, opt CSVOptions) (*CSV, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	files, err := readCSVFiles(spec)
	if err != nil {
		return nil, err
	}
	header := files[0].header
	nf := len(header) - 1
	t := &CSV{spec: spec, features: slices.Clone(header[:nf]), target: header[nf]}
	raw, err := t.parseRows(files, opt.Target)
	if err != nil {
		return nil, err
	}
	var train, test csvRows
	if len(raw) == 2 {
		train, test = raw[0], raw[1]
	} else {
		train, test, err = t.split(raw[0], files[0].name, seed, opt.TestFraction)
		if err != nil {
			return nil, err
		}
	}
	if err := t.scale(train, files[0].name); err != nil {
		return nil, err
	}
	t.train, t.test = t.dataset(train.x, train.y), t.dataset(test.x, test.y)
	t.description = t.describe()
	return t, nil
}

// readCSVFiles reads the files spec names, "FILE" or "TRAIN,TEST",
// checking that FILE has rows enough to split and that TEST's header is
// TRAIN's.
func readCSVFiles(spec string) ([]*csvFile, error) {
	trainName, testName, two := strings.Cut(spec, ",")
	if trainName == "" || two && (testName == "" || strings.Contains(testName, ",")) {
		return nil, fmt.Errorf("tasks: task %q: want csv:FILE or csv:TRAIN,TEST", CSVPrefix+spec)
	}
	names := []string{trainName}
	if two {
		names = append(names, testName)
	}
	var files []*csvFile
	for _, name := range names {
		f, err := readCSV(name)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if !two && len(files[0].rows) < 2 {
		return nil, &CSVError{File: trainName, Err: errors.New("1 data row; splitting it into training and test rows needs at least 2 (or name a test file: csv:TRAIN,TEST)")}
	}
	if two && !slices.Equal(files[0].header, files[1].header) {
		return nil, &CSVError{File: testName, Line: files[1].headerLine, Err: fmt.Errorf("header %s differs from %s's %s; want the same columns",
			quoteAll(files[1].header), trainName, quoteAll(files[0].header))}
	}
	return files, nil
}

// csvRows are samples read from CSV files: their features, row by row,
// and their targets, class indices or values.
type csvRows struct {
	x, y []float64
}

// parseRows returns each file's rows as numbers, setting t.labels when
// target ("auto", "class" or "number") and the data make the targets
// classes. Problems with a cell are reported before those with a column.
func (t *CSV) parseRows(files []*csvFile, target string) ([]csvRows, error) {
	raw := make([]csvRows, len(files))
	var labels []string
	for k, f := range files {
		x, err := f.features()
		if err != nil {
			return nil, err
		}
		raw[k].x = x
		labels = append(labels, f.target()...)
	}
	// The kind of target and the classes come from all the rows, the
	// checks for a single class or value from those that training sees all
	// of: FILE's, or TRAIN's.
	var err error
	if target == TargetClass || target == TargetAuto && autoClasses(labels) {
		err = t.targetClasses(files, raw, labels)
	} else {
		err = t.targetValues(files, raw)
	}
	if err != nil {
		return nil, err
	}
	return raw, nil
}

// targetClasses sets t.labels to the classes of labels, the target cells
// of all the files, and each file's y to its rows' classes. The first
// file must hold two classes or more.
func (t *CSV) targetClasses(files []*csvFile, raw []csvRows, labels []string) error {
	classes, classOf := classLabels(labels)
	if own, _ := classLabels(files[0].target()); len(own) < 2 {
		return &CSVError{File: files[0].name, Err: fmt.Errorf("the target column %q has only one class, %q; classification needs at least 2", t.target, own[0])}
	}
	t.labels = classes
	for k, f := range files {
		for _, l := range f.target() {
			raw[k].y = append(raw[k].y, float64(classOf[classKey(l, classOf)]))
		}
	}
	return nil
}

// targetValues sets each file's y to its rows' target values. The first
// file must hold two distinct values or more.
func (t *CSV) targetValues(files []*csvFile, raw []csvRows) error {
	last := len(t.features)
	for k, f := range files {
		for i, l := range f.target() {
			v, err := parseNumber(l)
			if err != nil {
				return f.cellError(i, last, err)
			}
			raw[k].y = append(raw[k].y, v)
		}
	}
	if y := raw[0].y; !slices.ContainsFunc(y, func(v float64) bool { return v != y[0] }) {
		return &CSVError{File: files[0].name, Err: fmt.Errorf("the target column %q is constant (%v); regression needs at least 2 distinct values", t.target, y[0])}
	}
	return nil
}

// split divides the rows of the file named name at random, by seed, into
// training and test rows, holding out testFraction of them (at least one,
// and one left). A split that leaves training a single class is an error.
func (t *CSV) split(rows csvRows, name string, seed uint64, testFraction float64) (train, test csvRows, err error) {
	n := len(rows.y)
	held := min(max(int(math.Round(testFraction*float64(n))), 1), n-1)
	perm := rngs.New(seed, 0, rngs.Task, 2*csvStream).Perm(n)
	testRows, trainRows := perm[:held], perm[held:]
	slices.Sort(testRows)
	slices.Sort(trainRows)
	nf := len(t.features)
	train, test = rows.pick(trainRows, nf), rows.pick(testRows, nf)
	// The file has two classes or more, but the split may leave training
	// one.
	if inTrain := t.classesOf(train.y); len(inTrain) == 1 {
		return csvRows{}, csvRows{}, &CSVError{File: name, Err: fmt.Errorf("the training split (%s) has only one class, %s, and the test split (%s) %s; classification needs at least 2 in training: "+
			"change [data] test_fraction or the seed, add rows of the other classes, or split the file yourself (csv:TRAIN,TEST)",
			plural(len(train.y), "row"), inTrain[0], plural(len(test.y), "row"), strings.Join(t.classesOf(test.y), ", "))}
	}
	return train, test, nil
}

// pick returns the rows of r at idx, each of nf features.
func (r csvRows) pick(idx []int, nf int) csvRows {
	p := csvRows{x: make([]float64, 0, len(idx)*nf), y: make([]float64, 0, len(idx))}
	for _, i := range idx {
		p.x = append(p.x, r.x[i*nf:(i+1)*nf]...)
		p.y = append(p.y, r.y[i])
	}
	return p
}

// scale sets the statistics that standardise the features and a numeric
// target to those of the training rows, train, read from the file named
// name. A target too spread for its squared errors to be finite is an
// error.
func (t *CSV) scale(train csvRows, name string) error {
	nf := len(t.features)
	t.mean, t.sd = make([]float64, nf), make([]float64, nf)
	for j := range nf {
		t.mean[j], t.sd[j] = meanSD(train.x, j, nf)
	}
	t.yMean, t.ySD = 0, 1
	if t.labels != nil {
		return nil
	}
	t.yMean, t.ySD = meanSD(train.y, 0, 1)
	// Metric, the mean squared error in the target's units, is the variance
	// for a network that has learned nothing: it must not overflow even
	// when a network errs far more.
	if t.ySD > csvMaxTargetSD {
		return &CSVError{File: name, Column: nf + 1, Header: t.target, Err: fmt.Errorf(
			"the target's standard deviation over the training rows is %.3g; want at most %g, so that mean squared errors in the target's units stay finite: rescale the column", t.ySD, csvMaxTargetSD)}
	}
	return nil
}

// describe returns the task's description, for Info: its files, the kind
// of target, and the size of each split.
func (t *CSV) describe() string {
	kind := fmt.Sprintf("regression of %q", t.target)
	if t.labels != nil {
		kind = fmt.Sprintf("%d-class classification of %q", len(t.labels), t.target)
	}
	return fmt.Sprintf("%s: %s from %d features; %d training and %d test rows",
		strings.ReplaceAll(t.spec, ",", ", "), kind, len(t.features), t.train.Len(), t.test.Len())
}

// classesOf returns the labels of the classes in y, class indices, in
// class order and quoted; none for regression.
func (t *CSV) classesOf(y []float64) []string {
	if t.labels == nil {
		return nil
	}
	seen := make([]bool, len(t.labels))
	for _, c := range y {
		seen[int(c)] = true
	}
	var q []string
	for i, l := range t.labels {
		if seen[i] {
			q = append(q, strconv.Quote(l))
		}
	}
	return q
}

// dataset standardises raw features x and turns targets y (class indices
// or values) into network targets.
func (t *CSV) dataset(x, y []float64) Dataset {
	nf := len(t.features)
	d := Dataset{Inputs: nf, Outputs: t.outputs(), X: make([]float64, len(x))}
	for i, v := range x {
		j := i % nf
		d.X[i] = standardise(v, t.mean[j], t.sd[j])
	}
	switch k := len(t.labels); {
	case k > 2:
		d.Y = make([]float64, len(y)*k)
		for i, c := range y {
			d.Y[i*k+int(c)] = 1
		}
	case k == 2:
		d.Y = slices.Clone(y)
	default:
		d.Y = make([]float64, len(y))
		for i, v := range y {
			d.Y[i] = standardise(v, t.yMean, t.ySD)
		}
	}
	return d
}

// outputs returns the number of network outputs.
func (t *CSV) outputs() int {
	if k := len(t.labels); k > 2 {
		return k
	}
	return 1
}

// meanSD returns the mean and standard deviation (over n, not n-1) of
// v[j], v[j+stride], ..., or the mean and 1 when they are all the same.
// It sums the values divided by a power of two above the largest |value|,
// which is exact, so that no sum or square overflows however large the
// values are (near 1e308 the sum would, and from about 1e154 the squares).
func meanSD(v []float64, j, stride int) (mean, sd float64) {
	n, largest := 0, 0.0
	for i := j; i < len(v); i += stride {
		largest = max(largest, math.Abs(v[i]))
		n++
	}
	_, exp := math.Frexp(largest)          // largest < 2^exp
	scale := math.Ldexp(1, min(exp, 1023)) // 2^1024 is not a float64
	for i := j; i < len(v); i += stride {
		mean += v[i] / scale
	}
	mean /= float64(n)
	for i := j; i < len(v); i += stride {
		d := v[i]/scale - mean
		sd += d * d
	}
	// Neither is above the largest |value| once scaled back.
	mean, sd = mean*scale, math.Sqrt(sd/float64(n))*scale
	if !(sd > 0) {
		sd = 1
	}
	return mean, sd
}

// standardise returns (v - mean) / sd, halving v and mean first where
// their difference would overflow (values of opposite signs near the
// largest float64).
func standardise(v, mean, sd float64) float64 {
	if d := v - mean; !math.IsInf(d, 0) {
		return d / sd
	}
	return (v/2 - mean/2) / sd * 2
}

// Info implements Task. Name is the task's name as given, CSVPrefix and
// the spec passed to NewCSV.
func (t *CSV) Info() Info {
	info := Info{
		Name: CSVPrefix + t.spec, Description: t.description,
		Inputs: len(t.features), Outputs: t.outputs(), Bias: true,
		OutputAct: network.Identity, FeedForward: true,
		MaxFitness: 0, Metric: "accuracy",
		Supervised: true, Deterministic: true,
	}
	switch len(t.labels) {
	case 0:
		info.Metric, info.LowerIsBetter = "mse", true
	case 2:
		info.OutputAct = network.Sigmoid
	}
	return info
}

// Train implements Supervised.
func (t *CSV) Train() *Dataset { return &t.train }

// Test implements Supervised.
func (t *CSV) Test() *Dataset { return &t.test }

// Loss implements Supervised: binary cross-entropy for two classes,
// softmax cross-entropy for more, and mean squared error for regression.
func (t *CSV) Loss() network.Loss {
	switch len(t.labels) {
	case 0:
		return network.MSE
	case 2:
		return network.BinaryCE
	}
	return network.SoftmaxCE
}

// Classes implements Supervised: the number of classes, or 0 for
// regression.
func (t *CSV) Classes() int { return len(t.labels) }

// Labels returns the class labels in class order (class i is Labels()[i]),
// or nil for regression. Numeric labels are written as strconv.FormatFloat
// writes them ('g', shortest).
func (t *CSV) Labels() []string { return slices.Clone(t.labels) }

// Features returns the headers of the feature columns, in input order.
func (t *CSV) Features() []string { return slices.Clone(t.features) }

// Target returns the header of the target column.
func (t *CSV) Target() string { return t.target }

// FeatureScale returns the mean and standard deviation of each feature
// over the training split, by which the task standardises its inputs:
// input j is (x[j] - mean[j]) / sd[j].
func (t *CSV) FeatureScale() (mean, sd []float64) {
	return slices.Clone(t.mean), slices.Clone(t.sd)
}

// TargetScale returns the mean and standard deviation of a numeric target
// over the training split, by which the task standardises it (the network
// learns (y - mean) / sd), or 0 and 1 for classification.
func (t *CSV) TargetScale() (mean, sd float64) { return t.yMean, t.ySD }

// Score implements Supervised. For classification, Metric is the accuracy
// (the sigmoid output above 0.5 for the second class of two; the largest
// output the target class of more) and Solved means accuracy >=
// CSVSolvedAccuracy. For regression, Metric is the mean squared error in
// the target's own units and Solved means it is below CSVSolvedVariance
// of the training target's variance; Fitness is minus the mean squared
// error of the standardised target. It panics if d is empty or does not
// fit net, or if net is recurrent.
func (t *CSV) Score(net *network.Network, d *Dataset, b *network.Batch) Result {
	loss, metric := ScoreBatch(net, d, b, t.Loss(), t.Classes())
	if t.labels == nil {
		// metric is the mean squared error of the standardised target.
		return Result{Fitness: -loss, Solved: metric < CSVSolvedVariance, Metric: metric * t.ySD * t.ySD}
	}
	return Result{Fitness: -loss, Solved: metric >= CSVSolvedAccuracy, Metric: metric}
}

// Evaluate implements Task: Score on the test split. The random stream is
// not used.
func (t *CSV) Evaluate(net *network.Network, _ *rand.Rand) Result {
	var b network.Batch
	return t.Score(net, &t.test, &b)
}

// csvFile is a CSV file as read: its header and its data rows, each field
// without the spaces around it.
type csvFile struct {
	name       string
	header     []string
	headerLine int
	rows       [][]string
	lines      []int // the line each row starts on
}

// readCSV reads the named file, checking that it has a header of at least
// two columns and one or more data rows, each as wide as the header.
func readCSV(name string) (*csvFile, error) {
	fail := func(line int, err error) error { return &CSVError{File: name, Line: line, Err: err} }
	file, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the file is named already
		}
		return nil, fail(0, err)
	}
	defer file.Close()
	r := csv.NewReader(file)
	r.FieldsPerRecord = -1 // row widths are checked below, to say more
	r.TrimLeadingSpace = true
	f := &csvFile{name: name}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fail(pe.Line, fmt.Errorf("%v (at character %d)", pe.Err, pe.Column))
		} else if err != nil {
			return nil, fail(0, err)
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if f.header == nil {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a byte order mark
			if len(rec) < 2 {
				return nil, fail(line, fmt.Errorf("header of 1 column %q; want one or more feature columns and the target last", rec[0]))
			}
			f.header, f.headerLine = rec, line
			continue
		}
		if len(rec) != len(f.header) {
			return nil, fail(line, fmt.Errorf("%d fields; the header has %d", len(rec), len(f.header)))
		}
		f.rows = append(f.rows, rec)
		f.lines = append(f.lines, line)
	}
	switch {
	case f.header == nil:
		return nil, fail(0, errors.New("empty file; want a header row, then a row per sample"))
	case len(f.rows) == 0:
		return nil, fail(0, errors.New("no data rows after the header"))
	}
	return f, nil
}

// cellError returns err placed at column j of data row i.
func (f *csvFile) cellError(i, j int, err error) error {
	return &CSVError{File: f.name, Line: f.lines[i], Column: j + 1, Header: f.header[j], Err: err}
}

// features returns the feature cells of f's rows as numbers, row by row.
// It checks each row's target cell too, that it is not empty, so that the
// first bad cell of the file is the one reported.
func (f *csvFile) features() ([]float64, error) {
	nf := len(f.header) - 1
	x := make([]float64, 0, len(f.rows)*nf)
	for i, row := range f.rows {
		for j, cell := range row[:nf] {
			v, err := parseNumber(cell)
			if err != nil {
				return nil, f.cellError(i, j, err)
			}
			x = append(x, v)
		}
		if row[nf] == "" {
			return nil, f.cellError(i, nf, errors.New("empty cell; want a target"))
		}
	}
	return x, nil
}

// target returns the target column's values.
func (f *csvFile) target() []string {
	last := len(f.header) - 1
	v := make([]string, len(f.rows))
	for i, row := range f.rows {
		v[i] = row[last]
	}
	return v
}

// parseNumber returns the finite number s spells.
func parseNumber(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("empty cell; want a number (missing values are not supported)")
	}
	v, err := strconv.ParseFloat(s, 64)
	var ne *strconv.NumError
	switch {
	case errors.As(err, &ne) && ne.Err == strconv.ErrRange && math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a finite number (too large)", s)
	case err != nil:
		return 0, fmt.Errorf("%q is not a number", s)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return v, nil
}

// autoClasses reports whether the target values read as class labels
// under CSVOptions.Target "auto": one of them is not a number, or they
// are at most CSVAutoClasses distinct integers.
func autoClasses(values []string) bool {
	distinct := make(map[float64]bool)
	for _, s := range values {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return true
		}
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return false
		}
		distinct[v] = true
	}
	return len(distinct) <= CSVAutoClasses
}

// classLabels returns the distinct class labels of values in class order,
// and the class of each label's key (see classKey): numerically ordered
// when every value is a finite number, ordered by text otherwise.
func classLabels(values []string) ([]string, map[string]int) {
	numeric := true
	nums := make([]float64, len(values))
	for i, s := range values {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			numeric = false
			break
		}
		nums[i] = v
	}
	var labels []string
	if numeric {
		slices.Sort(nums)
		nums = slices.Compact(nums) // -0 == 0: one class
		labels = make([]string, len(nums))
		for i, v := range nums {
			labels[i] = formatLabel(v)
		}
	} else {
		labels = slices.Compact(slices.Sorted(slices.Values(values)))
	}
	classOf := make(map[string]int, len(labels))
	for i, l := range labels {
		classOf[l] = i
	}
	return labels, classOf
}

// classKey returns the key of label s in classOf, the map classLabels
// returns: s itself, or its number written as formatLabel writes it when
// the labels are numeric.
func classKey(s string, classOf map[string]int) string {
	if _, ok := classOf[s]; ok {
		return s
	}
	v, _ := strconv.ParseFloat(s, 64)
	return formatLabel(v)
}

// formatLabel writes a numeric class label.
func formatLabel(v float64) string {
	if v == 0 {
		v = 0 // not -0
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// quoteAll returns fields quoted and joined by commas.
func quoteAll(fields []string) string {
	q := make([]string, len(fields))
	for i, s := range fields {
		q[i] = strconv.Quote(s)
	}
	return "(" + strings.Join(q, ", ") + ")"
}
