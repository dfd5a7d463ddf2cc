package rngs_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuroplast/neuroplast/rngs"
)

func draws(r *rand.Rand) []uint64 {
	out := make([]uint64, 8)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

type name struct {
	seed uint64
	gen  int
	p    rngs.Purpose
	id   int
}

func TestSameNameSameStream(t *testing.T) {
	for _, n := range []name{{0, 0, rngs.Init, 0}, {1, 2, rngs.Evaluate, 3}, {42, 1000, rngs.Reproduce, 149}, {^uint64(0), -1, rngs.Task, -7}} {
		a, b := draws(rngs.New(n.seed, n.gen, n.p, n.id)), draws(rngs.New(n.seed, n.gen, n.p, n.id))
		if !slices.Equal(a, b) {
			t.Errorf("New(%+v) gave %v, then %v; want the same stream", n, a, b)
		}
		hi, lo := rngs.Derive(n.seed, n.gen, n.p, n.id)
		if c := draws(rand.New(rand.NewPCG(hi, lo))); !slices.Equal(a, c) {
			t.Errorf("New(%+v) = %v; a PCG seeded with Derive gives %v", n, a, c)
		}
	}
}

// TestEveryFieldMatters changes one field of the name at a time and checks
// that the stream changes, and that no two of the streams start alike.
func TestEveryFieldMatters(t *testing.T) {
	base := name{seed: 7, gen: 3, p: rngs.Evaluate, id: 11}
	variants := []name{base}
	for _, d := range []uint64{1, 2, 1 << 32, 1 << 63} {
		variants = append(variants, name{base.seed ^ d, base.gen, base.p, base.id})
	}
	for _, gen := range []int{0, 2, 4, 1 << 20, -3} {
		variants = append(variants, name{base.seed, gen, base.p, base.id})
	}
	for _, p := range []rngs.Purpose{rngs.Init, rngs.Reproduce, rngs.Task, 0, 200} {
		variants = append(variants, name{base.seed, base.gen, p, base.id})
	}
	for _, id := range []int{0, 10, 12, 1 << 40, -11} {
		variants = append(variants, name{base.seed, base.gen, base.p, id})
	}
	seen := make(map[uint64]name)
	for _, v := range variants {
		first := rngs.New(v.seed, v.gen, v.p, v.id).Uint64()
		if other, dup := seen[first]; dup {
			t.Errorf("New(%+v) and New(%+v) start with the same number %#x", v, other, first)
		}
		seen[first] = v
	}
}

// TestNeighboursUnrelated checks a grid of nearby names for distinct
// streams: every (gen, purpose, id) in a small range.
func TestNeighboursUnrelated(t *testing.T) {
	seen := make(map[[2]uint64]name)
	for gen := range 20 {
		for p := rngs.Init; p <= rngs.Task; p++ {
			for id := range 50 {
				n := name{1, gen, p, id}
				hi, lo := rngs.Derive(n.seed, n.gen, n.p, n.id)
				if other, dup := seen[[2]uint64{hi, lo}]; dup {
					t.Fatalf("Derive(%+v) = Derive(%+v)", n, other)
				}
				seen[[2]uint64{hi, lo}] = n
			}
		}
	}
}

func TestSourceSeed(t *testing.T) {
	s := rngs.NewSource(1, 0, rngs.Init, 0)
	if got, want := draws(s.Rand), draws(rngs.New(1, 0, rngs.Init, 0)); !slices.Equal(got, want) {
		t.Errorf("NewSource(1, 0, Init, 0) = %v; New gives %v", got, want)
	}
	// Reseeding, in any order and after any draws, restarts the named stream.
	for _, n := range []name{{1, 5, rngs.Evaluate, 9}, {2, 0, rngs.Reproduce, 0}, {1, 5, rngs.Evaluate, 9}} {
		s.Rand.Uint64()
		s.Seed(n.seed, n.gen, n.p, n.id)
		if got, want := draws(s.Rand), draws(rngs.New(n.seed, n.gen, n.p, n.id)); !slices.Equal(got, want) {
			t.Errorf("Source.Seed(%+v) = %v; New gives %v", n, got, want)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { s.Seed(3, 4, rngs.Task, 5); s.Rand.Uint64() }); allocs != 0 {
		t.Errorf("Source.Seed and a draw allocate %v times; want 0", allocs)
	}
}
