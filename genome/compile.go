package genome

import (
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
}

// Compile returns g's network: enabled connections only, nodes in
// topological order. With feedForward set, a cycle is an error; otherwise
// the fewest possible connections become recurrent, read from the previous
// step. g must be valid (see Validate).
func Compile(g *Genome, feedForward bool) (*network.Network, error) {
	var c Compiler
	net := new(network.Network)
	if err := c.Compile(g, feedForward, net); err != nil {
		return nil, err
	}
	return net, nil
}

// Compile builds g's network into net, reusing net's storage. See the
// package-level Compile.
func (c *Compiler) Compile(g *Genome, feedForward bool, net *network.Network) error {
	c.graph(g, true)
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
	for i := range g.Conns {
		if c.to[i] < 0 {
			continue
		}
		src, tgt := c.pos[c.from[i]], c.pos[c.to[i]]
		k := c.queue[tgt]
		c.queue[tgt]++
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

// graph fills the node-index views of g's connections and the outgoing CSR.
func (c *Compiler) graph(g *Genome, enabledOnly bool) {
	nodes := len(g.Nodes)
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
		f, t := int32(g.NodeIndex(cn.From)), int32(g.NodeIndex(cn.To))
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
}

// kahn orders the nodes topologically into c.order and c.pos and returns
// how many it placed. Input nodes come first, then bias nodes, then the
// others as they become ready, in node order. When breakCycles is set and
// every remaining node waits on a cycle, the remaining node with the fewest
// unplaced inputs is placed next, so its waiting connections become
// recurrent.
func (c *Compiler) kahn(breakCycles bool) int {
	nodes := len(c.indeg)
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
			if c.pos[i] < 0 && (best < 0 || c.indeg[i] < c.indeg[best]) {
				best = int32(i)
			}
		}
		c.indeg[best] = 0
		c.queue = append(c.queue, best)
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
