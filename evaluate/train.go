package evaluate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/mutate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/rngs"
	"github.com/neuroplast/neuroplast/tasks"
)

// split is a supervised task's training split divided into the samples
// training draws from and the held-out samples fitness is measured on. It
// is fixed for the run (drawn from the stream (seed, 0, Task, splitID)), so
// every genome is measured on the same samples.
type split struct {
	train *tasks.Dataset // the task's training split, the key of the cache
	fit   []int          // indices into train that training draws from
	valid *tasks.Dataset // held-out samples, or train itself when none
}

// splitID names the stream that divides the training split.
const splitID = 1 << 20

// prepare divides task's training split for p.training.Validation, once.
func (p *Pool) prepare(task tasks.Supervised) (*split, error) {
	train := task.Train()
	if p.split != nil && p.split.train == train {
		return p.split, nil
	}
	if err := checkShape(task, train, task.Test()); err != nil {
		return nil, err
	}
	n := train.Len()
	if n == 0 {
		return nil, fmt.Errorf("evaluate: task %q has no training samples", task.Info().Name)
	}
	s := &split{train: train, valid: train}
	perm := rngs.New(p.seed, 0, rngs.Task, splitID).Perm(n)
	held := int(math.Round(p.training.Validation * float64(n)))
	if p.training.Validation > 0 && held > 0 && held < n {
		s.valid = &tasks.Dataset{Inputs: train.Inputs, Outputs: train.Outputs}
		for _, i := range perm[:held] {
			s.valid.X = append(s.valid.X, train.X[i*train.Inputs:(i+1)*train.Inputs]...)
			s.valid.Y = append(s.valid.Y, train.Y[i*train.Outputs:(i+1)*train.Outputs]...)
		}
		perm = perm[held:]
	}
	s.fit = perm
	p.split = s
	return s, nil
}

// checkShape returns an error unless the training split, and the test
// split where there is one, are well formed and have the task's inputs and
// outputs: data of another shape would fault every genome with a panic.
func checkShape(task tasks.Supervised, train, test *tasks.Dataset) error {
	info := task.Info()
	if train == nil {
		return fmt.Errorf("evaluate: task %q has no training split (Train() is nil)", info.Name)
	}
	for _, d := range []struct {
		name string
		data *tasks.Dataset
	}{{"training", train}, {"test", test}} {
		if d.data == nil {
			continue
		}
		if err := d.data.Check(); err != nil {
			return fmt.Errorf("evaluate: task %q, %s split: %w", info.Name, d.name, err)
		}
		if d.data.Inputs != info.Inputs || d.data.Outputs != info.Outputs {
			return fmt.Errorf("evaluate: task %q has %d inputs and %d outputs, but its %s split has %d and %d", info.Name, info.Inputs, info.Outputs, d.name, d.data.Inputs, d.data.Outputs)
		}
	}
	return nil
}

// trainer is a worker's scratch space for fine-tuning.
type trainer struct {
	batch, score network.Batch
	x, y         []float64 // the current minibatch
	mw, vw       []float64 // optimizer state of the weights
	mb, vb       []float64 // and of the biases
	util, outW   []float64 // running utilities and outgoing |weight| sums
	fromHidden   []int32   // the connections whose source is a computed node, in order

	// Continual backprop: each node's age in steps and running mean
	// activation, the fraction of a replacement owed, and the number of
	// units replaced.
	age      []int
	mean     []float64
	output   []bool
	owed     float64
	replaced int

	// Adam under continual backprop: each parameter's own step count,
	// which a replacement restarts with its moments (as the reference's
	// AdamGnT does), and the step size at each count.
	kw, kb    []int32
	adamScale []float64
}

