package population_test

import (
	"testing"

	"github.com/neuroplast/neuroplast/population"
)

// TestContinualGradientSteps checks that a phase of a Lamarckian plastic
// run on a stream counts training.steps gradient steps per genome per
// generation: Steps × PopulationSize × the phase's generations (every
// genome is trained, elites included, since learning changes them).
func TestContinualGradientSteps(t *testing.T) {
	p := bitflipRun(t, population.Plastic, 6, func(c *population.Config) {
		c.PopulationSize, c.Training.Steps = 20, 10
		c.Continual.Phases = 2
	})
	r, err := p.Continual()
	if err != nil || r == nil {
		t.Fatalf("Continual() = %v, %v", r, err)
	}
	if len(r.Phases) != 2 {
		t.Fatalf("%d phases; want 2", len(r.Phases))
	}
	for i, ph := range r.Phases {
		if ph.Generations != 3 || ph.GradientSteps != 10*20*3 {
			t.Errorf("phase %d: %d generations, %d gradient steps; want 3 and 10 × 20 × 3 = 600", i, ph.Generations, ph.GradientSteps)
		}
	}
}
