package tasks

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neuroplast/neuroplast/network"
)

// DataOptions are the settings of a supervised task on data held in
// memory (NewData). The zero value decides the kind of target from the
// data and takes the default success criterion.
type DataOptions struct {
	// Target says what the targets are: TargetClass for classes,
	// TargetNumber for numbers to regress, or TargetAuto (or "", the same)
	// to decide from the data: classes when every target, training and
	// test, is 0 or 1 (with several outputs each sample's must then be
	// one-hot, or NewData says which is not); numbers otherwise.
	Target string
	// Solved is the success criterion on the scored split. For classes it
	// is the accuracy at or above which a network solves the task, in
	// (0, 1], and 0 takes CSVSolvedAccuracy (0.9). For numbers it is the
	// mean squared error below which a network solves the task, > 0, and 0
	// takes CSVSolvedVariance (1%) of the variance of the training targets
	// (the mean of each output's), as for a CSV task.
	Solved float64
	// Description is the task's one-line description (Info.Description).
	// Empty, NewData writes one from the data, such as "2-class
	// classification from 2 inputs; 150 training and 50 test samples".
	Description string
}

// Data is a supervised task on data of the caller's own, held in memory:
// the training and test datasets given to NewData. As with the built-in
// supervised tasks, evaluation fine-tunes each network on the training
// data and measures its fitness on a held-out part of them
// (evaluate.Training.Validation), while the test data are for Evaluate
// and reports (population.Population.TestScore), never for selection.
//
// The targets are classes or numbers (DataOptions.Target). Classes are 0
// or 1 with one output: two classes, one sigmoid output trained toward the
// target with binary cross-entropy. With k >= 2 outputs they are one-hot:
// k classes, k identity outputs read as logits and trained with softmax
// cross-entropy. Metric is then the accuracy, as ScoreBatch measures it,
// and a network solves the task when it reaches DataOptions.Solved.
// Numbers are regressed by identity outputs with mean squared error;
// Metric is the mean squared error, and a network solves the task when it
// falls below DataOptions.Solved. Fitness is minus the mean loss.
//
// Networks see the inputs as given, with a bias input: unlike a CSV task,
// a Data task does not standardise them, so give them about unit scale
// (CSV.FeatureScale shows how CSV does it).
//
// A Data is read-only after NewData, which copies the datasets, so any
// number of goroutines may use it at once.
type Data struct {
	name, description string
	train, test       Dataset
	classes           int     // 0 for regression
	solved            float64 // the criterion: an accuracy, or a mean squared error
}

var _ Supervised = (*Data)(nil)

// NewData returns the supervised task named name on a copy of the
// training and test datasets. Its errors name the bad value and what is
// allowed (samples and their values are numbered from 0): an empty name;
// an unknown Target; a nil or empty dataset, or one whose slices do not
// agree with its sizes (Dataset.Check); test data of other inputs or
// outputs than the training data's; a NaN or infinite value; for classes,
// a target other than 0 or 1, a sample whose targets are not one-hot, or
// training data of a single class; for numbers, a target beyond ±1e150
// (its square would overflow), training targets that never change, or one
// that varies by less than 1e-150 (its squares would round to 0); and
// a Solved out of range.
func NewData(name string, train, test *Dataset, opt DataOptions) (*Data, error) {
	if name == "" {
		return nil, errors.New("tasks: data task with an empty name; want a name (Info.Name, which reports and checkpoints carry)")
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("tasks: data %q: %s", name, fmt.Sprintf(format, a...))
	}
	switch opt.Target {
	case "", TargetAuto, TargetClass, TargetNumber:
	default:
		return nil, fail("Target = %q, want %q, %q or %q (or empty, for %[2]q)", opt.Target, TargetAuto, TargetClass, TargetNumber)
	}
	if err := checkDatasets(train, test); err != nil {
		return nil, fail("%v", err)
	}

	t := &Data{name: name, description: opt.Description,
		train: cloneDataset(train), test: cloneDataset(test)}
	var err error
	if asClasses(opt.Target, train, test) {
		t.classes = max(train.Outputs, 2)
		t.solved, err = classCriterion(train, test, opt.Solved)
	} else {
		t.solved, err = numberCriterion(train, test, opt.Solved)
	}
	if err != nil {
		return nil, fail("%v", err)
	}
	if t.description == "" {
		t.description = describeData(t.classes, train, test)
	}
	return t, nil
}

