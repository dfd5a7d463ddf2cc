package network_test

import (
	"math"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/network"
)

func TestApply(t *testing.T) {
	// Values from the definitions: sigmoid 1/(1+exp(-4.9x)), gauss exp(-x²).
	tests := []struct {
		act  network.Activation
		x    float64
		want float64
	}{
		{network.Sigmoid, 0, 0.5},
		{network.Sigmoid, 1, 0.9926084586557181},
		{network.Sigmoid, -1, 0.007391541344281971},
		{network.Sigmoid, 0.25, 0.7729422593967386},
		{network.Sigmoid, -0.5, 0.07943854918397836},
		{network.Sigmoid, 1000, 1},
		{network.Sigmoid, -1000, 0},
		{network.Tanh, 0, 0},
		{network.Tanh, 1, 0.7615941559557649},
		{network.Tanh, -0.5, -0.46211715726000974},
		{network.ReLU, -2, 0},
		{network.ReLU, 0, 0},
		{network.ReLU, 1.5, 1.5},
		{network.Identity, -3.25, -3.25},
		{network.Identity, 7, 7},
		{network.Sin, 0, 0},
		{network.Sin, math.Pi / 2, 1},
		{network.Sin, -1, -0.8414709848078965},
		{network.Gauss, 0, 1},
		{network.Gauss, 1, 0.36787944117144233},
		{network.Gauss, -2, 0.01831563888873418},
		{network.Abs, -2.5, 2.5},
		{network.Abs, 0, 0},
		{network.Abs, 4, 4},
	}
	for _, tt := range tests {
		if got := tt.act.Apply(tt.x); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%v.Apply(%v) = %v; want %v", tt.act, tt.x, got, tt.want)
		}
	}
}

// TestApplyNaN checks that every activation passes NaN on, as the batched
// path does (max(NaN, 0) for ReLU), so that a NaN reaches the outputs,
// where a pole task counts it as failure and evaluation as a fault,
// rather than one activation hiding it.
func TestApplyNaN(t *testing.T) {
	for _, a := range network.Activations() {
		if got := a.Apply(math.NaN()); !math.IsNaN(got) {
			t.Errorf("%v.Apply(NaN) = %v; want NaN", a, got)
		}
	}
}

func TestApplyInvalidPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "invalid activation 99") {
			t.Errorf("Activation(99).Apply(0) panicked with %v; want a message naming activation 99", r)
		}
	}()
	network.Activation(99).Apply(0)
}

func TestActivationNames(t *testing.T) {
	want := []string{"sigmoid", "tanh", "relu", "identity", "sin", "gauss", "abs"}
	all := network.Activations()
	if len(all) != len(want) {
		t.Fatalf("Activations() has %d entries; want %d", len(all), len(want))
	}
	for i, a := range all {
		if a != network.Activation(i) || a.String() != want[i] {
			t.Errorf("Activations()[%d] = %v (%d); want %s (%d)", i, a, a, want[i], i)
		}
		got, err := network.ParseActivation(a.String())
		if err != nil || got != a {
			t.Errorf("ParseActivation(%q) = %v, %v; want %v, nil", a.String(), got, err, a)
		}
		text, err := a.MarshalText()
		if err != nil || string(text) != want[i] {
			t.Errorf("%v.MarshalText() = %q, %v; want %q, nil", a, text, err, want[i])
		}
		var back network.Activation
		if err := back.UnmarshalText(text); err != nil || back != a {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, a)
		}
	}
	if got := network.Activation(99).String(); got != "Activation(99)" {
		t.Errorf("Activation(99).String() = %q; want %q", got, "Activation(99)")
	}
	if _, err := network.Activation(99).MarshalText(); err == nil {
		t.Errorf("Activation(99).MarshalText() = nil error; want one")
	}
}

func TestParseActivationError(t *testing.T) {
	for _, name := range []string{"", "Sigmoid", "softmax", "Activation(1)"} {
		_, err := network.ParseActivation(name)
		if err == nil {
			t.Errorf("ParseActivation(%q) = nil error; want one", name)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "network: ") || !strings.Contains(msg, `"`+name+`"`) {
			t.Errorf("ParseActivation(%q) error = %q; want it to start with \"network: \" and quote the name", name, msg)
		}
		for _, a := range network.Activations() {
			if !strings.Contains(msg, a.String()) {
				t.Errorf("ParseActivation(%q) error = %q; want it to list %q", name, msg, a)
			}
		}
		var a network.Activation
		if err := a.UnmarshalText([]byte(name)); err == nil {
			t.Errorf("UnmarshalText(%q) = nil error; want one", name)
		}
	}
}

// TestDerivAtKinks pins the subgradient used where relu and abs have no
// derivative: 0 at z = 0 (the gradient test avoids the kinks), and the
// slopes on either side.
func TestDerivAtKinks(t *testing.T) {
	for _, tt := range []struct {
		act     network.Activation
		z, want float64
	}{
		{network.ReLU, 0, 0}, {network.ReLU, -1e-9, 0}, {network.ReLU, 1e-9, 1},
		{network.Abs, 0, 0}, {network.Abs, -1e-9, -1}, {network.Abs, 1e-9, 1},
	} {
		if got := tt.act.Deriv(tt.z); got != tt.want {
			t.Errorf("%v'(%v) = %v; want %v", tt.act, tt.z, got, tt.want)
		}
	}
}
