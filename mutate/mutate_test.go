package mutate_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/mutate"
	"github.com/neuroplast/neuroplast/network"
)

func drawLayout(t *rapid.T) genome.Layout {
	return genome.Layout{
		Inputs:    rapid.IntRange(1, 4).Draw(t, "inputs"),
		Outputs:   rapid.IntRange(1, 3).Draw(t, "outputs"),
		Bias:      rapid.Bool().Draw(t, "bias"),
		OutputAct: rapid.SampledFrom(network.Activations()).Draw(t, "output activation"),
	}
}

// drawSettings draws valid settings in which every operator can fire.
func drawSettings(t *rapid.T) *mutate.Settings {
	s := mutate.DefaultSettings()
	rate := func(label string) float64 { return rapid.Float64Range(0, 1).Draw(t, label) }
	s.Dropin, s.DropinPreserving = rate("dropin"), rate("dropin preserving")
	s.Apoptosis, s.AddConn, s.RemoveConn = rate("apoptosis"), rate("add connection"), rate("remove connection")
	s.DropinFanIn = rapid.IntRange(1, 4).Draw(t, "dropin fan-in")
	s.Recurrent = rapid.SampledFrom([]float64{-1, 0, 0.2, 1}).Draw(t, "recurrent connections")
	s.Exclusive = rapid.Bool().Draw(t, "exclusive")
	s.Weight, s.WeightGene, s.WeightReplace = rate("weight"), rate("weight gene"), rate("weight replace")
	s.Bias, s.BiasGene, s.BiasReplace = rate("bias"), rate("bias gene"), rate("bias replace")
	s.BiasInit = rapid.SampledFrom([]float64{0, 0.5}).Draw(t, "bias init")
	s.Toggle, s.Activation = rate("toggle"), rate("activation")
	s.WeightMax = rapid.SampledFrom([]float64{1, 8}).Draw(t, "weight max")
	s.HiddenAct = rapid.SampledFrom(network.Activations()).Draw(t, "hidden activation")
	s.Activations = network.Activations()
	if err := s.Validate(); err != nil {
		t.Fatalf("drawSettings made invalid settings: %v", err)
	}
	return &s
}

// checkGenome checks the invariants every operator keeps: g is valid and
// compiles, weights and biases stay within ±WeightMax, the fixed nodes are
// the layout's, and every (from, to) pair has the tracker's innovation.
func checkGenome(t *rapid.T, what string, g *genome.Genome, l genome.Layout, tr *genome.Tracker, s *mutate.Settings, feedForward bool) {
	if err := genome.Validate(g, feedForward); err != nil {
		t.Fatalf("after %s: Validate(g, %v) = %v", what, feedForward, err)
	}
	if _, err := genome.Compile(g, feedForward); err != nil {
		t.Fatalf("after %s: Compile(g, %v) = %v", what, feedForward, err)
	}
	fixed := l.Nodes()
	for i, n := range fixed {
		if m := g.Nodes[i]; m.ID != n.ID || m.Kind != n.Kind {
			t.Fatalf("after %s: node %d = {ID %d, %s}; want the layout's {ID %d, %s}", what, i, m.ID, m.Kind, n.ID, n.Kind)
		}
	}
	for _, n := range g.Nodes[len(fixed):] {
		if n.Kind != genome.Hidden {
			t.Fatalf("after %s: node %d beyond the layout is %s; want hidden", what, n.ID, n.Kind)
		}
		if math.Abs(n.Bias) > s.WeightMax {
			t.Fatalf("after %s: node %d has bias %v beyond ±%v", what, n.ID, n.Bias, s.WeightMax)
		}
	}
	for _, c := range g.Conns {
		if math.Abs(c.Weight) > s.WeightMax {
			t.Fatalf("after %s: connection %d has weight %v beyond ±%v", what, c.Innov, c.Weight, s.WeightMax)
		}
		// Innovation asks the tracker; a known pair is not renumbered.
		if want := tr.Innovation(c.From, c.To); c.Innov != want {
			t.Fatalf("after %s: connection %d->%d has innovation %d; the tracker says %d", what, c.From, c.To, c.Innov, want)
		}
	}
}

// grow returns a genome of layout l grown from a fully connected start by
// rounds of Mutate under structural settings, with every activation in use.
func grow(t *rapid.T, l genome.Layout, tr *genome.Tracker, rng *rand.Rand, feedForward bool) *genome.Genome {
	s := mutate.DefaultSettings()
	s.Dropin, s.DropinPreserving, s.Apoptosis, s.AddConn, s.RemoveConn = 0.5, 0.3, 0.05, 0.6, 0.05
	s.Exclusive = false
	s.Bias, s.BiasInit, s.Toggle, s.Activation = 0.5, 0.5, 0.1, 0.5
	s.Activations = network.Activations()
	g := genome.New(0, l, tr, true, func() float64 { return rng.NormFloat64() })
	for range rapid.IntRange(0, 12).Draw(t, "growth") {
		mutate.Mutate(g, tr, rng, &s, feedForward)
	}
	return g
}

