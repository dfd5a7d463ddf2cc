package genome

import (
	"errors"
	"fmt"

	"github.com/neuroplast/neuroplast/network"
)

// Compiler turns genomes into networks. It keeps its scratch space between
// calls, so a worker that owns one Compiler and one Network compiles every
// genome it evaluates without allocating once the buffers have grown.
// The zero value is ready to use.
type Compiler struct {
	indeg    []int32
	outStart []int32 // CSR of outgoing enabled connections, by node index
	outConn  []int32 // indices into g.Conns
	from, to []int32 // node index of each connection's ends; -1 when skipped
	queue    []int32
	pos      []int32 // network position of each node index; -1 until placed
	order    []int32 // node indices in network order
	index    []int32 // node ID -> node index, valid for the current genome's IDs
	place    []int32 // connection index -> network connection; -1 if disabled

	// Cycle breaking (recurrent compiles only).
	comp     []int32    // strongly connected component of each node index
	ext      []int32    // unplaced connections into each component from outside it
	num, low []int32    // Tarjan's discovery and low-link numbers
	stack    []int32    // Tarjan's stack of nodes
	calls    [][2]int32 // depth-first search stack: node, next outgoing offset
}

// Compile returns g's network: enabled connections only, nodes in
// topological order. With feedForward set, a cycle is an error; otherwise
// some connections on cycles become recurrent, read from the previous step.
// Only connections that lie on a cycle of enabled connections are ever
// recurrent, and cycle breaking inside one strongly connected component does
// not depend on the rest of the genome. g must be valid (see Validate).
//
// The network is neither synchronous nor trained. For a genome of a run
// with synchronous networks (population.Config.Synchronous) set the
// network's Synchronous, then Reset it, before use, or it computes
// otherwise than the network the run scored; population.Population.Phenotype gives that
// network as the run evaluates it, synchronous where the run is and, under
// Baldwinian learning, trained.
func Compile(g *Genome, feedForward bool) (*network.Network, error) {
	var c Compiler
	net := new(network.Network)
	if err := c.Compile(g, feedForward, net); err != nil {
		return nil, err
	}
	return net, nil
}

// Recurrent reports, for each connection of g, whether the network a
// recurrent compile makes of g reads it from the previous step: one of the
// connections Compile picks to break g's cycles of enabled connections.
// Without them the enabled connections form no cycle. Disabled
// connections, and every connection of an acyclic genome, are not
// recurrent. g must be valid (see Validate).
func Recurrent(g *Genome) ([]bool, error) {
	var c Compiler
	var net network.Network
	if err := c.Compile(g, false, &net); err != nil {
		return nil, err
	}
	rec := make([]bool, len(g.Conns))
	for i := range g.Conns {
		if f, t := c.from[i], c.to[i]; t >= 0 {
			rec[i] = c.pos[f] >= c.pos[t] // not computed yet when t is
		}
	}
	return rec, nil
}

