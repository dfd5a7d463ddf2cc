package tasks_test

import (
	"errors"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

func TestContinualOptions(t *testing.T) {
	def := tasks.DefaultContinualOptions()
	if err := def.Validate(); err != nil {
		t.Fatalf("DefaultContinualOptions().Validate() = %v", err)
	}
	if def != (tasks.ContinualOptions{Phases: 10, GenerationsPerPhase: 5, TrainPerPhase: 1000, TestPerPhase: 500}) {
		t.Errorf("DefaultContinualOptions() = %+v", def)
	}
	for _, c := range []struct {
		set  func(o *tasks.ContinualOptions)
		want string
	}{
		{func(o *tasks.ContinualOptions) { o.Phases = 0 }, "tasks: continual.phases = 0, want >= 1"},
		{func(o *tasks.ContinualOptions) { o.GenerationsPerPhase = -1 }, "tasks: continual.generations_per_phase = -1, want >= 1"},
		{func(o *tasks.ContinualOptions) { o.TrainPerPhase = 0 }, "tasks: continual.train_per_phase = 0, want >= 1"},
		{func(o *tasks.ContinualOptions) { o.TestPerPhase = 0 }, "tasks: continual.test_per_phase = 0, want >= 1"},
	} {
		o := def
		c.set(&o)
		if err := o.Validate(); err == nil || err.Error() != c.want {
			t.Errorf("Validate(%+v) = %v; want %q", o, err, c.want)
		}
		if _, err := tasks.NewBitFlipStream(1, o); err == nil || err.Error() != c.want {
			t.Errorf("NewBitFlipStream(%+v) = %v; want %q", o, err, c.want)
		}
	}

	for _, name := range tasks.StreamNames() {
		want := def
		switch name {
		case "split-mnist":
			want.Phases = 5
		case tasks.DriftName:
			want.Phases, want.GenerationsPerPhase = 6, 30
		}
		if got := tasks.StreamDefaults(name); got != want {
			t.Errorf("StreamDefaults(%s) = %+v; want %+v", name, got, want)
		}
	}

	// The options are the [continual] section of a run's config.toml.
	text, err := toml.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"phases = 10", "generations_per_phase = 5", "train_per_phase = 1000", "test_per_phase = 500", "# for continual tasks, the phases"} {
		if !strings.Contains(string(text), w) {
			t.Errorf("TOML of the defaults:\n%s\nwant it to hold %q", text, w)
		}
	}
	var back tasks.ContinualOptions
	if err := toml.Unmarshal(text, &back); err != nil || back != def {
		t.Errorf("TOML round trip = %+v, %v; want %+v", back, err, def)
	}
}

