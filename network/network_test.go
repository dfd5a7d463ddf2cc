package network_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
)

// twoTwoOne returns a 2-2-1 network with a bias node:
//
//	h0 = tanh(0.1 + 0.5 x0 - x1)
//	h1 = relu(-0.2 + x0 + x1)
//	o  = sigmoid(0.3 b + 2 h0 - h1), b = 1
//
// Nodes: 0, 1 inputs; 2 bias; 3 h0; 4 h1; 5 o.
func twoTwoOne() *network.Network {
	return &network.Network{
		NumInputs: 2,
		NumBias:   1,
		Act:       []network.Activation{network.Identity, network.Identity, network.Identity, network.Tanh, network.ReLU, network.Sigmoid},
		Bias:      []float64{0, 0, 0, 0.1, -0.2, 0},
		Start:     []int32{0, 0, 0, 0, 2, 4, 7},
		Src:       []int32{0, 1, 0, 1, 2, 3, 4},
		W:         []float64{0.5, -1, 1, 1, 0.3, 2, -1},
		Outputs:   []int32{5},
	}
}

func TestForwardTwoTwoOne(t *testing.T) {
	n := twoTwoOne()
	if err := n.Check(); err != nil {
		t.Fatalf("Check() = %v", err)
	}
	n.Reset()
	// Worked by hand from the formulas above.
	tests := []struct {
		in     [2]float64
		h0, h1 float64
		out    float64
	}{
		{[2]float64{1, 0.5}, 0.09966799462495582, 1.3, 0.019393112937742873},
		{[2]float64{0, 0}, 0.09966799462495582, 0, 0.9203231916738444},
		{[2]float64{-1, 2}, -0.9836748576936802, 0.8, 5.615279348036654e-06},
	}
	out := make([]float64, 1)
	for _, tt := range tests {
		n.Forward(tt.in[:], out)
		if math.Abs(out[0]-tt.out) > 1e-12 {
			t.Errorf("Forward(%v) = %v; want %v", tt.in, out[0], tt.out)
		}
		s := n.State()
		want := []float64{tt.in[0], tt.in[1], 1, tt.h0, tt.h1, tt.out}
		for j := range want {
			if math.Abs(s[j]-want[j]) > 1e-12 {
				t.Errorf("after Forward(%v), State()[%d] = %v; want %v", tt.in, j, s[j], want[j])
			}
		}
	}
}

// selfLoop returns a recurrent network with one input x, a tanh node h with
// a self-loop and an identity output o with a self-loop:
//
//	h_t = tanh(x_t + 0.5 h_{t-1})
//	o_t = 0.1 + 2 h_t - 0.5 o_{t-1}
func selfLoop() *network.Network {
	return &network.Network{
		NumInputs: 1,
		Act:       []network.Activation{network.Identity, network.Tanh, network.Identity},
		Bias:      []float64{0, 0, 0.1},
		Start:     []int32{0, 0, 2, 4},
		Src:       []int32{0, 1, 1, 2},
		W:         []float64{1, 0.5, 2, -0.5},
		Outputs:   []int32{2},
		Recurrent: true,
	}
}

func TestForwardRecurrent(t *testing.T) {
	n := selfLoop()
	if err := n.Check(); err != nil {
		t.Fatalf("Check() = %v", err)
	}
	// Worked by hand from the formulas above, from h_0 = o_0 = 0.
	steps := []struct{ x, h, o float64 }{
		{1, 0.7615941559557649, 1.6231883119115298},
		{2, 0.9830411011980433, 1.2544880464403219},
		{-3, -0.9868379095122035, -2.500919842244568},
	}
	out := make([]float64, 1)
	for round := range 2 {
		n.Reset()
		if s := n.State(); !slices.Equal(s, []float64{0, 0, 0}) {
			t.Errorf("round %d: State() after Reset = %v; want all zero", round, s)
		}
		for i, st := range steps {
			n.Forward([]float64{st.x}, out)
			if math.Abs(out[0]-st.o) > 1e-12 || math.Abs(n.State()[1]-st.h) > 1e-12 {
				t.Errorf("round %d, step %d: Forward([%v]) = %v, h = %v; want %v, %v", round, i+1, st.x, out[0], n.State()[1], st.o, st.h)
			}
		}
	}
}

