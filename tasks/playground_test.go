package tasks_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
	"github.com/neuroplast/neuroplast/tasks"
)

var playgroundNames = []string{"circle", "xor2d", "gaussian", "spiral"}

// linearNet builds by hand a network with len(w) inputs, a bias node and
// one output node computing act(bias + sum w[i]*x[i]).
func linearNet(w []float64, bias float64, act network.Activation) *network.Network {
	in := len(w)
	nodes := in + 2
	n := &network.Network{
		NumInputs: in, NumBias: 1,
		Act:     make([]network.Activation, nodes),
		Bias:    make([]float64, nodes),
		Start:   make([]int32, nodes+1),
		W:       slices.Clone(w),
		Outputs: []int32{int32(in + 1)},
	}
	for j := range nodes - 1 {
		n.Act[j] = network.Identity
	}
	n.Act[in+1] = act
	n.Bias[in+1] = bias
	n.Start[nodes] = int32(in)
	for i := range in {
		n.Src = append(n.Src, int32(i))
	}
	if err := n.Check(); err != nil {
		panic(err)
	}
	n.Reset()
	return n
}

// fraction returns the fraction of points for which f holds.
func fraction(points []tasks.Point, f func(tasks.Point) bool) float64 {
	k := 0
	for _, p := range points {
		if f(p) {
			k++
		}
	}
	return float64(k) / float64(len(points))
}

func positive(p tasks.Point) bool { return p.Label > 0 }

func checkLabels(t *testing.T, name string, points []tasks.Point) {
	t.Helper()
	for i, p := range points {
		if p.Label != 1 && p.Label != -1 {
			t.Fatalf("%s: point %d has label %d; want +1 or -1", name, i, p.Label)
		}
	}
}

// twin returns a fresh generator for seed a. Two twins draw the same
// numbers, and each generator draws the same numbers at any noise, so a
// dataset made at noise 0 from one twin holds the clean points (and
// labels) of one made at another noise from the other.
func twin(a uint64) *rand.Rand { return rand.New(rand.NewPCG(a, a)) }

// meanSD returns the mean and the sample standard deviation of v.
func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	sq := 0.0
	for _, x := range v {
		sq += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sq / float64(len(v)-1))
}

// jitter returns the differences noisy - clean of all the coordinates,
// x and y interleaved, and reports an error for a label that differs.
func jitter(t *testing.T, name string, noise float64, noisy, clean []tasks.Point) []float64 {
	t.Helper()
	if len(noisy) != len(clean) {
		t.Fatalf("%s at noise %v: %d points; want %d", name, noise, len(noisy), len(clean))
	}
	d := make([]float64, 0, 2*len(noisy))
	for i, p := range noisy {
		c := clean[i]
		if p.Label != c.Label {
			t.Errorf("%s at noise %v: point %d labelled %d; want the clean point's label %d", name, noise, i, p.Label, c.Label)
		}
		d = append(d, p.X-c.X, p.Y-c.Y)
	}
	return d
}

// checkUniformJitter checks that the differences d are independent draws
// of U(-a, a), x and y interleaved.
func checkUniformJitter(t *testing.T, name string, noise float64, d []float64, a float64) {
	t.Helper()
	maxAbs, meanAbs, cross := 0.0, 0.0, 0.0
	for i, v := range d {
		if math.Abs(v) > a*(1+1e-12)+1e-12 {
			t.Fatalf("%s at noise %v: a coordinate moved by %v; want at most %v", name, noise, v, a)
		}
		maxAbs = max(maxAbs, math.Abs(v))
		meanAbs += math.Abs(v)
		if i%2 == 1 {
			cross += d[i-1] * v
		}
	}
	meanAbs /= float64(len(d))
	cross /= float64(len(d) / 2)
	// Standard errors: about 0.005a for the mean |v| (a/2) and 0.01a² for
	// the mean of x*y (0 for independent coordinates, a²/3 for equal ones).
	if maxAbs < 0.98*a || math.Abs(meanAbs-a/2) > 0.03*a || math.Abs(cross) > 0.05*a*a {
		t.Errorf("%s at noise %v: jitter up to %v, mean |jitter| %v, mean x*y jitter %v; want U(-%v, %v) in each coordinate: about %v, %v, 0",
			name, noise, maxAbs, meanAbs, cross, a, a, a, a/2)
	}
}

