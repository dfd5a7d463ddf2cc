package evaluate

import (
	"fmt"

	"github.com/neuroplast/neuroplast/internal/enum"
)

// Learning says whether evaluation fine-tunes a network's weights by
// gradient descent, and what becomes of what it learns.
type Learning uint8

// The forms of learning.
const (
	// Auto leaves the choice to the run's strategy (population.Config):
	// Lamarckian for "plastic", none for "neat". Evaluation treats it as None.
	Auto Learning = iota
	// None evaluates the genome's weights as they are.
	None
	// Lamarckian writes the trained weights and biases back into the genome,
	// so offspring inherit what their parents learned.
	Lamarckian
	// Baldwinian measures fitness after training but leaves the genes as
	// they were: learning only guides selection.
	Baldwinian
	numLearnings
)

var learningNames = [numLearnings]string{Auto: "auto", None: "none", Lamarckian: "lamarckian", Baldwinian: "baldwinian"}

var learningEnum = enum.Names{Pkg: "evaluate", Noun: "learning", Type: "Learning", List: learningNames[:]}

// String returns the configuration name.
func (l Learning) String() string { return enum.String(l, &learningEnum) }

// MarshalText implements encoding.TextMarshaler.
func (l Learning) MarshalText() ([]byte, error) { return enum.Marshal(l, &learningEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Learning) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Learning](string(text), &learningEnum)
	if err == nil {
		*l = v
	}
	return err
}

// Optimizer names a gradient-descent method.
type Optimizer uint8

// The optimizers.
const (
	SGD  Optimizer = iota // stochastic gradient descent with momentum
	Adam                  // Kingma & Ba 2015
	numOptimizers
)

var optimizerNames = [numOptimizers]string{SGD: "sgd", Adam: "adam"}

var optimizerEnum = enum.Names{Pkg: "evaluate", Noun: "optimizer", Type: "Optimizer", List: optimizerNames[:]}

// String returns the configuration name.
func (o Optimizer) String() string { return enum.String(o, &optimizerEnum) }

// MarshalText implements encoding.TextMarshaler.
func (o Optimizer) MarshalText() ([]byte, error) { return enum.Marshal(o, &optimizerEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (o *Optimizer) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Optimizer](string(text), &optimizerEnum)
	if err == nil {
		*o = v
	}
	return err
}

// Training holds the settings of gradient fine-tuning during evaluation.
// It applies to supervised tasks (tasks.Supervised) with feed-forward
// networks.
type Training struct {
	Learning  Learning  `toml:"learning" comment:"auto (the strategy decides: plastic trains, neat does not), none, lamarckian (trained weights written back into the genome) or baldwinian (fitness after training, genes unchanged); backprop and cbp train lamarckian, and take only auto or lamarckian"`
	Optimizer Optimizer `toml:"optimizer" comment:"sgd (with momentum) or adam; backprop and cbp always use plain SGD, without momentum or weight decay"`
	Steps     int       `toml:"steps" comment:"gradient steps per genome per generation, >= 0"`
	BatchSize int       `toml:"batch_size" comment:"samples per step, drawn with replacement from the training split, >= 1"`
	Rate      float64   `toml:"learning_rate" comment:"step size, > 0"`
	Momentum  float64   `toml:"momentum" comment:"SGD momentum, in [0, 1)"`
	Beta1     float64   `toml:"adam_beta1" comment:"Adam's first-moment decay, in [0, 1)"`
	Beta2     float64   `toml:"adam_beta2" comment:"Adam's second-moment decay, in [0, 1)"`
	Epsilon   float64   `toml:"adam_epsilon" comment:"Adam's denominator guard, > 0"`
	Decay     float64   `toml:"weight_decay" comment:"L2 weight decay added to each weight's gradient, >= 0"`
	Dropout   float64   `toml:"dropout" comment:"probability of silencing each hidden activation during training, in [0, 1)"`
	// Validation is the fraction of the training split held out to measure
	// fitness after training, so that selection never sees the test split
	// and does not reward memorising the training samples.
	Validation float64 `toml:"validation" comment:"fraction of the training split held out to measure fitness, in [0, 1); 0 measures on the training split"`
	// Complexity is c in Backprop NEAT's fitness -loss*(1 + c*sqrt(connections));
	// a positive fitness from a task's own Score is divided by the factor.
	Complexity   float64 `toml:"complexity_penalty" comment:"c in fitness = -loss * (1 + c * sqrt(enabled connections)), >= 0"`
	UtilityDecay float64 `toml:"utility_decay" comment:"eta of the running contribution utility of hidden neurons (Dohare et al. 2024), in [0, 1)"`
	Prune        float64 `toml:"prune_fraction" comment:"after Lamarckian training, remove this fraction of enabled connections with the smallest |weight| (not under backprop and cbp, whose network is fixed), in [0, 1)"`
	// Replacement, when positive, turns on continual backprop (Dohare et
	// al. 2024): each step, Replacement times the number of mature hidden
	// units (older than Maturity steps) are reinitialised, the least
	// useful first. The cbp strategy sets it.
	Replacement float64 `toml:"cbp_replacement_rate" comment:"continual backprop within the evolving strategies: hidden units replaced per mature unit per step (the paper: 1e-4 on MNIST); 0 turns it off; the cbp strategy uses [baseline] replacement_rate instead, in [0, 1)"`
	Maturity    int     `toml:"cbp_maturity" comment:"continual backprop within the evolving strategies: steps a hidden unit must have trained before it may be replaced (the paper: 100); the backprop and cbp strategies use [baseline] maturity instead, >= 0"`
}

