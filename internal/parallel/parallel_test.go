package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 16, 100, 1001} {
		for _, workers := range []int{1, 2, 3, 8} {
			for _, chunk := range []int{1, 4, 50} {
				hits := make([]atomic.Int32, n)
				calls := atomic.Int32{}
				For(n, workers, chunk, func(lo, hi int) {
					calls.Add(1)
					if lo >= hi || hi-lo > chunk {
						t.Errorf("For(%d, %d, %d) called fn(%d, %d); want a range of 1 to %d indices", n, workers, chunk, lo, hi, chunk)
					}
					for i := lo; i < hi; i++ {
						hits[i].Add(1)
					}
				})
				for i := range hits {
					if h := hits[i].Load(); h != 1 {
						t.Fatalf("For(%d, %d, %d): index %d visited %d times; want 1", n, workers, chunk, i, h)
					}
				}
				if want := int32((n + chunk - 1) / chunk); calls.Load() != want {
					t.Errorf("For(%d, %d, %d) made %d calls; want %d", n, workers, chunk, calls.Load(), want)
				}
			}
		}
	}
}
