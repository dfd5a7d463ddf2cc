// Package network holds compiled phenotypes: neural networks stored as flat
// slices in topological order, so that a forward pass is one linear sweep over
// the connections with no maps, pointers or allocation.
//
// A Network is built by genome.Compile (or by hand through its exported
// fields) and is owned by one goroutine at a time: it carries its own node
// state, which doubles as the persistent state of recurrent networks.
package network
