package population

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/mutate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
	"github.com/neuroplast/neuroplast/species"
	"github.com/neuroplast/neuroplast/tasks"
)

// Population is an evolving population and everything the next generation
// depends on. Between calls to Step it holds one evaluated, speciated
// generation (or, before the first Step, the unevaluated initial one).
type Population struct {
	cfg     Config
	task    tasks.Task
	info    tasks.Info
	layout  genome.Layout
	tracker *genome.Tracker
	species *species.Set
	pool    *evaluate.Pool

	genomes  []*genome.Genome
	spare    []*genome.Genome // storage for the next generation
	outcomes []evaluate.Outcome
	rng      *rngs.Source

	gen         int  // the generation genomes belong to
	evaluated   bool // genomes have been evaluated and speciated
	nextID      int
	evaluations int

	best      *genome.Genome // best ever, a copy
	solver    *genome.Genome // the fittest solver of the first solving generation
	solvedGen int            // -1 until solved
	solvedEvs int            // evaluations up to and including solvedGen
	// solverTest is the solver's champion test where the solving
	// generation ran it on the solver, so that ChampionTest need not run
	// it again; nil otherwise (and after Restore, which runs it anew).
	solverTest *tasks.ChampionTest

	dropins, apoptoses int // made while breeding the current generation
	replaced           int // units continual backprop replaced in its evaluation

	stream  tasks.Continual // the task, when it is a continual one
	record  ContinualRecord // what a continual run has measured
	history []Stats         // every evaluated generation's statistics
	control Controller      // neuroplasticity: dropin and apoptosis rates that follow fitness

	batch    network.Batch // for TestScore
	times    StepTimes     // of the last Step
	strategy Strategy      // the strategy in force, never AutoStrategy

	matches []int              // each genome's first matching species
	births  []birth            // the plan for the next generation
	known   []bool             // outcomes carried over to this generation (keepElites); empty for none
	carried []evaluate.Outcome // storage for the next generation's outcomes
	streams []*rngs.Source     // one random stream per child slot
}

// New returns the initial population for task: cfg.PopulationSize genomes
// with the task's inputs and outputs, each input connected to each output
// when cfg.Genome.Connected is set, weights drawn from the stream (seed, 0,
// Init, id).
func New(cfg Config, task tasks.Task) (*Population, error) {
	return newPopulation(cfg, task, false)
}