// Compile builds g's network into net, reusing net's storage. See the
// package-level Compile.
func (c *Compiler) Compile(g *Genome, feedForward bool, net *network.Network) error {
	if g == nil {
		return errors.New("genome: no genome to compile")
	}
	if err := c.graph(g, true); err != nil {
		return err
	}
	nodes := len(g.Nodes)
	placed := c.kahn(!feedForward)
	if placed < nodes {
		return fmt.Errorf("genome %d: enabled connections form a cycle in a feed-forward run", g.ID)
	}

	net.NumInputs, net.NumBias = 0, 0
	for _, n := range g.Nodes {
		switch n.Kind {
		case Input:
			net.NumInputs++
		case Bias:
			net.NumBias++
		}
	}
	net.Act = resize(net.Act, nodes)
	net.Bias = resize(net.Bias, nodes)
	net.Start = resize(net.Start, nodes+1)
	net.Outputs = net.Outputs[:0]

	// Count the incoming connections of each node, by network position.
	clear(net.Start)
	edges := 0
	for i := range g.Conns {
		if c.to[i] >= 0 {
			net.Start[c.pos[c.to[i]]+1]++
			edges++
		}
	}
	for j := 0; j < nodes; j++ {
		net.Start[j+1] += net.Start[j]
	}
	net.Src = resize(net.Src, edges)
	net.W = resize(net.W, edges)
	// Fill each node's range in innovation order; queue serves as a cursor.
	c.queue = resize(c.queue, nodes)
	copy(c.queue, net.Start[:nodes])
	net.Recurrent = false
	c.place = resize(c.place, len(g.Conns))
	for i := range g.Conns {
		c.place[i] = -1
		if c.to[i] < 0 {
			continue
		}
		src, tgt := c.pos[c.from[i]], c.pos[c.to[i]]
		k := c.queue[tgt]
		c.queue[tgt]++
		c.place[i] = k
		net.Src[k] = src
		net.W[k] = g.Conns[i].Weight
		if src >= tgt {
			net.Recurrent = true
		}
	}
	for j, idx := range c.order {
		n := &g.Nodes[idx]
		net.Act[j] = n.Act
		net.Bias[j] = n.Bias
	}
	for idx := range g.Nodes {
		if g.Nodes[idx].Kind == Output {
			net.Outputs = append(net.Outputs, c.pos[idx])
		}
	}
	net.Reset()
	return nil
}

// WriteBack copies the weights and biases of net, which c last compiled
// from g (and which training may have changed since), back into g's genes,
// and, when utility is not nil, each hidden node's utility (utility is
// indexed like net's nodes), marking g as carrying utilities. This is how
// Lamarckian learning writes what training learned into the genome.
//
// It panics if g is not the genome c last compiled.
func (c *Compiler) WriteBack(g *Genome, net *network.Network, utility []float64) {
	if len(c.place) != len(g.Conns) || len(c.order) != len(g.Nodes) || len(net.Act) != len(g.Nodes) {
		panic(fmt.Sprintf("genome: WriteBack of genome %d, which is not the one last compiled", g.ID))
	}
	for i, k := range c.place {
		if k >= 0 {
			g.Conns[i].Weight = net.W[k]
		}
	}
	for j, idx := range c.order {
		n := &g.Nodes[idx]
		if n.Kind == Hidden || n.Kind == Output {
			n.Bias = net.Bias[j]
		}
		if utility != nil && n.Kind == Hidden {
			n.Utility = utility[j]
		}
	}
	if utility != nil {
		g.HasUtility = true
	}
}

// ReadNodeStats copies the utility, age and running mean activation of
// g's hidden nodes into slices indexed like the nodes of the network c last
// compiled from g (zero for the other nodes), so that training can carry
// them on from where the last generation left them.
//
// It panics if g is not the genome c last compiled.
func (c *Compiler) ReadNodeStats(g *Genome, utility []float64, age []int, mean []float64) {
	if len(c.order) != len(g.Nodes) || len(utility) != len(g.Nodes) || len(age) != len(g.Nodes) || len(mean) != len(g.Nodes) {
		panic(fmt.Sprintf("genome: ReadNodeStats of genome %d, which is not the one last compiled", g.ID))
	}
	for j, idx := range c.order {
		n := &g.Nodes[idx]
		utility[j], age[j], mean[j] = 0, 0, 0
		if n.Kind == Hidden {
			utility[j], age[j], mean[j] = n.Utility, n.Age, n.MeanAct
		}
	}
}

// WriteNodeStats records each hidden node's age and running mean
// activation (indexed like the nodes of the network c last compiled from
// g) in g.
//
// It panics if g is not the genome c last compiled.
func (c *Compiler) WriteNodeStats(g *Genome, age []int, mean []float64) {
	if len(c.order) != len(g.Nodes) || len(age) != len(g.Nodes) || len(mean) != len(g.Nodes) {
		panic(fmt.Sprintf("genome: WriteNodeStats of genome %d, which is not the one last compiled", g.ID))
	}
	for j, idx := range c.order {
		if n := &g.Nodes[idx]; n.Kind == Hidden {
			n.Age, n.MeanAct = age[j], mean[j]
		}
	}
}

