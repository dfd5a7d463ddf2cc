package species_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/species"
)

// TestRepresentative checks each choice of the next representative against
// a slow search over the members: the fittest member (champion), the
// member nearest the old representative (closest), and for random some
// member, the same one for the same random stream.
func TestRepresentative(t *testing.T) {
	s := species.DefaultSettings()
	s.Target, s.Threshold = 0, 100 // one species holding everyone
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 3))
		gs := make([]*genome.Genome, 15)
		for i := range gs {
			gs[i] = withGenes(0, 1, 2, 3, 4)
			for j := range gs[i].Conns {
				gs[i].Conns[j].Weight = rng.NormFloat64()
			}
			gs[i].ID, gs[i].Fitness = i, float64(rng.IntN(5)) // ties on purpose
		}
		old := withGenes(0, 1, 2, 3, 4)
		for j := range old.Conns {
			old.Conns[j].Weight = rng.NormFloat64()
		}
		for _, choice := range []species.Representative{species.RandomRep, species.ChampionRep, species.ClosestRep} {
			s.Representative = choice
			set := &species.Set{NextID: 2, Threshold: s.Threshold, Species: []*species.Species{{ID: 1, Rep: old.Clone()}}}
			set.Assign(gs, &s, 1, rand.New(rand.NewPCG(seed, 4)), nil)
			if len(set.Species) != 1 {
				t.Fatalf("seed %d, %s: %d species; want 1", seed, choice, len(set.Species))
			}
			rep := set.Species[0].Rep
			want := -1
			switch choice {
			case species.RandomRep:
				want = rand.New(rand.NewPCG(seed, 4)).IntN(len(gs))
			case species.ChampionRep:
				for i, g := range gs {
					if want < 0 || g.Fitness > gs[want].Fitness {
						want = i
					}
				}
			case species.ClosestRep:
				for i, g := range gs {
					if want < 0 || species.Distance(g, old, &s) < species.Distance(gs[want], old, &s) {
						want = i
					}
				}
			}
			if !reflect.DeepEqual(rep, gs[want]) {
				t.Errorf("seed %d, %s: representative is genome %d; want %d", seed, choice, rep.ID, want)
			}
		}
	}
}

func TestRepresentativeText(t *testing.T) {
	for _, r := range []species.Representative{species.RandomRep, species.ChampionRep, species.ClosestRep} {
		text, err := r.MarshalText()
		if err != nil {
			t.Fatalf("%d.MarshalText() = %v", r, err)
		}
		var back species.Representative
		if err := back.UnmarshalText(text); err != nil || back != r {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, r)
		}
	}
	var r species.Representative
	err := r.UnmarshalText([]byte("medoid"))
	if want := `species: unknown representative "medoid" (allowed: random, champion, closest)`; err == nil || err.Error() != want {
		t.Errorf("UnmarshalText(medoid) = %v; want %q", err, want)
	}
}
