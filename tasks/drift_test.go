package tasks

import (
	"strings"
	"testing"
)

func TestDriftPhases(t *testing.T) {
	opt := StreamDefaults(DriftName)
	d, err := NewDrift(opt, DefaultDriftOptions())
	if err != nil {
		t.Fatal(err)
	}
	info := d.Info()
	if info.Name != DriftName || info.Metric != "balanced" || !info.FeedForward || info.Inputs != 7 || info.Outputs != 1 {
		t.Errorf("Info() = %+v", info)
	}
	if d.Phases() != 6 {
		t.Errorf("Phases() = %d; want 6", d.Phases())
	}
	for g, want := range map[int]int{0: 0, 29: 0, 30: 1, 149: 4, 150: 5, 10000: 5} {
		if got := d.PhaseAt(g); got != want {
			t.Errorf("PhaseAt(%d) = %d; want %d", g, got, want)
		}
		if got := d.At(g).(*DriftPhase).Phase; got != want {
			t.Errorf("At(%d) is phase %d; want %d", g, got, want)
		}
	}
	// The dynamics cycle through the lists: phase 5 is phase 0 again.
	for p, want := range []string{"pole 1 m, 0.1 kg", "pole 1.6 m, 0.3 kg", "pole 0.6 m, 0.05 kg", "pole 2 m, 0.2 kg", "pole 0.8 m, 0.15 kg", "pole 1 m, 0.1 kg"} {
		if got := d.PhaseName(p); got != want {
			t.Errorf("PhaseName(%d) = %q; want %q", p, got, want)
		}
	}
	if d.Phase(5).Pole.Params() != d.Phase(0).Pole.Params() || d.Phase(1).Pole.Params() == d.Phase(0).Pole.Params() {
		t.Errorf("phase dynamics do not cycle as the options say")
	}
	if d.Phase(0).Pole.Params() != DefaultPoleParams(2) {
		t.Errorf("phase 0 is not the benchmark's double pole: %+v", d.Phase(0).Pole.Params())
	}
}

// TestDriftMeasure checks that the metric is the fraction of a trial
// balanced under each phase's own dynamics, and that the dynamics differ:
// with no force the poles fall after a different number of steps.
func TestDriftMeasure(t *testing.T) {
	opt := StreamDefaults(DriftName)
	dopt := DefaultDriftOptions()
	dopt.Steps = 2000
	d, err := NewDrift(opt, dopt)
	if err != nil {
		t.Fatal(err)
	}
	net := poleDoubleNet()
	for p := range d.Phases() {
		steps := d.Phase(p).Pole.Balance(net, StandardStart(), dopt.Steps)
		want := float64(steps) / float64(dopt.Steps)
		if got := d.Measure(net, p, nil); got != want {
			t.Errorf("Measure(phase %d) = %v; want %v", p, got, want)
		}
		r := d.At(p*opt.GenerationsPerPhase).Evaluate(net, nil)
		if r.Fitness != want || r.Metric != want || r.Solved != (steps == dopt.Steps) {
			t.Errorf("phase %d: Evaluate = %+v; want fitness %v", p, r, want)
		}
	}
	if got := d.Measure(net, 0, nil); got != 1 {
		t.Errorf("the benchmark's LQR controller balances %v of phase 0; want all", got)
	}
	zero := poleZeroNet(7)
	short, long := d.Measure(zero, 2, nil), d.Measure(zero, 3, nil) // poles of 0.6 m and 2 m
	if got := d.Measure(zero, 0, nil); got != 22.0/2000 || short == got || long == got {
		t.Errorf("zero force balances %v of phase 0 (want 22 steps of 2000), %v with the 0.6 m pole and %v with the 2 m one", got, short, long)
	}
}

func TestDriftOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*DriftOptions)
		want string
	}{
		{func(o *DriftOptions) { o.Poles = 3 }, "drift.poles = 3"},
		{func(o *DriftOptions) { o.HalfLengths = nil }, "drift.half_lengths = [], want at least one half-length"},
		{func(o *DriftOptions) { o.Masses = []float64{} }, "drift.masses = [], want at least one mass"},
		{func(o *DriftOptions) { o.HalfLengths = []float64{0.5, -1} }, "drift.half_lengths[1] = -1"},
		{func(o *DriftOptions) { o.Masses = []float64{11} }, "drift.masses[0] = 11"},
		{func(o *DriftOptions) { o.Steps = 0 }, "drift.steps = 0"},
	} {
		o := DefaultDriftOptions()
		c.edit(&o)
		if _, err := NewDrift(StreamDefaults(DriftName), o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewDrift error = %v; want it to name %q", err, c.want)
		}
	}
	one := DefaultDriftOptions()
	one.Poles = 1
	d, err := NewDrift(StreamDefaults(DriftName), one)
	if err != nil {
		t.Fatal(err)
	}
	if d.Info().Inputs != 5 {
		t.Errorf("single-pole drift has %d inputs; want 5", d.Info().Inputs)
	}
}
