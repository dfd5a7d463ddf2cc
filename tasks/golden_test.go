package tasks_test

import (
	"math"
	"testing"
)

// TestGoldenData pins the first sample of each split for seed 1 (the
// Playground tasks as generated after Backprop NEAT's dataset.js), so that
// a change to a generator, the order of its draws, the shuffle or the stream
// ids (any of which would change every seed's data) is caught. The
// tolerance allows for last-bit differences of math.Sin, math.Log and
// fused multiply-adds between architectures.
func TestGoldenData(t *testing.T) {
	tests := []struct {
		name   string
		trainX []float64
		trainY float64
		testX  []float64
		testY  float64
	}{
		{"circle", []float64{-0.008170701420388827, -1.0212555939423749}, 0, []float64{0.043013307956193014, 0.07316084812181448}, 1},
		{"xor2d", []float64{0.48350081086622004, -0.5607519994774158}, 0, []float64{-0.5558839437458196, -0.2641976301835647}, 1},
		{"gaussian", []float64{-0.3529638750758656, -0.15305209737612008}, 0, []float64{-0.6154475068567274, -0.6209731833179696}, 0},
		{"spiral", []float64{-0.14555111330648554, 1.0885113946914737}, 1, []float64{-0.37618157505044303, -0.09633865540723889}, 0},
		{"sine", []float64{0.8784382957147965}, 0.3726818091830075, []float64{0.6482148829038438}, 0.8935385284022599},
	}
	near := func(got, want []float64) bool {
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				return false
			}
		}
		return true
	}
	for _, tt := range tests {
		s := newSupervised(t, tt.name, 1)
		train, test := s.Train(), s.Test()
		if !near(train.X, tt.trainX) || !near(train.Y, []float64{tt.trainY}) {
			t.Errorf("%s, seed 1: first training sample %v -> %v; want %v -> %v", tt.name, train.X[:train.Inputs], train.Y[0], tt.trainX, tt.trainY)
		}
		if !near(test.X, tt.testX) || !near(test.Y, []float64{tt.testY}) {
			t.Errorf("%s, seed 1: first test sample %v -> %v; want %v -> %v", tt.name, test.X[:test.Inputs], test.Y[0], tt.testX, tt.testY)
		}
	}
}
