package mutate

import (
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/genome"
)

// Weights changes g's connection weights as s.WeightScheme says, clamped
// to ±s.WeightMax: by default it perturbs (or, at rate s.WeightReplace,
// redraws) a fraction s.WeightGene of them.
func Weights(g *genome.Genome, rng *rand.Rand, s *Settings) {
	if s.WeightScheme == NEATWeights {
		neatWeights(g, rng, s)
		return
	}
	for i := range g.Conns {
		if s.WeightGene < 1 && rng.Float64() >= s.WeightGene {
			continue
		}
		c := &g.Conns[i]
		if rng.Float64() < s.WeightReplace {
			c.Weight = newWeight(rng, s)
		} else {
			c.Weight = clamp(c.Weight+rng.NormFloat64()*s.WeightPower, s.WeightMax)
		}
	}
}

// Biases perturbs (or, at rate s.BiasReplace, redraws) a fraction
// s.BiasGene of the biases of g's hidden and output nodes, clamped to
// ±s.WeightMax.
func Biases(g *genome.Genome, rng *rand.Rand, s *Settings) {
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.Kind != genome.Hidden && n.Kind != genome.Output {
			continue
		}
		if s.BiasGene < 1 && rng.Float64() >= s.BiasGene {
			continue
		}
		if rng.Float64() < s.BiasReplace {
			n.Bias = bias(rng, s)
		} else {
			n.Bias = clamp(n.Bias+rng.NormFloat64()*s.BiasPower, s.WeightMax)
		}
	}
}

// Activation gives one hidden neuron, chosen uniformly, an activation drawn
// from s.Activations. It reports false when g has no hidden neuron or the
// list is empty.
func Activation(g *genome.Genome, rng *rand.Rand, s *Settings) bool {
	hidden := g.HiddenCount()
	if hidden == 0 || len(s.Activations) == 0 {
		return false
	}
	k := rng.IntN(hidden)
	for i := range g.Nodes {
		if g.Nodes[i].Kind != genome.Hidden {
			continue
		}
		if k == 0 {
			g.Nodes[i].Act = s.Activations[rng.IntN(len(s.Activations))]
			return true
		}
		k--
	}
	return false
}

// Mutate applies each operator with its probability from s: first the
// structural ones (see Structure), then, unless s.Exclusive is set and the
// structure changed, the parameter ones (see Params).
func Mutate(g *genome.Genome, t *genome.Tracker, rng *rand.Rand, s *Settings, feedForward bool) {
	if Structure(g, t, rng, s, feedForward) && s.Exclusive {
		return
	}
	Params(g, rng, s)
}

// Structure applies dropin, apoptosis, add connection and remove connection,
// each with its probability from s, and reports whether any changed g. In
// a genome with measured utilities, apoptosis does not follow a dropin in
// the same step (the new neuron's utility is not measured yet).
// It draws innovation numbers from t, so genomes must pass through it in a
// fixed order.
func Structure(g *genome.Genome, t *genome.Tracker, rng *rand.Rand, s *Settings, feedForward bool) bool {
	changed, grew := false, false
	if rng.Float64() < s.Dropin {
		grew = Dropin(g, t, rng, s, feedForward)
		changed = grew
	}
	// A neuron born in this step has no measured utility yet, so utility-
	// driven apoptosis would take it first: it waits for the next step.
	if rng.Float64() < s.Apoptosis && !(grew && g.HasUtility) {
		changed = Apoptosis(g, rng) || changed
	}
	if rng.Float64() < s.AddConn {
		changed = AddConn(g, t, rng, s, feedForward) || changed
	}
	if rng.Float64() < s.RemoveConn {
		changed = RemoveConn(g, rng) || changed
	}
	return changed
}

// Params applies the weight, bias, toggle and activation mutations, each
// with its probability from s. It needs no tracker, so genomes may pass
// through it concurrently.
func Params(g *genome.Genome, rng *rand.Rand, s *Settings) {
	if rng.Float64() < s.Weight {
		Weights(g, rng, s)
	}
	if rng.Float64() < s.Bias {
		Biases(g, rng, s)
	}
	if rng.Float64() < s.Toggle {
		Toggle(g, rng)
	}
	if rng.Float64() < s.Activation {
		Activation(g, rng, s)
	}
}

func newWeight(rng *rand.Rand, s *Settings) float64 {
	return clamp(rng.NormFloat64()*s.WeightInit, s.WeightMax)
}

func bias(rng *rand.Rand, s *Settings) float64 {
	if s.BiasInit == 0 {
		return 0
	}
	return clamp(rng.NormFloat64()*s.BiasInit, s.WeightMax)
}

func clamp(x, limit float64) float64 {
	return max(-limit, min(limit, x))
}