// newPopulation is New; restoring relaxes the refusal of settings that
// earlier versions accepted and ignored, so that their runs resume as they
// began.
func newPopulation(cfg Config, task tasks.Task, restoring bool) (*Population, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if task == nil {
		return nil, errors.New("population: no task")
	}
	info := task.Info()
	if info.Name != cfg.Task {
		// Restore would refuse the run's checkpoints for the same reason.
		return nil, fmt.Errorf("population: the configuration is for task %q, not %q (cfg.ApplyTask(task.Info()) sets it)", cfg.Task, info.Name)
	}
	if info.Inputs < 0 || info.Outputs < 1 {
		return nil, fmt.Errorf("population: task %q has %d inputs and %d outputs; want >= 0 and >= 1", info.Name, info.Inputs, info.Outputs)
	}
	p := &Population{
		cfg:       cfg,
		task:      task,
		info:      info,
		layout:    genome.Layout{Inputs: info.Inputs, Outputs: info.Outputs, Bias: cfg.Genome.Bias, OutputAct: cfg.Genome.OutputAct},
		species:   species.NewSet(&cfg.Species),
		pool:      evaluate.NewPool(cfg.Workers, cfg.FeedForward, cfg.Seed),
		rng:       rngs.NewSource(cfg.Seed, 0, rngs.Init, 0),
		solvedGen: -1,
	}
	_, supervised := task.(tasks.Supervised)
	if s, ok := task.(tasks.Continual); ok {
		p.stream = s
		_, supervised = s.At(0).(tasks.Supervised)
	}
	if err := checkFlags(info, supervised, p.stream != nil); err != nil {
		return nil, err
	}
	if cfg.Synchronous && !info.Stepped {
		return nil, fmt.Errorf("population: synchronous = true is for tasks that step a network through time (such as the pole tasks), not %q", info.Name)
	}
	if supervised && !cfg.FeedForward {
		// Supervised scoring runs batched passes over the data, which a
		// network with cycles has no order for; without this every genome
		// that gained a cycle would fault, and the test scores vanish.
		return nil, fmt.Errorf("population: feed_forward = false: %q is scored on its data by batched feed-forward passes, which a recurrent network cannot take; use feed_forward = true", info.Name)
	}
	p.pool.SetSynchronous(cfg.Synchronous)
	strategy, learning := cfg.Resolve(supervised)
	if !supervised && learning != evaluate.None && !strategy.Baseline() {
		// Nothing would be trained, yet elites would lose their outcomes
		// and the continual report would count gradient steps.
		return nil, fmt.Errorf("population: training.learning = %s needs a supervised task (training data and a loss); %q has none: use auto or none", learning, info.Name)
	}
	p.strategy = strategy
	training := cfg.Training
	training.Learning = learning
	if strategy.Baseline() {
		if !supervised {
			return nil, fmt.Errorf("population: strategy %s trains by gradient descent and needs a supervised or continual task, not %q", strategy, info.Name)
		}
		if l := cfg.Training.Learning; l != evaluate.Auto && l != evaluate.Lamarckian && !restoring {
			return nil, fmt.Errorf("population: training.learning = %s: strategy %s trains its one network and keeps what it learned (lamarckian); use auto", l, strategy)
		}
		// Plain SGD, as in Dohare et al. 2024; cbp adds the replacement.
		// Pruning would change the fixed topology, so it is off too.
		training.Optimizer, training.Momentum, training.Decay = evaluate.SGD, 0, 0
		training.Prune = 0
		training.Replacement, training.Maturity = 0, cfg.Baseline.Maturity
		if strategy == CBP {
			training.Replacement = cfg.Baseline.Replacement
		}
	}
	if err := p.pool.SetTraining(training); err != nil {
		return nil, err
	}
	p.tracker = genome.NewTracker(p.layout)
	rng := p.rng.Rand
	size := cfg.PopulationSize
	if strategy.Baseline() {
		size = 1 // replaced below by the fixed network
	}
	for id := range size {
		p.genomes = append(p.genomes, p.fresh(0, id, id))
		p.spare = append(p.spare, &genome.Genome{})
		p.streams = append(p.streams, rngs.NewSource(cfg.Seed, 0, rngs.Reproduce, id))
	}
	p.nextID = cfg.PopulationSize
	if strategy.Baseline() {
		// One network of fixed topology, trained on and on.
		p.rng.Seed(cfg.Seed, 0, rngs.Init, 0)
		p.genomes[0] = baselineGenome(p.layout, p.tracker, &cfg.Baseline, rng)
		p.nextID = 1
	}
	p.outcomes = make([]evaluate.Outcome, len(p.genomes))
	p.matches = make([]int, len(p.genomes))
	return p, nil
}

// fresh returns genome i of generation gen's initial population, numbered
// id: the task's inputs and outputs, connected as cfg.Genome says, with
// weights drawn from (seed, gen, Init, i). Generation 0 is the run's first;
// a restart begins another (see restart).
func (p *Population) fresh(gen, i, id int) *genome.Genome {
	cfg := &p.cfg
	p.rng.Seed(cfg.Seed, gen, rngs.Init, i)
	rng := p.rng.Rand
	g := genome.New(id, p.layout, p.tracker, cfg.Genome.Connected, func() float64 {
		return max(-cfg.Mutate.WeightMax, min(cfg.Mutate.WeightMax, rng.NormFloat64()*cfg.Mutate.WeightInit))
	})
	g.Born = gen
	return g
}

// restartEvery returns cfg.RestartAfter, or 0 for streams (whose phases
// continue) and the fixed-network baselines, which never restart.
func (p *Population) restartEvery() int {
	if p.strategy.Baseline() || p.stream != nil {
		return 0
	}
	return p.cfg.RestartAfter
}

// freshStart reports whether generation gen begins the run again from a
// fresh population: gen is a positive multiple of restartEvery and no
// generation before it solved the task. It depends only on the state, so
// a resumed run restarts where the uninterrupted one does.
func (p *Population) freshStart(gen int) bool {
	n := p.restartEvery()
	return n > 0 && gen > 0 && gen%n == 0 && (p.solvedGen < 0 || p.solvedGen >= gen)
}

