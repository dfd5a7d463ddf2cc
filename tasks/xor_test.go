package tasks_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// xorNet builds the classic two-hidden-neuron XOR network by hand:
// h1 = OR, h2 = AND, out = h1 AND NOT h2, all steepened sigmoids. Inputs
// are nodes 0 and 1, the bias node 2.
func xorNet(scale float64) *network.Network {
	n := &network.Network{
		NumInputs: 2, NumBias: 1,
		Act:   []network.Activation{network.Identity, network.Identity, network.Identity, network.Sigmoid, network.Sigmoid, network.Sigmoid},
		Bias:  make([]float64, 6),
		Start: []int32{0, 0, 0, 0, 3, 6, 9},
		Src:   []int32{0, 1, 2, 0, 1, 2, 3, 4, 2},
		W: []float64{
			scale, scale, -0.5 * scale, // h1: x1 OR x2
			scale, scale, -1.5 * scale, // h2: x1 AND x2
			scale, -2 * scale, -0.5 * scale, // out: h1 AND NOT h2
		},
		Outputs: []int32{5},
	}
	if err := n.Check(); err != nil {
		panic(err)
	}
	n.Reset()
	return n
}

// inverted negates the output neuron's incoming weights.
func inverted(n *network.Network) *network.Network {
	for c := n.Start[5]; c < n.Start[6]; c++ {
		n.W[c] = -n.W[c]
	}
	return n
}

func TestXOR(t *testing.T) {
	tests := []struct {
		name       string
		net        *network.Network
		solved     bool
		minFitness float64
		maxFitness float64
	}{
		// Steep weights: outputs within 1e-3 of the targets, fitness near 16.
		{"steep", xorNet(10), true, 15.9, 16},
		// Gentle weights: every case on the right side of 0.5, but far
		// from the targets.
		{"gentle", xorNet(0.7), true, 4, 12},
		// Negated output weights compute XNOR: every case wrong.
		{"inverted", inverted(xorNet(10)), false, 0, 0.1},
	}
	for _, tt := range tests {
		r := tasks.XOR{}.Evaluate(tt.net, nil)
		if r.Solved != tt.solved || r.Fitness < tt.minFitness || r.Fitness > tt.maxFitness {
			t.Errorf("%s: XOR.Evaluate = %+v; want solved %v and fitness in [%v, %v]", tt.name, r, tt.solved, tt.minFitness, tt.maxFitness)
		}
		if want := map[bool]float64{true: 1, false: 0}[tt.solved]; r.Metric != want {
			t.Errorf("%s: accuracy = %v; want %v", tt.name, r.Metric, want)
		}
	}
}

// TestXORFitnessFormula checks (4 - sum|error|)^2 on a network whose output
// is a constant: 0.5 everywhere gives error 2 and fitness 4, with no case on
// the correct side of 0.5 (0.5 is not above it).
func TestXORFitnessFormula(t *testing.T) {
	n := &network.Network{
		NumInputs: 2, NumBias: 1,
		Act:     []network.Activation{network.Identity, network.Identity, network.Identity, network.Sigmoid},
		Bias:    make([]float64, 4),
		Start:   []int32{0, 0, 0, 0, 0},
		Outputs: []int32{3},
	}
	r := tasks.XOR{}.Evaluate(n, nil)
	if math.Abs(r.Fitness-4) > 1e-12 || r.Solved || r.Metric != 0.5 {
		t.Errorf("constant 0.5: XOR.Evaluate = %+v; want fitness 4, unsolved, accuracy 0.5", r)
	}
}

// TestXORFitnessFloor checks that an unsquashed output cannot gain by
// erring: an identity output of 3 everywhere errs by 10 in all, and scores
// 0, not (4 - 10)^2 = 36.
func TestXORFitnessFloor(t *testing.T) {
	n := &network.Network{
		NumInputs: 2, NumBias: 1,
		Act:     []network.Activation{network.Identity, network.Identity, network.Identity, network.Identity},
		Bias:    make([]float64, 4),
		Start:   []int32{0, 0, 0, 0, 1},
		Src:     []int32{2},
		W:       []float64{3},
		Outputs: []int32{3},
	}
	if err := n.Check(); err != nil {
		t.Fatal(err)
	}
	if r := (tasks.XOR{}).Evaluate(n, nil); r.Fitness != 0 || r.Solved {
		t.Errorf("constant 3: XOR.Evaluate = %+v; want fitness 0, unsolved", r)
	}
}

func TestRegistry(t *testing.T) {
	if got := tasks.Names(); !slices.Contains(got, "xor") || !slices.IsSorted(got) {
		t.Fatalf("Names() = %v; want a sorted list holding xor", got)
	}
	task, err := tasks.New("xor", 1)
	if err != nil || task.Info().Name != "xor" || task.Info().Inputs != 2 || !task.Info().Bias {
		t.Fatalf("New(xor) = %v, %v; want the XOR task with 2 inputs and a bias", task, err)
	}
	_, err = tasks.New("nope", 1)
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "xor") {
		t.Errorf("New(nope) error = %v; want one naming the task and the allowed ones", err)
	}
}
