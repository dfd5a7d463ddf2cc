package population_test

import (
	"context"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// BenchmarkPermutedMNISTGeneration measures one generation of the plastic
// strategy on permuted-mnist with the default configuration and splits its
// time by Population.Times: fine-tuning, evaluation (the rest of the
// evaluation step: compiling and scoring), reproduction and speciation.
// One worker, so that the fine-tuning time is wall time. Run it with
// -benchtime 3x: a generation takes seconds.
func BenchmarkPermutedMNISTGeneration(b *testing.B) {
	cfg := population.DefaultConfig()
	info, _ := tasks.StreamInfo("permuted-mnist")
	cfg.ApplyTask(info)
	cfg.Workers = 1
	stream, err := tasks.NewStream("permuted-mnist", cfg.Seed, cfg.Continual, "")
	if err != nil {
		b.Fatal(err)
	}
	p, err := population.New(cfg, stream)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.Step(ctx); err != nil { // the first generation, not timed
		b.Fatal(err)
	}
	var sum population.StepTimes
	for b.Loop() {
		if _, err := p.Step(ctx); err != nil {
			b.Fatal(err)
		}
		t := p.Times()
		sum.Reproduce += t.Reproduce
		sum.Evaluate += t.Evaluate
		sum.FineTune += t.FineTune
		sum.Speciate += t.Speciate
	}
	n := float64(b.N)
	b.ReportMetric(sum.FineTune.Seconds()/n, "fine-tune-s")
	b.ReportMetric((sum.Evaluate-sum.FineTune).Seconds()/n, "evaluate-s")
	b.ReportMetric(sum.Reproduce.Seconds()/n, "reproduce-s")
	b.ReportMetric(sum.Speciate.Seconds()/n, "speciate-s")
}