// same reports whether a and b hold the same genome, taking a nil slice of
// genes as equal to an empty one.
func same(a, b *genome.Genome) bool {
	x, y := *a, *b
	x.Nodes, x.Conns, y.Nodes, y.Conns = nil, nil, nil, nil
	return reflect.DeepEqual(x, y) && slices.Equal(a.Nodes, b.Nodes) && slices.Equal(a.Conns, b.Conns)
}

func drawRNG(t *rapid.T) *rand.Rand {
	return rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 2))
}

// TestMutationSequences applies random sequences of every operator and of
// crossover to a small population sharing one tracker, moving to a new
// generation now and then, and checks each result.
func TestMutationSequences(t *testing.T) {
	ops := []string{
		"Dropin", "Split", "Insert", "Apoptosis", "AddConn", "RemoveConn", "Toggle",
		"Weights", "Biases", "Activation", "Mutate", "Crossover", "NextGeneration",
	}
	rapid.Check(t, func(t *rapid.T) {
		feedForward := rapid.Bool().Draw(t, "feedForward")
		l := drawLayout(t)
		s := drawSettings(t)
		tr := genome.NewTracker(l)
		rng := drawRNG(t)
		pop := make([]*genome.Genome, rapid.IntRange(2, 5).Draw(t, "population"))
		for i := range pop {
			pop[i] = genome.New(i, l, tr, rapid.Bool().Draw(t, "connect"), func() float64 {
				return max(-s.WeightMax, min(s.WeightMax, rng.NormFloat64()))
			})
			checkGenome(t, "New", pop[i], l, tr, s, feedForward)
		}
		nextID := len(pop)
		for range rapid.IntRange(1, 150).Draw(t, "steps") {
			op := rapid.IntRange(0, len(ops)-1).Draw(t, "op")
			k := rapid.IntRange(0, len(pop)-1).Draw(t, "genome")
			g := pop[k]
			before := g.Clone()
			changed := true // whether the operator reported a change
			switch ops[op] {
			case "Dropin":
				changed = mutate.Dropin(g, tr, rng, s, feedForward)
			case "Split":
				changed = mutate.Split(g, tr, rng, s)
			case "Insert":
				changed = mutate.Insert(g, tr, rng, s)
			case "Apoptosis":
				changed = mutate.Apoptosis(g, rng)
			case "AddConn":
				changed = mutate.AddConn(g, tr, rng, s, feedForward)
			case "RemoveConn":
				changed = mutate.RemoveConn(g, rng)
			case "Toggle":
				changed = mutate.Toggle(g, rng)
			case "Weights":
				mutate.Weights(g, rng, s)
			case "Biases":
				mutate.Biases(g, rng, s)
			case "Activation":
				changed = mutate.Activation(g, rng, s)
			case "Mutate":
				mutate.Mutate(g, tr, rng, s, feedForward)
			case "Crossover":
				j := rapid.IntRange(0, len(pop)-1).Draw(t, "other")
				child := &genome.Genome{}
				mutate.Crossover(child, pop[k], pop[j], rng)
				checkCrossover(t, child, pop[k], pop[j], false)
				child.ID = nextID
				nextID++
				pop[rapid.IntRange(0, len(pop)-1).Draw(t, "replaced")] = child
				g = child
			case "NextGeneration":
				tr.NextGeneration()
			}
			checkGenome(t, ops[op], g, l, tr, s, feedForward)
			if !changed && !same(g, before) {
				t.Fatalf("%s reported no change but changed genome %d", ops[op], g.ID)
			}
			checkCounts(t, ops[op], changed, before, g, s)
		}
	})
}

// checkCounts checks what a structural operator that reported a change did
// to the counts of hidden nodes and connections and to the lineage.
func checkCounts(t *rapid.T, op string, changed bool, before, after *genome.Genome, s *mutate.Settings) {
	if !changed {
		return
	}
	dh := after.HiddenCount() - before.HiddenCount()
	dc := len(after.Conns) - len(before.Conns)
	switch op {
	case "Dropin", "Split", "Insert":
		// A split adds two connections; an insertion one per source (up to
		// s.DropinFanIn) and one out.
		if dh != 1 || dc < 2 || dc > 1+s.DropinFanIn || after.Dropins != before.Dropins+1 {
			t.Fatalf("%s: hidden %+d, connections %+d, dropins %d -> %d; want +1, +2 to +%d, +1", op, dh, dc, before.Dropins, after.Dropins, 1+s.DropinFanIn)
		}
	case "Apoptosis":
		if dh != -1 || after.Apoptoses != before.Apoptoses+1 {
			t.Fatalf("%s: hidden %+d, apoptoses %d -> %d; want -1, +1", op, dh, before.Apoptoses, after.Apoptoses)
		}
	case "AddConn":
		if dh != 0 || dc != 1 {
			t.Fatalf("%s: hidden %+d, connections %+d; want 0, +1", op, dh, dc)
		}
	case "RemoveConn":
		if dh != 0 || dc != -1 {
			t.Fatalf("%s: hidden %+d, connections %+d; want 0, -1", op, dh, dc)
		}
	case "Toggle":
		flipped := 0
		for i := range after.Conns {
			if after.Conns[i].Enabled != before.Conns[i].Enabled {
				flipped++
			}
		}
		if dc != 0 || flipped != 1 {
			t.Fatalf("%s: connections %+d, %d flags flipped; want 0, 1", op, dc, flipped)
		}
	case "Activation":
		changedNodes := 0
		for i := range after.Nodes {
			if after.Nodes[i] != before.Nodes[i] {
				changedNodes++
				if after.Nodes[i].Kind != genome.Hidden {
					t.Fatalf("%s changed %s node %d", op, after.Nodes[i].Kind, after.Nodes[i].ID)
				}
			}
		}
		if dh != 0 || dc != 0 || changedNodes > 1 {
			t.Fatalf("%s: hidden %+d, connections %+d, %d nodes changed; want 0, 0, at most 1", op, dh, dc, changedNodes)
		}
	}
}

