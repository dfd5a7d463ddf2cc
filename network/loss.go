package network

import (
	"fmt"
	"math"

	"github.com/neuroplast/neuroplast/internal/enum"
)

// Loss names a training loss over a network's outputs.
type Loss uint8

// The losses. Each is a mean over the samples of a batch.
const (
	// MSE is the mean over samples and outputs of (output - target)^2.
	MSE Loss = iota
	// BinaryCE is the sigmoid binary cross-entropy of each output against
	// a target in [0, 1], averaged over samples and outputs. A sigmoid
	// output is the probability itself, and the loss is computed from its
	// pre-activation, exact and stable where the sigmoid saturates; any
	// other output is read as a logit (the probability is its sigmoid).
	BinaryCE
	// SoftmaxCE is the cross-entropy of the softmax of the outputs (read as
	// logits; identity outputs suit it) against target distributions,
	// usually one-hot.
	SoftmaxCE
	numLosses
)

var lossNames = [numLosses]string{MSE: "mse", BinaryCE: "binary-ce", SoftmaxCE: "softmax-ce"}

var lossEnum = enum.Names{Pkg: "network", Noun: "loss", Type: "Loss", List: lossNames[:]}

// String returns the loss's configuration name.
func (l Loss) String() string { return enum.String(l, &lossEnum) }

// ParseLoss returns the loss with the given name.
func ParseLoss(name string) (Loss, error) { return enum.Parse[Loss](name, &lossEnum) }

// MarshalText implements encoding.TextMarshaler.
func (l Loss) MarshalText() ([]byte, error) { return enum.Marshal(l, &lossEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Loss) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Loss](string(text), &lossEnum)
	if err == nil {
		*l = v
	}
	return err
}

// Loss returns the mean loss of the last ForwardBatch against the targets
// y, given sample by sample (len(Outputs) values each), and seeds Backward
// with its gradient. It does not allocate.
func (n *Network) Loss(b *Batch, l Loss, y []float64) float64 {
	return n.loss(b, l, y, true)
}

// Seed seeds Backward with the gradient of the loss of the last
// ForwardBatch against the targets y, exactly as Loss does, without
// computing the loss itself: training needs only the gradient, and the
// softplus of binary cross-entropy costs as much as the rest.
func (n *Network) Seed(b *Batch, l Loss, y []float64) {
	n.loss(b, l, y, false)
}

// loss is Loss, computing the loss value only when value is set (it
// returns 0 otherwise); the gradient is the same either way.
func (n *Network) loss(b *Batch, l Loss, y []float64, value bool) float64 {
	size, outs := b.size, len(n.Outputs)
	if len(y) != size*outs {
		panic(fmt.Sprintf("network: %d targets, want %d", len(y), size*outs))
	}
	clear(b.seedA)
	clear(b.seedZ)
	total := 0.0
	switch l {
	case MSE:
		scale := 2 / float64(size*outs)
		for k, o := range n.Outputs {
			a := b.Activations(int(o))
			seed := b.seedA[k*size : (k+1)*size]
			for i, v := range a {
				d := v - y[i*outs+k]
				total += d * d
				seed[i] = scale * d
			}
		}
		return total / float64(size*outs)
	case BinaryCE:
		scale := 1 / float64(size*outs)
		for k, o := range n.Outputs {
			a := b.Activations(int(o))
			if n.Act[o] == Sigmoid {
				// p = sigmoid(4.9 z): loss softplus(u) - y u with u = 4.9 z,
				// gradient 4.9 (p - y) by z.
				z := b.z[int(o)*size : (int(o)+1)*size]
				seed := b.seedZ[k*size : (k+1)*size]
				for i, p := range a {
					u, t := 4.9*z[i], y[i*outs+k]
					if value {
						total += softplus(u) - t*u
					}
					seed[i] = scale * 4.9 * (p - t)
				}
				continue
			}
			// Other outputs are logits: p = sigmoid(a).
			seed := b.seedA[k*size : (k+1)*size]
			for i, u := range a {
				t := y[i*outs+k]
				if value {
					total += softplus(u) - t*u
				}
				seed[i] = scale * (1/(1+math.Exp(-u)) - t)
			}
		}
		return total * scale
	case SoftmaxCE:
		scale := 1 / float64(size)
		for i := range size {
			// Log-sum-exp over the sample's outputs, shifted by the largest.
			top := math.Inf(-1)
			for _, o := range n.Outputs {
				top = max(top, b.a[int(o)*size+i])
			}
			sum := 0.0
			for _, o := range n.Outputs {
				sum += math.Exp(b.a[int(o)*size+i] - top)
			}
			lse := top + math.Log(sum)
			for k, o := range n.Outputs {
				t := y[i*outs+k]
				logp := b.a[int(o)*size+i] - lse
				total -= t * logp
				b.seedA[k*size+i] = scale * (math.Exp(logp) - t)
			}
		}
		return total * scale
	}
	panic(fmt.Sprintf("network: invalid loss %d", uint8(l)))
}

// softplus returns log(1 + e^u) without overflow.
func softplus(u float64) float64 {
	if u > 30 {
		return u + math.Log1p(math.Exp(-u))
	}
	return math.Log1p(math.Exp(u))
}
