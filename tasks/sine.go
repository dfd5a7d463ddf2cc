package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
)

// SineSize is the number of points in each split of the registry's "sine"
// task.
const SineSize = 200

// SineSolved is the mean squared error below which the sine task counts as
// solved.
const SineSolved = 0.01

// sineStream is the id of the sine task's data streams: rngs.New(seed, 0,
// rngs.Task, 2*sineStream) for the training split and 2*sineStream+1 for
// the test split, after the Playground datasets' 1 to 4. Never renumber it.
const sineStream = 5

// Sine is a one-dimensional regression task: learn y = sin(x) for x
// uniform in [-π, π), from samples made by SineData. It is the sinusoid
// regression of Finn, Abbeel & Levine (2017), "Model-Agnostic
// Meta-Learning for Fast Adaptation of Deep Networks", section 5.1, fixed
// at amplitude 1 and phase 0 over one period, a small smooth target for
// checking that evolution plus gradient training can fit a function.
//
// The network has one input, x/π (scaled to [-1, 1) for the networks; the
// scaling is not part of the data), a bias input and one identity output,
// trained with mean squared error. Fitness is minus the mean squared
// error, Metric the mean squared error itself (lower is better; a network
// computing 0 scores about 0.5, the mean of sin²), and a network solves
// the task when it falls below SineSolved (0.01) on the scored split: the
// test split for Evaluate.
//
// A Sine is read-only after NewSine, so any number of goroutines may use
// it at once.
type Sine struct {
	train, test Dataset
}

var _ Supervised = (*Sine)(nil)

// NewSine returns a sine task with train training and test held-out points
// generated from seed.
func NewSine(seed uint64, train, test int) (*Sine, error) {
	if train < 1 || test < 1 {
		return nil, fmt.Errorf("tasks: sine with %d training and %d test points; want >= 1 each", train, test)
	}
	return &Sine{
		train: SineData(rngs.New(seed, 0, rngs.Task, 2*sineStream), train),
		test:  SineData(rngs.New(seed, 0, rngs.Task, 2*sineStream+1), test),
	}, nil
}

// SineData returns n samples of y = sin(x) with x drawn from U[-π, π):
// input x/π, target sin(x).
func SineData(rng *rand.Rand, n int) Dataset {
	d := Dataset{Inputs: 1, Outputs: 1, X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		x := uniform(rng, -math.Pi, math.Pi)
		d.X[i] = x / math.Pi
		d.Y[i] = math.Sin(x)
	}
	return d
}

// Info implements Task.
func (t *Sine) Info() Info {
	return Info{
		Name: "sine", Description: Describe("sine"),
		Inputs: 1, Outputs: 1, Bias: true,
		OutputAct: network.Identity, FeedForward: true,
		MaxFitness: 0, Metric: "mse", LowerIsBetter: true,
		Supervised: true, Deterministic: true,
	}
}

// Train implements Supervised.
func (t *Sine) Train() *Dataset { return &t.train }

// Test implements Supervised.
func (t *Sine) Test() *Dataset { return &t.test }

// Loss implements Supervised: mean squared error.
func (t *Sine) Loss() network.Loss { return network.MSE }

// Classes implements Supervised: 0, for regression.
func (t *Sine) Classes() int { return 0 }

// Score implements Supervised. Metric is the mean squared error and
// Solved means it is below SineSolved. It panics if d is empty or does
// not fit net, or if net is recurrent.
func (t *Sine) Score(net *network.Network, d *Dataset, b *network.Batch) Result {
	loss, mse := ScoreBatch(net, d, b, network.MSE, 0)
	return Result{Fitness: -loss, Solved: mse < SineSolved, Metric: mse}
}

// Evaluate implements Task: Score on the test split. The random stream is
// not used.
func (t *Sine) Evaluate(net *network.Network, _ *rand.Rand) Result {
	var b network.Batch
	return t.Score(net, &t.test, &b)
}