// split is one of the datasets given to NewData, with its name for
// errors: "training" or "test".
type split struct {
	name string
	d    *Dataset
}

// checkDatasets checks the datasets given to NewData: each is not nil,
// agrees with its sizes and holds samples, the two have the same inputs
// and outputs, and all their values are finite.
func checkDatasets(train, test *Dataset) error {
	splits := []split{{"training", train}, {"test", test}}
	for _, s := range splits {
		if s.d == nil {
			return fmt.Errorf("the %s dataset is nil; want one of one or more samples", s.name)
		}
		if err := s.d.checkShape(); err != nil {
			return fmt.Errorf("%s dataset %v", s.name, err)
		}
		if s.d.Len() == 0 {
			return fmt.Errorf("the %s dataset has no samples; want one or more", s.name)
		}
	}
	if test.Inputs != train.Inputs || test.Outputs != train.Outputs {
		return fmt.Errorf("the test dataset has %s and %s per sample, the training dataset %d and %d; want the same",
			plural(test.Inputs, "input"), plural(test.Outputs, "output"), train.Inputs, train.Outputs)
	}
	for _, s := range splits {
		if i, what, v, bad := firstNonFinite(s.d); bad {
			return fmt.Errorf("%s sample %d: %s is %v; want finite numbers", s.name, i, what, v)
		}
	}
	return nil
}

// asClasses reports whether the targets of train and test are classes:
// as target says, or, for TargetAuto or "", when every one of them is a
// class (classOf).
func asClasses(target string, train, test *Dataset) bool {
	if target != "" && target != TargetAuto {
		return target == TargetClass
	}
	binary := func(v float64) bool { return v == 0 || v == 1 }
	return !slices.ContainsFunc(train.Y, func(v float64) bool { return !binary(v) }) &&
		!slices.ContainsFunc(test.Y, func(v float64) bool { return !binary(v) })
}

// classCriterion checks that the targets of train and test are classes,
// the training samples of two or more, and returns the accuracy that
// solves the task: solved, in (0, 1], or CSVSolvedAccuracy for 0.
func classCriterion(train, test *Dataset, solved float64) (float64, error) {
	outs := train.Outputs
	for _, s := range []split{{"training", train}, {"test", test}} {
		if i, targets, bad := firstNonClass(s.d); bad {
			if outs == 1 {
				return 0, fmt.Errorf("%s sample %d has target %s; classes with one output are 0 or 1", s.name, i, targets)
			}
			return 0, fmt.Errorf("%s sample %d has targets %s; classes with %d outputs are one-hot: one 1, the rest 0", s.name, i, targets, outs)
		}
	}
	first, single := classOf(train, 0), true
	for i := 1; i < train.Len() && single; i++ {
		single = classOf(train, i) == first
	}
	if single {
		return 0, fmt.Errorf("the training samples are all of class %d (%s); classification needs at least 2", first, plural(train.Len(), "sample"))
	}
	switch {
	case solved == 0:
		return CSVSolvedAccuracy, nil
	case !(solved > 0 && solved <= 1):
		return 0, fmt.Errorf("option Solved = %v, want an accuracy in (0, 1], or 0 for %v", solved, CSVSolvedAccuracy)
	}
	return solved, nil
}

