package network_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/neuroplast/neuroplast/network"
)

// randomNet draws a feed-forward network: inputs, a bias node, hidden and
// output nodes in topological order, each computed node fed by a random
// subset of earlier nodes, every activation possible.
func randomNet(t *rapid.T, outs int) *network.Network {
	ins := rapid.IntRange(1, 4).Draw(t, "inputs")
	hidden := rapid.IntRange(0, 6).Draw(t, "hidden")
	nodes := ins + 1 + hidden + outs
	n := &network.Network{NumInputs: ins, NumBias: 1, Start: []int32{0}}
	acts := network.Activations()
	for j := range nodes {
		act, bias := network.Identity, 0.0
		if j > ins {
			act = rapid.SampledFrom(acts).Draw(t, "act")
			bias = rapid.Float64Range(-1, 1).Draw(t, "bias")
			for s := range j {
				if rapid.Float64Range(0, 1).Draw(t, "p") < 0.6 {
					n.Src = append(n.Src, int32(s))
					n.W = append(n.W, rapid.Float64Range(-1.5, 1.5).Draw(t, "w"))
				}
			}
		}
		n.Act = append(n.Act, act)
		n.Bias = append(n.Bias, bias)
		n.Start = append(n.Start, int32(len(n.Src)))
	}
	for k := range outs {
		n.Outputs = append(n.Outputs, int32(nodes-outs+k))
	}
	if err := n.Check(); err != nil {
		t.Fatal(err)
	}
	n.Reset()
	return n
}

// TestGradientMatchesFiniteDifferences compares Backward's gradients with
// central finite differences of Loss, for every loss, on random networks
// (and checks that Seed seeds the same gradient as Loss)
// with every activation, with and without dropout. The relative error |analytic - numeric| /
// max(|analytic|, |numeric|, 1e-4) must stay below 1e-5 (gradients below
// 1e-4 are thus compared to within 1e-9).
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	for _, loss := range []network.Loss{network.MSE, network.BinaryCE, network.SoftmaxCE} {
		t.Run(loss.String(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				outs := rapid.IntRange(1, 3).Draw(t, "outputs")
				n := randomNet(t, outs)
				size := rapid.IntRange(1, 5).Draw(t, "batch")
				x := make([]float64, size*n.NumInputs)
				for i := range x {
					x[i] = rapid.Float64Range(-1, 1).Draw(t, "x")
				}
				y := make([]float64, size*outs)
				for i := range size {
					hot := rapid.IntRange(0, outs-1).Draw(t, "class")
					for k := range outs {
						switch {
						case loss == network.SoftmaxCE && k == hot:
							y[i*outs+k] = 1
						case loss == network.BinaryCE:
							y[i*outs+k] = float64(rapid.IntRange(0, 1).Draw(t, "bit"))
						case loss == network.MSE:
							y[i*outs+k] = rapid.Float64Range(-1, 1).Draw(t, "y")
						}
					}
				}
				var b network.Batch
				b.Resize(n, size)
				// With dropout the masks stay fixed across the differences.
				if rate := rapid.SampledFrom([]float64{0, 0.3}).Draw(t, "dropout"); rate > 0 {
					b.SetDropout(n, rate, rand.New(rand.NewPCG(uint64(size), 9)))
				}
				lossAt := func() float64 {
					n.ForwardBatch(&b, x, nil)
					return n.Loss(&b, loss, y)
				}
				lossAt()
				// Finite differences are meaningless across the kinks of relu
				// and abs; such draws are discarded.
				for j, act := range n.Act {
					if act == network.ReLU || act == network.Abs {
						for _, v := range b.Activations(j) {
							if j >= n.NumInputs+n.NumBias && math.Abs(v) < 1e-3 {
								t.Skip("a relu or abs node sits on its kink")
							}
						}
					}
				}
				b.ZeroGrad()
				lossAt()
				n.Backward(&b)
				// Seed, which training calls, gives the very same gradient.
				gw, gb := slices.Clone(b.GradW), slices.Clone(b.GradB)
				b.ZeroGrad()
				n.ForwardBatch(&b, x, nil)
				n.Seed(&b, loss, y)
				n.Backward(&b)
				if !slices.Equal(gw, b.GradW) || !slices.Equal(gb, b.GradB) {
					t.Fatalf("Seed's gradient differs from Loss's")
				}
				at := func(p *float64, v float64) float64 {
					old := *p
					*p = v
					l := lossAt()
					*p = old
					return l
				}
				check := func(what string, k int, p *float64, analytic float64) {
					// Central differences at steps h and h/2, combined by
					// Richardson extrapolation: error O(h^4), so that steep
					// spots (a cross-entropy near 0 or 1) still compare well.
					const h = 1e-5
					old := *p
					d1 := (at(p, old+h) - at(p, old-h)) / (2 * h)
					d2 := (at(p, old+h/2) - at(p, old-h/2)) / h
					numeric := (4*d2 - d1) / 3
					rel := math.Abs(analytic-numeric) / max(math.Abs(analytic), math.Abs(numeric), 1e-4)
					if rel > 1e-5 {
						t.Fatalf("%s %d: analytic %v, numeric %v: relative error %.3g > 1e-5", what, k, analytic, numeric, rel)
					}
				}
				for c := range n.W {
					check("weight", c, &n.W[c], b.GradW[c])
				}
				for j := n.NumInputs + n.NumBias; j < len(n.Act); j++ {
					check("bias", j, &n.Bias[j], b.GradB[j])
				}
			})
		})
	}
}

// TestForwardBatchMatchesForward checks the batched pass against the
// single-sample one.
func TestForwardBatchMatchesForward(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := randomNet(t, 2)
		size := rapid.IntRange(1, 9).Draw(t, "batch")
		x := make([]float64, size*n.NumInputs)
		for i := range x {
			x[i] = rapid.Float64Range(-2, 2).Draw(t, "x")
		}
		var b network.Batch
		b.Resize(n, size)
		out := make([]float64, size*2)
		n.ForwardBatch(&b, x, out)
		one := make([]float64, 2)
		for i := range size {
			n.Forward(x[i*n.NumInputs:(i+1)*n.NumInputs], one)
			for k := range one {
				if math.Abs(one[k]-out[i*2+k]) > 1e-12 {
					t.Fatalf("sample %d output %d: batch %v, single %v", i, k, out[i*2+k], one[k])
				}
			}
		}
	})
}