// checkCrossover checks a child against its parents: the fitter parent's
// genes, innovations and lineage; matching genes' weights, activations and
// biases from one parent or the other; a gene enabled in both parents stays
// enabled.
func checkCrossover(t *rapid.T, child, fitter, other *genome.Genome, average bool) {
	if len(child.Conns) != len(fitter.Conns) || len(child.Nodes) != len(fitter.Nodes) {
		t.Fatalf("child has %d nodes and %d connections; want the fitter parent's %d and %d",
			len(child.Nodes), len(child.Conns), len(fitter.Nodes), len(fitter.Conns))
	}
	for i, c := range child.Conns {
		f := fitter.Conns[i]
		if c.Innov != f.Innov || c.From != f.From || c.To != f.To {
			t.Fatalf("child connection %d = %d (%d->%d); want the fitter parent's %d (%d->%d)", i, c.Innov, c.From, c.To, f.Innov, f.From, f.To)
		}
		if j := other.ConnIndex(c.Innov); j >= 0 {
			o := other.Conns[j]
			if average && c.Weight != (f.Weight+o.Weight)/2 {
				t.Fatalf("matching gene %d has weight %v; want the parents' mean of %v and %v", c.Innov, c.Weight, f.Weight, o.Weight)
			}
			if !average && c.Weight != f.Weight && c.Weight != o.Weight {
				t.Fatalf("matching gene %d has weight %v; want a parent's, %v or %v", c.Innov, c.Weight, f.Weight, o.Weight)
			}
			if f.Enabled && o.Enabled && !c.Enabled {
				t.Fatalf("matching gene %d, enabled in both parents, is disabled in the child", c.Innov)
			}
		} else if c.Weight != f.Weight || c.Enabled != f.Enabled {
			t.Fatalf("disjoint or excess gene %d = {w %v, enabled %v}; want the fitter parent's {w %v, enabled %v}",
				c.Innov, c.Weight, c.Enabled, f.Weight, f.Enabled)
		}
	}
	for i, n := range child.Nodes {
		f := fitter.Nodes[i]
		if n.ID != f.ID || n.Kind != f.Kind {
			t.Fatalf("child node %d = {ID %d, %s}; want the fitter parent's {ID %d, %s}", i, n.ID, n.Kind, f.ID, f.Kind)
		}
		fromFitter := n.Act == f.Act && n.Bias == f.Bias
		if j := other.NodeIndex(n.ID); j >= 0 {
			o := other.Nodes[j]
			if !fromFitter && (n.Act != o.Act || n.Bias != o.Bias) {
				t.Fatalf("matching node %d = {%v, bias %v}; want a parent's, {%v, %v} or {%v, %v}", n.ID, n.Act, n.Bias, f.Act, f.Bias, o.Act, o.Bias)
			}
		} else if !fromFitter {
			t.Fatalf("node %d, only in the fitter parent, = {%v, bias %v}; want {%v, %v}", n.ID, n.Act, n.Bias, f.Act, f.Bias)
		}
	}
	if child.Parents != [2]int{fitter.ID, other.ID} {
		t.Fatalf("child.Parents = %v; want [%d %d]", child.Parents, fitter.ID, other.ID)
	}
	if child.Dropins != fitter.Dropins || child.Apoptoses != fitter.Apoptoses {
		t.Fatalf("child lineage = %d dropins, %d apoptoses; want the fitter parent's %d, %d",
			child.Dropins, child.Apoptoses, fitter.Dropins, fitter.Apoptoses)
	}
}

// TestCrossover breeds pairs of genomes grown apart from one ancestor and
// checks the children, and that the same random stream breeds the same
// child.
func TestCrossover(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		feedForward := rapid.Bool().Draw(t, "feedForward")
		l := drawLayout(t)
		tr := genome.NewTracker(l)
		rng := drawRNG(t)
		a := grow(t, l, tr, rng, feedForward)
		b := a.Clone()
		b.ID = 1
		tr.NextGeneration()
		a = growFrom(t, a, tr, rng, feedForward)
		b = growFrom(t, b, tr, rng, feedForward)

		seed := rapid.Uint64().Draw(t, "crossover seed")
		average := rapid.Bool().Draw(t, "average")
		cross := mutate.Crossover
		if average {
			cross = mutate.CrossoverAverage
		}
		child := &genome.Genome{}
		cross(child, a, b, rand.New(rand.NewPCG(seed, 2)))
		checkCrossover(t, child, a, b, average)
		if err := genome.Validate(child, feedForward); err != nil {
			t.Fatalf("Validate(child, %v) = %v", feedForward, err)
		}
		again := &genome.Genome{Nodes: make([]genome.Node, 3), Conns: make([]genome.Conn, 5)}
		cross(again, a, b, rand.New(rand.NewPCG(seed, 2)))
		if !same(again, child) {
			t.Fatalf("Crossover with the same stream and a used destination = %+v; want %+v", again, child)
		}
	})
}

