package mutate

import (
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/internal/enum"
)

// WeightScheme chooses how Weights changes a genome's weights.
type WeightScheme uint8

// The choices of WeightScheme.
const (
	// GaussianWeights changes a fraction WeightGene of the weights: each
	// is redrawn (a Gaussian of sd WeightInit) at rate WeightReplace,
	// otherwise perturbed by a Gaussian of sd WeightPower.
	GaussianWeights WeightScheme = iota
	// NEATWeights is the NEAT C++ code's mutate_link_weights as its
	// reproduction calls it (rate 1, "Gaussian"): every draw is uniform in
	// [-WeightPower, WeightPower]. Half the time the mutation is severe:
	// each weight is perturbed with probability 0.7, redrawn with 0.2 and
	// kept with 0.1. Otherwise, in a genome of 10 or more connections,
	// the newest fifth (by innovation) is perturbed with probability 0.5,
	// redrawn with 0.2 and kept with 0.3, and every other weight is
	// perturbed. WeightGene, WeightReplace and WeightInit do not apply.
	NEATWeights
	numWeightSchemes
)

var weightSchemeNames = [numWeightSchemes]string{GaussianWeights: "gaussian", NEATWeights: "neat"}

var weightSchemeEnum = enum.Names{Pkg: "mutate", Noun: "weight mutation", Type: "WeightScheme", List: weightSchemeNames[:]}

// String returns the configuration name.
func (w WeightScheme) String() string { return enum.String(w, &weightSchemeEnum) }

// MarshalText implements encoding.TextMarshaler.
func (w WeightScheme) MarshalText() ([]byte, error) { return enum.Marshal(w, &weightSchemeEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (w *WeightScheme) UnmarshalText(text []byte) error {
	v, err := enum.Parse[WeightScheme](string(text), &weightSchemeEnum)
	if err == nil {
		*w = v
	}
	return err
}

// neatWeights is Weights under NEATWeights.
func neatWeights(g *genome.Genome, rng *rand.Rand, s *Settings) {
	n := float64(len(g.Conns))
	severe := rng.Float64() > 0.5
	for i := range g.Conns {
		// Above perturb: perturbed; above redraw: redrawn; else kept.
		var perturb, redraw float64
		switch {
		case severe:
			perturb, redraw = 0.3, 0.1
		case n >= 10 && float64(i) > 0.8*n:
			perturb, redraw = 0.5, 0.3
		default:
			// The NEAT code draws here, to choose between two settings
			// that both perturb every weight; the draw keeps its stream.
			rng.Float64()
			perturb, redraw = 0, 0
		}
		sign := 1.0
		if rng.Float64() < 0.5 {
			sign = -1
		}
		r := sign * rng.Float64() * s.WeightPower
		c := &g.Conns[i]
		switch u := rng.Float64(); {
		case u > perturb:
			c.Weight = clamp(c.Weight+r, s.WeightMax)
		case u > redraw:
			c.Weight = clamp(r, s.WeightMax)
		}
	}
}
