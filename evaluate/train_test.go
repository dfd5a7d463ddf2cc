package evaluate_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// circleLayout is the layout of the Playground tasks: two inputs, a bias
// and one sigmoid output (nodes 0, 1, 2 and 3).
var circleLayout = genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}

// withHidden returns a connected circle genome with a tanh hidden node fed
// by both inputs and feeding the output with weight out: the network
// computes what the connected genome computes, plus out times the hidden
// node.
func withHidden(id int, tr *genome.Tracker, out float64) *genome.Genome {
	w := []float64{0.4, -0.7, 0.2}
	k := 0
	g := genome.New(id, circleLayout, tr, true, func() float64 { k++; return w[k-1] })
	h := tr.FreshNode()
	g.InsertNode(genome.Node{ID: h, Kind: genome.Hidden, Act: network.Tanh, Bias: 0.1})
	g.InsertConn(genome.Conn{Innov: tr.Innovation(0, h), From: 0, To: h, Weight: 0.9, Enabled: true})
	g.InsertConn(genome.Conn{Innov: tr.Innovation(1, h), From: 1, To: h, Weight: -0.5, Enabled: true})
	g.InsertConn(genome.Conn{Innov: tr.Innovation(h, 3), From: h, To: 3, Weight: out, Enabled: true})
	return g
}

// evaluateOn evaluates gs on task in generation 1 with training t (a pool
// of one worker, feed-forward) and returns the pool and the outcomes.
func evaluateOn(t *testing.T, task tasks.Supervised, tc evaluate.Training, gs ...*genome.Genome) (*evaluate.Pool, []evaluate.Outcome) {
	t.Helper()
	p := evaluate.NewPool(1, true, seed)
	if err := p.SetTraining(tc); err != nil {
		t.Fatal(err)
	}
	out := make([]evaluate.Outcome, len(gs))
	if err := p.Evaluate(context.Background(), 1, gs, task, out); err != nil {
		t.Fatal(err)
	}
	return p, out
}