func growFrom(t *rapid.T, g *genome.Genome, tr *genome.Tracker, rng *rand.Rand, feedForward bool) *genome.Genome {
	s := mutate.DefaultSettings()
	s.Dropin, s.AddConn, s.Weight, s.Bias, s.Exclusive = 0.5, 0.5, 1, 1, false
	s.Activation, s.Activations = 0.5, network.Activations()
	for range rapid.IntRange(0, 4).Draw(t, "more growth") {
		mutate.Mutate(g, tr, rng, &s, feedForward)
	}
	return g
}

// matchingParents returns two fully connected genomes of one layout, with
// the same genes: genome 1's weights all 1, genome 2's all -1.
func matchingParents(inputs, outputs int) (a, b *genome.Genome) {
	l := genome.Layout{Inputs: inputs, Outputs: outputs, Bias: true}
	tr := genome.NewTracker(l)
	a = genome.New(1, l, tr, true, func() float64 { return 1 })
	b = genome.New(2, l, tr, true, func() float64 { return -1 })
	return a, b
}

// TestCrossoverMixes checks that over many children each parent gives some
// of the matching weights.
func TestCrossoverMixes(t *testing.T) {
	a, b := matchingParents(3, 2)
	rng := rand.New(rand.NewPCG(1, 2))
	fromA, fromB := 0, 0
	child := &genome.Genome{}
	for range 20 {
		mutate.Crossover(child, a, b, rng)
		for _, c := range child.Conns {
			if c.Weight == 1 {
				fromA++
			} else {
				fromB++
			}
		}
	}
	if n := fromA + fromB; fromA < n/4 || fromB < n/4 {
		t.Errorf("Crossover took %d matching weights from the fitter parent and %d from the other; want a fair mix", fromA, fromB)
	}
}

// TestCrossoverDisableRule checks NEAT's rule for a matching gene disabled
// in either parent: the child's copy stays disabled with probability
// DisableRate (75%), whichever parent it is disabled in; a gene enabled in
// both stays enabled.
func TestCrossoverDisableRule(t *testing.T) {
	a, b := matchingParents(2, 1)
	rng := rand.New(rand.NewPCG(5, 6))
	child := &genome.Genome{}
	const n = 4000
	for _, off := range []*genome.Genome{a, b} {
		off.Conns[0].Enabled = false
		disabled := 0
		for range n {
			mutate.Crossover(child, a, b, rng)
			if !child.Conns[0].Enabled {
				disabled++
			}
			if !child.Conns[1].Enabled {
				t.Fatalf("a gene enabled in both parents came out disabled")
			}
		}
		if f := float64(disabled) / n; math.Abs(f-mutate.DisableRate) > 0.03 {
			t.Errorf("gene disabled in parent %d: %.3f of children have it disabled; want about %v", off.ID, f, mutate.DisableRate)
		}
		off.Conns[0].Enabled = true
	}
}

// TestCrossoverUtilities checks that a matching node takes the other
// parent's utility only when both parents' utilities were measured: an
// unmeasured 0 would make the node the first that apoptosis kills.
func TestCrossoverUtilities(t *testing.T) {
	a, b := matchingParents(2, 1)
	out := len(a.Nodes) - 1
	a.HasUtility, a.Nodes[out].Utility = true, 5
	rng := rand.New(rand.NewPCG(3, 4))
	child := &genome.Genome{}
	fromB := 0
	for range 64 {
		mutate.Crossover(child, a, b, rng)
		if child.Nodes[out].Utility != 5 {
			t.Fatalf("child of a measured and an unmeasured parent: utility %v; want the measured 5", child.Nodes[out].Utility)
		}
		b.HasUtility, b.Nodes[out].Utility = true, 7
		mutate.Crossover(child, a, b, rng)
		if child.Nodes[out].Utility == 7 {
			fromB++
		}
		b.HasUtility, b.Nodes[out].Utility = false, 0
	}
	if fromB < 16 || fromB > 48 {
		t.Errorf("both measured: %d of 64 children took the other parent's utility; want about half", fromB)
	}
}

// inputsFor draws input vectors for a network of g's layout.
func inputsFor(l genome.Layout, rng *rand.Rand, n int) [][]float64 {
	in := make([][]float64, n)
	for i := range in {
		in[i] = make([]float64, l.Inputs)
		for j := range in[i] {
			in[i][j] = rng.Float64()*4 - 2
		}
	}
	return in
}

