package population_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// BenchmarkDoublePoleGeneration times one generation of double-pole
// (breeding, evaluation with up to 100,000 simulated decisions per genome,
// the champion test and speciation), so that its sub-benchmarks give the
// speedup of parallel evaluation. Every iteration restores the same state,
// the population of seed 1 after the generation whose champion first
// balanced 1,000 steps (which is also the one that solves), and steps
// once: the same work each time, whatever the number of workers. In that
// generation four genomes balance all 100,000 steps, one of them the elite
// copy of the last generation's solver.
//
// Sub-benchmark "all" evaluates every genome, the work whose parallel
// speedup the benchmark is for; "kept" steps as runs do, where unchanged
// elites keep their outcomes (tasks.Info.Deterministic), so that the
// elite's 100,000 steps are not simulated again. Under each, "workers=N"
// runs N workers (Config.Workers), for N = 1, 2, 4, 8, 16 up to GOMAXPROCS,
// and "gomaxprocs" runs GOMAXPROCS workers, for -test.cpu 1,2,4,...: the
// one varies the workers on the whole machine, the other the processors
// the program may use.
func BenchmarkDoublePoleGeneration(b *testing.B) {
	benchPoleGeneration(b, tasks.DoublePole, func(_ *population.Population, st population.Stats) bool { return st.BestFitness >= 1000 })
}

// BenchmarkDoublePoleRunOnGeneration is BenchmarkDoublePoleGeneration on
// the generation runOnGenerations after the one that solves, in seed 1's
// run continued past its solution (stop_on_solve off, as on a continual
// stream): by then about a third of the population balances all 100,000
// steps (55 of 150 genomes, 5.5 million decisions), so no one episode
// holds the generation back and its ceiling is high (59.7; 16 workers need
// four rounds of the 55 equal episodes, so at most 13.8x). It is the
// heavy work that parallel evaluation is for; the solving generation,
// above, is the one that a single chain bounds.
func BenchmarkDoublePoleRunOnGeneration(b *testing.B) {
	benchPoleGeneration(b, tasks.DoublePole, func(p *population.Population, st population.Stats) bool {
		_, solved := p.Solver()
		return solved >= 0 && st.Generation == solved+runOnGenerations-1
	})
}

// runOnGenerations is how many generations after its solution
// BenchmarkDoublePoleRunOnGeneration times.
const runOnGenerations = 10

// BenchmarkDoublePoleNVGeneration is BenchmarkDoublePoleGeneration on
// double-pole-nv with its defaults (population 1,000, episodes of at most
// 1,000 decisions, the champion test rotating over the species):
// generation nvBenchGeneration of seed 1. Its evaluation is spread over
// 1,000 short episodes, but its champion passes the 100,000-step episode,
// a chain that waits for them, so its ceiling is low (2.4);
// BenchmarkDoublePoleNVEvaluation times the evaluation alone.
func BenchmarkDoublePoleNVGeneration(b *testing.B) {
	benchPoleGeneration(b, tasks.DoublePoleNV, func(_ *population.Population, st population.Stats) bool {
		return st.Generation == nvBenchGeneration-1
	})
}

// nvBenchGeneration is the generation of seed 1 (counting from 0) that the
// double-pole-nv benchmarks time, the one before it solves: its champion
// balances 100,000 steps but only 22 of the generalization starts.
const nvBenchGeneration = 8

// poleSeed1 runs seed 1 of task with the task's defaults and the given
// workers (0: GOMAXPROCS), on past its solution, until ready says so.
func poleSeed1(b *testing.B, task tasks.Task, workers int, ready func(*population.Population, population.Stats) bool) *population.Population {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.StopOnSolve = false
	cfg.Workers = workers
	p, err := population.New(cfg, task)
	if err != nil {
		b.Fatal(err)
	}
	for {
		st, err := p.Step(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if ready(p, st) {
			return p
		}
	}
}

// benchWorkers returns the worker counts of the workers=N sub-benchmarks:
// 1, 2, 4, 8 and 16, up to GOMAXPROCS.
func benchWorkers() []int {
	var ws []int
	for w := 1; w <= min(16, runtime.GOMAXPROCS(0)); w *= 2 {
		ws = append(ws, w)
	}
	return ws
}

// everyGenome is a pole task that does not claim to be deterministic, so
// that a population evaluates its elites again.
type everyGenome struct{ *tasks.Pole }

func (e everyGenome) Info() tasks.Info {
	info := e.Pole.Info()
	info.Deterministic = false
	return info
}

// benchPoleGeneration runs seed 1 of the pole task until ready says so,
// then, in sub-benchmarks "all" (every genome evaluated) and "kept"
// (elites keep their outcomes), times restoring that state and stepping
// one generation, and reports the simulated decisions per second and the
// generation's ceiling (see ceiling).
func benchPoleGeneration(b *testing.B, kind tasks.PoleKind, ready func(*population.Population, population.Stats) bool) {
	pole := tasks.NewPole(kind)
	for _, v := range []struct {
		name string
		task tasks.Task
	}{{"all", everyGenome{pole}}, {"kept", pole}} {
		b.Run(v.name, func(b *testing.B) {
			for _, w := range benchWorkers() {
				b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchPoleStep(b, pole, v.task, w, ready) })
			}
			b.Run("gomaxprocs", func(b *testing.B) { benchPoleStep(b, pole, v.task, 0, ready) })
		})
	}
}

