package population_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/neuroplast/neuroplast/network"
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

// highStream is a continual task of the user's own: three phases of five
// generations, each solved by a network whose output for (1, 1) is above
// 0.5, as half of the first generation's are.
type highStream struct{}

func (highStream) Info() tasks.Info {
	return tasks.Info{Name: "high", Inputs: 2, Outputs: 1, Bias: true, FeedForward: true, MaxFitness: 1, Metric: "accuracy", Continual: true}
}
func (highStream) Evaluate(net *network.Network, _ *rand.Rand) tasks.Result {
	var out [1]float64
	net.Forward([]float64{1, 1}, out[:])
	r := tasks.Result{Fitness: out[0], Solved: out[0] > 0.5}
	if r.Solved {
		r.Metric = 1
	}
	return r
}
func (highStream) Phases() int            { return 3 }
func (highStream) PhaseAt(gen int) int    { return min(gen/5, 2) }
func (s highStream) At(int) tasks.Task    { return s }
func (highStream) PhaseName(p int) string { return fmt.Sprintf("high %d", p) }
func (s highStream) Measure(net *network.Network, _ int, _ *network.Batch) float64 {
	return s.Evaluate(net, nil).Metric
}

// TestStreamIgnoresStopOnSolve checks that a continual stream of the
// user's own runs through all its phases even with stop_on_solve set
// (ApplyTask clears it for continual tasks, but a user may set it again),
// which would otherwise end it at the first solution.
func TestStreamIgnoresStopOnSolve(t *testing.T) {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(highStream{}.Info())
	if cfg.StopOnSolve || !cfg.Control.Enabled {
		t.Errorf("ApplyTask of a continual task: stop_on_solve %t, controller %t; want false and true", cfg.StopOnSolve, cfg.Control.Enabled)
	}
	cfg.Seed, cfg.Generations, cfg.StopOnSolve = 1, 15, true
	stats, p := runTask(t, cfg, highStream{})
	if len(stats) != 15 || !stats[len(stats)-1].Solved {
		t.Errorf("ran %d generations, last solved %v; want all 15 of the three phases, solved", len(stats), len(stats) > 0 && stats[len(stats)-1].Solved)
	}
	if r, err := p.Continual(); err != nil || r == nil || len(r.R) != 3 {
		t.Errorf("Continual() = %v, %v; want a report of 3 phases", r, err)
	}
}

// TestSineWithoutSin checks that the sine task's defaults leave sin out of
// the activations hidden neurons may take, since one sin neuron fits the
// target exactly, and that other supervised tasks keep it.
func TestSineWithoutSin(t *testing.T) {
	for name, wantSin := range map[string]bool{"sine": false, "spiral": true} {
		task, err := tasks.New(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg := population.DefaultConfig()
		cfg.ApplyTask(task.Info())
		if got := slices.Contains(cfg.Mutate.Activations, network.Sin); got != wantSin || len(cfg.Mutate.Activations) < 4 {
			t.Errorf("%s: activations %v; want sin among them: %v", name, cfg.Mutate.Activations, wantSin)
		}
	}
}
