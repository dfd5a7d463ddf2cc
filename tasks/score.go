package tasks

import (
	"fmt"
	"math"

	"github.com/neuroplast/neuroplast/network"
)

// ScoreBatch runs net on all of d in one batch through b (the caller's
// scratch space, resized to fit) and returns the mean loss against d's
// targets and the metric the built-in tasks report, which classes selects
// (Supervised.Classes: the number of classes, or 0 for regression):
//
//   - classes == 0: the mean squared error over samples and outputs;
//   - classes > 0 and one output: the accuracy, the fraction of samples
//     whose output is on the side of the decision threshold that their
//     0 or 1 target names: 0.5 for a sigmoid output, whose value is a
//     probability, and 0 for any other, read as a logit (as
//     network.BinaryCE reads it);
//   - classes > 0 and several outputs: the accuracy, the fraction of
//     samples whose largest output (the first of equals) is the one their
//     one-hot target marks.
//
// A Supervised task's Score is then
//
//	loss, metric := tasks.ScoreBatch(net, d, b, t.Loss(), t.Classes())
//	return tasks.Result{Fitness: -loss, Metric: metric, Solved: ...}
//
// Afterwards b holds the outputs (b.Activations of each of net.Outputs)
// and is seeded for net.Backward with the loss's gradient. ScoreBatch
// does not allocate once b has room for d on net. It panics if d is empty
// or malformed (Dataset.Check) or its inputs and outputs are not net's,
// if net is recurrent or synchronous, or if classes is neither 0 nor what
// the outputs can tell apart: 2 for one output, as many as the outputs for
// several.
func ScoreBatch(net *network.Network, d *Dataset, b *network.Batch, loss network.Loss, classes int) (meanLoss, metric float64) {
	n, outs := d.Len(), len(net.Outputs)
	if err := d.checkShape(); err != nil {
		panic(fmt.Sprintf("tasks: ScoreBatch on a dataset %v", err))
	}
	switch {
	case n == 0:
		panic("tasks: ScoreBatch on a dataset with no samples")
	case d.Inputs != net.NumInputs || d.Outputs != outs:
		panic(fmt.Sprintf("tasks: ScoreBatch on a dataset of %d inputs and %d outputs, with a network of %d and %d", d.Inputs, d.Outputs, net.NumInputs, outs))
	case classes != 0 && classes != max(outs, 2):
		panic(fmt.Sprintf("tasks: ScoreBatch with %d classes on %d outputs; want 0 for regression or %d", classes, outs, max(outs, 2)))
	}
	b.Resize(net, n)
	net.ForwardBatch(b, d.X, nil)
	meanLoss = net.Loss(b, loss, d.Y)
	switch {
	case classes == 0 && loss == network.MSE:
		metric = meanLoss // the same sum, in the same order
	case classes == 0:
		metric = meanSquaredError(net, d, b)
	case len(net.Outputs) == 1:
		metric = thresholdAccuracy(net, d, b)
	default:
		metric = argmaxAccuracy(net, d, b)
	}
	return meanLoss, metric
}

// thresholdAccuracy returns the fraction of the output values in b (after
// a forward pass on d) that lie on the same side of the decision threshold
// as their targets: 0.5 for a sigmoid output and 0 for any other.
func thresholdAccuracy(net *network.Network, d *Dataset, b *network.Batch) float64 {
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

// argmaxAccuracy returns the fraction of samples whose largest output in
// b (after a forward pass on d) is the one their one-hot target marks;
// ties go to the first.
func argmaxAccuracy(net *network.Network, d *Dataset, b *network.Batch) float64 {
	outs, n := len(net.Outputs), d.Len()
	correct := 0
	for i := range n {
		best, class := math.Inf(-1), -1
		for k, o := range net.Outputs {
			if v := b.Activations(int(o))[i]; v > best {
				best, class = v, k
			}
		}
		if class >= 0 && d.Y[i*outs+class] > 0.5 {
			correct++
		}
	}
	return float64(correct) / float64(n)
}

// meanSquaredError returns the mean over samples and outputs of (output -
// target)^2 for the outputs in b (after a forward pass on d).
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
