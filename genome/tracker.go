package genome

import (
	"cmp"
	"fmt"
	"slices"
)

// Tracker hands out node IDs and innovation numbers so that crossover can
// line genes up by history (NEAT). A connection between the same two nodes
// gets the same innovation number for the whole run, so matching genes
// always join the same nodes. Within one generation, the same structural
// mutation (splitting the same connection, inserting a neuron between the
// same two nodes) gets the same new node ID in every genome that makes it.
//
// A Tracker is used by one goroutine at a time; reproduction runs in a fixed
// order so that the numbers it hands out are deterministic.
type Tracker struct {
	nextNode  int
	nextInnov int
	innov     map[[2]int]int // (from, to) -> innovation, for the whole run
	splits    map[int]int    // split innovation -> new node, this generation
	inserts   map[[2]int]int // (from, to) -> inserted node, this generation
}

// NewTracker returns a tracker whose first new node follows the layout's
// fixed nodes.
func NewTracker(l Layout) *Tracker {
	return &Tracker{
		nextNode: l.NumFixed(),
		innov:    make(map[[2]int]int),
		splits:   make(map[int]int),
		inserts:  make(map[[2]int]int),
	}
}

// Innovation returns the innovation number of a connection from -> to,
// assigning the next one if the pair is new.
func (t *Tracker) Innovation(from, to int) int {
	key := [2]int{from, to}
	if n, ok := t.innov[key]; ok {
		return n
	}
	n := t.nextInnov
	t.nextInnov++
	t.innov[key] = n
	return n
}

// SplitNode returns the ID of the node that splits the connection with the
// given innovation number, the same for every genome this generation.
// A genome that already has that node (it split the connection before and
// the connection was re-enabled) must ask for a FreshNode instead.
func (t *Tracker) SplitNode(innov int) int {
	if n, ok := t.splits[innov]; ok {
		return n
	}
	n := t.FreshNode()
	t.splits[innov] = n
	return n
}

// InsertNode returns the ID of a node inserted between from and to, the same
// for every genome this generation.
func (t *Tracker) InsertNode(from, to int) int {
	key := [2]int{from, to}
	if n, ok := t.inserts[key]; ok {
		return n
	}
	n := t.FreshNode()
	t.inserts[key] = n
	return n
}

// FreshNode returns a node ID never handed out before.
func (t *Tracker) FreshNode() int {
	n := t.nextNode
	t.nextNode++
	return n
}

// NextGeneration forgets this generation's structural mutations, so that
// the next generation's splits and insertions get new node IDs.
func (t *Tracker) NextGeneration() {
	clear(t.splits)
	clear(t.inserts)
}

// TrackerState is a Tracker's complete state between generations, in a form
// that encodes to JSON and back.
type TrackerState struct {
	NextNode    int      `json:"next_node"`
	NextInnov   int      `json:"next_innovation"`
	Innovations [][3]int `json:"innovations"` // (from, to, innovation), sorted by innovation
}

// State returns the tracker's state. It must be taken between generations,
// when no structural mutation of the current generation is remembered.
func (t *Tracker) State() TrackerState {
	s := TrackerState{NextNode: t.nextNode, NextInnov: t.nextInnov, Innovations: make([][3]int, 0, len(t.innov))}
	for k, v := range t.innov {
		s.Innovations = append(s.Innovations, [3]int{k[0], k[1], v})
	}
	slices.SortFunc(s.Innovations, func(a, b [3]int) int { return cmp.Compare(a[2], b[2]) })
	return s
}

// RestoreTracker rebuilds a tracker from its state, after checking that
// every connection's nodes are below NextNode and its innovation number
// below NextInnov, and that no connection and no innovation number is
// listed twice: one innovation for two connections would later give a
// genome two genes of one innovation number.
func RestoreTracker(s TrackerState) (*Tracker, error) {
	t := &Tracker{
		nextNode:  s.NextNode,
		nextInnov: s.NextInnov,
		innov:     make(map[[2]int]int, len(s.Innovations)),
		splits:    make(map[int]int),
		inserts:   make(map[[2]int]int),
	}
	pairs := make(map[int][2]int, len(s.Innovations)) // innovation -> connection
	for _, e := range s.Innovations {
		if e[2] < 0 || e[2] >= s.NextInnov {
			return nil, fmt.Errorf("genome: tracker innovation %d outside [0, %d)", e[2], s.NextInnov)
		}
		if min(e[0], e[1]) < 0 || max(e[0], e[1]) >= s.NextNode {
			return nil, fmt.Errorf("genome: tracker connection %d->%d has a node outside [0, %d)", e[0], e[1], s.NextNode)
		}
		key := [2]int{e[0], e[1]}
		if _, dup := t.innov[key]; dup {
			return nil, fmt.Errorf("genome: tracker lists connection %d->%d twice", e[0], e[1])
		}
		if p, dup := pairs[e[2]]; dup {
			return nil, fmt.Errorf("genome: tracker gives innovation %d to connections %d->%d and %d->%d", e[2], p[0], p[1], e[0], e[1])
		}
		t.innov[key] = e[2]
		pairs[e[2]] = key
	}
	return t, nil
}

// New returns a genome with the layout's fixed nodes and, when connect is
// true, a connection from every input and bias node to every output, with
// weights drawn from weight.
func New(id int, l Layout, t *Tracker, connect bool, weight func() float64) *Genome {
	g := &Genome{ID: id, Nodes: l.Nodes(), Parents: [2]int{-1, -1}}
	if !connect {
		return g
	}
	sources := l.Inputs
	if l.Bias {
		sources++
	}
	g.Conns = make([]Conn, 0, sources*l.Outputs)
	for s := 0; s < sources; s++ {
		for o := 0; o < l.Outputs; o++ {
			to := sources + o
			g.Conns = append(g.Conns, Conn{Innov: t.Innovation(s, to), From: s, To: to, Weight: weight(), Enabled: true})
		}
	}
	slices.SortFunc(g.Conns, func(a, b Conn) int { return cmp.Compare(a.Innov, b.Innov) })
	return g
}
