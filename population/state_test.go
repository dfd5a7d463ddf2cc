package population_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// untimed returns the history without its timing fields.
func untimed(h []population.Stats) []population.Stats {
	out := make([]population.Stats, len(h))
	for i, s := range h {
		s.Seconds, s.EvalsPerSec = 0, 0
		out[i] = s
	}
	return out
}

func runTo(t *testing.T, p *population.Population, gens int) {
	t.Helper()
	for p.Generation()+1 < gens || len(p.History()) < gens {
		if _, err := p.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRestoreContinuesExactly runs 40 generations straight, and 20, then
// restores the state (with other workers) and runs to 40: both must end
// with the same genomes, species, best genome and history.
func TestRestoreContinuesExactly(t *testing.T) {
	cfg := xorConfig(3, 1)
	cfg.StopOnSolve = false
	cfg.Generations = 40
	whole, _ := population.New(cfg, tasks.XOR{})
	runTo(t, whole, 40)

	// Taking the state every generation must not change the run.
	watched, _ := population.New(cfg, tasks.XOR{})
	var half *population.State
	for len(watched.History()) < 20 {
		if _, err := watched.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		half = watched.State()
	}
	runTo(t, watched, 40)

	half.Config.Workers = 3
	resumed, err := population.Restore(half, tasks.XOR{})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, resumed, 40)

	want := whole.State()
	for name, p := range map[string]*population.Population{"watched": watched, "resumed": resumed} {
		got := p.State()
		got.Config.Workers = want.Config.Workers
		if !reflect.DeepEqual(untimed(got.History), untimed(want.History)) {
			t.Errorf("%s: history differs from the uninterrupted run", name)
		}
		got.History, got.Species = nil, nil
		w := *want
		w.History, w.Species = nil, nil
		if !reflect.DeepEqual(got, &w) {
			t.Errorf("%s: state after 40 generations differs from the uninterrupted run", name)
		}
		if !reflect.DeepEqual(p.State().Species, want.Species) {
			t.Errorf("%s: species differ from the uninterrupted run", name)
		}
	}
}

func TestRestoreRejectsDamage(t *testing.T) {
	cfg := xorConfig(1, 1)
	p, _ := population.New(cfg, tasks.XOR{})
	runTo(t, p, 5)
	tests := []struct {
		name string
		mod  func(*population.State)
		want string
	}{
		{"missing genome", func(s *population.State) { s.Genomes = s.Genomes[1:] }, "genomes"},
		{"bad genome", func(s *population.State) { s.Genomes[3].Conns[0].To = 0 }, "goes into input node"},
		{"foreign layout", func(s *population.State) { s.Genomes[2].Nodes[0].Kind = 2 }, "the task needs"},
		{"member twice", func(s *population.State) {
			sp := s.Species.Species[0]
			sp.Members = append(sp.Members, sp.Members[0])
		}, "twice"},
		{"orphan genome", func(s *population.State) {
			sp := s.Species.Species[0]
			sp.Members = sp.Members[1:]
		}, "belongs to no species"},
		{"tracker behind", func(s *population.State) { s.Tracker.NextInnov = 1 }, "innovation"},
		{"short history", func(s *population.State) { s.History = s.History[1:] }, "history"},
		{"other task", func(s *population.State) { s.Config.Task = "parity" }, "task"},
	}
	for _, tt := range tests {
		s := p.State()
		tt.mod(s)
		_, err := population.Restore(s, tasks.XOR{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Restore error = %v; want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if _, err := population.Restore(p.State(), tasks.XOR{}); err != nil {
		t.Errorf("Restore of an undamaged state: %v", err)
	}
}

// TestRestoreWithController repeats the exact-resume check with the
// neuroplasticity controller on (under the plastic strategy, whose
// evolution it steers: on XOR there is nothing to fine-tune), whose state
// (a maturity count here, as XOR's fitness stalls) must survive the
// restore.
func TestRestoreWithController(t *testing.T) {
	cfg := xorConfig(5, 1)
	cfg.StopOnSolve = false
	cfg.Strategy = population.Plastic
	cfg.Control.Enabled = true
	cfg.Control.Mature = 3
	whole, _ := population.New(cfg, tasks.XOR{})
	runTo(t, whole, 40)
	half, _ := population.New(cfg, tasks.XOR{})
	runTo(t, half, 20)
	s := half.State()
	if s.Control.SinceBetter == 0 && s.Control.Best == 0 {
		t.Fatalf("controller state %+v: it observed nothing", s.Control)
	}
	resumed, err := population.Restore(s, tasks.XOR{})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, resumed, 40)
	if !reflect.DeepEqual(untimed(resumed.History()), untimed(whole.History())) || !reflect.DeepEqual(resumed.Best(), whole.Best()) {
		t.Errorf("a run restored with its controller differs from the uninterrupted run")
	}
	plain := cfg
	plain.Control.Enabled = false
	other, _ := population.New(plain, tasks.XOR{})
	runTo(t, other, 40)
	if reflect.DeepEqual(untimed(other.History()), untimed(whole.History())) {
		t.Errorf("the controller changed nothing over 40 generations")
	}
}

// TestRestart runs double-pole-nv, too small to solve it, restarting every
// 3 generations: each restart brings a fresh population (no hidden
// neurons, new IDs, born that generation, no species carried over) while
// the evaluations go on counting, and a run restored from any generation
// restarts where the uninterrupted one does.
func TestRestart(t *testing.T) {
	task := tasks.NewPole(tasks.DoublePoleNV)
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed, cfg.PopulationSize, cfg.Generations, cfg.RestartAfter = 5, 40, 8, 3
	cfg.Mutate.Dropin = 0.5 // so that hidden neurons appear between restarts
	whole, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	states := []*population.State{}
	for len(whole.History()) < cfg.Generations {
		st, err := whole.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Solved {
			t.Fatalf("generation %d solved; the test needs an unsolved run", st.Generation)
		}
		states = append(states, whole.State())
		fresh := st.Generation%3 == 0
		if fresh && st.Generation > 0 {
			prev := whole.History()[st.Generation-1].SpeciesSizes
			last := prev[len(prev)-1][0] // species IDs only grow
			for _, sp := range st.SpeciesSizes {
				if sp[0] <= last {
					t.Errorf("generation %d: species %d carried over a restart", st.Generation, sp[0])
				}
			}
		}
		if st.Restarted != (fresh && st.Generation > 0) || st.Restarts != st.Generation/3 {
			t.Errorf("generation %d: restarted %v, restarts %d; want %v, %d", st.Generation, st.Restarted, st.Restarts, fresh && st.Generation > 0, st.Generation/3)
		}
		if st.Evaluations != (st.Generation+1)*cfg.PopulationSize {
			t.Errorf("generation %d: %d evaluations; want %d", st.Generation, st.Evaluations, (st.Generation+1)*cfg.PopulationSize)
		}
		hidden := 0
		for _, g := range whole.Genomes() {
			if fresh && (g.Born != st.Generation || g.ID < st.Generation*cfg.PopulationSize || len(g.Conns) != 4) {
				t.Fatalf("generation %d: genome %d (born %d, %d connections) is not fresh", st.Generation, g.ID, g.Born, len(g.Conns))
			}
			hidden += len(g.Nodes) - 5
		}
		if !fresh && hidden == 0 {
			t.Errorf("generation %d: no hidden neurons; the restart test needs some", st.Generation)
		}
	}
	if whole.History()[3].MeanHidden != 0 || whole.History()[2].MeanHidden == 0 {
		t.Errorf("mean hidden neurons %v at generation 2 and %v at 3; want > 0 and 0", whole.History()[2].MeanHidden, whole.History()[3].MeanHidden)
	}
	want := whole.State()
	for cut, s := range states[:len(states)-1] {
		resumed, err := population.Restore(s, task)
		if err != nil {
			t.Fatal(err)
		}
		runTo(t, resumed, cfg.Generations)
		got := resumed.State()
		if !reflect.DeepEqual(untimed(got.History), untimed(want.History)) || !reflect.DeepEqual(got.Genomes, want.Genomes) {
			t.Errorf("resumed after generation %d: the run differs from the uninterrupted one", cut)
		}
	}
}
