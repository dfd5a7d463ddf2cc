package tasks_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// writeCSV writes content to a file name in dir and returns its path.
func writeCSV(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// csvRow is a sample as written to a CSV file: its features and its
// target cell.
type csvRow struct {
	x      []float64
	target string
}

// csvText writes header and rows as CSV, each number in full precision.
func csvText(header string, rows []csvRow) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rows {
		for _, v := range r.x {
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64) + ",")
		}
		b.WriteString(r.target + "\n")
	}
	return b.String()
}

// blobRows returns n samples of noisy Gaussian blobs, one per label,
// taken in turn: blob k is centred at centres[k] with standard deviation
// sd[j] in feature j.
func blobRows(seed uint64, n int, labels []string, centres [][]float64, sd []float64) []csvRow {
	rng := rand.New(rand.NewPCG(seed, seed))
	rows := make([]csvRow, n)
	for i := range rows {
		k := i % len(labels)
		x := make([]float64, len(sd))
		for j := range x {
			x[j] = centres[k][j] + sd[j]*rng.NormFloat64()
		}
		rows[i] = csvRow{x, labels[k]}
	}
	return rows
}

// twoBlobs returns 200 samples of two blobs in features of very different
// scales: "pos" around (1000, 0.01) and "neg" around (1400, -0.01), with
// standard deviations 100 and 0.005, so the classes are about 4 standard
// deviations apart along (x1/100 - x2/0.005).
func twoBlobs(seed uint64) []csvRow {
	return blobRows(seed, 200, []string{"pos", "neg"}, [][]float64{{1000, 0.01}, {1400, -0.01}}, []float64{100, 0.005})
}

// newCSV returns the CSV task named "csv:"+spec, failing the test on an
// error.
func newCSV(t *testing.T, spec string, seed uint64, opt tasks.CSVOptions) *tasks.CSV {
	t.Helper()
	task, err := tasks.NewCSV(spec, seed, opt)
	if err != nil {
		t.Fatalf("NewCSV(%q): %v", spec, err)
	}
	return task
}

// linearLayer builds by hand a network with len(w[0]) inputs, a bias node
// and len(w) output nodes, output k computing act(bias[k] + sum w[k][i]*x[i]).
func linearLayer(w [][]float64, bias []float64, act network.Activation) *network.Network {
	in, outs := len(w[0]), len(w)
	nodes := in + 1 + outs
	n := &network.Network{
		NumInputs: in, NumBias: 1,
		Act:   make([]network.Activation, nodes),
		Bias:  make([]float64, nodes),
		Start: make([]int32, nodes+1),
	}
	for k := range outs {
		o := in + 1 + k
		n.Act[o], n.Bias[o] = act, bias[k]
		n.Outputs = append(n.Outputs, int32(o))
		for i := range in {
			n.Src = append(n.Src, int32(i))
			n.W = append(n.W, w[k][i])
		}
		n.Start[o+1] = int32(len(n.Src))
	}
	if err := n.Check(); err != nil {
		panic(err)
	}
	n.Reset()
	return n
}

// unscale undoes the task's standardisation of the inputs of d.
func unscale(task *tasks.CSV, d *tasks.Dataset) [][]float64 {
	mean, sd := task.FeatureScale()
	rows := make([][]float64, d.Len())
	for i := range rows {
		rows[i] = make([]float64, d.Inputs)
		for j := range d.Inputs {
			rows[i][j] = d.X[i*d.Inputs+j]*sd[j] + mean[j]
		}
	}
	return rows
}

// columnStats returns the mean and the standard deviation (over n) of
// column j of d's inputs.
func columnStats(d *tasks.Dataset, j int) (mean, sd float64) {
	n := d.Len()
	for i := range n {
		mean += d.X[i*d.Inputs+j]
	}
	mean /= float64(n)
	for i := range n {
		v := d.X[i*d.Inputs+j] - mean
		sd += v * v
	}
	return mean, math.Sqrt(sd / float64(n))
}

