package config_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// A program with a task of its own reads the settings of its run from a
// TOML file as evolve reads --config: the defaults, then the task's needs,
// then the file. Decode refuses a number where a name is wanted, which
// decoding with go-toml alone would take as an index without a word.
func Example() {
	info := tasks.Info{Name: "parity3", Inputs: 3, Outputs: 1, Bias: true, OutputAct: network.Sigmoid, FeedForward: true}
	task := tasks.Func(info, func(net *network.Network, _ *rand.Rand) tasks.Result {
		return tasks.Result{} // the evaluation, as in population's example
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	// The file's content; config.Load("run.toml", &cfg) reads and decodes it.
	data := []byte(`seed = 7
population_size = 50

[mutate]
dropin_rate = 0.05
activations = ["tanh", "relu"]
`)
	if err := config.Decode(data, "run.toml", &cfg); err != nil {
		log.Fatal(err)
	}
	p, err := population.New(cfg, task) // validates cfg
	if err != nil {
		log.Fatal(err)
	}
	c := p.Config()
	fmt.Println(c.Task, c.Seed, c.PopulationSize, c.Mutate.Dropin, c.Mutate.Activations)

	err = config.Decode([]byte("seed = 7\nstrategy = 3\n"), "run.toml", &cfg)
	fmt.Println(err)
	// Output:
	// parity3 7 50 0.05 [tanh relu]
	// run.toml:2: strategy = 3: want a name, in quotes: population: unknown strategy "3" (allowed: auto, plastic, neat, backprop, cbp)
}
