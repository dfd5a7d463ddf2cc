package tasks_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// dataset returns a dataset of the given inputs and outputs with samples
// given as rows: inputs first, then targets.
func dataset(inputs, outputs int, rows ...[]float64) *tasks.Dataset {
	d := &tasks.Dataset{Inputs: inputs, Outputs: outputs}
	for _, r := range rows {
		d.X = append(d.X, r[:inputs]...)
		d.Y = append(d.Y, r[inputs:]...)
	}
	return d
}

// TestData checks what NewData makes of classes with one output and with
// several, of numbers, and of the automatic choice between them.
func TestData(t *testing.T) {
	binary := dataset(2, 1, []float64{0, 1, 1}, []float64{1, 0, 0}, []float64{1, 1, 1})
	oneHot := dataset(1, 3, []float64{0, 1, 0, 0}, []float64{1, 0, 1, 0}, []float64{2, 0, 0, 1})
	numbers := dataset(1, 2, []float64{0, 0.5, 1}, []float64{1, 1.5, 1}, []float64{2, 2.5, 1})
	zeroOne := dataset(1, 1, []float64{0, 0}, []float64{1, 1}, []float64{2, 1})
	for _, c := range []struct {
		name    string
		d       *tasks.Dataset
		opt     tasks.DataOptions
		classes int
		loss    network.Loss
		act     network.Activation
		metric  string
		solved  float64
		desc    string
	}{
		{"binary", binary, tasks.DataOptions{}, 2, network.BinaryCE, network.Sigmoid, "accuracy", 0.9,
			"2-class classification from 2 inputs; 3 training and 3 test samples"},
		{"one-hot", oneHot, tasks.DataOptions{Target: tasks.TargetClass, Solved: 1}, 3, network.SoftmaxCE, network.Identity, "accuracy", 1,
			"3-class classification from 1 input; 3 training and 3 test samples"},
		// Targets 0.5 and 1.5 are not classes; the variance is (0.6667 + 0) / 2.
		{"numbers", numbers, tasks.DataOptions{Target: tasks.TargetAuto}, 0, network.MSE, network.Identity, "mse", 0.01 * (2.0 / 3) / 2,
			"regression of 2 outputs from 1 input; 3 training and 3 test samples"},
		{"0/1 as numbers", zeroOne, tasks.DataOptions{Target: tasks.TargetNumber, Solved: 0.05, Description: "mine"}, 0, network.MSE, network.Identity, "mse", 0.05, "mine"},
		{"0/1 as classes", zeroOne, tasks.DataOptions{}, 2, network.BinaryCE, network.Sigmoid, "accuracy", 0.9,
			"2-class classification from 1 input; 3 training and 3 test samples"},
	} {
		task, err := tasks.NewData(c.name, c.d, c.d, c.opt)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want := tasks.Info{
			Name: c.name, Description: c.desc, Inputs: c.d.Inputs, Outputs: c.d.Outputs, Bias: true,
			OutputAct: c.act, FeedForward: true, Metric: c.metric, LowerIsBetter: c.metric == "mse",
			Supervised: true, Deterministic: true,
		}
		if got := task.Info(); got != want {
			t.Errorf("%s: Info() = %+v; want %+v", c.name, got, want)
		}
		if task.Classes() != c.classes || task.Loss() != c.loss || !near(task.Criterion(), c.solved, 1e-15) {
			t.Errorf("%s: Classes %d, Loss %v, Criterion %v; want %d, %v, %v", c.name, task.Classes(), task.Loss(), task.Criterion(), c.classes, c.loss, c.solved)
		}
	}
}