// numberCriterion checks that the targets of train and test are numbers
// whose squares stay finite, the training targets not all the same, and
// returns the mean squared error below which a network solves the task:
// solved, > 0, or for 0 CSVSolvedVariance of the training targets'
// variance.
func numberCriterion(train, test *Dataset, solved float64) (float64, error) {
	outs := train.Outputs
	for _, s := range []split{{"training", train}, {"test", test}} {
		if i := slices.IndexFunc(s.d.Y, func(v float64) bool { return math.Abs(v) > csvMaxTargetSD }); i >= 0 {
			return 0, fmt.Errorf("%s sample %d: target %d is %v; want numbers within ±%g, whose squared errors stay finite: rescale them",
				s.name, i/outs, i%outs, s.d.Y[i], csvMaxTargetSD)
		}
	}
	variance := 0.0
	for k := range outs {
		if spread := columnSpread(train.Y, k, outs); spread > 0 && spread < dataMinSpread {
			return 0, fmt.Errorf("training target %d varies by only %g over the samples; want a spread of at least %g, whose squared errors stay above zero: rescale the targets",
				k, spread, dataMinSpread)
		}
		variance += columnVariance(train.Y, k, outs) / float64(outs)
	}
	if variance == 0 {
		return 0, fmt.Errorf("the training targets never change (every sample's are %s); regression needs at least 2 distinct values", targetsOf(train, 0))
	}
	switch {
	case solved == 0:
		return CSVSolvedVariance * variance, nil
	case !(solved > 0 && solved <= math.MaxFloat64):
		return 0, fmt.Errorf("option Solved = %v, want a mean squared error > 0, or 0 for %v of the training targets' variance (%.4g)",
			solved, CSVSolvedVariance, CSVSolvedVariance*variance)
	}
	return solved, nil
}

// describeData returns the description NewData writes when it is given
// none, of a task with classes classes (0 for numbers) on train and test:
// "2-class classification from 2 inputs; 150 training and 50 test samples".
func describeData(classes int, train, test *Dataset) string {
	kind := fmt.Sprintf("%d-class classification", classes)
	if classes == 0 {
		kind = "regression of " + plural(train.Outputs, "output")
	}
	return fmt.Sprintf("%s from %s; %d training and %d test samples", kind, plural(train.Inputs, "input"), train.Len(), test.Len())
}

// cloneDataset returns a copy of d that shares nothing with it.
func cloneDataset(d *Dataset) Dataset {
	return Dataset{Inputs: d.Inputs, Outputs: d.Outputs, X: slices.Clone(d.X), Y: slices.Clone(d.Y)}
}

// firstNonFinite returns the first sample of d holding a NaN or infinite
// value, which value it is ("input j" or "target k") and the value.
func firstNonFinite(d *Dataset) (sample int, what string, v float64, found bool) {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for i := range d.Len() {
		for j, v := range d.X[i*d.Inputs : (i+1)*d.Inputs] {
			if !finite(v) {
				return i, fmt.Sprintf("input %d", j), v, true
			}
		}
		for k, v := range d.Y[i*d.Outputs : (i+1)*d.Outputs] {
			if !finite(v) {
				return i, fmt.Sprintf("target %d", k), v, true
			}
		}
	}
	return 0, "", 0, false
}

// firstNonClass returns the first sample of d whose targets are not a
// class, and its targets as targetsOf writes them.
func firstNonClass(d *Dataset) (sample int, targets string, found bool) {
	for i := range d.Len() {
		if classOf(d, i) < 0 {
			return i, targetsOf(d, i), true
		}
	}
	return 0, "", false
}

// classOf returns the class of sample i of d: with one output its target,
// 0 or 1; with several the output its one-hot target marks. It returns -1
// for targets that are neither.
func classOf(d *Dataset, i int) int {
	y := d.Y[i*d.Outputs : (i+1)*d.Outputs]
	if len(y) == 1 {
		switch y[0] {
		case 0:
			return 0
		case 1:
			return 1
		}
		return -1
	}
	class := -1
	for k, v := range y {
		switch {
		case v == 1 && class < 0:
			class = k
		case v != 0:
			return -1
		}
	}
	return class
}

