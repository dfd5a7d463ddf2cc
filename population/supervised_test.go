package population_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

func supervisedRun(t *testing.T, name string, seed uint64, mod func(*population.Config)) *population.Population {
	t.Helper()
	task, err := tasks.New(name, seed)
	if err != nil {
		t.Fatal(err)
	}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed, cfg.PopulationSize, cfg.Generations = seed, 30, 8
	cfg.Training.Steps = 60
	if mod != nil {
		mod(&cfg)
	}
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlasticLearnsGaussian runs the plastic strategy briefly on the
// two-Gaussian task: fine-tuning must find a good separator at once, and
// the statistics must report the best genome's test accuracy.
func TestPlasticLearnsGaussian(t *testing.T) {
	p := supervisedRun(t, "gaussian", 1, nil)
	if p.Strategy() != population.Plastic {
		t.Fatalf("strategy %v for a supervised task; want plastic", p.Strategy())
	}
	last := p.History()[len(p.History())-1]
	if last.TestMetric < 0.9 || last.TestFitness >= 0 {
		t.Errorf("after %d generations: test accuracy %v, test fitness %v; want >= 0.9 and < 0", len(p.History()), last.TestMetric, last.TestFitness)
	}
	if !p.Best().HasUtility {
		t.Errorf("the best genome carries no utilities after Lamarckian training")
	}
	if r, ok := p.TestScore(p.Best()); !ok || r.Metric != last.TestMetric {
		t.Errorf("TestScore(best) = %v, %v; want the last generation's test accuracy %v", r, ok, last.TestMetric)
	}
}

// TestLearningModes checks what each learning mode does to the genes: the
// initial genomes of Lamarckian runs end with trained weights, Baldwinian
// and none leave them as drawn, and the fitness after training beats the
// untrained fitness.
func TestLearningModes(t *testing.T) {
	var fitness = map[evaluate.Learning]float64{}
	var first = map[evaluate.Learning][]float64{}
	for _, mode := range []evaluate.Learning{evaluate.None, evaluate.Lamarckian, evaluate.Baldwinian} {
		p := supervisedRun(t, "spiral", 2, func(c *population.Config) {
			c.Generations = 1
			c.Training.Learning = mode
		})
		var weights []float64
		for _, c := range p.Genomes()[0].Conns {
			weights = append(weights, c.Weight)
		}
		first[mode] = weights
		fitness[mode] = p.History()[0].MeanFitness
	}
	if reflect.DeepEqual(first[evaluate.Lamarckian], first[evaluate.None]) {
		t.Errorf("Lamarckian learning left the genome's weights unchanged")
	}
	if !reflect.DeepEqual(first[evaluate.Baldwinian], first[evaluate.None]) {
		t.Errorf("Baldwinian learning changed the genome's weights")
	}
	if !(fitness[evaluate.Lamarckian] > fitness[evaluate.None]) || fitness[evaluate.Baldwinian] != fitness[evaluate.Lamarckian] {
		t.Errorf("mean fitness: none %v, lamarckian %v, baldwinian %v; want training to help, equally in both modes", fitness[evaluate.None], fitness[evaluate.Lamarckian], fitness[evaluate.Baldwinian])
	}
}

// TestSupervisedRunIndependentOfWorkers repeats a plastic run with 1 and 3
// workers: training draws its batches from each genome's own stream.
func TestSupervisedRunIndependentOfWorkers(t *testing.T) {
	run := func(workers int) []population.Stats {
		p := supervisedRun(t, "xor2d", 3, func(c *population.Config) { c.Workers = workers; c.Generations = 4 })
		return untimed(p.History())
	}
	if a, b := run(1), run(3); !reflect.DeepEqual(a, b) {
		t.Errorf("plastic run differs between 1 and 3 workers")
	}
}

// TestBaldwinianTestScoreTrains checks that a Baldwinian genome is measured
// on the test split as the trained network it stands for, not with its
// untrained genes.
func TestBaldwinianTestScoreTrains(t *testing.T) {
	p := supervisedRun(t, "circle", 4, func(c *population.Config) {
		c.Generations = 2
		c.Training.Learning = evaluate.Baldwinian
	})
	trained, ok := p.TestScore(p.Best())
	if !ok {
		t.Fatal("TestScore: not measured")
	}
	net, err := genome.Compile(p.Best(), true)
	if err != nil {
		t.Fatal(err)
	}
	var b network.Batch
	task := p.Task().(tasks.Supervised)
	raw := task.Score(net, task.Test(), &b)
	if !(trained.Fitness > raw.Fitness) {
		t.Errorf("Baldwinian test fitness %v with training, %v without; want training to help", trained.Fitness, raw.Fitness)
	}
	if again, _ := p.TestScore(p.Best()); again != trained {
		t.Errorf("TestScore is not repeatable: %v then %v", trained, again)
	}
}
