package tasks

import (
	"fmt"
	"math/bits"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
)

// The shape of the slowly-changing regression problem (bit-flipping) of
// Dohare et al. (2024), "Loss of plasticity in deep continual learning",
// Nature 632, Methods and Extended Data Fig. 2.
const (
	BitFlipInputs = 20    // input bits, not counting the bias
	BitFlipSlow   = 15    // the slowly changing bits, inputs 0 to 14; inputs 15 to 19 are random each example
	BitFlipUnits  = 100   // linear threshold units of the target network
	BitFlipBeta   = 0.7   // the LTUs' threshold parameter β
	BitFlipEvery  = 10000 // examples between flips in the paper
)

// BitFlipSolved is the mean squared error below which bitflip counts as
// solved. The targets are integers, so a network this close rounds to the
// right value on about every input.
const BitFlipSolved = 0.01

// bitFlipBias is the bit of the always-on bias in an input word, after
// the 20 input bits.
const bitFlipBias = 1 << BitFlipInputs

// BitFlip is the stream of examples of the slowly-changing regression
// problem (Dohare et al. 2024): an endless sequence of examples t = 0, 1,
// 2, ..., each 20 input bits and a target.
//
// Inputs 0 to 14 are the slow bits: random at the start, and at each flip
// event e = 1, 2, ..., the first example of which is e*FlipEvery(), one of
// them, uniformly chosen, flips. Inputs 15 to 19 are fresh random bits in
// every example. Bits are presented as 0 and 1.
//
// The target is a fixed random network of BitFlipUnits (100) linear
// threshold units (LTUs) over the 20 bits and a bias input of 1. Each
// weight, from an input or the bias to a unit and from a unit to the
// output, is -1 or +1 with equal chance. Unit i fires (outputs 1, else 0)
// when its weighted sum exceeds θ_i = β(m+1) - S_i, with m = 20 inputs, β
// = BitFlipBeta = 0.7 and S_i the number of its m+1 weights (the bias's
// included) that are -1. The largest sum the unit can reach is the number
// of its +1 weights, m+1-S_i, and each weight that disagrees with the
// input (+1 on a 0 bit, -1 on a 1 bit or on the bias) lowers it by one, so
// the unit fires exactly when at most 6 of its 21 weights disagree
// (fewer than (1-β)(m+1) = 6.3). The target is the sum of the output
// weights of the units that fire; there is no output bias.
//
// This is the threshold of the paper's Methods (after Mahmood & Sutton
// 2013), as BENCHMARKS.md states it. Dohare et al.'s code
// (lop/nets/fix_ltu_net.py) differs: it gives the bias input the opposite
// sign in the count, so a unit whose bias weight is -1 fires only when at
// most 4 weights disagree rather than 6, and its target has an output bias
// of ±1. The two targets differ, so this task's errors compare with the
// paper's in their course over time, not in their absolute level.
//
// All randomness comes from the seed: the target network from
// rngs.New(seed, 0, rngs.Task, 2000), the slow bits at the start from
// (seed, 0, rngs.Task, 2001), the bit flipped at event e from the first
// IntN(15) of (seed, e, rngs.Task, 2002), and the fast bits of example t
// from the low 5 bits of the first word of rngs.Derive(seed, t, rngs.Task,
// 2003). So any stretch of the stream can be made without the examples
// before it, at the cost of one draw per flip event before it.
//
// A BitFlip is read-only after NewBitFlip, so any number of goroutines may
// use it at once.
type BitFlip struct {
	seed      uint64
	flipEvery int
	slow0     uint32    // the slow bits at the start
	neg       []uint32  // for each unit, its -1 weights: bit k for input k, bit 20 for the bias
	theta     []float64 // each unit's threshold
	out       []float64 // each unit's output weight
}

// NewBitFlip returns the bit-flipping stream of a seed, with a flip every
// flipEvery examples (the paper: BitFlipEvery, 10,000).
func NewBitFlip(seed uint64, flipEvery int) (*BitFlip, error) {
	if flipEvery < 1 {
		return nil, fmt.Errorf("tasks: bitflip with a flip every %d examples; want >= 1", flipEvery)
	}
	b := &BitFlip{seed: seed, flipEvery: flipEvery}
	rng := rngs.New(seed, 0, rngs.Task, bitFlipNetStream)
	for range BitFlipUnits {
		var neg uint32
		for k := range BitFlipInputs + 1 {
			if rng.IntN(2) == 0 {
				neg |= 1 << k
			}
		}
		b.neg = append(b.neg, neg)
		b.theta = append(b.theta, BitFlipBeta*(BitFlipInputs+1)-float64(bits.OnesCount32(neg)))
	}
	for range BitFlipUnits {
		b.out = append(b.out, float64(2*rng.IntN(2)-1))
	}
	b.slow0 = uint32(rngs.New(seed, 0, rngs.Task, bitFlipInitStream).IntN(1 << BitFlipSlow))
	return b, nil
}

