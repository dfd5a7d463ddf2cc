package species

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neuroplast/neuroplast/genome"
)

// Species is a group of mutually compatible genomes.
type Species struct {
	ID      int `json:"id"`
	Created int `json:"created"` // generation of founding
	// Rep is the representative new genomes are compared with: a member of
	// the previous generation (a copy, owned by the species).
	Rep *genome.Genome `json:"representative"`
	// Best is the best fitness any member has reached, and LastImproved the
	// generation it was reached in; they drive stagnation.
	Best         float64 `json:"best_fitness"`
	LastImproved int     `json:"last_improved"`
	// Tested is whether the species' champion has taken the task's
	// champion test since the species last improved (see NextToTest).
	Tested bool `json:"tested,omitempty"`
	// Members indexes this generation's genomes, sorted by falling fitness
	// after Rank.
	Members []int `json:"-"`
}

// Set is the population's species and the state speciation carries between
// generations.
type Set struct {
	Species   []*Species `json:"species"`
	NextID    int        `json:"next_id"`
	Threshold float64    `json:"threshold"`
}

// NewSet returns an empty set with the configured threshold.
func NewSet(s *Settings) *Set {
	return &Set{NextID: 1, Threshold: s.Threshold}
}

// Match returns the index of the first species whose representative is
// closer to g than the threshold, or -1. It only reads the set, so it may
// run concurrently for many genomes.
func (set *Set) Match(g *genome.Genome, s *Settings) int {
	for k, sp := range set.Species {
		if Compatible(g, sp.Rep, s, set.Threshold) {
			return k
		}
	}
	return -1
}

// Assign places each genome in the first species whose representative is
// within the threshold, founding a new species (with a copy of the genome as
// representative) where none is. Species left empty are removed. Each
// surviving species then takes a member as the representative for the
// next generation, as s.Representative chooses, and, when s.Target is set, the threshold moves one
// step toward the target number of species.
//
// matches, if not nil, holds Match(genomes[i], s) for each genome, computed
// beforehand (in parallel, say); the result is the same as with nil.
func (set *Set) Assign(genomes []*genome.Genome, s *Settings, gen int, rng *rand.Rand, matches []int) {
	old := len(set.Species)
	for _, sp := range set.Species {
		sp.Members = sp.Members[:0]
	}
	for i, g := range genomes {
		var k int
		if matches != nil {
			k = matches[i]
		} else {
			k = set.Match(g, s)
		}
		for j := old; k < 0 && j < len(set.Species); j++ {
			if Compatible(g, set.Species[j].Rep, s, set.Threshold) {
				k = j
			}
		}
		if k >= 0 {
			set.Species[k].Members = append(set.Species[k].Members, i)
			continue
		}
		set.Species = append(set.Species, &Species{
			ID: set.NextID, Created: gen, Rep: g.Clone(),
			Best: g.Fitness, LastImproved: gen, Members: []int{i},
		})
		set.NextID++
	}
	set.Species = slices.DeleteFunc(set.Species, func(sp *Species) bool { return len(sp.Members) == 0 })
	for _, sp := range set.Species {
		sp.Rep.CopyFrom(genomes[sp.next(genomes, s, rng)])
	}
	if s.Target > 0 {
		switch n := len(set.Species); {
		case n < s.Target:
			set.Threshold = max(s.MinThreshold, set.Threshold-s.ThresholdStep)
		case n > s.Target:
			set.Threshold += s.ThresholdStep
		}
	}
}

// next returns the index of the member that becomes sp's representative,
// as s.Representative chooses (ties to the earlier genome: Members is in
// genome order here); only RandomRep draws from rng.
func (sp *Species) next(genomes []*genome.Genome, s *Settings, rng *rand.Rand) int {
	best := sp.Members[0]
	switch s.Representative {
	case ChampionRep:
		for _, i := range sp.Members[1:] {
			if genomes[i].Fitness > genomes[best].Fitness {
				best = i
			}
		}
	case ClosestRep:
		d := Distance(genomes[best], sp.Rep, s)
		for _, i := range sp.Members[1:] {
			if di := Distance(genomes[i], sp.Rep, s); di < d {
				best, d = i, di
			}
		}
	default:
		best = sp.Members[rng.IntN(len(sp.Members))]
	}
	return best
}

