package tasks

import "github.com/neuroplast/neuroplast/network"

// forwardLoss runs net on all of d in one batch through b and returns the
// mean loss l against d's targets. Afterwards b holds the outputs, read by
// accuracy and meanSquaredError, and is seeded for Backward. It panics if d
// is empty or does not fit net, or if net is recurrent.
func forwardLoss(net *network.Network, d *Dataset, b *network.Batch, l network.Loss) float64 {
	b.Resize(net, d.Len())
	net.ForwardBatch(b, d.X, nil)
	return net.Loss(b, l, d.Y)
}

// accuracy returns the fraction of output values in b (after forwardLoss
// on d) on the same side of the decision threshold as their targets: 0.5
// for a sigmoid output, whose value is a probability, and 0 for any other,
// read as a logit (as network.BinaryCE reads it).
func accuracy(net *network.Network, d *Dataset, b *network.Batch) float64 {
	outs := len(net.Outputs)
	correct := 0
	for k, o := range net.Outputs {
		threshold := 0.0
		if net.Act[o] == network.Sigmoid {
			threshold = 0.5
		}
		for i, v := range b.Activations(int(o)) {
			if (v > threshold) == (d.Y[i*outs+k] > 0.5) {
				correct++
			}
		}
	}
	return float64(correct) / float64(len(d.Y))
}

// meanSquaredError returns the mean over samples and outputs of (output -
// target)^2 for the outputs in b (after forwardLoss on d).
func meanSquaredError(net *network.Network, d *Dataset, b *network.Batch) float64 {
	outs := len(net.Outputs)
	sum := 0.0
	for k, o := range net.Outputs {
		for i, v := range b.Activations(int(o)) {
			e := v - d.Y[i*outs+k]
			sum += e * e
		}
	}
	return sum / float64(len(d.Y))
}
