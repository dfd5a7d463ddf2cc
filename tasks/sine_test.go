package tasks_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

func TestSineData(t *testing.T) {
	d := tasks.SineData(rand.New(rand.NewPCG(6, 6)), 1000)
	if err := d.Check(); err != nil || d.Len() != 1000 || d.Inputs != 1 || d.Outputs != 1 {
		t.Fatalf("SineData(1000): %d samples of %d inputs and %d outputs, Check %v; want 1000, 1, 1, nil", d.Len(), d.Inputs, d.Outputs, err)
	}
	neg := 0
	for i, x := range d.X {
		if x < -1 || x >= 1 {
			t.Errorf("input %v; want x/π in [-1, 1)", x)
		}
		if want := math.Sin(x * math.Pi); math.Abs(d.Y[i]-want) > 1e-12 {
			t.Errorf("sample %d: target %v at input %v; want sin(%v·π) = %v", i, d.Y[i], x, x, want)
		}
		if x < 0 {
			neg++
		}
	}
	if neg < 430 || neg > 570 { // 500 ± 4.4 standard deviations
		t.Errorf("%d of 1000 inputs negative; want about 500 (x uniform on [-π, π))", neg)
	}
}

func TestSineTask(t *testing.T) {
	task := newSupervised(t, "sine", 7)
	want := tasks.Info{
		Name: "sine", Description: tasks.Describe("sine"),
		Inputs: 1, Outputs: 1, Bias: true,
		OutputAct: network.Identity, FeedForward: true,
		MaxFitness: 0, Metric: "mse", LowerIsBetter: true, Supervised: true, Deterministic: true,
	}
	if info := task.Info(); info != want || info.Description == "" {
		t.Errorf("Info() = %+v; want %+v with a description", info, want)
	}
	if task.Loss() != network.MSE || task.Classes() != 0 {
		t.Errorf("Loss() = %v, Classes() = %d; want mse and 0", task.Loss(), task.Classes())
	}
	for _, d := range []*tasks.Dataset{task.Train(), task.Test()} {
		if err := d.Check(); err != nil || d.Len() != tasks.SineSize {
			t.Errorf("split of %d samples, Check %v; want %d, nil", d.Len(), err, tasks.SineSize)
		}
	}
	again, other := newSupervised(t, "sine", 7), newSupervised(t, "sine", 8)
	if !sameData(task.Train(), again.Train()) || !sameData(task.Test(), again.Test()) {
		t.Error("two sine tasks from seed 7 hold different data; want identical")
	}
	if sameData(task.Train(), other.Train()) || sameData(task.Train(), task.Test()) {
		t.Error("seeds 7 and 8, or the two splits, hold the same data; want different")
	}
	if _, err := tasks.NewSine(1, 0, 10); err == nil {
		t.Error("NewSine(1, 0, 10) succeeded; want an error")
	}
}

func TestSineScore(t *testing.T) {
	task := newSupervised(t, "sine", 2)
	d := task.Test()
	var b network.Batch

	// A network computing 0 scores the mean of sin².
	meanSq := 0.0
	for _, y := range d.Y {
		meanSq += y * y
	}
	meanSq /= float64(d.Len())
	r := task.Score(linearNet([]float64{0}, 0, network.Identity), d, &b)
	if math.Abs(r.Metric-meanSq) > 1e-12 || math.Abs(r.Fitness+meanSq) > 1e-12 || r.Solved {
		t.Errorf("zero network: Score = %+v; want mse %v, fitness %v, unsolved", r, meanSq, -meanSq)
	}
	if meanSq < 0.4 || meanSq > 0.6 {
		t.Errorf("mean of sin² over the test split = %v; want about 0.5", meanSq)
	}

	// The identity network outputs x/π.
	mse := 0.0
	for i, x := range d.X {
		e := x - d.Y[i]
		mse += e * e
	}
	mse /= float64(d.Len())
	r = task.Score(linearNet([]float64{1}, 0, network.Identity), d, &b)
	if math.Abs(r.Metric-mse) > 1e-12 || math.Abs(r.Fitness+mse) > 1e-12 || r.Solved {
		t.Errorf("identity network: Score = %+v; want mse %v, fitness %v, unsolved", r, mse, -mse)
	}

	// A sin node fed π·(x/π) computes the target exactly.
	exact := linearNet([]float64{math.Pi}, 0, network.Sin)
	r = task.Evaluate(exact, nil)
	if r.Metric > 1e-20 || !r.Solved || r.Fitness > 0 || r.Fitness < -1e-20 {
		t.Errorf("exact network: Evaluate = %+v; want mse 0, solved", r)
	}
}

func TestRegistryBuildsEveryTask(t *testing.T) {
	names := tasks.Names()
	for _, want := range []string{"circle", "gaussian", "sine", "spiral", "xor", "xor2d"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %v; want it to hold %q", names, want)
		}
	}
	for _, name := range names {
		task, err := tasks.New(name, 1)
		if err != nil {
			t.Errorf("New(%q): %v", name, err)
			continue
		}
		info := task.Info()
		if info.Name != name || info.Description != tasks.Describe(name) || info.Description == "" {
			t.Errorf("New(%q).Info() = %+v; want the name and its description", name, info)
		}
		if sup, ok := task.(tasks.Supervised); ok {
			if sup.Train().Inputs != info.Inputs || sup.Train().Outputs != info.Outputs {
				t.Errorf("%s: data with %d inputs and %d outputs; Info says %d and %d", name, sup.Train().Inputs, sup.Train().Outputs, info.Inputs, info.Outputs)
			}
		}
	}
}
