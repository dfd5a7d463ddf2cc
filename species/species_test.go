package species_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/species"
)

// withGenes returns a genome whose connection genes have the given
// innovations, in order, each with weight w.
func withGenes(w float64, innovs ...int) *genome.Genome {
	g := &genome.Genome{}
	for _, in := range innovs {
		g.Conns = append(g.Conns, genome.Conn{Innov: in, From: in, To: in + 1, Weight: w, Enabled: true})
	}
	return g
}

// drawGenes draws a genome with up to max distinct sorted innovations below
// 40 and weights in [-3, 3].
func drawGenes(t *rapid.T, label string, maxGenes int) *genome.Genome {
	innovs := rapid.SliceOfNDistinct(rapid.IntRange(0, 39), 0, maxGenes, rapid.ID[int]).Draw(t, label)
	slices.Sort(innovs)
	g := withGenes(0, innovs...)
	for i := range g.Conns {
		g.Conns[i].Weight = rapid.Float64Range(-3, 3).Draw(t, label+" weight")
	}
	return g
}

func drawSettings(t *rapid.T) *species.Settings {
	s := species.DefaultSettings()
	s.Excess = rapid.Float64Range(0, 5).Draw(t, "c1")
	s.Disjoint = rapid.Float64Range(0, 5).Draw(t, "c2")
	s.Weight = rapid.Float64Range(0, 5).Draw(t, "c3")
	s.SmallGenome = rapid.IntRange(0, 30).Draw(t, "small genome")
	return &s
}

// slowDistance counts excess, disjoint and matching genes by the
// definitions: a gene is matching if both genomes have its innovation,
// excess if it lies beyond the other genome's last innovation, disjoint
// otherwise.
func slowDistance(a, b *genome.Genome, s *species.Settings) float64 {
	last := func(g *genome.Genome) int {
		if len(g.Conns) == 0 {
			return -1
		}
		return g.Conns[len(g.Conns)-1].Innov
	}
	excess, disjoint, matching := 0, 0, 0
	wsum := 0.0
	count := func(g, other *genome.Genome) {
		for _, c := range g.Conns {
			switch j := other.ConnIndex(c.Innov); {
			case j >= 0:
				matching++
				wsum += math.Abs(c.Weight - other.Conns[j].Weight)
			case c.Innov > last(other):
				excess++
			default:
				disjoint++
			}
		}
	}
	count(a, b)
	count(b, a)
	matching /= 2
	wsum /= 2
	n := float64(max(len(a.Conns), len(b.Conns)))
	if max(len(a.Conns), len(b.Conns)) < s.SmallGenome || n == 0 {
		n = 1
	}
	d := (s.Excess*float64(excess) + s.Disjoint*float64(disjoint)) / n
	if matching > 0 {
		d += s.Weight * wsum / float64(matching)
	}
	return d
}

func TestDistanceProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawSettings(t)
		a, b := drawGenes(t, "a", 25), drawGenes(t, "b", 25)
		d := species.Distance(a, b, s)
		if math.IsNaN(d) || math.IsInf(d, 0) || d < 0 {
			t.Fatalf("Distance(a, b) = %v; want a finite number >= 0", d)
		}
		if back := species.Distance(b, a, s); back != d {
			t.Fatalf("Distance(a, b) = %v but Distance(b, a) = %v; want them equal", d, back)
		}
		if self := species.Distance(a, a.Clone(), s); self != 0 {
			t.Fatalf("Distance(a, copy of a) = %v; want 0", self)
		}
		if want := slowDistance(a, b, s); math.Abs(d-want) > 1e-12*max(1, want) {
			t.Fatalf("Distance(%v, %v) = %v; counting by definition gives %v", a.Conns, b.Conns, d, want)
		}
	})
}

