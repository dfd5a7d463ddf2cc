package mutate

import (
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/genome"
)

// DisableRate is the chance that a gene disabled in either parent stays
// disabled in the child (NEAT: 75%).
const DisableRate = 0.75

// Crossover returns a child of fitter and other into child (reusing its
// storage): matching connection genes (same innovation) are inherited from
// either parent at random, and disjoint and excess genes from fitter
// (Stanley & Miikkulainen 2002). The child's nodes are fitter's, each
// matching node's activation, bias and utility again from either parent
// (the utility only when both parents' utilities were measured, or
// neither's); a node's age and mean activation, and the child's lineage
// counts, are fitter's. Its ID, Born and Fitness are left for the caller
// to set.
func Crossover(child, fitter, other *genome.Genome, rng *rand.Rand) {
	crossover(child, fitter, other, rng, false)
}

// CrossoverAverage is Crossover, except that a matching connection gene
// takes the mean of the parents' weights (NEAT's "multipoint average"
// mating, Stanley & Miikkulainen 2002), a child between its parents
// rather than a mix of them; the enabled flags and the nodes are inherited
// as by Crossover.
func CrossoverAverage(child, fitter, other *genome.Genome, rng *rand.Rand) {
	crossover(child, fitter, other, rng, true)
}

func crossover(child, fitter, other *genome.Genome, rng *rand.Rand, average bool) {
	child.CopyFrom(fitter)
	child.Parents = [2]int{fitter.ID, other.ID}
	var coin coins
	j := 0
	for i := range child.Conns {
		c := &child.Conns[i]
		for j < len(other.Conns) && other.Conns[j].Innov < c.Innov {
			j++
		}
		if j == len(other.Conns) {
			break
		}
		o := &other.Conns[j]
		if o.Innov != c.Innov {
			continue
		}
		if average {
			c.Weight = (c.Weight + o.Weight) / 2
		} else if coin.flip(rng) {
			c.Weight = o.Weight
		}
		if !c.Enabled || !o.Enabled {
			c.Enabled = rng.Float64() >= DisableRate
		}
	}
	j = 0
	for i := range child.Nodes {
		n := &child.Nodes[i]
		for j < len(other.Nodes) && other.Nodes[j].ID < n.ID {
			j++
		}
		if j == len(other.Nodes) {
			break
		}
		if o := &other.Nodes[j]; o.ID == n.ID && coin.flip(rng) {
			n.Act, n.Bias = o.Act, o.Bias
			if other.HasUtility == fitter.HasUtility {
				// Only a measured utility replaces one: an unmeasured 0
				// would mark the node the least useful.
				n.Utility = o.Utility
			}
		}
	}
}

// coins hands out fair coin flips 64 at a time from one draw.
type coins struct {
	bits uint64
	left int
}

func (c *coins) flip(rng *rand.Rand) bool {
	if c.left == 0 {
		c.bits, c.left = rng.Uint64(), 64
	}
	heads := c.bits&1 == 1
	c.bits >>= 1
	c.left--
	return heads
}
