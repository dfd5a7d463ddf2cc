package mutate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neuroplast/neuroplast/genome"
)

// attempts bounds the random search for a valid new connection or
// insertion point before an operator gives up.
const attempts = 32

// Dropin adds a hidden neuron (neurogenesis): with probability
// s.DropinPreserving by Insert, otherwise by Split; if the chosen form finds
// no place, the other is tried. It reports whether a neuron was added.
func Dropin(g *genome.Genome, t *genome.Tracker, rng *rand.Rand, s *Settings, feedForward bool) bool {
	if rng.Float64() < s.DropinPreserving {
		return Insert(g, t, rng, s) || Split(g, t, rng, s)
	}
	return Split(g, t, rng, s) || Insert(g, t, rng, s)
}

// Split is NEAT's add-node mutation: an enabled connection a->b is disabled
// and replaced by a->new (weight 1) and new->b (the old weight). It reports
// false when g has no enabled connection.
func Split(g *genome.Genome, t *genome.Tracker, rng *rand.Rand, s *Settings) bool {
	enabled := g.EnabledCount()
	if enabled == 0 {
		return false
	}
	k := rng.IntN(enabled)
	var old genome.Conn
	for i := range g.Conns {
		if !g.Conns[i].Enabled {
			continue
		}
		if k == 0 {
			g.Conns[i].Enabled = false
			old = g.Conns[i]
			break
		}
		k--
	}
	id := t.SplitNode(old.Innov)
	if g.NodeIndex(id) >= 0 {
		id = t.FreshNode()
	}
	g.InsertNode(genome.Node{ID: id, Kind: genome.Hidden, Act: s.HiddenAct})
	g.InsertConn(genome.Conn{Innov: t.Innovation(old.From, id), From: old.From, To: id, Weight: 1, Enabled: true})
	g.InsertConn(genome.Conn{Innov: t.Innovation(id, old.To), From: id, To: old.To, Weight: old.Weight, Enabled: true})
	g.Dropins++
	return true
}

// Insert adds a neuron without changing what the network computes: a new
// neuron n fed by small random weights from s.DropinFanIn distinct existing
// nodes (fewer if no more can feed it without a cycle) and feeding one
// existing target with weight zero (a->n->b), so that training or later
// mutation, not luck, gives it a role. The new paths never close a cycle, so
// the network's outputs stay exactly the same, step for step in recurrent
// runs too, with two exceptions: a synchronous network
// (network.Network.Synchronous) starts computing a node once some path has
// reached it, and the new path may reach the target sooner; and a weight of
// 0 does not cancel an infinite or NaN activation (unbounded activations
// only). It reports false when no place was found in a bounded number of
// attempts. "Fewer" sources can also mean that its bounded random search
// missed one.
func Insert(g *genome.Genome, t *genome.Tracker, rng *rand.Rand, s *Settings) bool {
	for range attempts {
		from := g.Nodes[rng.IntN(len(g.Nodes))]
		to := g.Nodes[rng.IntN(len(g.Nodes))]
		if to.Kind == genome.Input || to.Kind == genome.Bias {
			continue
		}
		// A new cycle would make compilation delay one of its connections,
		// possibly an existing one, and change what the network computes;
		// so Insert never closes a cycle, in recurrent runs either.
		if from.ID == to.ID || genome.Creates(g, from.ID, to.ID) {
			continue
		}
		id := t.InsertNode(from.ID, to.ID)
		if g.NodeIndex(id) >= 0 {
			id = t.FreshNode()
		}
		g.InsertNode(genome.Node{ID: id, Kind: genome.Hidden, Act: s.HiddenAct, Bias: bias(rng, s)})
		g.InsertConn(genome.Conn{Innov: t.Innovation(from.ID, id), From: from.ID, To: id, Weight: newWeight(rng, s), Enabled: true})
		g.InsertConn(genome.Conn{Innov: t.Innovation(id, to.ID), From: id, To: to.ID, Weight: 0, Enabled: true})
		// More sources: any node that to does not reach, so n -> to stays
		// acyclic.
		for extra := s.DropinFanIn - 1; extra > 0; extra-- {
			added := false
			for range attempts {
				src := g.Nodes[rng.IntN(len(g.Nodes))].ID
				if src == id || connected(g, src, id) || genome.Creates(g, src, id) {
					continue
				}
				g.InsertConn(genome.Conn{Innov: t.Innovation(src, id), From: src, To: id, Weight: newWeight(rng, s), Enabled: true})
				added = true
				break
			}
			if !added {
				break
			}
		}
		g.Dropins++
		return true
	}
	return false
}

// Apoptosis removes a hidden neuron and every connection into or out of it
// (neuron death). When g carries measured utilities the neuron with the
// lowest utility dies (the lowest ID among ties). Otherwise a neuron that
// feeds nothing (no enabled outgoing connection), whose utility is known to
// be zero, dies first, and failing that one is chosen uniformly. Input, bias
// and output neurons never die. It reports false when g has no hidden
// neuron.
func Apoptosis(g *genome.Genome, rng *rand.Rand) bool {
	victim := -1
	if g.HasUtility {
		for i, n := range g.Nodes {
			if n.Kind == genome.Hidden && (victim < 0 || n.Utility < g.Nodes[victim].Utility) {
				victim = i
			}
		}
	} else {
		victim = pickHidden(g, rng, true)
		if victim < 0 {
			victim = pickHidden(g, rng, false)
		}
	}
	if victim < 0 {
		return false
	}
	id := g.Nodes[victim].ID
	g.Nodes = slices.Delete(g.Nodes, victim, victim+1)
	g.Conns = slices.DeleteFunc(g.Conns, func(c genome.Conn) bool { return c.From == id || c.To == id })
	g.Apoptoses++
	return true
}

