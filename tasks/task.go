package tasks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/neuroplast/neuroplast/network"
)

// Info describes the networks a task needs and how to read its results.
type Info struct {
	Name        string
	Description string // one line, for `evolve tasks`
	Inputs      int    // network inputs, not counting the bias
	Outputs     int
	// Bias asks for a bias input whose value is always 1, as in NEAT.
	Bias bool
	// OutputAct is the default activation of the output nodes.
	OutputAct network.Activation
	// FeedForward is false for tasks that need recurrent networks.
	FeedForward bool
	// MaxFitness is the best fitness possible, or 0 where there is none.
	MaxFitness float64
	// Metric names Result.Metric ("accuracy", "mse", "balanced"), or is
	// empty. A Continual task must name it: a population's continual
	// report (population.Population.Continual) refuses an empty one.
	Metric string
	// LowerIsBetter marks a Metric whose lower values are better, such as
	// "mse"; otherwise higher values are. Continual reports record it.
	LowerIsBetter bool
	// Supervised marks a task that implements Supervised (for a Continual
	// task: whose phases do), so that settings can be chosen for it before
	// the task itself is at hand; population.New refuses a task whose flag
	// and type disagree.
	Supervised bool
	// Continual marks a task that implements Continual, likewise: its
	// runs go on past a solve, with the neuroplasticity controller on
	// (population.Config.ApplyTask).
	Continual bool
	// Stepped marks a task that steps each network through time, one
	// Forward per time step from a Reset (a control task), where a
	// synchronous network's one-step delays have a meaning
	// (network.Network.Synchronous).
	Stepped bool
	// Deterministic marks a task whose Evaluate ignores its random stream,
	// so that equal networks always score alike: a population then keeps
	// an unchanged elite's outcome rather than evaluating it again. A type
	// that embeds such a task but draws from the stream must clear it.
	Deterministic bool
}

// Result is one evaluation's outcome.
type Result struct {
	Fitness float64 // higher is better
	Solved  bool    // the task's success criterion is met
	Metric  float64 // the task's own measure, named by Info.Metric
}

// Task is a problem to evaluate networks on. Evaluate is called from many
// goroutines at once, each with its own network and random stream, so it
// must not change the task.
type Task interface {
	Info() Info
	Evaluate(net *network.Network, rng *rand.Rand) Result
}

// ChampionTester is a task whose success criterion is too costly to check
// on every genome, so that only each generation's champion is tested, as
// in NEAT's pole-balancing experiments (Stanley & Miikkulainen 2002): a
// population calls TestChampion on the fittest genome of every generation
// and counts the task solved when the test says so.
//
// evaluated is the champion's Result from Evaluate on the same network, or
// the zero Result when there is none; a test may take from it what
// evaluation already measured (pole balancing with velocities: the steps
// balanced from the standard start) instead of measuring it again.
type ChampionTester interface {
	Task
	TestChampion(net *network.Network, evaluated Result) ChampionTest
}

// ParallelChampionTester is a ChampionTester whose test is made of
// independent episodes that may run in parallel. TestChampionParallel
// returns what TestChampion(nets[0], evaluated) does; forEach(n, fn) must call
// fn(w, i) exactly once for each i in [0, n), concurrently or not, where
// w in [0, len(nets)) names the calling goroutine, whose network is nets[w]
// (each a copy of the champion's network, used by one goroutine at a
// time).
type ParallelChampionTester interface {
	ChampionTester
	TestChampionParallel(nets []*network.Network, evaluated Result, forEach func(n int, fn func(w, i int))) ChampionTest
}

