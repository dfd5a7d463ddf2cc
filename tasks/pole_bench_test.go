package tasks

import "testing"

// BenchmarkPoleStep measures one decision of the double-pole simulator:
// the force mapping and two RK4 steps, eight derivative evaluations.
func BenchmarkPoleStep(b *testing.B) {
	b.ReportAllocs()
	c := Cart{Params: DefaultPoleParams(2), State: StandardStart()}
	start, out := c.State, 0.4
	for b.Loop() {
		// Alternate the push so that the system stays near upright.
		c.Act(out)
		out = 1 - out
		if c.Failed() {
			c.State = start
		}
	}
}

// BenchmarkDoublePoleEvaluate measures Evaluate of the LQR controller on
// double-pole: 100,000 decisions, network included.
func BenchmarkDoublePoleEvaluate(b *testing.B) {
	b.ReportAllocs()
	task := NewPole(DoublePole)
	net := poleDoubleNet()
	for b.Loop() {
		if r := task.Evaluate(net, nil); !r.Solved {
			b.Fatalf("Evaluate = %+v; want solved", r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/PoleSolvedSteps, "ns/decision")
}