func TestResetSetsBias(t *testing.T) {
	n := twoTwoOne()
	n.Reset()
	if s := n.State(); !slices.Equal(s, []float64{0, 0, 1, 0, 0, 0}) {
		t.Errorf("State() after Reset = %v; want the bias node at 1 and the rest 0", s)
	}
	// Forward on a network never Reset sizes the state itself.
	m := twoTwoOne()
	out := make([]float64, 1)
	m.Forward([]float64{1, 0.5}, out)
	if math.Abs(out[0]-0.019393112937742873) > 1e-12 {
		t.Errorf("Forward without Reset = %v; want 0.019393112937742873", out[0])
	}
}

func TestForwardPanicsOnSizes(t *testing.T) {
	tests := []struct {
		name    string
		in, out int
		want    string
	}{
		{"short input", 1, 1, "1 inputs, want 2"},
		{"long input", 3, 1, "3 inputs, want 2"},
		{"no room", 2, 0, "room for 0 outputs, want 1"},
		{"too much room", 2, 2, "room for 2 outputs, want 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg, ok := r.(string); !ok || !strings.Contains(msg, tt.want) {
					t.Errorf("Forward(%d inputs, %d outputs) panicked with %v; want %q", tt.in, tt.out, r, tt.want)
				}
			}()
			twoTwoOne().Forward(make([]float64, tt.in), make([]float64, tt.out))
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		edit func(n *network.Network)
		want string // a fragment of the error; empty for nil
	}{
		{"valid", func(*network.Network) {}, ""},
		{"valid empty", func(n *network.Network) { *n = network.Network{Start: []int32{0}} }, ""},
		{"inputs exceed nodes", func(n *network.Network) { n.NumInputs = 6 }, "6 inputs and 1 bias nodes do not fit in 6 nodes"},
		{"negative inputs", func(n *network.Network) { n.NumInputs = -1 }, "-1 inputs"},
		{"negative bias", func(n *network.Network) { n.NumBias = -1 }, "-1 bias nodes"},
		{"short biases", func(n *network.Network) { n.Bias = n.Bias[:5] }, "5 biases for 6 nodes"},
		{"short offsets", func(n *network.Network) { n.Start = n.Start[:6] }, "6 connection offsets for 6 nodes, want 7"},
		{"no offsets", func(n *network.Network) { n.Start = nil }, "0 connection offsets for 6 nodes, want 7"},
		{"short weights", func(n *network.Network) { n.W = n.W[:6] }, "7 sources but 6 weights"},
		{"offsets start late", func(n *network.Network) { n.Start[0], n.Start[1], n.Start[2], n.Start[3] = 1, 1, 1, 1 }, "connection offsets span [1, 7), want [0, 7)"},
		{"offsets end early", func(n *network.Network) { n.Start[6] = 6 }, "connection offsets span [0, 6), want [0, 7)"},
		{"offsets decrease", func(n *network.Network) { n.Start[4] = 5 }, "connection offsets decrease at node 4"},
		{"input with incoming", func(n *network.Network) {
			n.Start = []int32{0, 0, 1, 1, 2, 4, 7}
		}, "input or bias node 1 has incoming connections"},
		{"bias with incoming", func(n *network.Network) {
			n.Start = []int32{0, 0, 0, 1, 2, 4, 7}
		}, "input or bias node 2 has incoming connections"},
		{"invalid activation", func(n *network.Network) { n.Act[4] = 42 }, "node 4 has invalid activation 42"},
		{"source too high", func(n *network.Network) { n.Src[3] = 6 }, "connection 3 into node 4 has source 6 out of range [0, 6)"},
		{"negative source", func(n *network.Network) { n.Src[0] = -1 }, "connection 0 into node 3 has source -1 out of range [0, 6)"},
		{"backward in feed-forward", func(n *network.Network) { n.Src[6] = 5 }, "connection 6 from node 5 to node 5 points backwards in a feed-forward network"},
		{"backward in recurrent", func(n *network.Network) { n.Src[6] = 5; n.Recurrent = true }, ""},
		{"output is an input", func(n *network.Network) { n.Outputs[0] = 1 }, "output 0 is node 1, want a computed node in [3, 6)"},
		{"output out of range", func(n *network.Network) { n.Outputs = []int32{5, 6} }, "output 1 is node 6, want a computed node in [3, 6)"},
		{"output twice", func(n *network.Network) { n.Outputs = []int32{5, 5} }, "outputs 0 and 1 are both node 5, want each node once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := twoTwoOne()
			tt.edit(n)
			err := n.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check() = %v; want nil", err)
			case tt.want != "" && err == nil:
				t.Errorf("Check() = nil; want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Check() = %q; want it to contain %q", err, tt.want)
			case err != nil && !strings.HasPrefix(err.Error(), "network: "):
				t.Errorf("Check() = %q; want the prefix \"network: \"", err)
			}
		})
	}
}

