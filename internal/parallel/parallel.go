// Package parallel splits loops over goroutines.
package parallel

import "sync"

// For calls fn(lo, hi) over consecutive ranges that cover [0, n), on up to
// workers goroutines (the calling one included), and returns when all are
// done. Each range holds at least minChunk indices, so that tiny loops stay
// on one goroutine. fn must be safe to call concurrently on disjoint ranges.
func For(n, workers, minChunk int, fn func(lo, hi int)) {
	workers = max(1, min(workers, n/max(1, minChunk)))
	if workers == 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := per; lo < n; lo += per {
		wg.Go(func() { fn(lo, min(lo+per, n)) })
	}
	fn(0, per)
	wg.Wait()
}
