package population_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// targetStream is a continual task of a user's own: in phase p a network
// should output p/2 for the input 1, and its metric is the distance from
// that ("miss", lower is better) or minus it ("reward", higher is better).
type targetStream struct{ info tasks.Info }

func (s targetStream) Info() tasks.Info      { return s.info }
func (targetStream) Phases() int             { return 2 }
func (targetStream) PhaseAt(gen int) int     { return min(gen/2, 1) }
func (s targetStream) At(gen int) tasks.Task { return phaseTask{s, s.PhaseAt(gen)} }
func (targetStream) PhaseName(p int) string  { return []string{"low", "high"}[p] }

func (s targetStream) Evaluate(net *network.Network, rng *rand.Rand) tasks.Result {
	return phaseTask{s, 0}.Evaluate(net, rng)
}

func (s targetStream) Measure(net *network.Network, p int, _ *network.Batch) float64 {
	miss := phaseTask{s, p}.miss(net)
	if s.info.LowerIsBetter {
		return miss
	}
	return -miss
}

type phaseTask struct {
	s     targetStream
	phase int
}

func (t phaseTask) Info() tasks.Info { return t.s.info }

func (t phaseTask) miss(net *network.Network) float64 {
	out := []float64{0}
	net.Forward([]float64{1}, out)
	d := out[0] - float64(t.phase)/2
	return d * d
}

func (t phaseTask) Evaluate(net *network.Network, _ *rand.Rand) tasks.Result {
	miss := t.miss(net)
	return tasks.Result{Fitness: 1 - miss, Metric: miss}
}

// TestContinualCustomMetric runs a stream of the user's own whose metric
// is none of the built-in ones: the continual report takes the metric's
// name and direction from the task's Info.
func TestContinualCustomMetric(t *testing.T) {
	run := func(info tasks.Info) (*continual.Report, error) {
		t.Helper()
		info.Name, info.Inputs, info.Outputs, info.Bias = "target", 1, 1, true
		info.OutputAct, info.FeedForward, info.Deterministic, info.Continual = network.Sigmoid, true, true, true
		cfg := population.DefaultConfig()
		cfg.ApplyTask(info)
		cfg.Seed, cfg.PopulationSize, cfg.Generations, cfg.Workers = 1, 20, 4, 1
		p, err := population.New(cfg, targetStream{info})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		return p.Continual()
	}
	for _, tt := range []struct {
		metric string
		lower  bool
	}{{"reward", false}, {"miss", true}} {
		r, err := run(tasks.Info{Metric: tt.metric, LowerIsBetter: tt.lower})
		if err != nil {
			t.Fatalf("%s: Continual() = %v", tt.metric, err)
		}
		if r.Metric != tt.metric || r.Higher == tt.lower || len(r.Phases) != 2 || r.Phases[1].Task != "high" {
			t.Errorf("%s: Continual() = metric %q, higher_is_better %v, phases %+v; want %s, %v, low and high",
				tt.metric, r.Metric, r.Higher, r.Phases, tt.metric, !tt.lower)
		}
	}
	// A stream must name its metric.
	if _, err := run(tasks.Info{}); err == nil || !strings.Contains(err.Error(), "no metric") {
		t.Errorf("Continual() of a stream without a metric = %v; want an error saying there is no metric", err)
	}
}
