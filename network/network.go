package network

import (
	"fmt"
	"slices"
)

// Network is a compiled neural network. Nodes are numbered so that the
// inputs come first, then the constant bias nodes, then every other node in
// evaluation order. The connections into node j are the half-open range
// [Start[j], Start[j+1]) of Src and W, so a pass over the nodes visits each
// connection exactly once, in order.
//
// A feed-forward network's evaluation order is topological, so every source
// precedes its target. In a recurrent network some connections point
// backwards (or to their own node); they read the source's value from the
// previous Step, which is how the network keeps state between calls.
type Network struct {
	NumInputs int // nodes [0, NumInputs) take the input vector
	NumBias   int // nodes [NumInputs, NumInputs+NumBias) always output 1

	Act   []Activation // per node; ignored for input and bias nodes
	Bias  []float64    // per node; ignored for input and bias nodes
	Start []int32      // len(Act)+1 offsets into Src and W
	Src   []int32      // source node of each connection
	W     []float64    // weight of each connection

	Outputs []int32 // the output nodes, in output order

	// Recurrent reports that some connection reads a value from the previous
	// step. Feed-forward networks ignore the state left by earlier calls.
	Recurrent bool

	// Synchronous makes Forward update every node from the previous step's
	// values, as the NEAT code activates its networks: only the inputs are
	// this step's, so each hidden neuron on a path delays its signal by one
	// step, and a network keeps state even without recurrent connections.
	// The first Forward after Reset repeats the update until every output
	// has been reached from the inputs; until a node is reached it stays
	// at 0. Nodes are still stored in evaluation order (see Check). One
	// difference from the NEAT code remains: there, a node is reached in
	// the same update as a node before it in the genome (its active flags
	// change in place), here only in the update after, so a hidden neuron
	// fed only by the output starts a step later (docs/neat-reference).
	Synchronous bool

	state []float64
	// Synchronous only: the values being computed, whether Forward has
	// run since Reset, and for each node 1 if it has been reached from
	// the inputs (2 while newly reached within a step), else 0.
	next    []float64
	primed  bool
	reached []uint8
}

// Stateful reports whether Forward's result depends on earlier calls since
// the last Reset: the network is recurrent or synchronous.
func (n *Network) Stateful() bool { return n.Recurrent || n.Synchronous }

// Size returns the number of nodes.
func (n *Network) Size() int { return len(n.Act) }

// Check reports whether the network's slices are consistent: it returns an
// error describing the first problem found, or nil.
func (n *Network) Check() error {
	nodes := len(n.Act)
	first := n.NumInputs + n.NumBias
	switch {
	case n.NumInputs < 0 || n.NumBias < 0 || first > nodes:
		return fmt.Errorf("network: %d inputs and %d bias nodes do not fit in %d nodes", n.NumInputs, n.NumBias, nodes)
	case len(n.Bias) != nodes:
		return fmt.Errorf("network: %d biases for %d nodes", len(n.Bias), nodes)
	case len(n.Start) != nodes+1:
		return fmt.Errorf("network: %d connection offsets for %d nodes, want %d", len(n.Start), nodes, nodes+1)
	case len(n.Src) != len(n.W):
		return fmt.Errorf("network: %d sources but %d weights", len(n.Src), len(n.W))
	case n.Start[0] != 0 || int(n.Start[nodes]) != len(n.Src):
		return fmt.Errorf("network: connection offsets span [%d, %d), want [0, %d)", n.Start[0], n.Start[nodes], len(n.Src))
	}
	for j := 0; j < nodes; j++ {
		if n.Start[j] > n.Start[j+1] {
			return fmt.Errorf("network: connection offsets decrease at node %d", j)
		}
		if j < first && n.Start[j] != n.Start[j+1] {
			return fmt.Errorf("network: input or bias node %d has incoming connections", j)
		}
		if n.Act[j] >= numActivations {
			return fmt.Errorf("network: node %d has invalid activation %d", j, n.Act[j])
		}
		for c := n.Start[j]; c < n.Start[j+1]; c++ {
			s := int(n.Src[c])
			if s < 0 || s >= nodes {
				return fmt.Errorf("network: connection %d into node %d has source %d out of range [0, %d)", c, j, s, nodes)
			}
			if s >= j && !n.Recurrent {
				return fmt.Errorf("network: connection %d from node %d to node %d points backwards in a feed-forward network", c, s, j)
			}
		}
	}
	for i, o := range n.Outputs {
		if int(o) < first || int(o) >= nodes {
			return fmt.Errorf("network: output %d is node %d, want a computed node in [%d, %d)", i, o, first, nodes)
		}
		// Backward seeds each node's gradient from one output position.
		if k := slices.Index(n.Outputs[:i], o); k >= 0 {
			return fmt.Errorf("network: outputs %d and %d are both node %d, want each node once", k, i, o)
		}
	}
	return nil
}