func TestCircleData(t *testing.T) {
	const n = 2000
	clean := tasks.CircleData(twin(1), n, 0)
	if len(clean) != n {
		t.Fatalf("CircleData(%d, 0) gave %d points", n, len(clean))
	}
	checkLabels(t, "circle", clean)
	inner, outer := clean[:n/2], clean[n/2:]
	if in, out := fraction(inner, positive), fraction(outer, positive); in != 1 || out != 0 {
		t.Fatalf("noise 0: positive fractions of the halves %v and %v; want the inner half positive, the outer negative", in, out)
	}
	radii := func(points []tasks.Point) []float64 {
		r := make([]float64, len(points))
		for i, p := range points {
			r[i] = math.Hypot(p.X, p.Y)
		}
		return r
	}
	rIn, rOut := radii(inner), radii(outer)
	for _, r := range rIn {
		if r >= 2.5 {
			t.Fatalf("noise 0: inner point at radius %v; want < 2.5", r)
		}
	}
	for _, r := range rOut {
		if r < 3.75-1e-12 || r > 5+1e-12 {
			t.Fatalf("noise 0: outer point at radius %v; want in [3.75, 5]", r)
		}
	}
	// The radii are uniform on their ranges, U(0, 2.5) and U(3.75, 5):
	// they fill them, and their means (standard errors 0.023 and 0.011)
	// are the middles.
	mIn, _ := meanSD(rIn)
	mOut, _ := meanSD(rOut)
	if slices.Min(rIn) > 0.05 || slices.Max(rIn) < 2.45 || slices.Min(rOut) > 3.8 || slices.Max(rOut) < 4.95 ||
		math.Abs(mIn-1.25) > 0.1 || math.Abs(mOut-4.375) > 0.05 {
		t.Errorf("noise 0: inner radii in [%v, %v] with mean %v, outer in [%v, %v] with mean %v; want U(0, 2.5) and U(3.75, 5)",
			slices.Min(rIn), slices.Max(rIn), mIn, slices.Min(rOut), slices.Max(rOut), mOut)
	}
	// The angles are uniform: each half plane holds half the points.
	right := fraction(clean, func(p tasks.Point) bool { return p.X > 0 })
	up := fraction(clean, func(p tasks.Point) bool { return p.Y > 0 })
	if math.Abs(right-0.5) > 0.05 || math.Abs(up-0.5) > 0.05 {
		t.Errorf("noise 0: %v of the points have x > 0 and %v y > 0; want about 0.5", right, up)
	}
	// Noise moves each clean point by U(-5, 5)*noise/3 in each coordinate
	// and leaves its label: the halves stay all positive and all negative
	// though the jitter (up to 2.5 at noise 1.5) takes points across the
	// circle of radius 2.5.
	for _, noise := range []float64{0.5, 1.5} {
		noisy := tasks.CircleData(twin(1), n, noise)
		checkUniformJitter(t, "circle", noise, jitter(t, "circle", noise, noisy, clean), 5*noise/3)
		crossed := fraction(noisy, func(p tasks.Point) bool { return (math.Hypot(p.X, p.Y) < 2.5) != (p.Label > 0) })
		if crossed == 0 {
			t.Errorf("noise %v: every point on its label's side of radius 2.5; want the jitter to move some across", noise)
		}
	}
	// An odd count gives the extra point to the positive class, first.
	pts := tasks.CircleData(twin(1), 5, 0)
	if labels := []int{pts[0].Label, pts[1].Label, pts[2].Label, pts[3].Label, pts[4].Label}; !slices.Equal(labels, []int{1, 1, 1, -1, -1}) {
		t.Errorf("CircleData(5, 0) labels %v; want 3 positive and then 2 negative points", labels)
	}
}

// xorLabel is the label of a stored point of "xor2d": +1 when x and y are
// both positive or both negative.
func xorLabel(p tasks.Point) int {
	if p.X > 0 && p.Y > 0 || p.X < 0 && p.Y < 0 {
		return 1
	}
	return -1
}