// randomGenome builds a feed-forward genome with the given numbers of
// inputs (plus a bias), hidden nodes and outputs, and up to conns random
// connections: hidden nodes are ranked by ID, so any input or lower hidden
// node may feed a hidden node, and anything but an output may feed an
// output.
func randomGenome(inputs, hidden, outputs, conns int, rng *rand.Rand) *genome.Genome {
	l := genome.Layout{Inputs: inputs, Outputs: outputs, Bias: true, OutputAct: network.Sigmoid}
	tr := genome.NewTracker(l)
	g := genome.New(0, l, tr, false, nil)
	acts := []network.Activation{network.Sigmoid, network.Tanh, network.ReLU}
	for range hidden {
		g.InsertNode(genome.Node{ID: tr.FreshNode(), Kind: genome.Hidden, Act: acts[rng.IntN(len(acts))], Bias: rng.NormFloat64()})
	}
	seen := make(map[[2]int]bool)
	for range 20 * conns {
		if len(g.Conns) == conns {
			break
		}
		from, to := g.Nodes[rng.IntN(len(g.Nodes))], g.Nodes[rng.IntN(len(g.Nodes))]
		switch {
		case to.Kind == genome.Input || to.Kind == genome.Bias || from.Kind == genome.Output:
			continue
		case to.Kind == genome.Hidden && from.Kind == genome.Hidden && from.ID >= to.ID:
			continue
		case seen[[2]int{from.ID, to.ID}]:
			continue
		}
		seen[[2]int{from.ID, to.ID}] = true
		g.InsertConn(genome.Conn{Innov: tr.Innovation(from.ID, to.ID), From: from.ID, To: to.ID, Weight: rng.NormFloat64(), Enabled: true})
	}
	return g
}

// xorGenome is the usual XOR solution: 2 inputs and a bias, one hidden
// node, one output, five connections.
func xorGenome() *genome.Genome {
	l := genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}
	tr := genome.NewTracker(l)
	w := []float64{1, 1, 1}
	g := genome.New(0, l, tr, true, func() float64 { x := w[0]; w = w[1:]; return x })
	h := tr.FreshNode()
	g.InsertNode(genome.Node{ID: h, Kind: genome.Hidden, Act: network.Sigmoid})
	for _, c := range []struct {
		from, to int
		w        float64
	}{{0, h, 1}, {1, h, 1}, {2, h, -1.5}, {h, 3, -2}} {
		g.InsertConn(genome.Conn{Innov: tr.Innovation(c.from, c.to), From: c.from, To: c.to, Weight: c.w, Enabled: true})
	}
	return g
}

var benchNetworks = []struct {
	name        string
	build       func() *genome.Genome
	feedForward bool
}{
	{"xor", xorGenome, true},
	{"10-30-5", func() *genome.Genome { return randomGenome(10, 30, 5, 200, rand.New(rand.NewPCG(1, 2))) }, true},
	{"10-30-5-recurrent", func() *genome.Genome {
		g := randomGenome(10, 30, 5, 200, rand.New(rand.NewPCG(1, 2)))
		// Feed every output back into the first hidden node.
		for _, n := range g.Nodes {
			if n.Kind == genome.Output {
				g.InsertConn(genome.Conn{Innov: 1000 + n.ID, From: n.ID, To: g.Nodes[len(g.Nodes)-30].ID, Weight: 0.1, Enabled: true})
			}
		}
		return g
	}, false},
}

