package tasks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
)

// ContinualSolvedAccuracy is the accuracy at which a phase of an MNIST
// stream counts as solved.
const ContinualSolvedAccuracy = 0.9

// SplitMNISTPhases is the number of phases of split-mnist: the digit
// pairs 0/1, 2/3, 4/5, 6/7 and 8/9.
const SplitMNISTPhases = 5

// The streams of the continual tasks' data. Each is named (seed, INDEX,
// rngs.Task, ID): the generation field carries the phase, flip event or
// example the draw belongs to, so that a stream may have any number of
// phases without the ids of one running into another's. Never renumber
// them: they fix the data each seed gives.
const (
	permutedPermStream  = 1000 // permuted-mnist: the pixel permutation of phase p (index p)
	permutedTrainStream = 1001 // permuted-mnist: the training images of phase p
	permutedTestStream  = 1002 // permuted-mnist: the test images of phase p
	splitTrainStream    = 1003 // split-mnist: the training images of phase p
	splitTestStream     = 1004 // split-mnist: the test images of phase p
	bitFlipNetStream    = 2000 // bitflip: the target network (index 0)
	bitFlipInitStream   = 2001 // bitflip: the slow bits at the start (index 0)
	bitFlipFlipStream   = 2002 // bitflip: the bit flipped at flip event e (index e)
	bitFlipFastStream   = 2003 // bitflip: the fast bits of example t (index t, through rngs.Derive)
)

// ContinualOptions are the settings of a continual stream: how many
// phases it has, how long each lasts, and how much data each holds. They
// are the [continual] section of a run's configuration;
// DefaultContinualOptions gives the defaults.
//
// A run spends GenerationsPerPhase generations on each phase; generation
// g is in phase min(g / GenerationsPerPhase, Phases - 1) (Stream.PhaseAt),
// so the last phase lasts to the end of the run, however long.
type ContinualOptions struct {
	Phases              int `toml:"phases" comment:"for continual tasks, the phases (tasks) of the stream, >= 1; split-mnist has at most 5"`
	GenerationsPerPhase int `toml:"generations_per_phase" comment:"for continual tasks, the generations spent on each phase before the next begins; the last lasts to the end of the run, >= 1"`
	TrainPerPhase       int `toml:"train_per_phase" comment:"for continual tasks, the training samples of each phase: MNIST training images drawn for permuted-mnist (the paper: all 60000) and split-mnist (at most the phase's digits), or for bitflip the examples between two flips (the paper: 10000), shared out among the phase's generations, >= 1"`
	TestPerPhase        int `toml:"test_per_phase" comment:"for permuted-mnist and split-mnist, the MNIST test images drawn for each phase, >= 1; bitflip tests each phase on its 32 distinct inputs"`
}

// DefaultContinualOptions returns the defaults: 10 phases of 5 generations,
// each with 1,000 training and 500 test images. They are chosen for speed,
// to keep a 10-phase permuted-mnist run of a population of about 50 under
// 10 minutes on 2 cores, and lie far below the 60,000 training images per
// task (seen once each, for 800 tasks) of Dohare et al. (2024). For bitflip
// they mean a flip every 1,000 examples, 200 per generation, against the
// paper's 10,000 (set train_per_phase = 10000 for that).
func DefaultContinualOptions() ContinualOptions {
	return ContinualOptions{Phases: 10, GenerationsPerPhase: 5, TrainPerPhase: 1000, TestPerPhase: 500}
}

// StreamDefaults returns the defaults for the named stream:
// DefaultContinualOptions, with SplitMNISTPhases (5) phases for
// split-mnist, and DriftPhases (6) phases of DriftGenerationsPerPhase (30)
// generations for cartpole-drift.
func StreamDefaults(name string) ContinualOptions {
	o := DefaultContinualOptions()
	switch name {
	case "split-mnist":
		o.Phases = SplitMNISTPhases
	case DriftName:
		o.Phases, o.GenerationsPerPhase = DriftPhases, DriftGenerationsPerPhase
	}
	return o
}