// WriteUtility records each hidden node's utility (indexed like the nodes
// of the network c last compiled from g) in g, marking g as carrying
// utilities, without touching its weights: Baldwinian learning measures
// what training found useful but leaves the genes as they were.
//
// It panics if g is not the genome c last compiled.
func (c *Compiler) WriteUtility(g *Genome, utility []float64) {
	if len(c.order) != len(g.Nodes) || len(utility) != len(g.Nodes) {
		panic(fmt.Sprintf("genome: WriteUtility of genome %d, which is not the one last compiled", g.ID))
	}
	for j, idx := range c.order {
		if n := &g.Nodes[idx]; n.Kind == Hidden {
			n.Utility = utility[j]
		}
	}
	g.HasUtility = true
}

// graph fills the node-index views of g's connections and the outgoing CSR.
// It reports connections whose ends are not nodes of g.
func (c *Compiler) graph(g *Genome, enabledOnly bool) error {
	nodes := len(g.Nodes)
	maxID := -1
	if nodes > 0 {
		maxID = g.Nodes[nodes-1].ID
	}
	c.index = resize(c.index, maxID+1)
	for i := range g.Nodes {
		if id := g.Nodes[i].ID; id >= 0 && id <= maxID {
			c.index[id] = int32(i)
		}
	}
	lookup := func(id int) int32 {
		if id < 0 || id > maxID {
			return -1
		}
		// c.index may hold another genome's indices where g has no node.
		if i := c.index[id]; i >= 0 && int(i) < nodes && g.Nodes[i].ID == id {
			return i
		}
		return -1
	}
	c.indeg = resize(c.indeg, nodes)
	c.outStart = resize(c.outStart, nodes+1)
	c.from = resize(c.from, len(g.Conns))
	c.to = resize(c.to, len(g.Conns))
	clear(c.indeg)
	clear(c.outStart)
	for i := range g.Conns {
		cn := &g.Conns[i]
		if enabledOnly && !cn.Enabled {
			c.from[i], c.to[i] = -1, -1
			continue
		}
		f, t := lookup(cn.From), lookup(cn.To)
		if f < 0 || t < 0 {
			return fmt.Errorf("genome %d: connection %d joins %d->%d, and one end is not a node", g.ID, cn.Innov, cn.From, cn.To)
		}
		if k := g.Nodes[t].Kind; k == Input || k == Bias {
			return fmt.Errorf("genome %d: connection %d joins %d->%d, into an input or bias node", g.ID, cn.Innov, cn.From, cn.To)
		}
		c.from[i], c.to[i] = f, t
		c.indeg[t]++
		c.outStart[f+1]++
	}
	for j := 0; j < nodes; j++ {
		c.outStart[j+1] += c.outStart[j]
	}
	c.outConn = resize(c.outConn, int(c.outStart[nodes]))
	c.queue = resize(c.queue, nodes)
	copy(c.queue, c.outStart[:nodes])
	for i := range g.Conns {
		if f := c.from[i]; f >= 0 {
			c.outConn[c.queue[f]] = int32(i)
			c.queue[f]++
		}
	}
	// Network order starts with inputs, then bias nodes, then the rest; the
	// kinds are recorded in pos until kahn overwrites it.
	c.pos = resize(c.pos, nodes)
	for i := range g.Nodes {
		c.pos[i] = int32(g.Nodes[i].Kind)
	}
	return nil
}