// matchRows checks that the samples of the splits, inputs unscaled, are
// the rows of the file, each once, with the class or value it gives.
func matchRows(t *testing.T, task *tasks.CSV, rows []csvRow, target func(d *tasks.Dataset, i int) string) {
	t.Helper()
	seen := make([]bool, len(rows))
	for _, d := range []*tasks.Dataset{task.Train(), task.Test()} {
		for i, x := range unscale(task, d) {
			k := slices.IndexFunc(rows, func(r csvRow) bool {
				for j := range x {
					if math.Abs(r.x[j]-x[j]) > 1e-9*max(1, math.Abs(x[j])) {
						return false
					}
				}
				return true
			})
			switch {
			case k < 0:
				t.Fatalf("sample %d, unscaled %v, is no row of the file", i, x)
			case seen[k]:
				t.Fatalf("row %d of the file is in the splits twice", k)
			}
			seen[k] = true
			if got := target(d, i); got != rows[k].target {
				t.Errorf("row %d %v: target %q; want %q", k, rows[k].x, got, rows[k].target)
			}
		}
	}
	if i := slices.Index(seen, false); i >= 0 {
		t.Errorf("row %d of the file is in neither split", i)
	}
}

func TestCSVBinary(t *testing.T) {
	dir := t.TempDir()
	rows := twoBlobs(1)
	path := writeCSV(t, dir, "blobs.csv", csvText("x1, x2, label", rows))
	task := newCSV(t, path, 3, tasks.DefaultCSVOptions())

	want := tasks.Info{
		Name: "csv:" + path, Description: task.Info().Description,
		Inputs: 2, Outputs: 1, Bias: true,
		OutputAct: network.Sigmoid, FeedForward: true,
		MaxFitness: 0, Metric: "accuracy", Supervised: true, Deterministic: true,
	}
	if info := task.Info(); info != want || !strings.Contains(info.Description, "2-class classification") {
		t.Errorf("Info() = %+v; want %+v with a description of a 2-class classification", info, want)
	}
	if task.Loss() != network.BinaryCE || task.Classes() != 2 || !slices.Equal(task.Labels(), []string{"neg", "pos"}) {
		t.Errorf("Loss() = %v, Classes() = %d, Labels() = %q; want binary-ce, 2, [neg pos]", task.Loss(), task.Classes(), task.Labels())
	}
	if !slices.Equal(task.Features(), []string{"x1", "x2"}) || task.Target() != "label" {
		t.Errorf("Features() = %q, Target() = %q; want [x1 x2] and label", task.Features(), task.Target())
	}

	// A quarter of the 200 rows, by default, is held out.
	train, test := task.Train(), task.Test()
	for _, s := range []struct {
		d    *tasks.Dataset
		want int
	}{{train, 150}, {test, 50}} {
		if err := s.d.Check(); err != nil || s.d.Len() != s.want || s.d.Inputs != 2 || s.d.Outputs != 1 {
			t.Errorf("split of %d samples, %d inputs, %d outputs, Check %v; want %d, 2, 1, nil", s.d.Len(), s.d.Inputs, s.d.Outputs, err, s.want)
		}
	}

	// The training split's inputs are standardised; the test split is
	// scaled alike (the splits together are the file's rows), so its
	// statistics are near 0 and 1 but not exact.
	for j := range 2 {
		if m, sd := columnStats(train, j); math.Abs(m) > 1e-9 || math.Abs(sd-1) > 1e-9 {
			t.Errorf("training feature %d: mean %v, sd %v; want 0 and 1", j, m, sd)
		}
		if m, sd := columnStats(test, j); math.Abs(m) > 0.5 || sd < 0.6 || sd > 1.4 || math.Abs(sd-1) < 1e-9 {
			t.Errorf("test feature %d: mean %v, sd %v; want about 0 and 1, by the training statistics", j, m, sd)
		}
	}
	mean, sd := task.FeatureScale()
	if math.Abs(mean[0]-1200) > 40 || math.Abs(sd[0]-220) > 40 || math.Abs(mean[1]) > 0.002 || math.Abs(sd[1]-0.011) > 0.002 {
		t.Errorf("FeatureScale() = %v, %v; want about (1200, 0) and (224, 0.011)", mean, sd)
	}
	// "neg" is class 0, target 0; "pos" is class 1, target 1.
	matchRows(t, task, rows, func(d *tasks.Dataset, i int) string {
		return task.Labels()[int(d.Y[i])]
	})

	// A linear separator scores as it should.
	net := linearLayer([][]float64{{-4, 4}}, []float64{0}, network.Sigmoid)
	var b network.Batch
	r := task.Score(net, test, &b)
	if r.Metric < 0.9 || !r.Solved || !(r.Fitness < 0) {
		t.Errorf("Score(separator) = %+v; want accuracy >= 0.9, solved, fitness < 0", r)
	}
	if e := task.Evaluate(net, nil); e != r {
		t.Errorf("Evaluate = %+v; want Score on the test split, %+v", e, r)
	}
	if r := task.Score(linearLayer([][]float64{{4, -4}}, []float64{0}, network.Sigmoid), test, &b); r.Metric > 0.1 || r.Solved {
		t.Errorf("Score(inverted separator) = %+v; want accuracy <= 0.1, not solved", r)
	}

	// The registry reads the same task with the default options.
	byName, err := tasks.New("csv:"+path, 3)
	if err != nil {
		t.Fatal(err)
	}
	if sup := byName.(tasks.Supervised); !sameData(sup.Train(), train) || !sameData(sup.Test(), test) || byName.Info() != task.Info() {
		t.Error(`New("csv:FILE", 3) differs from NewCSV(FILE, 3, DefaultCSVOptions())`)
	}
	if slices.ContainsFunc(tasks.Names(), func(n string) bool { return strings.HasPrefix(n, "csv") }) || tasks.Describe("csv:FILE") == "" {
		t.Errorf("Names() = %q, Describe(csv:FILE) = %q; want the built-in tasks only, and a description", tasks.Names(), tasks.Describe("csv:FILE"))
	}
}

