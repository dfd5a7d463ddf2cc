package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8} {
		team := NewTeam(workers)
		for _, n := range []int{0, 1, 7, 16, 100, 1001} {
			for _, chunk := range []int{1, 4, 50} {
				hits := make([]atomic.Int32, n)
				var calls atomic.Int32
				var mu sync.Mutex
				busy := map[int]bool{}
				team.For(n, chunk, func(w, lo, hi int) {
					calls.Add(1)
					mu.Lock()
					if w < 0 || w >= workers || busy[w] {
						t.Errorf("workers %d: worker number %d out of range or in use twice", workers, w)
					}
					busy[w] = true
					mu.Unlock()
					if lo >= hi || hi-lo > chunk {
						t.Errorf("For(%d, %d) called fn(%d, %d); want a range of 1 to %d indices", n, chunk, lo, hi, chunk)
					}
					for i := lo; i < hi; i++ {
						hits[i].Add(1)
					}
					mu.Lock()
					busy[w] = false
					mu.Unlock()
				})
				for i := range hits {
					if h := hits[i].Load(); h != 1 {
						t.Fatalf("workers %d, For(%d, %d): index %d visited %d times; want 1", workers, n, chunk, i, h)
					}
				}
				if want := int32((n + chunk - 1) / chunk); calls.Load() != want {
					t.Errorf("workers %d, For(%d, %d) made %d calls; want %d", workers, n, chunk, calls.Load(), want)
				}
			}
		}
	}
}

func TestHelpersExitWhenIdle(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	team := NewTeam(4)
	team.For(1000, 1, func(w, lo, hi int) { time.Sleep(time.Microsecond) })
	deadline := time.Now().Add(10 * time.Second)
	for team.alive.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d helpers still running 10s after the last loop; want 0", team.alive.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

// TestForWaitsForALongRange checks that For returns only once a helper's
// range is done when the caller's own ranges end long before it, as a
// pole-balancing champion's 100,000-step episode outlasts the rest of a
// generation.
func TestForWaitsForALongRange(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	team := NewTeam(2)
	var helping, finished atomic.Bool
	start := time.Now()
	team.For(2, 1, func(w, lo, hi int) {
		if w == 0 {
			// The caller's range ends once a helper holds the other, so
			// that the caller then waits for it.
			for !helping.Load() && time.Since(start) < 10*time.Second {
				time.Sleep(100 * time.Microsecond)
			}
			return
		}
		helping.Store(true)
		time.Sleep(10 * linger)
		finished.Store(true)
	})
	if !helping.Load() {
		t.Fatal("no helper took a range within 10s")
	}
	if !finished.Load() {
		t.Error("For returned before the helper's range was done")
	}
}
