// Package rngs derives independent random streams from a run's seed.
//
// Every random draw in neuroplast comes from a stream named by (seed,
// generation, purpose, id), so a run is a pure function of its
// configuration and seed: the same with one worker or sixteen, in any
// evaluation order, and the same after a resume from a checkpoint.
package rngs

import "math/rand/v2"

// Purpose separates the streams used for different jobs in one generation.
type Purpose uint64

// The purposes of random streams.
const (
	Init      Purpose = iota + 1 // the initial population
	Evaluate                     // a genome's evaluation (task noise, training batches)
	Reproduce                    // selection, crossover and mutation
	Task                         // task data generated from the seed
)

// Source is a reusable random stream. Seed it for each new (generation,
// purpose, id) instead of allocating a new generator.
type Source struct {
	pcg  rand.PCG
	Rand *rand.Rand
}

// NewSource returns a Source seeded for (seed, gen, p, id).
func NewSource(seed uint64, gen int, p Purpose, id int) *Source {
	s := new(Source)
	s.Rand = rand.New(&s.pcg)
	s.Seed(seed, gen, p, id)
	return s
}

// Seed restarts the stream at the state named by (seed, gen, p, id).
func (s *Source) Seed(seed uint64, gen int, p Purpose, id int) {
	hi, lo := Derive(seed, gen, p, id)
	s.pcg.Seed(hi, lo)
}

// New returns a generator for the stream named by (seed, gen, p, id).
func New(seed uint64, gen int, p Purpose, id int) *rand.Rand {
	hi, lo := Derive(seed, gen, p, id)
	return rand.New(rand.NewPCG(hi, lo))
}

// Derive mixes (seed, gen, p, id) into the two words of a PCG seed. Each
// field passes through SplitMix64's finaliser in turn, so nearby inputs give
// unrelated streams.
func Derive(seed uint64, gen int, p Purpose, id int) (hi, lo uint64) {
	h := mix(seed ^ 0x6a09e667f3bcc909)
	h = mix(h ^ uint64(gen))
	h = mix(h ^ uint64(p))
	h = mix(h ^ uint64(id))
	return h, mix(h ^ 0xbb67ae8584caa73b)
}

func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
