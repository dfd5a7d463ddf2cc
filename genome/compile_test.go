package genome_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
	"pgregory.net/rapid"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
)

// drawGenome draws a valid genome with a random layout, up to 8 hidden nodes
// with gaps in their IDs, random activations and biases on every hidden and
// output node, and a random set of connections whose innovation order is
// unrelated to the network's order. With feedForward set the connections
// (disabled ones included) follow a random topological ranking of the
// nodes; otherwise any pair may be joined, self-loops included.
func drawGenome(t *rapid.T, feedForward bool) *genome.Genome {
	l := genome.Layout{
		Inputs:    rapid.IntRange(1, 4).Draw(t, "inputs"),
		Outputs:   rapid.IntRange(1, 3).Draw(t, "outputs"),
		Bias:      rapid.Bool().Draw(t, "bias"),
		OutputAct: network.Sigmoid,
	}
	acts := rapid.SampledFrom(network.Activations())
	g := &genome.Genome{ID: rapid.IntRange(0, 999).Draw(t, "id"), Nodes: l.Nodes(), Parents: [2]int{-1, -1}}
	id := l.NumFixed()
	for range rapid.IntRange(0, 8).Draw(t, "hidden") {
		id += rapid.IntRange(0, 3).Draw(t, "gap")
		g.Nodes = append(g.Nodes, genome.Node{ID: id, Kind: genome.Hidden})
		id++
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.Kind == genome.Hidden || n.Kind == genome.Output {
			n.Act = acts.Draw(t, "act")
			n.Bias = rapid.Float64Range(-2, 2).Draw(t, "node bias")
		}
	}

	// rank orders the computed nodes for a feed-forward genome.
	var computed []int
	for i, n := range g.Nodes {
		if n.Kind == genome.Hidden || n.Kind == genome.Output {
			computed = append(computed, i)
		}
	}
	rank := make(map[int]int)
	for r, i := range rapid.Permutation(computed).Draw(t, "rank") {
		rank[i] = r
	}
	var pairs [][2]int
	for u := range g.Nodes {
		for _, v := range computed {
			if feedForward {
				if r, ok := rank[u]; ok && r >= rank[v] {
					continue
				}
			}
			if rapid.IntRange(0, 2).Draw(t, "connect") == 0 {
				pairs = append(pairs, [2]int{g.Nodes[u].ID, g.Nodes[v].ID})
			}
		}
	}
	innov := rapid.IntRange(0, 5).Draw(t, "first innovation")
	for _, p := range rapid.Permutation(pairs).Draw(t, "innovation order") {
		g.Conns = append(g.Conns, genome.Conn{
			Innov:   innov,
			From:    p[0],
			To:      p[1],
			Weight:  rapid.Float64Range(-3, 3).Draw(t, "weight"),
			Enabled: rapid.IntRange(0, 4).Draw(t, "enabled") > 0,
		})
		innov += rapid.IntRange(1, 3).Draw(t, "innovation gap")
	}
	if err := genome.Validate(g, feedForward); err != nil {
		t.Fatalf("drawGenome made an invalid genome: %v", err)
	}
	return g
}

// reference evaluates a feed-forward genome straight from its genes: each
// node is act(bias + sum of weight*value over its enabled incoming
// connections), computed recursively and memoised. It sums in innovation
// order, as the compiled network does.
func reference(g *genome.Genome, in []float64) []float64 {
	value := make(map[int]float64)
	var eval func(id int) float64
	eval = func(id int) float64 {
		if v, ok := value[id]; ok {
			return v
		}
		n := g.Nodes[g.NodeIndex(id)]
		var v float64
		switch n.Kind {
		case genome.Input:
			k := 0
			for _, m := range g.Nodes {
				if m.Kind == genome.Input && m.ID < id {
					k++
				}
			}
			v = in[k]
		case genome.Bias:
			v = 1
		default:
			sum := n.Bias
			for _, c := range g.Conns {
				if c.Enabled && c.To == id {
					sum += c.Weight * eval(c.From)
				}
			}
			v = n.Act.Apply(sum)
		}
		value[id] = v
		return v
	}
	var out []float64
	for _, n := range g.Nodes {
		if n.Kind == genome.Output {
			out = append(out, eval(n.ID))
		}
	}
	return out
}

