package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Batch is the scratch space for evaluating and differentiating a
// feed-forward network on several samples at once. Node values are stored
// node-major, as contiguous vectors of batch length, so that each
// connection is one unit-stride multiply-add over the batch (AXPY) forward
// and one dot product plus one AXPY backward.
//
// A Batch belongs to one goroutine; Resize it for a network before use. It
// allocates only when it must grow.
type Batch struct {
	size   int
	nodes  int
	first  int       // the first computed node
	z      []float64 // pre-activations, node-major
	a      []float64 // activations, node-major
	da     []float64 // dLoss/da, node-major
	seedA  []float64 // the loss's derivatives by output activation, output-major
	seedZ  []float64 // and by output pre-activation, where the loss is fused with the activation
	outIdx []int     // each node's output index, or -1

	// When some input is ±0 for every sample of the batch (MNIST pixels
	// often are), ForwardBatch leaves out the connections whose products
	// are then 0 (see live) and Backward their dot products: zero[k]
	// reports that input k is; lists that the last ForwardBatch found some
	// and sorted each computed node j's connections into conns[Start[j]:
	// Start[j+1]], the nLive[j] it added first.
	zero  []bool
	lists bool
	conns []int32
	nLive []int32

	dropout bool      // masks apply to hidden nodes
	mask    []float64 // node-major: 0 or 1/(1-rate) per hidden node and sample
	dropped []float64 // node-major: masked activations of hidden nodes

	// GradW and GradB accumulate the loss gradient with respect to the
	// network's W and Bias over every Backward call since ZeroGrad.
	GradW []float64
	GradB []float64
}

// Resize prepares b for n with size samples per batch. Call it again after
// n is recompiled or replaced.
func (b *Batch) Resize(n *Network, size int) {
	if size < 1 {
		panic(fmt.Sprintf("network: batch size %d, want >= 1", size))
	}
	b.size, b.nodes, b.first = size, len(n.Act), n.NumInputs+n.NumBias
	b.dropout, b.lists = false, false
	cells := b.nodes * size
	b.z = grow(b.z, cells)
	b.a = grow(b.a, cells)
	b.da = grow(b.da, cells)
	b.GradW = grow(b.GradW, len(n.W))
	b.GradB = grow(b.GradB, b.nodes)
	b.seedA = grow(b.seedA, len(n.Outputs)*size)
	b.seedZ = grow(b.seedZ, len(n.Outputs)*size)
	if cap(b.outIdx) < b.nodes {
		b.outIdx = make([]int, b.nodes)
		b.zero = make([]bool, b.nodes)
		b.nLive = make([]int32, b.nodes)
	}
	b.zero, b.nLive = b.zero[:b.nodes], b.nLive[:b.nodes]
	clear(b.zero)
	if cap(b.conns) < len(n.W) {
		b.conns = make([]int32, len(n.W))
	}
	b.conns = b.conns[:len(n.W)]
	b.outIdx = b.outIdx[:b.nodes]
	for j := range b.outIdx {
		b.outIdx[j] = -1
	}
	for k, o := range n.Outputs {
		b.outIdx[o] = k
	}
}

// SetDropout draws fresh dropout masks for the hidden nodes of n (computed
// nodes that are not outputs): each hidden activation is silenced with
// probability rate in the next ForwardBatch and Backward, and the others
// are scaled by 1/(1-rate), so the expected input of every node is
// unchanged (inverted dropout). A rate of 0 turns dropout off.
func (b *Batch) SetDropout(n *Network, rate float64, rng *rand.Rand) {
	b.dropout = rate > 0
	if !b.dropout {
		return
	}
	size := b.size
	b.mask = grow(b.mask, b.nodes*size)
	b.dropped = grow(b.dropped, b.nodes*size)
	keep := 1 / (1 - rate)
	for j := n.NumInputs + n.NumBias; j < b.nodes; j++ {
		if b.outIdx[j] >= 0 {
			continue
		}
		m := b.mask[j*size : (j+1)*size]
		for i := range m {
			if rng.Float64() < rate {
				m[i] = 0
			} else {
				m[i] = keep
			}
		}
	}
}

// value returns node j's output vector as the nodes it feeds see it: its
// activations, after dropout for a hidden node.
func (b *Batch) value(j int) []float64 {
	if b.dropout && j >= b.first && b.outIdx[j] < 0 {
		return b.dropped[j*b.size : (j+1)*b.size]
	}
	return b.a[j*b.size : (j+1)*b.size]
}

// Size returns the batch length set by Resize.
func (b *Batch) Size() int { return b.size }

// ZeroGrad clears the accumulated gradients.
func (b *Batch) ZeroGrad() {
	clear(b.GradW)
	clear(b.GradB)
}

// Activations returns node j's activation vector from the last
// ForwardBatch: one value per sample. The slice is b's own.
func (b *Batch) Activations(j int) []float64 { return b.a[j*b.size : (j+1)*b.size] }