func TestCSVSplitBySeed(t *testing.T) {
	path := writeCSV(t, t.TempDir(), "blobs.csv", csvText("x1,x2,label", twoBlobs(2)))
	opt := tasks.DefaultCSVOptions()
	a, again, other := newCSV(t, path, 7, opt), newCSV(t, path, 7, opt), newCSV(t, path, 8, opt)
	if !sameData(a.Train(), again.Train()) || !sameData(a.Test(), again.Test()) {
		t.Error("two tasks from seed 7 hold different data; want identical")
	}
	if sameData(a.Test(), other.Test()) {
		t.Error("seeds 7 and 8 hold out the same rows; want different")
	}
	// The sizes of the splits, on a regression, where a single training
	// row is allowed.
	var rows []csvRow
	for i := range 200 {
		rows = append(rows, csvRow{[]float64{float64(i), float64(i % 7)}, strconv.FormatFloat(float64(i)+0.5, 'g', -1, 64)})
	}
	numbers := writeCSV(t, t.TempDir(), "numbers.csv", csvText("x1,x2,y", rows))
	for _, tt := range []struct {
		fraction    float64
		train, test int
	}{{0.1, 180, 20}, {0.5, 100, 100}, {0.001, 199, 1}, {0.999, 1, 199}} {
		opt.TestFraction = tt.fraction
		task := newCSV(t, numbers, 7, opt)
		if task.Train().Len() != tt.train || task.Test().Len() != tt.test {
			t.Errorf("test fraction %v: %d training and %d test rows; want %d and %d", tt.fraction, task.Train().Len(), task.Test().Len(), tt.train, tt.test)
		}
	}
	// Two rows make one of each.
	two := writeCSV(t, t.TempDir(), "two.csv", "x,y\n1,0.5\n2,1.5\n")
	if task := newCSV(t, two, 1, tasks.DefaultCSVOptions()); task.Train().Len() != 1 || task.Test().Len() != 1 {
		t.Errorf("two rows: %d training and %d test rows; want 1 and 1", task.Train().Len(), task.Test().Len())
	}
}

// TestCSVHugeValues checks that features near the largest float64
// standardise as smaller ones do: a column of ±1e160, whose squares
// overflow, one of ±1e308, whose sum overflows, one of ±MaxFloat64, and
// one whose test value lies so far from the training mean that their
// difference overflows.
func TestCSVHugeValues(t *testing.T) {
	dir := t.TempDir()
	const m = math.MaxFloat64
	train := writeCSV(t, dir, "train.csv", csvText("a,b,c,d,label", []csvRow{
		{[]float64{1e160, 1e308, m, 1.7e308}, "x"},
		{[]float64{-1e160, -1e308, m, 1.7e308}, "y"},
		{[]float64{1e160, 1e308, -m, 1.7e308}, "x"},
		{[]float64{-1e160, -1e308, -m, 1.6e308}, "y"},
	}))
	test := writeCSV(t, dir, "test.csv", csvText("a,b,c,d,label", []csvRow{{[]float64{3e160, -1e308, m, -1.7e308}, "x"}}))
	task := newCSV(t, train+","+test, 1, tasks.DefaultCSVOptions())
	mean, sd := task.FeatureScale()
	// The statistics, exactly: d has mean 1.675e308 and sd sqrt(3)/4 *
	// 0.1e308.
	dMean, dSD := 1.675e308, math.Sqrt(3)/4*0.1e308
	for j, want := range [][2]float64{{0, 1e160}, {0, 1e308}, {0, m}, {dMean, dSD}} {
		if !near(mean[j], want[0], 1e-12*want[1]) || !near(sd[j], want[1], 1e-12*want[1]) {
			t.Errorf("feature %d: mean %v, sd %v; want %v and %v", j, mean[j], sd[j], want[0], want[1])
		}
	}
	wantTrain := [][]float64{{1, 1, 1}, {-1, -1, 1}, {1, 1, -1}, {-1, -1, -1}}
	for i, row := range wantTrain {
		for j, want := range row {
			if got := task.Train().X[i*4+j]; !near(got, want, 1e-12) {
				t.Errorf("training row %d, feature %d: %v; want %v", i, j, got, want)
			}
		}
	}
	// d's test value, -1.7e308, lies (1.7e308 + 1.675e308) / sd from the mean.
	wantTest := []float64{3, -1, 1, -(1.7 + 1.675) / 1.675 * dMean / dSD}
	for j, want := range wantTest {
		if got := task.Test().X[j]; !near(got, want, 1e-9*math.Abs(want)) {
			t.Errorf("test feature %d: %v; want %v", j, got, want)
		}
	}
}

