package mutate_test

import (
	"math/rand/v2"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/mutate"
	"github.com/neuroplast/neuroplast/network"
)

// TestWeightGeneRate checks weight_gene_rate, the fraction of connections
// that a weight mutation changes: at 0.1, about a tenth of 200 weights
// change (3% to 25% allows for the binomial spread, about 2.1% either
// side, many times over); at 1, every one does.
func TestWeightGeneRate(t *testing.T) {
	l := genome.Layout{Inputs: 20, Outputs: 10, OutputAct: network.Sigmoid}
	for _, tt := range []struct {
		rate     float64
		min, max int
	}{
		{0.1, 6, 50},
		{1, 200, 200},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			g := genome.New(0, l, genome.NewTracker(l), true, func() float64 { return 0 })
			if len(g.Conns) != 200 {
				t.Fatalf("%d connections; want 200", len(g.Conns))
			}
			s := mutate.DefaultSettings()
			s.WeightGene, s.WeightReplace, s.WeightMax = tt.rate, 0, 100
			mutate.Weights(g, rand.New(rand.NewPCG(seed, 1)), &s)
			changed := 0
			for _, c := range g.Conns {
				if c.Weight != 0 {
					changed++
				}
			}
			if changed < tt.min || changed > tt.max {
				t.Errorf("weight_gene_rate %v, seed %d: %d of 200 weights changed; want %d to %d", tt.rate, seed, changed, tt.min, tt.max)
			}
		}
	}
}

// TestNoApoptosisAfterDropin checks the rule of Structure that a neuron
// born in a mutation step is not killed in the same step when the genome
// carries measured utilities: the newborn has no utility yet (0), so
// utility-driven apoptosis would always take it. With dropin and
// apoptosis both certain, such a genome gains a neuron and loses none.
// Without utilities the rule does not apply: apoptosis follows the dropin
// and the neuron count stays the same.
func TestNoApoptosisAfterDropin(t *testing.T) {
	l := genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}
	s := mutate.DefaultSettings()
	s.Dropin, s.Apoptosis, s.AddConn, s.RemoveConn = 1, 1, 0, 0
	for seed := uint64(1); seed <= 10; seed++ {
		for _, utility := range []bool{true, false} {
			tr := genome.NewTracker(l)
			rng := rand.New(rand.NewPCG(seed, 3))
			g := genome.New(0, l, tr, true, func() float64 { return rng.NormFloat64() })
			if !mutate.Split(g, tr, rng, &s) {
				t.Fatal("Split = false on a connected genome")
			}
			if utility {
				g.HasUtility = true
				for i := range g.Nodes {
					if g.Nodes[i].Kind == genome.Hidden {
						g.Nodes[i].Utility = 0.5
					}
				}
			}
			tr.NextGeneration()
			hidden, dropins, apoptoses := g.HiddenCount(), g.Dropins, g.Apoptoses
			if !mutate.Structure(g, tr, rng, &s, true) {
				t.Fatalf("seed %d, utilities %v: Structure = false with dropin rate 1", seed, utility)
			}
			wantHidden, wantApoptoses := hidden+1, apoptoses
			if !utility {
				wantHidden, wantApoptoses = hidden, apoptoses+1
			}
			if g.HiddenCount() != wantHidden || g.Dropins != dropins+1 || g.Apoptoses != wantApoptoses {
				t.Errorf("seed %d, utilities %v: %d hidden, %d dropins, %d apoptoses after Structure (from %d, %d, %d); want %d, %d, %d",
					seed, utility, g.HiddenCount(), g.Dropins, g.Apoptoses, hidden, dropins, apoptoses, wantHidden, dropins+1, wantApoptoses)
			}
		}
	}
}
