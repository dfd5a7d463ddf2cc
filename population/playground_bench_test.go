package population_test

import (
	"context"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// BenchmarkPlaygroundGeneration measures one generation of a supervised
// Playground task (fine-tuning included) with the task's defaults, one
// worker, from the population of seed 1 after 20 generations.
func BenchmarkPlaygroundGeneration(b *testing.B) {
	for _, name := range []string{"spiral", "circle"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			task, err := tasks.New(name, 1)
			if err != nil {
				b.Fatal(err)
			}
			cfg := population.DefaultConfig()
			cfg.ApplyTask(task.Info())
			cfg.Workers = 1
			cfg.Generations = 1 << 30
			p, err := population.New(cfg, task)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for range 20 {
				if _, err := p.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := p.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
