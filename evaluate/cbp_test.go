package evaluate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// twoUnits returns the network of the continual-backprop tests: inputs
// 0-2, bias 3, ReLU units 4 and 5 (fed by 0-3 with weights 9; biases 0.3
// and 0.4), and output 6 (fed by 4 and 5 with weights 2 and 3; bias 0.5).
func twoUnits(t *testing.T) *network.Network {
	t.Helper()
	net := &network.Network{NumInputs: 3, NumBias: 1, Outputs: []int32{6}}
	net.Act = []network.Activation{network.Identity, network.Identity, network.Identity, network.Identity, network.ReLU, network.ReLU, network.Identity}
	net.Bias = []float64{0, 0, 0, 0, 0.3, 0.4, 0.5}
	net.Start = []int32{0, 0, 0, 0, 0, 4, 8, 10}
	net.Src = []int32{0, 1, 2, 3, 0, 1, 2, 3, 4, 5}
	net.W = []float64{9, 9, 9, 9, 9, 9, 9, 9, 2, 3}
	if err := net.Check(); err != nil {
		t.Fatal(err)
	}
	return net
}

// TestContinualBackpropReplacement replaces one unit of a small network by
// hand and checks what Dohare et al.'s generate-and-test does to it: new
// input weights within ±sqrt(3/fan_in), fan_in counting the real inputs
// only; the bias node's weight and the unit's own bias 0; outgoing weights
// 0 after their mean contribution moved into the next bias; age, utility
// and mean activation reset; and the fraction of a replacement left owed.
func TestContinualBackpropReplacement(t *testing.T) {
	net := twoUnits(t)
	n, w := len(net.Act), len(net.W)
	tr := &trainer{
		mw: filled(w, 1), vw: filled(w, 1), mb: filled(n, 1), vb: filled(n, 1),
		util:   []float64{0, 0, 0, 0, 0.1, 0.9, 0}, // unit 4 is the less useful
		age:    []int{0, 0, 0, 0, 50, 50, 0},
		mean:   []float64{0, 0, 0, 0, 0.8, 0.6, 0},
		output: []bool{false, false, false, false, false, false, true},
		owed:   0.7,
		kw:     []int32{5, 5, 5, 5, 5, 5, 5, 5, 5, 5},
		kb:     []int32{5, 5, 5, 5, 5, 5, 5},
	}
	tcfg := &Training{Replacement: 0.2, Maturity: 10, UtilityDecay: 0.99}
	tr.continualBackprop(net, tcfg, rand.New(rand.NewPCG(1, 2)), 4)

	// 0.7 + 0.2 * 2 mature units = 1.1: one replacement, 0.1 left owed.
	if tr.replaced != 1 || math.Abs(tr.owed-0.1) > 1e-12 {
		t.Fatalf("replaced %d with %v owed; want 1 and 0.1", tr.replaced, tr.owed)
	}
	bound := math.Sqrt(3.0 / 3)
	for c := 0; c < 3; c++ {
		if v := net.W[c]; v == 9 || math.Abs(v) > bound {
			t.Errorf("input weight %d of the replaced unit = %v; want a new draw within ±%v", c, v, bound)
		}
	}
	if net.W[3] != 0 || net.Bias[4] != 0 {
		t.Errorf("replaced unit: bias-node weight %v, own bias %v; want 0 and 0", net.W[3], net.Bias[4])
	}
	for c := 4; c < 8; c++ {
		if net.W[c] != 9 {
			t.Errorf("weight %d of the unit kept = %v; want 9", c, net.W[c])
		}
	}
	// Outgoing weight 2 becomes 0 after moving 2 * 0.8/(1-0.99^50) into
	// the output's bias.
	wantBias := 0.5 + 2*0.8/(1-math.Pow(0.99, 50))
	if net.W[8] != 0 || math.Abs(net.Bias[6]-wantBias) > 1e-12 || net.W[9] != 3 {
		t.Errorf("outgoing weights %v, %v and output bias %v; want 0, 3 and %v", net.W[8], net.W[9], net.Bias[6], wantBias)
	}
	if tr.age[4] != 0 || tr.util[4] != 0 || tr.mean[4] != 0 || tr.age[5] != 50 {
		t.Errorf("replaced unit: age %d, utility %v, mean %v (the other's age %d); want 0, 0, 0 (50)", tr.age[4], tr.util[4], tr.mean[4], tr.age[5])
	}
	for _, c := range []int{0, 1, 2, 3, 8} {
		if tr.mw[c] != 0 || tr.vw[c] != 0 || tr.kw[c] != 0 {
			t.Errorf("optimizer state of weight %d = %v, %v, step %d; want 0, 0, 0", c, tr.mw[c], tr.vw[c], tr.kw[c])
		}
	}
	if tr.kb[4] != 0 || tr.kw[9] != 5 || tr.kb[5] != 5 {
		t.Errorf("Adam step counts: replaced unit's bias %d, kept weight %d, kept unit's bias %d; want 0, 5, 5", tr.kb[4], tr.kw[9], tr.kb[5])
	}
}