func TestXORData(t *testing.T) {
	const n = 4000
	clean := tasks.XORData(twin(2), n, 0)
	if len(clean) != n {
		t.Fatalf("XORData(%d, 0) gave %d points", n, len(clean))
	}
	// The clean coordinates are U(-5, 5): they fill the range, with mean 0
	// and standard deviation 10/sqrt(12) (standard errors 0.032 and 0.016).
	coords := make([]float64, 0, 2*n)
	for _, p := range clean {
		coords = append(coords, p.X, p.Y)
	}
	for _, v := range coords {
		if v < -5 || v >= 5 {
			t.Fatalf("noise 0: coordinate %v; want in [-5, 5)", v)
		}
	}
	if mean, sd := meanSD(coords); slices.Min(coords) > -4.95 || slices.Max(coords) < 4.95 ||
		math.Abs(mean) > 0.15 || math.Abs(sd-10/math.Sqrt(12)) > 0.08 {
		t.Errorf("noise 0: coordinates in [%v, %v] with mean %v and sd %v; want U(-5, 5): sd %v",
			slices.Min(coords), slices.Max(coords), mean, sd, 10/math.Sqrt(12))
	}
	for _, noise := range []float64{0, 0.5, 2} {
		points := tasks.XORData(twin(2), n, noise)
		checkLabels(t, "xor2d", points)
		// The labels are those of the stored points, without label noise,
		// even where noise moved a point across an axis.
		for i, p := range points {
			if want := xorLabel(p); p.Label != want {
				t.Fatalf("noise %v: point %d at (%v, %v) labelled %d; want %d", noise, i, p.X, p.Y, p.Label, want)
			}
		}
		if pos := fraction(points, positive); pos < 0.45 || pos > 0.55 {
			t.Errorf("noise %v: positive fraction %v; want about 0.5", noise, pos)
		}
		if noise == 0 {
			continue
		}
		flipped := 0
		d := make([]float64, 0, 2*n)
		for i, p := range points {
			c := clean[i]
			d = append(d, p.X-c.X, p.Y-c.Y)
			if p.Label != c.Label {
				flipped++
			}
		}
		if flipped == 0 {
			t.Errorf("noise %v: no point changed quadrant; want the labels to follow the noisy points", noise)
		}
		// The noise is normal with standard deviation noise: mean 0, sd
		// noise (standard errors 0.011*noise and 0.008*noise), and 68.3% of
		// it within one sd (a uniform one would put 57.7% there).
		mean, sd := meanSD(d)
		within := 0.0
		for _, v := range d {
			if math.Abs(v) < noise {
				within++
			}
		}
		within /= float64(len(d))
		if math.Abs(mean) > 0.05*noise || math.Abs(sd-noise) > 0.04*noise || math.Abs(within-0.6827) > 0.03 {
			t.Errorf("noise %v: noise with mean %v, sd %v, %v within one sd; want N(0, %v²)", noise, mean, sd, within, noise)
		}
	}
}

func TestGaussData(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, tt := range []struct{ noise, sd float64 }{{0, 1}, {0.25, 1.25}, {0.5, 1.5}} {
		const n = 4000
		points := tasks.GaussData(rng, n, tt.noise)
		if len(points) != n {
			t.Fatalf("GaussData(%d, %v) gave %d points", n, tt.noise, len(points))
		}
		checkLabels(t, "gaussian", points)
		if pos := fraction(points[:n/2], positive); pos != 1 || fraction(points[n/2:], positive) != 0 {
			t.Fatalf("noise %v: first half %v positive; want the first half positive and the rest negative", tt.noise, pos)
		}
		for half, c := range []float64{2, -2} {
			pts := points[half*n/2 : (half+1)*n/2]
			xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
			for i, p := range pts {
				xs[i], ys[i] = p.X, p.Y
			}
			within := 0.0
			for _, coord := range [][]float64{xs, ys} {
				mean, sd := meanSD(coord)
				// Standard errors: sd/sqrt(2000) <= 0.034 for the mean,
				// about sd/sqrt(4000) <= 0.024 for the deviation.
				if math.Abs(mean-c) > 0.15 || math.Abs(sd-tt.sd) > 0.1 {
					t.Errorf("noise %v, class at %v: mean %v, sd %v; want %v and %v", tt.noise, c, mean, sd, c, tt.sd)
				}
				for _, v := range coord {
					if math.Abs(v-c) < tt.sd {
						within++
					}
				}
			}
			// Normal and independent coordinates: 68.3% within one sd of
			// the centre, and no correlation (standard error 0.022).
			within /= float64(2 * len(pts))
			mx, sx := meanSD(xs)
			my, sy := meanSD(ys)
			corr := 0.0
			for i := range xs {
				corr += (xs[i] - mx) * (ys[i] - my)
			}
			corr /= float64(len(xs)-1) * sx * sy
			if math.Abs(within-0.6827) > 0.03 || math.Abs(corr) > 0.1 {
				t.Errorf("noise %v, class at %v: %v within one sd, correlation %v; want 0.683 and 0", tt.noise, c, within, corr)
			}
		}
	}
	// An odd count gives the extra point to the positive class, first.
	pts := tasks.GaussData(rng, 5, 0.5)
	if labels := []int{pts[0].Label, pts[1].Label, pts[2].Label, pts[3].Label, pts[4].Label}; !slices.Equal(labels, []int{1, 1, 1, -1, -1}) {
		t.Errorf("GaussData(5, 0.5) labels %v; want 3 positive and then 2 negative points", labels)
	}
}