// pickHidden returns the index of a hidden node chosen uniformly, among the
// dead ends (no enabled outgoing connection) only when deadEnds is set, or
// -1 when there is none.
func pickHidden(g *genome.Genome, rng *rand.Rand, deadEnds bool) int {
	eligible := func(n *genome.Node) bool {
		if n.Kind != genome.Hidden {
			return false
		}
		if !deadEnds {
			return true
		}
		for i := range g.Conns {
			if c := &g.Conns[i]; c.From == n.ID && c.Enabled {
				return false
			}
		}
		return true
	}
	count := 0
	for i := range g.Nodes {
		if eligible(&g.Nodes[i]) {
			count++
		}
	}
	if count == 0 {
		return -1
	}
	k := rng.IntN(count)
	for i := range g.Nodes {
		if eligible(&g.Nodes[i]) {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return -1
}

// AddConn connects two unconnected nodes with a new random weight. The
// target is a hidden or output node; in a feed-forward run the new
// connection must not close a cycle, and in a recurrent one s.Recurrent,
// unless -1, draws whether it must. It reports false when no such pair was
// found in a bounded number of attempts.
func AddConn(g *genome.Genome, t *genome.Tracker, rng *rand.Rand, s *Settings, feedForward bool) bool {
	// Targets are drawn after the leading input and bias nodes (all of
	// them, in genomes built from a Layout); any other input or bias node
	// is rejected below.
	first := 0
	for first < len(g.Nodes) && (g.Nodes[first].Kind == genome.Input || g.Nodes[first].Kind == genome.Bias) {
		first++
	}
	if first == len(g.Nodes) {
		return false
	}
	// cycles: 0 takes any pair, +1 only one that closes a cycle, -1 only
	// one that does not.
	cycles := 0
	if feedForward {
		cycles = -1
	} else if s.Recurrent >= 0 {
		cycles = -1
		if rng.Float64() < s.Recurrent {
			cycles = 1
		}
	}
	for range attempts {
		// The source is drawn before the target, as without the rate, so
		// runs at rate -1 keep their random draws.
		loop := cycles == 1 && rng.Float64() < 0.5
		var from int
		if !loop {
			from = g.Nodes[rng.IntN(len(g.Nodes))].ID
		}
		to := g.Nodes[first+rng.IntN(len(g.Nodes)-first)]
		if loop {
			from = to.ID
		}
		if to.Kind == genome.Input || to.Kind == genome.Bias || connected(g, from, to.ID) {
			continue
		}
		if cycles != 0 && genome.Creates(g, from, to.ID) != (cycles == 1) {
			continue
		}
		g.InsertConn(genome.Conn{Innov: t.Innovation(from, to.ID), From: from, To: to.ID, Weight: newWeight(rng, s), Enabled: true})
		return true
	}
	return false
}

// RemoveConn deletes one connection chosen uniformly. It reports false when
// g has none.
func RemoveConn(g *genome.Genome, rng *rand.Rand) bool {
	if len(g.Conns) == 0 {
		return false
	}
	i := rng.IntN(len(g.Conns))
	g.Conns = slices.Delete(g.Conns, i, i+1)
	return true
}

// Toggle flips the enabled flag of one connection chosen uniformly. Cycles
// are checked over disabled connections too, so enabling one never breaks a
// feed-forward genome. It reports false when g has no connection.
func Toggle(g *genome.Genome, rng *rand.Rand) bool {
	if len(g.Conns) == 0 {
		return false
	}
	c := &g.Conns[rng.IntN(len(g.Conns))]
	c.Enabled = !c.Enabled
	return true
}

func connected(g *genome.Genome, from, to int) bool {
	for i := range g.Conns {
		if g.Conns[i].From == from && g.Conns[i].To == to {
			return true
		}
	}
	return false
}

// Prune removes the fraction of g's enabled connections with the smallest
// |weight| (magnitude pruning, as SET and RigL drop connections): at least
// one when fraction > 0 and g has an enabled connection, ties broken by
// innovation number. Neurons are kept, even if left unconnected. It returns
// the number removed.
func Prune(g *genome.Genome, fraction float64) int {
	enabled := g.EnabledCount()
	k := int(fraction * float64(enabled))
	if fraction > 0 && k == 0 && enabled > 0 {
		k = 1
	}
	if k == 0 {
		return 0
	}
	order := make([]int, 0, enabled)
	for i := range g.Conns {
		if g.Conns[i].Enabled {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(math.Abs(g.Conns[a].Weight), math.Abs(g.Conns[b].Weight))
	})
	drop := make(map[int]bool, k)
	for _, i := range order[:k] {
		drop[g.Conns[i].Innov] = true
	}
	g.Conns = slices.DeleteFunc(g.Conns, func(c genome.Conn) bool { return drop[c.Innov] })
	return k
}
