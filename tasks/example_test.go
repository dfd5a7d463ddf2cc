package tasks_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// rings returns n points of two noisy concentric rings, inputs (x, y) and
// target 1 for the inner ring, 0 for the outer one.
func rings(rng *rand.Rand, n int) *tasks.Dataset {
	d := &tasks.Dataset{Inputs: 2, Outputs: 1}
	for i := range n {
		inner := i%2 == 0
		r := 1.5 + 0.2*rng.NormFloat64()
		if inner {
			r = 0.5 + 0.15*rng.NormFloat64()
		}
		angle := 2 * math.Pi * rng.Float64()
		d.X = append(d.X, r*math.Cos(angle), r*math.Sin(angle))
		if inner {
			d.Y = append(d.Y, 1)
		} else {
			d.Y = append(d.Y, 0)
		}
	}
	return d
}

// Evolve networks for data of your own held in memory, each network
// fine-tuned by gradient descent with its trained weights written back
// into its genes (Lamarckian learning).
func ExampleNewData() {
	rng := rand.New(rand.NewPCG(1, 2))
	train, test := rings(rng, 200), rings(rng, 100)
	task, err := tasks.NewData("rings", train, test, tasks.DataOptions{Target: tasks.TargetClass})
	if err != nil {
		log.Fatal(err)
	}
	info := task.Info()
	fmt.Printf("%s: %s, metric %s, loss %v\n", info.Name, info.Description, info.Metric, task.Loss())

	cfg := population.DefaultConfig()
	cfg.ApplyTask(info) // a bias input, a sigmoid output, the supervised defaults
	cfg.Seed = 1
	cfg.PopulationSize = 30
	cfg.Training.Learning = evaluate.Lamarckian // the plastic strategy's default; Baldwinian keeps the genes
	p, err := population.New(cfg, task)
	if err != nil {
		log.Fatal(err)
	}
	var st population.Stats
	for range 10 {
		if st, err = p.Step(context.Background()); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("generation %d: best accuracy %.2f on held-out training samples\n", st.Generation, st.BestMetric)
	// The best genome, its trained weights in its genes, measured on the
	// test data, which selection never sees.
	best := p.Best()
	score, _ := p.TestScore(best)
	fmt.Printf("best genome: %d hidden neurons; test accuracy %.2f, solved: %v\n", best.HiddenCount(), score.Metric, score.Solved)
	// Output:
	// rings: 2-class classification from 2 inputs; 200 training and 100 test samples, metric accuracy, loss binary-ce
	// generation 9: best accuracy 1.00 on held-out training samples
	// best genome: 6 hidden neurons; test accuracy 0.99, solved: true
}
