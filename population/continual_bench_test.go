package population_test

import (
	"context"
	"testing"
	"time"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// BenchmarkPermutedMNISTGeneration measures one generation of the plastic
// strategy on permuted-mnist with the default configuration, and splits
// its time: each iteration also evaluates copies of the generation's
// genomes on two separate pools, with fine-tuning and without, so that
// fine-tuning = (with) - (without), evaluation = (without), and
// reproduction and speciation = (the step) - (with). Run it with
// -benchtime 3x: a generation takes seconds.
func BenchmarkPermutedMNISTGeneration(b *testing.B) {
	cfg := population.DefaultConfig()
	info, _ := tasks.StreamInfo("permuted-mnist")
	cfg.ApplyTask(info)
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
	withTraining := evaluate.NewPool(cfg.Workers, true, cfg.Seed)
	training := cfg.Training
	training.Learning = evaluate.Lamarckian
	without := evaluate.NewPool(cfg.Workers, true, cfg.Seed)
	training2 := training
	training2.Learning = evaluate.None
	if err := withTraining.SetTraining(training); err != nil {
		b.Fatal(err)
	}
	if err := without.SetTraining(training2); err != nil {
		b.Fatal(err)
	}
	var step, trained, scored time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := p.Step(ctx); err != nil {
			b.Fatal(err)
		}
		step += time.Since(t0)
		b.StopTimer()
		gs := make([]*genome.Genome, len(p.Genomes()))
		for i, g := range p.Genomes() {
			gs[i] = g.Clone()
		}
		out := make([]evaluate.Outcome, len(gs))
		task := stream.TaskAt(p.Generation())
		t1 := time.Now()
		withTraining.Evaluate(ctx, p.Generation(), gs, task, out)
		trained += time.Since(t1)
		t2 := time.Now()
		without.Evaluate(ctx, p.Generation(), gs, task, out)
		scored += time.Since(t2)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(step.Seconds()/n, "s/generation")
	b.ReportMetric((trained-scored).Seconds()/n, "fine-tune-s")
	b.ReportMetric(scored.Seconds()/n, "evaluate-s")
	b.ReportMetric((step-trained).Seconds()/n, "reproduce+speciate-s")
}
