package tasks

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBitFlipTargetByHand checks Target on a network of two units whose
// outputs are worked out by hand.
func TestBitFlipTargetByHand(t *testing.T) {
	b := &BitFlip{
		// Unit 0: every weight +1, so S = 0 and θ = 0.7*21 = 14.7; its
		// sum is (bits on) + 1. Unit 1: -1 from inputs 0 to 9 and the
		// bias, +1 from 10 to 19, so S = 11 and θ = 14.7 - 11 = 3.7; its
		// sum is (bits 10-19 on) - (bits 0-9 on) - 1.
		neg:   []uint32{0, 0x3ff | 1<<20},
		theta: []float64{14.7, 3.7},
		out:   []float64{+1, -1},
	}
	for _, c := range []struct {
		x    uint32
		want float64
		why  string
	}{
		{0, 0, "sums 1 and -1: neither fires"},
		{0xfffff, 1, "sums 21 and -1: unit 0 fires"},
		{0xffc00, -1, "sums 11 and 9: unit 1 fires"},
		{0xffc00 | 0x3f, 1, "sums 17 and 3: unit 0 fires"},
		{0xffc00 | 0x1f, 0, "sums 16 and 4: both fire"},
		{0x3fff, 1, "14 bits on, sums 15 and -7: unit 0 fires"},
		{0x1fff, 0, "13 bits on, sums 14 and -8: neither fires"},
	} {
		if got := b.Target(c.x); got != c.want {
			t.Errorf("Target(%020b) = %v; want %v (%s)", c.x, got, c.want, c.why)
		}
	}
	mustPanicInternal(t, "Target(1<<20)", func() { b.Target(1 << 20) })
}

