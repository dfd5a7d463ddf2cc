// Package parallel splits loops over goroutines.
package parallel

import (
	"sync"
	"sync/atomic"
)

// For calls fn(lo, hi) over consecutive ranges of at most chunk indices
// that together cover [0, n) exactly once, on up to workers goroutines (the
// calling one included), and returns when all are done. Goroutines claim
// ranges as they become free, so a goroutine that starts late takes less
// of the loop instead of holding everyone up. fn must be safe to call
// concurrently on disjoint ranges.
func For(n, workers, chunk int, fn func(lo, hi int)) {
	chunk = max(1, chunk)
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	if workers == 1 {
		for lo := 0; lo < n; lo += chunk {
			fn(lo, min(lo+chunk, n))
		}
		return
	}
	var next atomic.Int64
	run := func() {
		for {
			lo := int(next.Add(int64(chunk))) - chunk
			if lo >= n {
				return
			}
			fn(lo, min(lo+chunk, n))
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}