// near reports whether a and b differ by at most tol.
func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestCSVTrainingSplitClasses checks that a classification whose file has
// two classes or more, but whose training split has one, is refused with
// an error naming the file and the classes of each split, rather than run
// on a training set that a constant output fits.
func TestCSVTrainingSplitClasses(t *testing.T) {
	dir := t.TempDir()
	blobs := writeCSV(t, dir, "blobs.csv", csvText("x1,x2,label", twoBlobs(2)))
	two := writeCSV(t, dir, "two.csv", "x1,x2,label\n1,2,a\n3,4,b\n")
	opt := tasks.DefaultCSVOptions()
	opt.TestFraction = 0.999
	for _, tt := range []struct {
		path string
		opt  tasks.CSVOptions
		want string
	}{
		{blobs, opt, `the training split (1 row) has only one class, "pos", and the test split (199 rows) "neg", "pos"; classification needs at least 2 in training`},
		{two, tasks.DefaultCSVOptions(), `the training split (1 row) has only one class, "a", and the test split (1 row) "b"; classification needs at least 2 in training`},
	} {
		_, err := tasks.NewCSV(tt.path, 7, tt.opt)
		var ce *tasks.CSVError
		if !errors.As(err, &ce) || ce.File != tt.path || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewCSV(%s) = %v; want a *tasks.CSVError naming the file and %q", tt.path, err, tt.want)
		}
	}
}

func TestCSVThreeClasses(t *testing.T) {
	centres := [][]float64{{0, 0, 5}, {4, 0, 5}, {0, 4, 5}}
	for _, tt := range []struct {
		labels []string // the file's labels of blobs 0, 1 and 2
		want   []string // Labels(): the class order
		order  []int    // the class of each blob
	}{
		// Integers in numeric order, not by text; "1.0" is 1.
		{[]string{"10", "2", "1.0"}, []string{"1", "2", "10"}, []int{2, 1, 0}},
		{[]string{"virginica", "setosa", "versicolor"}, []string{"setosa", "versicolor", "virginica"}, []int{2, 0, 1}},
	} {
		rows := blobRows(3, 300, tt.labels, centres, []float64{0.5, 0.5, 0})
		path := writeCSV(t, t.TempDir(), "three.csv", csvText(`a,"b, quoted",const,species`, rows))
		task := newCSV(t, path, 1, tasks.DefaultCSVOptions())
		info := task.Info()
		if info.Inputs != 3 || info.Outputs != 3 || info.OutputAct != network.Identity || info.Metric != "accuracy" ||
			task.Loss() != network.SoftmaxCE || task.Classes() != 3 || !slices.Equal(task.Labels(), tt.want) {
			t.Errorf("labels %q: Info() = %+v, Loss() = %v, Classes() = %d, Labels() = %q; want 3 inputs, 3 identity outputs, accuracy, softmax-ce, 3 classes %q",
				tt.labels, info, task.Loss(), task.Classes(), task.Labels(), tt.want)
		}
		if f := task.Features(); f[1] != "b, quoted" {
			t.Errorf("Features() = %q; want the quoted header unquoted", f)
		}
		// A constant feature is centred, with sd 1.
		if mean, sd := task.FeatureScale(); mean[2] != 5 || sd[2] != 1 {
			t.Errorf("constant feature: mean %v, sd %v; want 5 and 1", mean[2], sd[2])
		}
		// The targets are one-hot.
		matchRows(t, task, rows, func(d *tasks.Dataset, i int) string {
			y := d.Y[i*3 : i*3+3]
			if slices.Max(y) != 1 || y[0]+y[1]+y[2] != 1 {
				t.Fatalf("target %v; want one-hot", y)
			}
			c := slices.Index(y, 1)
			return tt.labels[slices.Index(tt.order, c)]
		})
		// Prototypes: output k is the score of blob k's centre.
		mean, sd := task.FeatureScale()
		w := make([][]float64, 3)
		bias := make([]float64, 3)
		for blob, class := range tt.order {
			w[class] = make([]float64, 3)
			for j := range 2 {
				c := (centres[blob][j] - mean[j]) / sd[j]
				w[class][j] = c
				bias[class] -= c * c / 2
			}
		}
		var b network.Batch
		r := task.Score(linearLayer(w, bias, network.Identity), task.Test(), &b)
		if r.Metric < 0.95 || !r.Solved || !(r.Fitness < 0) {
			t.Errorf("labels %q: Score(prototypes) = %+v; want accuracy >= 0.95, solved", tt.labels, r)
		}
		// Rotating the prototypes makes every answer wrong.
		w[0], w[1], w[2] = w[1], w[2], w[0]
		bias[0], bias[1], bias[2] = bias[1], bias[2], bias[0]
		if r := task.Score(linearLayer(w, bias, network.Identity), task.Test(), &b); r.Metric > 0.05 || r.Solved {
			t.Errorf("labels %q: Score(rotated prototypes) = %+v; want accuracy <= 0.05", tt.labels, r)
		}
	}
}