// kahn orders the nodes topologically into c.order and c.pos and returns
// how many it placed. Input nodes come first, then bias nodes, then the
// others as they become ready, in node order. When breakCycles is set and
// every remaining node waits on a cycle, a node is placed next whose
// strongly connected component has no unplaced inputs from outside it: of
// those, the one with the fewest unplaced inputs (the lowest index among
// ties). Its waiting connections, which all come from its own component and
// so lie on cycles, become recurrent.
func (c *Compiler) kahn(breakCycles bool) int {
	nodes := len(c.indeg)
	if breakCycles {
		c.components()
	}
	c.order = c.order[:0]
	c.queue = c.queue[:0]
	for _, k := range [...]Kind{Input, Bias} {
		for i := 0; i < nodes; i++ {
			if Kind(c.pos[i]) == k {
				c.queue = append(c.queue, int32(i))
			}
		}
	}
	for i := 0; i < nodes; i++ {
		if k := Kind(c.pos[i]); k != Input && k != Bias && c.indeg[i] == 0 {
			c.queue = append(c.queue, int32(i))
		}
	}
	for i := range c.pos {
		c.pos[i] = -1
	}
	head := 0
	for {
		for head < len(c.queue) {
			n := c.queue[head]
			head++
			c.pos[n] = int32(len(c.order))
			c.order = append(c.order, n)
			for _, ci := range c.outConn[c.outStart[n]:c.outStart[n+1]] {
				t := c.to[ci]
				c.indeg[t]--
				if breakCycles && c.comp[n] != c.comp[t] {
					c.ext[c.comp[t]]--
				}
				if c.indeg[t] == 0 {
					c.queue = append(c.queue, t)
				}
			}
		}
		if len(c.order) == nodes || !breakCycles {
			return len(c.order)
		}
		best := int32(-1)
		for i := 0; i < nodes; i++ {
			if c.pos[i] < 0 && c.ext[c.comp[i]] == 0 && (best < 0 || c.indeg[i] < c.indeg[best]) {
				best = int32(i)
			}
		}
		c.indeg[best] = 0
		c.queue = append(c.queue, best)
	}
}

// components labels each node index with its strongly connected component
// in c.comp (Tarjan's algorithm, without recursion) and counts in c.ext the
// connections that enter each component from another.
func (c *Compiler) components() {
	nodes := len(c.indeg)
	c.comp = resize(c.comp, nodes)
	c.num = resize(c.num, nodes)
	c.low = resize(c.low, nodes)
	for i := range nodes {
		c.comp[i], c.num[i] = -1, -1
	}
	c.stack, c.calls = c.stack[:0], c.calls[:0]
	next, comps := int32(0), int32(0)
	visit := func(v int32) {
		c.num[v], c.low[v] = next, next
		next++
		c.stack = append(c.stack, v)
		c.calls = append(c.calls, [2]int32{v, c.outStart[v]})
	}
	for root := range int32(nodes) {
		if c.num[root] >= 0 {
			continue
		}
		visit(root)
		for len(c.calls) > 0 {
			top := &c.calls[len(c.calls)-1]
			v := top[0]
			if e := top[1]; e < c.outStart[v+1] {
				top[1]++
				w := c.to[c.outConn[e]]
				switch {
				case c.num[w] < 0:
					visit(w)
				case c.comp[w] < 0: // on the stack
					c.low[v] = min(c.low[v], c.num[w])
				}
				continue
			}
			c.calls = c.calls[:len(c.calls)-1]
			if len(c.calls) > 0 {
				u := c.calls[len(c.calls)-1][0]
				c.low[u] = min(c.low[u], c.low[v])
			}
			if c.low[v] == c.num[v] {
				for {
					w := c.stack[len(c.stack)-1]
					c.stack = c.stack[:len(c.stack)-1]
					c.comp[w] = comps
					if w == v {
						break
					}
				}
				comps++
			}
		}
	}
	c.ext = resize(c.ext, int(comps))
	clear(c.ext)
	for i := range c.to {
		if f, t := c.from[i], c.to[i]; t >= 0 && c.comp[f] != c.comp[t] {
			c.ext[c.comp[t]]++
		}
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
