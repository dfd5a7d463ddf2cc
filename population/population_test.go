package population_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

func xorConfig(seed uint64, workers int) population.Config {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(tasks.XOR{}.Info())
	cfg.Seed = seed
	cfg.Workers = workers
	return cfg
}

// history runs a configuration on XOR and returns every generation's
// statistics with the timing fields cleared, and the population.
func history(t *testing.T, cfg population.Config) ([]population.Stats, *population.Population) {
	t.Helper()
	return runTask(t, cfg, tasks.XOR{})
}

func TestRunIsIndependentOfWorkers(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		cfg := xorConfig(seed, 1)
		cfg.StopOnSolve = false
		cfg.Generations = 40
		want, p1 := history(t, cfg)
		for _, workers := range []int{2, 4} {
			cfg.Workers = workers
			got, p2 := history(t, cfg)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d: stats with %d workers differ from 1 worker", seed, workers)
			}
			if !reflect.DeepEqual(p1.Best(), p2.Best()) || !reflect.DeepEqual(p1.Genomes(), p2.Genomes()) {
				t.Fatalf("seed %d: genomes with %d workers differ from 1 worker", seed, workers)
			}
		}
		// A second run in the same process leaves no residue.
		again, _ := history(t, xorConfig(seed, 1))
		cfg.Workers = 1
		cfg.StopOnSolve = true
		cfg.Generations = 300
		first, _ := history(t, cfg)
		if !reflect.DeepEqual(again, first) {
			t.Fatalf("seed %d: rerun differs", seed)
		}
	}
}

func TestRunSolvesXORAndStops(t *testing.T) {
	solved := 0
	for seed := uint64(1); seed <= 10; seed++ {
		stats, p := history(t, xorConfig(seed, 0))
		g, gen := p.Solver()
		if g == nil {
			continue
		}
		solved++
		last := stats[len(stats)-1]
		if !last.Solved || last.Generation != gen || len(stats) != gen+1 {
			t.Errorf("seed %d: stopped at generation %d (solved %v), first solver in %d", seed, last.Generation, last.Solved, gen)
		}
		if want := (gen + 1) * 150; p.SolvedEvaluations() != want {
			t.Errorf("seed %d: SolvedEvaluations() = %d; want %d", seed, p.SolvedEvaluations(), want)
		}
		// A sigmoid network without hidden neurons cannot separate XOR.
		if g.HiddenCount() < 1 {
			t.Errorf("seed %d: solver has %d hidden neurons; XOR needs at least 1", seed, g.HiddenCount())
		}
	}
	if solved < 9 {
		t.Errorf("solved %d of 10 seeds; want at least 9", solved)
	}
}

func TestStepCancelled(t *testing.T) {
	p, err := population.New(xorConfig(1, 2), tasks.XOR{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Step(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Step(cancelled) = %v; want context.Canceled", err)
	}
	// The population is still usable and evaluates the same generation.
	st, err := p.Step(context.Background())
	if err != nil || st.Generation != 0 {
		t.Fatalf("Step after cancel = generation %d, %v; want generation 0, nil", st.Generation, err)
	}
}

// TestNewRefusesMisuse checks the mistakes a library user makes first: no
// task, and a configuration never given the task's settings (ApplyTask),
// which Restore would refuse later, when the run's checkpoints exist.
func TestNewRefusesMisuse(t *testing.T) {
	if _, err := population.New(xorConfig(1, 1), nil); err == nil || !strings.Contains(err.Error(), "no task") {
		t.Errorf("New with a nil task = %v; want an error", err)
	}
	mine := tasks.Func(tasks.Info{Name: "mine", Inputs: 2, Outputs: 1, Bias: true, FeedForward: true}, tasks.XOR{}.Evaluate)
	_, err := population.New(population.DefaultConfig(), mine)
	if err == nil || !strings.Contains(err.Error(), `configuration is for task "xor", not "mine"`) || !strings.Contains(err.Error(), "ApplyTask") {
		t.Errorf("New with another task's configuration = %v; want an error naming both and ApplyTask", err)
	}
}

// relabelled is a task whose Info claims otherwise than its type.
type relabelled struct {
	tasks.Task
	info tasks.Info
}

func (r relabelled) Info() tasks.Info { return r.info }

// TestNewRefusesMislabelledTask checks that a task whose Info.Supervised
// or Info.Continual disagrees with the interfaces it implements is
// refused: ApplyTask chooses defaults by those flags, so a user's task
// that forgot one would otherwise run, silently, with another kind's.
func TestNewRefusesMislabelledTask(t *testing.T) {
	spiral, err := tasks.New("spiral", 1)
	if err != nil {
		t.Fatal(err)
	}
	with := func(info tasks.Info, f func(*tasks.Info)) tasks.Info { f(&info); return info }
	xorInfo := tasks.XOR{}.Info()
	for _, tt := range []struct {
		task tasks.Task
		want string
	}{
		{relabelledSup{spiral.(tasks.Supervised), with(spiral.Info(), func(i *tasks.Info) { i.Supervised = false })}, "Info().Supervised = false, but it implements tasks.Supervised"},
		{relabelled{tasks.XOR{}, with(xorInfo, func(i *tasks.Info) { i.Supervised = true })}, "Info().Supervised = true, but it does not implement tasks.Supervised"},
		{relabelled{tasks.XOR{}, with(xorInfo, func(i *tasks.Info) { i.Continual = true })}, "Info().Continual = true, but it does not implement tasks.Continual"},
		{relabelledStream{highStream{}, with(highStream{}.Info(), func(i *tasks.Info) { i.Continual = false })}, "Info().Continual = false, but it implements tasks.Continual"},
		{relabelledStream{highStream{}, with(highStream{}.Info(), func(i *tasks.Info) { i.Supervised = true })}, "Info().Supervised = true, but its first phase does not implement tasks.Supervised"},
	} {
		cfg := population.DefaultConfig()
		cfg.ApplyTask(tt.task.Info())
		_, err := population.New(cfg, tt.task)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.task.Info().Name)) {
			t.Errorf("New(%s) = %v; want an error naming the task and saying %q", tt.task.Info().Name, err, tt.want)
		}
	}
}