// ForwardBatch evaluates a feed-forward network on b.Size() samples. x
// holds the inputs sample by sample (sample i's inputs are
// x[i*NumInputs:(i+1)*NumInputs]). Afterwards b holds every node's
// pre-activation and activation for Backward, and out (if not nil) gets
// the outputs sample by sample (len(Outputs) values each). It does not
// allocate.
//
// It panics if the network is recurrent, b was sized for a network of
// another size, or x or out have the wrong length.
func (n *Network) ForwardBatch(b *Batch, x, out []float64) {
	size := b.size
	if n.Stateful() {
		panic("network: ForwardBatch on a recurrent or synchronous network")
	}
	if b.nodes != len(n.Act) || len(b.GradW) != len(n.W) {
		panic(fmt.Sprintf("network: batch sized for %d nodes and %d weights, network has %d and %d", b.nodes, len(b.GradW), len(n.Act), len(n.W)))
	}
	if len(x) != size*n.NumInputs {
		panic(fmt.Sprintf("network: %d input values for a batch of %d with %d inputs", len(x), size, n.NumInputs))
	}
	if out != nil && len(out) != size*len(n.Outputs) {
		panic(fmt.Sprintf("network: room for %d outputs, want %d", len(out), size*len(n.Outputs)))
	}
	anyZero := false
	for k := 0; k < n.NumInputs; k++ {
		v := b.a[k*size : (k+1)*size]
		var bits uint64
		for i := range v {
			v[i] = x[i*n.NumInputs+k]
			bits |= math.Float64bits(v[i]) << 1 // 0 for ±0 only
		}
		b.zero[k] = bits == 0
		anyZero = anyZero || bits == 0
	}
	b.lists = anyZero && !b.dropout
	for j := n.NumInputs; j < n.NumInputs+n.NumBias; j++ {
		v := b.a[j*size : (j+1)*size]
		for i := range v {
			v[i] = 1
		}
	}
	for j := n.NumInputs + n.NumBias; j < len(n.Act); j++ {
		z := b.z[j*size : (j+1)*size]
		bias := n.Bias[j]
		for i := range z {
			z[i] = bias
		}
		if b.lists {
			for _, c := range b.live(n, j) {
				s := int(n.Src[c])
				floats.AddScaled(z, n.W[c], b.a[s*size:(s+1)*size])
			}
		} else {
			for c := n.Start[j]; c < n.Start[j+1]; c++ {
				floats.AddScaled(z, n.W[c], b.value(int(n.Src[c])))
			}
		}
		a := b.a[j*size : (j+1)*size]
		n.Act[j].applyVec(a, z)
		if b.dropout && b.outIdx[j] < 0 {
			floats.MulTo(b.dropped[j*size:(j+1)*size], a, b.mask[j*size:(j+1)*size])
		}
	}
	if out != nil {
		outs := len(n.Outputs)
		for k, o := range n.Outputs {
			v := b.a[int(o)*size : (int(o)+1)*size]
			for i, y := range v {
				out[i*outs+k] = y
			}
		}
	}
}

// live sorts node j's connections into b.conns[Start[j]:Start[j+1]]:
// first, in order, those ForwardBatch must add (it records how many in
// b.nLive[j]), then those it may leave out, whose products are 0 for
// every sample and leave the sums as they are. A connection can be left
// out when its source is an input whose values are all ±0 (b.zero) and
// its weight is finite, so that each product is ±0, and the node's bias
// is not -0: a sum then never becomes -0 (in round-to-nearest, x + y is
// -0 only when both are), and adding ±0 to a sum that is not -0 does not
// change it. It returns the connections to add.
func (b *Batch) live(n *Network, j int) []int32 {
	lo, hi := n.Start[j], n.Start[j+1]
	conns := b.conns[lo:hi]
	if bias := n.Bias[j]; bias == 0 && math.Signbit(bias) {
		for k := range conns {
			conns[k] = lo + int32(k)
		}
		b.nLive[j] = hi - lo
		return conns
	}
	src, w := n.Src[lo:hi], n.W[lo:hi]
	w = w[:len(src)]
	// Kept connections fill conns from the front, the others from the
	// back; each index is written at both ends, and the end it does not
	// belong to is overwritten later (the slots between are free).
	front, back := 0, len(conns)-1
	for k, s := range src {
		c := lo + int32(k)
		skip := 0
		if b.zero[s] && math.Float64bits(w[k])&(0x7ff<<52) != 0x7ff<<52 {
			skip = 1
		}
		conns[front] = c
		conns[back] = c
		front += 1 - skip
		back -= skip
	}
	b.nLive[j] = int32(front)
	return conns[:front]
}

