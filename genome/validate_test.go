package genome_test

import (
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
)

// validGenome returns a small valid feed-forward genome: inputs 0 and 1, bias
// 2, output 3, hidden 4, with 0->4, 1->4, 4->3, 2->3 (disabled).
func validGenome() *genome.Genome {
	l := genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}
	g := &genome.Genome{ID: 7, Nodes: l.Nodes(), Parents: [2]int{-1, -1}}
	g.Nodes = append(g.Nodes, genome.Node{ID: 4, Kind: genome.Hidden, Act: network.Tanh})
	g.Conns = []genome.Conn{
		{Innov: 0, From: 0, To: 4, Weight: 1, Enabled: true},
		{Innov: 1, From: 1, To: 4, Weight: -1, Enabled: true},
		{Innov: 2, From: 4, To: 3, Weight: 2, Enabled: true},
		{Innov: 5, From: 2, To: 3, Weight: 0.5, Enabled: false},
	}
	return g
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(g *genome.Genome)
		feedForward bool
		want        string // a fragment of the error; empty for nil
	}{
		{"valid feed-forward", func(*genome.Genome) {}, true, ""},
		{"valid recurrent", func(*genome.Genome) {}, false, ""},
		{"unsorted nodes", func(g *genome.Genome) {
			g.Nodes[3], g.Nodes[4] = g.Nodes[4], g.Nodes[3]
		}, true, "node 3 follows node 4; nodes must be sorted by unique ID"},
		{"duplicate node", func(g *genome.Genome) {
			g.Nodes[4].ID = 3
		}, true, "node 3 follows node 3; nodes must be sorted by unique ID"},
		{"invalid kind", func(g *genome.Genome) {
			g.Nodes[4].Kind = 9
		}, true, "node 4 has invalid kind 9"},
		{"invalid activation", func(g *genome.Genome) {
			g.Nodes[4].Act = 99
		}, true, "node 4: network: unknown activation"},
		{"duplicate innovation", func(g *genome.Genome) {
			g.Conns[3].Innov = 2
		}, true, "innovation 2 follows 2; connections must be sorted by unique innovation"},
		{"unsorted innovations", func(g *genome.Genome) {
			g.Conns[1].Innov = 3
		}, true, "innovation 2 follows 3"},
		{"dangling source", func(g *genome.Genome) {
			g.Conns[1].From = 9
		}, true, "connection 1 comes from missing node 9"},
		{"dangling target", func(g *genome.Genome) {
			g.Conns[2].To = 8
		}, true, "connection 2 goes to missing node 8"},
		{"into input", func(g *genome.Genome) {
			g.Conns[2].To = 1
		}, true, "connection 2 goes into input node 1"},
		{"into bias", func(g *genome.Genome) {
			g.Conns[2].To = 2
		}, true, "connection 2 goes into bias node 2"},
		{"duplicate pair", func(g *genome.Genome) {
			g.Conns[3].From = 4
		}, true, "connections 2 and 5 both join 4->3"},
		{"cycle in feed-forward", func(g *genome.Genome) {
			g.InsertConn(genome.Conn{Innov: 9, From: 3, To: 4, Weight: 1, Enabled: true})
		}, true, "connections form a cycle in a feed-forward run"},
		{"cycle through a disabled connection", func(g *genome.Genome) {
			g.InsertConn(genome.Conn{Innov: 9, From: 3, To: 4, Weight: 1, Enabled: false})
		}, true, "connections form a cycle in a feed-forward run"},
		{"self-loop in feed-forward", func(g *genome.Genome) {
			g.InsertConn(genome.Conn{Innov: 9, From: 4, To: 4, Weight: 1, Enabled: true})
		}, true, "cycle"},
		{"cycle in recurrent", func(g *genome.Genome) {
			g.InsertConn(genome.Conn{Innov: 9, From: 3, To: 4, Weight: 1, Enabled: true})
			g.InsertConn(genome.Conn{Innov: 10, From: 4, To: 4, Weight: 1, Enabled: true})
		}, false, ""},
		{"no output", func(g *genome.Genome) {
			g.Nodes[3].Kind = genome.Hidden
		}, true, "no output node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := validGenome()
			tt.edit(g)
			err := genome.Validate(g, tt.feedForward)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate(g, %v) = %v; want nil", tt.feedForward, err)
			case tt.want != "" && err == nil:
				t.Errorf("Validate(g, %v) = nil; want an error containing %q", tt.feedForward, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Validate(g, %v) = %q; want it to contain %q", tt.feedForward, err, tt.want)
			case err != nil && !strings.HasPrefix(err.Error(), "genome 7: "):
				t.Errorf("Validate(g, %v) = %q; want it to name genome 7", tt.feedForward, err)
			}
		})
	}
}

func TestCreates(t *testing.T) {
	g := validGenome() // 0->4, 1->4, 4->3, and 2->3 disabled
	tests := []struct {
		from, to int
		want     bool
	}{
		{0, 3, false},
		{4, 4, true},  // a self-loop
		{3, 4, true},  // 4->3 exists
		{3, 0, true},  // 0->4->3
		{3, 2, true},  // through the disabled 2->3
		{1, 0, false}, // nothing leaves 0 towards 1
		{2, 4, false},
	}
	for _, tt := range tests {
		if got := genome.Creates(g, tt.from, tt.to); got != tt.want {
			t.Errorf("Creates(g, %d, %d) = %v; want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestHasCycleEnabledOnly(t *testing.T) {
	g := validGenome()
	g.InsertConn(genome.Conn{Innov: 9, From: 3, To: 4, Weight: 1, Enabled: false})
	if !genome.HasCycle(g, false) {
		t.Errorf("HasCycle(g, false) = false; want true (3->4 is disabled but counts)")
	}
	if genome.HasCycle(g, true) {
		t.Errorf("HasCycle(g, true) = true; want false (the only cycle uses a disabled connection)")
	}
	if _, err := genome.Compile(g, true); err != nil {
		t.Errorf("Compile(g, true) = %v; want nil (Compile ignores disabled connections)", err)
	}
}