// The defaults of cartpole-drift: each of the five dynamics of
// DefaultDriftOptions, then the first again, for 30 generations each,
// time for NEAT to re-adapt.
const (
	DriftPhases              = 6
	DriftGenerationsPerPhase = 30
)

// NewContinual returns the named built-in continual task: a data stream
// (NewStream) or cartpole-drift (NewDrift, with drift's dynamics).
func NewContinual(name string, seed uint64, opt ContinualOptions, drift DriftOptions, dataDir string) (Continual, error) {
	if name == DriftName {
		return NewDrift(opt, drift)
	}
	return NewStream(name, seed, opt, dataDir)
}

// Validate returns an error naming the first setting out of range.
func (o *ContinualOptions) Validate() error {
	switch {
	case o.Phases < 1:
		return fmt.Errorf("tasks: continual.phases = %d, want >= 1", o.Phases)
	case o.GenerationsPerPhase < 1:
		return fmt.Errorf("tasks: continual.generations_per_phase = %d, want >= 1", o.GenerationsPerPhase)
	case o.TrainPerPhase < 1:
		return fmt.Errorf("tasks: continual.train_per_phase = %d, want >= 1", o.TrainPerPhase)
	case o.TestPerPhase < 1:
		return fmt.Errorf("tasks: continual.test_per_phase = %d, want >= 1", o.TestPerPhase)
	}
	return nil
}

// Stream is a continual task: a sequence of phases, each a supervised
// problem with its own training and test data, met one after another as
// a run goes on. The phase in force is a function of the generation
// alone (PhaseAt), so a run resumed from a checkpoint of generation g is
// in the same phase, with the same data, as the run that wrote it.
//
// At generation g a run learns from TrainAt(g) (TaskAt(g) wraps it as a
// Supervised task), and the continual-learning metrics of Lopez-Paz &
// Ranzato (2017) come from scoring networks (Score) on Test(j) of every
// phase j: R[i][j] after the last generation of phase i, b[j] at
// initialisation.
//
// The fields describe the task and must not be changed. A Stream may be
// used by any number of goroutines at once.
type Stream struct {
	Name    string       // the task's name: "permuted-mnist", "split-mnist" or "bitflip"
	Inputs  int          // network inputs, not counting the bias
	Outputs int          // network outputs
	Loss    network.Loss // the training loss
	Classes int          // the number of classes, or 0 for regression
	Options ContinualOptions

	src phaseSource

	mu      sync.Mutex
	last    *PhaseTask // the last task TaskAt made
	lastKey int        // its phase, or for a per-generation source its generation
}

// phaseSource makes a stream's data.
type phaseSource interface {
	train(p int) *Dataset
	test(p int) *Dataset
	// trainAt returns the data generation g, in phase p, learns from.
	trainAt(g, p int) *Dataset
	// perGeneration reports whether trainAt changes with every generation
	// rather than with every phase.
	perGeneration() bool
}

// streams holds the built-in streams' descriptions, for `evolve tasks`.
var streams = map[string]string{
	"permuted-mnist": "continual: MNIST digits, each phase under a new fixed random permutation of the 784 pixels, 10 classes (Dohare et al. 2024); see [continual] in evolve config",
	"split-mnist":    "continual: MNIST digits in 5 phases of two digits each (0/1, 2/3, ...), 10-way output (class-incremental split MNIST); see [continual]",
	DriftName:        "continual: pole balancing (double pole with velocities by default) whose long pole changes length and mass from phase to phase; see [drift] and [continual]",
	"bitflip":        "continual: slowly-changing regression, 20 bits of which 15 flip one at a time, target a fixed random net of 100 threshold units (Dohare et al. 2024); see [continual]",
}