// supervised fine-tunes the worker's compiled network for g on task (when
// learning is on), writes back what the learning mode keeps, and measures
// fitness on the held-out samples. Under Baldwinian learning the genes keep
// only the utilities: continual backprop's unit ages, mean activations and
// replacements belong to the trained network, as its weights do, so that
// Phenotype, starting from the same genes, trains the same network again.
func (w *worker) supervised(p *Pool, g *genome.Genome, task tasks.Supervised, rng *rand.Rand) (tasks.Result, error) {
	s := p.split
	net := &w.net
	t := &p.training
	if t.fineTunes() {
		if net.Recurrent {
			return tasks.Result{}, fmt.Errorf("evaluate: genome %d is recurrent; fine-tuning needs feed-forward networks", g.ID)
		}
		cbp := t.Replacement > 0
		if cbp {
			w.loadNodeStats(g)
		}
		start := time.Now()
		w.tr.fit(net, s, task.Loss(), t, rng)
		w.training += time.Since(start)
		if t.Learning == Lamarckian {
			if !allFinite(net.W) || !allFinite(net.Bias) {
				// Kept, such weights would spread by crossover and make
				// compatibility distances NaN: a fault, genes unchanged.
				return tasks.Result{}, fmt.Errorf("evaluate: fine-tuning genome %d diverged: a weight is not finite (lower training.learning_rate)", g.ID)
			}
			if cbp {
				w.compiler.WriteNodeStats(g, w.tr.age, w.tr.mean)
				g.Owed = w.tr.owed
				g.Dropins += w.tr.replaced
				g.Apoptoses += w.tr.replaced
			}
			w.compiler.WriteBack(g, net, w.tr.util)
			if t.Prune > 0 && mutate.Prune(g, t.Prune) > 0 {
				if err := w.compiler.Compile(g, p.feedForward, net); err != nil {
					return tasks.Result{}, err
				}
			}
		} else {
			w.compiler.WriteUtility(g, w.tr.util)
		}
	}
	r := task.Score(net, s.valid, &w.tr.score)
	r.Fitness = penalize(r.Fitness, t.Complexity*math.Sqrt(float64(len(net.W))))
	return r, nil
}

// penalize returns fitness made worse by the fraction penalty >= 0 of its
// size: Backprop NEAT's fitness * (1 + penalty) for the fitness Score
// gives, minus a loss, and fitness / (1 + penalty) for a positive one,
// which the same product would reward for the connections it counts.
func penalize(fitness, penalty float64) float64 {
	if fitness > 0 {
		return fitness / (1 + penalty)
	}
	return fitness * (1 + penalty)
}

