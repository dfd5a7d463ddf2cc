package population_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

func bitflipRun(t *testing.T, strategy population.Strategy, gens int, mod func(*population.Config)) *population.Population {
	t.Helper()
	cfg := population.DefaultConfig()
	info, _ := tasks.StreamInfo("bitflip")
	cfg.ApplyTask(info)
	cfg.Strategy, cfg.Generations, cfg.Seed = strategy, gens, 4
	cfg.Continual.Phases, cfg.Continual.GenerationsPerPhase, cfg.Continual.TrainPerPhase = 4, 3, 300
	cfg.Training.Steps = 50
	if mod != nil {
		mod(&cfg)
	}
	stream, err := tasks.NewStream("bitflip", cfg.Seed, cfg.Continual, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := population.New(cfg, stream)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBackpropKeepsItsTopology checks the backprop baseline: one network
// of fixed topology whose weights SGD changes from generation to
// generation, measured on every phase.
func TestBackpropKeepsItsTopology(t *testing.T) {
	start := bitflipRun(t, population.Backprop, 1, nil)
	end := bitflipRun(t, population.Backprop, 12, nil)
	g0, g1 := start.Genomes()[0], end.Genomes()[0]
	if len(end.Genomes()) != 1 || g1.HiddenCount() != 100 || len(g1.Conns) != len(g0.Conns) {
		t.Fatalf("backprop: %d genomes, %d hidden, %d connections (started with %d); want one fixed network of 100 hidden units", len(end.Genomes()), g1.HiddenCount(), len(g1.Conns), len(g0.Conns))
	}
	if reflect.DeepEqual(g0.Conns, g1.Conns) {
		t.Errorf("backprop: weights unchanged after 12 generations of SGD")
	}
	if r, err := end.Continual(); err != nil || r == nil || len(r.R) != 4 || g1.Dropins != 0 {
		t.Errorf("backprop: continual report %v, %v, %d dropins; want 4 phases and no replacement", r, err, g1.Dropins)
	}
}

// TestBaselineIsPlainSGD checks that the baselines train by plain SGD
// whatever [training] says of momentum, weight decay and pruning, which
// are the plastic strategy's, and that the MNIST streams' defaults give
// plastic SGD with weight decay.
func TestBaselineIsPlainSGD(t *testing.T) {
	for _, s := range []population.Strategy{population.Backprop, population.CBP} {
		plain := bitflipRun(t, s, 4, nil)
		other := bitflipRun(t, s, 4, func(c *population.Config) {
			c.Training.Decay, c.Training.Momentum, c.Training.Optimizer = 0.01, 0.5, evaluate.Adam
			c.Training.Prune = 0.2
		})
		if !reflect.DeepEqual(plain.Genomes(), other.Genomes()) {
			t.Errorf("%v's network depends on [training] momentum, weight_decay, optimizer or prune_fraction", s)
		}
	}
	cfg := population.DefaultConfig()
	info, _ := tasks.StreamInfo("permuted-mnist")
	cfg.ApplyTask(info)
	if cfg.Training.Optimizer != evaluate.SGD || cfg.Training.Decay != 0.001 || cfg.Training.Momentum != 0.9 {
		t.Errorf("permuted-mnist defaults: optimizer %v, weight decay %v, momentum %v; want sgd, 0.001, 0.9", cfg.Training.Optimizer, cfg.Training.Decay, cfg.Training.Momentum)
	}
}

// TestCBPReplacesUnits checks continual backprop: with a short maturity
// and a high rate, units are replaced (counted as a dropin and an
// apoptosis each) and ages restart; a restored run continues exactly,
// since ages and mean activations live in the genome.
func TestCBPReplacesUnits(t *testing.T) {
	mod := func(c *population.Config) { c.Baseline.Maturity, c.Baseline.Replacement = 10, 0.01 }
	p := bitflipRun(t, population.CBP, 12, mod)
	g := p.Genomes()[0]
	if g.Dropins == 0 || g.Dropins != g.Apoptoses {
		t.Fatalf("cbp: %d dropins and %d apoptoses; want replacements counted as one of each", g.Dropins, g.Apoptoses)
	}
	// The stats, and from them continual.json's phases, count them too.
	dropins, apoptoses := 0, 0
	for _, st := range p.History() {
		dropins, apoptoses = dropins+st.Dropins, apoptoses+st.Apoptoses
	}
	r, err := p.Continual()
	if err != nil {
		t.Fatal(err)
	}
	phased := 0
	for _, ph := range r.Phases {
		phased += ph.Dropins
	}
	if dropins != g.Dropins || apoptoses != g.Apoptoses || phased != g.Dropins {
		t.Errorf("cbp: the stats count %d dropins and %d apoptoses, the phases %d dropins; want the network's %d replacements",
			dropins, apoptoses, phased, g.Dropins)
	}
	young := 0
	for _, n := range g.Nodes {
		if n.Age < 12*50 && n.Age > 0 {
			young++
		}
	}
	if young == 0 {
		t.Errorf("cbp: no hidden unit younger than the run; want replaced units to restart their age")
	}
	plain := bitflipRun(t, population.Backprop, 12, mod)
	if reflect.DeepEqual(plain.Genomes()[0].Conns, g.Conns) {
		t.Errorf("cbp and backprop ended with the same weights")
	}

	half := bitflipRun(t, population.CBP, 5, mod)
	s := half.State()
	s.Config.Generations = 12
	task, _ := tasks.NewStream("bitflip", s.Config.Seed, s.Config.Continual, "")
	resumed, err := population.Restore(s, task)
	if err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resumed.Genomes()[0], g) || !reflect.DeepEqual(untimed(resumed.History()), untimed(p.History())) {
		t.Errorf("cbp: a restored run differs from the uninterrupted one")
	}
}

// TestCBPReplacesAtItsRate checks that the fraction of a replacement owed
// carries over from one generation's training to the next, as Dohare et
// al. accumulate it over the whole run: 5 hidden units at a rate of 1e-3
// per mature unit per step owe a quarter of a replacement in each
// generation of 50 steps, so over 40 generations (2,000 steps, units
// mature after 10) about 10 units are replaced, where a carry that starts
// at zero each generation replaces none.
func TestCBPReplacesAtItsRate(t *testing.T) {
	p := bitflipRun(t, population.CBP, 40, func(c *population.Config) {
		c.Baseline.Hidden, c.Baseline.Maturity, c.Baseline.Replacement = 5, 10, 1e-3
		c.Continual.Phases, c.Continual.GenerationsPerPhase = 4, 10
	})
	g := p.Genomes()[0]
	if g.Dropins < 8 || g.Dropins > 10 {
		t.Errorf("cbp with 5 units at rate 1e-3 over 2,000 steps replaced %d units; want 8 to 10 (about 1e-3 * 5 * 2,000)", g.Dropins)
	}
	if g.Owed < 0 || g.Owed >= 1 {
		t.Errorf("cbp: %v of a replacement owed at the end; want a fraction in [0, 1)", g.Owed)
	}
}

// TestBaldwinianBIsUntrained checks that b, the metric of the network at
// initialisation that FWT subtracts, is measured untrained whatever the
// learning mode: under Baldwinian learning it must not be fine-tuned first.
func TestBaldwinianBIsUntrained(t *testing.T) {
	b := map[evaluate.Learning][]float64{}
	for _, mode := range []evaluate.Learning{evaluate.None, evaluate.Baldwinian} {
		p := bitflipRun(t, population.Plastic, 3, func(c *population.Config) {
			c.PopulationSize, c.Training.Learning = 20, mode
		})
		r, err := p.Continual()
		if err != nil || r == nil {
			t.Fatalf("%v: continual report %v, %v", mode, r, err)
		}
		b[mode] = r.B
	}
	if !reflect.DeepEqual(b[evaluate.None], b[evaluate.Baldwinian]) {
		t.Errorf("b under Baldwinian learning %v; without learning %v; want the same untrained network's", b[evaluate.Baldwinian], b[evaluate.None])
	}
}
