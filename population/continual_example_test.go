package population_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// turning is a continual task of one's own: 2-D points to classify by the
// side of a line through the origin that turns by a quarter turn at each
// phase, so that the third phase undoes the first. Each phase is a
// supervised task on data in memory (tasks.NewData).
type turning struct {
	phases   []*tasks.Data
	angles   []float64 // each phase's line, in degrees
	perPhase int       // generations per phase
}

func newTurning(rng *rand.Rand, angles []float64, perPhase int) (*turning, error) {
	t := &turning{angles: angles, perPhase: perPhase}
	for p, deg := range angles {
		a := deg * math.Pi / 180
		split := func(n int) *tasks.Dataset {
			d := &tasks.Dataset{Inputs: 2, Outputs: 1}
			for range n {
				x, y := 2*rng.Float64()-1, 2*rng.Float64()-1
				d.X = append(d.X, x, y)
				if -x*math.Sin(a)+y*math.Cos(a) > 0 { // left of the line
					d.Y = append(d.Y, 1)
				} else {
					d.Y = append(d.Y, 0)
				}
			}
			return d
		}
		task, err := tasks.NewData(fmt.Sprintf("turning %d", p), split(100), split(100), tasks.DataOptions{Target: tasks.TargetClass})
		if err != nil {
			return nil, err
		}
		t.phases = append(t.phases, task)
	}
	return t, nil
}

// Info describes the networks of every phase, and marks the task as
// supervised (its phases are) and continual.
func (t *turning) Info() tasks.Info {
	info := t.phases[0].Info()
	info.Name, info.Description = "turning", "2-D points classified by a line that turns a quarter turn each phase"
	info.Continual = true
	return info
}

// Evaluate scores a network on the first phase; a population evaluates
// each generation on At(generation) instead.
func (t *turning) Evaluate(net *network.Network, rng *rand.Rand) tasks.Result {
	return t.phases[0].Evaluate(net, rng)
}

func (t *turning) Phases() int { return len(t.phases) }

// PhaseAt is a function of the generation alone, so that a run resumed
// from a checkpoint is in the phase of the run that saved it.
func (t *turning) PhaseAt(generation int) int { return min(generation/t.perPhase, len(t.phases)-1) }

func (t *turning) At(generation int) tasks.Task { return t.phases[t.PhaseAt(generation)] }

func (t *turning) PhaseName(p int) string { return fmt.Sprintf("line at %v°", t.angles[p]) }

// Measure returns the accuracy on phase p's test data, the metric of
// Info, computed as the phases' own Score computes it.
func (t *turning) Measure(net *network.Network, p int, b *network.Batch) float64 {
	task := t.phases[p]
	_, accuracy := tasks.ScoreBatch(net, task.Test(), b, task.Loss(), task.Classes())
	return accuracy
}

var _ tasks.Continual = (*turning)(nil)

// Evolve on a continual task of your own, and read the continual-learning
// metrics of the run: R[i][j], the accuracy on phase j's test data after
// phase i, and from it ACC and BWT (negative when later phases made the
// champion forget earlier ones: here the third phase reverses the first).
func ExamplePopulation_Continual() {
	task, err := newTurning(rand.New(rand.NewPCG(3, 4)), []float64{0, 90, 180}, 4)
	if err != nil {
		log.Fatal(err)
	}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info()) // supervised and continual defaults
	cfg.Seed = 2
	cfg.PopulationSize = 30
	cfg.Generations = task.Phases() * task.perPhase
	p, err := population.New(cfg, task)
	if err != nil {
		log.Fatal(err)
	}
	if err := p.Run(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	r, err := p.Continual()
	if err != nil {
		log.Fatal(err)
	}
	for i, row := range r.R {
		fmt.Printf("after %-13s %.2f\n", r.Phases[i].Task+":", row)
	}
	fmt.Printf("%s ACC %.2f, BWT %.2f\n", r.Metric, r.ACC, *r.BWT)
	// Output:
	// after line at 0°:   [1.00 0.47 0.00]
	// after line at 90°:  [0.51 0.99 0.53]
	// after line at 180°: [0.02 0.55 0.99]
	// accuracy ACC 0.52, BWT -0.71
}