// run compiles g and returns its outputs on the input sequence, run as one
// episode from Reset.
func run(t *rapid.T, g *genome.Genome, feedForward bool, in [][]float64) [][]float64 {
	net, err := genome.Compile(g, feedForward)
	if err != nil {
		t.Fatalf("Compile(g, %v) = %v", feedForward, err)
	}
	net.Reset()
	out := make([][]float64, len(in))
	for i := range in {
		out[i] = make([]float64, len(net.Outputs))
		net.Forward(in[i], out[i])
	}
	return out
}

// reaches reports whether to reaches from along g's enabled connections
// (or to == from).
func reaches(g *genome.Genome, from, to int) bool {
	seen := map[int]bool{to: true}
	stack := []int{to}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == from {
			return true
		}
		for _, c := range g.Conns {
			if c.Enabled && c.From == n && !seen[c.To] {
				seen[c.To] = true
				stack = append(stack, c.To)
			}
		}
	}
	return false
}

// inserted returns the node that Insert added to before, giving after, and
// the ends of the connections into and out of it.
func inserted(t *rapid.T, before, after *genome.Genome) (id, from, to int) {
	id = -1
	for _, n := range after.Nodes {
		if before.NodeIndex(n.ID) < 0 {
			id = n.ID
		}
	}
	from, to = -1, -1
	for _, c := range after.Conns {
		if c.To == id {
			from = c.From
		}
		if c.From == id {
			to = c.To
			if c.Weight != 0 {
				t.Fatalf("Insert gave the new node %d an outgoing weight of %v; want 0", id, c.Weight)
			}
		}
	}
	if id < 0 || from < 0 || to < 0 {
		t.Fatalf("Insert added node %d between %d and %d; want a new node with one connection in and one out", id, from, to)
	}
	return id, from, to
}

// TestInsertPreservesFunction checks that function-preserving dropin does
// not change what the network computes: on single inputs for feed-forward
// genomes, and over an episode of several steps from Reset for recurrent
// ones.
// Insert never closes a cycle (see TestInsertClosingCycle), so the check
// holds for every draw.
func TestInsertPreservesFunction(t *testing.T) {
	for _, feedForward := range []bool{true, false} {
		name := map[bool]string{true: "feed-forward", false: "recurrent"}[feedForward]
		t.Run(name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				l := drawLayout(t)
				tr := genome.NewTracker(l)
				rng := drawRNG(t)
				g := grow(t, l, tr, rng, feedForward)
				s := drawSettings(t)
				in := inputsFor(l, rng, 6)
				want := run(t, g, feedForward, in)
				after := g.Clone()
				if !mutate.Insert(after, tr, rng, s) {
					t.Skip("Insert found no place")
				}
				if after.HiddenCount() != g.HiddenCount()+1 || after.Dropins != g.Dropins+1 {
					t.Fatalf("Insert: %d hidden nodes, %d dropins; want %d, %d", after.HiddenCount(), after.Dropins, g.HiddenCount()+1, g.Dropins+1)
				}
				_, from, to := inserted(t, g, after)
				if reaches(g, from, to) {
					t.Fatalf("Insert between %d and %d closed a cycle (feed-forward %v)", from, to, feedForward)
				}
				got := run(t, after, feedForward, in)
				for step := range in {
					for k := range want[step] {
						if math.Abs(got[step][k]-want[step][k]) > 1e-12 {
							t.Fatalf("step %d: output %d = %v after Insert; want %v as before", step, k, got[step][k], want[step][k])
						}
					}
				}
			})
		})
	}
}

// TestInsertClosingCycle is a recurrent genome in which Insert could close a
// cycle: input 0, hidden 2, output 1, with 0->2->1, all identity. Inserting
// n between 1 and 2 would add 1->n->2 and the cycle 2->1->n->2; Compile
// would then delay 2->1 rather than the new n->2 (weight 0), and the output
// would lag a step. Insert must refuse such places and keep the function.
func TestInsertClosingCycle(t *testing.T) {
	l := genome.Layout{Inputs: 1, Outputs: 1, OutputAct: network.Identity}
	s := mutate.DefaultSettings()
	s.HiddenAct = network.Identity
	closed, inserted := 0, 0
	for seed := range uint64(64) {
		tr := genome.NewTracker(l)
		g := genome.New(0, l, tr, false, nil)
		g.InsertNode(genome.Node{ID: tr.FreshNode(), Kind: genome.Hidden, Act: network.Identity})
		g.InsertConn(genome.Conn{Innov: tr.Innovation(0, 2), From: 0, To: 2, Weight: 1, Enabled: true})
		g.InsertConn(genome.Conn{Innov: tr.Innovation(2, 1), From: 2, To: 1, Weight: 1, Enabled: true})
		after := g.Clone()
		if !mutate.Insert(after, tr, rand.New(rand.NewPCG(seed, 2)), &s) {
			continue
		}
		inserted++
		var from, to int
		for _, c := range after.Conns[2:] {
			if c.From < 3 {
				from = c.From
			} else {
				to = c.To
			}
		}
		if !reaches(g, from, to) {
			continue
		}
		closed++
		for _, x := range []float64{1, 2, 3} {
			want, got := outputs(t, g, x), outputs(t, after, x)
			if got != want {
				t.Errorf("seed %d: Insert between %d and %d: output on [%v] = %v; want %v as before", seed, from, to, x, got, want)
			}
		}
	}
	if closed != 0 || inserted == 0 {
		t.Fatalf("Insert succeeded for %d of 64 seeds and closed a cycle %d times; want some successes and no cycle", inserted, closed)
	}
}

