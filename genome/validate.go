package genome

import (
	"fmt"

	"github.com/neuroplast/neuroplast/network"
)

// Validate reports the first structural problem in g, or nil: nodes out of
// order or duplicated, unknown kinds or activations, connections out of
// innovation order, duplicated, dangling, or into an input or bias node,
// and, when feedForward is set, any cycle (disabled connections included,
// since enabling one must not create a cycle).
func Validate(g *Genome, feedForward bool) error {
	outputs := 0
	for i, n := range g.Nodes {
		if i > 0 && n.ID <= g.Nodes[i-1].ID {
			return fmt.Errorf("genome %d: node %d follows node %d; nodes must be sorted by unique ID", g.ID, n.ID, g.Nodes[i-1].ID)
		}
		if n.Kind > Output {
			return fmt.Errorf("genome %d: node %d has invalid kind %d", g.ID, n.ID, n.Kind)
		}
		if _, err := network.ParseActivation(n.Act.String()); err != nil {
			return fmt.Errorf("genome %d: node %d: %v", g.ID, n.ID, err)
		}
		if n.Kind == Output {
			outputs++
		}
	}
	if outputs == 0 {
		return fmt.Errorf("genome %d: no output node", g.ID)
	}
	pairs := make(map[[2]int]int, len(g.Conns))
	for i, c := range g.Conns {
		if i > 0 && c.Innov <= g.Conns[i-1].Innov {
			return fmt.Errorf("genome %d: innovation %d follows %d; connections must be sorted by unique innovation", g.ID, c.Innov, g.Conns[i-1].Innov)
		}
		if g.NodeIndex(c.From) < 0 {
			return fmt.Errorf("genome %d: connection %d comes from missing node %d", g.ID, c.Innov, c.From)
		}
		to := g.NodeIndex(c.To)
		if to < 0 {
			return fmt.Errorf("genome %d: connection %d goes to missing node %d", g.ID, c.Innov, c.To)
		}
		if k := g.Nodes[to].Kind; k == Input || k == Bias {
			return fmt.Errorf("genome %d: connection %d goes into %s node %d", g.ID, c.Innov, k, c.To)
		}
		key := [2]int{c.From, c.To}
		if other, dup := pairs[key]; dup {
			return fmt.Errorf("genome %d: connections %d and %d both join %d->%d", g.ID, other, c.Innov, c.From, c.To)
		}
		pairs[key] = c.Innov
	}
	if feedForward && HasCycle(g, false) {
		return fmt.Errorf("genome %d: connections form a cycle in a feed-forward run", g.ID)
	}
	return nil
}

// HasCycle reports whether g's connections form a directed cycle. With
// enabledOnly set, disabled connections are ignored. g's connections must
// join nodes of g (HasCycle reports false otherwise; Validate checks it).
func HasCycle(g *Genome, enabledOnly bool) bool {
	var c Compiler
	if err := c.graph(g, enabledOnly); err != nil {
		return false
	}
	return c.kahn(false) < len(g.Nodes)
}

// Creates reports whether adding a connection from -> to would close a
// directed cycle over g's connections (disabled ones included): that is,
// whether to reaches from already, or from == to.
func Creates(g *Genome, from, to int) bool {
	if from == to {
		return true
	}
	// Depth-first search from `to` along outgoing connections, marking
	// visited nodes by index.
	seen := make([]bool, len(g.Nodes))
	stack := []int{to}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for i := range g.Conns {
			c := &g.Conns[i]
			if c.From != n {
				continue
			}
			if c.To == from {
				return true
			}
			if k := g.NodeIndex(c.To); k >= 0 && !seen[k] {
				seen[k] = true
				stack = append(stack, c.To)
			}
		}
	}
	return false
}