func TestDistance(t *testing.T) {
	// Distinct coefficients tell excess (c1 = 1), disjoint (c2 = 100) and
	// weight differences (c3 = 10000) apart.
	s := &species.Settings{Excess: 1, Disjoint: 100, Weight: 10000, SmallGenome: 20}
	large := make([]int, 25)
	for i := range large {
		large[i] = i
	}
	tests := []struct {
		name string
		a, b *genome.Genome
		want float64
	}{
		{"both empty", withGenes(0), withGenes(0), 0},
		{"empty and non-empty", withGenes(0), withGenes(1, 1, 2, 3), 3},
		{"identical", withGenes(0.5, 1, 2, 3), withGenes(0.5, 1, 2, 3), 0},
		// a's 7 and 9 lie beyond b's last innovation 5: excess. a's 2 and
		// b's 4 and 5 lie below the other's last: disjoint.
		{"excess in a", withGenes(0, 1, 2, 7, 9), withGenes(0, 1, 4, 5), 2 + 3*100},
		{"excess in b", withGenes(0, 1, 4, 5), withGenes(0, 1, 2, 7, 9), 2 + 3*100},
		// a's 1, 2, 3 lie below b's last (5) and b's 4, 5 below a's last
		// (10): disjoint; a's 10 is excess.
		{"disjoint on both sides", withGenes(0, 1, 2, 3, 10), withGenes(0, 4, 5), 1 + 5*100},
		// a's 1, 2 disjoint, b's 3, 4 excess; no weight term.
		{"no genes match", withGenes(1, 1, 2), withGenes(2, 3, 4), 2 + 2*100},
		{"weights", withGenes(0.25, 1, 2), withGenes(-0.5, 1, 2), 0.75 * 10000},
		// 25 genes: N = 25, not 1.
		{"large genomes", withGenes(0, large...), withGenes(0, large[:20]...), 5.0 / 25},
		{"large against empty", withGenes(0, large...), withGenes(0), 25.0 / 25},
	}
	for _, tt := range tests {
		if got := species.Distance(tt.a, tt.b, s); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Distance = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// TestDistanceSmallGenome checks the N = 1 rule at its boundary: genomes
// with fewer genes than SmallGenome divide by 1, larger ones by their size.
func TestDistanceSmallGenome(t *testing.T) {
	genes := func(n int) []int {
		in := make([]int, n)
		for i := range in {
			in[i] = i
		}
		return in
	}
	tests := []struct {
		small, genes int
		want         float64
	}{
		{20, 19, 19}, // 19 excess genes / 1
		{20, 20, 1},  // 20 genes is not fewer than 20: 20 / 20
		{20, 40, 1},  // 40 / 40
		{0, 5, 1},    // SmallGenome 0 always divides by the size
		{0, 1, 1},
		{10, 4, 4},  // 4 / 1
		{10, 12, 1}, // 12 / 12
	}
	for _, tt := range tests {
		s := &species.Settings{Excess: 1, Disjoint: 1, Weight: 1, SmallGenome: tt.small}
		a, b := withGenes(0, genes(tt.genes)...), withGenes(0)
		if got := species.Distance(a, b, s); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Distance(%d genes, none) with SmallGenome %d = %v; want %v", tt.genes, tt.small, got, tt.want)
		}
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		shares []float64
		total  int
		want   []int
	}{
		{nil, 10, []int{}},
		{[]float64{1}, 7, []int{7}},
		{[]float64{1, 1}, 10, []int{5, 5}},
		{[]float64{1, 3}, 8, []int{2, 6}},
		{[]float64{1, 1, 1}, 10, []int{4, 3, 3}}, // ties to the lower index
		{[]float64{0, 0, 0}, 7, []int{3, 2, 2}},  // all zero: even split
		{[]float64{-1, -2}, 5, []int{3, 2}},      // negative counts as 0
		{[]float64{-1, 2}, 5, []int{0, 5}},
		{[]float64{0.5, 0.25, 0.25}, 3, []int{1, 1, 1}}, // 1.5, 0.75, 0.75: largest remainders
		{[]float64{0.6, 0.2, 0.2}, 4, []int{2, 1, 1}},   // 2.4, 0.8, 0.8
		{[]float64{2, 1}, 0, []int{0, 0}},
	}
	for _, tt := range tests {
		if got := species.Allocate(tt.shares, tt.total); !slices.Equal(got, tt.want) {
			t.Errorf("Allocate(%v, %d) = %v; want %v", tt.shares, tt.total, got, tt.want)
		}
	}
}

func TestAllocateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shares := rapid.SliceOfN(rapid.OneOf(
			rapid.Float64Range(-5, 100),
			rapid.Just(0.0),
			rapid.Float64Range(0, 1e-9),
		), 1, 30).Draw(t, "shares")
		total := rapid.IntRange(0, 1000).Draw(t, "total")
		got := species.Allocate(shares, total)
		if again := species.Allocate(slices.Clone(shares), total); !slices.Equal(again, got) {
			t.Fatalf("Allocate(%v, %d) = %v, then %v; want the same", shares, total, got, again)
		}
		sum, pos := 0, 0.0
		for _, s := range shares {
			pos += max(0, s)
		}
		for i, n := range got {
			sum += n
			exact := float64(total) / float64(len(shares))
			if pos > 0 {
				exact = float64(total) * max(0, shares[i]) / pos
			}
			if float64(n) < math.Floor(exact)-1e-9 || float64(n) > math.Ceil(exact)+1e-9 {
				t.Fatalf("Allocate(%v, %d)[%d] = %d; want %v rounded down or up", shares, total, i, n, exact)
			}
		}
		if sum != total {
			t.Fatalf("Allocate(%v, %d) = %v, sum %d; want sum %d", shares, total, got, sum, total)
		}
	})
}

