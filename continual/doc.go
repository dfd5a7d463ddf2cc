// Package continual measures continual learning: a learner meets a stream of
// tasks, one per phase, and after every phase its champion network (or a
// baseline network) is tested on the tasks seen so far.
//
// # Metrics
//
// The metrics are those of Lopez-Paz and Ranzato (2017), "Gradient Episodic
// Memory for Continual Learning", NeurIPS. With T tasks learnt one after the
// other, R[i][j] is the test metric on task j after training on task i, and
// b[j] the metric on task j at initialisation, before any training. In the
// paper's 1-based indices:
//
//	ACC = 1/T     sum_{j=1..T}   R[T][j]
//	BWT = 1/(T-1) sum_{j=1..T-1} (R[T][j] - R[j][j])
//	FWT = 1/(T-1) sum_{j=2..T}   (R[j-1][j] - b[j])
//
// ACC is the mean metric over all tasks at the end; BWT (backward transfer)
// how learning later tasks changed the earlier ones, negative when they were
// forgotten; FWT (forward transfer) how much the tasks learnt so far help
// on the next one before it is trained on. With one phase BWT and FWT are
// undefined (their means would be over no tasks). The code indexes from 0: R[i] is
// the row measured after phase i (0 ≤ i < T), and R[i][j] its entry for
// task j. The divisors are those of the formulas, T-1 for BWT and FWT; the
// paper's released code (metrics/metrics.py of
// facebookresearch/GradientEpisodicMemory) averages over T terms, one of
// them always 0, so its BWT and FWT are (T-1)/T times these.
//
// The metric is a test accuracy for classification streams (permuted or
// split MNIST: "accuracy", higher is better) or a mean squared error for
// regression streams (bit-flipping: "mse", lower is better). ACC, BWT and
// FWT keep their formulas on the metric as it is, so for an error their
// signs turn over: a positive BWT on "mse" means the error on old tasks
// rose (forgetting), a negative FWT that earlier tasks lowered the error
// on the next one. A task may name a metric of its own too, such as
// "reward", with its direction (tasks.Info.LowerIsBetter). Report.Higher
// says which reading applies.
//
// # What a run records
//
// A row R[i] must hold the metric on every task learnt so far, tasks 0 to i;
// it may hold more. ACC and BWT need only that lower triangle. FWT also
// needs, in each row but the last, the metric on the next task (R[i][i+1],
// measured after phase i and before training on task i+1) and the metric on
// every task at initialisation (b); a run that measures only the tasks it
// has seen leaves FWT undefined. The simplest way to have it is to test on
// every task of the stream, seen or not, after each phase, and once before
// the first. A Tracker collects the rows and the per-phase facts (new-task
// metric, network size, structural changes, gradient steps, time) and
// writes them, with the metrics, to a Report in JSON (continual.json in a
// run directory); Read reads and checks one.
//
// The new-task metric R[i][i], phase by phase, is what Dohare et al. (2024),
// "Loss of plasticity in deep continual learning", Nature 632, follow to
// show plasticity being lost: with plain backpropagation the accuracy on
// each new permuted-MNIST task falls as the tasks go by, while continual
// backpropagation keeps it. Report.Quarters compares its mean over the
// first and the last quarter of the phases.
package continual
