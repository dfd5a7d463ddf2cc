package genome_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
)

var xorLayout = genome.Layout{Inputs: 2, Outputs: 1, Bias: true, OutputAct: network.Sigmoid}

func TestTrackerNodes(t *testing.T) {
	tr := genome.NewTracker(xorLayout)
	if got, want := tr.FreshNode(), xorLayout.NumFixed(); got != want {
		t.Errorf("first FreshNode() = %d; want %d, the first ID after the fixed nodes", got, want)
	}
	a := tr.SplitNode(3)
	if got := tr.SplitNode(3); got != a {
		t.Errorf("SplitNode(3) again in the same generation = %d; want %d", got, a)
	}
	b := tr.SplitNode(4)
	if b == a {
		t.Errorf("SplitNode(4) = %d, the same as SplitNode(3)", b)
	}
	ins := tr.InsertNode(0, 3)
	if got := tr.InsertNode(0, 3); got != ins {
		t.Errorf("InsertNode(0, 3) again in the same generation = %d; want %d", got, ins)
	}
	if got := tr.InsertNode(3, 0); got == ins {
		t.Errorf("InsertNode(3, 0) = %d, the same as InsertNode(0, 3)", got)
	}
	if ins == a || ins == b {
		t.Errorf("InsertNode(0, 3) = %d reuses a split node (%d, %d)", ins, a, b)
	}

	tr.NextGeneration()
	seen := map[int]bool{a: true, b: true, ins: true}
	for _, id := range []int{tr.SplitNode(3), tr.InsertNode(0, 3), tr.FreshNode()} {
		if seen[id] {
			t.Errorf("after NextGeneration, node %d handed out again", id)
		}
		seen[id] = true
	}
	if got := tr.SplitNode(3); got == a {
		t.Errorf("SplitNode(3) after NextGeneration = %d; want a new node", got)
	}
}

func TestTrackerInnovation(t *testing.T) {
	tr := genome.NewTracker(xorLayout)
	pairs := [][2]int{{0, 3}, {1, 3}, {2, 3}, {3, 0}, {0, 4}, {4, 4}}
	for want, p := range pairs {
		if got := tr.Innovation(p[0], p[1]); got != want {
			t.Errorf("Innovation(%d, %d) = %d; want %d, the next number", p[0], p[1], got, want)
		}
	}
	tr.NextGeneration()
	for want, p := range pairs {
		if got := tr.Innovation(p[0], p[1]); got != want {
			t.Errorf("Innovation(%d, %d) after NextGeneration = %d; want %d as before", p[0], p[1], got, want)
		}
	}
}

// trackerScript makes the same calls on a tracker, recording every number
// it hands out.
func trackerScript(tr *genome.Tracker) []int {
	var got []int
	for gen := range 3 {
		for i := range 4 {
			got = append(got,
				tr.Innovation(i, 3+gen),
				tr.SplitNode(i),
				tr.InsertNode(i, gen),
				tr.FreshNode(),
				tr.Innovation(gen, i),
			)
		}
		tr.NextGeneration()
	}
	return got
}

func TestTrackerStateRoundTrip(t *testing.T) {
	tr := genome.NewTracker(xorLayout)
	trackerScript(tr)
	state := tr.State()
	if !slices.IsSortedFunc(state.Innovations, func(a, b [3]int) int { return a[2] - b[2] }) {
		t.Errorf("State().Innovations not sorted by innovation: %v", state.Innovations)
	}
	data, err := json.Marshal(state)
	if err != nil {
		t.Fatalf("json.Marshal(State()) = %v", err)
	}
	var decoded genome.TrackerState
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatalf("json.Unmarshal = %v", err)
	}
	restored, err := genome.RestoreTracker(decoded)
	if err != nil {
		t.Fatalf("RestoreTracker = %v", err)
	}
	want := trackerScript(tr)
	if got := trackerScript(restored); !slices.Equal(got, want) {
		t.Errorf("restored tracker hands out %v; want %v", got, want)
	}
}

func TestRestoreTrackerErrors(t *testing.T) {
	tests := []struct {
		name  string
		state genome.TrackerState
		want  string
	}{
		{"innovation too high", genome.TrackerState{NextNode: 4, NextInnov: 2, Innovations: [][3]int{{0, 3, 0}, {1, 3, 2}}}, "tracker innovation 2 outside [0, 2)"},
		{"negative innovation", genome.TrackerState{NextNode: 4, NextInnov: 2, Innovations: [][3]int{{0, 3, -1}}}, "tracker innovation -1 outside [0, 2)"},
		{"pair twice", genome.TrackerState{NextNode: 4, NextInnov: 2, Innovations: [][3]int{{0, 3, 0}, {0, 3, 1}}}, "tracker lists connection 0->3 twice"},
		{"innovation twice", genome.TrackerState{NextNode: 4, NextInnov: 2, Innovations: [][3]int{{0, 3, 0}, {1, 3, 0}}}, "tracker gives innovation 0 to connections 0->3 and 1->3"},
		{"node too high", genome.TrackerState{NextNode: 4, NextInnov: 2, Innovations: [][3]int{{0, 3, 0}, {1, 4, 1}}}, "tracker connection 1->4 has a node outside [0, 4)"},
		{"negative node", genome.TrackerState{NextNode: 4, NextInnov: 1, Innovations: [][3]int{{-1, 3, 0}}}, "tracker connection -1->3 has a node outside [0, 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := genome.RestoreTracker(tt.state)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("RestoreTracker(%+v) = %v; want an error containing %q", tt.state, err, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tr := genome.NewTracker(xorLayout)
	w := 0.0
	weight := func() float64 { w += 0.25; return w }
	g := genome.New(5, xorLayout, tr, true, weight)
	if err := genome.Validate(g, true); err != nil {
		t.Fatalf("Validate(New(...)) = %v", err)
	}
	if g.ID != 5 || g.Parents != [2]int{-1, -1} {
		t.Errorf("New: ID %d, parents %v; want 5 and [-1 -1]", g.ID, g.Parents)
	}
	wantConns := []genome.Conn{
		{Innov: 0, From: 0, To: 3, Weight: 0.25, Enabled: true},
		{Innov: 1, From: 1, To: 3, Weight: 0.5, Enabled: true},
		{Innov: 2, From: 2, To: 3, Weight: 0.75, Enabled: true},
	}
	if !slices.Equal(g.Conns, wantConns) {
		t.Errorf("New(connect) connections = %v; want %v", g.Conns, wantConns)
	}
	kinds := []genome.Kind{genome.Input, genome.Input, genome.Bias, genome.Output}
	for i, n := range g.Nodes {
		if n.ID != i || n.Kind != kinds[i] {
			t.Errorf("node %d = {ID %d, %s}; want {ID %d, %s}", i, n.ID, n.Kind, i, kinds[i])
		}
	}
	if act := g.Nodes[3].Act; act != network.Sigmoid {
		t.Errorf("output activation = %v; want sigmoid", act)
	}
	// A second genome shares the innovations.
	h := genome.New(6, xorLayout, tr, true, weight)
	for i := range h.Conns {
		if h.Conns[i].Innov != g.Conns[i].Innov {
			t.Errorf("second genome's connection %d has innovation %d; want %d", i, h.Conns[i].Innov, g.Conns[i].Innov)
		}
	}
	if e := genome.New(7, xorLayout, tr, false, weight); len(e.Conns) != 0 {
		t.Errorf("New(connect=false) has %d connections; want 0", len(e.Conns))
	}
}