func TestSpiralData(t *testing.T) {
	const n = 200
	clean := tasks.SpiralData(twin(4), n, 0)
	if len(clean) != n {
		t.Fatalf("SpiralData(%d, 0) gave %d points", n, len(clean))
	}
	checkLabels(t, "spiral", clean)
	// The first arm (angle offset 0) is negative, the second (offset π)
	// positive.
	if neg, pos := fraction(clean[:n/2], positive), fraction(clean[n/2:], positive); neg != 0 || pos != 1 {
		t.Fatalf("positive fractions of the arms %v and %v; want the first arm negative and the second positive", neg, pos)
	}
	for i, p := range clean[:n/2] {
		// Point i of an arm is at radius i/100*6 and angle 1.75*2π*i/100.
		r, want := math.Hypot(p.X, p.Y), float64(i)/(n/2)*6
		if math.Abs(r-want) > 1e-12 {
			t.Errorf("noise 0: point %d at radius %v; want %v", i, r, want)
		}
		if i > 0 {
			a, wantA := math.Atan2(p.X, p.Y), 1.75*2*math.Pi*float64(i)/(n/2)
			if math.Abs(math.Remainder(a-wantA, 2*math.Pi)) > 1e-9 {
				t.Errorf("noise 0: point %d at angle %v; want %v (mod 2π)", i, a, math.Remainder(wantA, 2*math.Pi))
			}
		}
		// The arms are half a turn apart: each point of the second arm is
		// the first arm's reflected through the origin.
		q := clean[n/2+i]
		if math.Abs(q.X+p.X) > 1e-9 || math.Abs(q.Y+p.Y) > 1e-9 {
			t.Errorf("noise 0: point %d of the arms at (%v, %v) and (%v, %v); want opposite", i, p.X, p.Y, q.X, q.Y)
		}
	}
	// h = n/2 is a real number: with n = 5 the radii step by 6/2.5 = 2.4,
	// and the first (negative) arm gets the extra point.
	odd := tasks.SpiralData(twin(4), 5, 0)
	wantR, wantL := []float64{0, 2.4, 4.8, 0, 2.4}, []int{-1, -1, -1, 1, 1}
	for i, p := range odd {
		if r := math.Hypot(p.X, p.Y); math.Abs(r-wantR[i]) > 1e-12 || p.Label != wantL[i] {
			t.Errorf("SpiralData(5, 0): point %d at radius %v labelled %d; want %v and %d", i, r, p.Label, wantR[i], wantL[i])
		}
	}
	// Noise moves each point by U(-1, 1)*noise in each coordinate and
	// leaves its label (2000 points, for the statistics of the jitter).
	const big = 2000
	cleanBig := tasks.SpiralData(twin(4), big, 0)
	for _, noise := range []float64{0.5, 2} {
		noisy := tasks.SpiralData(twin(4), big, noise)
		checkUniformJitter(t, "spiral", noise, jitter(t, "spiral", noise, noisy, cleanBig), noise)
		for i, p := range noisy {
			if r, rmax := math.Hypot(p.X, p.Y), 6*float64(big/2-1)/(big/2)+noise*math.Sqrt2; r > rmax {
				t.Errorf("noise %v: point %d at radius %v; want <= %v", noise, i, r, rmax)
			}
		}
	}
}