// outputs returns the first output of a one-input genome compiled as a
// recurrent network, on the first step after Reset.
func outputs(t *testing.T, g *genome.Genome, x float64) float64 {
	net, err := genome.Compile(g, false)
	if err != nil {
		t.Fatalf("Compile = %v", err)
	}
	out := make([]float64, 1)
	net.Forward([]float64{x}, out)
	return out[0]
}

// TestApoptosis checks neuron death on grown genomes, with and without
// measured utilities.
func TestApoptosis(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		feedForward := rapid.Bool().Draw(t, "feedForward")
		l := drawLayout(t)
		tr := genome.NewTracker(l)
		rng := drawRNG(t)
		g := grow(t, l, tr, rng, feedForward)
		if rapid.Bool().Draw(t, "utilities") {
			g.HasUtility = true
			for i := range g.Nodes {
				// Few distinct values, so that ties happen.
				g.Nodes[i].Utility = float64(rapid.IntRange(0, 3).Draw(t, "utility"))
			}
		}
		before := g.Clone()
		ok := mutate.Apoptosis(g, rng)
		hidden := before.HiddenCount()
		if ok != (hidden > 0) {
			t.Fatalf("Apoptosis on %d hidden nodes = %v; want %v", hidden, ok, hidden > 0)
		}
		if !ok {
			if !same(g, before) {
				t.Fatalf("Apoptosis without hidden nodes changed the genome")
			}
			return
		}
		if g.HiddenCount() != hidden-1 || len(g.Nodes) != len(before.Nodes)-1 {
			t.Fatalf("Apoptosis left %d hidden of %d nodes; want %d of %d", g.HiddenCount(), len(g.Nodes), hidden-1, len(before.Nodes)-1)
		}
		if g.Apoptoses != before.Apoptoses+1 {
			t.Fatalf("Apoptoses = %d; want %d", g.Apoptoses, before.Apoptoses+1)
		}
		victim := -1
		for i, n := range before.Nodes {
			if g.NodeIndex(n.ID) < 0 {
				victim = i
			}
		}
		v := before.Nodes[victim]
		if v.Kind != genome.Hidden {
			t.Fatalf("Apoptosis killed %s node %d", v.Kind, v.ID)
		}
		if !slices.Equal(g.Nodes, slices.Delete(slices.Clone(before.Nodes), victim, victim+1)) {
			t.Fatalf("Apoptosis changed nodes other than the victim %d", v.ID)
		}
		wantConns := slices.DeleteFunc(slices.Clone(before.Conns), func(c genome.Conn) bool { return c.From == v.ID || c.To == v.ID })
		if !slices.Equal(g.Conns, wantConns) {
			t.Fatalf("connections after Apoptosis of %d = %v; want %v", v.ID, g.Conns, wantConns)
		}
		if g.HasUtility {
			for _, n := range before.Nodes {
				if n.Kind == genome.Hidden && (n.Utility < v.Utility || n.Utility == v.Utility && n.ID < v.ID) {
					t.Fatalf("Apoptosis killed node %d (utility %v); want node %d (utility %v), the least useful with the lowest ID", v.ID, v.Utility, n.ID, n.Utility)
				}
			}
		} else if !deadEnd(before, v.ID) {
			// Without utilities a neuron that feeds nothing dies first.
			for _, n := range before.Nodes {
				if n.Kind == genome.Hidden && deadEnd(before, n.ID) {
					t.Fatalf("Apoptosis killed node %d, which feeds others, while node %d feeds nothing", v.ID, n.ID)
				}
			}
		}
		if err := genome.Validate(g, feedForward); err != nil {
			t.Fatalf("Validate after Apoptosis = %v", err)
		}
	})
}

func deadEnd(g *genome.Genome, id int) bool {
	for _, c := range g.Conns {
		if c.From == id && c.Enabled {
			return false
		}
	}
	return true
}

