package evaluate_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
	"github.com/neuroplast/neuroplast/tasks"
)

const seed = 42

// genomes returns n genomes whose single identity output has the genome's
// ID as its bias, so that an evaluator can tell them apart by running the
// network. Genome 13, if present, has an enabled cycle, so it does not
// compile as a feed-forward network.
func genomes(n int) []*genome.Genome {
	l := genome.Layout{Inputs: 1, Outputs: 1, OutputAct: network.Identity}
	tr := genome.NewTracker(l)
	gs := make([]*genome.Genome, n)
	for i := range gs {
		g := genome.New(i, l, tr, true, func() float64 { return 0 })
		g.Nodes[1].Bias = float64(i)
		if i == 13 {
			h := tr.FreshNode()
			g.InsertNode(genome.Node{ID: h, Kind: genome.Hidden, Act: network.Identity})
			g.InsertConn(genome.Conn{Innov: tr.Innovation(1, h), From: 1, To: h, Enabled: true})
			g.InsertConn(genome.Conn{Innov: tr.Innovation(h, 1), From: h, To: 1, Enabled: true})
		}
		gs[i] = g
	}
	return gs
}

// id runs net once and returns the genome ID it carries.
func id(net *network.Network) int {
	var out [1]float64
	net.Reset()
	net.Forward([]float64{0}, out[:])
	return int(out[0])
}

// faulty panics for some genomes, returns NaN or infinities (as fitness or
// metric) for others, and for the rest a fitness of ID + the mean of ten
// draws from its stream.
var faulty = evaluate.EvaluatorFunc(func(net *network.Network, rng *rand.Rand) tasks.Result {
	n := id(net)
	switch n % 7 {
	case 1:
		panic("task exploded")
	case 2:
		return tasks.Result{Fitness: math.NaN()}
	case 3:
		return tasks.Result{Fitness: math.Inf(1)}
	case 4:
		return tasks.Result{Fitness: math.Inf(-1)}
	case 5:
		var nodes []int
		_ = nodes[n] // a runtime error
	case 6:
		if n%2 == 0 {
			return tasks.Result{Fitness: 1, Metric: math.NaN()}
		}
		return tasks.Result{Fitness: 1, Metric: math.Inf(-1)}
	}
	sum := 0.0
	for range 10 {
		sum += rng.Float64()
	}
	return tasks.Result{Fitness: float64(n) + sum/10, Metric: rng.NormFloat64(), Solved: n%2 == 0}
})

// want returns the outcome faulty should give genome n in generation gen.
func want(n, gen int, feedForward bool) (evaluate.Outcome, string) {
	if n == 13 && feedForward {
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "cycle"
	}
	switch n % 7 {
	case 1:
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "panic: task exploded"
	case 2:
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "fitness is NaN"
	case 3:
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "fitness is +Inf"
	case 4:
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "fitness is -Inf"
	case 5:
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "panic: runtime error: index out of range"
	case 6:
		if n%2 == 0 {
			return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "metric is NaN"
		}
		return evaluate.Outcome{Result: tasks.Result{Fitness: evaluate.FaultFitness}}, "metric is -Inf"
	}
	rng := rngs.New(seed, gen, rngs.Evaluate, n)
	sum := 0.0
	for range 10 {
		sum += rng.Float64()
	}
	return evaluate.Outcome{Result: tasks.Result{Fitness: float64(n) + sum/10, Metric: rng.NormFloat64(), Solved: n%2 == 0}}, ""
}

func TestEvaluateFaults(t *testing.T) {
	gs := genomes(60)
	for _, feedForward := range []bool{true, false} {
		p := evaluate.NewPool(2, feedForward, seed)
		out := make([]evaluate.Outcome, len(gs))
		if err := p.Evaluate(context.Background(), 3, gs, faulty, out); err != nil {
			t.Fatalf("Evaluate = %v; want nil", err)
		}
		for i, o := range out {
			w, fault := want(i, 3, feedForward)
			if fault == "" {
				if o != w {
					t.Errorf("feedForward=%v: genome %d: outcome %+v; want %+v", feedForward, i, o, w)
				}
				continue
			}
			if o.Fitness != evaluate.FaultFitness || !strings.Contains(o.Fault, fault) {
				t.Errorf("feedForward=%v: genome %d: outcome %+v; want fitness %v and a fault containing %q", feedForward, i, o, evaluate.FaultFitness, fault)
			}
		}
	}
}

// TestEvaluateWorkers checks that outcomes, random draws included, do not
// depend on the number of workers, and that a pool gives the same outcomes
// when used again.
func TestEvaluateWorkers(t *testing.T) {
	gs := genomes(101)
	var first []evaluate.Outcome
	for _, workers := range []int{1, 2, 7} {
		p := evaluate.NewPool(workers, true, seed)
		if p.Workers() != workers {
			t.Errorf("NewPool(%d, ...).Workers() = %d", workers, p.Workers())
		}
		for run := range 2 {
			out := make([]evaluate.Outcome, len(gs))
			if err := p.Evaluate(context.Background(), 5, gs, faulty, out); err != nil {
				t.Fatalf("Evaluate with %d workers = %v", workers, err)
			}
			if first == nil {
				first = out
				continue
			}
			if !reflect.DeepEqual(out, first) {
				for i := range out {
					if !reflect.DeepEqual(out[i], first[i]) {
						t.Errorf("%d workers, run %d: genome %d: %+v; with 1 worker %+v", workers, run, i, out[i], first[i])
					}
				}
			}
		}
	}
	// Another generation draws other numbers.
	out := make([]evaluate.Outcome, len(gs))
	if err := evaluate.NewPool(2, true, seed).Evaluate(context.Background(), 6, gs, faulty, out); err != nil {
		t.Fatalf("Evaluate = %v", err)
	}
	if out[0] == first[0] {
		t.Errorf("generations 5 and 6 gave genome 0 the same outcome %+v; want different draws", out[0])
	}
	if p := evaluate.NewPool(0, true, seed); p.Workers() < 1 {
		t.Errorf("NewPool(0, ...).Workers() = %d; want GOMAXPROCS", p.Workers())
	}
}