// population returns n genomes in far-apart groups: group k's genomes have
// innovations [100k, 100k+10), so genomes of one group are at distance 0
// plus weight differences and groups are 10 excess or disjoint genes apart.
func population(n, groups int, rng *rand.Rand) []*genome.Genome {
	gs := make([]*genome.Genome, n)
	for i := range gs {
		k := i % groups
		innovs := make([]int, 10)
		for j := range innovs {
			innovs[j] = 100*k + j
		}
		gs[i] = withGenes(rng.Float64()*0.1, innovs...)
		gs[i].ID = i
		gs[i].Fitness = rng.Float64()
	}
	return gs
}

func TestAssign(t *testing.T) {
	s := species.DefaultSettings()
	s.Target = 0
	rng := rand.New(rand.NewPCG(1, 2))

	t.Run("identical genomes share a species", func(t *testing.T) {
		set := species.NewSet(&s)
		gs := population(12, 1, rng)
		set.Assign(gs, &s, 0, rng, nil)
		if len(set.Species) != 1 || len(set.Species[0].Members) != 12 {
			t.Fatalf("Assign of 12 like genomes made %d species; want 1 with all 12", len(set.Species))
		}
	})

	t.Run("far-apart genomes found species", func(t *testing.T) {
		set := species.NewSet(&s)
		gs := population(12, 3, rng)
		set.Assign(gs, &s, 4, rng, nil)
		if len(set.Species) != 3 {
			t.Fatalf("Assign of 3 groups made %d species; want 3", len(set.Species))
		}
		for k, sp := range set.Species {
			if sp.ID != k+1 || sp.Created != 4 || sp.LastImproved != 4 {
				t.Errorf("species %d = {ID %d, created %d, improved %d}; want {%d, 4, 4}", k, sp.ID, sp.Created, sp.LastImproved, k+1)
			}
			for _, m := range sp.Members {
				if m%3 != k {
					t.Errorf("species %d holds genome %d of group %d", sp.ID, m, m%3)
				}
			}
			if !slices.ContainsFunc(sp.Members, func(m int) bool { return reflect.DeepEqual(gs[m], sp.Rep) }) {
				t.Errorf("species %d's representative is none of its members", sp.ID)
			}
			if slices.ContainsFunc(sp.Members, func(m int) bool { return gs[m] == sp.Rep }) {
				t.Errorf("species %d's representative is a member itself, not a copy", sp.ID)
			}
		}
		if set.NextID != 4 {
			t.Errorf("NextID = %d; want 4", set.NextID)
		}

		// Next generation: only groups 0 and 2 remain, plus a new group.
		next := population(12, 4, rng)
		for _, g := range next {
			if g.Conns[0].Innov == 100 {
				g.Conns = withGenes(0, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509).Conns
			}
		}
		set.Assign(next, &s, 5, rng, nil)
		var ids []int
		for _, sp := range set.Species {
			ids = append(ids, sp.ID)
		}
		if want := []int{1, 3, 4, 5}; !slices.Equal(ids, want) {
			t.Errorf("species after the second Assign = %v; want %v (2 emptied and removed, 4 and 5 new)", ids, want)
		}
	})
}

func TestAssignThreshold(t *testing.T) {
	s := species.DefaultSettings()
	s.Target, s.Threshold, s.ThresholdStep, s.MinThreshold = 3, 3, 0.5, 2
	tests := []struct {
		groups int
		want   []float64 // threshold after each of three Assigns
	}{
		{1, []float64{2.5, 2, 2}}, // too few: down, but not below 2
		{3, []float64{3, 3, 3}},   // on target: unchanged
		{5, []float64{3.5, 4, 4.5}},
	}
	for _, tt := range tests {
		set := species.NewSet(&s)
		rng := rand.New(rand.NewPCG(1, 2))
		for gen, want := range tt.want {
			set.Assign(population(20, tt.groups, rng), &s, gen, rng, nil)
			if set.Threshold != want {
				t.Errorf("%d groups, generation %d: threshold = %v; want %v", tt.groups, gen, set.Threshold, want)
			}
		}
	}
}

