package network

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// refPass is ForwardBatch and Backward as plainly as they can be written:
// one floats.AddScaled per connection forward, one floats.Dot and one
// floats.AddScaled per connection backward, seeded with dOut as
// SetOutputGrad seeds. It returns every node's activations and the
// gradients added to gw and gb.
func refPass(n *Network, x []float64, size int, dOut, gw, gb []float64) (a []float64) {
	nodes, first := len(n.Act), n.NumInputs+n.NumBias
	a, z := make([]float64, nodes*size), make([]float64, nodes*size)
	for k := range n.NumInputs {
		for i := range size {
			a[k*size+i] = x[i*n.NumInputs+k]
		}
	}
	for j := n.NumInputs; j < first; j++ {
		for i := range size {
			a[j*size+i] = 1
		}
	}
	for j := first; j < nodes; j++ {
		zj := z[j*size : (j+1)*size]
		for i := range zj {
			zj[i] = n.Bias[j]
		}
		for c := n.Start[j]; c < n.Start[j+1]; c++ {
			s := int(n.Src[c])
			floats.AddScaled(zj, n.W[c], a[s*size:(s+1)*size])
		}
		for i, v := range zj {
			a[j*size+i] = n.Act[j].Apply(v)
		}
	}
	da := make([]float64, nodes*size)
	for j := nodes - 1; j >= first; j-- {
		dz := da[j*size : (j+1)*size]
		for k, o := range n.Outputs {
			if int(o) == j {
				for i := range dz {
					dz[i] += dOut[i*len(n.Outputs)+k]
				}
			}
		}
		n.Act[j].derivVec(dz, z[j*size:(j+1)*size], a[j*size:(j+1)*size])
		for _, o := range n.Outputs {
			if int(o) == j {
				for i := range dz {
					dz[i] += 0 // SetOutputGrad's cleared seedZ
				}
			}
		}
		gb[j] += floats.Sum(dz)
		for c := n.Start[j]; c < n.Start[j+1]; c++ {
			s := int(n.Src[c])
			gw[c] += floats.Dot(dz, a[s*size:(s+1)*size])
			if s >= first {
				floats.AddScaled(da[s*size:(s+1)*size], n.W[c], dz)
			}
		}
	}
	return a
}

// TestBatchExact checks ForwardBatch and Backward bit for bit against
// refPass on random networks and batches rich in what their shortcuts
// must get right: inputs zero (+0 or -0) across the whole batch, nodes
// fed by few sources, biases of -0, weights of ±0, ±Inf and NaN,
// non-finite output derivatives, gradients that start at -0, and batch
// sizes from 1 to 21.
func TestBatchExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-310, -1e-310}
	pick := func(p float64, normal func() float64) float64 {
		if rng.Float64() < p {
			return special[rng.IntN(len(special))]
		}
		return normal()
	}
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	acts := Activations()
	for trial := range 3000 {
		ins, hidden, outs := 1+rng.IntN(12), rng.IntN(8), 1+rng.IntN(3)
		nodes := ins + 1 + hidden + outs
		size := 1 + rng.IntN(21)
		wild := rng.IntN(3) == 0 // special weights, biases and derivatives
		n := &Network{NumInputs: ins, NumBias: 1, Start: []int32{0}}
		for j := range nodes {
			act, bias := Identity, 0.0
			if j > ins {
				act = acts[rng.IntN(len(acts))]
				if rng.IntN(3) == 0 {
					act = ReLU
				}
				bias = rng.NormFloat64()
				if rng.IntN(4) == 0 {
					bias = math.Copysign(0, float64(rng.IntN(2))-0.5)
				}
				p := 0.6
				if rng.IntN(3) == 0 {
					p = 0.2 // few sources: often only silent ones
				}
				for s := range j {
					if rng.Float64() < p {
						n.Src = append(n.Src, int32(s))
						w := rng.NormFloat64()
						if wild {
							w = pick(0.1, rng.NormFloat64)
						}
						n.W = append(n.W, w)
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
		x := make([]float64, size*ins)
		for k := range ins {
			allZero := rng.IntN(2) == 0
			for i := range size {
				v := 0.0
				switch {
				case allZero && rng.IntN(3) == 0:
					v = math.Copysign(0, -1)
				case allZero:
				case rng.IntN(3) == 0:
				default:
					v = rng.NormFloat64()
				}
				x[i*ins+k] = v
			}
		}
		dOut := make([]float64, size*outs)
		for i := range dOut {
			dOut[i] = rng.NormFloat64()
			if wild {
				dOut[i] = pick(0.05, rng.NormFloat64)
			}
		}
		gw, gb := make([]float64, len(n.W)), make([]float64, nodes)
		for c := range gw {
			gw[c] = pick(0.5, rng.NormFloat64)
		}
		refW, refB := append([]float64(nil), gw...), append([]float64(nil), gb...)
		want := refPass(n, x, size, dOut, refW, refB)

		var b Batch
		b.Resize(n, size)
		for rep := range 2 { // the second pass reuses the batch's lists
			copy(b.GradW, gw)
			copy(b.GradB, gb)
			n.ForwardBatch(&b, x, nil)
			n.SetOutputGrad(&b, dOut)
			n.Backward(&b)
			for j := range nodes {
				for i, v := range b.Activations(j) {
					if !same(v, want[j*size+i]) {
						t.Fatalf("trial %d pass %d: node %d sample %d activation %v, want %v", trial, rep, j, i, v, want[j*size+i])
					}
				}
			}
			for c := range refW {
				if !same(b.GradW[c], refW[c]) {
					t.Fatalf("trial %d pass %d: GradW[%d] = %v, want %v", trial, rep, c, b.GradW[c], refW[c])
				}
			}
			for j := range refB {
				if !same(b.GradB[j], refB[j]) {
					t.Fatalf("trial %d pass %d: GradB[%d] = %v, want %v", trial, rep, j, b.GradB[j], refB[j])
				}
			}
		}
	}
}
