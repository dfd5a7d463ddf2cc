package population_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// parity is a user-defined task: output above 0.5 exactly when an odd
// number of three inputs are on. Fitness rewards outputs near the targets.
type parity struct{}

func (parity) Info() tasks.Info {
	return tasks.Info{Name: "parity", Inputs: 3, Outputs: 1, Bias: true,
		OutputAct: network.Sigmoid, FeedForward: true, MaxFitness: 8}
}

func (parity) Evaluate(net *network.Network, _ *rand.Rand) tasks.Result {
	in, out := make([]float64, 3), make([]float64, 1)
	fitness, right := 8.0, 0
	for c := range 8 {
		odd := 0
		for b := range 3 {
			in[b] = float64(c >> b & 1)
			odd ^= c >> b & 1
		}
		net.Forward(in, out)
		fitness -= math.Abs(out[0] - float64(odd))
		if (out[0] > 0.5) == (odd == 1) {
			right++
		}
	}
	return tasks.Result{Fitness: fitness, Solved: right == 8}
}

// Evolve a network for a task of your own: implement tasks.Task, apply its
// needs to the default configuration, and run.
func ExamplePopulation_Run() {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(parity{}.Info())
	cfg.Seed = 7
	p, err := population.New(cfg, parity{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := p.Run(context.Background(), nil); err != nil {
		fmt.Println(err)
		return
	}
	g, gen := p.Solver()
	fmt.Printf("solved in generation %d with %d hidden neurons\n", gen, g.HiddenCount())
	// Output: solved in generation 153 with 1 hidden neurons
}