// regressionRows returns n samples of y = 3 x1 - 2 x2 + 100 + N(0, 0.1²),
// x1 ~ N(10, 2²), x2 ~ N(-5, 0.5²).
func regressionRows(seed uint64, n int) []csvRow {
	rng := rand.New(rand.NewPCG(seed, seed))
	rows := make([]csvRow, n)
	for i := range rows {
		x1, x2 := 10+2*rng.NormFloat64(), -5+0.5*rng.NormFloat64()
		y := 3*x1 - 2*x2 + 100 + 0.1*rng.NormFloat64()
		rows[i] = csvRow{[]float64{x1, x2}, strconv.FormatFloat(y, 'g', -1, 64)}
	}
	return rows
}

func TestCSVRegression(t *testing.T) {
	rows := regressionRows(4, 400)
	// Windows line endings, and spaces around the fields.
	text := strings.ReplaceAll(strings.ReplaceAll(csvText("x1,x2,y", rows), ",", " , "), "\n", "\r\n")
	path := writeCSV(t, t.TempDir(), "reg.csv", text)
	task := newCSV(t, path, 5, tasks.DefaultCSVOptions())
	info := task.Info()
	if info.Inputs != 2 || info.Outputs != 1 || info.OutputAct != network.Identity || info.Metric != "mse" ||
		task.Loss() != network.MSE || task.Classes() != 0 || task.Labels() != nil || !strings.Contains(info.Description, `regression of "y"`) {
		t.Errorf("Info() = %+v, Loss() = %v, Classes() = %d, Labels() = %q; want 2 inputs, 1 identity output, mse, 0 classes, no labels",
			info, task.Loss(), task.Classes(), task.Labels())
	}
	// The target is standardised by the training split's statistics.
	yMean, ySD := task.TargetScale()
	m, sd := meanSD(task.Train().Y)
	if math.Abs(m) > 1e-9 || math.Abs(sd*math.Sqrt(299.0/300)-1) > 1e-9 || math.Abs(yMean-140) > 2 || math.Abs(ySD-6.1) > 0.5 {
		t.Errorf("training targets: mean %v, sd %v, TargetScale() = %v, %v; want 0, 1, about 140 and 6.1", m, sd, yMean, ySD)
	}
	matchRows(t, task, rows, func(d *tasks.Dataset, i int) string {
		y := d.Y[i]*ySD + yMean
		want, _ := strconv.ParseFloat(rows[slices.IndexFunc(rows, func(r csvRow) bool {
			v, _ := strconv.ParseFloat(r.target, 64)
			return math.Abs(v-y) < 1e-9
		})].target, 64)
		return strconv.FormatFloat(want, 'g', -1, 64)
	})

	// The true function, in standardised units, leaves the noise: an MSE
	// of about 0.01 in the target's units, below 1% of its variance.
	mean, fsd := task.FeatureScale()
	w := []float64{3 * fsd[0] / ySD, -2 * fsd[1] / ySD}
	bias := (3*mean[0] - 2*mean[1] + 100 - yMean) / ySD
	var b network.Batch
	r := task.Score(linearLayer([][]float64{w}, []float64{bias}, network.Identity), task.Test(), &b)
	if math.Abs(r.Metric-0.01) > 0.004 || !r.Solved || math.Abs(-r.Fitness*ySD*ySD-r.Metric) > 1e-9 {
		t.Errorf("Score(true function) = %+v; want an MSE of about 0.01 (fitness -%v in standardised units), solved", r, 0.01/(ySD*ySD))
	}
	// A constant at the mean scores about the variance.
	r = task.Score(linearLayer([][]float64{{0, 0}}, []float64{0}, network.Identity), task.Test(), &b)
	if math.Abs(r.Metric/(ySD*ySD)-1) > 0.25 || r.Solved {
		t.Errorf("Score(mean) = %+v; want an MSE of about the variance %v, not solved", r, ySD*ySD)
	}
}

