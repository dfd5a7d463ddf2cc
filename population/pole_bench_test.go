package population_test

import (
	"context"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// BenchmarkDoublePoleGeneration times one generation of double-pole
// (breeding, evaluation with up to 100,000 simulated decisions per genome,
// the champion test and speciation) on GOMAXPROCS workers, so that
// -test.cpu 1,2,4,... gives the speedup of parallel evaluation. Every
// iteration restores the same state, the population of seed 1 after the
// generation whose champion first balanced 1,000 steps, and steps once: the
// same work each time, whatever the number of workers.
func BenchmarkDoublePoleGeneration(b *testing.B) {
	task := tasks.NewPole(tasks.DoublePole)
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.StopOnSolve = false
	p, err := population.New(cfg, task)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for {
		st, err := p.Step(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if st.BestFitness >= 1000 {
			break
		}
	}
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
		for _, o := range q.History()[len(q.History())-1:] {
			decisions += o.MeanFitness * float64(cfg.PopulationSize)
		}
	}
	b.ReportMetric(float64(p.Generation()+1), "generation")
	b.ReportMetric(decisions/b.Elapsed().Seconds(), "decisions/s")
}
