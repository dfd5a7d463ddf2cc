package population_test

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/network"
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

// TestCrossoverFitterParentFirst checks which parent of a crossover counts
// as the fitter, the one whose disjoint and excess genes the child takes
// and whose ID comes first in its Parents: the one of higher fitness, or,
// at equal fitness, the one with fewer connection genes. Fitness here is
// XOR's, rounded to a quarter, so that many parents tie.
func TestCrossoverFitterParentFirst(t *testing.T) {
	info := tasks.XOR{}.Info()
	info.Name = "xor-quarters"
	task := tasks.Func(info, func(net *network.Network, rng *rand.Rand) tasks.Result {
		r := tasks.XOR{}.Evaluate(net, rng)
		r.Fitness = math.Round(r.Fitness*4) / 4
		return r
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	cfg.Seed, cfg.Workers, cfg.StopOnSolve = 4, 1, false
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	type parent struct {
		fitness float64
		conns   int
	}
	var strict, ties int
	var parents map[int]parent // the generation before
	for range 12 {
		if _, err := p.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, g := range p.Genomes() {
			if _, elite := parents[g.ID]; elite || g.Parents[1] < 0 || g.Parents[0] == g.Parents[1] {
				continue
			}
			a, okA := parents[g.Parents[0]]
			b, okB := parents[g.Parents[1]]
			if !okA || !okB {
				t.Fatalf("genome %d has parents %v, not both of the generation before", g.ID, g.Parents)
			}
			switch {
			case a.fitness > b.fitness:
				strict++
			case a.fitness == b.fitness && a.conns < b.conns:
				ties++
			case a.fitness == b.fitness && a.conns == b.conns:
			default:
				t.Errorf("genome %d: parents %d (fitness %v, %d connections) then %d (fitness %v, %d connections); want the fitter first, at equal fitness the one with fewer connections",
					g.ID, g.Parents[0], a.fitness, a.conns, g.Parents[1], b.fitness, b.conns)
			}
		}
		parents = map[int]parent{}
		for _, g := range p.Genomes() {
			parents[g.ID] = parent{g.Fitness, len(g.Conns)}
		}
	}
	if strict == 0 || ties == 0 {
		t.Fatalf("%d crossovers of parents of different fitness, %d of equal fitness and different sizes; the test needs both", strict, ties)
	}
}
