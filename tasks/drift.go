package tasks

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/network"
)

// DriftName is the name of the drifting-dynamics pole-balancing stream.
const DriftName = "cartpole-drift"

// DriftOptions set the dynamics of each phase of cartpole-drift: the
// [drift] section of a run's configuration. Phase p balances the long pole
// of HalfLengths[p mod len] metres and Masses[p mod len] kilograms, so the
// lists cycle when the phases outnumber them.
type DriftOptions struct {
	Poles       int       `toml:"poles" comment:"cartpole-drift: 1 (the single pole) or 2 (the double pole), both with velocities as inputs"`
	HalfLengths []float64 `toml:"half_lengths" comment:"cartpole-drift: the (long) pole's half-length in metres in each phase, cycled when the phases outnumber them, each in (0, 10]"`
	Masses      []float64 `toml:"masses" comment:"cartpole-drift: the (long) pole's mass in kilograms in each phase, cycled likewise, each in (0, 10]"`
	Steps       int       `toml:"steps" comment:"cartpole-drift: decisions (0.02 s each) a trial lasts; balancing all of them solves the phase, >= 1"`
}

// DefaultDriftOptions returns the defaults: the double pole with
// velocities, whose long pole changes between the benchmark's 0.5 m and
// 0.1 kg and lighter, heavier, shorter and longer ones, balanced for
// 10,000 decisions (200 simulated seconds) per trial.
func DefaultDriftOptions() DriftOptions {
	return DriftOptions{
		Poles:       2,
		HalfLengths: []float64{0.5, 0.8, 0.3, 1.0, 0.4},
		Masses:      []float64{0.1, 0.3, 0.05, 0.2, 0.15},
		Steps:       10000,
	}
}

// Validate returns an error naming the first setting out of range.
func (o *DriftOptions) Validate() error {
	switch {
	case o.Poles != 1 && o.Poles != 2:
		return fmt.Errorf("tasks: drift.poles = %d, want 1 or 2", o.Poles)
	case len(o.HalfLengths) == 0:
		return fmt.Errorf("tasks: drift.half_lengths = [], want at least one half-length")
	case len(o.Masses) == 0:
		return fmt.Errorf("tasks: drift.masses = [], want at least one mass")
	case o.Steps < 1:
		return fmt.Errorf("tasks: drift.steps = %d, want >= 1", o.Steps)
	}
	for i, l := range o.HalfLengths {
		if !(l > 0 && l <= 10) {
			return fmt.Errorf("tasks: drift.half_lengths[%d] = %v, want a length in (0, 10] metres", i, l)
		}
	}
	for i, m := range o.Masses {
		if !(m > 0 && m <= 10) {
			return fmt.Errorf("tasks: drift.masses[%d] = %v, want a mass in (0, 10] kilograms", i, m)
		}
	}
	return nil
}

// Drift is cartpole-drift, a continual control task: pole balancing
// (cartpole or double-pole, with velocities) whose long pole changes
// length and mass from one phase to the next, so that a controller evolved
// for one phase's dynamics must re-adapt to the next, and may forget the
// earlier ones. Fitness in a phase is the fraction of a trial of
// Options.Steps decisions balanced from the standard start; the metric of
// the continual-learning matrix R is the same fraction measured under
// every phase's dynamics, and a phase is solved by balancing the whole
// trial.
//
// A Drift is read-only and safe for concurrent use.
type Drift struct {
	Options   DriftOptions
	Continual ContinualOptions
	phases    []*DriftPhase
}

var _ Continual = (*Drift)(nil)

// NewDrift returns cartpole-drift with opt's phases and d's dynamics.
func NewDrift(opt ContinualOptions, d DriftOptions) (*Drift, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	kind := DoublePole
	if d.Poles == 1 {
		kind = CartPole
	}
	t := &Drift{Options: d, Continual: opt}
	for p := range opt.Phases {
		params := DefaultPoleParams(d.Poles)
		params.HalfLength[0] = d.HalfLengths[p%len(d.HalfLengths)]
		params.Mass[0] = d.Masses[p%len(d.Masses)]
		pole, err := NewPoleWith(kind, params)
		if err != nil {
			return nil, fmt.Errorf("tasks: %s phase %d: %w", DriftName, p, err)
		}
		t.phases = append(t.phases, &DriftPhase{Pole: pole, Phase: p, Steps: d.Steps})
	}
	return t, nil
}

// Info implements Task: the networks of the pole task with velocities,
// Metric "balanced" (the fraction of a trial balanced).
func (t *Drift) Info() Info {
	info := t.phases[0].Info()
	info.Name, info.Description = DriftName, DescribeStream(DriftName)
	info.Continual = true
	return info
}

// Evaluate implements Task: the first phase's evaluation.
func (t *Drift) Evaluate(net *network.Network, rng *rand.Rand) Result {
	return t.phases[0].Evaluate(net, rng)
}

// Phases implements Continual.
func (t *Drift) Phases() int { return t.Continual.Phases }

// PhaseAt implements Continual: min(generation / GenerationsPerPhase,
// Phases - 1). It panics if generation is negative.
func (t *Drift) PhaseAt(generation int) int {
	if generation < 0 {
		panic(fmt.Sprintf("tasks: %s: phase of generation %d", DriftName, generation))
	}
	return min(generation/t.Continual.GenerationsPerPhase, t.Continual.Phases-1)
}

// At implements Continual: the phase in force at generation.
func (t *Drift) At(generation int) Task { return t.phases[t.PhaseAt(generation)] }

// Phase returns phase p. It panics if p is out of range.
func (t *Drift) Phase(p int) *DriftPhase { return t.phases[p] }

// PhaseName implements Continual: the long pole's half-length and mass in
// phase p.
func (t *Drift) PhaseName(p int) string {
	params := t.phases[p].Pole.Params()
	return fmt.Sprintf("pole %g m, %g kg", 2*params.HalfLength[0], params.Mass[0])
}

// Measure implements Continual: the fraction of a trial net balances under
// phase p's dynamics. b is not used.
func (t *Drift) Measure(net *network.Network, p int, _ *network.Batch) float64 {
	return t.phases[p].balanced(net)
}

// DriftPhase is one phase of cartpole-drift: the pole task with that
// phase's dynamics, a trial lasting Steps decisions.
type DriftPhase struct {
	Pole  *Pole
	Phase int
	Steps int
}

// Info implements Task.
func (t *DriftPhase) Info() Info {
	info := t.Pole.Info()
	info.Name = fmt.Sprintf("%s phase %d", DriftName, t.Phase)
	info.MaxFitness, info.Metric = 1, "balanced"
	return info
}

// Evaluate implements Task: Fitness and Metric are the fraction of the
// trial balanced from the standard start, and Solved means all of it. The
// random stream is not used.
func (t *DriftPhase) Evaluate(net *network.Network, _ *rand.Rand) Result {
	f := t.balanced(net)
	return Result{Fitness: f, Metric: f, Solved: f == 1}
}

func (t *DriftPhase) balanced(net *network.Network) float64 {
	return float64(t.Pole.Balance(net, StandardStart(), t.Steps)) / float64(t.Steps)
}