// TestAdamPerParameterSteps checks that Adam with a step count per
// parameter, which continual backprop needs, moves every parameter exactly
// as the shared count does while nothing is replaced.
func TestAdamPerParameterSteps(t *testing.T) {
	run := func(cbp bool) []float64 {
		n := benchNet(network.Tanh)
		rng := rand.New(rand.NewPCG(3, 4))
		d := &tasks.Dataset{Inputs: 10, Outputs: 10}
		for range 64 {
			for range 10 {
				d.X = append(d.X, rng.NormFloat64())
			}
			for range 10 {
				d.Y = append(d.Y, rng.NormFloat64())
			}
		}
		s := wholeSplit(d)
		tc := DefaultTraining()
		tc.Steps, tc.BatchSize = 30, 8
		var tr trainer
		if cbp {
			tc.Replacement, tc.Maturity = 1e-9, 1000 // on, but nothing matures
			tr.util, tr.age, tr.mean = make([]float64, len(n.Act)), make([]int, len(n.Act)), make([]float64, len(n.Act))
		}
		tr.fit(n, s, network.MSE, &tc, rng)
		if cbp && (tr.replaced != 0 || len(tr.kw) != len(n.W)) {
			t.Fatalf("cbp: %d replaced, %d step counts for %d weights; want 0 and one per weight", tr.replaced, len(tr.kw), len(n.W))
		}
		return append(slices.Clone(n.W), n.Bias...)
	}
	if shared, own := run(false), run(true); !slices.Equal(shared, own) {
		t.Errorf("Adam with a step count per parameter moved the weights differently from the shared count")
	}
}

func filled(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// TestContinualBackpropMaturity checks the maturity rule: a unit is
// mature once it has trained more than Maturity steps, not at Maturity.
// Of two hidden units aged Maturity and Maturity+1, only the older adds to
// the replacements owed, and it is the one replaced, although the younger
// has the lower utility.
func TestContinualBackpropMaturity(t *testing.T) {
	net := twoUnits(t)
	const maturity = 10
	n, w := len(net.Act), len(net.W)
	tr := &trainer{
		mw: filled(w, 1), vw: filled(w, 1), mb: filled(n, 1), vb: filled(n, 1),
		util:   []float64{0, 0, 0, 0, 0.01, 0.9, 0}, // unit 4, the younger, is the less useful
		age:    []int{0, 0, 0, 0, maturity, maturity + 1, 0},
		mean:   []float64{0, 0, 0, 0, 0.8, 0.6, 0},
		output: []bool{false, false, false, false, false, false, true},
		owed:   0.5,
	}
	tcfg := &Training{Replacement: 0.6, Maturity: maturity, UtilityDecay: 0.99}
	tr.continualBackprop(net, tcfg, rand.New(rand.NewPCG(1, 2)), 4)

	// 0.5 + 0.6 * 1 mature unit = 1.1: one replacement, 0.1 left owed
	// (counting both units would leave 0.7).
	if tr.replaced != 1 || math.Abs(tr.owed-0.1) > 1e-12 {
		t.Fatalf("replaced %d with %v owed; want 1 and 0.1 (one mature unit)", tr.replaced, tr.owed)
	}
	if tr.age[5] != 0 || net.W[9] != 0 {
		t.Errorf("unit aged %d: age %d, outgoing weight %v after the replacement; want it replaced (0, 0)", maturity+1, tr.age[5], net.W[9])
	}
	if tr.age[4] != maturity || tr.util[4] != 0.01 || net.W[8] != 2 || !slices.Equal(net.W[:4], []float64{9, 9, 9, 9}) {
		t.Errorf("unit aged %d (the least useful): age %d, utility %v, weights %v, %v; want it untouched", maturity, tr.age[4], tr.util[4], net.W[:4], net.W[8])
	}
}
