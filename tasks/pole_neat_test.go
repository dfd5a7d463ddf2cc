package tasks

import (
	"testing"

	"github.com/neuroplast/neuroplast/network"
)

// neatSlope converts a weight of the NEAT code, whose sigmoid is
// 1/(1+exp(-4.924273x)), into one for neuroplast's 1/(1+exp(-4.9x)).
const neatSlope = 4.924273 / 4.9

// neatNVWinner is a network without hidden neurons that the NEAT C++ code
// (1.2.1, p2nv.ne; docs/neat-reference.md) evolved for double-pole-nv: its
// output reads x, theta1, theta2, the bias input and, through a self-loop,
// its own previous value, with the NEAT code's weights w (at full
// precision) in that order.
func neatNVWinner(w [5]float64) *network.Network {
	ws := make([]float64, len(w))
	for i := range w {
		ws[i] = w[i] * neatSlope
	}
	net := &network.Network{
		NumInputs: 4,
		Act:       []network.Activation{0, 0, 0, 0, network.Sigmoid},
		Bias:      make([]float64, 5),
		Start:     []int32{0, 0, 0, 0, 0, 5},
		Src:       []int32{0, 1, 2, 3, 4},
		W:         ws,
		Outputs:   []int32{4},
		Recurrent: true,
	}
	if err := net.Check(); err != nil {
		panic(err)
	}
	return net
}

// TestGeneralizationAgainstNEAT checks the simulator, the inputs, the
// force and the generalization test against an independent program: the
// NEAT C++ code's own pole code, which scored these winners of its runs
// (seeds 2, 3, 13 and 22 of docs/neat-reference.md) start for start. Its
// counts per cart position are those of the five x levels, 125 starts
// each; neuroplast must find the same.
func TestGeneralizationAgainstNEAT(t *testing.T) {
	tests := []struct {
		seed  int
		w     [5]float64
		score int
		byX   [5]int
	}{
		{2, [5]float64{-1.0167458904053766, -5.1595616676860079, 3.906648262672392, 1.2954761534151509, -1.2235818788519044}, 352, [5]int{1, 93, 118, 106, 34}},
		{3, [5]float64{-0.9470580273061332, -3.2603684676160887, 2.8045025310500069, 1.230295472326826, -1.1894376395221042}, 328, [5]int{9, 79, 124, 98, 18}},
		{13, [5]float64{-0.78751907986007597, -3.479567863130741, 2.8389212044137162, 1.0421561838789637, -1.0328083744425365}, 403, [5]int{24, 110, 125, 113, 31}},
	}
	task := NewPole(DoublePoleNV)
	for _, tt := range tests {
		net := neatNVWinner(tt.w)
		champ := task.TestChampion(net, Result{})
		if !champ.Solved || champ.Steps != PoleSolvedSteps || champ.Generalization != tt.score {
			t.Errorf("NEAT seed %d: TestChampion solved %v, %d steps, generalization %d; want solved, %d steps, generalization %d as the NEAT code found",
				tt.seed, champ.Solved, champ.Steps, champ.Generalization, PoleSolvedSteps, tt.score)
			continue
		}
		var byX [5]int
		for i, ok := range champ.Balanced {
			if ok {
				byX[i/125]++
			}
		}
		if byX != tt.byX {
			t.Errorf("NEAT seed %d: starts balanced by cart position = %v; want %v as the NEAT code found", tt.seed, byX, tt.byX)
		}
	}
}
