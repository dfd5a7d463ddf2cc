package evaluate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/internal/parallel"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
	"github.com/neuroplast/neuroplast/tasks"
)

// Evaluator scores one compiled network. Every tasks.Task is an Evaluator.
// Evaluate is called from several goroutines at once, each with its own
// network and random stream.
type Evaluator interface {
	Evaluate(net *network.Network, rng *rand.Rand) tasks.Result
}

// EvaluatorFunc adapts a function to the Evaluator interface.
type EvaluatorFunc func(net *network.Network, rng *rand.Rand) tasks.Result

// Evaluate calls f(net, rng).
func (f EvaluatorFunc) Evaluate(net *network.Network, rng *rand.Rand) tasks.Result {
	return f(net, rng)
}

var (
	_ Evaluator = EvaluatorFunc(nil)
	_ Evaluator = tasks.Task(nil)
)

// FaultFitness is the fitness of a genome whose evaluation failed: the
// lowest finite float64, so it sorts below every real fitness and still
// encodes as JSON.
const FaultFitness = -math.MaxFloat64

// Outcome is the result of evaluating one genome.
type Outcome struct {
	tasks.Result
	// Fault says why the evaluation failed (a panic, a non-finite fitness,
	// a genome that does not compile); empty when it succeeded.
	Fault string
}

// Pool evaluates genomes on a fixed number of goroutines. Each worker owns
// its compiler, network and random source, kept between calls. Between
// calls its helper goroutines linger briefly, so the short parallel
// sections of a generation start without waiting for idle processors to
// wake. A Pool is used by one goroutine at a time.
type Pool struct {
	team        *parallel.Team
	feedForward bool
	synchronous bool
	seed        uint64
	scratch     []*worker
	training    Training
	split       *split // the current supervised task's training split, divided

	// saved[i] holds genomes[i] as it was before fine-tuning changed it,
	// while an EvaluateExcept that trains is under way, so that a cancelled
	// call can put every genome back (saved[i] is nil where none was taken).
	saved []*genome.Genome
	taken []bool
}

type worker struct {
	compiler genome.Compiler
	net      network.Network
	src      *rngs.Source
	tr       trainer
	training time.Duration // time spent fine-tuning since the last TrainingTime
}

// NewPool returns a pool of the given number of workers (GOMAXPROCS when
// workers <= 0) that compiles genomes as feed-forward or recurrent networks
// and seeds each evaluation from seed.
func NewPool(workers int, feedForward bool, seed uint64) *Pool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &Pool{team: parallel.NewTeam(workers), feedForward: feedForward, seed: seed, training: DefaultTraining()}
	p.training.Learning = None
	for range workers {
		p.scratch = append(p.scratch, &worker{src: rngs.NewSource(seed, 0, rngs.Evaluate, 0)})
	}
	return p
}

// SetSynchronous sets whether the networks the pool compiles are
// synchronous (network.Network.Synchronous); it needs a recurrent pool.
func (p *Pool) SetSynchronous(on bool) { p.synchronous = on && !p.feedForward }

// SetTraining sets how supervised tasks are fine-tuned and measured. Until
// it is called, the pool uses DefaultTraining with learning None.
func (p *Pool) SetTraining(t Training) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if (t.Learning == Lamarckian || t.Learning == Baldwinian) && !p.feedForward {
		return fmt.Errorf("evaluate: training.learning = %s needs feed-forward networks", t.Learning)
	}
	p.training = t
	p.split = nil
	return nil
}

// TrainingTime returns the time the workers have spent fine-tuning since
// the last call, added up over the workers (so on several workers it can
// exceed the wall time). It is for profiling: results never depend on it.
func (p *Pool) TrainingTime() time.Duration {
	var sum time.Duration
	for _, w := range p.scratch {
		sum += w.training
		w.training = 0
	}
	return sum
}

// Workers returns the number of goroutines the pool uses.
func (p *Pool) Workers() int { return p.team.Workers() }

// ForWorkers is For with the goroutine's index, in [0, Workers()), passed
// to fn, for loops that need scratch space per goroutine.
func (p *Pool) ForWorkers(n, chunk int, fn func(worker, lo, hi int)) {
	p.team.For(n, chunk, fn)
}

// For runs fn over [0, n) in ranges of at most chunk indices on the pool's
// goroutines, for other parallel loops of a generation (speciation,
// breeding). fn must be safe to call concurrently on disjoint ranges.
func (p *Pool) For(n, chunk int, fn func(lo, hi int)) {
	p.team.For(n, chunk, func(_, lo, hi int) { fn(lo, hi) })
}

// chunk is how many genomes a worker claims at a time: one, because
// evaluation costs range from microseconds to the 100,000 decisions of a
// pole-balancing champion, and neighbouring slots hold siblings of like
// cost: claiming four at a time put two 100,000-decision episodes on one
// worker in BenchmarkDoublePoleGeneration. One atomic add per genome is
// negligible beside compiling it.
const chunk = 1