func TestEvaluateCancel(t *testing.T) {
	gs := genomes(200)
	for _, workers := range []int{1, 3} {
		// Cancelled before the call: nothing is evaluated.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var calls atomic.Int32
		counting := evaluate.EvaluatorFunc(func(net *network.Network, rng *rand.Rand) tasks.Result {
			calls.Add(1)
			return tasks.Result{Fitness: 1}
		})
		out := make([]evaluate.Outcome, len(gs))
		if err := evaluate.NewPool(workers, false, seed).Evaluate(ctx, 0, gs, counting, out); !errors.Is(err, context.Canceled) {
			t.Errorf("%d workers: Evaluate with a cancelled context = %v; want context.Canceled", workers, err)
		}
		if n := calls.Load(); n != 0 {
			t.Errorf("%d workers: a cancelled Evaluate evaluated %d genomes; want 0", workers, n)
		}

		// Cancelled by the tenth evaluation: the rest are skipped.
		ctx, cancel = context.WithCancel(context.Background())
		calls.Store(0)
		cancelling := evaluate.EvaluatorFunc(func(net *network.Network, rng *rand.Rand) tasks.Result {
			if calls.Add(1) == 10 {
				cancel()
			}
			return tasks.Result{Fitness: 1}
		})
		err := evaluate.NewPool(workers, false, seed).Evaluate(ctx, 0, gs, cancelling, out)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%d workers: Evaluate cancelled midway = %v; want context.Canceled", workers, err)
		}
		if n := int(calls.Load()); n >= len(gs) {
			t.Errorf("%d workers: Evaluate cancelled midway evaluated all %d genomes", workers, n)
		}
		cancel()

		// A deadline in the past.
		ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
		if err := evaluate.NewPool(workers, false, seed).Evaluate(ctx, 0, gs, counting, out); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%d workers: Evaluate past its deadline = %v; want context.DeadlineExceeded", workers, err)
		}
		cancel()
	}
}

func TestEvaluateTask(t *testing.T) {
	// A tasks.Task is an Evaluator: XOR on a genome without hidden nodes.
	l := genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}
	tr := genome.NewTracker(l)
	g := genome.New(0, l, tr, true, func() float64 { return 0 })
	out := make([]evaluate.Outcome, 1)
	if err := evaluate.NewPool(1, true, seed).Evaluate(context.Background(), 0, []*genome.Genome{g}, tasks.XOR{}, out); err != nil {
		t.Fatalf("Evaluate = %v", err)
	}
	// All outputs are 0.5: fitness (4 - 4*0.5)^2 = 4.
	if out[0].Fault != "" || out[0].Fitness != 4 {
		t.Errorf("XOR with zero weights: %+v; want fitness 4 and no fault", out[0])
	}
}

func TestEvaluatePanicsOnLengths(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "evaluate: 2 outcomes for 3 genomes") {
			t.Errorf("Evaluate with 2 outcomes for 3 genomes panicked with %v; want a message naming both", r)
		}
	}()
	_ = evaluate.NewPool(1, true, seed).Evaluate(context.Background(), 0, genomes(3), faulty, make([]evaluate.Outcome, 2))
}

// TestEvaluateExcept checks that known outcomes are left as they are and
// every other one is what Evaluate gives, whatever the workers.
func TestEvaluateExcept(t *testing.T) {
	gs := genomes(40)
	want := make([]evaluate.Outcome, len(gs))
	if err := evaluate.NewPool(1, true, seed).Evaluate(context.Background(), 3, gs, faulty, want); err != nil {
		t.Fatal(err)
	}
	known := make([]bool, len(gs))
	for i := range known {
		known[i] = i%3 == 0
	}
	sentinel := evaluate.Outcome{Result: tasks.Result{Fitness: -7}, Fault: "kept"}
	for _, workers := range []int{1, 4} {
		out := make([]evaluate.Outcome, len(gs))
		for i := range out {
			out[i] = sentinel
		}
		if err := evaluate.NewPool(workers, true, seed).EvaluateExcept(context.Background(), 3, gs, faulty, out, known); err != nil {
			t.Fatal(err)
		}
		for i := range out {
			if known[i] && out[i] != sentinel || !known[i] && out[i] != want[i] {
				t.Errorf("%d workers: outcome %d (known %v) = %+v; want %+v", workers, i, known[i], out[i], map[bool]evaluate.Outcome{true: sentinel, false: want[i]}[known[i]])
			}
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "evaluate: 2 known flags for 3 genomes") {
			t.Errorf("EvaluateExcept with 2 known flags for 3 genomes panicked with %v; want a message naming both", r)
		}
	}()
	_ = evaluate.NewPool(1, true, seed).EvaluateExcept(context.Background(), 0, genomes(3), faulty, make([]evaluate.Outcome, 3), make([]bool, 2))
}