// targetsOf writes the targets of sample i of d: the value for one
// output, the values in brackets for several.
func targetsOf(d *Dataset, i int) string {
	y := d.Y[i*d.Outputs : (i+1)*d.Outputs]
	if len(y) == 1 {
		return fmt.Sprint(y[0])
	}
	return fmt.Sprint(y)
}

// dataMinSpread is the least spread (largest minus smallest) of a training
// target that varies: the square of a smaller one, and so its variance
// and mean squared error, could round to zero.
const dataMinSpread = 1e-150

// columnSpread returns the largest minus the smallest of v[j],
// v[j+stride], ....
func columnSpread(v []float64, j, stride int) float64 {
	lo, hi := v[j], v[j]
	for i := j + stride; i < len(v); i += stride {
		lo, hi = min(lo, v[i]), max(hi, v[i])
	}
	return hi - lo
}

// columnVariance returns the variance (over n) of v[j], v[j+stride], ...:
// 0 when they are all the same.
func columnVariance(v []float64, j, stride int) float64 {
	for i := j + stride; i < len(v); i += stride {
		if v[i] != v[j] {
			_, sd := meanSD(v, j, stride)
			return sd * sd
		}
	}
	return 0
}

// plural returns "1 NOUN" or "N NOUNs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Info implements Task: the inputs and outputs of the data, a bias input,
// one sigmoid output for two classes with one output and identity outputs
// otherwise, Metric "accuracy" or "mse" (lower is better), Supervised,
// and Deterministic (Evaluate ignores its random stream).
func (t *Data) Info() Info {
	info := Info{
		Name: t.name, Description: t.description,
		Inputs: t.train.Inputs, Outputs: t.train.Outputs, Bias: true,
		OutputAct: network.Identity, FeedForward: true,
		MaxFitness: 0, Metric: "accuracy",
		Supervised: true, Deterministic: true,
	}
	switch {
	case t.classes == 0:
		info.Metric, info.LowerIsBetter = "mse", true
	case t.train.Outputs == 1:
		info.OutputAct = network.Sigmoid
	}
	return info
}

// Train implements Supervised: the copy of the training dataset.
func (t *Data) Train() *Dataset { return &t.train }

// Test implements Supervised: the copy of the test dataset.
func (t *Data) Test() *Dataset { return &t.test }

// Loss implements Supervised: binary cross-entropy for classes with one
// output, softmax cross-entropy for classes with several, and mean squared
// error for numbers.
func (t *Data) Loss() network.Loss {
	switch {
	case t.classes == 0:
		return network.MSE
	case t.train.Outputs == 1:
		return network.BinaryCE
	}
	return network.SoftmaxCE
}

// Classes implements Supervised: the number of classes (2 with one
// output, the number of outputs with several), or 0 for numbers.
func (t *Data) Classes() int { return t.classes }

// Criterion returns the success criterion in force: the accuracy at or
// above which, or for numbers the mean squared error below which, a
// network solves the task (DataOptions.Solved, or its default).
func (t *Data) Criterion() float64 { return t.solved }

// Score implements Supervised with ScoreBatch: Fitness is minus the mean
// loss, Metric the accuracy or the mean squared error, and Solved means
// the Metric meets the Criterion. It panics if d is empty or does not fit
// net, or if net is recurrent.
func (t *Data) Score(net *network.Network, d *Dataset, b *network.Batch) Result {
	loss, metric := ScoreBatch(net, d, b, t.Loss(), t.classes)
	if t.classes == 0 {
		return Result{Fitness: -loss, Solved: metric < t.solved, Metric: metric}
	}
	return Result{Fitness: -loss, Solved: metric >= t.solved, Metric: metric}
}

// Evaluate implements Task: Score on the test dataset. The random stream
// is not used.
func (t *Data) Evaluate(net *network.Network, _ *rand.Rand) Result {
	var b network.Batch
	return t.Score(net, &t.test, &b)
}
