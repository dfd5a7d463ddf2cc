// Package parallel runs loops on a team of goroutines.
//
// A generation of a small task is a few hundred microseconds of work in
// several short parallel sections. Waking an idle processor takes tens of
// microseconds on some machines (virtual ones above all), so goroutines
// started afresh for each section join too late to help. A Team's helpers
// instead stay awake, spinning, for a short while after each loop, and
// exit once idle for longer; nothing needs closing.
package parallel

import (
	"runtime"
	"sync/atomic"
	"time"
)

// linger is how long an idle helper spins, waiting for the next loop,
// before it exits.
const linger = 2 * time.Millisecond

// Team runs loops on up to a fixed number of goroutines, the calling one
// included. For may not be called concurrently on one Team.
type Team struct {
	workers int
	alive   atomic.Int32         // helpers running
	job     atomic.Pointer[loop] // the loop in progress, or the last one
}

type loop struct {
	n, chunk int
	fn       func(worker, lo, hi int)
	next     atomic.Int64 // first index not yet claimed
	done     atomic.Int64 // indices finished
	ids      atomic.Int32 // worker numbers handed to helpers
}

// NewTeam returns a team of the given number of goroutines; helpers beyond
// GOMAXPROCS would only wait for a processor, so the team uses at most
// that many at once.
func NewTeam(workers int) *Team {
	return &Team{workers: max(1, workers)}
}

// Workers returns the number of goroutines the team was made with.
func (t *Team) Workers() int { return t.workers }

// For calls fn(worker, lo, hi) over consecutive ranges of at most chunk
// indices that together cover [0, n) exactly once, and returns when all are
// done. Goroutines claim ranges as they become free, so a helper that
// starts late takes less of the loop. worker identifies the goroutine, in
// [0, Workers()), so fn can use per-worker scratch space; the calling
// goroutine is worker 0. fn must be safe to call concurrently on disjoint
// ranges.
func (t *Team) For(n, chunk int, fn func(worker, lo, hi int)) {
	chunk = max(1, chunk)
	helpers := min(t.workers, runtime.GOMAXPROCS(0), (n+chunk-1)/chunk) - 1
	if helpers <= 0 {
		for lo := 0; lo < n; lo += chunk {
			fn(0, lo, min(lo+chunk, n))
		}
		return
	}
	l := &loop{n: n, chunk: chunk, fn: fn}
	t.job.Store(l)
	for a := t.alive.Load(); a < int32(helpers); a = t.alive.Load() {
		if t.alive.CompareAndSwap(a, a+1) {
			go t.help()
		}
	}
	l.run(0)
	for spins := 0; l.done.Load() < int64(n); spins++ {
		if spins%64 == 63 {
			runtime.Gosched()
		}
	}
}

// run claims and runs chunks of l until none is left.
func (l *loop) run(worker int) {
	for {
		lo := int(l.next.Add(int64(l.chunk))) - l.chunk
		if lo >= l.n {
			return
		}
		hi := min(lo+l.chunk, l.n)
		l.fn(worker, lo, hi)
		l.done.Add(int64(hi - lo))
	}
}

// help runs loops as they are published, and exits after lingering idle.
func (t *Team) help() {
	defer t.alive.Add(-1)
	var last *loop
	idle := time.Now()
	for spins := 0; ; spins++ {
		if l := t.job.Load(); l != nil && l != last && l.next.Load() < int64(l.n) {
			// Worker numbers 1, 2, ... are handed out per loop, so two
			// helpers never share one.
			id := int(l.ids.Add(1))
			if id < t.workers {
				l.run(id)
			}
			last = l
			idle = time.Now()
			continue
		}
		if spins%64 == 63 {
			if time.Since(idle) > linger {
				return
			}
			runtime.Gosched()
		}
	}
}