func counts(g *genome.Genome) (inputs, outputs int) {
	for _, n := range g.Nodes {
		switch n.Kind {
		case genome.Input:
			inputs++
		case genome.Output:
			outputs++
		}
	}
	return inputs, outputs
}

// close reports whether got is within 1e-12 of want, relative to want's
// size where that exceeds 1.
func close(got, want float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= 1e-12*max(1, math.Abs(want))
}

func TestCompileMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := drawGenome(t, true)
		net, err := genome.Compile(g, true)
		if err != nil {
			t.Fatalf("Compile(feed-forward) = %v", err)
		}
		if err := net.Check(); err != nil {
			t.Fatalf("compiled network fails Check: %v", err)
		}
		if net.Recurrent {
			t.Fatalf("feed-forward network marked recurrent")
		}
		inputs, outputs := counts(g)
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 2))
		in, out := make([]float64, inputs), make([]float64, outputs)
		for range 5 {
			for i := range in {
				in[i] = rng.Float64()*4 - 2
			}
			net.Forward(in, out)
			want := reference(g, in)
			for k := range out {
				if !close(out[k], want[k]) {
					t.Fatalf("Forward(%v)[%d] = %v; reference gives %v", in, k, out[k], want[k])
				}
			}
		}
	})
}

// positions compiles a copy of g whose node biases are the nodes' indices,
// and returns the network position of each node of g, by index.
func positions(t *rapid.T, g *genome.Genome, feedForward bool) (pos []int, net *network.Network) {
	probe := g.Clone()
	for i := range probe.Nodes {
		probe.Nodes[i].Bias = float64(i)
	}
	net, err := genome.Compile(probe, feedForward)
	if err != nil {
		t.Fatalf("Compile(feedForward=%v) = %v", feedForward, err)
	}
	pos = make([]int, len(g.Nodes))
	for j, b := range net.Bias {
		pos[int(b)] = j
	}
	return pos, net
}

// checkWiring checks that net holds exactly g's enabled connections, each in
// its target's range in innovation order, that inputs and bias nodes come
// first in node order, and that the outputs are g's output nodes in order.
func checkWiring(t *rapid.T, g *genome.Genome, pos []int, net *network.Network) {
	inputs, _ := counts(g)
	next := 0
	for _, kind := range []genome.Kind{genome.Input, genome.Bias} {
		for i, n := range g.Nodes {
			if n.Kind == kind {
				if pos[i] != next {
					t.Fatalf("%s node %d at position %d; want %d", kind, n.ID, pos[i], next)
				}
				next++
			}
		}
	}
	if net.NumInputs != inputs || net.NumInputs+net.NumBias != next {
		t.Fatalf("network has %d inputs and %d bias nodes; want %d and %d", net.NumInputs, net.NumBias, inputs, next-inputs)
	}
	cursor := slices.Clone(net.Start)
	for _, c := range g.Conns {
		if !c.Enabled {
			continue
		}
		from, to := pos[g.NodeIndex(c.From)], pos[g.NodeIndex(c.To)]
		k := cursor[to]
		if k >= net.Start[to+1] || int(net.Src[k]) != from || net.W[k] != c.Weight {
			t.Fatalf("connection %d (%d->%d) not found in position %d's range at %d", c.Innov, c.From, c.To, to, k)
		}
		cursor[to]++
	}
	for j := range cursor[:len(cursor)-1] {
		if cursor[j] != net.Start[j+1] {
			t.Fatalf("position %d has %d connections; want %d", j, net.Start[j+1]-net.Start[j], cursor[j]-net.Start[j])
		}
	}
	var outputs []int32
	for i, n := range g.Nodes {
		if n.Kind == genome.Output {
			outputs = append(outputs, int32(pos[i]))
		}
	}
	if !slices.Equal(net.Outputs, outputs) {
		t.Fatalf("network outputs = %v; want %v", net.Outputs, outputs)
	}
}

func TestCompileTopologicalOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := drawGenome(t, true)
		pos, net := positions(t, g, true)
		checkWiring(t, g, pos, net)
		for _, c := range g.Conns {
			if !c.Enabled {
				continue
			}
			if from, to := pos[g.NodeIndex(c.From)], pos[g.NodeIndex(c.To)]; from >= to {
				t.Fatalf("connection %d (%d->%d) goes from position %d to %d; want a topological order", c.Innov, c.From, c.To, from, to)
			}
		}
	})
}

// enabledGraph returns the graph of g's enabled connections, without
// self-loops (gonum's simple graphs have none), and whether any enabled
// connection is a self-loop.
func enabledGraph(g *genome.Genome) (*simple.DirectedGraph, bool) {
	dg := simple.NewDirectedGraph()
	for _, n := range g.Nodes {
		dg.AddNode(simple.Node(n.ID))
	}
	selfLoop := false
	for _, c := range g.Conns {
		switch {
		case !c.Enabled:
		case c.From == c.To:
			selfLoop = true
		default:
			dg.SetEdge(dg.NewEdge(simple.Node(c.From), simple.Node(c.To)))
		}
	}
	return dg, selfLoop
}

// TestHasCycleMatchesGonum checks cycle detection over enabled connections
// against gonum's topological sort, which reports cycles as
// topo.Unorderable, and checks that Compile refuses exactly those genomes
// in feed-forward mode.
func TestHasCycleMatchesGonum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := drawGenome(t, rapid.Bool().Draw(t, "acyclic"))
		dg, selfLoop := enabledGraph(g)
		_, err := topo.SortStabilized(dg, nil)
		var unorderable topo.Unorderable
		if err != nil && !errors.As(err, &unorderable) {
			t.Fatalf("topo.SortStabilized = %v; want nil or topo.Unorderable", err)
		}
		want := err != nil || selfLoop
		if got := genome.HasCycle(g, true); got != want {
			t.Fatalf("HasCycle(g, true) = %v; want %v (gonum: %v, self-loop: %v)", got, want, err, selfLoop)
		}
		if _, err := genome.Compile(g, true); (err != nil) != want {
			t.Fatalf("Compile(g, feedForward) error = %v; want an error: %v", err, want)
		}
		if _, err := genome.Compile(g, false); err != nil {
			t.Fatalf("Compile(g, recurrent) = %v; want nil", err)
		}
	})
}

// TestCompileRecurrent checks that a recurrent compile delays only
// connections that lie on a cycle, and that Forward steps a recurrent
// network as its order says: a connection from an earlier position reads
// this step's value, any other the previous step's.
func TestCompileRecurrent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := drawGenome(t, false)
		pos, net := positions(t, g, false)
		checkWiring(t, g, pos, net)
		if err := net.Check(); err != nil {
			t.Fatalf("compiled network fails Check: %v", err)
		}
		dg, _ := enabledGraph(g)
		scc := make(map[int64]int)
		for k, comp := range topo.TarjanSCC(dg) {
			for _, n := range comp {
				scc[n.ID()] = k
			}
		}
		backward := false
		for _, c := range g.Conns {
			if !c.Enabled {
				continue
			}
			if pos[g.NodeIndex(c.From)] < pos[g.NodeIndex(c.To)] {
				continue
			}
			backward = true
			if c.From != c.To && scc[int64(c.From)] != scc[int64(c.To)] {
				t.Fatalf("connection %d (%d->%d) is recurrent (positions %d->%d) but lies on no cycle",
					c.Innov, c.From, c.To, pos[g.NodeIndex(c.From)], pos[g.NodeIndex(c.To)])
			}
		}
		if net.Recurrent != backward {
			t.Fatalf("network.Recurrent = %v; want %v", net.Recurrent, backward)
		}

		// Step reference, by node index.
		net, err := genome.Compile(g, false)
		if err != nil {
			t.Fatalf("Compile(g, recurrent) = %v", err)
		}
		inputs, outputs := counts(g)
		order := make([]int, len(g.Nodes))
		for i, p := range pos {
			order[p] = i
		}
		prev, cur := make([]float64, len(g.Nodes)), make([]float64, len(g.Nodes))
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 2))
		in, out := make([]float64, inputs), make([]float64, outputs)
		for step := range 4 {
			for i := range in {
				in[i] = rng.Float64()*4 - 2
			}
			k := 0
			for _, i := range order {
				n := g.Nodes[i]
				switch n.Kind {
				case genome.Input:
					cur[i] = in[k]
					k++
				case genome.Bias:
					cur[i] = 1
				default:
					sum := n.Bias
					for _, c := range g.Conns {
						if !c.Enabled || c.To != n.ID {
							continue
						}
						src := g.NodeIndex(c.From)
						if pos[src] < pos[i] {
							sum += c.Weight * cur[src]
						} else {
							sum += c.Weight * prev[src]
						}
					}
					cur[i] = n.Act.Apply(sum)
				}
			}
			net.Forward(in, out)
			k = 0
			for i, n := range g.Nodes {
				if n.Kind != genome.Output {
					continue
				}
				if !close(out[k], cur[i]) {
					t.Fatalf("step %d: Forward(%v)[%d] = %v; reference gives %v", step, in, k, out[k], cur[i])
				}
				k++
			}
			prev, cur = cur, prev
		}
	})
}

