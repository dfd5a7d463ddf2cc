package network_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuroplast/neuroplast/network"
)

// TestForwardSynchronous steps twoTwoOne synchronously, worked by hand:
// each node reads the values of the step before, so the output sees the
// hidden neurons one step late. The first step after Reset stops once the
// output is reached; the bias reaches it in the first sweep, when the
// hidden neurons were still 0.
func TestForwardSynchronous(t *testing.T) {
	n := twoTwoOne()
	n.Synchronous = true
	sig := network.Sigmoid.Apply
	h0a, h1a := math.Tanh(0.1+0.5-0.5), 1.3 // step 1's hidden values
	h0b, h1b := math.Tanh(0.1), 0.0         // step 2's
	steps := []struct {
		in     [2]float64
		h0, h1 float64
		out    float64
	}{
		{[2]float64{1, 0.5}, h0a, h1a, sig(0.3)},
		{[2]float64{0, 0}, h0b, h1b, sig(0.3 + 2*h0a - h1a)},
		{[2]float64{-1, 2}, math.Tanh(0.1 - 0.5 - 2), 0.8, sig(0.3 + 2*h0b - h1b)},
	}
	out := make([]float64, 1)
	for round := range 2 { // Reset starts the same sequence again
		n.Reset()
		for i, st := range steps {
			n.Forward(st.in[:], out)
			s := n.State()
			want := []float64{st.in[0], st.in[1], 1, st.h0, st.h1, st.out}
			for j := range want {
				if math.Abs(s[j]-want[j]) > 1e-12 {
					t.Errorf("round %d, step %d: State()[%d] = %v; want %v", round, i, j, s[j], want[j])
				}
			}
			if out[0] != s[5] {
				t.Errorf("round %d, step %d: output %v; want node 5's value %v", round, i, out[0], s[5])
			}
		}
	}
}

// TestSynchronousPriming checks the first step of a chain input -> h ->
// output, whose output has no direct path from the inputs: the first
// Forward repeats the update until the output is reached, and a node no
// input reaches (one with a bias but no incoming connections) stays at 0,
// where a sequential network would give it its activated bias.
func TestSynchronousPriming(t *testing.T) {
	chain := func(sync bool) *network.Network {
		n := &network.Network{
			NumInputs: 1,
			Act:       []network.Activation{network.Identity, network.Tanh, network.Identity, network.Sigmoid},
			Bias:      []float64{0, 0.2, 0.7, 0},
			Start:     []int32{0, 0, 1, 1, 3},
			Src:       []int32{0, 1, 2},
			W:         []float64{1, 2, 5},
			Outputs:   []int32{3},
		}
		n.Synchronous = sync
		if err := n.Check(); err != nil {
			t.Fatalf("Check() = %v", err)
		}
		n.Reset()
		return n
	}
	sig := network.Sigmoid.Apply
	out := make([]float64, 1)

	seq := chain(false)
	seq.Forward([]float64{0.5}, out)
	if want := sig(2*math.Tanh(0.7) + 5*0.7); math.Abs(out[0]-want) > 1e-12 {
		t.Errorf("sequential: output %v; want %v", out[0], want)
	}

	n := chain(true)
	inputs := []float64{0.5, -0.3, 0}
	wants := []float64{
		sig(2 * math.Tanh(0.7)),  // primed in two sweeps on input 0.5
		sig(2 * math.Tanh(0.7)),  // h from the step before
		sig(2 * math.Tanh(-0.1)), // h from input -0.3
	}
	for i, x := range inputs {
		n.Forward([]float64{x}, out)
		if math.Abs(out[0]-wants[i]) > 1e-12 {
			t.Errorf("synchronous step %d: output %v; want %v", i, out[0], wants[i])
		}
		if s := n.State()[2]; s != 0 {
			t.Errorf("synchronous step %d: unreached node = %v; want 0", i, s)
		}
	}
}

// TestSynchronousMatchesDirect checks the two updates against each other
// where they must agree: when every connection either comes from an input
// or points backwards (to its own node or an earlier one in evaluation
// order), each reads the same values either way.
func TestSynchronousMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 20 {
		// Nodes: 0-2 inputs, 3 bias, 4 and 5 outputs; each output reads
		// every input, the bias and itself, and output 4 reads output 5.
		mk := func(sync bool, w []float64, bias []float64) *network.Network {
			n := &network.Network{
				NumInputs: 3, NumBias: 1,
				Act:       []network.Activation{0, 0, 0, 0, network.Sigmoid, network.Tanh},
				Bias:      bias,
				Start:     []int32{0, 0, 0, 0, 0, 6, 11},
				Src:       []int32{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 5},
				W:         w,
				Outputs:   []int32{4, 5},
				Recurrent: true,
			}
			n.Synchronous = sync
			n.Reset()
			return n
		}
		w := make([]float64, 11)
		for i := range w {
			w[i] = rng.NormFloat64() * 2
		}
		bias := []float64{0, 0, 0, 0, rng.NormFloat64(), rng.NormFloat64()}
		seq, syn := mk(false, w, bias), mk(true, w, bias)
		a, b := make([]float64, 2), make([]float64, 2)
		for step := range 50 {
			in := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
			seq.Forward(in, a)
			syn.Forward(in, b)
			if a[0] != b[0] || a[1] != b[1] {
				t.Fatalf("trial %d, step %d: outputs %v (sequential) != %v (synchronous)", trial, step, a, b)
			}
		}
	}
}

func TestSynchronousAllocs(t *testing.T) {
	n := twoTwoOne()
	n.Synchronous = true
	n.Reset()
	in, out := []float64{0.3, -0.4}, make([]float64, 1)
	if a := testing.AllocsPerRun(100, func() {
		n.Reset()
		for range 5 {
			n.Forward(in, out)
		}
	}); a != 0 {
		t.Errorf("Reset and Forward allocate %v times; want 0", a)
	}
}

// BenchmarkForwardSynchronous is BenchmarkForward's recurrent network
// stepped synchronously, to compare with its sequential time.
func BenchmarkForwardSynchronous(b *testing.B) {
	bn := benchNetworks[len(benchNetworks)-1]
	net, in, out := compiled(b, bn.build, bn.feedForward)
	net.Synchronous = true
	net.Reset()
	b.ReportAllocs()
	for b.Loop() {
		net.Forward(in, out)
	}
}
