package population_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// runTask runs cfg on task and returns every generation's statistics with
// the timing fields cleared.
func runTask(t *testing.T, cfg population.Config, task tasks.Task) ([]population.Stats, *population.Population) {
	t.Helper()
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	var out []population.Stats
	err = p.Run(context.Background(), population.RecorderFunc(func(s population.Stats) error {
		s.Seconds, s.EvalsPerSec = 0, 0
		out = append(out, s)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return out, p
}

// TestControllerOnlyUnderPlastic checks that the controller steers the
// plastic strategy only: a neat run is the same with it on or off.
func TestControllerOnlyUnderPlastic(t *testing.T) {
	run := func(s population.Strategy, on bool) []population.Stats {
		cfg := population.DefaultConfig()
		cfg.ApplyTask(tasks.XOR{}.Info())
		cfg.Seed, cfg.Workers, cfg.Generations, cfg.StopOnSolve = 5, 1, 30, false
		cfg.Strategy = s
		cfg.Control.Enabled, cfg.Control.Mature = on, 3
		stats, _ := runTask(t, cfg, tasks.XOR{})
		return stats
	}
	if !reflect.DeepEqual(run(population.NEAT, true), run(population.NEAT, false)) {
		t.Errorf("the controller changed a neat run")
	}
	if reflect.DeepEqual(run(population.Plastic, true), run(population.Plastic, false)) {
		t.Errorf("the controller changed nothing in a plastic run")
	}
}