func compiled(tb testing.TB, build func() *genome.Genome, feedForward bool) (*network.Network, []float64, []float64) {
	g := build()
	if err := genome.Validate(g, feedForward); err != nil {
		tb.Fatalf("Validate = %v", err)
	}
	net, err := genome.Compile(g, feedForward)
	if err != nil {
		tb.Fatalf("Compile = %v", err)
	}
	if err := net.Check(); err != nil {
		tb.Fatalf("Check = %v", err)
	}
	if net.Recurrent == feedForward {
		tb.Fatalf("network.Recurrent = %v for feedForward = %v", net.Recurrent, feedForward)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([]float64, net.NumInputs)
	for i := range in {
		in[i] = rng.Float64()
	}
	return net, in, make([]float64, len(net.Outputs))
}

func TestForwardAllocs(t *testing.T) {
	for _, bn := range benchNetworks {
		net, in, out := compiled(t, bn.build, bn.feedForward)
		if allocs := testing.AllocsPerRun(100, func() { net.Forward(in, out) }); allocs != 0 {
			t.Errorf("%s: Forward allocates %v times per call; want 0", bn.name, allocs)
		}
		if allocs := testing.AllocsPerRun(100, net.Reset); allocs != 0 {
			t.Errorf("%s: Reset allocates %v times per call; want 0", bn.name, allocs)
		}
	}
	if g := randomGenome(10, 30, 5, 200, rand.New(rand.NewPCG(1, 2))); len(g.Conns) != 200 {
		t.Errorf("benchmark genome has %d connections; want 200", len(g.Conns))
	}
}

func BenchmarkForward(b *testing.B) {
	for _, bn := range benchNetworks {
		b.Run(bn.name, func(b *testing.B) {
			net, in, out := compiled(b, bn.build, bn.feedForward)
			b.ReportAllocs()
			for b.Loop() {
				net.Forward(in, out)
			}
		})
	}
}

// TestDropoutScales checks inverted dropout on a hidden node that passes
// its input through: each sample's hidden value reaches the output either
// silenced or scaled by 1/(1-rate), at about the rate given, so the
// expected output is unchanged.
func TestDropoutScales(t *testing.T) {
	n := &network.Network{
		NumInputs: 1, NumBias: 1,
		Act:     []network.Activation{network.Identity, network.Identity, network.Identity, network.Identity},
		Bias:    []float64{0, 0, 0, 0},
		Start:   []int32{0, 0, 0, 1, 2},
		Src:     []int32{0, 2},
		W:       []float64{1, 1},
		Outputs: []int32{3},
	}
	if err := n.Check(); err != nil {
		t.Fatal(err)
	}
	const size, rate = 4000, 0.25
	x := make([]float64, size)
	for i := range x {
		x[i] = 1
	}
	var b network.Batch
	b.Resize(n, size)
	b.SetDropout(n, rate, rand.New(rand.NewPCG(5, 6)))
	n.ForwardBatch(&b, x, nil)
	silenced, sum := 0, 0.0
	for i, v := range b.Activations(3) {
		switch v {
		case 0:
			silenced++
		case 1 / (1 - rate):
		default:
			t.Fatalf("sample %d: output %v; want 0 or %v", i, v, 1/(1-rate))
		}
		sum += v
	}
	if f := float64(silenced) / size; math.Abs(f-rate) > 0.03 {
		t.Errorf("%.3f of the samples silenced; want about %v", f, rate)
	}
	if mean := sum / size; math.Abs(mean-1) > 0.04 {
		t.Errorf("mean output %.3f; want about 1, the undropped value", mean)
	}
	if h := b.Activations(2); h[0] != 1 {
		t.Errorf("the hidden node's own activation %v; want 1, dropout applying to what it feeds", h[0])
	}
}