// StreamNames returns the names of the built-in streams, sorted.
func StreamNames() []string {
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DescribeStream returns the one-line description of the named built-in
// stream, or "" for a name that is not one.
func DescribeStream(name string) string { return streams[name] }

// NewStream returns the named built-in stream ("permuted-mnist",
// "split-mnist" or "bitflip") made from seed and opt. The MNIST streams
// read the MNIST files from dataDir, or where FindMNIST finds them when
// dataDir is empty.
func NewStream(name string, seed uint64, opt ContinualOptions, dataDir string) (*Stream, error) {
	switch name {
	case "permuted-mnist", "split-mnist":
		if err := opt.Validate(); err != nil {
			return nil, err
		}
		dir, err := FindMNIST(dataDir)
		if err != nil {
			return nil, err
		}
		train, test, err := LoadMNIST(dir)
		if err != nil {
			return nil, err
		}
		if name == "permuted-mnist" {
			return NewPermutedMNIST(train, test, seed, opt)
		}
		return NewSplitMNIST(train, test, seed, opt)
	case "bitflip":
		return NewBitFlipStream(seed, opt)
	}
	return nil, fmt.Errorf("tasks: unknown data stream %q (allowed: permuted-mnist, split-mnist, bitflip; %s is made by NewDrift)", name, DriftName)
}

// Phases returns the number of phases.
func (s *Stream) Phases() int { return s.Options.Phases }

// PhaseAt returns the phase in force at a generation (from 0):
// min(generation / GenerationsPerPhase, Phases - 1). It panics if
// generation is negative.
func (s *Stream) PhaseAt(generation int) int {
	if generation < 0 {
		panic(fmt.Sprintf("tasks: %s: phase of generation %d", s.Name, generation))
	}
	return min(generation/s.Options.GenerationsPerPhase, s.Options.Phases-1)
}

// Train returns all the training data of phase p, made afresh at each
// call (the caller may keep or change it).
func (s *Stream) Train(p int) *Dataset {
	s.checkPhase(p)
	return s.src.train(p)
}

// Test returns the test data of phase p, made afresh at each call (the
// caller may keep or change it). Every phase has one, earlier and later
// alike, for the matrix R and the initial accuracies b of the
// continual-learning metrics.
func (s *Stream) Test(p int) *Dataset {
	s.checkPhase(p)
	return s.src.test(p)
}

// TrainAt returns the data a run learns from at a generation, made afresh
// at each call: for the MNIST streams all of Train(PhaseAt(generation)),
// revisited by every generation of the phase; for bitflip the
// generation's own chunk of the phase's examples (see NewBitFlipStream),
// each seen by one generation only.
func (s *Stream) TrainAt(generation int) *Dataset {
	return s.src.trainAt(generation, s.PhaseAt(generation))
}

// TaskAt returns the supervised task of a generation: TrainAt(generation)
// as its training split and Test(PhaseAt(generation)) as its test split.
// It returns the same *PhaseTask, with the same datasets, to repeated
// calls for the same phase (for bitflip, the same generation), so that
// whatever is cached by dataset lasts the phase.
func (s *Stream) TaskAt(generation int) *PhaseTask {
	p := s.PhaseAt(generation)
	key := p
	if s.src.perGeneration() {
		key = generation
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil || s.lastKey != key {
		s.last = &PhaseTask{stream: s, phase: p, train: s.src.trainAt(generation, p), test: s.src.test(p)}
		s.lastKey = key
	}
	return s.last
}

func (s *Stream) checkPhase(p int) {
	if p < 0 || p >= s.Options.Phases {
		panic(fmt.Sprintf("tasks: %s: phase %d of %d", s.Name, p, s.Options.Phases))
	}
}

// Info describes the networks the stream needs: a bias input, identity
// outputs (logits for the MNIST streams' softmax cross-entropy),
// feed-forward, and Metric "accuracy" or, for bitflip, "mse" (lower is
// better).
func (s *Stream) Info() Info {
	info := Info{
		Name: s.Name, Description: DescribeStream(s.Name),
		Inputs: s.Inputs, Outputs: s.Outputs, Bias: true,
		OutputAct: network.Identity, FeedForward: true,
		MaxFitness: 0, Metric: "accuracy",
		Supervised: true, Continual: true,
	}
	if s.Classes == 0 {
		info.Metric, info.LowerIsBetter = "mse", true
	}
	return info
}

// Score measures a feed-forward network on a dataset of the stream (any
// phase's), in one batch through b, as Supervised.Score does: Fitness is
// minus the mean loss. For the MNIST streams Metric is the accuracy (the
// largest output names the class) and Solved means accuracy >=
// ContinualSolvedAccuracy; for bitflip Metric is the mean squared error
// and Solved means it is below BitFlipSolved. It panics if d is empty or
// does not fit net, or if net is recurrent.
func (s *Stream) Score(net *network.Network, d *Dataset, b *network.Batch) Result {
	loss, metric := ScoreBatch(net, d, b, s.Loss, s.Classes)
	if s.Classes == 0 {
		return Result{Fitness: -loss, Solved: metric < BitFlipSolved, Metric: metric}
	}
	return Result{Fitness: -loss, Solved: metric >= ContinualSolvedAccuracy, Metric: metric}
}

// PhaseTask is the supervised task a stream sets at one generation
// (Stream.TaskAt). It is read-only, so any number of goroutines may use it
// at once.
type PhaseTask struct {
	stream      *Stream
	phase       int
	train, test *Dataset
}

var _ Supervised = (*PhaseTask)(nil)

// Stream returns the stream the task belongs to.
func (t *PhaseTask) Stream() *Stream { return t.stream }

// Phase returns the task's phase.
func (t *PhaseTask) Phase() int { return t.phase }

// Info implements Task: the stream's Info, less Continual, since one
// phase is not a stream.
func (t *PhaseTask) Info() Info {
	info := t.stream.Info()
	info.Continual = false
	return info
}

// Train implements Supervised: the data of the generation the task was
// made for.
func (t *PhaseTask) Train() *Dataset { return t.train }

// Test implements Supervised: the phase's test data.
func (t *PhaseTask) Test() *Dataset { return t.test }

// Loss implements Supervised.
func (t *PhaseTask) Loss() network.Loss { return t.stream.Loss }

// Classes implements Supervised.
func (t *PhaseTask) Classes() int { return t.stream.Classes }

// Score implements Supervised (see Stream.Score).
func (t *PhaseTask) Score(net *network.Network, d *Dataset, b *network.Batch) Result {
	return t.stream.Score(net, d, b)
}

// Evaluate implements Task: Score on the phase's test data. The random
// stream is not used.
func (t *PhaseTask) Evaluate(net *network.Network, _ *rand.Rand) Result {
	var b network.Batch
	return t.stream.Score(net, t.test, &b)
}

// mnistSource makes the phases of permuted-mnist and split-mnist.
type mnistSource struct {
	seed     uint64
	trainSet *MNIST
	testSet  *MNIST
	opt      ContinualOptions
	permute  bool
	// pools holds, for split-mnist, the indices of each phase's images
	// (pools[0] training, pools[1] test); nil for permuted-mnist, whose
	// phases draw from all images.
	pools           [2][][]int
	trainID, testID int // the streams that draw each phase's images
}

// NewPermutedMNIST returns permuted-mnist (Goodfellow et al. 2013;
// Kirkpatrick et al. 2017; in its online form, Dohare et al. 2024): in
// every phase p, the 784 pixels of each image are rearranged by a fixed
// random permutation of phase p's own, perm = rngs.New(seed, p,
// rngs.Task, 1000).Perm(784): input j of a sample is pixel perm[j] of its
// image, scaled to [0, 1]. As in the paper, every phase is permuted, the
// first too. Phase p's data are opt.TrainPerPhase images drawn without
// replacement from MNIST's training split and opt.TestPerPhase from its
// test split (streams 1001 and 1002, index p), drawn afresh for each
// phase, so phases share a few of their images by chance (about
// TrainPerPhase/60000 of them; with all 60,000, as in the paper, every
// phase has the same images under its own permutation). The target is the digit,
// one-hot over 10 outputs read as logits, learned with softmax
// cross-entropy.
func NewPermutedMNIST(train, test *MNIST, seed uint64, opt ContinualOptions) (*Stream, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if opt.TrainPerPhase > train.Len() {
		return nil, fmt.Errorf("tasks: continual.train_per_phase = %d, more than the %d MNIST training images", opt.TrainPerPhase, train.Len())
	}
	if opt.TestPerPhase > test.Len() {
		return nil, fmt.Errorf("tasks: continual.test_per_phase = %d, more than the %d MNIST test images", opt.TestPerPhase, test.Len())
	}
	src := &mnistSource{seed: seed, trainSet: train, testSet: test, opt: opt, permute: true,
		trainID: permutedTrainStream, testID: permutedTestStream}
	return mnistStream("permuted-mnist", src, opt), nil
}

// NewSplitMNIST returns split-mnist (Zenke, Poole & Ganguli 2017) in its
// class-incremental form (van de Ven & Tolias 2019): phase p holds only the
// digits 2p and 2p+1, and the network has 10 outputs throughout, so it
// must tell apart every digit it has met, not only the current pair. Phase
// p's data are opt.TrainPerPhase training and opt.TestPerPhase test images
// of its two digits, drawn without replacement (streams 1003 and 1004,
// index p); pixels are scaled to [0, 1] and not permuted. The target is
// the digit, one-hot over 10 outputs read as logits, learned with softmax
// cross-entropy. opt.Phases must be at most SplitMNISTPhases (5); fewer
// use the first pairs.
func NewSplitMNIST(train, test *MNIST, seed uint64, opt ContinualOptions) (*Stream, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if opt.Phases > SplitMNISTPhases {
		return nil, fmt.Errorf("tasks: continual.phases = %d, but split-mnist has %d phases (the digit pairs 0/1 to 8/9)", opt.Phases, SplitMNISTPhases)
	}
	src := &mnistSource{seed: seed, trainSet: train, testSet: test, opt: opt,
		trainID: splitTrainStream, testID: splitTestStream}
	for k, m := range []*MNIST{train, test} {
		want, field, split := opt.TrainPerPhase, "train_per_phase", "training"
		if k == 1 {
			want, field, split = opt.TestPerPhase, "test_per_phase", "test"
		}
		pools := make([][]int, opt.Phases)
		for i, l := range m.Labels {
			if p := int(l) / 2; p < opt.Phases {
				pools[p] = append(pools[p], i)
			}
		}
		for p, pool := range pools {
			if want > len(pool) {
				return nil, fmt.Errorf("tasks: continual.%s = %d, more than the %d MNIST %s images of digits %d and %d", field, want, len(pool), split, 2*p, 2*p+1)
			}
		}
		src.pools[k] = pools
	}
	return mnistStream("split-mnist", src, opt), nil
}

func mnistStream(name string, src *mnistSource, opt ContinualOptions) *Stream {
	return &Stream{
		Name: name, Inputs: MNISTPixels, Outputs: MNISTDigits,
		Loss: network.SoftmaxCE, Classes: MNISTDigits,
		Options: opt, src: src,
	}
}

// Permutation returns the pixel permutation of phase p of permuted-mnist
// (input j is pixel Permutation(p)[j]), or nil for the other streams.
func (s *Stream) Permutation(p int) []int {
	s.checkPhase(p)
	if m, ok := s.src.(*mnistSource); ok && m.permute {
		return m.perm(p)
	}
	return nil
}

// Samples returns the MNIST images of phase p of an MNIST stream: the
// indices into the training and test splits of the samples of Train(p)
// and Test(p), in order. It returns nil for bitflip.
func (s *Stream) Samples(p int) (train, test []int) {
	s.checkPhase(p)
	if m, ok := s.src.(*mnistSource); ok {
		return m.samples(p, 0), m.samples(p, 1)
	}
	return nil, nil
}

func (m *mnistSource) perm(p int) []int {
	return rngs.New(m.seed, p, rngs.Task, permutedPermStream).Perm(MNISTPixels)
}

// samples returns the images of phase p's training (k = 0) or test (k =
// 1) data.
func (m *mnistSource) samples(p, k int) []int {
	id, n, want := m.trainID, m.trainSet.Len(), m.opt.TrainPerPhase
	if k == 1 {
		id, n, want = m.testID, m.testSet.Len(), m.opt.TestPerPhase
	}
	var pool []int
	if m.pools[k] != nil {
		pool = m.pools[k][p]
		n = len(pool)
	}
	idx := sample(rngs.New(m.seed, p, rngs.Task, id), n, want)
	if pool != nil {
		for i, j := range idx {
			idx[i] = pool[j]
		}
	}
	return idx
}

func (m *mnistSource) train(p int) *Dataset {
	var perm []int
	if m.permute {
		perm = m.perm(p)
	}
	return mnistDataset(m.trainSet, m.samples(p, 0), perm)
}

func (m *mnistSource) test(p int) *Dataset {
	var perm []int
	if m.permute {
		perm = m.perm(p)
	}
	return mnistDataset(m.testSet, m.samples(p, 1), perm)
}

func (m *mnistSource) trainAt(_, p int) *Dataset { return m.train(p) }

func (m *mnistSource) perGeneration() bool { return false }

// sample returns k distinct integers drawn from [0, n), in the order
// drawn: the first k places of a Fisher-Yates shuffle.
func sample(rng *rand.Rand, n, k int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for i := range k {
		j := i + rng.IntN(n-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	return idx[:k:k]
}

// pixelScale maps a pixel byte to [0, 1].
var pixelScale = func() (t [256]float64) {
	for v := range t {
		t[v] = Pixel(uint8(v))
	}
	return t
}()

// mnistDataset returns images idx of m as samples: input j is pixel
// perm[j] (pixel j when perm is nil) scaled to [0, 1], and the target
// the digit, one-hot over 10 outputs.
func mnistDataset(m *MNIST, idx, perm []int) *Dataset {
	d := &Dataset{
		Inputs: MNISTPixels, Outputs: MNISTDigits,
		X: make([]float64, len(idx)*MNISTPixels), Y: make([]float64, len(idx)*MNISTDigits),
	}
	for r, i := range idx {
		img := m.Image(i)
		row := d.X[r*MNISTPixels : (r+1)*MNISTPixels]
		if perm == nil {
			for j, v := range img {
				row[j] = pixelScale[v]
			}
		} else {
			for j, k := range perm {
				row[j] = pixelScale[img[k]]
			}
		}
		d.Y[r*MNISTDigits+int(m.Labels[i])] = 1
	}
	return d
}

// Evaluate implements Task for the stream as a whole: it scores net on the
// first phase's test split. A continual run evaluates each generation on
// the phase in force instead (TaskAt).
func (s *Stream) Evaluate(net *network.Network, rng *rand.Rand) Result {
	return s.TaskAt(0).Evaluate(net, rng)
}

var _ Task = (*Stream)(nil)

// StreamInfo returns the Info of the named built-in stream without making
// it (the MNIST streams need their files for that), and whether the name
// is a stream's.
func StreamInfo(name string) (Info, bool) {
	s := &Stream{Name: name, Inputs: 784, Outputs: 10, Loss: network.SoftmaxCE, Classes: 10}
	switch name {
	case "permuted-mnist", "split-mnist":
	case "bitflip":
		s.Inputs, s.Outputs, s.Loss, s.Classes = BitFlipInputs, 1, network.MSE, 0
	case DriftName:
		d, err := NewDrift(StreamDefaults(DriftName), DefaultDriftOptions())
		if err != nil {
			panic(err) // the defaults are valid
		}
		return d.Info(), true
	default:
		return Info{}, false
	}
	return s.Info(), true
}
