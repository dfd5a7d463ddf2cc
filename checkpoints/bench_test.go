package checkpoints

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/species"
)

// mnistState returns an MNIST-sized state: 150 genomes with 784 inputs, a
// bias, 10 outputs and 75 hidden neurons, and 8,000 enabled connections
// each (every input and the bias to every output, and each hidden neuron
// between an input and an output), with random weights and biases; 10
// species, 200 generations of history.
func mnistState() *population.State {
	const (
		inputs, outputs, hidden = 784, 10, 75
		size                    = 150
	)
	rng := rand.New(rand.NewPCG(1, 2))
	layout := genome.Layout{Inputs: inputs, Outputs: outputs, Bias: true, OutputAct: network.Sigmoid}
	tracker := genome.NewTracker(layout)
	fixed := layout.NumFixed()
	var pairs [][2]int
	for from := range inputs + 1 {
		for o := range outputs {
			pairs = append(pairs, [2]int{from, inputs + 1 + o})
		}
	}
	for h := range hidden {
		id := fixed + h
		pairs = append(pairs, [2]int{rng.IntN(inputs), id}, [2]int{id, inputs + 1 + rng.IntN(outputs)})
	}
	innovs := make([]int, len(pairs))
	for i, p := range pairs {
		innovs[i] = tracker.Innovation(p[0], p[1])
	}

	cfg := population.DefaultConfig()
	cfg.Task = "mnist"
	s := &population.State{
		Config: cfg, Generation: 200, Evaluated: true, NextID: 30000, Evaluations: 201 * size,
		Outcomes: make([]evaluate.Outcome, size), Tracker: tracker.State(),
		Species:          &species.Set{NextID: 40, Threshold: 2.7},
		SolvedGeneration: -1,
	}
	for i := range size {
		g := &genome.Genome{ID: 29000 + i, Nodes: layout.Nodes(), Fitness: rng.Float64(), Born: 200, Parents: [2]int{28000 + i, 28001 + i}, Dropins: rng.IntN(80), Apoptoses: rng.IntN(5)}
		for h := range hidden {
			g.Nodes = append(g.Nodes, genome.Node{ID: fixed + h, Kind: genome.Hidden, Act: network.Tanh})
		}
		for j := range g.Nodes {
			if g.Nodes[j].Kind == genome.Hidden || g.Nodes[j].Kind == genome.Output {
				g.Nodes[j].Bias = rng.NormFloat64()
			}
		}
		g.Conns = make([]genome.Conn, len(pairs))
		for j, p := range pairs {
			g.Conns[j] = genome.Conn{Innov: innovs[j], From: p[0], To: p[1], Weight: rng.NormFloat64(), Enabled: true}
		}
		s.Genomes = append(s.Genomes, g)
		s.Outcomes[i].Fitness, s.Outcomes[i].Metric = g.Fitness, g.Fitness
	}
	for k := range 10 {
		sp := &species.Species{ID: 30 + k, Created: 10 * k, Rep: s.Genomes[15*k].Clone(), Best: 0.9, LastImproved: 190}
		for m := range 15 {
			sp.Members = append(sp.Members, 15*k+m)
		}
		s.Species.Species = append(s.Species.Species, sp)
	}
	s.Best = s.Genomes[0].Clone()
	for g := range 201 {
		s.History = append(s.History, population.Stats{Generation: g, BestFitness: rng.Float64(), MeanFitness: rng.Float64(), Species: 10, Threshold: 2.7, MeanHidden: 75, MeanConns: 8000, Evaluations: (g + 1) * size, Seconds: rng.Float64(), EvalsPerSec: rng.Float64() * 1000})
	}
	return s
}

func BenchmarkWrite(b *testing.B) {
	s := mnistState()
	path := filepath.Join(b.TempDir(), Name(s.Generation))
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(path, s); err != nil {
			b.Fatal(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size()), "bytes")
}

func BenchmarkRead(b *testing.B) {
	s := mnistState()
	path := filepath.Join(b.TempDir(), Name(s.Generation))
	if err := Write(path, s); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fi.Size()), "bytes")
}
