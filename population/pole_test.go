package population_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/species"
	"github.com/neuroplast/neuroplast/tasks"
)

// TestDoublePoleNVIndependentOfWorkers runs the recurrent pole task, whose
// evaluations differ wildly in length, with one and two workers: every
// generation's statistics, champion tests included, and every genome must
// agree.
//
// It does so with both network updates, sequential and synchronous, and
// checks that the synchronous one changes the run.
func TestDoublePoleNVIndependentOfWorkers(t *testing.T) {
	task := tasks.NewPole(tasks.DoublePoleNV)
	var runs [2][]population.Stats
	for k, sync := range []bool{false, true} {
		cfg := population.DefaultConfig()
		cfg.ApplyTask(task.Info())
		cfg.Seed = 3
		cfg.PopulationSize = 150
		cfg.Generations = 12
		cfg.StopOnSolve = false
		cfg.Synchronous = sync
		cfg.Workers = 1
		want, p1 := runTask(t, cfg, task)
		cfg.Workers = 2
		got, p2 := runTask(t, cfg, task)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("synchronous %v: stats with 2 workers differ from 1 worker", sync)
		}
		if !reflect.DeepEqual(p1.Genomes(), p2.Genomes()) || !reflect.DeepEqual(p1.Best(), p2.Best()) {
			t.Fatalf("synchronous %v: genomes with 2 workers differ from 1 worker", sync)
		}
		if cfg.FeedForward {
			t.Errorf("double-pole-nv ran feed-forward; it needs recurrent networks")
		}
		tested := 0
		for _, st := range want {
			if st.ChampionSteps > 0 {
				tested++
			}
		}
		if tested != len(want) {
			t.Errorf("synchronous %v: %d of %d generations report a champion test", sync, tested, len(want))
		}
		runs[k] = want
	}
	// Generation 0 has no hidden neurons, where the two updates agree;
	// later ones must not.
	if reflect.DeepEqual(untimed(runs[0]), untimed(runs[1])) {
		t.Errorf("the run is the same with synchronous networks; the setting had no effect")
	}
}

// TestSynchronousNeedsSteppedTask checks that synchronous networks are
// refused for tasks that do not step a network through time: a supervised
// task, which scores networks in batches, and XOR, which resets the
// network for each case.
func TestSynchronousNeedsSteppedTask(t *testing.T) {
	for _, name := range []string{"circle", "xor"} {
		task, err := tasks.New(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg := population.DefaultConfig()
		cfg.ApplyTask(task.Info())
		cfg.FeedForward, cfg.Synchronous = false, true
		cfg.Training.Learning = evaluate.None
		_, err = population.New(cfg, task)
		if want := `synchronous = true is for tasks that step a network through time (such as the pole tasks), not "` + name + `"`; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: New = %v; want an error containing %q", name, err, want)
		}
	}
}

// championTask solves only through its champion test: Evaluate never says
// solved, and the champion test passes when the network's output for a
// fixed input exceeds 0.9.
type championTask struct{ tested *int }

func (championTask) Info() tasks.Info {
	return tasks.Info{Name: "champion", Inputs: 1, Outputs: 1, Bias: true, OutputAct: network.Sigmoid, FeedForward: true}
}

func (championTask) Evaluate(net *network.Network, _ *rand.Rand) tasks.Result {
	out := []float64{0}
	net.Forward([]float64{1}, out)
	return tasks.Result{Fitness: out[0]}
}

func (c championTask) TestChampion(net *network.Network, _ tasks.Result) tasks.ChampionTest {
	*c.tested++
	out := []float64{0}
	net.Forward([]float64{1}, out)
	return tasks.ChampionTest{Solved: out[0] > 0.9, Steps: int(out[0] * 1000), Generalization: -1}
}

// TestChampionTestDecidesSolved checks that a task's champion test, run on
// each generation's fittest genome only, decides when the task is solved.
func TestChampionTestDecidesSolved(t *testing.T) {
	tested := 0
	task := championTask{&tested}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed = 2
	cfg.Workers = 1
	stats, p := runTask(t, cfg, task)
	g, gen := p.Solver()
	if g == nil {
		t.Fatalf("not solved in %d generations", len(stats))
	}
	if tested != len(stats) {
		t.Errorf("champion test ran %d times in %d generations; want once each", tested, len(stats))
	}
	last := stats[len(stats)-1]
	if gen != last.Generation || !last.Solved || g.ID != last.BestID {
		t.Errorf("solved in generation %d by genome %d; last generation %d (solved %v), best %d", gen, g.ID, last.Generation, last.Solved, last.BestID)
	}
	for _, st := range stats[:len(stats)-1] {
		if st.Solved || st.ChampionSteps > 900 {
			t.Errorf("generation %d: solved %v with champion steps %d", st.Generation, st.Solved, st.ChampionSteps)
		}
	}
	if last.ChampionSteps <= 900 || last.Generalization != -1 {
		t.Errorf("solving generation: champion steps %d, generalization %d; want > 900, -1", last.ChampionSteps, last.Generalization)
	}
	c, ok := p.ChampionTest(g)
	if !ok || !c.Solved {
		t.Errorf("ChampionTest(solver) = %+v, %v; want solved", c, ok)
	}
	if tested != len(stats) {
		t.Errorf("ChampionTest(solver) ran the test again (%d times in %d generations); want the outcome of the solving generation", tested, len(stats))
	}
	// Restored, the population has no outcome kept and runs the test: the
	// same outcome.
	q, err := population.Restore(p.State(), task)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := q.Solver()
	if d, ok := q.ChampionTest(qs); !ok || d.Solved != c.Solved || d.Steps != c.Steps || d.Generalization != c.Generalization || tested != len(stats)+1 {
		t.Errorf("restored: ChampionTest(solver) = %+v, %v after %d tests; want %+v after %d", d, ok, tested, c, len(stats)+1)
	}
	if _, ok := (&population.Population{}).ChampionTest(nil); ok {
		t.Errorf("ChampionTest(nil) reported a test")
	}
}

