package species

import (
	"math"

	"github.com/neuroplast/neuroplast/genome"
)

// Distance returns the compatibility distance between a and b:
//
//	c1*E/N + c2*D/N + c3*W
//
// where E counts excess genes (beyond the other genome's last innovation),
// D disjoint genes (unmatched within both ranges), W is the mean absolute
// weight difference of matching genes (0 when none match), and N is the
// larger genome's connection count, or 1 when both are smaller than
// s.SmallGenome. Identical genomes are at distance 0; the distance is
// symmetric and always finite.
func Distance(a, b *genome.Genome, s *Settings) float64 {
	return distance(a, b, s, math.Inf(1))
}

// Compatible reports whether Distance(a, b, s) < threshold. It stops as
// soon as the disjoint genes seen so far put the distance out of reach,
// which is most of the work when a genome is compared with species it does
// not belong to.
func Compatible(a, b *genome.Genome, s *Settings, threshold float64) bool {
	return distance(a, b, s, threshold) < threshold
}

// distance is Distance, except that it may return any value >= limit as
// soon as the result is known to be at least limit.
func distance(a, b *genome.Genome, s *Settings, limit float64) float64 {
	ac, bc := a.Conns, b.Conns
	n := max(len(ac), len(bc))
	if n < s.SmallGenome || n == 0 {
		n = 1
	}
	// Each disjoint gene adds at least this much.
	step := s.Disjoint / float64(n)
	i, j := 0, 0
	disjoint, matching := 0, 0
	wsum := 0.0
	for i < len(ac) && j < len(bc) {
		switch ai, bi := ac[i].Innov, bc[j].Innov; {
		case ai == bi:
			wsum += math.Abs(ac[i].Weight - bc[j].Weight)
			matching++
			i++
			j++
		case ai < bi:
			disjoint++
			i++
		default:
			disjoint++
			j++
		}
		if step > 0 && float64(disjoint)*step >= limit {
			return limit
		}
	}
	excess := len(ac) - i + len(bc) - j
	d := (s.Excess*float64(excess) + s.Disjoint*float64(disjoint)) / float64(n)
	if matching > 0 {
		d += s.Weight * wsum / float64(matching)
	}
	return d
}
