package population_test

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// TestBreedingRules checks NEAT's breeding rules on the generation bred
// from a ranked one: every parent is among the best survival_threshold of
// its species, rounded up (some parent sits exactly at that cut where
// rounding down would have excluded it); and every species of at least
// elitism_min_size members that has children has its champion among them
// unchanged (an elite keeps its ID).
func TestBreedingRules(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		cfg := xorConfig(seed, 1)
		p, err := population.New(cfg, tasks.XOR{})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := p.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		prev := p.State()
		if _, err := p.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Each genome of the ranked generation: its species and rank.
		type place struct{ species, rank, size int }
		at := map[int]place{}
		for k, sp := range prev.Species.Species {
			for r, m := range sp.Members {
				at[prev.Genomes[m].ID] = place{k, r, len(sp.Members)}
			}
		}
		cut := func(size int) int {
			return max(1, int(math.Ceil(cfg.Reproduce.Survival*float64(size))))
		}
		atCut := false
		hasChildren := map[int]bool{}
		for _, child := range p.Genomes() {
			if pl, elite := at[child.ID]; elite {
				// An elite keeps its ID and its own parents.
				hasChildren[pl.species] = true
				continue
			}
			for _, id := range child.Parents {
				if id < 0 {
					continue
				}
				pl, ok := at[id]
				if !ok {
					t.Fatalf("seed %d: genome %d has parent %d, not of the generation before", seed, child.ID, id)
				}
				hasChildren[pl.species] = true
				if pl.rank >= cut(pl.size) {
					t.Errorf("seed %d: parent %d ranks %d of %d in its species; want within the best %d", seed, id, pl.rank+1, pl.size, cut(pl.size))
				}
				if c := cut(pl.size); pl.rank == c-1 && c > max(1, int(cfg.Reproduce.Survival*float64(pl.size))) {
					atCut = true
				}
			}
		}
		if !atCut {
			t.Errorf("seed %d: no parent at the rounded-up cut of its species; want survival_threshold rounded up", seed)
		}
		for k, sp := range prev.Species.Species {
			if len(sp.Members) < cfg.Reproduce.ElitismSize || !hasChildren[k] {
				continue
			}
			champ := prev.Genomes[sp.Members[0]]
			found := false
			for _, child := range p.Genomes() {
				if child.ID == champ.ID && reflect.DeepEqual(child.Conns, champ.Conns) && reflect.DeepEqual(child.Nodes, champ.Nodes) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("seed %d: species %d (%d members, with children) has no unchanged copy of its champion %d", seed, sp.ID, len(sp.Members), champ.ID)
			}
		}
	}
}