// sameData reports whether two datasets hold the same values.
func sameData(a, b *tasks.Dataset) bool {
	return a.Inputs == b.Inputs && a.Outputs == b.Outputs && slices.Equal(a.X, b.X) && slices.Equal(a.Y, b.Y)
}

func newSupervised(t *testing.T, name string, seed uint64) tasks.Supervised {
	t.Helper()
	task, err := tasks.New(name, seed)
	if err != nil {
		t.Fatal(err)
	}
	sup, ok := task.(tasks.Supervised)
	if !ok {
		t.Fatalf("New(%q) = %T; want a tasks.Supervised", name, task)
	}
	return sup
}

// playgroundGen maps each Playground task to its generator and the id of
// its data streams (rngs.Task, 2*stream for training, 2*stream+1 for test).
var playgroundGen = map[string]struct {
	gen    func(*rand.Rand, int, float64) []tasks.Point
	stream int
}{
	"circle":   {tasks.CircleData, 1},
	"xor2d":    {tasks.XORData, 2},
	"gaussian": {tasks.GaussData, 3},
	"spiral":   {tasks.SpiralData, 4},
}

// sortedSamples returns the samples of d as (x, y, target) triples, sorted.
func sortedSamples(d *tasks.Dataset) [][3]float64 {
	s := make([][3]float64, d.Len())
	for i := range s {
		s[i] = [3]float64{d.X[2*i], d.X[2*i+1], d.Y[i]}
	}
	slices.SortFunc(s, func(a, b [3]float64) int { return slices.Compare(a[:], b[:]) })
	return s
}