func TestCSVTarget(t *testing.T) {
	// Integer targets with few values: classes by default, numbers when
	// asked. Many integers, or fractions: numbers.
	few, many, frac := "x,y\n", "x,y\n", "x,y\n"
	for i := range 42 {
		few += fmt.Sprintf("%d,%d\n", i, i%3)
		many += fmt.Sprintf("%d,%d\n", i, i%21)
		frac += fmt.Sprintf("%d,%d.5\n", i, i%3)
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		text, target string
		classes      int
	}{
		{few, "auto", 3},
		{few, "number", 0},
		{many, "auto", 0},
		{many, "class", 21},
		{frac, "auto", 0},
		{frac, "class", 3},
	} {
		path := writeCSV(t, dir, "t.csv", tt.text)
		task := newCSV(t, path, 1, tasks.CSVOptions{Target: tt.target, TestFraction: 0.25})
		if task.Classes() != tt.classes {
			t.Errorf("%q with target %s: %d classes; want %d", strings.SplitN(tt.text, "\n", 4)[1:3], tt.target, task.Classes(), tt.classes)
		}
	}
}

func TestCSVTrainTest(t *testing.T) {
	dir := t.TempDir()
	trainRows, testRows := twoBlobs(5), twoBlobs(6)[:30]
	train := writeCSV(t, dir, "train.csv", csvText("x1,x2,label", trainRows))
	test := writeCSV(t, dir, "test.csv", csvText("x1,x2,label", testRows))
	spec := train + "," + test
	task := newCSV(t, spec, 1, tasks.DefaultCSVOptions())
	if task.Info().Name != "csv:"+spec || task.Train().Len() != 200 || task.Test().Len() != 30 {
		t.Fatalf("Info().Name = %q, %d training and %d test rows; want csv:%s, 200 and 30", task.Info().Name, task.Train().Len(), task.Test().Len(), spec)
	}
	// The files are taken as given, in order, whatever the seed, and both
	// are scaled by TRAIN's statistics.
	if other := newCSV(t, spec, 2, tasks.DefaultCSVOptions()); !sameData(other.Train(), task.Train()) || !sameData(other.Test(), task.Test()) {
		t.Error("csv:TRAIN,TEST differs between seeds 1 and 2; want the files as given")
	}
	for j := range 2 {
		if m, sd := columnStats(task.Train(), j); math.Abs(m) > 1e-9 || math.Abs(sd-1) > 1e-9 {
			t.Errorf("training feature %d: mean %v, sd %v; want 0 and 1", j, m, sd)
		}
	}
	for _, s := range []struct {
		d    *tasks.Dataset
		rows []csvRow
	}{{task.Train(), trainRows}, {task.Test(), testRows}} {
		for i, x := range unscale(task, s.d) {
			label := task.Labels()[int(s.d.Y[i])]
			if math.Abs(x[0]-s.rows[i].x[0]) > 1e-9 || math.Abs(x[1]-s.rows[i].x[1]) > 1e-12 || label != s.rows[i].target {
				t.Fatalf("sample %d: %v, %s; want row %d of the file, %v, %s", i, x, label, i, s.rows[i].x, s.rows[i].target)
			}
		}
	}
}