// ChampionTest is the outcome of a champion test.
type ChampionTest struct {
	Solved bool `json:"solved"`
	// Steps is how many steps the champion balanced from the standard
	// start, up to the test's length.
	Steps int `json:"steps"`
	// Generalization is how many of the test's varied starts the champion
	// balanced, or -1 where that part of the test was not run; Starts is
	// how many varied starts the test has (625 for pole balancing).
	Generalization int `json:"generalization"`
	Starts         int `json:"starts"`
	// Balanced says start by start which of the varied starts the
	// champion balanced (for pole balancing, start i is
	// GeneralizationStart(i)), so that a report can tell where a
	// controller fails; nil where that part of the test was not run. Being
	// a slice, it makes ChampionTest values incomparable with ==.
	Balanced []bool `json:"-"`
}

// factory makes a built-in task; seed fixes any data the task generates.
type factory func(seed uint64) Task

var registry = map[string]struct {
	description string
	make        factory
}{
	"xor": {"XOR with a bias input, as in the NEAT paper (Stanley & Miikkulainen 2002)", func(uint64) Task { return XOR{} }},

	// The Playground datasets of Backprop NEAT (Ha 2016).
	"circle":   {"Playground circle: a disc inside a ring of jittered points, 2-D binary classification (Backprop NEAT)", playgroundFactory("circle")},
	"xor2d":    {"Playground XOR: label sign(x*y) of noisy 2-D points, binary classification (Backprop NEAT)", playgroundFactory("xor2d")},
	"gaussian": {"Playground two Gaussians around (2,2) and (-2,-2), 2-D binary classification (Backprop NEAT)", playgroundFactory("gaussian")},
	"spiral":   {"Playground two interleaved spirals, 2-D binary classification (Backprop NEAT)", playgroundFactory("spiral")},

	// The pole-balancing benchmarks of the NEAT paper (Stanley & Miikkulainen 2002).
	"cartpole":       {"balance one pole on a cart, full state seen (the NEAT paper's pole balancing, Stanley & Miikkulainen 2002)", func(uint64) Task { return NewPole(CartPole) }},
	"double-pole":    {"balance two poles on a cart, full state seen (double pole with velocities, Stanley & Miikkulainen 2002)", func(uint64) Task { return NewPole(DoublePole) }},
	"double-pole-nv": {"balance two poles on a cart without velocities, Gruau's fitness (Stanley & Miikkulainen 2002; Gomez et al. 2008)", func(uint64) Task { return NewPole(DoublePoleNV) }},

	"sine": {"regression of sin(x) on [-pi, pi) from 200 samples, one input, identity output", func(seed uint64) Task {
		t, err := NewSine(seed, SineSize, SineSize)
		if err != nil {
			panic(err) // SineSize is valid
		}
		return t
	}},
}

// Names returns the names of the built-in tasks, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Describe returns the one-line description of the named built-in task,
// or of CSV tasks in general for a name that begins with CSVPrefix.
func Describe(name string) string {
	if strings.HasPrefix(name, CSVPrefix) {
		return csvDescription
	}
	return registry[name].description
}

// New returns the named built-in task, its data generated from seed, or
// for a name "csv:FILE" or "csv:TRAIN,TEST" the CSV task that NewCSV reads
// with DefaultCSVOptions.
func New(name string, seed uint64) (Task, error) {
	if spec, ok := strings.CutPrefix(name, CSVPrefix); ok {
		t, err := NewCSV(spec, seed, DefaultCSVOptions())
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	t, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("tasks: unknown task %q (allowed: %s), or csv:FILE for data of your own", name, strings.Join(Names(), ", "))
	}
	return t.make(seed), nil
}

// Func returns a task made of info and an evaluation function, the way
// NEAT-Python users write an eval function: no type to declare.
func Func(info Info, evaluate func(net *network.Network, rng *rand.Rand) Result) Task {
	return funcTask{info, evaluate}
}

type funcTask struct {
	info     Info
	evaluate func(*network.Network, *rand.Rand) Result
}

func (f funcTask) Info() Info { return f.info }

func (f funcTask) Evaluate(net *network.Network, rng *rand.Rand) Result {
	return f.evaluate(net, rng)
}