// TestSplit follows NEAT's add-node mutation on a one-connection genome,
// and the tracker's sharing of the new node within a generation.
func TestSplit(t *testing.T) {
	l := genome.Layout{Inputs: 1, Outputs: 1, OutputAct: network.Sigmoid}
	s := mutate.DefaultSettings()
	s.HiddenAct = network.Tanh
	tr := genome.NewTracker(l)
	a := genome.New(1, l, tr, true, func() float64 { return 0.7 })
	b := a.Clone()
	rng := rand.New(rand.NewPCG(1, 2))
	if !mutate.Split(a, tr, rng, &s) {
		t.Fatalf("Split = false; want true")
	}
	wantConns := []genome.Conn{
		{Innov: 0, From: 0, To: 1, Weight: 0.7, Enabled: false},
		{Innov: 1, From: 0, To: 2, Weight: 1, Enabled: true},
		{Innov: 2, From: 2, To: 1, Weight: 0.7, Enabled: true},
	}
	if !slices.Equal(a.Conns, wantConns) {
		t.Errorf("connections after Split = %v; want %v", a.Conns, wantConns)
	}
	if n := a.Nodes[2]; n.ID != 2 || n.Kind != genome.Hidden || n.Act != network.Tanh {
		t.Errorf("new node = %+v; want hidden node 2 with tanh", n)
	}
	if a.Dropins != 1 {
		t.Errorf("Dropins = %d; want 1", a.Dropins)
	}
	// The same split in the same generation gives the same genes.
	if !mutate.Split(b, tr, rng, &s) || !same(a, b) {
		t.Errorf("the same Split in the same generation = %+v; want %+v", b, a)
	}
	// Nothing left to split.
	c := genome.New(3, l, tr, false, nil)
	if mutate.Split(c, tr, rng, &s) {
		t.Errorf("Split of a genome without enabled connections = true; want false")
	}
	// Connection 0 re-enabled, and the only one enabled, is split again in
	// the same generation: the genome has node 2, so it gets a fresh one.
	a.Conns[0].Enabled, a.Conns[1].Enabled, a.Conns[2].Enabled = true, false, false
	if !mutate.Split(a, tr, rng, &s) {
		t.Fatalf("second Split = false; want true")
	}
	if a.HiddenCount() != 2 || a.NodeIndex(3) < 0 {
		t.Errorf("second Split of connection 0 gave nodes %v; want a fresh node 3", a.Nodes)
	}
	// A new generation splits the same connection into a new node.
	tr.NextGeneration()
	d := genome.New(4, l, tr, true, func() float64 { return 0.7 })
	mutate.Split(d, tr, rng, &s)
	if d.Nodes[2].ID == 2 {
		t.Errorf("Split after NextGeneration reused node 2; want a new node")
	}
}

// TestAddConnRecurrent checks the recurrent_connection_rate modes in
// recurrent runs: at 1 every added connection closes a cycle, some by a
// self-loop and some through other neurons, and at 0 none closes one.
func TestAddConnRecurrent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := drawLayout(t)
		tr := genome.NewTracker(l)
		rng := drawRNG(t)
		g := grow(t, l, tr, rng, false)
		s := mutate.DefaultSettings()
		s.Recurrent = rapid.SampledFrom([]float64{0, 1}).Draw(t, "rate")
		before := g.Clone()
		if !mutate.AddConn(g, tr, rng, &s, false) {
			return
		}
		var added genome.Conn
		for _, c := range g.Conns {
			if !slices.ContainsFunc(before.Conns, func(b genome.Conn) bool { return b.From == c.From && b.To == c.To }) {
				added = c
			}
		}
		if closes := genome.Creates(before, added.From, added.To); closes != (s.Recurrent == 1) {
			t.Fatalf("rate %v added %d->%d, which closes a cycle: %v", s.Recurrent, added.From, added.To, closes)
		}
	})

	// Both kinds of cycle at rate 1, from a fixed seed.
	l := genome.Layout{Inputs: 3, Outputs: 1, Bias: true}
	s := mutate.DefaultSettings()
	s.Recurrent = 1
	rng := rand.New(rand.NewPCG(7, 2))
	loops, added := 0, 0
	for range 400 {
		tr := genome.NewTracker(l)
		g := genome.New(0, l, tr, true, func() float64 { return 1 })
		for range 3 {
			mutate.Split(g, tr, rng, &s)
		}
		n := len(g.Conns)
		if !mutate.AddConn(g, tr, rng, &s, false) {
			continue
		}
		added++
		for _, c := range g.Conns {
			if c.From == c.To {
				loops++
			}
		}
		if len(g.Conns) != n+1 {
			t.Fatalf("AddConn added %d connections; want 1", len(g.Conns)-n)
		}
	}
	if added < 390 || loops < added/2 || loops > added*19/20 {
		t.Errorf("rate 1: %d of 400 added, %d self-loops; want nearly all added, 50-95%% self-loops", added, loops)
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *mutate.Settings)
		want string
	}{
		{"defaults", func(*mutate.Settings) {}, ""},
		{"all off", func(s *mutate.Settings) {
			s.Dropin, s.Apoptosis, s.AddConn, s.RemoveConn, s.Weight, s.Bias, s.Toggle, s.Activation = 0, 0, 0, 0, 0, 0, 0, 0
		}, ""},
		{"rate above 1", func(s *mutate.Settings) { s.AddConn = 1.5 }, "add_connection_rate = 1.5, want a probability in [0, 1]"},
		{"negative rate", func(s *mutate.Settings) { s.Dropin = -0.1 }, "dropin_rate = -0.1"},
		{"NaN rate", func(s *mutate.Settings) { s.Toggle = math.NaN() }, "toggle_enable_rate = NaN"},
		{"zero power", func(s *mutate.Settings) { s.WeightPower = 0 }, "weight_power = 0, want a number > 0, at most 1e300"},
		{"infinite max", func(s *mutate.Settings) { s.WeightMax = math.Inf(1) }, "weight_max = +Inf"},
		{"negative bias init", func(s *mutate.Settings) { s.BiasInit = -1 }, "bias_init_sd = -1"},
		{"recurrent rate -1", func(s *mutate.Settings) { s.Recurrent = -1 }, ""},
		{"recurrent rate 0", func(s *mutate.Settings) { s.Recurrent = 0 }, ""},
		{"recurrent rate -0.5", func(s *mutate.Settings) { s.Recurrent = -0.5 }, "recurrent_connection_rate = -0.5, want a probability in [0, 1], or -1"},
		{"recurrent rate NaN", func(s *mutate.Settings) { s.Recurrent = math.NaN() }, "recurrent_connection_rate = NaN"},
		{"bad hidden activation", func(s *mutate.Settings) { s.HiddenAct = 42 }, "hidden_activation"},
		{"bad activation to choose", func(s *mutate.Settings) { s.Activations = []network.Activation{network.Tanh, 9} },
			`activations[1]: network: unknown activation "Activation(9)" (allowed: sigmoid, tanh,`},
		{"no activations to choose", func(s *mutate.Settings) { s.Activation, s.Activations = 0.1, nil }, "activations = [] with activation_rate = 0.1, want at least one activation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mutate.DefaultSettings()
			tt.edit(&s)
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v; want an error containing %q", err, tt.want)
			case err != nil && !strings.HasPrefix(err.Error(), "mutate: "):
				t.Errorf("Validate() = %q; want the prefix \"mutate: \"", err)
			}
		})
	}
}

