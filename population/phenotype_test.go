package population_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// TestPhenotypeSynchronous checks what genome.Compile's doc says of a run
// with synchronous networks (synchronous = true): Phenotype gives the
// network the run scores, synchronous, while Compile gives one that is
// not, and computes otherwise, until its caller sets Synchronous.
func TestPhenotypeSynchronous(t *testing.T) {
	task := tasks.NewPole(tasks.DoublePoleNV)
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed, cfg.Synchronous = 3, true
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	// A hidden neuron on a path delays the signal a step in a synchronous
	// network: split an initial genome's first connection.
	g := p.Genomes()[0].Clone()
	c, h, innov := g.Conns[0], g.Nodes[len(g.Nodes)-1].ID+1, g.Conns[len(g.Conns)-1].Innov+1
	g.Conns[0].Enabled = false
	g.InsertNode(genome.Node{ID: h, Kind: genome.Hidden, Act: network.Tanh})
	g.InsertConn(genome.Conn{Innov: innov, From: c.From, To: h, Weight: 3, Enabled: true})
	g.InsertConn(genome.Conn{Innov: innov + 1, From: h, To: c.To, Weight: c.Weight, Enabled: true})
	if err := genome.Validate(g, cfg.FeedForward); err != nil {
		t.Fatal(err)
	}
	// score steps a network through a fixed sequence of inputs and returns
	// its outputs.
	score := func(net *network.Network) []float64 {
		rng := rand.New(rand.NewPCG(1, 1))
		in, out := make([]float64, net.NumInputs), make([]float64, len(net.Outputs))
		var outs []float64
		net.Reset()
		for range 5 {
			for i := range in {
				in[i] = rng.NormFloat64()
			}
			net.Forward(in, out)
			outs = append(outs, out...)
		}
		return outs
	}

	run, err := p.Phenotype(g)
	if err != nil || !run.Synchronous {
		t.Fatalf("Phenotype(g) = synchronous %v, %v; want a synchronous network", run != nil && run.Synchronous, err)
	}
	net, err := genome.Compile(g, cfg.FeedForward)
	if err != nil || net.Synchronous {
		t.Fatalf("genome.Compile(g) = synchronous %v, %v; want a network that is not synchronous", net != nil && net.Synchronous, err)
	}
	want := score(run)
	if got := score(net); slices.Equal(got, want) {
		t.Errorf("Compile(g) outputs %v, as Phenotype(g) does; want the update to matter for this genome", got)
	}
	net.Synchronous = true
	net.Reset()
	if got := score(net); !slices.Equal(got, want) {
		t.Errorf("Compile(g) made synchronous outputs %v; want Phenotype(g)'s %v", got, want)
	}
}