// FlipEvery returns the number of examples between flips.
func (b *BitFlip) FlipEvery() int { return b.flipEvery }

// Flipped returns the slow bit, 0 to 14, that flips at flip event e >= 1
// (at example e*FlipEvery()). It panics if e < 1.
func (b *BitFlip) Flipped(e int) int {
	if e < 1 {
		panic(fmt.Sprintf("tasks: bitflip: flip event %d; the first is 1", e))
	}
	return rngs.New(b.seed, e, rngs.Task, bitFlipFlipStream).IntN(BitFlipSlow)
}

// Slow returns the slow bits after the first events flip events (bit k is
// input k); Slow(0) is the start.
func (b *BitFlip) Slow(events int) uint32 {
	s := b.slow0
	src := rngs.NewSource(b.seed, 0, rngs.Task, bitFlipFlipStream)
	for e := 1; e <= events; e++ {
		src.Seed(b.seed, e, rngs.Task, bitFlipFlipStream)
		s ^= 1 << src.Rand.IntN(BitFlipSlow)
	}
	return s
}

// fast returns the fast bits of example t, in inputs 15 to 19.
func (b *BitFlip) fast(t int) uint32 {
	hi, _ := rngs.Derive(b.seed, t, rngs.Task, bitFlipFastStream)
	return uint32(hi&(1<<(BitFlipInputs-BitFlipSlow)-1)) << BitFlipSlow
}

// Input returns the 20 bits of example t >= 0 (bit k is input k).
func (b *BitFlip) Input(t int) uint32 {
	if t < 0 {
		panic(fmt.Sprintf("tasks: bitflip: example %d", t))
	}
	return b.Slow(t/b.flipEvery) | b.fast(t)
}

// Target returns the target network's output for 20 input bits x (bit k
// is input k). It panics if x has a bit above the 20th.
func (b *BitFlip) Target(x uint32) float64 {
	if x >= bitFlipBias {
		panic(fmt.Sprintf("tasks: bitflip: input %#x has more than %d bits", x, BitFlipInputs))
	}
	x |= bitFlipBias
	y := 0.0
	for i, neg := range b.neg {
		// The weighted sum: +1 for each input on under a +1 weight, -1
		// for each under a -1 weight.
		sum := bits.OnesCount32(x&^neg) - bits.OnesCount32(x&neg)
		if float64(sum) > b.theta[i] {
			y += b.out[i]
		}
	}
	return y
}

// TargetNet returns the target network: each unit's 21 weights (from
// inputs 0 to 19, then from the bias), its threshold, and the output
// weights.
func (b *BitFlip) TargetNet() (w [][]float64, theta, out []float64) {
	for _, neg := range b.neg {
		row := make([]float64, BitFlipInputs+1)
		for k := range row {
			row[k] = 1
			if neg&(1<<k) != 0 {
				row[k] = -1
			}
		}
		w = append(w, row)
	}
	return w, append([]float64(nil), b.theta...), append([]float64(nil), b.out...)
}

// Examples returns examples start, start+1, ..., start+n-1 of the stream
// as a dataset of 20 inputs (0 or 1) and one target. It panics if start
// or n is negative.
func (b *BitFlip) Examples(start, n int) *Dataset {
	return b.examples(start, n, -1)
}

// Chunk returns the k-th chunk of size consecutive examples: examples
// k*size to (k+1)*size-1. It panics if k < 0 or size < 1.
func (b *BitFlip) Chunk(k, size int) *Dataset {
	if k < 0 || size < 1 {
		panic(fmt.Sprintf("tasks: bitflip: chunk %d of size %d", k, size))
	}
	return b.examples(k*size, size, -1)
}