// allFinite reports whether every value of s is finite.
func allFinite(s []float64) bool {
	for _, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// fit runs t.Steps steps of minibatch gradient descent on net over the
// split's training samples, measuring each hidden node's contribution
// utility as it goes (Dohare et al. 2024: a running mean of |activation|
// times the sum of |outgoing weights|, bias-corrected).
func (tr *trainer) fit(net *network.Network, s *split, loss network.Loss, t *Training, rng *rand.Rand) {
	tr.reset(net, s.train, t)
	cbp := t.Replacement > 0
	first := net.NumInputs + net.NumBias
	b1, b2 := 1.0, 1.0 // Adam's bias corrections: beta^step
	for range t.Steps {
		tr.drawBatch(s, t.BatchSize, rng)
		if t.Dropout > 0 {
			tr.batch.SetDropout(net, t.Dropout, rng)
		}
		net.ForwardBatch(&tr.batch, tr.x, nil)
		net.Seed(&tr.batch, loss, tr.y) // the gradient; the loss value is not needed
		tr.batch.ZeroGrad()
		net.Backward(&tr.batch)

		tr.updateUtility(net, t, first)
		if cbp {
			tr.updateNodeStats(net, t, first)
		}
		switch t.Optimizer {
		case SGD:
			tr.sgdStep(net, t, first)
		case Adam:
			b1 *= t.Beta1
			b2 *= t.Beta2
			tr.adamStep(net, t, first, t.Rate*math.Sqrt(1-b2)/(1-b1))
		}
		if cbp {
			tr.continualBackprop(net, t, rng, first)
		}
	}
	if cbp {
		return // the utilities run on across generations, uncorrected
	}
	if corr := 1 - math.Pow(t.UtilityDecay, float64(t.Steps)); corr > 0 {
		for j := range tr.util {
			tr.util[j] /= corr
		}
	}
}

// reset readies tr to train net on minibatches from d: it sizes the scratch
// space and zeroes the optimizer state and, without continual backprop
// (whose state carries over from the genome), the utilities.
func (tr *trainer) reset(net *network.Network, d *tasks.Dataset, t *Training) {
	bs := t.BatchSize
	tr.batch.Resize(net, bs)
	tr.x = resize(tr.x, bs*d.Inputs)
	tr.y = resize(tr.y, bs*d.Outputs)
	nodes, weights := len(net.Act), len(net.W)
	tr.mw, tr.vw = zeroed(tr.mw, weights), zeroed(tr.vw, weights)
	tr.mb, tr.vb = zeroed(tr.mb, nodes), zeroed(tr.vb, nodes)
	tr.outW = resize(tr.outW, nodes)
	cbp := t.Replacement > 0
	if !cbp {
		tr.util = zeroed(tr.util, nodes)
	}
	tr.replaced = 0 // tr.owed comes from the genome (loadNodeStats)
	perParam := cbp && t.Optimizer == Adam
	if perParam {
		tr.kw, tr.kb = resize(tr.kw, weights), resize(tr.kb, nodes)
		clear(tr.kw)
		clear(tr.kb)
		tr.adamScale = resize(tr.adamScale, t.Steps+1)
		p1, p2 := 1.0, 1.0
		for k := 1; k <= t.Steps; k++ {
			p1 *= t.Beta1
			p2 *= t.Beta2
			tr.adamScale[k] = t.Rate * math.Sqrt(1-p2) / (1 - p1)
		}
	}
	tr.output = resize(tr.output, nodes)
	clear(tr.output)
	for _, o := range net.Outputs {
		tr.output[o] = true
	}
	first := net.NumInputs + net.NumBias
	// Only computed nodes have utilities, so only the connections leaving
	// them count in outW; most of an MNIST network's leave its inputs.
	tr.fromHidden = tr.fromHidden[:0]
	for c, src := range net.Src {
		if int(src) >= first {
			tr.fromHidden = append(tr.fromHidden, int32(c))
		}
	}
}

// drawBatch fills tr.x and tr.y with a minibatch of bs of the split's
// training samples, drawn with replacement.
func (tr *trainer) drawBatch(s *split, bs int, rng *rand.Rand) {
	d := s.train
	for i := range bs {
		k := s.fit[rng.IntN(len(s.fit))]
		copy(tr.x[i*d.Inputs:(i+1)*d.Inputs], d.X[k*d.Inputs:(k+1)*d.Inputs])
		copy(tr.y[i*d.Outputs:(i+1)*d.Outputs], d.Y[k*d.Outputs:(k+1)*d.Outputs])
	}
}

// updateUtility moves each hidden node's running contribution utility
// toward its value at this step's activations and weights.
func (tr *trainer) updateUtility(net *network.Network, t *Training, first int) {
	eta := t.UtilityDecay
	clear(tr.outW)
	for _, c := range tr.fromHidden {
		tr.outW[net.Src[c]] += math.Abs(net.W[c])
	}
	for j := first; j < len(net.Act); j++ {
		mean := 0.0
		for _, v := range tr.batch.Activations(j) {
			mean += math.Abs(v)
		}
		mean /= float64(t.BatchSize)
		tr.util[j] = eta*tr.util[j] + (1-eta)*mean*tr.outW[j]
	}
}

// updateNodeStats ages each hidden unit by a step and moves its running
// mean activation toward this step's, for continual backprop.
func (tr *trainer) updateNodeStats(net *network.Network, t *Training, first int) {
	eta := t.UtilityDecay
	for j := first; j < len(net.Act); j++ {
		if tr.output[j] {
			continue
		}
		tr.age[j]++
		tr.mean[j] = eta*tr.mean[j] + (1-eta)*floats.Sum(tr.batch.Activations(j))/float64(t.BatchSize)
	}
}

// sgdStep moves net's weights and biases a step of SGD with momentum
// down the gradients in tr.batch, with the weights' L2 decay.
func (tr *trainer) sgdStep(net *network.Network, t *Training, first int) {
	// One pass over the weights, the decay added to each gradient as it is
	// read (the gradients are not read again).
	mom, rate, decay := t.Momentum, t.Rate, t.Decay
	w, mw := net.W, tr.mw[:len(net.W)]
	gw := tr.batch.GradW[:len(w)]
	if decay > 0 {
		for c, wc := range w {
			m := mom*mw[c] + (gw[c] + decay*wc)
			mw[c] = m
			w[c] = wc - rate*m
		}
	} else {
		for c, wc := range w {
			m := mom*mw[c] + gw[c]
			mw[c] = m
			w[c] = wc - rate*m
		}
	}
	gb := tr.batch.GradB
	for j := first; j < len(net.Act); j++ {
		tr.mb[j] = t.Momentum*tr.mb[j] + gb[j]
		net.Bias[j] -= t.Rate * tr.mb[j]
	}
}

// adamStep moves net's weights and biases a step of Adam down the
// gradients in tr.batch, with the weights' L2 decay: by step size lr, or
// under continual backprop by each parameter's own (see trainer.kw).
func (tr *trainer) adamStep(net *network.Network, t *Training, first int, lr float64) {
	gw, gb := tr.batch.GradW, tr.batch.GradB
	if t.Decay > 0 {
		for c, w := range net.W {
			gw[c] += t.Decay * w
		}
	}
	adam := func(p, m, v *float64, g, lr float64) {
		*m = t.Beta1**m + (1-t.Beta1)*g
		*v = t.Beta2**v + (1-t.Beta2)*g*g
		*p -= lr * *m / (math.Sqrt(*v) + t.Epsilon)
	}
	if t.Replacement > 0 {
		// A parameter never replaced has counted every step, so it moves
		// exactly as below.
		for c := range net.W {
			tr.kw[c]++
			adam(&net.W[c], &tr.mw[c], &tr.vw[c], gw[c], tr.adamScale[tr.kw[c]])
		}
		for j := first; j < len(net.Act); j++ {
			tr.kb[j]++
			adam(&net.Bias[j], &tr.mb[j], &tr.vb[j], gb[j], tr.adamScale[tr.kb[j]])
		}
		return
	}
	for c := range net.W {
		adam(&net.W[c], &tr.mw[c], &tr.vw[c], gw[c], lr)
	}
	for j := first; j < len(net.Act); j++ {
		adam(&net.Bias[j], &tr.mb[j], &tr.vb[j], gb[j], lr)
	}
}

// continualBackprop replaces, after a training step, the least useful
// mature hidden units, at t.Replacement units per mature unit per step
// (Dohare et al. 2024): a unit's input weights are drawn anew from
// U(-sqrt(3/fan_in), sqrt(3/fan_in)), fan_in and the weights leaving out
// bias nodes (whose weight, part of the unit's bias, becomes 0); its
// outgoing weights become 0 after their mean contribution (the weight times
// the unit's bias-corrected mean activation) is added to the biases they
// fed; and its age, utility, mean activation, bias and optimizer state
// (under Adam, its step count too) start again from zero.
func (tr *trainer) continualBackprop(net *network.Network, t *Training, rng *rand.Rand, first int) {
	eta := t.UtilityDecay
	corrected := func(x float64, age int) float64 {
		if c := 1 - math.Pow(eta, float64(age)); c > 0 {
			return x / c
		}
		return x
	}
	mature := 0
	for j := first; j < len(net.Act); j++ {
		if !tr.output[j] && tr.age[j] > t.Maturity {
			mature++
		}
	}
	tr.owed += t.Replacement * float64(mature)
	for ; tr.owed >= 1; tr.owed-- {
		victim := -1
		for j := first; j < len(net.Act); j++ {
			if tr.output[j] || tr.age[j] <= t.Maturity {
				continue
			}
			if victim < 0 || corrected(tr.util[j], tr.age[j]) < corrected(tr.util[victim], tr.age[victim]) {
				victim = j
			}
		}
		if victim < 0 {
			tr.owed = 0
			return
		}
		j := victim
		// New input weights from the unit's sources; a bias node's weight
		// is part of the unit's bias, which starts again at 0, as in the
		// reference, where the bias is no input and fan_in does not count
		// it.
		isBias := func(src int32) bool { return int(src) >= net.NumInputs && int(src) < first }
		fanIn := 0
		for c := net.Start[j]; c < net.Start[j+1]; c++ {
			if !isBias(net.Src[c]) {
				fanIn++
			}
		}
		bound := 0.0
		if fanIn > 0 {
			bound = math.Sqrt(3 / float64(fanIn))
		}
		for c := net.Start[j]; c < net.Start[j+1]; c++ {
			net.W[c] = 0
			if !isBias(net.Src[c]) {
				net.W[c] = (2*rng.Float64() - 1) * bound
			}
			tr.resetMoments(c)
		}
		mean := corrected(tr.mean[j], tr.age[j])
		for k := first; k < len(net.Act); k++ {
			for c := net.Start[k]; c < net.Start[k+1]; c++ {
				if int(net.Src[c]) == j {
					net.Bias[k] += net.W[c] * mean
					net.W[c] = 0
					tr.resetMoments(c)
				}
			}
		}
		net.Bias[j], tr.mb[j], tr.vb[j] = 0, 0, 0
		if len(tr.kb) > j {
			tr.kb[j] = 0
		}
		tr.util[j], tr.mean[j], tr.age[j] = 0, 0, 0
		tr.replaced++
	}
}

// resetMoments restarts the optimizer state of weight c: its moments, and
// under Adam its step count.
func (tr *trainer) resetMoments(c int32) {
	tr.mw[c], tr.vw[c] = 0, 0
	if len(tr.kw) > int(c) {
		tr.kw[c] = 0
	}
}

// resize returns s with length n, reusing its storage when it is large
// enough; the contents are not cleared.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func zeroed(s []float64, n int) []float64 {
	s = resize(s, n)
	clear(s)
	return s
}