// TestCompileCycleBreaking pins down a genome in which connections that
// lead out of a cycle must not be delayed: 2<->3 is a cycle, fed by 0->2,
// and 2->4->1 leads out of it. Only 2->3 or 3->2 may read the previous
// step, so the first step's output is the input carried along 0->2->4->1.
func TestCompileCycleBreaking(t *testing.T) {
	l := genome.Layout{Inputs: 1, Outputs: 1, OutputAct: network.Identity}
	g := &genome.Genome{Nodes: l.Nodes()}
	for _, id := range []int{2, 3, 4} {
		g.InsertNode(genome.Node{ID: id, Kind: genome.Hidden, Act: network.Identity})
	}
	for i, c := range [][2]int{{0, 2}, {2, 3}, {3, 2}, {2, 4}, {4, 1}} {
		g.InsertConn(genome.Conn{Innov: i, From: c[0], To: c[1], Weight: 1, Enabled: true})
	}
	if err := genome.Validate(g, false); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	net, err := genome.Compile(g, false)
	if err != nil {
		t.Fatalf("Compile = %v", err)
	}
	out := make([]float64, 1)
	for step, want := range []float64{1, 2, 3} {
		net.Forward([]float64{1}, out)
		if out[0] != want {
			t.Errorf("step %d: Forward([1]) = %v; want %v", step, out[0], want)
		}
	}
}

// TestCompilerReuse compiles a run of genomes, feed-forward and recurrent,
// with one Compiler into one Network, as an evaluation worker does, and
// checks each result against a fresh Compile.
func TestCompilerReuse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c genome.Compiler
		var net network.Network
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 2))
		for range rapid.IntRange(1, 4).Draw(t, "genomes") {
			feedForward := rapid.Bool().Draw(t, "feedForward")
			g := drawGenome(t, feedForward)
			if err := c.Compile(g, feedForward, &net); err != nil {
				t.Fatalf("Compiler.Compile(g, %v) = %v", feedForward, err)
			}
			fresh, err := genome.Compile(g, feedForward)
			if err != nil {
				t.Fatalf("Compile(g, %v) = %v", feedForward, err)
			}
			if !slices.Equal(net.Start, fresh.Start) || !slices.Equal(net.Src, fresh.Src) ||
				!slices.Equal(net.W, fresh.W) || !slices.Equal(net.Act, fresh.Act) ||
				!slices.Equal(net.Bias, fresh.Bias) || !slices.Equal(net.Outputs, fresh.Outputs) ||
				net.NumInputs != fresh.NumInputs || net.NumBias != fresh.NumBias || net.Recurrent != fresh.Recurrent {
				t.Fatalf("reused Compiler built %+v; a fresh one %+v", net, *fresh)
			}
			inputs, outputs := counts(g)
			in, a, b := make([]float64, inputs), make([]float64, outputs), make([]float64, outputs)
			for range 3 {
				for i := range in {
					in[i] = rng.NormFloat64()
				}
				net.Forward(in, a)
				fresh.Forward(in, b)
				if !slices.Equal(a, b) {
					t.Fatalf("reused network's Forward(%v) = %v; fresh one's %v", in, a, b)
				}
			}
		}
	})
}

