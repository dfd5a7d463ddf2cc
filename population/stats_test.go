package population_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// output returns net's output for the input 1.
func output(net *network.Network) float64 {
	out := []float64{0}
	net.Forward([]float64{1}, out)
	return out[0]
}

// oneInput is the Info of the small tasks below: one input, a bias and one
// sigmoid output.
func oneInput(name string) tasks.Info {
	return tasks.Info{Name: name, Inputs: 1, Outputs: 1, Bias: true, OutputAct: network.Sigmoid, FeedForward: true, Deterministic: true}
}

// TestStatsOverValidGenomes checks that the mean and standard deviation
// of fitness are taken over the genomes that did not fault, divided by
// their number: a task returns NaN for the genomes whose output is below
// 0.4, and the statistics must match the population mean and standard
// deviation of the others' fitness.
func TestStatsOverValidGenomes(t *testing.T) {
	info := oneInput("sometimes-nan")
	task := tasks.Func(info, func(net *network.Network, _ *rand.Rand) tasks.Result {
		if out := output(net); out >= 0.4 {
			return tasks.Result{Fitness: out}
		}
		return tasks.Result{Fitness: math.NaN()}
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	cfg.Seed, cfg.Workers, cfg.PopulationSize = 1, 1, 60
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		st, err := p.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var valid []float64
		for _, g := range p.Genomes() {
			if g.Fitness != evaluate.FaultFitness {
				valid = append(valid, g.Fitness)
			}
		}
		if st.Faults == 0 || st.Faults != len(p.Genomes())-len(valid) {
			t.Fatalf("generation %d: %d faults, %d of %d genomes valid; want some faults, counted", st.Generation, st.Faults, len(valid), len(p.Genomes()))
		}
		mean, ss := 0.0, 0.0
		for _, f := range valid {
			mean += f
		}
		mean /= float64(len(valid))
		for _, f := range valid {
			ss += (f - mean) * (f - mean)
		}
		std := math.Sqrt(ss / float64(len(valid)))
		if math.Abs(st.MeanFitness-mean) > 1e-12 || math.Abs(st.StdFitness-std) > 1e-12 {
			t.Errorf("generation %d: mean %v, std %v; want %v, %v over the %d valid genomes", st.Generation, st.MeanFitness, st.StdFitness, mean, std, len(valid))
		}
	}
}

// fallingStream is a stream of three phases of two generations on which
// fitness is the output for the input 1 less the phase: the champion of a
// later phase always scores below those of earlier ones.
type fallingStream struct{}

func (fallingStream) Info() tasks.Info {
	info := oneInput("falling")
	info.Metric, info.Deterministic, info.Continual = "output", false, true
	return info
}
func (fallingStream) Evaluate(net *network.Network, rng *rand.Rand) tasks.Result {
	return fallingPhase(0).Evaluate(net, rng)
}
func (fallingStream) Phases() int             { return 3 }
func (fallingStream) PhaseAt(gen int) int     { return min(gen/2, 2) }
func (s fallingStream) At(gen int) tasks.Task { return fallingPhase(s.PhaseAt(gen)) }
func (fallingStream) PhaseName(p int) string  { return "phase" }
func (fallingStream) Measure(net *network.Network, _ int, _ *network.Batch) float64 {
	return output(net)
}

type fallingPhase int

func (fallingPhase) Info() tasks.Info { return fallingStream{}.Info() }
func (f fallingPhase) Evaluate(net *network.Network, _ *rand.Rand) tasks.Result {
	return tasks.Result{Fitness: output(net) - float64(f)}
}

// TestStreamBestIsCurrentChampion checks that on a continual stream Best
// is the champion of the generation just evaluated, even when it scores
// below the best genome of an earlier phase: fitness measured on
// different phases does not compare.
func TestStreamBestIsCurrentChampion(t *testing.T) {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(fallingStream{}.Info())
	cfg.Seed, cfg.Workers, cfg.PopulationSize, cfg.Generations = 2, 1, 30, 6
	p, err := population.New(cfg, fallingStream{})
	if err != nil {
		t.Fatal(err)
	}
	everBest := math.Inf(-1)
	below := 0
	for range cfg.Generations {
		st, err := p.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.BestFitness < everBest {
			below++
		}
		everBest = max(everBest, st.BestFitness)
		b := p.Best()
		if b == nil {
			t.Fatalf("generation %d: Best() = nil", st.Generation)
		}
		if b.ID != st.BestID || b.Fitness != st.BestFitness {
			t.Errorf("generation %d: Best() is genome %d of fitness %v; want the generation's champion %d of fitness %v", st.Generation, b.ID, b.Fitness, st.BestID, st.BestFitness)
		}
	}
	if below == 0 {
		t.Fatal("no generation scored below an earlier one; the test tests nothing")
	}
}

// TestSolverIsFittestSolving checks which genome Solver returns on a task
// without a champion test: the fittest of the solving genomes of the
// first solving generation, not the first found. Here a genome solves when
// its output (its fitness) lies in (0.5, 0.9), so that several solve at
// once with different fitness, and the fittest genome of all does not.
func TestSolverIsFittestSolving(t *testing.T) {
	info := oneInput("band")
	task := tasks.Func(info, func(net *network.Network, _ *rand.Rand) tasks.Result {
		out := output(net)
		return tasks.Result{Fitness: out, Solved: out > 0.5 && out < 0.9}
	})
	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	cfg.Seed, cfg.Workers = 3, 1
	p, err := population.New(cfg, task)
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first, fittest, solving := -1, -1, 0
	for i, g := range p.Genomes() {
		if g.Fitness > 0.5 && g.Fitness < 0.9 {
			solving++
			if first < 0 {
				first = i
			}
			if fittest < 0 || g.Fitness > p.Genomes()[fittest].Fitness {
				fittest = i
			}
		}
	}
	if solving < 2 || p.Genomes()[first].Fitness == p.Genomes()[fittest].Fitness || st.BestFitness < 0.9 {
		t.Fatalf("%d solving genomes, the first of fitness %v, the fittest of all %v; the test needs several, the first not the fittest, and a fitter genome that does not solve",
			solving, p.Genomes()[max(first, 0)].Fitness, st.BestFitness)
	}
	want := p.Genomes()[fittest]
	g, gen := p.Solver()
	if g == nil {
		t.Fatalf("Solver() = nil, %d; want genome %d of generation 0", gen, want.ID)
	}
	if gen != 0 || g.ID != want.ID || g.Fitness != want.Fitness {
		t.Errorf("Solver() = genome %d of fitness %v, generation %d; want genome %d of fitness %v, generation 0", g.ID, g.Fitness, gen, want.ID, want.Fitness)
	}
}

// faultyChampionTask is championTask (pole_test.go) with faults: Evaluate
// returns NaN for about a third of networks (by the bits of their first
// weight), and otherwise the output for the input 1 capped at 0.5, so
// that species soon stop improving and the rotation of champion tests
// reaches the species of faulted genomes. The champion test counts its
// calls, and those made on a genome whose evaluation faulted (its
// evaluated fitness is evaluate.FaultFitness).
type faultyChampionTask struct{ calls, onFaulted *int }

func (faultyChampionTask) Info() tasks.Info {
	info := championTask{}.Info()
	info.Name = "faulty-champion"
	return info
}

func (faultyChampionTask) Evaluate(net *network.Network, _ *rand.Rand) tasks.Result {
	if math.Float64bits(net.W[0])%3 == 0 {
		return tasks.Result{Fitness: math.NaN()}
	}
	return tasks.Result{Fitness: min(output(net), 0.5)}
}

func (c faultyChampionTask) TestChampion(net *network.Network, evaluated tasks.Result) tasks.ChampionTest {
	*c.calls++
	if evaluated.Fitness == evaluate.FaultFitness {
		*c.onFaulted++
	}
	return tasks.ChampionTest{Steps: 1 + int(output(net)*1000), Generalization: -1}
}

// TestNoChampionTestOfFaultedGenome checks that champion_test = "species"
// never tests a genome whose evaluation faulted: a species of faulted
// genomes only has a faulted champion, which the rotation picks once the
// sound species have had their turn. Such a generation has no champion
// test (its champion fields stay 0).
func TestNoChampionTestOfFaultedGenome(t *testing.T) {
	var calls, onFaulted int
	task := faultyChampionTask{&calls, &onFaulted}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed, cfg.Workers, cfg.PopulationSize, cfg.Generations = 2, 1, 40, 15
	cfg.StopOnSolve = false
	cfg.ChampionTest = population.SpeciesChampion
	cfg.Species.Threshold, cfg.Species.Target = 2, 0 // a handful of species
	stats, _ := runTask(t, cfg, task)
	untested := 0
	for _, st := range stats {
		if st.ChampionSteps == 0 {
			untested++
		}
	}
	if onFaulted != 0 {
		t.Errorf("the champion test ran %d times on a genome whose evaluation faulted; want never", onFaulted)
	}
	if untested == 0 {
		t.Fatal("every generation's testee was sound; the test tests nothing")
	}
	if calls != len(stats)-untested {
		t.Errorf("%d champion tests in %d generations, %d of them without a champion test reported", calls, len(stats), untested)
	}
}
