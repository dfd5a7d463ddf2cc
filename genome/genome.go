package genome

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/neuroplast/neuroplast/internal/enum"
	"github.com/neuroplast/neuroplast/network"
)

// Kind says what role a node plays.
type Kind uint8

// The node kinds. Input and bias nodes have no incoming connections; a bias
// node always outputs 1.
const (
	Input Kind = iota
	Bias
	Hidden
	Output
)

var kindNames = [...]string{Input: "input", Bias: "bias", Hidden: "hidden", Output: "output"}

var kindEnum = enum.Names{Pkg: "genome", Noun: "node kind", Type: "Kind", List: kindNames[:]}

// String returns the kind's name, such as "hidden".
func (k Kind) String() string { return enum.String(k, &kindEnum) }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(k, &kindEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Kind](string(text), &kindEnum)
	if err == nil {
		*k = v
	}
	return err
}

// Node is a node gene.
type Node struct {
	ID   int                `json:"id"`
	Kind Kind               `json:"kind"`
	Act  network.Activation `json:"activation"`
	Bias float64            `json:"bias"`
	// Utility is the node's measured contribution (mean |activation| times
	// the sum of |outgoing weights|); Apoptosis removes the least useful
	// node when the genome carries utilities.
	Utility float64 `json:"utility,omitempty"`
	// Age counts the gradient steps since the node was (re)initialised,
	// and MeanAct is its running mean activation: continual backprop
	// (Dohare et al. 2024) replaces only mature nodes, and folds a
	// replaced node's mean contribution into the next layer's biases.
	Age     int     `json:"age,omitempty"`
	MeanAct float64 `json:"mean_activation,omitempty"`
}

// Conn is a connection gene. Innov is its historical marking: the same
// (From, To) pair always has the same innovation number within a run.
type Conn struct {
	Innov   int     `json:"innovation"`
	From    int     `json:"from"`
	To      int     `json:"to"`
	Weight  float64 `json:"weight"`
	Enabled bool    `json:"enabled"`
}

// Genome is one individual's genotype and its record.
type Genome struct {
	ID    int    `json:"id"`
	Nodes []Node `json:"nodes"`       // sorted by ID
	Conns []Conn `json:"connections"` // sorted by Innov

	Fitness float64 `json:"fitness"`
	Born    int     `json:"born"`    // generation of birth
	Parents [2]int  `json:"parents"` // parent genome IDs; -1 where there is none

	// Lineage counts: the dropin and apoptosis mutations along the line of
	// descent (through the fitter parent at each crossover), and the units
	// Lamarckian continual backprop replaced (one of each per unit).
	Dropins   int `json:"dropins"`
	Apoptoses int `json:"apoptoses"`

	// HasUtility reports that the nodes' Utility fields were measured.
	HasUtility bool `json:"has_utility,omitempty"`

	// Owed is the fraction of a continual-backprop replacement owed, in
	// [0, 1): training carries it from one generation's steps to the next,
	// as Dohare et al. (2024) accumulate the count over the whole run, so
	// that a small network at a low rate still replaces units.
	Owed float64 `json:"cbp_owed,omitempty"`
}

// MarshalJSON implements json.Marshaler. Nodes and connections are always
// lists, [] when there are none, never null: equal genomes encode to equal
// bytes, however their storage came about (New, Clone, CopyFrom, a
// checkpoint).
func (g Genome) MarshalJSON() ([]byte, error) {
	type plain Genome // the fields alone, without this method
	p := plain(g)
	if p.Nodes == nil {
		p.Nodes = []Node{}
	}
	if p.Conns == nil {
		p.Conns = []Conn{}
	}
	return json.Marshal(p)
}

// Layout describes the fixed nodes every genome of a run shares: its inputs,
// an optional bias input, and its outputs.
type Layout struct {
	Inputs    int
	Outputs   int
	Bias      bool
	OutputAct network.Activation
}

// NumFixed returns the number of input, bias and output nodes. Their IDs are
// 0 to NumFixed()-1: inputs first, then the bias node, then the outputs.
func (l Layout) NumFixed() int {
	n := l.Inputs + l.Outputs
	if l.Bias {
		n++
	}
	return n
}

// Nodes returns the layout's fixed node genes.
func (l Layout) Nodes() []Node {
	nodes := make([]Node, 0, l.NumFixed())
	for i := 0; i < l.Inputs; i++ {
		nodes = append(nodes, Node{ID: len(nodes), Kind: Input, Act: network.Identity})
	}
	if l.Bias {
		nodes = append(nodes, Node{ID: len(nodes), Kind: Bias, Act: network.Identity})
	}
	for i := 0; i < l.Outputs; i++ {
		nodes = append(nodes, Node{ID: len(nodes), Kind: Output, Act: l.OutputAct})
	}
	return nodes
}

// Clone returns a deep copy of g.
func (g *Genome) Clone() *Genome {
	c := *g
	c.Nodes = slices.Clone(g.Nodes)
	c.Conns = slices.Clone(g.Conns)
	return &c
}

// CopyFrom makes g a deep copy of src, reusing g's storage.
func (g *Genome) CopyFrom(src *Genome) {
	nodes, conns := g.Nodes[:0], g.Conns[:0]
	*g = *src
	g.Nodes = append(nodes, src.Nodes...)
	g.Conns = append(conns, src.Conns...)
}

// NodeIndex returns the index in g.Nodes of the node with the given ID, or
// -1 if there is none.
func (g *Genome) NodeIndex(id int) int {
	i, ok := slices.BinarySearchFunc(g.Nodes, id, func(n Node, id int) int { return n.ID - id })
	if !ok {
		return -1
	}
	return i
}

// ConnIndex returns the index in g.Conns of the connection with the given
// innovation number, or -1 if there is none.
func (g *Genome) ConnIndex(innov int) int {
	i, ok := slices.BinarySearchFunc(g.Conns, innov, func(c Conn, innov int) int { return c.Innov - innov })
	if !ok {
		return -1
	}
	return i
}

// InsertNode adds n, keeping g.Nodes sorted by ID. It panics if a node with
// that ID exists.
func (g *Genome) InsertNode(n Node) {
	i, ok := slices.BinarySearchFunc(g.Nodes, n.ID, func(m Node, id int) int { return m.ID - id })
	if ok {
		panic(fmt.Sprintf("genome: node %d already in genome %d", n.ID, g.ID))
	}
	g.Nodes = slices.Insert(g.Nodes, i, n)
}

// InsertConn adds c, keeping g.Conns sorted by innovation. It panics if a
// connection with that innovation exists.
func (g *Genome) InsertConn(c Conn) {
	i, ok := slices.BinarySearchFunc(g.Conns, c.Innov, func(d Conn, innov int) int { return d.Innov - innov })
	if ok {
		panic(fmt.Sprintf("genome: innovation %d already in genome %d", c.Innov, g.ID))
	}
	g.Conns = slices.Insert(g.Conns, i, c)
}

// HiddenCount returns the number of hidden nodes.
func (g *Genome) HiddenCount() int {
	n := 0
	for i := range g.Nodes {
		if g.Nodes[i].Kind == Hidden {
			n++
		}
	}
	return n
}

// EnabledCount returns the number of enabled connections.
func (g *Genome) EnabledCount() int {
	n := 0
	for i := range g.Conns {
		if g.Conns[i].Enabled {
			n++
		}
	}
	return n
}