// restart replaces the population with a fresh one for generation next:
// new genomes as at the start of the run but with weights of their own,
// and no species. The innovation tracker, the genome and species
// numbering, the evaluation count and the run's best genome carry on.
func (p *Population) restart(next int) {
	p.tracker.NextGeneration()
	for i := range p.genomes {
		p.genomes[i] = p.fresh(next, i, p.nextID+i)
	}
	p.nextID += len(p.genomes)
	ids := p.species.NextID // species numbers stay unique within the run
	p.species = species.NewSet(&p.cfg.Species)
	p.species.NextID = ids
	p.dropins, p.apoptoses = 0, 0
}

// baselineGenome returns the fixed network of the backprop and cbp
// strategies: every input and the bias feed each of b.Hidden hidden units,
// which with the bias feed every output; weights drawn from
// U(-sqrt(3/fan_in), sqrt(3/fan_in)), as continual backprop draws a
// replaced unit's.
func baselineGenome(l genome.Layout, t *genome.Tracker, b *BaselineConfig, rng *rand.Rand) *genome.Genome {
	g := genome.New(0, l, t, false, nil)
	var sources, outputs []int
	for _, n := range g.Nodes {
		switch n.Kind {
		case genome.Input, genome.Bias:
			sources = append(sources, n.ID)
		case genome.Output:
			outputs = append(outputs, n.ID)
		}
	}
	var hidden []int
	for range b.Hidden {
		id := t.FreshNode()
		g.InsertNode(genome.Node{ID: id, Kind: genome.Hidden, Act: b.Act})
		hidden = append(hidden, id)
	}
	connect := func(from []int, to int) {
		bound := math.Sqrt(3 / float64(len(from)))
		for _, f := range from {
			g.InsertConn(genome.Conn{Innov: t.Innovation(f, to), From: f, To: to, Weight: (2*rng.Float64() - 1) * bound, Enabled: true})
		}
	}
	for _, h := range hidden {
		connect(sources, h)
	}
	var last []int
	if l.Bias {
		last = append(last, sources[len(sources)-1])
	}
	for _, o := range outputs {
		connect(append(slices.Clone(hidden), last...), o)
	}
	return g
}

// Phenotype returns the network g stands for on the current task: g
// compiled, and under Baldwinian learning, whose genes keep the untrained
// weights, trained first as its evaluation trained it
// (evaluate.Pool.Phenotype): that of the generation whose best genome it
// was (Best, from an earlier generation) or else of this generation, so
// that it is the network whose score selected it. Compiling g yourself
// (genome.Compile) gives the untrained network.
func (p *Population) Phenotype(g *genome.Genome) (*network.Network, error) {
	sup, _ := p.evaluator().(tasks.Supervised)
	return p.pool.Phenotype(g, sup, p.evaluatedIn(g))
}

// evaluatedIn returns the generation g was evaluated in: the last one
// whose best genome had g's ID and fitness (an elite keeps its parent's ID,
// and under learning is evaluated again, on other minibatches), or else
// the current one.
func (p *Population) evaluatedIn(g *genome.Genome) int {
	for i := len(p.history) - 1; i >= 0; i-- {
		if st := &p.history[i]; st.BestID == g.ID && st.BestFitness == g.Fitness {
			return st.Generation
		}
	}
	return p.gen
}

// TestScore measures g on the task's test split, when the task is
// supervised (tasks.Supervised), has a test split and g compiles: Fitness
// is minus the test loss and Metric the test accuracy (or mean squared
// error), of g's Phenotype. It is for reporting; selection never sees the
// test split.
func (p *Population) TestScore(g *genome.Genome) (tasks.Result, bool) {
	sup, ok := p.evaluator().(tasks.Supervised)
	if !ok || g == nil || !p.cfg.FeedForward {
		return tasks.Result{}, false
	}
	test := sup.Test()
	if test == nil || test.Len() == 0 {
		return tasks.Result{}, false
	}
	net, err := p.Phenotype(g)
	if err != nil {
		return tasks.Result{}, false
	}
	return sup.Score(net, test, &p.batch), true
}

