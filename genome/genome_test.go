package genome_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
)

func TestKindText(t *testing.T) {
	for _, k := range []genome.Kind{genome.Input, genome.Bias, genome.Hidden, genome.Output} {
		text, err := k.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText() = %v", k, err)
		}
		var got genome.Kind
		if err := got.UnmarshalText(text); err != nil || got != k {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, got, err, k)
		}
	}
	if _, err := genome.Kind(9).MarshalText(); err == nil {
		t.Errorf("Kind(9).MarshalText() = nil error; want one")
	}
	var k genome.Kind
	err := k.UnmarshalText([]byte("neuron"))
	if err == nil || !strings.Contains(err.Error(), `"neuron"`) || !strings.Contains(err.Error(), "input, bias, hidden, output") {
		t.Errorf("UnmarshalText(neuron) = %v; want an error naming the value and the allowed kinds", err)
	}
}

func TestGenomeJSONRoundTrip(t *testing.T) {
	g := validGenome()
	g.Fitness, g.Born, g.Dropins, g.Apoptoses = 3.5, 4, 2, 1
	g.HasUtility = true
	g.Nodes[4].Utility = 0.25
	data, err := json.Marshal(g)
	if err != nil {
		t.Fatalf("json.Marshal = %v", err)
	}
	var back genome.Genome
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("json.Unmarshal = %v", err)
	}
	if !reflect.DeepEqual(&back, g) {
		t.Errorf("JSON round trip = %+v; want %+v", back, *g)
	}
	if !strings.Contains(string(data), `"activation":"tanh"`) || !strings.Contains(string(data), `"kind":"hidden"`) {
		t.Errorf("JSON %s; want kinds and activations by name", data)
	}
}

// TestGenomeJSONCanonical checks that a genome's JSON does not depend on
// whether its empty lists are nil: a genome without connections copied
// into reused storage (as a resumed run's genomes are) encodes as the
// original does, with "connections":[].
func TestGenomeJSONCanonical(t *testing.T) {
	l := genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}
	g := genome.New(3, l, genome.NewTracker(l), false, nil)
	g.Conns = []genome.Conn{}
	reused := &genome.Genome{}
	reused.CopyFrom(g) // appends nothing to nil storage: Conns is nil
	want, err := json.Marshal(g)
	if err != nil {
		t.Fatalf("json.Marshal = %v", err)
	}
	if !strings.Contains(string(want), `"connections":[]`) {
		t.Errorf("JSON %s; want \"connections\":[]", want)
	}
	for _, c := range []struct {
		name string
		v    any
	}{{"nil lists", &genome.Genome{ID: 3, Nodes: g.Nodes, Parents: g.Parents}}, {"CopyFrom", reused}, {"value", *reused}} {
		got, err := json.Marshal(c.v)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: json.Marshal = %s, %v; want %s", c.name, got, err, want)
		}
	}
	none, err := json.Marshal(&genome.Genome{})
	if err != nil || !strings.Contains(string(none), `"nodes":[],"connections":[]`) {
		t.Errorf("json.Marshal(empty genome) = %s, %v; want \"nodes\":[],\"connections\":[]", none, err)
	}
}

func TestCloneAndCopyFrom(t *testing.T) {
	g := validGenome()
	c := g.Clone()
	if !reflect.DeepEqual(c, g) {
		t.Fatalf("Clone() = %+v; want %+v", c, g)
	}
	c.Nodes[0].Bias, c.Conns[0].Weight = 9, 9
	if g.Nodes[0].Bias == 9 || g.Conns[0].Weight == 9 {
		t.Errorf("changing a clone changed the original")
	}

	dst := &genome.Genome{Nodes: make([]genome.Node, 0, 16), Conns: make([]genome.Conn, 0, 16)}
	nodes := dst.Nodes[:1]
	dst.CopyFrom(g)
	if !reflect.DeepEqual(dst, g) {
		t.Fatalf("CopyFrom: %+v; want %+v", dst, g)
	}
	if &dst.Nodes[0] != &nodes[0] {
		t.Errorf("CopyFrom did not reuse the destination's storage")
	}
	dst.Conns[1].Weight = 9
	if g.Conns[1].Weight == 9 {
		t.Errorf("changing a copy changed the original")
	}
}

func TestInsertAndIndex(t *testing.T) {
	g := validGenome()
	g.InsertNode(genome.Node{ID: 9, Kind: genome.Hidden, Act: network.ReLU})
	g.InsertNode(genome.Node{ID: 6, Kind: genome.Hidden, Act: network.ReLU})
	g.InsertConn(genome.Conn{Innov: 3, From: 0, To: 6, Enabled: true})
	g.InsertConn(genome.Conn{Innov: 8, From: 6, To: 9})
	if err := genome.Validate(g, true); err != nil {
		t.Fatalf("Validate after inserts = %v", err)
	}
	tests := []struct {
		id, node, innov, conn int
	}{
		{0, 0, 0, 0}, {4, 4, 3, 3}, {6, 5, 5, 4}, {9, 6, 8, 5}, {5, -1, 4, -1}, {10, -1, 9, -1},
	}
	for _, tt := range tests {
		if got := g.NodeIndex(tt.id); got != tt.node {
			t.Errorf("NodeIndex(%d) = %d; want %d", tt.id, got, tt.node)
		}
		if got := g.ConnIndex(tt.innov); got != tt.conn {
			t.Errorf("ConnIndex(%d) = %d; want %d", tt.innov, got, tt.conn)
		}
	}
	if got := g.HiddenCount(); got != 3 {
		t.Errorf("HiddenCount() = %d; want 3", got)
	}
	if got := g.EnabledCount(); got != 4 {
		t.Errorf("EnabledCount() = %d; want 4", got)
	}

	for name, insert := range map[string]func(){
		"InsertNode": func() { g.InsertNode(genome.Node{ID: 6}) },
		"InsertConn": func() { g.InsertConn(genome.Conn{Innov: 8}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s of an existing gene did not panic", name)
				}
			}()
			insert()
		}()
	}
}
