package continual

import "fmt"

// ACC returns the mean metric over all tasks after the last phase:
// mean_{j<T} R[T-1][j], with T = len(R) phases (the paper's
// 1/T sum_{j=1..T} R[T][j]). Entries of the last row past task T-1 are not
// used.
//
// It panics if R is empty or a row R[i] has fewer than i+1 entries.
func ACC(R [][]float64) float64 {
	checkShape(R)
	T := len(R)
	sum := 0.0
	for _, v := range R[T-1][:T] {
		sum += v
	}
	return sum / float64(T)
}

// BWT returns the backward transfer: mean_{j<T-1} (R[T-1][j] - R[j][j]),
// the change of the metric on each earlier task between the end of its own
// phase and the end of the last one (the paper's
// 1/(T-1) sum_{j=1..T-1} (R[T][j] - R[j][j])). The second result is
// false, and BWT undefined, when there is only one phase: the mean would be
// over no tasks (as FWT is undefined then).
//
// It panics if R is empty or a row R[i] has fewer than i+1 entries.
func BWT(R [][]float64) (float64, bool) {
	checkShape(R)
	T := len(R)
	if T < 2 {
		return 0, false
	}
	sum := 0.0
	for j := range T - 1 {
		sum += R[T-1][j] - R[j][j]
	}
	return sum / float64(T-1), true
}

// FWT returns the forward transfer: mean_{1≤j<T} (R[j-1][j] - b[j]), the
// metric on each task after the phase before it, and so before training on
// it, less the metric at initialisation (the paper's
// 1/(T-1) sum_{j=2..T} (R[j-1][j] - b[j])). The second result is false,
// and FWT undefined, when there is only one phase (no task follows
// another), when b has fewer than T = len(R) entries (nil when the run did
// not measure the tasks at initialisation), or when a row R[j-1], j < T,
// lacks the entry for task j, as it does when a run tests only on the tasks
// seen so far.
//
// It panics if R is empty or a row R[i] has fewer than i+1 entries.
func FWT(R [][]float64, b []float64) (float64, bool) {
	checkShape(R)
	T := len(R)
	if T < 2 || len(b) < T {
		return 0, false
	}
	sum := 0.0
	for j := 1; j < T; j++ {
		if len(R[j-1]) <= j {
			return 0, false
		}
		sum += R[j-1][j] - b[j]
	}
	return sum / float64(T-1), true
}

// checkShape panics unless R has a row and every row R[i] holds at least
// the tasks 0 to i.
func checkShape(R [][]float64) {
	if len(R) == 0 {
		panic("continual: R has no rows (want one per phase)")
	}
	for i, row := range R {
		if len(row) < i+1 {
			panic(fmt.Sprintf("continual: R[%d] has %d entries, want at least %d (tasks 0 to %d)", i, len(row), i+1, i))
		}
	}
}