func TestCompilerAllocs(t *testing.T) {
	for _, feedForward := range []bool{true, false} {
		g := validGenome()
		if !feedForward {
			g.InsertConn(genome.Conn{Innov: 9, From: 3, To: 4, Weight: 1, Enabled: true})
			g.InsertConn(genome.Conn{Innov: 10, From: 4, To: 4, Weight: 1, Enabled: true})
		}
		var c genome.Compiler
		var net network.Network
		if err := c.Compile(g, feedForward, &net); err != nil {
			t.Fatalf("Compile(g, %v) = %v", feedForward, err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if err := c.Compile(g, feedForward, &net); err != nil {
				panic(err)
			}
		})
		if allocs != 0 {
			t.Errorf("Compiler.Compile(g, %v) with grown buffers: %v allocs; want 0", feedForward, allocs)
		}
	}
}

// TestCompileDangling checks that Compile reports a connection to a node
// the genome lacks, also with a Compiler that has compiled a larger genome.
func TestCompileDangling(t *testing.T) {
	big := validGenome()
	for id := 5; id < 40; id++ {
		big.InsertNode(genome.Node{ID: id, Kind: genome.Hidden})
	}
	small := validGenome()
	small.InsertNode(genome.Node{ID: 35, Kind: genome.Hidden})
	small.Conns[2].To = 30 // no node 30 in small
	small.Conns[1].From = 20
	for _, warm := range []bool{false, true} {
		var c genome.Compiler
		var net network.Network
		if warm {
			if err := c.Compile(big, true, &net); err != nil {
				t.Fatalf("Compile(big) = %v", err)
			}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Compile(genome with a dangling connection), warm=%v, panicked: %v", warm, r)
				}
			}()
			if err := c.Compile(small, true, &net); err == nil {
				t.Errorf("Compile(genome with a dangling connection), warm=%v = nil; want an error", warm)
			}
		}()
	}
}

// TestCompileRefusesMisuse checks that the invalid genomes a library user
// may hand Compile give errors, not panics: none at all, and one with a
// connection into an input node.
func TestCompileRefusesMisuse(t *testing.T) {
	if net, err := genome.Compile(nil, true); err == nil || net != nil {
		t.Errorf("Compile(nil) = %v, %v; want an error", net, err)
	}
	g := validGenome()
	g.Conns[0].To = g.Nodes[0].ID // into the first input
	for _, feedForward := range []bool{true, false} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Compile(connection into an input), feedForward=%v, panicked: %v", feedForward, r)
				}
			}()
			if _, err := genome.Compile(g, feedForward); err == nil || !strings.Contains(err.Error(), "into an input or bias node") {
				t.Errorf("Compile(connection into an input), feedForward=%v = %v; want an error saying so", feedForward, err)
			}
		}()
	}
}

// TestRecurrentMatchesNetwork checks Recurrent against the compiled
// network: a connection is recurrent exactly when it is enabled and its
// source is computed no earlier than its target, so the network reads it
// from the previous step; and the other enabled connections form no cycle.
func TestRecurrentMatchesNetwork(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := drawGenome(t, false)
		rec, err := genome.Recurrent(g)
		if err != nil {
			t.Fatal(err)
		}
		pos, _ := positions(t, g, false)
		acyclic := &genome.Genome{ID: g.ID, Nodes: g.Nodes}
		for i, c := range g.Conns {
			want := c.Enabled && pos[g.NodeIndex(c.From)] >= pos[g.NodeIndex(c.To)]
			if rec[i] != want {
				t.Fatalf("connection %d (%d->%d, enabled %v): Recurrent %v; read from the previous step: %v", c.Innov, c.From, c.To, c.Enabled, rec[i], want)
			}
			if c.Enabled && !rec[i] {
				acyclic.Conns = append(acyclic.Conns, c)
			}
		}
		if genome.HasCycle(acyclic, true) {
			t.Fatalf("the connections Recurrent leaves out still form a cycle")
		}
	})
}
