package tasks_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// randomNetwork compiles a random feed-forward genome with the given
// inputs (plus a bias), hidden nodes and outputs: every input connected to
// every output, then random connections into and out of the hidden nodes,
// and small random weights and biases, so that no output saturates.
func randomNetwork(t *testing.T, inputs, hidden, outputs int, outAct network.Activation, rng *rand.Rand) *network.Network {
	t.Helper()
	l := genome.Layout{Inputs: inputs, Outputs: outputs, Bias: true, OutputAct: outAct}
	tr := genome.NewTracker(l)
	g := genome.New(0, l, tr, true, func() float64 { return 0.5 * rng.NormFloat64() })
	acts := []network.Activation{network.Sigmoid, network.Tanh, network.ReLU, network.Sin}
	var ids []int
	for range hidden {
		id := tr.FreshNode()
		g.InsertNode(genome.Node{ID: id, Kind: genome.Hidden, Act: acts[rng.IntN(len(acts))], Bias: 0.3 * rng.NormFloat64()})
		ids = append(ids, id)
	}
	for k, h := range ids {
		// From an input, the bias or an earlier hidden node, on to an
		// output.
		from := rng.IntN(inputs + 1)
		if k > 0 && rng.IntN(2) == 0 {
			from = ids[rng.IntN(k)]
		}
		to := inputs + 1 + rng.IntN(outputs)
		g.InsertConn(genome.Conn{Innov: tr.Innovation(from, h), From: from, To: h, Weight: rng.NormFloat64(), Enabled: true})
		g.InsertConn(genome.Conn{Innov: tr.Innovation(h, to), From: h, To: to, Weight: 0.5 * rng.NormFloat64(), Enabled: true})
	}
	net, err := genome.Compile(g, true)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// randomData returns n samples of random inputs in [-2, 2) and targets:
// 0 or 1 for a classification with one output, one-hot with several, and
// normal values for regression (classes 0).
func randomData(inputs, outputs, classes, n int, rng *rand.Rand) *tasks.Dataset {
	d := &tasks.Dataset{Inputs: inputs, Outputs: outputs, X: make([]float64, n*inputs), Y: make([]float64, n*outputs)}
	for i := range d.X {
		d.X[i] = 4*rng.Float64() - 2
	}
	for i := range n {
		y := d.Y[i*outputs : (i+1)*outputs]
		switch {
		case classes == 0:
			for k := range y {
				y[k] = rng.NormFloat64()
			}
		case outputs == 1:
			y[0] = float64(rng.IntN(2))
		default:
			y[rng.IntN(outputs)] = 1
		}
	}
	return d
}

// slowScore is the reference for ScoreBatch: each sample through
// net.Forward on its own, and the losses and metrics as their definitions
// say.
func slowScore(net *network.Network, d *tasks.Dataset, loss network.Loss, classes int) (meanLoss, metric float64) {
	n, outs := d.Len(), d.Outputs
	out := make([]float64, outs)
	var sumLoss, sumSq float64
	right := 0
	for i := range n {
		net.Reset()
		net.Forward(d.X[i*d.Inputs:(i+1)*d.Inputs], out)
		y := d.Y[i*outs : (i+1)*outs]
		switch loss {
		case network.MSE:
			for k := range outs {
				sumLoss += (out[k] - y[k]) * (out[k] - y[k])
			}
		case network.BinaryCE:
			for k := range outs {
				p := out[k] // a sigmoid output is the probability
				if net.Act[net.Outputs[k]] != network.Sigmoid {
					p = 1 / (1 + math.Exp(-out[k]))
				}
				sumLoss -= y[k]*math.Log(p) + (1-y[k])*math.Log(1-p)
			}
		case network.SoftmaxCE:
			z := 0.0
			for k := range outs {
				z += math.Exp(out[k])
			}
			for k := range outs {
				sumLoss -= y[k] * math.Log(math.Exp(out[k])/z)
			}
		}
		for k := range outs {
			sumSq += (out[k] - y[k]) * (out[k] - y[k])
		}
		switch {
		case classes > 0 && outs == 1:
			threshold := 0.0
			if net.Act[net.Outputs[0]] == network.Sigmoid {
				threshold = 0.5
			}
			if (out[0] > threshold) == (y[0] == 1) {
				right++
			}
		case classes > 0:
			best := 0
			for k := range outs {
				if out[k] > out[best] {
					best = k
				}
			}
			if y[best] == 1 {
				right++
			}
		}
	}
	meanLoss = sumLoss / float64(n*outs)
	if loss == network.SoftmaxCE {
		meanLoss = sumLoss / float64(n) // summed over the outputs
	}
	if classes == 0 {
		return meanLoss, sumSq / float64(n*outs)
	}
	return meanLoss, float64(right) / float64(n)
}

// TestScoreBatch checks ScoreBatch against slowScore on random networks
// and data, for every loss and metric rule.
func TestScoreBatch(t *testing.T) {
	cases := []struct {
		outputs int
		outAct  network.Activation
		loss    network.Loss
		classes int
	}{
		{1, network.Sigmoid, network.BinaryCE, 2},  // a probability, threshold 0.5
		{1, network.Identity, network.BinaryCE, 2}, // a logit, threshold 0
		{1, network.Tanh, network.MSE, 2},
		{3, network.Identity, network.SoftmaxCE, 3}, // argmax
		{4, network.Identity, network.MSE, 4},
		{1, network.Identity, network.MSE, 0}, // regression
		{2, network.Sigmoid, network.MSE, 0},
		{2, network.Identity, network.BinaryCE, 0},
	}
	var b network.Batch // shared, so each case resizes it
	for _, c := range cases {
		for seed := range uint64(4) {
			name := fmt.Sprintf("%d-%v-%v-%d/%d", c.outputs, c.outAct, c.loss, c.classes, seed)
			rng := rand.New(rand.NewPCG(seed, 99))
			inputs := 1 + rng.IntN(4)
			net := randomNetwork(t, inputs, rng.IntN(6), c.outputs, c.outAct, rng)
			d := randomData(inputs, c.outputs, c.classes, 1+rng.IntN(60), rng)
			loss, metric := tasks.ScoreBatch(net, d, &b, c.loss, c.classes)
			wantLoss, wantMetric := slowScore(net, d, c.loss, c.classes)
			if !near(loss, wantLoss, 1e-9*max(1, math.Abs(wantLoss))) {
				t.Errorf("%s: loss %v; want %v", name, loss, wantLoss)
			}
			if !near(metric, wantMetric, 1e-9*max(1, math.Abs(wantMetric))) {
				t.Errorf("%s: metric %v; want %v", name, metric, wantMetric)
			}
			// b holds the outputs afterwards.
			o := net.Outputs[0]
			out := make([]float64, c.outputs)
			net.Reset()
			net.Forward(d.X[:inputs], out)
			if got := b.Activations(int(o))[0]; !near(got, out[0], 1e-12) {
				t.Errorf("%s: b's first output %v; want %v", name, got, out[0])
			}
		}
	}
}

// TestScoreBatchPanics checks that ScoreBatch refuses data that do not
// fit the network, with a message that says so.
func TestScoreBatchPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	net := randomNetwork(t, 2, 1, 1, network.Sigmoid, rng)
	var b network.Batch
	for _, c := range []struct {
		name    string
		d       *tasks.Dataset
		classes int
		want    string
	}{
		{"empty", &tasks.Dataset{Inputs: 2, Outputs: 1}, 2, "tasks: ScoreBatch on a dataset with no samples"},
		{"inputs", randomData(3, 1, 2, 5, rng), 2, "tasks: ScoreBatch on a dataset of 3 inputs and 1 outputs, with a network of 2 and 1"},
		{"outputs", randomData(2, 2, 2, 5, rng), 2, "tasks: ScoreBatch on a dataset of 2 inputs and 2 outputs, with a network of 2 and 1"},
		{"classes", randomData(2, 1, 2, 5, rng), -1, "tasks: ScoreBatch with -1 classes on 1 outputs; want 0 for regression or 2"},
		{"classes of one output", randomData(2, 1, 2, 5, rng), 3, "tasks: ScoreBatch with 3 classes on 1 outputs; want 0 for regression or 2"},
		{"one class", randomData(2, 1, 2, 5, rng), 1, "tasks: ScoreBatch with 1 classes on 1 outputs; want 0 for regression or 2"},
		{"malformed", &tasks.Dataset{Inputs: 2, Outputs: 1, X: make([]float64, 6), Y: make([]float64, 2)}, 2, "tasks: ScoreBatch on a dataset of 6 input values (2 per sample) and 2 targets (1 per sample) do not agree"},
	} {
		func() {
			defer func() {
				if r := recover(); r != c.want {
					t.Errorf("%s: panic %v; want %q", c.name, r, c.want)
				}
			}()
			tasks.ScoreBatch(net, c.d, &b, network.BinaryCE, c.classes)
		}()
	}
	// Several outputs tell apart as many classes.
	net3 := randomNetwork(t, 2, 1, 3, network.Identity, rng)
	defer func() {
		if r, want := recover(), "tasks: ScoreBatch with 5 classes on 3 outputs; want 0 for regression or 3"; r != want {
			t.Errorf("5 classes on 3 outputs: panic %v; want %q", r, want)
		}
	}()
	tasks.ScoreBatch(net3, randomData(2, 3, 3, 5, rng), &b, network.SoftmaxCE, 5)
}