// TestSpeciesChampionRotates checks champion_test = "species": each
// generation the genome tested is the fittest member of a species, now
// marked tested, and the test moves on from the fittest genome while it
// does not improve; with "fittest" the fittest genome is tested.
func TestSpeciesChampionRotates(t *testing.T) {
	tested := 0
	task := championTask{&tested}
	for _, pick := range []population.ChampionPick{population.FittestChampion, population.SpeciesChampion} {
		cfg := population.DefaultConfig()
		cfg.ApplyTask(task.Info())
		cfg.Seed, cfg.Workers, cfg.Generations, cfg.StopOnSolve = 4, 1, 15, false
		cfg.ChampionTest = pick
		p, err := population.New(cfg, task)
		if err != nil {
			t.Fatal(err)
		}
		others := 0
		for range cfg.Generations {
			st, err := p.Step(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.ChampionID != st.BestID {
				others++
			}
			var champion *species.Species
			for _, sp := range p.State().Species.Species {
				if p.Genomes()[sp.Members[0]].ID == st.ChampionID {
					champion = sp
				}
			}
			if champion == nil || (pick == population.SpeciesChampion && !champion.Tested) {
				t.Fatalf("%v, generation %d: tested genome %d is not the champion of a species marked tested (%+v)", pick, st.Generation, st.ChampionID, champion)
			}
		}
		if pick == population.FittestChampion && others != 0 {
			t.Errorf("fittest: %d generations tested another genome than the fittest", others)
		}
		if pick == population.SpeciesChampion && others == 0 {
			t.Errorf("species: every generation tested the fittest genome; want the test to move on to other species")
		}
	}
}

// countingTask is a task that counts its evaluations, and says it is
// deterministic or not as told.
type countingTask struct {
	tasks.Task
	deterministic bool
	calls         *atomic.Int64
}

func (c countingTask) Info() tasks.Info {
	info := c.Task.Info()
	info.Deterministic = c.deterministic
	return info
}

func (c countingTask) Evaluate(net *network.Network, rng *rand.Rand) tasks.Result {
	c.calls.Add(1)
	return c.Task.Evaluate(net, rng)
}

// TestElitesKeepOutcomes checks that on a deterministic task an unchanged
// elite is not evaluated again, exactly once per elite of every generation
// after the first, and that the run is the same as when every genome is
// evaluated: statistics, genomes, evaluation counts and the best genome.
func TestElitesKeepOutcomes(t *testing.T) {
	for _, inner := range []tasks.Task{tasks.NewPole(tasks.DoublePole), tasks.NewPole(tasks.DoublePoleNV), tasks.XOR{}} {
		name := inner.Info().Name
		var runs [2]struct {
			stats   []population.Stats
			p       *population.Population
			calls   int64
			elites  int
			genomes int
		}
		for k, det := range []bool{false, true} {
			task := countingTask{Task: inner, deterministic: det, calls: new(atomic.Int64)}
			cfg := population.DefaultConfig()
			cfg.ApplyTask(inner.Info())
			cfg.Seed = 5
			cfg.PopulationSize = 150
			cfg.StopOnSolve = false
			cfg.Workers = 2
			p, err := population.New(cfg, task)
			if err != nil {
				t.Fatal(err)
			}
			r := &runs[k]
			var last map[int]bool
			for range 10 {
				st, err := p.Step(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				st.Seconds, st.EvalsPerSec = 0, 0
				r.stats = append(r.stats, st)
				ids := map[int]bool{}
				for _, g := range p.Genomes() {
					ids[g.ID] = true
					if last[g.ID] { // elite copies keep their ID
						r.elites++
					}
				}
				last = ids
				r.genomes += len(p.Genomes())
			}
			r.p, r.calls = p, task.calls.Load()
		}
		all, kept := runs[0], runs[1]
		if all.calls != int64(all.genomes) {
			t.Errorf("%s: %d evaluations of %d genomes when the task is not deterministic; want all", name, all.calls, all.genomes)
		}
		if kept.elites == 0 || kept.calls != int64(kept.genomes-kept.elites) {
			t.Errorf("%s: %d evaluations of %d genomes, %d of them elites, on a deterministic task; want the elites skipped", name, kept.calls, kept.genomes, kept.elites)
		}
		if !reflect.DeepEqual(all.stats, kept.stats) {
			t.Errorf("%s: statistics differ when elites keep their outcomes", name)
		}
		if !reflect.DeepEqual(all.p.Genomes(), kept.p.Genomes()) || !reflect.DeepEqual(all.p.Best(), kept.p.Best()) || all.p.Evaluations() != kept.p.Evaluations() {
			t.Errorf("%s: genomes, best genome or evaluations differ when elites keep their outcomes", name)
		}
	}
}

// countingSupervised is a supervised task that counts the datasets it
// scores, and says it is deterministic or not as told.
type countingSupervised struct {
	tasks.Supervised
	deterministic bool
	calls         *atomic.Int64
}

func (c countingSupervised) Info() tasks.Info {
	info := c.Supervised.Info()
	info.Deterministic = c.deterministic
	return info
}

func (c countingSupervised) Score(net *network.Network, d *tasks.Dataset, b *network.Batch) tasks.Result {
	c.calls.Add(1)
	return c.Supervised.Score(net, d, b)
}

// TestElitesKeepOutcomesSupervised is TestElitesKeepOutcomes for the
// built-in supervised tasks, which say they are deterministic: evolved
// without training (the neat strategy), they are scored on their
// validation split, and the run is the same whether the elites keep their
// outcomes or are scored again, with fewer scorings when they keep them.
func TestElitesKeepOutcomesSupervised(t *testing.T) {
	for _, name := range []string{"spiral", "sine"} {
		inner, err := tasks.New(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !inner.Info().Deterministic {
			t.Fatalf("%s does not say it is deterministic", name)
		}
		var runs [2]struct {
			stats []population.Stats
			p     *population.Population
			calls int64
		}
		for k, det := range []bool{false, true} {
			task := countingSupervised{Supervised: inner.(tasks.Supervised), deterministic: det, calls: new(atomic.Int64)}
			cfg := population.DefaultConfig()
			cfg.ApplyTask(task.Info())
			cfg.Strategy = population.NEAT
			cfg.Seed = 5
			cfg.Generations = 10
			cfg.Workers = 2
			p, err := population.New(cfg, task)
			if err != nil {
				t.Fatal(err)
			}
			r := &runs[k]
			for range cfg.Generations {
				st, err := p.Step(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				st.Seconds, st.EvalsPerSec = 0, 0
				r.stats = append(r.stats, st)
			}
			r.p, r.calls = p, task.calls.Load()
		}
		all, kept := runs[0], runs[1]
		t.Logf("%s: %d and %d scorings", name, all.calls, kept.calls)
		if kept.calls >= all.calls {
			t.Errorf("%s: %d scorings with elites kept, %d without; want fewer", name, kept.calls, all.calls)
		}
		if !reflect.DeepEqual(all.stats, kept.stats) {
			t.Errorf("%s: statistics differ when elites keep their outcomes", name)
		}
		if !reflect.DeepEqual(all.p.Genomes(), kept.p.Genomes()) || !reflect.DeepEqual(all.p.Best(), kept.p.Best()) {
			t.Errorf("%s: genomes or best genome differ when elites keep their outcomes", name)
		}
	}
}

// TestSolverChampionTestKept checks that ChampionTest gives the solver of
// double-pole-nv the outcome of the test that made it the solver, the
// same, start by start, as the test run anew on a restored population,
// and a copy that callers may change.
func TestSolverChampionTestKept(t *testing.T) {
	task := tasks.NewPole(tasks.DoublePoleNV)
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed = 1
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	g, _ := p.Solver()
	if g == nil {
		t.Fatal("seed 1 did not solve")
	}
	kept, ok := p.ChampionTest(g)
	if !ok || !kept.Solved || len(kept.Balanced) != tasks.PoleGeneralizationStarts {
		t.Fatalf("ChampionTest(solver) = solved %v, %d starts, %v; want solved, %d starts", kept.Solved, len(kept.Balanced), ok, tasks.PoleGeneralizationStarts)
	}
	q, err := population.Restore(p.State(), task)
	if err != nil {
		t.Fatal(err)
	}
	qg, _ := q.Solver()
	anew, _ := q.ChampionTest(qg)
	if anew.Solved != kept.Solved || anew.Steps != kept.Steps || anew.Generalization != kept.Generalization || !slices.Equal(anew.Balanced, kept.Balanced) {
		t.Errorf("the test run anew (steps %d, generalization %d) differs from the kept one (steps %d, generalization %d)", anew.Steps, anew.Generalization, kept.Steps, kept.Generalization)
	}
	kept.Balanced[0] = !kept.Balanced[0]
	if again, _ := p.ChampionTest(g); again.Balanced[0] == kept.Balanced[0] {
		t.Error("ChampionTest(solver) returned the kept outcome's own Balanced slice, which a caller changed")
	}
}