// ChampionTest runs the task's champion test on g, for tasks that have one
// (tasks.ChampionTester, such as pole balancing); ok is false for other
// tasks and for a genome that does not compile. For the solver (Solver),
// when the test made it the solver, it returns that test's outcome (a
// copy) rather than running the test again.
func (p *Population) ChampionTest(g *genome.Genome) (c tasks.ChampionTest, ok bool) {
	if g != nil && g == p.solver && p.solverTest != nil {
		// The solver's test, run when it solved: the same outcome.
		c = *p.solverTest
		c.Balanced = slices.Clone(c.Balanced)
		return c, true
	}
	return p.championTest(g, tasks.Result{})
}

// testee returns the index of the genome that takes this generation's
// champion test, as cfg.ChampionTest chooses, given the fittest genome's
// index; it is -1 for a task without a champion test.
func (p *Population) testee(bestI int) int {
	if _, ok := p.evaluator().(tasks.ChampionTester); !ok {
		return -1
	}
	if p.cfg.ChampionTest == SpeciesChampion {
		if sp := p.species.NextToTest(p.genomes); sp != nil {
			return sp.Members[0]
		}
	}
	return bestI
}

// championTest is ChampionTest given g's evaluation in this generation,
// when there is one (the zero Result otherwise).
func (p *Population) championTest(g *genome.Genome, evaluated tasks.Result) (c tasks.ChampionTest, ok bool) {
	ct, ok := p.evaluator().(tasks.ChampionTester)
	if !ok || g == nil {
		return c, false
	}
	net, err := p.pool.Phenotype(g, nil, p.gen)
	if err != nil {
		return c, false
	}
	pt, ok := ct.(tasks.ParallelChampionTester)
	if !ok || p.pool.Workers() == 1 {
		return ct.TestChampion(net, evaluated), true
	}
	// One copy of the network per worker, the test's episodes spread
	// over them.
	nets := []*network.Network{net}
	for len(nets) < p.pool.Workers() {
		n, _ := p.pool.Phenotype(g, nil, p.gen) // g compiled once already
		nets = append(nets, n)
	}
	// One episode at a time: the first may be the 100,000-step one, which
	// must not hold up the episodes claimed with it.
	return pt.TestChampionParallel(nets, evaluated, func(n int, fn func(w, i int)) {
		p.pool.ForWorkers(n, 1, func(w, lo, hi int) {
			for i := lo; i < hi; i++ {
				fn(w, i)
			}
		})
	}), true
}

// StepTimes is where the last Step spent its time: breeding the
// generation, evaluating it (with fine-tuning, which FineTune adds up over
// the workers), and speciating it. It is for profiling; results never
// depend on it.
type StepTimes struct {
	Reproduce, Evaluate, FineTune, Speciate time.Duration
}

// Times returns where the last Step spent its time.
func (p *Population) Times() StepTimes { return p.times }

// Strategy returns the strategy in force: the configured one, with auto
// resolved for the task.
func (p *Population) Strategy() Strategy { return p.strategy }

// Task returns the task the population evolves on.
func (p *Population) Task() tasks.Task { return p.task }

// Config returns the population's configuration.
func (p *Population) Config() Config { return p.cfg }

// Generation returns the generation the current genomes belong to.
func (p *Population) Generation() int { return p.gen }

// Genomes returns the current generation. The slice and genomes are the
// population's own and change on the next Step.
func (p *Population) Genomes() []*genome.Genome { return p.genomes }

// Species returns the current species. They change on the next Step.
func (p *Population) Species() *species.Set { return p.species }

// Best returns the fittest genome seen so far (on a continual stream, the
// fittest of the last generation evaluated), or nil before the first
// evaluation.
func (p *Population) Best() *genome.Genome { return p.best }

// Solver returns the genome that first solved the task, and its
// generation; nil and -1 while unsolved. It is that generation's fittest
// solving genome, or, on a task with a champion test (pole balancing), the
// champion that passed it, which need not be the fittest.
func (p *Population) Solver() (*genome.Genome, int) { return p.solver, p.solvedGen }

// History returns the statistics of every evaluated generation, in order.
// The slice is the population's own; it grows with each Step.
func (p *Population) History() []Stats { return p.history }

// Evaluations returns the number of genome evaluations so far.
func (p *Population) Evaluations() int { return p.evaluations }