// DefaultTraining returns the defaults: Adam, 200 steps of 16 samples per
// generation, a quarter of the training split held out for fitness, and
// Backprop NEAT's complexity penalty of 0.03.
func DefaultTraining() Training {
	return Training{
		Learning: Auto, Optimizer: Adam,
		Steps: 200, BatchSize: 16, Rate: 0.02, Momentum: 0.9,
		Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8,
		Validation: 0.25, Complexity: 0.03, UtilityDecay: 0.99,
		Replacement: 0, Maturity: 100,
	}
}

// fineTunes reports whether supervised evaluation trains each network
// before scoring it.
func (t *Training) fineTunes() bool {
	return t.Steps > 0 && (t.Learning == Lamarckian || t.Learning == Baldwinian)
}

// Validate returns an error naming the first setting out of range.
func (t *Training) Validate() error {
	unitOpen := []struct {
		name string
		v    float64
	}{
		{"momentum", t.Momentum}, {"adam_beta1", t.Beta1}, {"adam_beta2", t.Beta2},
		{"dropout", t.Dropout}, {"validation", t.Validation},
		{"utility_decay", t.UtilityDecay}, {"prune_fraction", t.Prune},
		{"cbp_replacement_rate", t.Replacement},
	}
	for _, u := range unitOpen {
		if !(u.v >= 0 && u.v < 1) {
			return fmt.Errorf("evaluate: training.%s = %v, want a number in [0, 1)", u.name, u.v)
		}
	}
	switch {
	case t.Learning >= numLearnings:
		return fmt.Errorf("evaluate: training.learning = %d, want auto, none, lamarckian or baldwinian", t.Learning)
	case t.Optimizer >= numOptimizers:
		return fmt.Errorf("evaluate: training.optimizer = %d, want sgd or adam", t.Optimizer)
	case t.Maturity < 0:
		return fmt.Errorf("evaluate: training.cbp_maturity = %d, want >= 0", t.Maturity)
	case t.Steps < 0:
		return fmt.Errorf("evaluate: training.steps = %d, want >= 0", t.Steps)
	case t.BatchSize < 1:
		return fmt.Errorf("evaluate: training.batch_size = %d, want >= 1", t.BatchSize)
	case !(t.Rate > 0) || t.Rate > 1e300:
		return fmt.Errorf("evaluate: training.learning_rate = %v, want a number > 0, at most 1e300", t.Rate)
	case !(t.Epsilon > 0) || t.Epsilon > 1e300:
		return fmt.Errorf("evaluate: training.adam_epsilon = %v, want a number > 0, at most 1e300", t.Epsilon)
	case !(t.Decay >= 0) || t.Decay > 1e300:
		return fmt.Errorf("evaluate: training.weight_decay = %v, want a number >= 0, at most 1e300", t.Decay)
	case !(t.Complexity >= 0) || t.Complexity > 1e300:
		return fmt.Errorf("evaluate: training.complexity_penalty = %v, want a number >= 0, at most 1e300", t.Complexity)
	}
	return nil
}
