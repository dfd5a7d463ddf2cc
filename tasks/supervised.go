package tasks

import (
	"fmt"

	"github.com/neuroplast/neuroplast/network"
)

// Dataset is a set of labelled samples, stored row-major: sample i's
// inputs are X[i*Inputs:(i+1)*Inputs] and its targets Y[i*Outputs:
// (i+1)*Outputs] (one-hot for classification with several classes, 0 or 1
// for a binary one).
type Dataset struct {
	Inputs, Outputs int
	X, Y            []float64
}

// Len returns the number of samples.
func (d *Dataset) Len() int {
	if d.Inputs == 0 {
		return 0
	}
	return len(d.X) / d.Inputs
}

// Check reports whether the slices agree with the sizes.
func (d *Dataset) Check() error {
	if err := d.checkShape(); err != nil {
		return fmt.Errorf("tasks: dataset %w", err)
	}
	return nil
}

// checkShape is Check, its error to follow the word "dataset".
func (d *Dataset) checkShape() error {
	if d.Inputs < 1 || d.Outputs < 1 {
		return fmt.Errorf("with %d inputs and %d outputs; want >= 1 each", d.Inputs, d.Outputs)
	}
	if len(d.X)%d.Inputs != 0 || len(d.Y) != d.Len()*d.Outputs {
		return fmt.Errorf("of %d input values (%d per sample) and %d targets (%d per sample) do not agree", len(d.X), d.Inputs, len(d.Y), d.Outputs)
	}
	return nil
}

// Supervised is a task learned from examples. Besides scoring a network
// (Task.Evaluate, on the test split), it exposes its data, so that
// evaluation can fine-tune each network's weights by gradient descent on
// Train before measuring it, and the loss to train with.
type Supervised interface {
	Task
	// Train and Test return the training and held-out splits. They are
	// fixed for the task's life and must not be changed by the caller.
	Train() *Dataset
	Test() *Dataset
	// Loss is the training loss; Classes is the number of classes (2 for
	// one sigmoid output) or 0 for regression.
	Loss() network.Loss
	Classes() int
	// Score measures a feed-forward network on a dataset, in one batch
	// through b (the caller's scratch space, resized by Score): Fitness is
	// minus the mean loss (higher is better; evaluation applies the
	// complexity penalty, evaluate.Training.Complexity, to it), Metric the
	// accuracy for classification or the mean squared error for
	// regression, and Solved the task's criterion. ScoreBatch computes the
	// loss and the metric as the built-in tasks do.
	Score(net *network.Network, d *Dataset, b *network.Batch) Result
}