// SolvedEvaluations returns the evaluations up to the end of the first
// solving generation, or -1 while unsolved.
func (p *Population) SolvedEvaluations() int {
	if p.solvedGen < 0 {
		return -1
	}
	return p.solvedEvs
}

// Step advances one generation: it breeds the next generation from the
// current one (unless the current one is still unevaluated), evaluates it
// in parallel, and speciates it. It returns the generation's statistics.
// If ctx is cancelled during evaluation, Step returns ctx.Err() and the
// population stays valid: the next Step evaluates the same genomes again.
// If every genome of the generation faults (tasks.Result of NaN, a panic,
// a network that does not compile: see evaluate.Outcome), Step returns an
// error giving the first fault: the task or the configuration is broken.
func (p *Population) Step(ctx context.Context) (Stats, error) {
	start := time.Now()
	p.times = StepTimes{}
	if p.evaluated {
		t := time.Now()
		p.known = p.known[:0]
		switch {
		case p.freshStart(p.gen + 1):
			p.restart(p.gen + 1)
		case !p.strategy.Baseline():
			p.reproduce()
		}
		p.times.Reproduce = time.Since(t)
		p.gen++
		p.evaluated = false
	}
	if p.stream != nil && p.record.B == nil && p.gen == 0 {
		// The metric of the untrained network on every phase, for FWT.
		p.record.B = p.measureAll(p.genomes[0], true)
	}
	t := time.Now()
	// Lamarckian continual backprop counts the units it replaces in the
	// genes, as one dropin and one apoptosis each.
	before := p.geneDropins()
	err := p.pool.EvaluateExcept(ctx, p.gen, p.genomes, p.evaluator(), p.outcomes, p.known)
	p.replaced = p.geneDropins() - before
	p.times.Evaluate, p.times.FineTune = time.Since(t), p.pool.TrainingTime()
	if err != nil {
		return Stats{}, err
	}
	if !slices.ContainsFunc(p.outcomes[:len(p.genomes)], func(o evaluate.Outcome) bool { return o.Fault == "" }) {
		// Nothing to select from: the task or its configuration is broken.
		return Stats{}, fmt.Errorf("population: every genome of generation %d faulted; genome %d: %s", p.gen, p.genomes[0].ID, p.outcomes[0].Fault)
	}
	t = time.Now()
	for i, g := range p.genomes {
		g.Fitness = p.outcomes[i].Fitness
	}
	p.evaluations += len(p.genomes)
	p.rng.Seed(p.cfg.Seed, p.gen, rngs.Reproduce, -1)
	matches := p.matches[:len(p.genomes)]
	p.pool.For(len(p.genomes), 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			matches[i] = p.species.Match(p.genomes[i], &p.cfg.Species)
		}
	})
	p.species.Assign(p.genomes, &p.cfg.Species, p.gen, p.rng.Rand, matches)
	p.species.Rank(p.genomes, p.gen)
	p.times.Speciate = time.Since(t)
	p.evaluated = true
	st := p.stats()
	st.Seconds = time.Since(start).Seconds()
	if st.Seconds > 0 {
		st.EvalsPerSec = float64(len(p.genomes)) / st.Seconds
	}
	if p.controlled() {
		st.ControlDrop = p.control.Observe(st.BestFitness, &p.cfg.Control)
		st.ControlMature = p.control.SinceBetter >= p.cfg.Control.Mature
	}
	p.history = append(p.history, st)
	if p.stream != nil {
		for _, g := range p.genomes {
			if g.ID == st.BestID {
				p.recordPhase(g)
				break
			}
		}
	}
	return st, nil
}

// checkFlags returns an error where the task's Info.Supervised or
// Info.Continual disagrees with what the task is (supervised: it, or for a
// stream its first phase, implements tasks.Supervised; continual: it
// implements tasks.Continual). Config.ApplyTask chooses defaults by the
// flags, so a task of one's own that forgot one would run, silently, with
// settings meant for another kind of task.
func checkFlags(info tasks.Info, supervised, continual bool) error {
	disagree := func(flag string, set bool, subject string, is bool, iface string) error {
		verb := "does not implement"
		if is {
			verb = "implements"
		}
		return fmt.Errorf("population: task %q has Info().%s = %t, but %s %s %s; make them agree (Config.ApplyTask chooses the defaults by the flag)", info.Name, flag, set, subject, verb, iface)
	}
	switch {
	case info.Supervised != supervised && continual:
		return disagree("Supervised", info.Supervised, "its first phase", supervised, "tasks.Supervised")
	case info.Supervised != supervised:
		return disagree("Supervised", info.Supervised, "it", supervised, "tasks.Supervised")
	case info.Continual != continual:
		return disagree("Continual", info.Continual, "it", continual, "tasks.Continual")
	}
	return nil
}