// relabelledSup is a supervised task whose Info claims otherwise.
type relabelledSup struct {
	tasks.Supervised
	info tasks.Info
}

func (r relabelledSup) Info() tasks.Info { return r.info }

// relabelledStream is a continual task whose Info claims otherwise.
type relabelledStream struct {
	tasks.Continual
	info tasks.Info
}

func (r relabelledStream) Info() tasks.Info { return r.info }

// TestNewRefusesLearningWithoutGradients checks that Lamarckian or
// Baldwinian learning on a task without training data is refused, as the
// command line refuses --learning there: nothing would be trained.
func TestNewRefusesLearningWithoutGradients(t *testing.T) {
	for _, l := range []evaluate.Learning{evaluate.Lamarckian, evaluate.Baldwinian} {
		cfg := xorConfig(1, 1)
		cfg.Training.Learning = l
		_, err := population.New(cfg, tasks.XOR{})
		if err == nil || !strings.Contains(err.Error(), "training.learning = "+l.String()) || !strings.Contains(err.Error(), `"xor"`) {
			t.Errorf("New with learning %v on xor = %v; want an error naming both", l, err)
		}
	}
	cfg := xorConfig(1, 1)
	cfg.Training.Learning = evaluate.None
	if _, err := population.New(cfg, tasks.XOR{}); err != nil {
		t.Errorf("New with learning none on xor = %v; want nil", err)
	}
}

