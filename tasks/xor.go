package tasks

import (
	"math"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/network"
)

// XOR is the exclusive-or task of Stanley & Miikkulainen (2002),
// "Evolving Neural Networks through Augmenting Topologies", section 4.1:
// two inputs plus a bias input of 1, one output, fitness (4 - sum|error|)^2
// with a maximum of 16, solved when all four outputs fall on the correct
// side of 0.5. With the paper's sigmoid output the sum is at most 4; an
// output that is not squashed (genome.output_activation) can err further,
// so 4 - sum is floored at 0, else fitness would grow with the error.
type XOR struct{}

var xorCases = [4]struct {
	in   [2]float64
	want float64
}{
	{[2]float64{0, 0}, 0},
	{[2]float64{0, 1}, 1},
	{[2]float64{1, 0}, 1},
	{[2]float64{1, 1}, 0},
}

// Info implements Task.
func (XOR) Info() Info {
	return Info{
		Name: "xor", Description: Describe("xor"),
		Inputs: 2, Outputs: 1, Bias: true,
		OutputAct: network.Sigmoid, FeedForward: true,
		MaxFitness: 16, Metric: "accuracy", Deterministic: true,
	}
}

// Evaluate implements Task. Metric is the fraction of the four cases on the
// correct side of 0.5.
func (XOR) Evaluate(net *network.Network, _ *rand.Rand) Result {
	var out [1]float64
	sum, correct := 0.0, 0
	for _, c := range xorCases {
		if net.Stateful() {
			net.Reset() // each case starts from rest
		}
		net.Forward(c.in[:], out[:])
		sum += math.Abs(out[0] - c.want)
		if (out[0] > 0.5) == (c.want > 0.5) {
			correct++
		}
	}
	f := max(0, 4-sum) // NaN stays NaN: a fault
	return Result{Fitness: f * f, Solved: correct == 4, Metric: float64(correct) / 4}
}