func TestPlaygroundData(t *testing.T) {
	const noise = tasks.PlaygroundNoise
	// Bounds on |input| = |coordinate|/5. The inputs are not rescaled to
	// [-1, 1]: circle's jitter reaches 5*noise/3 beyond radius 5, spiral's
	// radius is below 6 and its noise at most noise, xor2d's normal noise is
	// within 5 sds (all but surely), and the Gaussians, sd noise+1 around ±2,
	// within 6 sds. Spiral's and xor2d's inputs go past 1.
	bounds := map[string]struct{ max, over float64 }{
		"circle":   {(5 + 5*noise/3) / 5, 0},
		"xor2d":    {(5 + 5*noise) / 5, 1},
		"gaussian": {(2 + 6*(noise+1)) / 5, 0},
		"spiral":   {(6 + noise) / 5, 1.1},
	}
	for _, name := range playgroundNames {
		a, again, other := newSupervised(t, name, 7), newSupervised(t, name, 7), newSupervised(t, name, 8)
		for k, d := range []*tasks.Dataset{a.Train(), a.Test()} {
			if err := d.Check(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			if d.Len() != tasks.PlaygroundSize || d.Inputs != 2 || d.Outputs != 1 {
				t.Errorf("%s: %d samples of %d inputs and %d outputs; want %d, 2, 1", name, d.Len(), d.Inputs, d.Outputs, tasks.PlaygroundSize)
			}
			// The split holds, shuffled, the generator's points from the
			// split's stream at the default noise, as (x/5, y/5) -> 1 for
			// the positive class and 0 for the negative.
			g := playgroundGen[name]
			points := g.gen(rngs.New(7, 0, rngs.Task, 2*g.stream+k), tasks.PlaygroundSize, noise)
			want := tasks.Dataset{Inputs: 2, Outputs: 1}
			for _, p := range points {
				want.X = append(want.X, p.X/5, p.Y/5)
				want.Y = append(want.Y, float64(p.Label+1)/2)
			}
			if !slices.Equal(sortedSamples(d), sortedSamples(&want)) {
				t.Errorf("%s: split %d does not hold the generator's points scaled by 1/5", name, k)
			}
			maxAbs := 0.0
			for _, v := range d.X {
				maxAbs = max(maxAbs, math.Abs(v))
			}
			if b := bounds[name]; maxAbs > b.max || maxAbs <= b.over {
				t.Errorf("%s: inputs up to %v in absolute value; want the coordinates scaled by 1/5: in (%v, %v]", name, maxAbs, b.over, b.max)
			}
			pos := 0
			for _, y := range d.Y {
				if y != 0 && y != 1 {
					t.Fatalf("%s: target %v; want 0 or 1", name, y)
				}
				pos += int(y)
			}
			// Balance: circle, gaussian and spiral generate half of each
			// class; xor2d's classes are equally likely.
			frac := float64(pos) / float64(d.Len())
			if name == "xor2d" && (frac < 0.4 || frac > 0.6) || name != "xor2d" && frac != 0.5 {
				t.Errorf("%s: %v of the targets are 1; want 0.5 (about 0.5 for xor2d)", name, frac)
			}
			// Shuffled: the classes are mixed through the split.
			firstHalf := 0.0
			for _, y := range d.Y[:d.Len()/2] {
				firstHalf += y
			}
			if firstHalf == 0 || firstHalf == float64(d.Len()/2) {
				t.Errorf("%s: the first half of a split is all one class; want the points shuffled", name)
			}
		}
		if !sameData(a.Train(), again.Train()) || !sameData(a.Test(), again.Test()) {
			t.Errorf("%s: two tasks from seed 7 hold different data; want identical", name)
		}
		if sameData(a.Train(), other.Train()) || sameData(a.Test(), other.Test()) {
			t.Errorf("%s: seeds 7 and 8 give the same data; want different", name)
		}
		if sameData(a.Train(), a.Test()) {
			t.Errorf("%s: the training and test splits are the same", name)
		}
	}
	// Different tasks draw from different streams.
	if sameData(newSupervised(t, "circle", 7).Train(), newSupervised(t, "xor2d", 7).Train()) {
		t.Error("circle and xor2d hold the same data")
	}
}

func TestPlaygroundInfo(t *testing.T) {
	for _, name := range playgroundNames {
		sup := newSupervised(t, name, 1)
		info := sup.Info()
		want := tasks.Info{
			Name: name, Description: tasks.Describe(name),
			Inputs: 2, Outputs: 1, Bias: true,
			OutputAct: network.Sigmoid, FeedForward: true,
			MaxFitness: 0, Metric: "accuracy", Supervised: true, Deterministic: true,
		}
		if info != want || info.Description == "" {
			t.Errorf("%s: Info() = %+v; want %+v with a description", name, info, want)
		}
		if sup.Loss() != network.BinaryCE || sup.Classes() != 2 {
			t.Errorf("%s: Loss() = %v, Classes() = %d; want binary-ce and 2", name, sup.Loss(), sup.Classes())
		}
	}
}

func TestNewPlaygroundErrors(t *testing.T) {
	for _, tt := range []struct {
		name        string
		train, test int
		noise       float64
	}{
		{"moons", 200, 200, 0.5},
		{"circle", 1, 200, 0.5},
		{"circle", 200, 0, 0.5},
		{"circle", 200, 200, -0.1},
		{"circle", 200, 200, math.NaN()},
		{"circle", 200, 200, math.Inf(1)},
	} {
		if _, err := tasks.NewPlayground(tt.name, 1, tt.train, tt.test, tt.noise); err == nil {
			t.Errorf("NewPlayground(%q, 1, %d, %d, %v) succeeded; want an error", tt.name, tt.train, tt.test, tt.noise)
		}
	}
	task, err := tasks.NewPlayground("spiral", 1, 31, 9, 0)
	if err != nil || task.Train().Len() != 31 || task.Test().Len() != 9 {
		t.Errorf("NewPlayground(spiral, 1, 31, 9, 0) = %v, %v; want 31 training and 9 test points", task, err)
	}
}

// TestPlaygroundScoreLinear scores a linear separator through the origin
// on the two Gaussians: at noise 0 (sd 1) the centres lie 2√2 ≈ 2.8
// standard deviations from the line x + y = 0.
func TestPlaygroundScoreLinear(t *testing.T) {
	task, err := tasks.NewPlayground("gaussian", 3, 200, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	var b network.Batch
	for _, tt := range []struct {
		name     string
		w        float64
		min, max float64
		solved   bool
	}{
		{"separator", 2, 0.99, 1, true},
		{"negated", -2, 0, 0.01, false},
	} {
		net := linearNet([]float64{tt.w, tt.w}, 0, network.Sigmoid)
		for _, d := range []*tasks.Dataset{task.Train(), task.Test()} {
			r := task.Score(net, d, &b)
			if r.Metric < tt.min || r.Metric > tt.max || r.Solved != tt.solved {
				t.Errorf("%s: Score = %+v; want accuracy in [%v, %v] and solved %v", tt.name, r, tt.min, tt.max, tt.solved)
			}
			if r.Fitness >= 0 || (tt.solved && r.Fitness < -0.1) {
				t.Errorf("%s: fitness %v; want minus a positive cross-entropy, small for the separator", tt.name, r.Fitness)
			}
		}
		if got, want := task.Evaluate(net, nil), task.Score(net, task.Test(), &b); got != want {
			t.Errorf("%s: Evaluate = %+v; want Score on the test split, %+v", tt.name, got, want)
		}
	}
	// At noise 0.5 (sd 1.5) the classes overlap: the same separator scores
	// about 0.97 (2√2/1.5 ≈ 1.9 standard deviations), the best possible.
	noisy := newSupervised(t, "gaussian", 3)
	r := noisy.Evaluate(linearNet([]float64{1, 1}, 0, network.Sigmoid), nil)
	if r.Metric < 0.92 || r.Metric > 0.995 {
		t.Errorf("noise 0.5: separator accuracy %v; want about 0.97", r.Metric)
	}
}

// TestPlaygroundScoreByHand checks Score against the cross-entropy and
// accuracy computed by hand on three samples.
func TestPlaygroundScoreByHand(t *testing.T) {
	task := newSupervised(t, "circle", 1)
	d := &tasks.Dataset{Inputs: 2, Outputs: 1,
		X: []float64{0.5, -0.2, -0.4, 0.1, 0.3, 0.9},
		Y: []float64{1, 1, 0},
	}
	w, bias := []float64{0.7, -0.3}, 0.2
	net := linearNet(w, bias, network.Sigmoid)
	loss, correct := 0.0, 0
	for i, y := range d.Y {
		z := bias + w[0]*d.X[2*i] + w[1]*d.X[2*i+1]
		p := 1 / (1 + math.Exp(-4.9*z))
		loss -= y*math.Log(p) + (1-y)*math.Log(1-p)
		if (p > 0.5) == (y == 1) {
			correct++
		}
	}
	loss /= 3
	var b network.Batch
	r := task.Score(net, d, &b)
	if math.Abs(r.Fitness+loss) > 1e-12 || r.Metric != float64(correct)/3 || r.Solved {
		t.Errorf("Score = %+v; want fitness %v, accuracy %v, unsolved", r, -loss, float64(correct)/3)
	}
	// An identity output is read as a logit: the threshold is 0 and the
	// loss is the cross-entropy of its sigmoid.
	logit := linearNet(w, bias, network.Identity)
	loss, correct = 0, 0
	for i, y := range d.Y {
		z := bias + w[0]*d.X[2*i] + w[1]*d.X[2*i+1]
		p := 1 / (1 + math.Exp(-z))
		loss -= y*math.Log(p) + (1-y)*math.Log(1-p)
		if (z > 0) == (y == 1) {
			correct++
		}
	}
	loss /= 3
	r = task.Score(logit, d, &b)
	if math.Abs(r.Fitness+loss) > 1e-12 || r.Metric != float64(correct)/3 {
		t.Errorf("identity output: Score = %+v; want fitness %v, accuracy %v", r, -loss, float64(correct)/3)
	}
}

// TestPlaygroundConcurrent evaluates one task from many goroutines at
// once; run with -race it also checks that scoring writes nothing shared.
func TestPlaygroundConcurrent(t *testing.T) {
	task := newSupervised(t, "spiral", 5)
	want := task.Evaluate(linearNet([]float64{1, -1}, 0.1, network.Sigmoid), nil)
	var wg sync.WaitGroup
	results := make([]tasks.Result, 8)
	for i := range results {
		wg.Go(func() {
			net := linearNet([]float64{1, -1}, 0.1, network.Sigmoid)
			var b network.Batch
			results[i] = task.Score(net, task.Test(), &b)
		})
	}
	wg.Wait()
	for i, r := range results {
		if r != want {
			t.Errorf("goroutine %d: Score = %+v; want %+v", i, r, want)
		}
	}
}