// Rank sorts each species' members by falling fitness (ties by index) and
// updates its best fitness and last improvement; a species that improves
// (or is new) counts as untested again (see NextToTest).
func (set *Set) Rank(genomes []*genome.Genome, gen int) {
	for _, sp := range set.Species {
		slices.SortFunc(sp.Members, func(a, b int) int {
			if c := cmp.Compare(genomes[b].Fitness, genomes[a].Fitness); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		if f := genomes[sp.Members[0]].Fitness; f > sp.Best {
			sp.Best, sp.LastImproved = f, gen
		}
		if sp.LastImproved == gen {
			sp.Tested = false
		}
	}
}

// NextToTest returns the species whose champion (its fittest member) should
// take the task's costly champion test this generation, and marks it
// tested: the fittest species (by its fittest member; ties to the earlier
// species) whose champion has not been tested since the species last
// improved, or the fittest species when every one has been. This is how
// the NEAT code (Stanley & Miikkulainen 2002) chooses whom to test on the
// double pole without velocities: the test moves on from a lineage that
// failed it to the next species' best instead of testing the same one
// every generation. Call it after Rank; it returns nil for an empty set.
func (set *Set) NextToTest(genomes []*genome.Genome) *Species {
	var first, pick *Species
	for _, sp := range set.Species {
		f := genomes[sp.Members[0]].Fitness
		if first == nil || f > genomes[first.Members[0]].Fitness {
			first = sp
		}
		if !sp.Tested && (pick == nil || f > genomes[pick.Members[0]].Fitness) {
			pick = sp
		}
	}
	if pick == nil {
		pick = first
	}
	if pick != nil {
		pick.Tested = true
	}
	return pick
}

// DropStagnant removes the species that have not improved for s.Stagnation
// generations, except the s.Protected species with the fittest current
// members. Call it after Rank. It returns the number removed.
func (set *Set) DropStagnant(genomes []*genome.Genome, s *Settings, gen int) int {
	order := make([]*Species, len(set.Species))
	copy(order, set.Species)
	slices.SortStableFunc(order, func(a, b *Species) int {
		return cmp.Compare(genomes[b.Members[0]].Fitness, genomes[a.Members[0]].Fitness)
	})
	keep := make(map[*Species]bool, s.Protected)
	for _, sp := range order[:min(s.Protected, len(order))] {
		keep[sp] = true
	}
	before := len(set.Species)
	set.Species = slices.DeleteFunc(set.Species, func(sp *Species) bool {
		return !keep[sp] && gen-sp.LastImproved >= s.Stagnation
	})
	return before - len(set.Species)
}

// Allocate divides total offspring among species in proportion to shares
// (largest remainder, ties to the lower index). Negative, NaN and infinite
// shares count as 0; if every share is 0 the offspring are divided evenly.
func Allocate(shares []float64, total int) []int {
	out := make([]int, len(shares))
	if len(shares) == 0 {
		return out
	}
	valid := func(s float64) float64 {
		if s > 0 && s <= math.MaxFloat64 {
			return s
		}
		return 0
	}
	// Scale by the largest share first, so the sum cannot overflow.
	top := 0.0
	for _, s := range shares {
		top = max(top, valid(s))
	}
	sum := 0.0
	for _, s := range shares {
		if top > 0 {
			sum += valid(s) / top
		}
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(shares))
	given := 0
	for i, s := range shares {
		exact := float64(total) / float64(len(shares))
		if sum > 0 {
			exact = float64(total) * (valid(s) / top / sum)
		}
		out[i] = min(int(exact), total)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}