func TestPhaseAt(t *testing.T) {
	s, err := tasks.NewBitFlipStream(1, tasks.ContinualOptions{Phases: 3, GenerationsPerPhase: 5, TrainPerPhase: 10, TestPerPhase: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Phases() != 3 {
		t.Errorf("Phases() = %d; want 3", s.Phases())
	}
	for _, c := range [][2]int{{0, 0}, {4, 0}, {5, 1}, {9, 1}, {10, 2}, {14, 2}, {15, 2}, {1000, 2}} {
		if got := s.PhaseAt(c[0]); got != c[1] {
			t.Errorf("PhaseAt(%d) = %d; want %d", c[0], got, c[1])
		}
	}
	mustPanic(t, "PhaseAt(-1)", func() { s.PhaseAt(-1) })
	mustPanic(t, "Train(3)", func() { s.Train(3) })
	mustPanic(t, "Test(-1)", func() { s.Test(-1) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

// isPermutation reports whether p holds each of 0 to n-1 once.
func isPermutation(p []int, n int) bool {
	if len(p) != n {
		return false
	}
	seen := make([]bool, n)
	for _, v := range p {
		if v < 0 || v >= n || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// checkMNISTRows checks that sample r of d is image idx[r] of m with its
// pixels rearranged by perm (input j is pixel perm[j]; nil for none),
// scaled to [0, 1], and its label one-hot.
func checkMNISTRows(t *testing.T, what string, d *tasks.Dataset, m *tasks.MNIST, idx, perm []int) {
	t.Helper()
	if err := d.Check(); err != nil || d.Inputs != 784 || d.Outputs != 10 || d.Len() != len(idx) {
		t.Fatalf("%s: %d samples of %d inputs and %d outputs (%v); want %d of 784 and 10", what, d.Len(), d.Inputs, d.Outputs, err, len(idx))
	}
	for r, i := range idx {
		img := m.Image(i)
		row := d.X[r*784 : (r+1)*784]
		for j, v := range row {
			k := j
			if perm != nil {
				k = perm[j]
			}
			if v != tasks.Pixel(img[k]) {
				t.Fatalf("%s: sample %d input %d = %v; want pixel %d of image %d, %v", what, r, j, v, k, i, tasks.Pixel(img[k]))
			}
		}
		for c, y := range d.Y[r*10 : (r+1)*10] {
			if want := float64(b2i(c == int(m.Labels[i]))); y != want {
				t.Fatalf("%s: sample %d target %d = %v; want %v for digit %d", what, r, c, y, want, m.Labels[i])
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func distinct(v []int) bool {
	s := slices.Clone(v)
	slices.Sort(s)
	return len(slices.Compact(s)) == len(v)
}

func TestPermutedMNIST(t *testing.T) {
	_, train, test := loadRealMNIST(t)
	opt := tasks.ContinualOptions{Phases: 3, GenerationsPerPhase: 2, TrainPerPhase: 300, TestPerPhase: 100}
	s, err := tasks.NewPermutedMNIST(train, test, 7, opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "permuted-mnist" || s.Inputs != 784 || s.Outputs != 10 || s.Loss != network.SoftmaxCE || s.Classes != 10 || s.BitFlip() != nil {
		t.Errorf("NewPermutedMNIST = %+v; want 784 inputs, 10 outputs, softmax cross-entropy, 10 classes", s)
	}
	twin, _ := tasks.NewPermutedMNIST(train, test, 7, opt)
	other, _ := tasks.NewPermutedMNIST(train, test, 8, opt)
	identity := make([]int, 784)
	for i := range identity {
		identity[i] = i
	}
	var perms [][]int
	for p := range opt.Phases {
		perm := s.Permutation(p)
		if !isPermutation(perm, 784) {
			t.Fatalf("Permutation(%d) is not a permutation of the 784 pixels", p)
		}
		if slices.Equal(perm, identity) {
			t.Errorf("Permutation(%d) is the identity; want every phase permuted", p)
		}
		for q, prev := range perms {
			if slices.Equal(perm, prev) {
				t.Errorf("phases %d and %d have the same permutation", q, p)
			}
		}
		perms = append(perms, perm)
		if !slices.Equal(twin.Permutation(p), perm) {
			t.Errorf("phase %d: the same seed gives another permutation", p)
		}
		if slices.Equal(other.Permutation(p), perm) {
			t.Errorf("phase %d: seeds 7 and 8 give the same permutation", p)
		}

		trainIdx, testIdx := s.Samples(p)
		if len(trainIdx) != 300 || len(testIdx) != 100 || !distinct(trainIdx) || !distinct(testIdx) {
			t.Fatalf("Samples(%d): %d training and %d test images, distinct %v and %v; want 300 and 100, each drawn once",
				p, len(trainIdx), len(testIdx), distinct(trainIdx), distinct(testIdx))
		}
		checkMNISTRows(t, "Train", s.Train(p), train, trainIdx, perm)
		checkMNISTRows(t, "Test", s.Test(p), test, testIdx, perm)
		if !sameData(s.Train(p), twin.Train(p)) || !sameData(s.Test(p), twin.Test(p)) {
			t.Errorf("phase %d: the same seed gives other data", p)
		}
		if sameData(s.Train(p), other.Train(p)) {
			t.Errorf("phase %d: seeds 7 and 8 give the same data", p)
		}
		// Every generation of the phase learns from all its data.
		for g := p * 2; g < p*2+2; g++ {
			if !sameData(s.TrainAt(g), s.Train(p)) {
				t.Errorf("TrainAt(%d) is not Train(%d)", g, p)
			}
		}
	}
	// The digits are all there in a phase's sample.
	tr, _ := s.Samples(0)
	var counts [10]int
	for _, i := range tr {
		counts[train.Labels[i]]++
	}
	if slices.Contains(counts[:], 0) {
		t.Errorf("phase 0 holds digits %v; want all 10", counts)
	}

	// Sizes beyond MNIST's.
	big := opt
	big.TrainPerPhase = 60001
	if _, err := tasks.NewPermutedMNIST(train, test, 1, big); err == nil || !strings.Contains(err.Error(), "continual.train_per_phase = 60001, more than the 60000 MNIST training images") {
		t.Errorf("NewPermutedMNIST(train_per_phase 60001) error = %v", err)
	}
	big = opt
	big.TestPerPhase = 10001
	if _, err := tasks.NewPermutedMNIST(train, test, 1, big); err == nil || !strings.Contains(err.Error(), "continual.test_per_phase = 10001, more than the 10000 MNIST test images") {
		t.Errorf("NewPermutedMNIST(test_per_phase 10001) error = %v", err)
	}
	all := opt
	all.Phases, all.TrainPerPhase, all.TestPerPhase = 1, 60000, 10000
	s, err = tasks.NewPermutedMNIST(train, test, 1, all)
	if err != nil {
		t.Fatal(err)
	}
	if tr, te := s.Samples(0); !isPermutation(tr, 60000) || !isPermutation(te, 10000) {
		t.Errorf("train_per_phase 60000, test_per_phase 10000: not every image once")
	}
}

func TestSplitMNIST(t *testing.T) {
	_, train, test := loadRealMNIST(t)
	opt := tasks.ContinualOptions{Phases: 5, GenerationsPerPhase: 3, TrainPerPhase: 400, TestPerPhase: 150}
	s, err := tasks.NewSplitMNIST(train, test, 3, opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "split-mnist" || s.Inputs != 784 || s.Outputs != 10 || s.Loss != network.SoftmaxCE || s.Classes != 10 || s.Permutation(0) != nil {
		t.Errorf("NewSplitMNIST = %+v; want 784 inputs, 10 outputs, softmax cross-entropy, 10 classes, no permutation", s)
	}
	twin, _ := tasks.NewSplitMNIST(train, test, 3, opt)
	for p := range 5 {
		trainIdx, testIdx := s.Samples(p)
		if len(trainIdx) != 400 || len(testIdx) != 150 || !distinct(trainIdx) || !distinct(testIdx) {
			t.Fatalf("Samples(%d): %d training and %d test images; want 400 and 150, each drawn once", p, len(trainIdx), len(testIdx))
		}
		for _, c := range []struct {
			name string
			m    *tasks.MNIST
			idx  []int
		}{{"training", train, trainIdx}, {"test", test, testIdx}} {
			var counts [10]int
			for _, i := range c.idx {
				counts[c.m.Labels[i]]++
			}
			for d, n := range counts {
				if (d/2 == p) != (n > 0) {
					t.Errorf("phase %d: %s digits %v; want only %d and %d, both", p, c.name, counts, 2*p, 2*p+1)
					break
				}
			}
		}
		checkMNISTRows(t, "Train", s.Train(p), train, trainIdx, nil)
		checkMNISTRows(t, "Test", s.Test(p), test, testIdx, nil)
		if !sameData(s.Train(p), twin.Train(p)) {
			t.Errorf("phase %d: the same seed gives other data", p)
		}
	}
	if !sameData(s.TrainAt(14), s.Train(4)) || s.PhaseAt(100) != 4 {
		t.Errorf("TrainAt(14) is not Train(4), or PhaseAt(100) = %d, not 4", s.PhaseAt(100))
	}

	if _, err := tasks.NewSplitMNIST(train, test, 3, tasks.StreamDefaults("split-mnist")); err != nil {
		t.Errorf("NewSplitMNIST(StreamDefaults) = %v", err)
	}
	few := opt
	few.Phases = 2
	if s, err := tasks.NewSplitMNIST(train, test, 3, few); err != nil || s.Phases() != 2 {
		t.Errorf("NewSplitMNIST(2 phases) = %v; want the first two pairs", err)
	}
	for _, c := range []struct {
		set  func(o *tasks.ContinualOptions)
		want string
	}{
		{func(o *tasks.ContinualOptions) { o.Phases = 6 }, "continual.phases = 6, but split-mnist has 5 phases"},
		// Digits 4 and 5 have the fewest images: 11263 and 1874.
		{func(o *tasks.ContinualOptions) { o.TrainPerPhase = 11264 }, "continual.train_per_phase = 11264, more than the 11263 MNIST training images of digits 4 and 5"},
		{func(o *tasks.ContinualOptions) { o.TestPerPhase = 1875 }, "continual.test_per_phase = 1875, more than the 1874 MNIST test images of digits 4 and 5"},
		{func(o *tasks.ContinualOptions) { o.TestPerPhase = 0 }, "continual.test_per_phase = 0"},
	} {
		o := opt
		c.set(&o)
		if _, err := tasks.NewSplitMNIST(train, test, 3, o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSplitMNIST(%+v) error = %v; want %q", o, err, c.want)
		}
	}
	o := opt
	o.TrainPerPhase, o.TestPerPhase = 11263, 1874
	if _, err := tasks.NewSplitMNIST(train, test, 3, o); err != nil {
		t.Errorf("NewSplitMNIST with every image of digits 4 and 5: %v", err)
	}
}

// inputBits returns sample i of a bitflip dataset as bits.
func inputBits(d *tasks.Dataset, i int) uint32 {
	var x uint32
	for k, v := range d.X[i*d.Inputs : (i+1)*d.Inputs] {
		if v == 1 {
			x |= 1 << k
		}
	}
	return x
}

func TestBitFlipStream(t *testing.T) {
	const slowMask = 1<<tasks.BitFlipSlow - 1
	opt := tasks.ContinualOptions{Phases: 4, GenerationsPerPhase: 3, TrainPerPhase: 100, TestPerPhase: 7}
	s, err := tasks.NewBitFlipStream(5, opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "bitflip" || s.Inputs != 20 || s.Outputs != 1 || s.Loss != network.MSE || s.Classes != 0 || s.BitFlip() == nil || s.BitFlip().FlipEvery() != 100 {
		t.Fatalf("NewBitFlipStream = %+v; want 20 inputs, 1 output, MSE, a flip every 100 examples", s)
	}
	if tr, te := s.Samples(0); tr != nil || te != nil || s.Permutation(0) != nil {
		t.Errorf("bitflip has samples or a permutation")
	}
	b := s.BitFlip()
	for p := range opt.Phases {
		// The phase is examples 100p to 100p+99, shared out in order
		// among its generations: 33, 33 and 34 examples.
		train := s.Train(p)
		if !sameData(train, b.Examples(100*p, 100)) {
			t.Fatalf("Train(%d) is not examples %d to %d", p, 100*p, 100*p+99)
		}
		var joined tasks.Dataset
		for j, size := range []int{33, 33, 34} {
			d := s.TrainAt(3*p + j)
			if d.Len() != size {
				t.Errorf("TrainAt(%d) has %d examples; want %d", 3*p+j, d.Len(), size)
			}
			joined.Inputs, joined.Outputs = d.Inputs, d.Outputs
			joined.X, joined.Y = append(joined.X, d.X...), append(joined.Y, d.Y...)
		}
		if !sameData(&joined, train) {
			t.Errorf("the chunks of phase %d are not its examples in order", p)
		}
		// The test data are the 32 inputs of the phase's slow bits.
		test := s.Test(p)
		if test.Len() != 32 {
			t.Fatalf("Test(%d) has %d samples; want 32", p, test.Len())
		}
		slow := b.Slow(p)
		if got := inputBits(train, 0) & slowMask; got != slow {
			t.Errorf("phase %d: slow bits %015b; want Slow(%d) = %015b", p, got, p, slow)
		}
		seen := map[uint32]bool{}
		for i := range 32 {
			x := inputBits(test, i)
			if x&slowMask != slow || test.Y[i] != b.Target(x) {
				t.Errorf("Test(%d) sample %d: input %020b, target %v; want slow bits %015b and target %v", p, i, x, test.Y[i], slow, b.Target(x))
			}
			seen[x>>tasks.BitFlipSlow] = true
		}
		if len(seen) != 32 {
			t.Errorf("Test(%d) holds %d of the 32 fast-bit values", p, len(seen))
		}
	}
	// Past the last phase the stream goes on with no more flips.
	last := b.Slow(opt.Phases - 1)
	for g := 12; g < 40; g++ {
		d := s.TrainAt(g)
		if d.Len() < 33 {
			t.Fatalf("TrainAt(%d) has %d examples; want 33 or 34", g, d.Len())
		}
		for i := range d.Len() {
			if x := inputBits(d, i); x&slowMask != last || d.Y[i] != b.Target(x) {
				t.Fatalf("TrainAt(%d) sample %d: input %020b; want the last phase's slow bits %015b", g, i, x, last)
			}
		}
	}
	if sameData(s.TrainAt(12), s.TrainAt(13)) {
		t.Errorf("TrainAt(12) and TrainAt(13) are the same; want new examples")
	}

	few := opt
	few.TrainPerPhase = 2
	if _, err := tasks.NewBitFlipStream(5, few); err == nil || !strings.Contains(err.Error(), "continual.train_per_phase = 2, less than continual.generations_per_phase = 3") {
		t.Errorf("NewBitFlipStream(2 examples for 3 generations) error = %v", err)
	}
}

func TestStreamTaskAt(t *testing.T) {
	opt := tasks.ContinualOptions{Phases: 2, GenerationsPerPhase: 2, TrainPerPhase: 50, TestPerPhase: 1}
	flip, err := tasks.NewBitFlipStream(1, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, smallMNIST())
	perm, err := tasks.NewStream("permuted-mnist", 1, tasks.ContinualOptions{Phases: 2, GenerationsPerPhase: 2, TrainPerPhase: 3, TestPerPhase: 2}, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*tasks.Stream{flip, perm} {
		var task tasks.Supervised = s.TaskAt(0)
		info := task.Info()
		if !s.Info().Continual || info.Continual {
			t.Errorf("%s: Continual %t, its phase's %t; want true and false", s.Name, s.Info().Continual, info.Continual)
		}
		info.Continual = true
		if info != s.Info() || info.Name != s.Name || info.Description == "" || info.Description != tasks.DescribeStream(s.Name) ||
			info.Inputs != s.Inputs || info.Outputs != s.Outputs || !info.Bias || info.OutputAct != network.Identity || !info.FeedForward || !info.Supervised {
			t.Errorf("%s: Info() = %+v", s.Name, info)
		}
		if want := map[bool]string{true: "mse", false: "accuracy"}[s.Classes == 0]; info.Metric != want {
			t.Errorf("%s: Metric %q; want %q", s.Name, info.Metric, want)
		}
		if task.Loss() != s.Loss || task.Classes() != s.Classes {
			t.Errorf("%s: TaskAt(0) has loss %v and %d classes; want %v and %d", s.Name, task.Loss(), task.Classes(), s.Loss, s.Classes)
		}
		for g := range 5 {
			pt := s.TaskAt(g)
			if pt.Phase() != s.PhaseAt(g) || pt.Stream() != s || !sameData(pt.Train(), s.TrainAt(g)) || !sameData(pt.Test(), s.Test(s.PhaseAt(g))) {
				t.Errorf("%s: TaskAt(%d) is not phase %d's TrainAt and Test", s.Name, g, s.PhaseAt(g))
			}
			// The same task for the same data: per phase for MNIST, per
			// generation for bitflip.
			if again := s.TaskAt(g); again != pt || again.Train() != pt.Train() {
				t.Errorf("%s: TaskAt(%d) twice gives two tasks", s.Name, g)
			}
		}
	}
	if perm.TaskAt(0) != perm.TaskAt(1) || perm.TaskAt(1) == perm.TaskAt(2) || perm.TaskAt(3) != perm.TaskAt(9) {
		t.Errorf("permuted-mnist: TaskAt is not one task per phase")
	}
	if flip.TaskAt(0) == flip.TaskAt(1) {
		t.Errorf("bitflip: TaskAt(0) and TaskAt(1) are one task; want one per generation")
	}

	// Concurrent callers agree.
	var wg sync.WaitGroup
	got := make([]*tasks.PhaseTask, 8)
	for i := range got {
		wg.Go(func() { got[i] = perm.TaskAt(4 + i%2) })
	}
	wg.Wait()
	for _, pt := range got {
		if pt.Phase() != 1 || !sameData(pt.Train(), perm.Train(1)) {
			t.Errorf("concurrent TaskAt gave phase %d", pt.Phase())
		}
	}
}

func TestStreamScore(t *testing.T) {
	// A network that always answers digit 3 scores the fraction of 3s.
	dir := t.TempDir()
	writeFiles(t, dir, smallMNIST()) // test labels 7 and 2
	_, err := tasks.NewStream("split-mnist", 1, tasks.ContinualOptions{Phases: 5, GenerationsPerPhase: 1, TrainPerPhase: 1, TestPerPhase: 1}, dir)
	if err == nil {
		t.Fatalf("split-mnist on 3 training images: no error; want too few images of digits 2 and 3")
	}
	s, err := tasks.NewStream("permuted-mnist", 1, tasks.ContinualOptions{Phases: 1, GenerationsPerPhase: 1, TrainPerPhase: 3, TestPerPhase: 2}, dir)
	if err != nil {
		t.Fatal(err)
	}
	w := make([][]float64, 10)
	bias := make([]float64, 10)
	for k := range w {
		w[k] = make([]float64, 784)
	}
	bias[7] = math.Log(3) // softmax 3/12 for digit 7, 1/12 for each other
	net := linearLayer(w, bias, network.Identity)
	var b network.Batch
	r := s.Score(net, s.Test(0), &b)
	wantLoss := (math.Log(4) + math.Log(12)) / 2 // -log(3/12) for the 7, -log(1/12) for the 2
	if math.Abs(r.Fitness+wantLoss) > 1e-12 || r.Metric != 0.5 || r.Solved {
		t.Errorf("Score = %+v; want fitness %v, accuracy 0.5, unsolved", r, -wantLoss)
	}
	if e := s.TaskAt(0).Evaluate(net, nil); e != r {
		t.Errorf("Evaluate = %+v; want Score on the test data, %+v", e, r)
	}

	// bitflip: a constant output c scores minus the mean of (c - y)^2.
	flip, err := tasks.NewBitFlipStream(2, tasks.DefaultContinualOptions())
	if err != nil {
		t.Fatal(err)
	}
	d := flip.Test(3)
	c := 0.5
	want := 0.0
	for _, y := range d.Y {
		want += (c - y) * (c - y)
	}
	want /= float64(d.Len())
	r = flip.Score(linearLayer([][]float64{make([]float64, 20)}, []float64{c}, network.Identity), d, &b)
	if math.Abs(r.Metric-want) > 1e-12 || math.Abs(r.Fitness+want) > 1e-12 || r.Solved != (want < tasks.BitFlipSolved) {
		t.Errorf("bitflip Score of constant %v = %+v; want mse %v", c, r, want)
	}
}

func TestNewStream(t *testing.T) {
	opt := tasks.DefaultContinualOptions()
	if _, err := tasks.NewStream("nope", 1, opt, ""); err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "permuted-mnist, split-mnist, bitflip") {
		t.Errorf("NewStream(nope) error = %v; want the allowed names", err)
	}
	if got := tasks.StreamNames(); !slices.Equal(got, []string{"bitflip", "cartpole-drift", "permuted-mnist", "split-mnist"}) {
		t.Errorf("StreamNames() = %v", got)
	}
	missing := t.TempDir() + "/missing"
	if _, err := tasks.NewStream("split-mnist", 1, opt, missing); err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "--data-dir") {
		t.Errorf("NewStream with a missing data directory: error %v", err)
	}
	bad := opt
	bad.Phases = 0
	if _, err := tasks.NewStream("permuted-mnist", 1, bad, missing); err == nil || !strings.Contains(err.Error(), "continual.phases") {
		t.Errorf("NewStream with phases 0: error %v; want the options checked first", err)
	}
	s, err := tasks.NewStream("bitflip", 9, opt, missing)
	if err != nil || s.Name != "bitflip" {
		t.Errorf("NewStream(bitflip) = %v, %v; want it made without MNIST", s, err)
	}
}
