package mutate_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/mutate"
)

// TestNEATWeights checks the NEAT code's weight mutation by the share of
// weights it perturbs, redraws and keeps at each position of a genome.
// Every weight starts at 5 and draws are within ±1.8, so a perturbed
// weight lands in [3.2, 6.8], a redrawn one in [-1.8, 1.8], and a kept one
// stays 5. Half the mutations are severe (70% perturbed, 20% redrawn);
// in the others the newest fifth of a genome of 10 or more connections is
// 50% perturbed and 20% redrawn, every other weight perturbed.
func TestNEATWeights(t *testing.T) {
	s := mutate.DefaultSettings()
	s.WeightScheme = mutate.NEATWeights
	s.WeightPower = 1.8
	// Shares of perturbed, redrawn and kept weights.
	older := [3]float64{0.85, 0.1, 0.05}
	newest := [3]float64{0.6, 0.2, 0.2}
	for _, tt := range []struct {
		conns int
		want  func(i int) [3]float64
	}{
		// i > 0.8 n: positions 17-19 of 20 are the newest fifth.
		{20, func(i int) [3]float64 {
			if i > 16 {
				return newest
			}
			return older
		}},
		// Under 10 connections none is treated as newest.
		{9, func(int) [3]float64 { return older }},
	} {
		const trials = 20000
		counts := make([][3]int, tt.conns)
		rng := rand.New(rand.NewPCG(7, 8))
		g := &genome.Genome{Conns: make([]genome.Conn, tt.conns)}
		for range trials {
			for i := range g.Conns {
				g.Conns[i] = genome.Conn{Innov: i + 1, Weight: 5, Enabled: true}
			}
			mutate.Weights(g, rng, &s)
			for i, c := range g.Conns {
				switch w := c.Weight; {
				case w >= 5-1.8 && w <= 5+1.8 && w != 5:
					counts[i][0]++
				case math.Abs(w) <= 1.8:
					counts[i][1]++
				case w == 5:
					counts[i][2]++
				default:
					t.Fatalf("%d connections: weight %d became %v; want within 1.8 of 5 or of 0", tt.conns, i, w)
				}
			}
		}
		for i, c := range counts {
			want := tt.want(i)
			for k, name := range []string{"perturbed", "redrawn", "kept"} {
				if got := float64(c[k]) / trials; math.Abs(got-want[k]) > 0.015 {
					t.Errorf("%d connections: weight %d %s in %.3f of mutations; want %.2f", tt.conns, i, name, got, want[k])
				}
			}
		}
	}
}

// TestNEATWeightsClamp checks that the NEAT code's weight mutation keeps
// weights within ±weight_max.
func TestNEATWeightsClamp(t *testing.T) {
	s := mutate.DefaultSettings()
	s.WeightScheme = mutate.NEATWeights
	s.WeightPower, s.WeightMax = 3, 2
	rng := rand.New(rand.NewPCG(1, 1))
	g := &genome.Genome{Conns: make([]genome.Conn, 12)}
	for i := range g.Conns {
		g.Conns[i] = genome.Conn{Innov: i + 1, Weight: 1.9, Enabled: true}
	}
	for range 1000 {
		mutate.Weights(g, rng, &s)
		for i, c := range g.Conns {
			if math.Abs(c.Weight) > 2 {
				t.Fatalf("weight %d = %v; want within ±2", i, c.Weight)
			}
		}
	}
}

// TestWeightSchemeNames checks the names of the weight mutations and the
// error for an unknown one.
func TestWeightSchemeNames(t *testing.T) {
	for _, w := range []mutate.WeightScheme{mutate.GaussianWeights, mutate.NEATWeights} {
		var back mutate.WeightScheme
		if err := back.UnmarshalText([]byte(w.String())); err != nil || back != w {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", w, back, err, w)
		}
	}
	var w mutate.WeightScheme
	err := w.UnmarshalText([]byte("cold"))
	if err == nil || !strings.Contains(err.Error(), "gaussian") || !strings.Contains(err.Error(), "neat") {
		t.Errorf(`UnmarshalText("cold") = %v; want an error naming gaussian and neat`, err)
	}
	s := mutate.DefaultSettings()
	s.WeightScheme = 2
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "weight_mutation") {
		t.Errorf("Validate with weight_mutation 2 = %v; want an error naming weight_mutation", err)
	}
}