// TestAssignWithMatches checks that matches computed beforehand (as the
// population does in parallel) give the same species as Assign computing
// them itself.
func TestAssignWithMatches(t *testing.T) {
	s := species.DefaultSettings()
	s.Target = 6
	plain, given := species.NewSet(&s), species.NewSet(&s)
	rng1, rng2 := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	for gen := range 4 {
		gs1, gs2 := population(200, 3+gen, rng1), population(200, 3+gen, rng2)
		plain.Assign(gs1, &s, gen, rng1, nil)
		// Matches computed beforehand, in reverse order, as a parallel
		// caller might.
		matches := make([]int, len(gs2))
		for i := len(gs2) - 1; i >= 0; i-- {
			matches[i] = given.Match(gs2[i], &s)
		}
		given.Assign(gs2, &s, gen, rng2, matches)
		if !reflect.DeepEqual(given, plain) {
			t.Fatalf("generation %d: Assign with precomputed matches gave %+v; without %+v", gen, given, plain)
		}
	}
}

func TestRank(t *testing.T) {
	gs := population(6, 1, rand.New(rand.NewPCG(1, 2)))
	for i, f := range []float64{1, 5, 3, 5, 0, 2} {
		gs[i].Fitness = f
	}
	set := &species.Set{Species: []*species.Species{{ID: 1, Best: 4, LastImproved: 2, Members: []int{0, 1, 2, 3, 4, 5}}}}
	set.Rank(gs, 7)
	sp := set.Species[0]
	if want := []int{1, 3, 2, 5, 0, 4}; !slices.Equal(sp.Members, want) {
		t.Errorf("Rank: members = %v; want %v (falling fitness, ties by index)", sp.Members, want)
	}
	if sp.Best != 5 || sp.LastImproved != 7 {
		t.Errorf("Rank: best %v at %d; want 5 at 7", sp.Best, sp.LastImproved)
	}
	set.Rank(gs, 8) // no improvement
	if sp.Best != 5 || sp.LastImproved != 7 {
		t.Errorf("Rank without improvement: best %v at %d; want 5 at 7", sp.Best, sp.LastImproved)
	}
}

// TestNextToTest follows the rotation over generations: the fittest
// untested species first, then the next ones while the tested do not
// improve; an improvement makes a species untested again; with all tested
// the fittest is chosen.
func TestNextToTest(t *testing.T) {
	gs := population(3, 1, rand.New(rand.NewPCG(1, 2)))
	set := &species.Set{Species: []*species.Species{
		{ID: 1, Best: -1, Members: []int{0}},
		{ID: 2, Best: -1, Members: []int{1}},
		{ID: 3, Best: -1, Members: []int{2}},
	}}
	step := func(gen int, fitness ...float64) int {
		t.Helper()
		for i, f := range fitness {
			gs[i].Fitness = f
		}
		set.Rank(gs, gen)
		sp := set.NextToTest(gs)
		if sp == nil || !sp.Tested {
			t.Fatalf("generation %d: NextToTest returned %+v; want a species marked tested", gen, sp)
		}
		return sp.ID
	}
	for _, c := range []struct {
		gen     int
		fitness []float64
		want    int
	}{
		{0, []float64{1, 3, 2}, 2}, // all new: the fittest
		{1, []float64{1, 3, 2}, 3}, // no change: the next fittest untested
		{2, []float64{1, 3, 2}, 1},
		{3, []float64{1, 3, 2}, 2},   // all tested: the fittest
		{4, []float64{1.5, 3, 2}, 1}, // species 1 improved
		{5, []float64{1.5, 3, 2.5}, 3},
		{6, []float64{1.5, 3, 2.5}, 2},
		{7, []float64{1.5, 3, 2}, 2}, // a drop is no improvement
	} {
		if got := step(c.gen, c.fitness...); got != c.want {
			t.Errorf("generation %d (fitness %v): tested species %d; want %d", c.gen, c.fitness, got, c.want)
		}
	}
	if sp := (&species.Set{}).NextToTest(nil); sp != nil {
		t.Errorf("NextToTest on an empty set = %+v; want nil", sp)
	}
}

