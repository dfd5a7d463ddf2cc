package tasks

import (
	"fmt"

	"github.com/neuroplast/neuroplast/network"
)

// Continual is a task whose problem changes as a run goes on: a sequence
// of phases met one after another, the phase in force a function of the
// generation alone, so that a run resumed from a checkpoint is in the same
// phase as the run that wrote it. Stream (data streams) and Drift
// (changing pole dynamics) are the built-in ones.
//
// Info describes the networks of every phase; a population evaluates
// generation g on At(g), and takes the continual-learning metrics of
// Lopez-Paz & Ranzato (2017) from Measure on every phase.
type Continual interface {
	Task
	// Phases returns the number of phases.
	Phases() int
	// PhaseAt returns the phase in force at a generation (from 0).
	PhaseAt(generation int) int
	// At returns the task a generation is evaluated on.
	At(generation int) Task
	// PhaseName describes phase p in a few words, such as
	// "permutation 3".
	PhaseName(p int) string
	// Measure returns net's metric (Info().Metric) on phase p's test,
	// using b as scratch space where the task needs one.
	Measure(net *network.Network, p int, b *network.Batch) float64
}

var _ Continual = (*Stream)(nil)

// At implements Continual: TaskAt(generation).
func (s *Stream) At(generation int) Task { return s.TaskAt(generation) }

// PhaseName implements Continual: "permutation p" (permuted-mnist),
// "digits 2p/2p+1" (split-mnist) or "phase p of the flips" (bitflip).
func (s *Stream) PhaseName(p int) string {
	s.checkPhase(p)
	switch s.Name {
	case "permuted-mnist":
		return fmt.Sprintf("permutation %d", p)
	case "split-mnist":
		return fmt.Sprintf("digits %d/%d", 2*p, 2*p+1)
	}
	return fmt.Sprintf("phase %d of the flips", p)
}

// Measure implements Continual: the metric of Score on Test(p).
func (s *Stream) Measure(net *network.Network, p int, b *network.Batch) float64 {
	return s.Score(net, s.Test(p), b).Metric
}
