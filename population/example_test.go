package population_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// Evolve a network for a task of your own, given as an evaluation
// function: here 3-bit parity (output above 0.5 when an odd number of the
// inputs are on), fitness 8 minus the total error.
func Example() {
	info := tasks.Info{Name: "parity3", Inputs: 3, Outputs: 1, Bias: true, OutputAct: network.Sigmoid, FeedForward: true}
	parity := tasks.Func(info, func(net *network.Network, _ *rand.Rand) tasks.Result {
		in, out := make([]float64, 3), make([]float64, 1)
		fitness, right := 8.0, 0
		for c := range 8 {
			in[0], in[1], in[2] = float64(c&1), float64(c>>1&1), float64(c>>2&1)
			odd := float64((c ^ c>>1 ^ c>>2) & 1)
			net.Forward(in, out)
			fitness -= math.Abs(out[0] - odd)
			if (out[0] > 0.5) == (odd == 1) {
				right++
			}
		}
		return tasks.Result{Fitness: fitness, Solved: right == 8}
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	cfg.Seed = 7
	p, err := population.New(cfg, parity)
	if err != nil {
		log.Fatal(err)
	}
	if err := p.Run(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	g, gen := p.Solver()
	if g == nil {
		fmt.Println("not solved")
		return
	}
	fmt.Printf("solved in generation %d with %d hidden neurons\n", gen, g.HiddenCount())
	// Output: solved in generation 153 with 1 hidden neurons
}