// controlled reports whether the neuroplasticity controller sets the
// dropin and apoptosis rates: under the plastic strategy, when enabled.
func (p *Population) controlled() bool {
	return p.cfg.Control.Enabled && p.strategy == Plastic
}

// stats summarises the evaluated generation and updates the best genome and
// the solver.
func (p *Population) stats() Stats {
	st := Stats{Generation: p.gen, Species: len(p.species.Species), Threshold: p.species.Threshold, Evaluations: p.evaluations}
	if n := p.restartEvery(); n > 0 {
		// Restarts happen at the multiples of n up to the first solve.
		last := p.gen
		if p.solvedGen >= 0 {
			last = min(last, p.solvedGen)
		}
		st.Restarts, st.Restarted = last/n, p.freshStart(p.gen)
	}
	st.SpeciesSizes = make([][2]int, len(p.species.Species))
	for i, sp := range p.species.Species {
		st.SpeciesSizes[i] = [2]int{sp.ID, len(sp.Members)}
	}
	bestI, solverI := -1, -1
	sum, valid := 0.0, 0
	for i, g := range p.genomes {
		o := &p.outcomes[i]
		st.MeanHidden += float64(g.HiddenCount())
		st.MeanConns += float64(g.EnabledCount())
		if o.Fault != "" {
			if st.Faults == 0 {
				st.Fault = fmt.Sprintf("genome %d: %s", g.ID, o.Fault)
			}
			st.Faults++
			continue
		}
		valid++
		sum += g.Fitness
		if bestI < 0 || g.Fitness > p.genomes[bestI].Fitness {
			bestI = i
		}
		if o.Solved && (solverI < 0 || g.Fitness > p.genomes[solverI].Fitness) {
			solverI = i
		}
	}
	n := float64(len(p.genomes))
	st.MeanHidden /= n
	st.MeanConns /= n
	if valid > 0 {
		st.MeanFitness, st.StdFitness = p.meanStd(sum, valid, 1)
		if math.IsInf(st.MeanFitness, 0) || math.IsInf(st.StdFitness, 0) {
			// Finite fitness so large that its sum or squares overflow:
			// the same sums over fitness divided by the largest |fitness|.
			scale := 0.0
			for i, g := range p.genomes {
				if p.outcomes[i].Fault == "" {
					scale = max(scale, math.Abs(g.Fitness))
				}
			}
			sum = 0
			for i, g := range p.genomes {
				if p.outcomes[i].Fault == "" {
					sum += g.Fitness / scale
				}
			}
			mean, std := p.meanStd(sum, valid, scale)
			st.MeanFitness, st.StdFitness = mean*scale, std*scale
		}
	}
	if bestI < 0 {
		bestI = 0
	}
	bg := p.genomes[bestI]
	st.BestFitness, st.BestID, st.BestMetric = bg.Fitness, bg.ID, p.outcomes[bestI].Metric
	// On a stream fitness is measured on the phase in force, so fitness of
	// different phases does not compare: the best genome is the current
	// generation's champion.
	if p.best == nil || bg.Fitness > p.best.Fitness || p.stream != nil {
		p.best = bg.Clone()
	}
	tested, test := -1, tasks.ChampionTest{}
	if ti := p.testee(bestI); ti >= 0 && p.outcomes[ti].Fault == "" {
		if c, ok := p.championTest(p.genomes[ti], p.outcomes[ti].Result); ok {
			tested, test = ti, c
			st.ChampionID, st.ChampionSteps, st.Generalization = p.genomes[ti].ID, c.Steps, c.Generalization
			if c.Solved && solverI < 0 {
				solverI = ti
			}
		}
	}
	if solverI >= 0 {
		st.Solved = true
		if p.solvedGen < 0 {
			p.solvedGen, p.solvedEvs = p.gen, p.evaluations
			p.solver = p.genomes[solverI].Clone()
			if solverI == tested {
				p.solverTest = &test
			}
		}
	}
	st.Dropins, st.Apoptoses = p.dropins+p.replaced, p.apoptoses+p.replaced
	if r, ok := p.TestScore(p.best); ok && finite(r.Fitness) && finite(r.Metric) {
		// (A test loss that overflows is left out: JSON has no infinity.)
		st.TestFitness, st.TestMetric = r.Fitness, r.Metric
	}
	return st
}