// TestComplexityPenalty checks Backprop NEAT's complexity penalty,
// fitness = -loss * (1 + c*sqrt(weights)): with c = 0.1 each genome's
// fitness is its unpenalised fitness times that factor, so that of two
// networks with the same loss the one with more weights is less fit. The
// larger genome here adds a hidden node whose outgoing weight is 0, which
// leaves the outputs, and so the loss, exactly as they were. Every other
// test runs with c = 0, where the formula goes unchecked.
func TestComplexityPenalty(t *testing.T) {
	task, err := tasks.NewPlayground("circle", 1, 40, 10, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	tr := genome.NewTracker(circleLayout)
	small := withHidden(0, tr, 0)
	small.Conns = small.Conns[:3] // the connected genome alone: 3 weights
	small.Nodes = small.Nodes[:4]
	big := withHidden(1, tr, 0) // 6 weights, the same outputs
	tc := evaluate.DefaultTraining()
	tc.Learning, tc.Validation = evaluate.None, 0
	tc.Complexity = 0
	_, plain := evaluateOn(t, task, tc, small, big)
	tc.Complexity = 0.1
	_, penalised := evaluateOn(t, task, tc, small, big)
	if plain[0].Fault != "" || plain[1].Fault != "" || penalised[0].Fault != "" || penalised[1].Fault != "" {
		t.Fatalf("faults: %q %q %q %q", plain[0].Fault, plain[1].Fault, penalised[0].Fault, penalised[1].Fault)
	}
	loss := -plain[0].Fitness
	if !(loss > 0) || plain[1].Fitness != plain[0].Fitness {
		t.Fatalf("unpenalised fitness %v and %v; want the same negative fitness (the same outputs)", plain[0].Fitness, plain[1].Fitness)
	}
	for i, weights := range []int{3, 6} {
		want := -loss * (1 + 0.1*math.Sqrt(float64(weights)))
		if got := penalised[i].Fitness; math.Abs(got-want) > 1e-12*loss {
			t.Errorf("genome of %d weights: fitness %v with complexity_penalty 0.1; want -loss*(1+0.1*sqrt(%d)) = %v", weights, got, weights, want)
		}
	}
	if !(penalised[1].Fitness < penalised[0].Fitness) {
		t.Errorf("at equal loss, 6 weights score %v and 3 weights %v; want more weights less fit", penalised[1].Fitness, penalised[0].Fitness)
	}

	// A task of one's own whose Score gives a positive fitness (higher is
	// better) is divided by the factor instead: the product would reward
	// size.
	pos := positiveScore{task}
	tc.Complexity = 0
	_, plain = evaluateOn(t, pos, tc, small, big)
	tc.Complexity = 0.1
	_, penalised = evaluateOn(t, pos, tc, small, big)
	if !(plain[0].Fitness > 0) || plain[1].Fitness != plain[0].Fitness {
		t.Fatalf("positive scores %v and %v; want the same positive fitness", plain[0].Fitness, plain[1].Fitness)
	}
	for i, weights := range []int{3, 6} {
		want := plain[0].Fitness / (1 + 0.1*math.Sqrt(float64(weights)))
		if got := penalised[i].Fitness; math.Abs(got-want) > 1e-12 {
			t.Errorf("positive score, genome of %d weights: fitness %v; want fitness/(1+0.1*sqrt(%d)) = %v", weights, got, weights, want)
		}
	}
	if !(penalised[1].Fitness < penalised[0].Fitness) {
		t.Errorf("positive score at equal loss: 6 weights score %v and 3 weights %v; want more weights less fit", penalised[1].Fitness, penalised[0].Fitness)
	}
}

// positiveScore is a supervised task whose Score gives 1/(1+loss), a
// positive fitness, as a task of one's own might.
type positiveScore struct{ *tasks.Playground }

func (p positiveScore) Score(net *network.Network, d *tasks.Dataset, b *network.Batch) tasks.Result {
	r := p.Playground.Score(net, d, b)
	r.Fitness = 1 / (1 - r.Fitness)
	return r
}

// TestValidationRoundingToWholeSplit checks a held-out fraction that
// rounds to the whole training split: 3 samples at validation 0.9 hold
// out round(2.7) = 3, which would leave training nothing to draw from.
// Such a split holds nothing out, as validation 0 does: evaluation does
// not fault, trains on all 3 samples and measures fitness on them, the
// same fitness to the bit as with validation 0.
func TestValidationRoundingToWholeSplit(t *testing.T) {
	task, err := tasks.NewPlayground("circle", 2, 3, 4, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	tr := genome.NewTracker(circleLayout)
	g := withHidden(5, tr, 0.8)
	tc := evaluate.DefaultTraining()
	tc.Learning, tc.Steps, tc.BatchSize, tc.Complexity = evaluate.Baldwinian, 20, 2, 0
	var fitness [2]float64
	for i, v := range []float64{0.9, 0} {
		tc.Validation = v
		p, out := evaluateOn(t, task, tc, g.Clone())
		if out[0].Fault != "" {
			t.Fatalf("validation %v on 3 samples: evaluation faulted: %s", v, out[0].Fault)
		}
		net, err := p.Phenotype(g, task, 1)
		if err != nil {
			t.Fatal(err)
		}
		var b network.Batch
		if want := task.Score(net, task.Train(), &b).Fitness; out[0].Fitness != want {
			t.Errorf("validation %v on 3 samples: fitness %v; want %v, the trained network's on the 3 training samples", v, out[0].Fitness, want)
		}
		fitness[i] = out[0].Fitness
	}
	if fitness[0] != fitness[1] {
		t.Errorf("fitness %v at validation 0.9 of 3 samples, %v at validation 0; want the same", fitness[0], fitness[1])
	}
}

// TestBaldwinianWritesUtilities checks that Baldwinian learning, which
// keeps the untrained weights in the genes, still records the hidden
// nodes' measured utilities: apoptosis picks its victim by them. The
// weights and biases must stay as they were.
func TestBaldwinianWritesUtilities(t *testing.T) {
	task, err := tasks.NewPlayground("circle", 3, 40, 10, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	tr := genome.NewTracker(circleLayout)
	g := withHidden(2, tr, 0.8)
	before := g.Clone()
	tc := evaluate.DefaultTraining()
	tc.Learning, tc.Steps = evaluate.Baldwinian, 30
	_, out := evaluateOn(t, task, tc, g)
	if out[0].Fault != "" {
		t.Fatal(out[0].Fault)
	}
	if !g.HasUtility {
		t.Errorf("HasUtility is false after Baldwinian training; want the utilities recorded")
	}
	for _, n := range g.Nodes {
		if n.Kind == genome.Hidden && !(n.Utility > 0) {
			t.Errorf("hidden node %d has utility %v after Baldwinian training; want > 0", n.ID, n.Utility)
		}
	}
	if !slices.Equal(g.Conns, before.Conns) {
		t.Errorf("Baldwinian training changed the connection genes:\n got %v\nwant %v", g.Conns, before.Conns)
	}
	for i, n := range g.Nodes {
		if n.Bias != before.Nodes[i].Bias {
			t.Errorf("Baldwinian training changed node %d's bias from %v to %v", n.ID, before.Nodes[i].Bias, n.Bias)
		}
	}
}

// misshapen is a supervised task of one's own whose training split is
// train, whatever its shape.
type misshapen struct {
	*tasks.Playground
	train *tasks.Dataset
}

func (m misshapen) Train() *tasks.Dataset { return m.train }

// TestEvaluateRefusesMisshapenData checks that a supervised task whose
// training split is missing, malformed or of another shape than its Info
// says is refused with an error naming the task, rather than faulting
// every genome with a panic (or panicking out of Evaluate).
func TestEvaluateRefusesMisshapenData(t *testing.T) {
	task, err := tasks.NewPlayground("circle", 1, 8, 4, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	tr := genome.NewTracker(circleLayout)
	g := withHidden(0, tr, 0.3)
	for _, tt := range []struct {
		train *tasks.Dataset
		want  string
	}{
		{nil, "no training split"},
		{&tasks.Dataset{Inputs: 3, Outputs: 1, X: make([]float64, 6), Y: make([]float64, 2)}, "has 2 inputs and 1 outputs, but its training split has 3 and 1"},
		{&tasks.Dataset{Inputs: 2, Outputs: 1, X: make([]float64, 5), Y: make([]float64, 2)}, "training split"},
	} {
		p := evaluate.NewPool(1, true, seed)
		out := make([]evaluate.Outcome, 1)
		err := p.Evaluate(context.Background(), 0, []*genome.Genome{g}, misshapen{task, tt.train}, out)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `"circle"`) {
			t.Errorf("Evaluate with training split %+v = %v; want an error naming circle and saying %q", tt.train, err, tt.want)
		}
	}
}
