package population_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

func supervisedRun(t *testing.T, name string, seed uint64, mod func(*population.Config)) *population.Population {
	t.Helper()
	task, err := tasks.New(name, seed)
	if err != nil {
		t.Fatal(err)
	}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed, cfg.PopulationSize, cfg.Generations = seed, 30, 8
	cfg.Training.Steps = 60
	if mod != nil {
		mod(&cfg)
	}
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlasticLearnsGaussian runs the plastic strategy briefly on the
// two-Gaussian task: fine-tuning must find a good separator at once, and
// the statistics must report the best genome's test accuracy.
func TestPlasticLearnsGaussian(t *testing.T) {
	p := supervisedRun(t, "gaussian", 1, nil)
	if p.Strategy() != population.Plastic {
		t.Fatalf("strategy %v for a supervised task; want plastic", p.Strategy())
	}
	last := p.History()[len(p.History())-1]
	if last.TestMetric < 0.9 || last.TestFitness >= 0 {
		t.Errorf("after %d generations: test accuracy %v, test fitness %v; want >= 0.9 and < 0", len(p.History()), last.TestMetric, last.TestFitness)
	}
	if !p.Best().HasUtility {
		t.Errorf("the best genome carries no utilities after Lamarckian training")
	}
	if r, ok := p.TestScore(p.Best()); !ok || r.Metric != last.TestMetric {
		t.Errorf("TestScore(best) = %v, %v; want the last generation's test accuracy %v", r, ok, last.TestMetric)
	}
}

// TestLearningModes checks what each learning mode does to the genes: the
// initial genomes of Lamarckian runs end with trained weights, Baldwinian
// and none leave them as drawn, and the fitness after training beats the
// untrained fitness.
func TestLearningModes(t *testing.T) {
	var fitness = map[evaluate.Learning]float64{}
	var first = map[evaluate.Learning][]float64{}
	for _, mode := range []evaluate.Learning{evaluate.None, evaluate.Lamarckian, evaluate.Baldwinian} {
		p := supervisedRun(t, "spiral", 2, func(c *population.Config) {
			c.Generations = 1
			c.Training.Learning = mode
		})
		var weights []float64
		for _, c := range p.Genomes()[0].Conns {
			weights = append(weights, c.Weight)
		}
		first[mode] = weights
		fitness[mode] = p.History()[0].MeanFitness
	}
	if reflect.DeepEqual(first[evaluate.Lamarckian], first[evaluate.None]) {
		t.Errorf("Lamarckian learning left the genome's weights unchanged")
	}
	if !reflect.DeepEqual(first[evaluate.Baldwinian], first[evaluate.None]) {
		t.Errorf("Baldwinian learning changed the genome's weights")
	}
	if !(fitness[evaluate.Lamarckian] > fitness[evaluate.None]) || fitness[evaluate.Baldwinian] != fitness[evaluate.Lamarckian] {
		t.Errorf("mean fitness: none %v, lamarckian %v, baldwinian %v; want training to help, equally in both modes", fitness[evaluate.None], fitness[evaluate.Lamarckian], fitness[evaluate.Baldwinian])
	}
}

// TestSupervisedRunIndependentOfWorkers repeats a plastic run with 1 and 3
// workers: training draws its batches from each genome's own stream.
func TestSupervisedRunIndependentOfWorkers(t *testing.T) {
	run := func(workers int) []population.Stats {
		p := supervisedRun(t, "xor2d", 3, func(c *population.Config) { c.Workers = workers; c.Generations = 4 })
		return untimed(p.History())
	}
	if a, b := run(1), run(3); !reflect.DeepEqual(a, b) {
		t.Errorf("plastic run differs between 1 and 3 workers")
	}
}

// TestBaldwinianTestScoreTrains checks that a Baldwinian genome is measured
// on the test split as the trained network it stands for, not with its
// untrained genes.
func TestBaldwinianTestScoreTrains(t *testing.T) {
	p := supervisedRun(t, "circle", 4, func(c *population.Config) {
		c.Generations = 2
		c.Training.Learning = evaluate.Baldwinian
	})
	trained, ok := p.TestScore(p.Best())
	if !ok {
		t.Fatal("TestScore: not measured")
	}
	net, err := genome.Compile(p.Best(), true)
	if err != nil {
		t.Fatal(err)
	}
	var b network.Batch
	task := p.Task().(tasks.Supervised)
	raw := task.Score(net, task.Test(), &b)
	if !(trained.Fitness > raw.Fitness) {
		t.Errorf("Baldwinian test fitness %v with training, %v without; want training to help", trained.Fitness, raw.Fitness)
	}
	if again, _ := p.TestScore(p.Best()); again != trained {
		t.Errorf("TestScore is not repeatable: %v then %v", trained, again)
	}
}

// TestPhenotypeIsTheEvaluatedNetwork checks that under Baldwinian learning
// Phenotype gives exactly the trained network whose score selected a
// genome: with no held-out samples and no complexity penalty, fitness is
// the score on the training split, so scoring the phenotype there must
// reproduce every genome's fitness of the last generation (the second, so
// that the generation's own random streams matter). With continual
// backprop replacing units, evaluation must leave the genes as they were
// (unit ages, mean activations, replacements), or the phenotype starts
// from another state.
func TestPhenotypeIsTheEvaluatedNetwork(t *testing.T) {
	for _, replacement := range []float64{0, 0.05} {
		p := supervisedRun(t, "circle", 5, func(c *population.Config) {
			c.Generations = 2
			c.Training.Learning = evaluate.Baldwinian
			c.Training.Validation, c.Training.Complexity = 0, 0
			c.Training.Replacement, c.Training.Maturity = replacement, 5
		})
		task := p.Task().(tasks.Supervised)
		var b network.Batch
		for _, g := range p.Genomes()[:20] {
			net, err := p.Phenotype(g)
			if err != nil {
				t.Fatal(err)
			}
			if got := task.Score(net, task.Train(), &b).Fitness; got != g.Fitness {
				t.Errorf("replacement %v: genome %d: its phenotype scores %v on the training split; its fitness is %v", replacement, g.ID, got, g.Fitness)
			}
			if g.Owed != 0 {
				t.Errorf("replacement %v: genome %d owes %v replacements after Baldwinian evaluation; want its genes unchanged", replacement, g.ID, g.Owed)
			}
		}
	}
}

// cancelling is a supervised task that cancels a context at its n-th
// Score call, which comes after that genome's fine-tuning has changed it.
type cancelling struct {
	*tasks.Playground
	calls  atomic.Int64
	n      int64
	cancel context.CancelFunc
}

func (c *cancelling) Score(net *network.Network, d *tasks.Dataset, b *network.Batch) tasks.Result {
	if c.calls.Add(1) == c.n && c.cancel != nil {
		c.cancel()
	}
	return c.Playground.Score(net, d, b)
}

// cancellingSpiral returns the spiral of 100 training and 100 test points
// (seed 1, noise 0.5) as a cancelling task, not yet armed.
func cancellingSpiral(t *testing.T) *cancelling {
	t.Helper()
	pg, err := tasks.NewPlayground("spiral", 1, 100, 100, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	return &cancelling{Playground: pg}
}

// TestStepCancelledWhileTraining cancels a generation part-way through
// evaluation, after fine-tuning has written into some genomes, and checks
// that stepping again gives exactly the run that was never cancelled: the
// cancelled evaluation must leave the genomes as they were.
func TestStepCancelledWhileTraining(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mod      func(*population.Config)
		cancelAt int64 // the Score call that cancels
	}{
		{"plastic", func(c *population.Config) {}, 7},
		{"baldwinian cbp", func(c *population.Config) {
			c.Training.Learning = evaluate.Baldwinian
			c.Training.Replacement, c.Training.Maturity = 0.01, 10
		}, 7},
		// The baselines evolve nothing: their one network is the population.
		{"cbp strategy", func(c *population.Config) { c.Strategy = population.CBP }, 1},
	} {
		for _, workers := range []int{1, 2} {
			run := func(cancelAt int64) ([]population.Stats, []*genome.Genome) {
				task := cancellingSpiral(t)
				cfg := population.DefaultConfig()
				cfg.ApplyTask(task.Info())
				cfg.Seed, cfg.PopulationSize, cfg.Generations, cfg.Workers = 4, 20, 10, workers
				cfg.Training.Steps = 40
				tc.mod(&cfg)
				p, err := population.New(cfg, task)
				if err != nil {
					t.Fatal(err)
				}
				for gen := range 4 {
					if gen == 2 && cancelAt > 0 {
						ctx, cancel := context.WithCancel(context.Background())
						task.calls.Store(0)
						task.n, task.cancel = cancelAt, cancel
						if _, err := p.Step(ctx); !errors.Is(err, context.Canceled) {
							t.Fatalf("%s, %d workers: Step cancelled at evaluation %d = %v; want context.Canceled", tc.name, workers, cancelAt, err)
						}
						task.cancel = nil
						cancel()
					}
					if _, err := p.Step(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				return untimed(p.History()), p.Genomes()
			}
			wantStats, wantGenomes := run(0)
			stats, genomes := run(tc.cancelAt)
			if !reflect.DeepEqual(stats, wantStats) {
				t.Errorf("%s, %d workers: statistics after a cancelled generation differ from an uncancelled run:\n got %+v\nwant %+v", tc.name, workers, stats[len(stats)-1], wantStats[len(wantStats)-1])
			}
			if !reflect.DeepEqual(genomes, wantGenomes) {
				t.Errorf("%s, %d workers: genomes after a cancelled generation differ from an uncancelled run", tc.name, workers)
			}
		}
	}
}

// noTest is a supervised task without a test split.
type noTest struct{ *tasks.Playground }

func (noTest) Test() *tasks.Dataset { return nil }

// TestNoTestSplit checks that a supervised task without a test split runs,
// with no test score, rather than panicking in the statistics.
func TestNoTestSplit(t *testing.T) {
	pg, err := tasks.NewPlayground("circle", 1, 100, 100, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	task := noTest{pg}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.PopulationSize, cfg.Training.Steps = 10, 10
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, ok := p.TestScore(p.Best()); ok {
		t.Errorf("TestScore without a test split = %v, true; want false", r)
	}
}

// TestBaldwinianBestKeepsItsNetwork checks that under Baldwinian learning
// the best genome of an earlier generation is reported as the network its
// own evaluation trained: while it stays the best, its test score does not
// change from generation to generation. Before, it was trained on each
// later generation's minibatches.
func TestBaldwinianBestKeepsItsNetwork(t *testing.T) {
	p := supervisedRun(t, "circle", 3, func(c *population.Config) {
		c.PopulationSize, c.Generations = 40, 30
		c.Training.Learning = evaluate.Baldwinian
	})
	h := p.History()
	kept := 0
	for i := 1; i < len(h); i++ {
		if h[i-1].TestMetric != 0 && sameBest(h, i) {
			kept++
			if h[i].TestMetric != h[i-1].TestMetric || h[i].TestFitness != h[i-1].TestFitness {
				t.Errorf("generations %d and %d keep the same best genome, but its test score goes from %v, %v to %v, %v",
					h[i-1].Generation, h[i].Generation, h[i-1].TestMetric, h[i-1].TestFitness, h[i].TestMetric, h[i].TestFitness)
			}
		}
	}
	if kept == 0 {
		t.Fatal("the best genome changed every generation; the test tests nothing")
	}
}

// sameBest reports whether the best genome so far is the same after
// generation i as after generation i-1: no generation up to i beat it.
func sameBest(h []population.Stats, i int) bool {
	best := h[0].BestFitness
	for _, st := range h[1:i] {
		best = max(best, st.BestFitness)
	}
	return h[i].BestFitness <= best
}

// TestDivergedTrainingKeepsGenesFinite trains with a learning rate far too
// large, so that some networks' weights overflow: those genomes fault, and
// Lamarckian learning must not write the non-finite weights into their
// genes, whence crossover would spread them and compatibility distances
// would turn NaN.
func TestDivergedTrainingKeepsGenesFinite(t *testing.T) {
	p := supervisedRun(t, "sine", 1, func(c *population.Config) {
		c.Generations = 6
		c.Training.Optimizer, c.Training.Rate, c.Training.Momentum, c.Training.Steps = evaluate.SGD, 3, 0.9, 50
		c.Mutate.WeightInit = 3
	})
	faults := 0
	for _, st := range p.History() {
		faults += st.Faults
	}
	if faults == 0 {
		t.Fatal("no genome faulted; the test tests nothing")
	}
	for _, g := range p.Genomes() {
		for _, c := range g.Conns {
			if math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) {
				t.Fatalf("genome %d has weight %v after Lamarckian training", g.ID, c.Weight)
			}
		}
		for _, n := range g.Nodes {
			if math.IsNaN(n.Bias) || math.IsInf(n.Bias, 0) {
				t.Fatalf("genome %d has bias %v after Lamarckian training", g.ID, n.Bias)
			}
		}
	}
}

// TestCancelledStepRestoresGenomes cancels the evaluation of a generation
// after fine-tuning has changed some of its genomes, and checks that the
// genomes are then exactly as they were before the evaluation, under both
// learning modes: Lamarckian training writes the trained weights into the
// genes, and Baldwinian training, which keeps the weights, still writes
// the hidden nodes' utilities.
func TestCancelledStepRestoresGenomes(t *testing.T) {
	for _, mode := range []evaluate.Learning{evaluate.Lamarckian, evaluate.Baldwinian} {
		task := cancellingSpiral(t)
		cfg := population.DefaultConfig()
		cfg.ApplyTask(task.Info())
		cfg.Seed, cfg.PopulationSize, cfg.Workers = 4, 20, 1
		cfg.Training.Learning, cfg.Training.Steps = mode, 40
		cfg.Mutate.Dropin = 0.5 // hidden nodes, whose utilities training measures
		p, err := population.New(cfg, task)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := p.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		// A Step cancelled before it starts breeds the next generation and
		// evaluates none of it: these are the genomes to keep.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := p.Step(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("%v: Step with a cancelled context = %v; want context.Canceled", mode, err)
		}
		var before []*genome.Genome
		hidden := 0
		for _, g := range p.Genomes() {
			before = append(before, g.Clone())
			hidden += g.HiddenCount()
		}
		if hidden == 0 {
			t.Fatalf("%v: no hidden nodes; the test tests nothing", mode)
		}
		ctx, cancel = context.WithCancel(context.Background())
		task.calls.Store(0)
		task.n, task.cancel = 7, cancel
		if _, err := p.Step(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("%v: Step cancelled at evaluation 7 = %v; want context.Canceled", mode, err)
		}
		task.cancel = nil
		cancel()
		if got := task.calls.Load(); got < 7 {
			t.Fatalf("%v: %d evaluations before the cancel; want at least 7", mode, got)
		}
		if !reflect.DeepEqual(p.Genomes(), before) {
			for i, g := range p.Genomes() {
				if !reflect.DeepEqual(g, before[i]) {
					t.Errorf("%v: genome %d differs after a cancelled evaluation from what it was before", mode, g.ID)
				}
			}
		}
	}
}
