package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
)

// The registry's Playground tasks use these settings, those of Backprop
// NEAT (Ha 2016, dataset.js: nSize = nTestSize = 200, noiseLevel = 0.5).
const (
	PlaygroundSize  = 200 // points in each of the training and test splits
	PlaygroundNoise = 0.5
)

// PlaygroundSolved is the accuracy at which a Playground task counts as
// solved.
const PlaygroundSolved = 0.9

// Point is a labelled sample of a two-dimensional Playground dataset, in
// the Playground's own coordinates (the datasets span about [-6, 6]).
type Point struct {
	X, Y  float64
	Label int // +1 for the positive class, -1 for the negative, as in the Playground
}

// Playground is a binary classification task on one of the four 2-D
// datasets of TensorFlow Playground (Smilkov & Carter 2016), as generated
// by Backprop NEAT (Ha 2016, "Neural Network Evolution Playground with
// Backprop NEAT", dataset.js): "circle", "xor2d", "gaussian" and "spiral".
// The points come from CircleData, XORData, GaussData and SpiralData.
//
// The network has two inputs, x/5 and y/5 (the Playground coordinates
// scaled for the networks to about [-1, 1]; the scaling is not part of the
// data), a bias input and one sigmoid output, trained toward 1 for the
// positive class and 0 for the negative with binary cross-entropy.
// Fitness is minus the mean cross-entropy, Metric the accuracy (the output
// is above 0.5 exactly for the positive samples), and a network solves
// the task when its accuracy reaches PlaygroundSolved (0.9) on the scored
// split: the test split for Evaluate.
//
// The generators are Backprop NEAT's (dataset.js), which adapts the
// Playground's: its labels are clean, while noise moves the points, so
// "circle", "xor2d" and "spiral" can be learned almost perfectly, and
// "gaussian", whose classes overlap, to about 0.97.
//
// A Playground is read-only after NewPlayground, so any number of
// goroutines may use it at once.
type Playground struct {
	name        string
	train, test Dataset
}

var _ Supervised = (*Playground)(nil)

// playgroundSets maps each Playground task to its generator and the id of
// its data streams: the training split comes from rngs.New(seed, 0,
// rngs.Task, 2*stream) and the test split from id 2*stream+1. Never
// renumber them: they fix the data each seed gives.
var playgroundSets = map[string]struct {
	generate func(rng *rand.Rand, n int, noise float64) []Point
	stream   int
}{
	"circle":   {CircleData, 1},
	"xor2d":    {XORData, 2},
	"gaussian": {GaussData, 3},
	"spiral":   {SpiralData, 4},
}