// examples returns n examples from start, with at most maxEvents flip
// events (none after the maxEvents-th), or all of them when maxEvents < 0.
func (b *BitFlip) examples(start, n, maxEvents int) *Dataset {
	if start < 0 || n < 0 {
		panic(fmt.Sprintf("tasks: bitflip: %d examples from %d", n, start))
	}
	events := func(t int) int {
		if e := t / b.flipEvery; maxEvents < 0 || e < maxEvents {
			return e
		}
		return maxEvents
	}
	d := &Dataset{Inputs: BitFlipInputs, Outputs: 1, X: make([]float64, n*BitFlipInputs), Y: make([]float64, n)}
	e := events(start)
	slow := b.Slow(e)
	for i := range n {
		t := start + i
		for ; e < events(t); e++ {
			slow ^= 1 << b.Flipped(e+1)
		}
		x := slow | b.fast(t)
		b.row(d, i, x)
	}
	return d
}

// row writes input bits x and their target as sample i of d.
func (b *BitFlip) row(d *Dataset, i int, x uint32) {
	row := d.X[i*BitFlipInputs : (i+1)*BitFlipInputs]
	for k := range row {
		row[k] = float64(x >> k & 1)
	}
	d.Y[i] = b.Target(x)
}

// bitFlipSource makes the phases of the bitflip stream.
type bitFlipSource struct {
	b   *BitFlip
	opt ContinualOptions
}

// NewBitFlipStream returns bitflip, the slowly-changing regression of
// Dohare et al. (2024) (see BitFlip) as a continual stream. A phase is the
// stretch between two flips: phase p is examples p*T to (p+1)*T-1, with T
// = opt.TrainPerPhase examples between flips (the paper: 10,000), so its
// slow bits are Slow(p) throughout. Each generation of the phase consumes
// the next chunk of those examples, as the paper's online learner moves on
// through the stream: generation g = p*G + j (G = opt.GenerationsPerPhase)
// has examples p*T + j*T/G to p*T + (j+1)*T/G - 1 (integer division) as
// its training split, which evaluation divides and samples as for any
// supervised task (evaluate.Training: a held-out part for fitness, the
// rest drawn for minibatches with replacement), so unlike the paper's
// learner it sees an example more than once. Generations past
// the last phase go on drawing new examples, with no more flips. Test(p)
// is the 32 distinct inputs of phase p (its slow bits with every value of
// the 5 fast bits), whose mean squared error is the phase's expected
// error; opt.TestPerPhase is not used. One identity output, learned with
// mean squared error.
func NewBitFlipStream(seed uint64, opt ContinualOptions) (*Stream, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if opt.TrainPerPhase < opt.GenerationsPerPhase {
		return nil, fmt.Errorf("tasks: continual.train_per_phase = %d, less than continual.generations_per_phase = %d; bitflip needs an example for each generation", opt.TrainPerPhase, opt.GenerationsPerPhase)
	}
	b, err := NewBitFlip(seed, opt.TrainPerPhase)
	if err != nil {
		return nil, err
	}
	return &Stream{
		Name: "bitflip", Inputs: BitFlipInputs, Outputs: 1,
		Loss: network.MSE, Classes: 0,
		Options: opt, src: &bitFlipSource{b: b, opt: opt},
	}, nil
}

// BitFlip returns the example stream of a bitflip stream, or nil for the
// others.
func (s *Stream) BitFlip() *BitFlip {
	if b, ok := s.src.(*bitFlipSource); ok {
		return b.b
	}
	return nil
}

func (s *bitFlipSource) train(p int) *Dataset {
	t := s.opt.TrainPerPhase
	return s.b.examples(p*t, t, p)
}

func (s *bitFlipSource) test(p int) *Dataset {
	const fast = 1 << (BitFlipInputs - BitFlipSlow)
	d := &Dataset{Inputs: BitFlipInputs, Outputs: 1, X: make([]float64, fast*BitFlipInputs), Y: make([]float64, fast)}
	slow := s.b.Slow(p)
	for f := range fast {
		s.b.row(d, f, slow|uint32(f)<<BitFlipSlow)
	}
	return d
}

func (s *bitFlipSource) trainAt(g, p int) *Dataset {
	t, gens := s.opt.TrainPerPhase, s.opt.GenerationsPerPhase
	j := g - p*gens // past the last phase, j >= gens
	start, end := p*t+j*t/gens, p*t+(j+1)*t/gens
	return s.b.examples(start, end-start, s.opt.Phases-1)
}

func (s *bitFlipSource) perGeneration() bool { return true }
