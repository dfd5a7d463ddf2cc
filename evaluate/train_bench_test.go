package evaluate

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// benchNet is a layered network of about 1,000 connections: 10 inputs and
// a bias, two hidden layers of 25 neurons with the given activation, 10
// identity outputs, every neuron fed by the whole layer before it and the
// bias (250 + 650 + 260 = 1,160 connections).
func benchNet(hidden network.Activation) *network.Network {
	rng := rand.New(rand.NewPCG(1, 2))
	n := &network.Network{NumInputs: 10, NumBias: 1, Start: []int32{0}}
	layers := [][2]int{{0, 11}, {11, 36}, {36, 61}, {61, 71}} // node ranges
	for range 11 {
		n.Act = append(n.Act, network.Identity)
		n.Bias = append(n.Bias, 0)
		n.Start = append(n.Start, 0)
	}
	for l := 1; l < len(layers); l++ {
		for range layers[l][1] - layers[l][0] {
			for s := layers[l-1][0]; s < layers[l-1][1]; s++ {
				n.Src = append(n.Src, int32(s))
				n.W = append(n.W, rng.NormFloat64()*0.3)
			}
			if l > 1 {
				n.Src = append(n.Src, 10) // the bias node
				n.W = append(n.W, rng.NormFloat64()*0.3)
			}
			act := hidden
			if l == len(layers)-1 {
				act = network.Identity
			}
			n.Act = append(n.Act, act)
			n.Bias = append(n.Bias, 0)
			n.Start = append(n.Start, int32(len(n.Src)))
		}
	}
	for o := 61; o < 71; o++ {
		n.Outputs = append(n.Outputs, int32(o))
	}
	if err := n.Check(); err != nil {
		panic(err)
	}
	n.Reset()
	return n
}

// stepFlops counts the floating-point operations of one training step the
// way the dense reference is counted, multiply and add separately: per
// connection and sample, 2 forward (multiply-add), 2 for the weight
// gradient (dot product) and 2 to pass the gradient back (multiply-add,
// skipped for input and bias sources); the optimizer's per-parameter work
// is left out.
func stepFlops(n *network.Network, batch int) float64 {
	first := int32(n.NumInputs + n.NumBias)
	f := 0.0
	for _, s := range n.Src {
		f += 4 * float64(batch)
		if s >= first {
			f += 2 * float64(batch)
		}
	}
	return f
}

// BenchmarkTrainStep measures one step of fine-tuning (batch of 64 drawn
// from the data, forward, softmax cross-entropy, backward, utility
// update, Adam) on benchNet, and reports GFLOP/s counted as for the dense
// reference (the activation functions and the optimizer are extra work
// that is not counted), with tanh and with relu hidden neurons.
func BenchmarkTrainStep(b *testing.B) {
	for _, act := range []network.Activation{network.Tanh, network.ReLU} {
		b.Run(act.String(), func(b *testing.B) { benchTrainStep(b, act) })
	}
}

func benchTrainStep(b *testing.B, act network.Activation) {
	b.ReportAllocs()
	n := benchNet(act)
	rng := rand.New(rand.NewPCG(3, 4))
	d := &tasks.Dataset{Inputs: 10, Outputs: 10}
	for i := range 512 {
		for range 10 {
			d.X = append(d.X, rng.NormFloat64())
		}
		for k := range 10 {
			d.Y = append(d.Y, float64(btoi(k == i%10)))
		}
	}
	s := wholeSplit(d)
	t := DefaultTraining()
	t.Steps, t.BatchSize = 1, 64
	var tr trainer
	tr.fit(n, s, network.SoftmaxCE, &t, rng) // warm up: size the buffers
	for b.Loop() {
		tr.fit(n, s, network.SoftmaxCE, &t, rng)
	}
	b.ReportMetric(stepFlops(n, 64)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkDenseReference multiplies dense matrices with gonum's
// mat.Dense.Mul, 64 rows (the batch) by k by k, with k chosen so that one
// product has as many floating-point operations as one training step of
// BenchmarkTrainStep (2*64*k*k), and reports GFLOP/s.
func BenchmarkDenseReference(b *testing.B) {
	b.ReportAllocs()
	flops := stepFlops(benchNet(network.Tanh), 64)
	k := 1
	for 2*64*float64((k+1)*(k+1)) <= flops {
		k++
	}
	rng := rand.New(rand.NewPCG(5, 6))
	fill := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, rng.NormFloat64())
			}
		}
		return m
	}
	x, w := fill(64, k), fill(k, k)
	var out mat.Dense
	out.Mul(x, w)
	for b.Loop() {
		out.Mul(x, w)
	}
	b.ReportMetric(2*64*float64(k*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wholeSplit returns a split of d that trains on and measures every sample.
func wholeSplit(d *tasks.Dataset) *split {
	s := &split{train: d, valid: d}
	for i := range d.Len() {
		s.fit = append(s.fit, i)
	}
	return s
}