// Phenotype returns the network g stands for on a supervised task: g
// compiled, and, under Baldwinian learning, trained as its evaluation in
// generation gen trains it (from the stream (seed, gen, Evaluate, g.ID)),
// since a Baldwinian genome keeps its untrained weights: for the
// generation g was last evaluated in, that is the very network whose
// score selected it. Under Lamarckian learning the genes already hold the
// trained weights. It is for measuring a genome outside selection, on the
// test split, say; g is not changed. A nil task (one that is not
// supervised) gives g compiled.
func (p *Pool) Phenotype(g *genome.Genome, task tasks.Supervised, gen int) (*network.Network, error) {
	if g == nil {
		return nil, errors.New("evaluate: no genome")
	}
	w := &worker{src: rngs.NewSource(p.seed, gen, rngs.Evaluate, g.ID)}
	w.net.Synchronous = p.synchronous // before Compile, whose Reset sizes its buffers
	if err := w.compiler.Compile(g, p.feedForward, &w.net); err != nil {
		return nil, err
	}
	if task == nil || p.training.Learning != Baldwinian || !p.training.fineTunes() {
		return &w.net, nil
	}
	if _, err := p.prepare(task); err != nil {
		return nil, err
	}
	if w.net.Recurrent {
		return nil, fmt.Errorf("evaluate: genome %d is recurrent; fine-tuning needs feed-forward networks", g.ID)
	}
	if p.training.Replacement > 0 {
		w.loadNodeStats(g)
	}
	w.tr.fit(&w.net, p.split, task.Loss(), &p.training, w.src.Rand)
	return &w.net, nil
}

// loadNodeStats sizes the worker's continual-backprop state for its
// compiled network and fills it from g: each unit's utility, age and mean
// activation, and the replacement owed, carry over from the last
// generation.
func (w *worker) loadNodeStats(g *genome.Genome) {
	n := len(w.net.Act)
	w.tr.util, w.tr.age, w.tr.mean = resize(w.tr.util, n), resize(w.tr.age, n), resize(w.tr.mean, n)
	w.compiler.ReadNodeStats(g, w.tr.util, w.tr.age, w.tr.mean)
	w.tr.owed = g.Owed
}

// Learning reports whether evaluation fine-tunes networks (Lamarckian or
// Baldwinian learning with at least one step).
func (p *Pool) Learning() bool { return p.training.fineTunes() }
