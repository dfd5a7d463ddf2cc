package continual

import (
	"math"
	"strings"
	"testing"
)

const tol = 1e-12

// full is a run of three phases tested on all three tasks after every
// phase, with b the accuracy at initialisation:
//
//	          task 1  task 2  task 3
//	b          0.1     0.1     0.1
//	phase 1    0.9     0.2     0.1
//	phase 2    0.7     0.8     0.3
//	phase 3    0.6     0.5     0.95
//
// ACC = (0.6 + 0.5 + 0.95) / 3 = 2.05 / 3 = 0.68333...
// BWT = ((0.6 - 0.9) + (0.5 - 0.8)) / 2 = -0.6 / 2 = -0.3
// FWT = ((0.2 - 0.1) + (0.3 - 0.1)) / 2 = 0.3 / 2 = 0.15
//
// (GEM's metrics.py would divide by 3: BWT -0.2, FWT 0.1.)
var (
	full = [][]float64{
		{0.9, 0.2, 0.1},
		{0.7, 0.8, 0.3},
		{0.6, 0.5, 0.95},
	}
	fullB = []float64{0.1, 0.1, 0.1}
)

// TestMetrics checks ACC, BWT and FWT against values worked out by hand
// for runs of one to three phases, and when FWT is undefined.
func TestMetrics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		R        [][]float64
		b        []float64
		acc, bwt float64
		fwt      float64
		fwtOK    bool
		bwtOK    bool
	}{
		{"full", full, fullB, 2.05 / 3, -0.3, 0.15, true, true},
		{"full without b", full, nil, 2.05 / 3, -0.3, 0, false, true},
		{"b too short", full, fullB[:2], 2.05 / 3, -0.3, 0, false, true},
		// Only the tasks seen so far: ACC and BWT as before, no FWT.
		{"lower triangle", [][]float64{{0.9}, {0.7, 0.8}, {0.6, 0.5, 0.95}}, fullB, 2.05 / 3, -0.3, 0, false, true},
		// The tasks seen so far and the next one: enough for FWT.
		{"next task", [][]float64{{0.9, 0.2}, {0.7, 0.8, 0.3}, {0.6, 0.5, 0.95}}, fullB, 2.05 / 3, -0.3, 0.15, true, true},
		// One row missing its next task leaves FWT undefined.
		{"a gap", [][]float64{{0.9, 0.2}, {0.7, 0.8}, {0.6, 0.5, 0.95}}, fullB, 2.05 / 3, -0.3, 0, false, true},
		// One phase: BWT would be a mean over no tasks, and FWT over no
		// task following another: both are undefined.
		{"one phase", [][]float64{{0.7, 0.3}}, []float64{0.1, 0.1}, 0.7, 0, 0, false, false},
		// Entries past the last phase are not used by ACC.
		{"longer rows", [][]float64{{0.9, 0.2, 0.4}, {0.7, 0.8, 0.3}}, fullB, 0.75, -0.2, 0.1, true, true},
		// An error: forgetting raises the error on task 1, BWT > 0.
		// ACC = (0.3 + 0.05) / 2; BWT = 0.3 - 0.1; FWT = 0.4 - 0.5.
		{"mse", [][]float64{{0.1, 0.4}, {0.3, 0.05}}, []float64{0.5, 0.5}, 0.175, 0.2, -0.1, true, true},
		// A b that differs per task: each task's R[j-1][j] less its own
		// b[j]. FWT = ((0.6 - 0.2) + (0.7 - 0.3)) / 2 = 0.4 (b[j-1] would
		// give 0.5, b[0] 0.55).
		{"b per task", [][]float64{{0.9, 0.6, 0.2}, {0.7, 0.8, 0.7}, {0.6, 0.5, 0.95}}, []float64{0.1, 0.2, 0.3}, 2.05 / 3, -0.3, 0.4, true, true},
	}
	for _, tt := range tests {
		if got := ACC(tt.R); math.Abs(got-tt.acc) > tol {
			t.Errorf("%s: ACC = %v; want %v", tt.name, got, tt.acc)
		}
		if got, ok := BWT(tt.R); ok != tt.bwtOK || (ok && math.Abs(got-tt.bwt) > tol) {
			t.Errorf("%s: BWT = %v, %v; want %v, %v", tt.name, got, ok, tt.bwt, tt.bwtOK)
		}
		got, ok := FWT(tt.R, tt.b)
		if ok != tt.fwtOK || (ok && math.Abs(got-tt.fwt) > tol) {
			t.Errorf("%s: FWT = %v, %v; want %v, %v", tt.name, got, ok, tt.fwt, tt.fwtOK)
		}
	}
}

func TestMetricsPanic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		R    [][]float64
		want string
	}{
		{nil, "R has no rows"},
		{[][]float64{{0.5}, {0.5}}, "R[1] has 1 entries, want at least 2"},
		{[][]float64{{}}, "R[0] has 0 entries, want at least 1"},
	} {
		for name, f := range map[string]func(){
			"ACC": func() { ACC(tt.R) },
			"BWT": func() { BWT(tt.R) },
			"FWT": func() { FWT(tt.R, fullB) },
		} {
			func() {
				defer func() {
					msg, _ := recover().(string)
					if !strings.Contains(msg, tt.want) {
						t.Errorf("%s(%v) panicked with %q; want %q", name, tt.R, msg, tt.want)
					}
				}()
				f()
			}()
		}
	}
}
