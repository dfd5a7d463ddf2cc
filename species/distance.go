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
	ac, bc := a.Conns, b.Conns
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
	}
	excess := len(ac) - i + len(bc) - j
	n := max(len(ac), len(bc))
	if n < s.SmallGenome || n == 0 {
		n = 1
	}
	d := (s.Excess*float64(excess) + s.Disjoint*float64(disjoint)) / float64(n)
	if matching > 0 {
		d += s.Weight * wsum / float64(matching)
	}
	return d
}