func TestCSVErrors(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string { return writeCSV(t, dir, name, content) }
	good := file("good.csv", "x1,x2,label\n1,2,a\n3,4,b\n")
	tests := []struct {
		name   string
		spec   string
		opt    func(*tasks.CSVOptions)
		file   string // the file the error names
		line   int
		column int
		want   string // the whole message
	}{
		{"missing file", filepath.Join(dir, "nope.csv"), nil, filepath.Join(dir, "nope.csv"), 0, 0, "no such file or directory"},
		{"empty file", file("empty.csv", ""), nil, "empty.csv", 0, 0, "empty file; want a header row, then a row per sample"},
		{"blank lines only", file("blank.csv", "\n\n"), nil, "blank.csv", 0, 0, "empty file; want a header row, then a row per sample"},
		{"no data rows", file("header.csv", "x1,x2,label\n"), nil, "header.csv", 0, 0, "no data rows after the header"},
		{"one column", file("narrow.csv", "label\na\n"), nil, "narrow.csv", 1, 0, `header of 1 column "label"; want one or more feature columns and the target last`},
		{"short row", file("short.csv", "x1,x2,x3,label\n1,2,3,a\n\n1,2,a\n"), nil, "short.csv", 4, 0, "3 fields; the header has 4"},
		{"long row", file("long.csv", "x1,x2,label\n1,2,a\n1,2,3,a\n"), nil, "long.csv", 3, 0, "4 fields; the header has 3"},
		{"bare quote", file("quote.csv", "x1,x2,label\n1,2\"x,a\n"), nil, "quote.csv", 2, 0, `bare " in non-quoted-field (at character 4)`},
		{"not a number", file("abc.csv", "x1,x2,label\n1,2,a\n3,4,b\n5,abc,a\n"), nil, "abc.csv", 4, 2, `"abc" is not a number`},
		{"empty feature", file("hole.csv", "x1,x2,label\n1,2,a\n,4,b\n"), nil, "hole.csv", 3, 1, "empty cell; want a number (missing values are not supported)"},
		{"NaN", file("nan.csv", "x1,x2,label\n1,NaN,a\n3,4,b\n"), nil, "nan.csv", 2, 2, `"NaN" is not a finite number`},
		{"Inf", file("inf.csv", "x1,x2,label\n1,2,a\n-Inf,4,b\n"), nil, "inf.csv", 3, 1, `"-Inf" is not a finite number`},
		{"overflow", file("big.csv", "x1,x2,label\n1,1e400,a\n3,4,b\n"), nil, "big.csv", 2, 2, `"1e400" is not a finite number (too large)`},
		{"one class", file("one.csv", "x1,x2,label\n1,2,a\n3,4,a\n5,6, a\n"), nil, "one.csv", 0, 0, `the target column "label" has only one class, "a"; classification needs at least 2`},
		{"cell before column", file("both.csv", "x1,x2,label\n1,2,a\n3,z,a\n"), nil, "both.csv", 3, 2, `"z" is not a number`},
		{"empty target", file("notarget.csv", "x1,x2,label\n1,2,a\n3,4,\n"), nil, "notarget.csv", 3, 3, "empty cell; want a target"},
		{"text target as number", file("textnum.csv", "x1,x2,y\n1,2,3.5\n3,4,high\n"), func(o *tasks.CSVOptions) { o.Target = "number" }, "textnum.csv", 3, 3, `"high" is not a number`},
		{"NaN target", file("nantarget.csv", "x1,x2,y\n1,2,3.5\n3,4,nan\n"), nil, "nantarget.csv", 3, 3, `"nan" is not a finite number`},
		{"constant target", file("const.csv", "x1,x2,y\n1,2,7\n3,4,7.0\n"), func(o *tasks.CSVOptions) { o.Target = "number" }, "const.csv", 0, 0, `the target column "y" is constant (7); regression needs at least 2 distinct values`},
		{"one row", file("row.csv", "x1,x2,y\n1,2,3\n"), func(o *tasks.CSVOptions) { o.Target = "number" }, "row.csv", 0, 0, "1 data row; splitting it into training and test rows needs at least 2 (or name a test file: csv:TRAIN,TEST)"},
		{"header mismatch", good + "," + file("other.csv", "x1,x3,label\n1,2,a\n"), nil, "other.csv", 1, 0, `header ("x1", "x3", "label") differs from ` + good + `'s ("x1", "x2", "label"); want the same columns`},
		{"test file error", good + "," + file("badtest.csv", "x1,x2,label\n1,2,a\n1,x,b\n"), nil, "badtest.csv", 3, 2, `"x" is not a number`},
		{"huge target", file("hugey.csv", "x,y\n1,1e160\n2,-1e160\n") + "," + file("hugeytest.csv", "x,y\n1,0\n"), func(o *tasks.CSVOptions) { o.Target = "number" }, "hugey.csv", 0, 2,
			`column 2 ("y"): the target's standard deviation over the training rows is 1e+160; want at most 1e+150, so that mean squared errors in the target's units stay finite: rescale the column`},
		{"one class in TRAIN", file("train1.csv", "x1,x2,label\n1,2,a\n") + "," + good, nil, "train1.csv", 0, 0, `the target column "label" has only one class, "a"; classification needs at least 2`},
	}
	for _, tt := range tests {
		opt := tasks.DefaultCSVOptions()
		if tt.opt != nil {
			tt.opt(&opt)
		}
		_, err := tasks.NewCSV(tt.spec, 1, opt)
		var ce *tasks.CSVError
		if !errors.As(err, &ce) {
			t.Errorf("%s: NewCSV(%q) = %v; want a *tasks.CSVError", tt.name, tt.spec, err)
			continue
		}
		wantFile := tt.file
		if !filepath.IsAbs(wantFile) {
			wantFile = filepath.Join(dir, wantFile)
		}
		if ce.File != wantFile || ce.Line != tt.line || ce.Column != tt.column {
			t.Errorf("%s: error at %s:%d column %d; want %s:%d column %d", tt.name, ce.File, ce.Line, ce.Column, wantFile, tt.line, tt.column)
		}
		place := wantFile
		if tt.line > 0 {
			place += ":" + strconv.Itoa(tt.line)
		}
		if !strings.HasPrefix(err.Error(), "tasks: "+place+": ") || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("%s: error %q; want \"tasks: %s: ...%s\"", tt.name, err, place, tt.want)
		}
		// The registry reports the same error.
		if _, err2 := tasks.New("csv:"+tt.spec, 1); tt.opt == nil && (err2 == nil || err2.Error() != err.Error()) {
			t.Errorf("%s: New = %v; want %v", tt.name, err2, err)
		}
	}

	// Whole messages, as the command line prints them.
	abc := filepath.Join(dir, "abc.csv")
	_, err := tasks.NewCSV(abc, 1, tasks.DefaultCSVOptions())
	if want := "tasks: " + abc + `:4: column 2 ("x2"): "abc" is not a number`; err == nil || err.Error() != want {
		t.Errorf("NewCSV(abc.csv) = %v; want %s", err, want)
	}
	_, err = tasks.NewCSV(filepath.Join(dir, "nope.csv"), 1, tasks.DefaultCSVOptions())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("NewCSV(missing file) = %v; want an error that is fs.ErrNotExist", err)
	}
}

