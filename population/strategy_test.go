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
	plastic := run(population.Plastic, true)
	if reflect.DeepEqual(plastic, run(population.Plastic, false)) {
		t.Errorf("the controller changed nothing in a plastic run")
	}
	// The stats report what the controller decided: replaying the best
	// fitness through a controller of its own gives the same flags.
	s := population.DefaultControlSettings()
	s.Mature = 3
	var c population.Controller
	matures := 0
	for _, st := range plastic {
		drop := c.Observe(st.BestFitness, &s)
		mature := c.SinceBetter >= s.Mature
		if st.ControlDrop != drop || st.ControlMature != mature {
			t.Errorf("generation %d: control_drop %v, control_mature %v; replayed %v, %v",
				st.Generation, st.ControlDrop, st.ControlMature, drop, mature)
		}
		if mature {
			matures++
		}
	}
	if matures == 0 {
		t.Errorf("no generation of the plastic run counted as mature; the check above tested nothing")
	}
}

// TestRunStopsAtGenerations checks that Run never evaluates more than
// Config.Generations generations, even when it starts from a population
// interrupted after breeding a generation it had no time to evaluate (as
// a checkpoint written on Ctrl-C holds it).
func TestRunStopsAtGenerations(t *testing.T) {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(tasks.XOR{}.Info())
	cfg.Seed, cfg.Workers, cfg.Generations, cfg.StopOnSolve = 2, 1, 5, false
	_, p := runTask(t, cfg, tasks.XOR{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Step(ctx); err == nil {
		t.Fatal("Step with a cancelled context succeeded")
	}
	for _, gens := range []int{5, 6} {
		s := p.State()
		s.Config.Generations = gens
		q, err := population.Restore(s, tasks.XOR{})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Run(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if got := len(q.History()); got != gens {
			t.Errorf("generations = %d, from a bred, unevaluated generation 5: Run evaluated %d generations in all", gens, got)
		}
	}
}
