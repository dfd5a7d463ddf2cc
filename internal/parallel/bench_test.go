package parallel

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
)

// machineChunks and machineSteps size BenchmarkMachine's work: 64
// independent pieces of about a millisecond each.
const (
	machineChunks = 64
	machineSteps  = 40_000
)

// machinePiece is one piece of BenchmarkMachine's work: a chain of
// floating-point steps with no memory traffic, like a pole simulation's.
func machinePiece(seed int) float64 {
	x := float64(seed)
	for i := range machineSteps {
		s, c := math.Sincos(x + float64(i)*1e-3)
		x = 0.5*x + s*c
	}
	return x
}

var machineSink float64

// BenchmarkMachine measures what the machine itself gives parallel work:
// 64 independent pieces of floating-point work on 1, 2, 4, 8 and 16
// goroutines (up to GOMAXPROCS), split evenly over plain goroutines
// ("plain") or claimed one at a time through a Team ("team"). Nothing is
// shared, so the plain speedup is what the machine gives perfectly
// parallel work at the time: a speedup measured elsewhere
// (BenchmarkDoublePoleGeneration) is to be read against it, run in turns
// with it, and "team" shows what the Team costs. Both vary with the
// machine's noise, and either may come out a little above the other.
func BenchmarkMachine(b *testing.B) {
	var ws []int
	for w := 1; w <= min(16, runtime.GOMAXPROCS(0)); w *= 2 {
		ws = append(ws, w)
	}
	out := make([]float64, machineChunks)
	for _, w := range ws {
		b.Run(fmt.Sprintf("plain/workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var wg sync.WaitGroup
				for k := range w {
					wg.Go(func() {
						for i := k; i < machineChunks; i += w {
							out[i] = machinePiece(i)
						}
					})
				}
				wg.Wait()
			}
			machineSink = out[0]
		})
	}
	for _, w := range ws {
		b.Run(fmt.Sprintf("team/workers=%d", w), func(b *testing.B) {
			team := NewTeam(w)
			b.ReportAllocs()
			for b.Loop() {
				team.For(machineChunks, 1, func(_, lo, hi int) {
					for i := lo; i < hi; i++ {
						out[i] = machinePiece(i)
					}
				})
			}
			machineSink = out[0]
		})
	}
}