func TestPrune(t *testing.T) {
	l := genome.Layout{Inputs: 3, Outputs: 2, Bias: true, OutputAct: network.Sigmoid}
	tr := genome.NewTracker(l)
	weights := []float64{0.5, -0.1, 2, -3, 0.05, 1, -0.7, 0.2}
	k := 0
	g := genome.New(1, l, tr, true, func() float64 { k++; return weights[k-1] })
	g.Conns[2].Enabled = false // weight 2: disabled connections are not pruned
	tests := []struct {
		fraction float64
		removed  int
		left     []float64 // remaining weights in innovation order
	}{
		{0, 0, weights},
		{0.01, 1, []float64{0.5, -0.1, 2, -3, 1, -0.7, 0.2}},
		{0.5, 3, []float64{0.5, 2, -3, 1, -0.7}},
		{1, 7, []float64{2}},
	}
	for _, tt := range tests {
		c := g.Clone()
		if got := mutate.Prune(c, tt.fraction); got != tt.removed {
			t.Errorf("Prune(%v) removed %d; want %d", tt.fraction, got, tt.removed)
		}
		var left []float64
		for _, cn := range c.Conns {
			left = append(left, cn.Weight)
		}
		if !slices.Equal(left, tt.left) {
			t.Errorf("Prune(%v) left weights %v; want %v", tt.fraction, left, tt.left)
		}
		if err := genome.Validate(c, true); err != nil || c.HiddenCount() != g.HiddenCount() {
			t.Errorf("Prune(%v): %v, %d hidden nodes; want a valid genome with its nodes", tt.fraction, err, c.HiddenCount())
		}
	}
}

// TestApoptosisOfSilentNeuronPreservesFunction checks that killing a
// hidden neuron whose outgoing weights are all zero (it contributes
// nothing) leaves the outputs unchanged within 1e-12: the neuron is given
// the lowest utility, so utility-driven apoptosis picks it.
func TestApoptosisOfSilentNeuronPreservesFunction(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := drawLayout(t)
		tr := genome.NewTracker(l)
		rng := drawRNG(t)
		g := grow(t, l, tr, rng, true)
		var hidden []int
		for i, n := range g.Nodes {
			if n.Kind == genome.Hidden {
				hidden = append(hidden, i)
			}
		}
		if len(hidden) == 0 {
			t.Skip("no hidden neuron")
		}
		victim := g.Nodes[rapid.SampledFrom(hidden).Draw(t, "victim")].ID
		g.HasUtility = true
		for i := range g.Nodes {
			g.Nodes[i].Utility = 1 + rng.Float64()
			if g.Nodes[i].ID == victim {
				g.Nodes[i].Utility = 0
			}
		}
		for i := range g.Conns {
			if g.Conns[i].From == victim {
				g.Conns[i].Weight = 0
			}
		}
		in := inputsFor(l, rng, 4)
		want := run(t, g, true, in)
		after := g.Clone()
		if !mutate.Apoptosis(after, rng) || after.NodeIndex(victim) >= 0 {
			t.Fatalf("Apoptosis did not remove neuron %d, the least useful", victim)
		}
		got := run(t, after, true, in)
		for s := range in {
			for k := range want[s] {
				if math.Abs(got[s][k]-want[s][k]) > 1e-12 {
					t.Fatalf("input %d output %d = %v after apoptosis of silent neuron %d; want %v", s, k, got[s][k], victim, want[s][k])
				}
			}
		}
	})
}