// Evaluate evaluates every genome for generation gen and writes its outcome
// to out[i]. The stream for genome i is named by (seed, gen, Evaluate,
// genomes[i].ID). It returns ctx.Err() if ctx is cancelled before every
// genome is done; out is then incomplete, but the genomes are as they were
// before the call, even those that fine-tuning had already changed, so
// evaluating them again gives what an uncancelled call would have.
//
// When ev is a tasks.Supervised task, each network is first fine-tuned as
// SetTraining says (Lamarckian learning writes the trained weights and
// biases into the genome), then scored on held-out training samples, never
// on the test split; the complexity penalty applies to that score.
//
// It panics if len(out) != len(genomes).
func (p *Pool) Evaluate(ctx context.Context, gen int, genomes []*genome.Genome, ev Evaluator, out []Outcome) error {
	return p.EvaluateExcept(ctx, gen, genomes, ev, out, nil)
}

// EvaluateExcept is Evaluate, except that it leaves out[i] as it is where
// known[i] is set: an outcome the caller already has, such as an unchanged
// elite's on a deterministic task (tasks.Info.Deterministic). known may be
// empty, for none; otherwise it must have one entry per genome.
func (p *Pool) EvaluateExcept(ctx context.Context, gen int, genomes []*genome.Genome, ev Evaluator, out []Outcome, known []bool) error {
	if len(out) != len(genomes) {
		panic(fmt.Sprintf("evaluate: %d outcomes for %d genomes", len(out), len(genomes)))
	}
	if len(known) != 0 && len(known) != len(genomes) {
		panic(fmt.Sprintf("evaluate: %d known flags for %d genomes", len(known), len(genomes)))
	}
	if sup, ok := ev.(tasks.Supervised); ok {
		if _, err := p.prepare(sup); err != nil {
			return err
		}
	}
	// Only a context that can be cancelled needs the copies.
	writes := ctx.Done() != nil && p.writesGenomes(ev)
	if writes {
		p.taken = slices.Grow(p.taken[:0], len(genomes))[:len(genomes)]
		clear(p.taken)
		if len(p.saved) < len(genomes) {
			p.saved = append(p.saved, make([]*genome.Genome, len(genomes)-len(p.saved))...)
		}
	}
	p.team.For(len(genomes), chunk, func(w, lo, hi int) {
		for i := lo; i < hi && ctx.Err() == nil; i++ {
			if len(known) != 0 && known[i] {
				continue
			}
			if writes {
				p.save(i, genomes[i])
			}
			out[i] = p.scratch[w].evaluate(p, gen, genomes[i], ev)
		}
	})
	if err := ctx.Err(); err != nil {
		if writes {
			for i, g := range genomes {
				if p.taken[i] {
					g.CopyFrom(p.saved[i])
				}
			}
		}
		return err
	}
	return nil
}

// writesGenomes reports whether evaluating with ev changes the genomes:
// fine-tuning a supervised task writes trained weights (Lamarckian), unit
// utilities, and continual backprop's unit ages and replacement counts.
func (p *Pool) writesGenomes(ev Evaluator) bool {
	_, sup := ev.(tasks.Supervised)
	return sup && p.Learning()
}

// save keeps a copy of g, genome i of the current call, reusing the storage
// of the copy kept by an earlier call.
func (p *Pool) save(i int, g *genome.Genome) {
	if p.saved[i] == nil {
		p.saved[i] = g.Clone()
	} else {
		p.saved[i].CopyFrom(g)
	}
	p.taken[i] = true
}

func (w *worker) evaluate(p *Pool, gen int, g *genome.Genome, ev Evaluator) (o Outcome) {
	w.net.Synchronous = p.synchronous // before Compile, whose Reset sizes its buffers
	if err := w.compiler.Compile(g, p.feedForward, &w.net); err != nil {
		return fault(err.Error())
	}
	w.src.Seed(p.seed, gen, rngs.Evaluate, g.ID)
	defer func() {
		if r := recover(); r != nil {
			o = fault(fmt.Sprintf("panic: %v", r))
		}
	}()
	var r tasks.Result
	if sup, ok := ev.(tasks.Supervised); ok {
		var err error
		if r, err = w.supervised(p, g, sup, w.src.Rand); err != nil {
			return fault(err.Error())
		}
	} else {
		r = ev.Evaluate(&w.net, w.src.Rand)
	}
	if math.IsNaN(r.Fitness) || math.IsInf(r.Fitness, 0) {
		return fault(fmt.Sprintf("fitness is %v", r.Fitness))
	}
	if math.IsNaN(r.Metric) || math.IsInf(r.Metric, 0) {
		return fault(fmt.Sprintf("metric is %v", r.Metric))
	}
	return Outcome{Result: r}
}

func fault(reason string) Outcome {
	return Outcome{Result: tasks.Result{Fitness: FaultFitness}, Fault: reason}
}