// benchPoleStep is a sub-benchmark of benchPoleGeneration: pole is the
// task, evaluated as task.
func benchPoleStep(b *testing.B, pole *tasks.Pole, task tasks.Task, workers int, ready func(*population.Population, population.Stats) bool) {
	p := poleSeed1(b, task, workers, ready)
	ctx := context.Background()
	q, err := population.Restore(p.State(), task)
	if err != nil {
		b.Fatal(err)
	}
	st, err := q.Step(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// Unless every genome is evaluated, unchanged elites keep their
	// outcomes rather than being simulated again; they keep their IDs too.
	elite := map[int]bool{}
	if task.Info().Deterministic {
		for _, g := range p.Genomes() {
			elite[g.ID] = true
		}
	}
	limit := ceiling(b, pole, q, st, elite)
	b.ReportAllocs()
	var decisions float64
	for b.Loop() {
		b.StopTimer()
		state := p.State() // Restore takes ownership: a fresh copy each time
		b.StartTimer()
		q, err := population.Restore(state, task)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := q.Step(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		for i, o := range q.State().Outcomes {
			if !elite[q.Genomes()[i].ID] {
				decisions += o.Metric
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(p.Generation()+1), "generation")
	b.ReportMetric(decisions/b.Elapsed().Seconds(), "decisions/s")
	b.ReportMetric(limit, "ceiling")
}

// ceiling returns the simulated decisions of generation st, just stepped
// by q, over those of its longest serial chain: the most that any number
// of workers could speed up its episodes, by Amdahl's law (breeding and
// speciation aside), were every decision the same work; larger networks'
// decisions cost more, so a measured speedup can pass it slightly. Each
// episode is one serial chain. The generalization episodes of the champion
// test wait for the evaluation; on double-pole-nv the test's 100,000-step
// episode does too, and the generalization episodes run beside it. The
// elites, whose outcomes are kept from the generation before, are not
// simulated.
func ceiling(b *testing.B, task *tasks.Pole, q *population.Population, st population.Stats, elite map[int]bool) float64 {
	var total, longest float64
	for i, o := range q.State().Outcomes {
		if !elite[q.Genomes()[i].ID] {
			total += o.Metric
			longest = max(longest, o.Metric)
		}
	}
	var chain, widest float64 // the test's long episode; its longest generalization episode
	if task.Info().Name == tasks.DoublePoleNV.String() {
		chain = float64(st.ChampionSteps)
		total += chain
	}
	if st.Generalization >= 0 {
		i := slices.IndexFunc(q.Genomes(), func(g *genome.Genome) bool { return g.ID == st.ChampionID })
		net, err := genome.Compile(q.Genomes()[i], q.Config().FeedForward)
		if err != nil {
			b.Fatal(err)
		}
		for s := range tasks.PoleGeneralizationStarts {
			d := float64(task.Balance(net, tasks.GeneralizationStart(s), tasks.PoleGeneralizationSteps))
			total += d
			widest = max(widest, d)
		}
	}
	return total / (longest + max(chain, widest))
}

// BenchmarkDoublePoleNVEvaluation times the evaluation alone of the
// generation BenchmarkDoublePoleNVGeneration steps: 1,000 genomes, each
// one episode of at most 1,000 decisions, with no champion test, breeding
// or speciation, on "workers=N" workers (N = 1, 2, 4, 8, 16 up to
// GOMAXPROCS). Its ceiling is in the hundreds, so it shows how far
// parallel evaluation itself scales.
func BenchmarkDoublePoleNVEvaluation(b *testing.B) {
	task := tasks.NewPole(tasks.DoublePoleNV)
	p := poleSeed1(b, task, 0, func(_ *population.Population, st population.Stats) bool { return st.Generation == nvBenchGeneration })
	genomes := p.Genomes()
	for _, w := range benchWorkers() {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			out := make([]evaluate.Outcome, len(genomes))
			pool := evaluate.NewPool(w, p.Config().FeedForward, p.Config().Seed)
			b.ReportAllocs()
			for b.Loop() {
				if err := pool.Evaluate(context.Background(), p.Generation(), genomes, task, out); err != nil {
					b.Fatal(err)
				}
			}
			var total, longest float64
			for _, o := range out {
				total += o.Metric
				longest = max(longest, o.Metric)
			}
			b.ReportMetric(total*float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
			b.ReportMetric(total/longest, "ceiling")
		})
	}
}