func mustPanicInternal(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

// TestBitFlipTargetNet checks the generated network's weights and
// thresholds, and Target against a slow reference computed from them.
func TestBitFlipTargetNet(t *testing.T) {
	b, err := NewBitFlip(11, BitFlipEvery)
	if err != nil {
		t.Fatal(err)
	}
	w, theta, out := b.TargetNet()
	if len(w) != 100 || len(theta) != 100 || len(out) != 100 {
		t.Fatalf("TargetNet: %d units, %d thresholds, %d output weights; want 100", len(w), len(theta), len(out))
	}
	neg := 0
	for i, row := range w {
		if len(row) != 21 {
			t.Fatalf("unit %d has %d weights; want 21", i, len(row))
		}
		s := 0
		for _, v := range row {
			if v != 1 && v != -1 {
				t.Fatalf("unit %d has weight %v; want ±1", i, v)
			}
			if v < 0 {
				s++
			}
		}
		neg += s
		if want := 0.7*21 - float64(s); math.Abs(theta[i]-want) > 1e-12 {
			t.Errorf("unit %d: θ = %v; want 0.7*21 - %d = %v", i, theta[i], s, want)
		}
		if out[i] != 1 && out[i] != -1 {
			t.Errorf("output weight %d = %v; want ±1", i, out[i])
		}
	}
	if neg < 900 || neg > 1200 {
		t.Errorf("%d of the 2100 input weights are -1; want about half", neg)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var sum, sum2 float64
	const n = 20000
	for range n {
		x := uint32(rng.IntN(1 << 20))
		want := 0.0
		for i, row := range w {
			z := row[20] // the bias input is 1
			for k := range 20 {
				z += row[k] * float64(x>>k&1)
			}
			if z > theta[i] {
				want += out[i]
			}
		}
		got := b.Target(x)
		if got != want {
			t.Fatalf("Target(%020b) = %v; the reference gives %v", x, got, want)
		}
		sum += got
		sum2 += got * got
	}
	mean := sum / n
	t.Logf("target over random inputs: mean %.3f, variance %.3f", mean, sum2/n-mean*mean)
	if sum2/n-mean*mean < 0.5 {
		t.Errorf("target variance %v; want a target that varies", sum2/n-mean*mean)
	}
}

func TestBitFlipStreamStructure(t *testing.T) {
	const every, events = 100, 30
	b, err := NewBitFlip(3, every)
	if err != nil {
		t.Fatal(err)
	}
	d := b.Examples(0, every*events)
	if err := d.Check(); err != nil || d.Inputs != 20 || d.Outputs != 1 || d.Len() != every*events {
		t.Fatalf("Examples: %d samples of %d inputs, %d outputs, %v", d.Len(), d.Inputs, d.Outputs, err)
	}
	const slowMask = 1<<BitFlipSlow - 1
	input := func(d *Dataset, i int) uint32 {
		var x uint32
		for k, v := range d.X[i*20 : (i+1)*20] {
			switch v {
			case 1:
				x |= 1 << k
			case 0:
			default:
				t.Fatalf("sample %d input %d = %v; want 0 or 1", i, k, v)
			}
		}
		return x
	}
	var fastOn [5]int
	prev := b.Slow(0)
	for i := range d.Len() {
		x := input(d, i)
		if x != b.Input(i) || d.Y[i] != b.Target(x) {
			t.Fatalf("example %d: input %020b, target %v; Input and Target give %020b, %v", i, x, d.Y[i], b.Input(i), b.Target(b.Input(i)))
		}
		slow := x & slowMask
		if i%every != 0 || i == 0 {
			if slow != prev {
				t.Fatalf("example %d: the slow bits changed between flip events", i)
			}
		} else {
			// A flip event: exactly one slow bit, Flipped(e), changes.
			e := i / every
			if diff := slow ^ prev; bits.OnesCount32(diff) != 1 || diff != 1<<b.Flipped(e) || slow != b.Slow(e) {
				t.Fatalf("flip event %d: slow bits %015b -> %015b; want bit %d flipped", e, prev, slow, b.Flipped(e))
			}
		}
		prev = slow
		for k := range 5 {
			fastOn[k] += int(x >> (15 + k) & 1)
		}
	}
	// The fast bits are fair coins: 3000 tosses, sd about 27.
	for k, on := range fastOn {
		if on < 1350 || on > 1650 {
			t.Errorf("fast bit %d on in %d of 3000 examples; want about half", k, on)
		}
	}
	// The flipped bit is uniform over the 15 slow bits.
	var flips [BitFlipSlow]int
	for e := 1; e <= 1500; e++ {
		flips[b.Flipped(e)]++
	}
	if slices.Min(flips[:]) < 60 || slices.Max(flips[:]) > 140 {
		t.Errorf("flips per slow bit over 1500 events: %v; want about 100 each", flips)
	}
	mustPanicInternal(t, "Flipped(0)", func() { b.Flipped(0) })

	// Any stretch can be made on its own: chunks and stretches across
	// flip events are the same rows as the whole.
	for _, c := range [][2]int{{0, 1}, {99, 2}, {150, 300}, {2999, 1}, {1234, 567}} {
		part := b.Examples(c[0], c[1])
		whole := Dataset{Inputs: 20, Outputs: 1, X: d.X[c[0]*20 : (c[0]+c[1])*20], Y: d.Y[c[0] : c[0]+c[1]]}
		if !slices.Equal(part.X, whole.X) || !slices.Equal(part.Y, whole.Y) {
			t.Errorf("Examples(%d, %d) differs from the same examples of Examples(0, 3000)", c[0], c[1])
		}
	}
	for k := range 10 {
		c := b.Chunk(k, 300)
		if !slices.Equal(c.X, d.X[k*300*20:(k+1)*300*20]) || !slices.Equal(c.Y, d.Y[k*300:(k+1)*300]) {
			t.Errorf("Chunk(%d, 300) is not examples %d to %d", k, k*300, k*300+299)
		}
	}
	mustPanicInternal(t, "Chunk(-1, 10)", func() { b.Chunk(-1, 10) })
	mustPanicInternal(t, "Chunk(0, 0)", func() { b.Chunk(0, 0) })

	// The seed fixes everything, and another seed changes it.
	twin, _ := NewBitFlip(3, every)
	if d2 := twin.Examples(0, every*events); !slices.Equal(d2.X, d.X) || !slices.Equal(d2.Y, d.Y) {
		t.Errorf("the same seed gives other examples")
	}
	other, _ := NewBitFlip(4, every)
	if d2 := other.Examples(0, every*events); slices.Equal(d2.X, d.X) || slices.Equal(d2.Y, d.Y) {
		t.Errorf("seeds 3 and 4 give the same examples")
	}
	if _, err := NewBitFlip(3, 0); err == nil {
		t.Errorf("NewBitFlip(flip every 0): no error")
	}
}