// TestNewRefusesRecurrentSupervised checks that a supervised task with
// recurrent networks is refused under every strategy that evolves, not
// only where training would run: its scoring takes batched feed-forward
// passes, so each genome that gained a cycle would fault, and the test
// scores would vanish from the statistics.
func TestNewRefusesRecurrentSupervised(t *testing.T) {
	task, err := tasks.New("spiral", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []population.Strategy{population.NEAT, population.Plastic} {
		cfg := population.DefaultConfig()
		cfg.ApplyTask(task.Info())
		cfg.Strategy, cfg.FeedForward = s, false
		_, err := population.New(cfg, task)
		if err == nil || !strings.Contains(err.Error(), "feed_forward = false") || !strings.Contains(err.Error(), `"spiral"`) {
			t.Errorf("New with strategy %v and feed_forward = false on spiral = %v; want an error naming both", s, err)
		}
	}
}

// TestNewRefusesBaselineLearning checks that the backprop and cbp
// strategies, which always keep what training taught their one network,
// refuse a learning mode that says otherwise instead of ignoring it.
func TestNewRefusesBaselineLearning(t *testing.T) {
	task, err := tasks.New("spiral", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []population.Strategy{population.Backprop, population.CBP} {
		for _, l := range []evaluate.Learning{evaluate.None, evaluate.Baldwinian, evaluate.Auto, evaluate.Lamarckian} {
			cfg := population.DefaultConfig()
			cfg.ApplyTask(task.Info())
			cfg.Strategy, cfg.Training.Learning = s, l
			_, err := population.New(cfg, task)
			refused := l == evaluate.None || l == evaluate.Baldwinian
			if refused != (err != nil) || refused && !strings.Contains(err.Error(), "training.learning = "+l.String()) {
				t.Errorf("New with strategy %v, learning %v = %v; want refused: %v", s, l, err, refused)
			}
		}
	}
}

// TestStepAllFaulted checks that a generation in which every genome faults
// (here: the task feeds the network too few inputs) stops the run with the
// first fault, rather than selecting among failures, and that Printer shows
// faults where some genomes fail.
func TestStepAllFaulted(t *testing.T) {
	info := tasks.Info{Name: "buggy", Inputs: 3, Outputs: 1, Bias: true, FeedForward: true}
	buggy := tasks.Func(info, func(net *network.Network, _ *rand.Rand) tasks.Result {
		var out [1]float64
		net.Forward([]float64{1, 2}, out[:]) // one input short
		return tasks.Result{Fitness: out[0]}
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	p, err := population.New(cfg, buggy)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Step(context.Background())
	if err == nil || !strings.Contains(err.Error(), "every genome of generation 0 faulted") || !strings.Contains(err.Error(), "panic") {
		t.Errorf("Step with every genome faulting = %v; want an error giving the first fault", err)
	}

	var b strings.Builder
	st := population.Stats{Faults: 3, Fault: "genome 7: fitness is NaN"}
	if err := (population.Printer{W: &b}).Record(st); err != nil || !strings.Contains(b.String(), "faults 3 (first: genome 7: fitness is NaN)") || strings.Contains(b.String(), "accuracy") {
		t.Errorf("Printer wrote %q, %v; want the faults shown", b.String(), err)
	}
	// With the task's metric named, the best genome's follows its fitness.
	b.Reset()
	st = population.Stats{BestFitness: -2.53, BestMetric: 0.79}
	if err := (population.Printer{W: &b, Metric: "accuracy"}).Record(st); err != nil || !strings.Contains(b.String(), "best    -2.5300  accuracy 0.79     mean") {
		t.Errorf("Printer wrote %q, %v; want the best genome's accuracy after its fitness", b.String(), err)
	}
	// The columns after it stay in place whatever the metric's digits.
	at := map[int]bool{}
	for _, m := range []float64{1, 0.7512, 0.5, 1.4e-05} {
		b.Reset()
		st.BestMetric = m
		if err := (population.Printer{W: &b, Metric: "accuracy"}).Record(st); err != nil {
			t.Fatal(err)
		}
		at[strings.Index(b.String(), "mean")] = true
	}
	if len(at) != 1 {
		t.Errorf("the mean column moves with the metric's digits: at %v", at)
	}
}

// TestStatsHugeFitness checks that finite fitness so large that its sum
// and squares overflow still gives a finite mean and standard deviation,
// equal to those computed exactly, and stats that encode as JSON: before,
// std_fitness was +Inf and writing stats.jsonl stopped the run.
func TestStatsHugeFitness(t *testing.T) {
	info := tasks.Info{Name: "huge", Inputs: 2, Outputs: 1, Bias: true, FeedForward: true}
	huge := tasks.Func(info, func(net *network.Network, _ *rand.Rand) tasks.Result {
		var out [1]float64
		net.Forward([]float64{1, 0}, out[:])
		return tasks.Result{Fitness: 1e307 * (0.5 + out[0])} // (5e306, 1.5e307)
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	cfg.Seed = 3
	p, err := population.New(cfg, huge)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		st, err := p.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var sum, ss big.Float
		n := big.NewFloat(float64(len(p.Genomes())))
		for _, g := range p.Genomes() {
			sum.Add(&sum, big.NewFloat(g.Fitness))
		}
		mean := new(big.Float).Quo(&sum, n)
		for _, g := range p.Genomes() {
			d := new(big.Float).Sub(big.NewFloat(g.Fitness), mean)
			ss.Add(&ss, d.Mul(d, d))
		}
		ss.Quo(&ss, n)
		wantMean, _ := mean.Float64()
		wantStd, _ := new(big.Float).Sqrt(&ss).Float64()
		if math.Abs(st.MeanFitness-wantMean) > 1e-12*wantMean || math.Abs(st.StdFitness-wantStd) > 1e-9*wantMean {
			t.Errorf("generation %d: mean %v, std %v; want %v, %v", st.Generation, st.MeanFitness, st.StdFitness, wantMean, wantStd)
		}
		if err := (population.JSONL{W: io.Discard}).Record(st); err != nil {
			t.Errorf("generation %d: %v", st.Generation, err)
		}
	}
}

// TestStatsJSONZeros checks that stats.jsonl writes a group's zeros where
// the group applies (genome 0 as champion, a test accuracy of 0) and leaves
// the group out where it does not.
func TestStatsJSONZeros(t *testing.T) {
	tests := []struct {
		st         population.Stats
		want, none []string
	}{
		{population.Stats{ChampionSteps: 57, Generalization: -1}, []string{`"champion_id":0`, `"champion_steps":57`, `"generalization":-1`}, []string{"test_"}},
		{population.Stats{ChampionID: 9, ChampionSteps: 100000}, []string{`"champion_id":9`, `"generalization":0`}, nil},
		{population.Stats{TestFitness: -0.7}, []string{`"test_fitness":-0.7`, `"test_metric":0`}, []string{"champion"}},
		{population.Stats{TestFitness: math.Copysign(0, -1)}, []string{`"test_fitness":-0`, `"test_metric":0`}, nil}, // a perfect test MSE
		{population.Stats{BestID: 4}, []string{`"best_id":4`}, []string{"champion", "generalization", "test_"}},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := (population.JSONL{W: &b}).Record(tt.st); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%+v encodes as %s; want %s in it", tt.st, b.String(), w)
			}
		}
		for _, n := range tt.none {
			if strings.Contains(b.String(), n) {
				t.Errorf("%+v encodes as %s; want no %s", tt.st, b.String(), n)
			}
		}
		var back population.Stats
		if err := json.Unmarshal([]byte(b.String()), &back); err != nil || !reflect.DeepEqual(back, tt.st) {
			t.Errorf("%s decodes as %+v, %v; want %+v", b.String(), back, err, tt.st)
		}
	}
}

func TestConfigValidateNamesField(t *testing.T) {
	tests := []struct {
		mod  func(*population.Config)
		want string
	}{
		{func(c *population.Config) { c.PopulationSize = 1 }, "population_size = 1"},
		{func(c *population.Config) { c.Generations = 0 }, "generations = 0"},
		{func(c *population.Config) { c.Reproduce.Survival = 0 }, "survival_threshold = 0"},
		{func(c *population.Config) { c.Mutate.Dropin = 1.5 }, "dropin_rate = 1.5"},
		{func(c *population.Config) { c.Species.Threshold = -1 }, "threshold = -1"},
		{func(c *population.Config) { c.Data.Target = "labels" }, `data.target = "labels"`},
		{func(c *population.Config) { c.Data.TestFraction = 1 }, "data.test_fraction = 1"},
		{func(c *population.Config) { c.Synchronous = true }, "synchronous = true needs feed_forward = false"},
		{func(c *population.Config) { c.RestartAfter = -1 }, "restart_after = -1, want >= 0"},
	}
	for _, tt := range tests {
		cfg := population.DefaultConfig()
		tt.mod(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate() = %v; want an error containing %q", err, tt.want)
		}
	}
}

// BenchmarkGeneration measures whole generations on XOR (evaluation,
// speciation and reproduction together) and reports genomes per second.
// The population restarts from a new seed every 100 generations so the
// measurement covers a run's typical genome sizes.
func BenchmarkGeneration(b *testing.B) {
	b.ReportAllocs()
	cfg := xorConfig(1, 0)
	cfg.StopOnSolve = false
	cfg.Generations = 1 << 30
	p, err := population.New(cfg, tasks.XOR{})
	if err != nil {
		b.Fatal(err)
	}
	genomes := 0
	ctx := context.Background()
	for b.Loop() {
		if p.Generation() == 100 {
			cfg.Seed++
			p, _ = population.New(cfg, tasks.XOR{})
		}
		if _, err := p.Step(ctx); err != nil {
			b.Fatal(err)
		}
		genomes += cfg.PopulationSize
	}
	b.ReportMetric(float64(genomes)/b.Elapsed().Seconds(), "genomes/s")
}

// faultyXOR is XOR except that, drawing from the genome's evaluation
// stream, it panics for about 1 genome in 13 and returns NaN for another.
type faultyXOR struct{ tasks.XOR }

// Info implements tasks.Task: unlike XOR, the task draws from the stream.
func (f faultyXOR) Info() tasks.Info {
	info := f.XOR.Info()
	info.Deterministic = false
	return info
}

func (f faultyXOR) Evaluate(net *network.Network, rng *rand.Rand) tasks.Result {
	switch k := rng.IntN(13); {
	case k == 0:
		panic("faulty task")
	case k == 1:
		return tasks.Result{Fitness: math.NaN()}
	}
	return f.XOR.Evaluate(net, rng)
}

func TestFaultsCostOnlyTheGenome(t *testing.T) {
	cfg := xorConfig(3, 2)
	p, err := population.New(cfg, faultyXOR{})
	if err != nil {
		t.Fatal(err)
	}
	var faults int
	var reasons []string
	err = p.Run(context.Background(), population.RecorderFunc(func(s population.Stats) error {
		faults += s.Faults
		if s.Faults > 0 {
			reasons = append(reasons, s.Fault)
		}
		if s.Faults >= cfg.PopulationSize || math.IsNaN(s.MeanFitness) || s.BestFitness < 0 {
			t.Errorf("generation %d: %d faults, mean %v, best %v; want finite statistics of the sound genomes", s.Generation, s.Faults, s.MeanFitness, s.BestFitness)
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := p.Solver(); g == nil {
		t.Errorf("a task failing for 2 of 13 genomes stopped XOR from being solved in %d generations", p.Generation()+1)
	}
	evals := p.Evaluations()
	if faults < evals/13 || faults > evals/3 {
		t.Errorf("%d faults in %d evaluations; want about 2 in 13", faults, evals)
	}
	var panics, nans int
	for _, r := range reasons {
		panics += strings.Count(r, "panic: faulty task")
		nans += strings.Count(r, "fitness is NaN")
	}
	if panics == 0 || nans == 0 {
		t.Errorf("fault reasons %q; want both panics and NaN fitnesses reported", reasons)
	}
}

// TestMatingOptions checks reproduction.mate_only_rate and average_rate:
// with every child made by crossover and left unmutated, the next
// generation holds only weights of its parents and no new structure; with
// averaging too, it also holds their means; by default mutation adds new
// weights. The options draw nothing when zero, so a default run is
// unchanged by their existence (TestRunIsIndependentOfWorkers and the
// README's numbers cover that).
func TestMatingOptions(t *testing.T) {
	for _, c := range []struct {
		name              string
		mateOnly, average float64
		wantNew           bool // weights other than the parents' in generation 1
	}{
		{"mate only", 1, 0, false},
		{"mate only, averaged", 1, 1, true},
		{"mutated", 0, 0, true},
	} {
		cfg := xorConfig(6, 2)
		cfg.PopulationSize, cfg.StopOnSolve = 60, false
		cfg.Reproduce.Crossover, cfg.Reproduce.Interspecies = 1, 0
		cfg.Reproduce.MateOnly, cfg.Reproduce.Average = c.mateOnly, c.average
		p, err := population.New(cfg, tasks.XOR{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		parents := map[float64]bool{}
		innovs := map[int]bool{}
		for _, g := range p.Genomes() {
			for _, cn := range g.Conns {
				parents[cn.Weight], innovs[cn.Innov] = true, true
			}
		}
		st, err := p.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		fresh, grown := 0, 0
		for _, g := range p.Genomes() {
			for _, cn := range g.Conns {
				if !parents[cn.Weight] {
					fresh++
				}
				if !innovs[cn.Innov] {
					grown++
				}
			}
		}
		if (fresh > 0) != c.wantNew {
			t.Errorf("%s: %d weights in generation 1 that no parent had; want new ones: %v", c.name, fresh, c.wantNew)
		}
		if c.mateOnly == 1 && (grown > 0 || st.Dropins > 0) {
			t.Errorf("%s: %d new connection genes and %d dropins; want no structural mutation", c.name, grown, st.Dropins)
		}
	}
}

// TestRestoreBaselineIgnoredLearning checks that a checkpoint of a
// backprop run made when learning none was accepted and ignored (before New
// refused it) still restores, and continues as the run would have.
func TestRestoreBaselineIgnoredLearning(t *testing.T) {
	task, err := tasks.New("spiral", 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Strategy, cfg.Generations = population.Backprop, 2
	cfg.Training.Steps = 20
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := p.State()
	s.Config.Training.Learning = evaluate.None // as an older version wrote it
	q, err := population.Restore(s, task)
	if err != nil {
		t.Fatalf("Restore of a backprop checkpoint with learning none = %v; want it restored", err)
	}
	a, err := p.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := q.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.BestFitness != b.BestFitness {
		t.Errorf("restored run's next generation: best fitness %v; the run's own %v", b.BestFitness, a.BestFitness)
	}
}