// TestDataCopies checks that NewData copies its data, so that a caller's
// later change neither reaches the task nor escapes its validation.
func TestDataCopies(t *testing.T) {
	d := dataset(1, 1, []float64{0, 0}, []float64{1, 1})
	task, err := tasks.NewData("copy", d, d, tasks.DataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.X[0], d.Y[0] = math.NaN(), 7
	if got := task.Train(); got.X[0] != 0 || got.Y[0] != 0 || task.Test().Y[0] != 0 {
		t.Errorf("Train() = %+v, Test() = %+v after the caller's change; want the data as given", got, task.Test())
	}
	if task.Train() == task.Test() {
		t.Error("Train() and Test() are the same dataset; want a copy each")
	}
}

// TestDataScore checks Score and Evaluate against ScoreBatch and the
// criterion: a threshold network that classifies x > 0 right, and the
// same network as a regression, whose error is known.
func TestDataScore(t *testing.T) {
	var rows [][]float64
	for i := range 20 {
		x := float64(i) - 9.5
		y := 0.0
		if x > 0 {
			y = 1
		}
		rows = append(rows, []float64{x, y})
	}
	d := dataset(1, 1, rows...)
	net := linearNet([]float64{1}, 0, network.Identity) // out = x, a logit
	var b network.Batch
	for _, c := range []struct {
		opt    tasks.DataOptions
		solved bool
	}{
		{tasks.DataOptions{}, true},
		{tasks.DataOptions{Target: tasks.TargetNumber}, false},
		{tasks.DataOptions{Target: tasks.TargetNumber, Solved: 1000}, true},
	} {
		task, err := tasks.NewData("score", d, d, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		loss, metric := tasks.ScoreBatch(net, d, &b, task.Loss(), task.Classes())
		want := tasks.Result{Fitness: -loss, Metric: metric, Solved: c.solved}
		if got := task.Score(net, task.Train(), &b); got != want {
			t.Errorf("%+v: Score = %+v; want %+v", c.opt, got, want)
		}
		if got := task.Evaluate(net, rand.New(rand.NewPCG(1, 2))); got != want {
			t.Errorf("%+v: Evaluate = %+v; want %+v", c.opt, got, want)
		}
	}
}

// TestDataErrors checks each error of NewData, its words naming the bad
// value and what is allowed.
func TestDataErrors(t *testing.T) {
	good := func() *tasks.Dataset { return dataset(2, 1, []float64{0, 0, 0}, []float64{1, 1, 1}) }
	hot := func() *tasks.Dataset { return dataset(1, 3, []float64{0, 1, 0, 0}, []float64{1, 0, 1, 0}) }
	with := func(d *tasks.Dataset, f func(d *tasks.Dataset)) *tasks.Dataset { f(d); return d }
	class, number := tasks.DataOptions{Target: tasks.TargetClass}, tasks.DataOptions{Target: tasks.TargetNumber}
	for _, c := range []struct {
		name        string
		task        string
		train, test *tasks.Dataset
		opt         tasks.DataOptions
		want        string
	}{
		{"name", "", good(), good(), class,
			`tasks: data task with an empty name; want a name (Info.Name, which reports and checkpoints carry)`},
		{"target", "d", good(), good(), tasks.DataOptions{Target: "labels"},
			`tasks: data "d": Target = "labels", want "auto", "class" or "number" (or empty, for "auto")`},
		{"nil train", "d", nil, good(), class,
			`tasks: data "d": the training dataset is nil; want one of one or more samples`},
		{"nil test", "d", good(), nil, class,
			`tasks: data "d": the test dataset is nil; want one of one or more samples`},
		{"no inputs", "d", &tasks.Dataset{Outputs: 1}, good(), class,
			`tasks: data "d": training dataset with 0 inputs and 1 outputs; want >= 1 each`},
		{"ragged", "d", good(), with(good(), func(d *tasks.Dataset) { d.Y = d.Y[:1] }), class,
			`tasks: data "d": test dataset of 4 input values (2 per sample) and 1 targets (1 per sample) do not agree`},
		{"empty", "d", good(), &tasks.Dataset{Inputs: 2, Outputs: 1}, class,
			`tasks: data "d": the test dataset has no samples; want one or more`},
		{"inputs differ", "d", good(), dataset(3, 1, []float64{0, 0, 0, 1}), class,
			`tasks: data "d": the test dataset has 3 inputs and 1 output per sample, the training dataset 2 and 1; want the same`},
		{"outputs differ", "d", hot(), good(), class,
			`tasks: data "d": the test dataset has 2 inputs and 1 output per sample, the training dataset 1 and 3; want the same`},
		{"NaN input", "d", with(good(), func(d *tasks.Dataset) { d.X[3] = math.NaN() }), good(), class,
			`tasks: data "d": training sample 1: input 1 is NaN; want finite numbers`},
		{"infinite target", "d", hot(), with(hot(), func(d *tasks.Dataset) { d.Y[5] = math.Inf(-1) }), tasks.DataOptions{},
			`tasks: data "d": test sample 1: target 2 is -Inf; want finite numbers`},
		{"class 2", "d", good(), with(good(), func(d *tasks.Dataset) { d.Y[1] = 2 }), class,
			`tasks: data "d": test sample 1 has target 2; classes with one output are 0 or 1`},
		{"class 0.5", "d", with(good(), func(d *tasks.Dataset) { d.Y[0] = 0.5 }), good(), class,
			`tasks: data "d": training sample 0 has target 0.5; classes with one output are 0 or 1`},
		{"two hot", "d", with(hot(), func(d *tasks.Dataset) { d.Y[3] = 1 }), hot(), class,
			`tasks: data "d": training sample 1 has targets [1 1 0]; classes with 3 outputs are one-hot: one 1, the rest 0`},
		{"none hot", "d", hot(), with(hot(), func(d *tasks.Dataset) { d.Y[0] = 0 }), class,
			`tasks: data "d": test sample 0 has targets [0 0 0]; classes with 3 outputs are one-hot: one 1, the rest 0`},
		{"one class", "d", with(good(), func(d *tasks.Dataset) { d.Y[0] = 1 }), good(), tasks.DataOptions{},
			`tasks: data "d": the training samples are all of class 1 (2 samples); classification needs at least 2`},
		{"one hot class", "d", with(hot(), func(d *tasks.Dataset) { d.Y[3], d.Y[4] = 1, 0 }), hot(), class,
			`tasks: data "d": the training samples are all of class 0 (2 samples); classification needs at least 2`},
		{"accuracy", "d", good(), good(), tasks.DataOptions{Solved: 1.5},
			`tasks: data "d": option Solved = 1.5, want an accuracy in (0, 1], or 0 for 0.9`},
		{"accuracy NaN", "d", good(), good(), tasks.DataOptions{Solved: math.NaN()},
			`tasks: data "d": option Solved = NaN, want an accuracy in (0, 1], or 0 for 0.9`},
		{"constant", "d", with(good(), func(d *tasks.Dataset) { d.Y[0] = 1 }), good(), number,
			`tasks: data "d": the training targets never change (every sample's are 1); regression needs at least 2 distinct values`},
		{"constant outputs", "d", with(hot(), func(d *tasks.Dataset) { copy(d.Y[3:], d.Y[:3]) }), hot(), number,
			`tasks: data "d": the training targets never change (every sample's are [1 0 0]); regression needs at least 2 distinct values`},
		{"huge", "d", good(), with(good(), func(d *tasks.Dataset) { d.Y[1] = -1e200 }), number,
			`tasks: data "d": test sample 1: target 0 is -1e+200; want numbers within ±1e+150, whose squared errors stay finite: rescale them`},
		{"mse", "d", good(), good(), tasks.DataOptions{Target: tasks.TargetNumber, Solved: -1},
			`tasks: data "d": option Solved = -1, want a mean squared error > 0, or 0 for 0.01 of the training targets' variance (0.0025)`},
		// Auto reads targets that are all 0 or 1 as classes, and says
		// which sample is not one-hot rather than turn to regression.
		{"auto not one-hot", "d", with(hot(), func(d *tasks.Dataset) { d.Y[4] = 0 }), hot(), tasks.DataOptions{},
			`tasks: data "d": training sample 1 has targets [0 0 0]; classes with 3 outputs are one-hot: one 1, the rest 0`},
		// Targets whose squares would round to 0.
		{"tiny spread", "d", with(good(), func(d *tasks.Dataset) { d.Y[0], d.Y[1] = 1e-170, 0 }), good(), number,
			`tasks: data "d": training target 0 varies by only 1e-170 over the samples; want a spread of at least 1e-150, whose squared errors stay above zero: rescale the targets`},
		{"least spread", "d", with(good(), func(d *tasks.Dataset) { d.Y[0], d.Y[1] = 5e-324, 0 }), good(), number,
			`tasks: data "d": training target 0 varies by only 5e-324 over the samples; want a spread of at least 1e-150, whose squared errors stay above zero: rescale the targets`},
		{"mse Inf", "d", good(), good(), tasks.DataOptions{Target: tasks.TargetNumber, Solved: math.Inf(1)},
			`tasks: data "d": option Solved = +Inf, want a mean squared error > 0, or 0 for 0.01 of the training targets' variance (0.0025)`},
	} {
		task, err := tasks.NewData(c.task, c.train, c.test, c.opt)
		if err == nil {
			t.Errorf("%s: NewData = %+v; want an error", c.name, task.Info())
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s: NewData error\n%s\nwant\n%s", c.name, err, c.want)
		}
	}
}

// TestDatasetCheck checks that Dataset.Check keeps its words.
func TestDatasetCheck(t *testing.T) {
	d := &tasks.Dataset{Inputs: 2, Outputs: 1, X: []float64{1, 2, 3}}
	want := "tasks: dataset of 3 input values (2 per sample) and 0 targets (1 per sample) do not agree"
	if err := d.Check(); err == nil || err.Error() != want {
		t.Errorf("Check() = %v; want %q", err, want)
	}
	if err := dataset(1, 1, []float64{0, 1}).Check(); err != nil {
		t.Errorf("Check() = %v; want nil", err)
	}
}