// NewPlayground returns the named Playground task ("circle", "xor2d",
// "gaussian" or "spiral") with train training and test held-out points
// generated at the given noise from seed. Like the Playground (and
// Backprop NEAT), it shuffles each split after generating it, so that the
// classes are interleaved.
func NewPlayground(name string, seed uint64, train, test int, noise float64) (*Playground, error) {
	set, ok := playgroundSets[name]
	switch {
	case !ok:
		names := make([]string, 0, len(playgroundSets))
		for n := range playgroundSets {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, fmt.Errorf("tasks: unknown Playground dataset %q (allowed: %s)", name, strings.Join(names, ", "))
	case train < 2 || test < 2:
		return nil, fmt.Errorf("tasks: Playground %s with %d training and %d test points; want >= 2 each", name, train, test)
	case !(noise >= 0 && noise <= math.MaxFloat64):
		return nil, fmt.Errorf("tasks: Playground %s with noise %v; want a finite value >= 0", name, noise)
	}
	split := func(id, n int) Dataset {
		rng := rngs.New(seed, 0, rngs.Task, id)
		points := set.generate(rng, n, noise)
		rng.Shuffle(len(points), func(i, j int) { points[i], points[j] = points[j], points[i] })
		return playgroundDataset(points)
	}
	return &Playground{
		name:  name,
		train: split(2*set.stream, train),
		test:  split(2*set.stream+1, test),
	}, nil
}

// playgroundFactory returns the registry's factory for the named
// Playground task, with the default sizes and noise.
func playgroundFactory(name string) factory {
	return func(seed uint64) Task {
		t, err := NewPlayground(name, seed, PlaygroundSize, PlaygroundSize, PlaygroundNoise)
		if err != nil {
			panic(err) // the registry names only valid datasets
		}
		return t
	}
}

// playgroundDataset turns points into a dataset: inputs (x/5, y/5),
// target 1 for the positive class and 0 for the negative.
func playgroundDataset(points []Point) Dataset {
	d := Dataset{Inputs: 2, Outputs: 1, X: make([]float64, 0, 2*len(points)), Y: make([]float64, 0, len(points))}
	for _, p := range points {
		d.X = append(d.X, p.X/5, p.Y/5)
		t := 0.0
		if p.Label > 0 {
			t = 1
		}
		d.Y = append(d.Y, t)
	}
	return d
}

// Info implements Task.
func (t *Playground) Info() Info {
	return Info{
		Name: t.name, Description: Describe(t.name),
		Inputs: 2, Outputs: 1, Bias: true,
		OutputAct: network.Sigmoid, FeedForward: true,
		MaxFitness: 0, Metric: "accuracy",
		Supervised: true, Deterministic: true,
	}
}

// Train implements Supervised.
func (t *Playground) Train() *Dataset { return &t.train }

// Test implements Supervised.
func (t *Playground) Test() *Dataset { return &t.test }

// Loss implements Supervised: binary cross-entropy.
func (t *Playground) Loss() network.Loss { return network.BinaryCE }

// Classes implements Supervised.
func (t *Playground) Classes() int { return 2 }

// Score implements Supervised. Metric is the fraction of samples on the
// correct side of the decision threshold: 0.5 for a sigmoid output, 0 for
// any other (read as a logit, as network.BinaryCE does). Solved means
// accuracy >= PlaygroundSolved. It panics if d is empty or does not fit
// net, or if net is recurrent.
func (t *Playground) Score(net *network.Network, d *Dataset, b *network.Batch) Result {
	loss, acc := ScoreBatch(net, d, b, network.BinaryCE, 2)
	return Result{Fitness: -loss, Solved: acc >= PlaygroundSolved, Metric: acc}
}

// Evaluate implements Task: Score on the test split. The random stream is
// not used.
func (t *Playground) Evaluate(net *network.Network, _ *rand.Rand) Result {
	var b network.Batch
	return t.Score(net, &t.test, &b)
}

// uniform returns a sample of U[a, b), as the Playground's randUniform.
func uniform(rng *rand.Rand, a, b float64) float64 {
	return rng.Float64()*(b-a) + a
}

// CircleData returns n points of Backprop NEAT's "circle" dataset
// (generateCircleData in dataset.js, adapted from the Playground): n - n/2
// positive points at radius U(0, 2.5) and then n/2 negative points at
// radius U(3.75, 5), at angle U(0, 2π); the label comes from the clean
// point, and the stored point is jittered by U(-5, 5) * noise/3 in each
// coordinate.
func CircleData(rng *rand.Rand, n int, noise float64) []Point {
	const radius = 5
	points := make([]Point, 0, n)
	gen := func(count int, rmin, rmax float64) {
		for range count {
			r := uniform(rng, rmin, rmax)
			angle := uniform(rng, 0, 2*math.Pi)
			x, y := r*math.Sin(angle), r*math.Cos(angle)
			nx := uniform(rng, -radius, radius) * noise / 3
			ny := uniform(rng, -radius, radius) * noise / 3
			label := -1
			if x*x+y*y < radius*0.5*radius*0.5 {
				label = 1
			}
			points = append(points, Point{x + nx, y + ny, label})
		}
	}
	gen(n-n/2, 0, radius*0.5)
	gen(n/2, radius*0.75, radius)
	return points
}

// XORData returns n points of Backprop NEAT's "xor" dataset
// (generateXORData in dataset.js): x and y are U(-5, 5) plus a normal
// deviate of standard deviation noise, and the label of the stored point
// is +1 when x and y have the same sign (both non-zero) and -1 otherwise.
func XORData(rng *rand.Rand, n int, noise float64) []Point {
	points := make([]Point, 0, n)
	for range n {
		x := uniform(rng, -5, 5) + noise*rng.NormFloat64()
		y := uniform(rng, -5, 5) + noise*rng.NormFloat64()
		label := -1
		if x > 0 && y > 0 || x < 0 && y < 0 {
			label = 1
		}
		points = append(points, Point{x, y, label})
	}
	return points
}

// GaussData returns n points of Backprop NEAT's two-Gaussian dataset
// (generateGaussianData in dataset.js): n - n/2 positive points around
// (2, 2) and then n/2 negative points around (-2, -2), each coordinate
// normal with standard deviation noise + 1 (1.5 at the default noise).
func GaussData(rng *rand.Rand, n int, noise float64) []Point {
	sd := noise + 1
	points := make([]Point, 0, n)
	gen := func(count int, c float64, label int) {
		for range count {
			x := c + sd*rng.NormFloat64()
			y := c + sd*rng.NormFloat64()
			points = append(points, Point{x, y, label})
		}
	}
	gen(n-n/2, 2, 1)
	gen(n/2, -2, -1)
	return points
}

// SpiralData returns n points of Backprop NEAT's two-spiral dataset
// (generateSpiralData in dataset.js). With h = n/2 (a real number), one
// arm has points i = 0, 1, ... (n - n/2 of them) at radius r = i/h*6 and
// angle t = 1.75*i/h*2π, labelled -1, and the other (n/2 points) the same
// with t shifted by π, labelled +1; each point is (r sin t, r cos t) plus
// U(-1, 1) * noise in each coordinate. The labels are not noisy.
func SpiralData(rng *rand.Rand, n int, noise float64) []Point {
	h := float64(n) / 2
	points := make([]Point, 0, n)
	gen := func(count int, deltaT float64, label int) {
		for i := range count {
			r := float64(i) / h * 6
			t := 1.75*float64(i)/h*2*math.Pi + deltaT
			x := r*math.Sin(t) + uniform(rng, -1, 1)*noise
			y := r*math.Cos(t) + uniform(rng, -1, 1)*noise
			points = append(points, Point{x, y, label})
		}
	}
	gen(n-n/2, 0, -1)
	gen(n/2, math.Pi, 1)
	return points
}