// Backward adds to b.GradW and b.GradB the gradient of the loss last
// computed by Loss (or seeded by SetOutputGrad) at the last ForwardBatch.
// It does not allocate.
func (n *Network) Backward(b *Batch) {
	size := b.size
	clear(b.da)
	first := n.NumInputs + n.NumBias
	for j := len(n.Act) - 1; j >= first; j-- {
		// da becomes dz in place: dLoss/dz = dLoss/da * act'(z).
		dz := b.da[j*size : (j+1)*size]
		k := b.outIdx[j]
		if k >= 0 {
			floats.Add(dz, b.seedA[k*size:(k+1)*size])
		} else if b.dropout {
			floats.Mul(dz, b.mask[j*size:(j+1)*size])
		}
		n.Act[j].derivVec(dz, b.z[j*size:(j+1)*size], b.a[j*size:(j+1)*size])
		if k >= 0 {
			floats.Add(dz, b.seedZ[k*size:(k+1)*size])
		}
		b.GradB[j] += floats.Sum(dz)
		lo, hi := n.Start[j], n.Start[j+1]
		if b.lists && b.nLive[j] < hi-lo && !b.dropout && finite(dz) {
			// The connections ForwardBatch left out come from inputs
			// that are all ±0: with dz finite, their dot products are +0
			// (gonum's sums start at +0, and +0 + -0 is +0), and adding
			// +0 changes a gradient only from -0 to +0. Every connection
			// from a computed node is among the others, in order, so
			// their gradients pass back in the same order.
			conns := b.conns[lo:hi]
			live := conns[:b.nLive[j]]
			for _, c := range live {
				s := int(n.Src[c])
				b.GradW[c] += floats.Dot(dz, b.a[s*size:(s+1)*size])
				if s >= first {
					floats.AddScaled(b.da[s*size:(s+1)*size], n.W[c], dz)
				}
			}
			for _, c := range conns[len(live):] {
				b.GradW[c] += 0
			}
			continue
		}
		for c := lo; c < hi; c++ {
			s := int(n.Src[c])
			b.GradW[c] += floats.Dot(dz, b.value(s))
			if s >= first {
				floats.AddScaled(b.da[s*size:(s+1)*size], n.W[c], dz)
			}
		}
	}
}

// SetOutputGrad seeds Backward with the derivatives of a loss of your own
// with respect to the outputs: dOut holds them sample by sample
// (len(Outputs) values each).
func (n *Network) SetOutputGrad(b *Batch, dOut []float64) {
	size, outs := b.size, len(n.Outputs)
	if len(dOut) != size*outs {
		panic(fmt.Sprintf("network: %d output derivatives, want %d", len(dOut), size*outs))
	}
	clear(b.seedZ)
	for k := range outs {
		v := b.seedA[k*size : (k+1)*size]
		for i := range v {
			v[i] = dOut[i*outs+k]
		}
	}
}

// applyVec sets a[i] = act(z[i]).
func (act Activation) applyVec(a, z []float64) {
	a = a[:len(z)]
	switch act {
	case Sigmoid:
		for i, v := range z {
			a[i] = 1 / (1 + math.Exp(-4.9*v))
		}
	case Tanh:
		for i, v := range z {
			a[i] = math.Tanh(v)
		}
	case ReLU:
		for i, v := range z {
			a[i] = max(v, 0)
		}
	case Identity:
		copy(a, z)
	default:
		for i, v := range z {
			a[i] = act.Apply(v)
		}
	}
}

// derivVec multiplies d[i] by act'(z[i]), given a[i] = act(z[i]).
func (act Activation) derivVec(d, z, a []float64) {
	z, a = z[:len(d)], a[:len(d)]
	switch act {
	case Sigmoid:
		for i := range d {
			d[i] *= 4.9 * a[i] * (1 - a[i])
		}
	case Tanh:
		for i := range d {
			d[i] *= 1 - a[i]*a[i]
		}
	case ReLU:
		for i := range d {
			if z[i] <= 0 {
				d[i] = 0
			}
		}
	case Identity:
	case Sin:
		for i := range d {
			d[i] *= math.Cos(z[i])
		}
	case Gauss:
		for i := range d {
			d[i] *= -2 * z[i] * a[i]
		}
	case Abs:
		for i := range d {
			if z[i] < 0 {
				d[i] = -d[i]
			} else if z[i] == 0 {
				d[i] = 0
			}
		}
	default:
		panic(fmt.Sprintf("network: invalid activation %d", uint8(act)))
	}
}

// Deriv returns the derivative of the activation at z.
func (act Activation) Deriv(z float64) float64 {
	d := []float64{1}
	act.derivVec(d, []float64{z}, []float64{act.Apply(z)})
	return d[0]
}

// finite reports whether every value of s is finite.
func finite(s []float64) bool {
	for _, v := range s {
		if v-v != 0 {
			return false
		}
	}
	return true
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