// Reset clears the state of a recurrent or synchronous network, as at the
// start of an episode. It also sizes the state buffer after the slices have changed, so
// call it after building or recompiling a network.
func (n *Network) Reset() {
	size := len(n.Act)
	if cap(n.state) < size {
		n.state = make([]float64, size)
	}
	n.state = n.state[:size]
	clear(n.state)
	for j := n.NumInputs; j < n.NumInputs+n.NumBias; j++ {
		n.state[j] = 1
	}
	if !n.Synchronous {
		return
	}
	n.primed = false
	if cap(n.next) < size {
		n.next, n.reached = make([]float64, size), make([]uint8, size)
	}
	n.next, n.reached = n.next[:size], n.reached[:size]
	for j := range n.reached {
		n.reached[j] = 0
		if j < n.NumInputs+n.NumBias {
			n.reached[j] = 1
		}
	}
}

// Forward sets the inputs, activates every node once in evaluation order and
// writes the outputs to out. For a recurrent network this is one time step:
// backward connections read the values of the previous call. A Synchronous
// network instead updates every node from the previous call's values (see
// Synchronous). Forward does not allocate once the network has been Reset.
//
// It panics if len(in) != NumInputs or len(out) != len(Outputs).
func (n *Network) Forward(in, out []float64) {
	if len(in) != n.NumInputs {
		panic(fmt.Sprintf("network: %d inputs, want %d", len(in), n.NumInputs))
	}
	if len(out) != len(n.Outputs) {
		panic(fmt.Sprintf("network: room for %d outputs, want %d", len(out), len(n.Outputs)))
	}
	if len(n.state) != len(n.Act) || n.Synchronous && len(n.next) != len(n.Act) {
		n.Reset()
	}
	if n.Synchronous {
		n.forwardSync(in, out)
		return
	}
	s := n.state
	copy(s, in)
	start, src, w := n.Start, n.Src, n.W
	for j := n.NumInputs + n.NumBias; j < len(s); j++ {
		sum := n.Bias[j]
		for c := start[j]; c < start[j+1]; c++ {
			sum += w[c] * s[src[c]]
		}
		s[j] = n.Act[j].Apply(sum)
	}
	for i, o := range n.Outputs {
		out[i] = s[o]
	}
}

// forwardSync is Forward for a Synchronous network.
func (n *Network) forwardSync(in, out []float64) {
	copy(n.state, in)
	if !n.primed {
		// Like the NEAT code's first activation after a flush: repeat
		// the update on the same inputs until every output is reached.
		n.primed = true
		for n.step() && !n.outputsReached() {
		}
	} else {
		n.step()
	}
	for i, o := range n.Outputs {
		out[i] = n.state[o]
	}
}

// step is one synchronous update: every node fed by a node reached before
// the step is reached too, and every reached node takes its value from the
// state before the step. It reports whether the reached set grew.
func (n *Network) step() bool {
	s, next, reached := n.state, n.next, n.reached
	start, src, w := n.Start, n.Src, n.W
	first := n.NumInputs + n.NumBias
	grew := false
	for j := first; j < len(s); j++ {
		if reached[j] == 0 {
			// Reached now if a source was reached before this step;
			// otherwise it stays at 0.
			for c := start[j]; c < start[j+1]; c++ {
				if reached[src[c]] == 1 {
					reached[j], grew = 2, true
					break
				}
			}
			if reached[j] == 0 {
				next[j] = s[j]
				continue
			}
		}
		sum := n.Bias[j]
		for c := start[j]; c < start[j+1]; c++ {
			sum += w[c] * s[src[c]]
		}
		next[j] = n.Act[j].Apply(sum)
	}
	copy(s[first:], next[first:])
	if grew {
		for j, r := range reached {
			if r == 2 {
				reached[j] = 1
			}
		}
	}
	return grew
}

// outputsReached reports whether every output node has been computed.
func (n *Network) outputsReached() bool {
	for _, o := range n.Outputs {
		if n.reached[o] != 1 {
			return false
		}
	}
	return true
}

// State returns the node values left by the last Forward, indexed like Act.
// The slice is the network's own: it is valid until the next call.
func (n *Network) State() []float64 { return n.state }