func TestCSVBadSpecAndOptions(t *testing.T) {
	good := writeCSV(t, t.TempDir(), "good.csv", "x1,x2,label\n1,2,a\n3,4,b\n")
	for _, tt := range []struct {
		spec string
		opt  tasks.CSVOptions
		want string
	}{
		{"", tasks.DefaultCSVOptions(), `tasks: task "csv:": want csv:FILE or csv:TRAIN,TEST`},
		{good + ",", tasks.DefaultCSVOptions(), "want csv:FILE or csv:TRAIN,TEST"},
		{"," + good, tasks.DefaultCSVOptions(), "want csv:FILE or csv:TRAIN,TEST"},
		{good + "," + good + "," + good, tasks.DefaultCSVOptions(), "want csv:FILE or csv:TRAIN,TEST"},
		{good, tasks.CSVOptions{Target: "label", TestFraction: 0.25}, `tasks: data.target = "label", want auto, class or number`},
		{good, tasks.CSVOptions{Target: "auto", TestFraction: 0}, "tasks: data.test_fraction = 0, want a fraction in (0, 1)"},
		{good, tasks.CSVOptions{Target: "auto", TestFraction: 1}, "tasks: data.test_fraction = 1, want a fraction in (0, 1)"},
		{good, tasks.CSVOptions{Target: "auto", TestFraction: math.NaN()}, "tasks: data.test_fraction = NaN"},
	} {
		_, err := tasks.NewCSV(tt.spec, 1, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewCSV(%q, %+v) = %v; want an error containing %q", tt.spec, tt.opt, err, tt.want)
		}
	}
	if opt := tasks.DefaultCSVOptions(); opt.Validate() != nil || opt.Target != "auto" || opt.TestFraction != 0.25 {
		t.Errorf("DefaultCSVOptions() = %+v, Validate %v; want auto, 0.25, valid", opt, opt.Validate())
	}
}