// geneDropins returns the dropins the genomes' genes have counted.
func (p *Population) geneDropins() int {
	n := 0
	for _, g := range p.genomes {
		n += g.Dropins
	}
	return n
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// meanStd returns the mean and population standard deviation of the
// fitness, divided by scale, of the genomes without a fault, given the sum
// of those quotients.
func (p *Population) meanStd(sum float64, valid int, scale float64) (mean, std float64) {
	mean = sum / float64(valid)
	ss := 0.0
	for i, g := range p.genomes {
		if p.outcomes[i].Fault == "" {
			d := g.Fitness/scale - mean
			ss += d * d
		}
	}
	return mean, math.Sqrt(ss / float64(valid))
}

// Run steps until cfg.Generations generations have been evaluated, or until
// the task is solved when cfg.StopOnSolve is set (a continual stream runs
// through all its phases, solved or not), passing each generation's
// statistics to rec (which may be nil). It stops early with ctx.Err() when
// ctx is cancelled, or with rec's error.
func (p *Population) Run(ctx context.Context, rec Recorder) error {
	// A population restored from an interrupted generation holds it bred
	// but not evaluated; it is evaluated only if it is within the count.
	for p.gen+1 < p.cfg.Generations || (!p.evaluated && p.gen < p.cfg.Generations) {
		if p.evaluated && p.cfg.StopOnSolve && p.solvedGen >= 0 && p.stream == nil {
			return nil
		}
		st, err := p.Step(ctx)
		if err != nil {
			return err
		}
		if rec != nil {
			if err := rec.Record(st); err != nil {
				return err
			}
		}
	}
	return nil
}

// reproduce breeds the next generation into p.spare and swaps it in.
func (p *Population) reproduce() {
	cfg := &p.cfg
	next := p.gen + 1
	p.rng.Seed(cfg.Seed, next, rngs.Reproduce, 0)
	rng := p.rng.Rand
	p.tracker.NextGeneration()
	p.species.DropStagnant(p.genomes, &cfg.Species, p.gen)

	// Shared fitness: a species' share is its members' mean fitness above
	// the population's lowest, so larger species do not win by size alone.
	low := math.Inf(1)
	for i, g := range p.genomes {
		if p.outcomes[i].Fault == "" {
			low = min(low, g.Fitness)
		}
	}
	shares := make([]float64, len(p.species.Species))
	for k, sp := range p.species.Species {
		for _, m := range sp.Members {
			if p.outcomes[m].Fault == "" {
				shares[k] += p.genomes[m].Fitness - low
			}
		}
		shares[k] /= float64(len(sp.Members))
	}
	counts := species.Allocate(shares, cfg.PopulationSize)

	// Plan every child: an elite copy, or its parents.
	p.births = p.births[:0]
	for k, sp := range p.species.Species {
		n := counts[k]
		members := sp.Members
		if len(members) >= cfg.Reproduce.ElitismSize {
			for _, m := range members[:min(cfg.Reproduce.Elitism, n, len(members))] {
				p.births = append(p.births, birth{mom: m, dad: -1, elite: true})
				n--
			}
		}
		parents := members[:max(1, int(math.Ceil(cfg.Reproduce.Survival*float64(len(members)))))]
		for ; n > 0; n-- {
			b := birth{mom: parents[rng.IntN(len(parents))], dad: -1}
			if rng.Float64() < cfg.Reproduce.Crossover {
				b.dad = parents[rng.IntN(len(parents))]
				if rng.Float64() < cfg.Reproduce.Interspecies && len(p.species.Species) > 1 {
					b.dad = p.species.Species[rng.IntN(len(p.species.Species))].Members[0]
				}
				mom, dad := p.genomes[b.mom], p.genomes[b.dad]
				if dad.Fitness > mom.Fitness || (dad.Fitness == mom.Fitness && len(dad.Conns) < len(mom.Conns)) {
					b.mom, b.dad = b.dad, b.mom
				}
			}
			p.births = append(p.births, b)
		}
	}

	// Breed the children in parallel, each from its own stream (seed, next,
	// Reproduce, slot+1); then mutate their structure in slot order, since
	// the tracker's numbers depend on the order; then their parameters in
	// parallel again. The result does not depend on the number of workers.
	p.pool.For(len(p.births), 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.breed(i, next)
		}
	})
	p.dropins, p.apoptoses = 0, 0
	settings := cfg.Mutate
	if p.controlled() {
		dropin, apoptosis := p.control.Factors(&cfg.Control)
		settings.Dropin = min(1, settings.Dropin*dropin)
		settings.Apoptosis = min(1, settings.Apoptosis*apoptosis)
	}
	for i, b := range p.births {
		if b.elite || b.mateOnly {
			continue
		}
		child := p.spare[i]
		d, a := child.Dropins, child.Apoptoses
		p.births[i].changed = mutate.Structure(child, p.tracker, p.streams[i].Rand, &settings, cfg.FeedForward)
		p.dropins += child.Dropins - d
		p.apoptoses += child.Apoptoses - a
	}
	p.pool.For(len(p.births), 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if b := p.births[i]; !b.elite && !b.mateOnly && !(b.changed && cfg.Mutate.Exclusive) {
				mutate.Params(p.spare[i], p.streams[i].Rand, &cfg.Mutate)
			}
		}
	})
	p.nextID += len(p.births)
	p.keepElites()
	p.genomes, p.spare = p.spare, p.genomes
}