func TestDropStagnant(t *testing.T) {
	gs := population(4, 1, rand.New(rand.NewPCG(1, 2)))
	for i, f := range []float64{1, 9, 3, 4} {
		gs[i].Fitness = f
	}
	// Species 2 holds the best genome but has not improved for long.
	mk := func() *species.Set {
		return &species.Set{Species: []*species.Species{
			{ID: 1, LastImproved: 0, Members: []int{0}},
			{ID: 2, LastImproved: 0, Members: []int{1}},
			{ID: 3, LastImproved: 8, Members: []int{2}},
			{ID: 4, LastImproved: 5, Members: []int{3}},
		}}
	}
	tests := []struct {
		protected int
		want      []int
	}{
		{1, []int{2, 3}},    // 1 and 4 stagnant (10 and 5 generations); 2 protected
		{2, []int{2, 3, 4}}, // 4 is second best, protected too
		{4, []int{1, 2, 3, 4}},
	}
	for _, tt := range tests {
		s := species.DefaultSettings()
		s.Stagnation, s.Protected = 5, tt.protected
		set := mk()
		n := set.DropStagnant(gs, &s, 10)
		var ids []int
		for _, sp := range set.Species {
			ids = append(ids, sp.ID)
		}
		if !slices.Equal(ids, tt.want) || n != 4-len(tt.want) {
			t.Errorf("DropStagnant with %d protected = %d, leaving %v; want %d, leaving %v", tt.protected, n, ids, 4-len(tt.want), tt.want)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *species.Settings)
		want string
	}{
		{"defaults", func(*species.Settings) {}, ""},
		{"negative c1", func(s *species.Settings) { s.Excess = -1 }, "excess_coefficient = -1"},
		{"NaN c3", func(s *species.Settings) { s.Weight = math.NaN() }, "weight_coefficient = NaN"},
		{"zero threshold", func(s *species.Settings) { s.Threshold = 0 }, "threshold = 0"},
		{"zero min threshold", func(s *species.Settings) { s.MinThreshold = 0 }, "min_threshold = 0"},
		{"negative small genome", func(s *species.Settings) { s.SmallGenome = -1 }, "small_genome = -1"},
		{"negative target", func(s *species.Settings) { s.Target = -1 }, "target_species = -1"},
		{"zero stagnation", func(s *species.Settings) { s.Stagnation = 0 }, "stagnation = 0"},
		{"zero protected", func(s *species.Settings) { s.Protected = 0 }, "protected = 0"},
		{"bad representative", func(s *species.Settings) { s.Representative = 3 }, "representative = 3"},
	}
	for _, tt := range tests {
		s := species.DefaultSettings()
		tt.edit(&s)
		err := s.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v; want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v; want an error containing %q", tt.name, err, tt.want)
		case err != nil && !strings.HasPrefix(err.Error(), "species: "):
			t.Errorf("%s: Validate() = %q; want the prefix \"species: \"", tt.name, err)
		}
	}
}

func TestAllocateExtremeShares(t *testing.T) {
	inf, nan, big := math.Inf(1), math.NaN(), math.MaxFloat64
	tests := []struct {
		shares []float64
		want   []int
	}{
		{[]float64{big, big}, []int{5, 5}},
		{[]float64{big, 0}, []int{10, 0}},
		{[]float64{inf, 1}, []int{0, 10}},
		{[]float64{nan, 3, 1}, []int{0, 8, 2}},
		{[]float64{nan, inf, -1}, []int{4, 3, 3}},
	}
	for _, tt := range tests {
		if got := species.Allocate(tt.shares, 10); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Allocate(%v, 10) = %v; want %v", tt.shares, got, tt.want)
		}
	}
}

// TestCompatibleAgreesWithDistance checks the early-exit comparison against
// the full distance on many pairs and thresholds.
func TestCompatibleAgreesWithDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gs := population(60, 6, rng)
	for _, small := range []int{0, 20} {
		s := species.DefaultSettings()
		s.SmallGenome = small
		for _, a := range gs {
			for _, b := range gs[:20] {
				d := species.Distance(a, b, &s)
				for _, th := range []float64{0.5, d, d + 1e-9, 3, 10} {
					if got, want := species.Compatible(a, b, &s, th), d < th; got != want {
						t.Fatalf("Compatible(%d, %d, %v) = %v; Distance = %v", a.ID, b.ID, th, got, d)
					}
				}
			}
		}
	}
}