// keepElites gives each elite child its parent's outcome, and marks it
// known so that evaluation skips it, where evaluating it again could only
// repeat that outcome: the task is deterministic (tasks.Info), the same
// task as the last generation's (not a stream, whose phases change it),
// and evaluation does not train. On pole balancing the elites are the
// longest episodes, about 16% of double-pole's simulated decisions. A
// parent whose evaluation failed is evaluated again. Evaluations are still
// counted per genome, as the NEAT paper counts them.
func (p *Population) keepElites() {
	if !p.info.Deterministic || p.stream != nil || p.pool.Learning() {
		return
	}
	n := len(p.births)
	if cap(p.carried) < n {
		p.carried, p.known = make([]evaluate.Outcome, n), make([]bool, n)
	}
	p.carried, p.known = p.carried[:n], p.known[:n]
	for i, b := range p.births {
		p.known[i] = b.elite && p.outcomes[b.mom].Fault == ""
		if p.known[i] {
			p.carried[i] = p.outcomes[b.mom]
		}
	}
	p.outcomes, p.carried = p.carried, p.outcomes
}

// birth is the plan for one child of the next generation.
type birth struct {
	mom, dad int  // indices of the parents in the current generation; dad < 0 for none
	elite    bool // an unchanged copy of mom
	mateOnly bool // a crossover child left without mutation
	changed  bool // its structure mutated
}

// breed makes child slot i of generation next from its planned parents.
func (p *Population) breed(i, next int) {
	b, child := p.births[i], p.spare[i]
	mom := p.genomes[b.mom]
	if b.elite {
		child.CopyFrom(mom)
		return
	}
	src := p.streams[i]
	src.Seed(p.cfg.Seed, next, rngs.Reproduce, i+1)
	if b.dad >= 0 {
		// Each rate draws only when set, so that runs without it keep
		// their random streams.
		r := &p.cfg.Reproduce
		if r.Average > 0 && src.Rand.Float64() < r.Average {
			mutate.CrossoverAverage(child, mom, p.genomes[b.dad], src.Rand)
		} else {
			mutate.Crossover(child, mom, p.genomes[b.dad], src.Rand)
		}
		p.births[i].mateOnly = r.MateOnly > 0 && src.Rand.Float64() < r.MateOnly
	} else {
		child.CopyFrom(mom)
		child.Parents = [2]int{mom.ID, -1}
	}
	child.ID = p.nextID + i
	child.Born = next
	child.Fitness = 0
}
