package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
)

// svgPicture is what the tests read back from writeSVG's output.
type svgPicture struct {
	viewBox [4]float64
	markers []string          // marker IDs
	nodes   map[int]svgCircle // by node ID
	conns   map[int]svgPath   // by innovation
	text    string            // all character data
}

type svgCircle struct {
	class     string
	cx, cy, r float64
}

type svgPath struct {
	class, d, marker string
	dashed           bool
}

// parseSVG decodes out as XML to its end and checks that it is one
// standalone SVG 1.1 document with a size and a view box.
func parseSVG(t *testing.T, out string) svgPicture {
	t.Helper()
	p := svgPicture{nodes: map[int]svgCircle{}, conns: map[int]svgPath{}}
	dec := xml.NewDecoder(strings.NewReader(out))
	var text strings.Builder
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Name.Local] = a.Value
			}
			number := func(name string) float64 {
				v, err := strconv.ParseFloat(attr[name], 64)
				if err != nil {
					t.Fatalf("<%s %s=%q>: %v", tok.Name.Local, name, attr[name], err)
				}
				return v
			}
			id := func(prefix string) int {
				n, err := strconv.Atoi(strings.TrimPrefix(attr["id"], prefix))
				if err != nil || !strings.HasPrefix(attr["id"], prefix) {
					t.Fatalf("<%s id=%q>: want %s and a number", tok.Name.Local, attr["id"], prefix)
				}
				return n
			}
			switch tok.Name.Local {
			case "svg":
				if depth != 1 {
					continue
				}
				roots++
				if tok.Name.Space != "http://www.w3.org/2000/svg" || attr["version"] != "1.1" {
					t.Errorf("root <svg> in namespace %q, version %q; want the SVG namespace and 1.1", tok.Name.Space, attr["version"])
				}
				if number("width") <= 0 || number("height") <= 0 {
					t.Errorf("<svg width=%q height=%q>; want positive", attr["width"], attr["height"])
				}
				f := strings.Fields(attr["viewBox"])
				if len(f) != 4 {
					t.Fatalf("<svg viewBox=%q>; want four numbers", attr["viewBox"])
				}
				for i, s := range f {
					if p.viewBox[i], err = strconv.ParseFloat(s, 64); err != nil {
						t.Fatalf("<svg viewBox=%q>: %v", attr["viewBox"], err)
					}
				}
			case "marker":
				p.markers = append(p.markers, attr["id"])
			case "circle":
				n := id("n")
				if _, dup := p.nodes[n]; dup {
					t.Errorf("two circles for node %d", n)
				}
				p.nodes[n] = svgCircle{class: attr["class"], cx: number("cx"), cy: number("cy"), r: number("r")}
			case "path":
				if !strings.HasPrefix(attr["class"], "conn ") {
					continue
				}
				innov := id("c")
				if _, dup := p.conns[innov]; dup {
					t.Errorf("two paths for connection %d", innov)
				}
				_, dashed := attr["stroke-dasharray"]
				p.conns[innov] = svgPath{class: attr["class"], d: attr["d"], marker: attr["marker-end"], dashed: dashed}
			}
		}
	}
	if roots != 1 || depth != 0 {
		t.Fatalf("%d root <svg> elements, depth %d at the end; want 1 and 0", roots, depth)
	}
	p.text = text.String()
	return p
}

// classes returns the innovations of the connections whose class list
// holds class, in order.
func (p svgPicture) classes(class string) []int {
	var innovs []int
	for innov, c := range p.conns {
		if slices.Contains(strings.Fields(c.class), class) {
			innovs = append(innovs, innov)
		}
	}
	slices.Sort(innovs)
	return innovs
}

var svgNumber = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?`)

// checkSVG checks that p draws g: a circle per node, classed by kind, and
// inputs and bias left of hidden nodes left of outputs; a path per
// connection, with an arrowhead, dashed exactly when disabled; every node
// and curve inside the view box; the title naming the genome.
func checkSVG(t *testing.T, p svgPicture, g *genome.Genome) {
	t.Helper()
	if len(p.nodes) != len(g.Nodes) || len(p.conns) != len(g.Conns) {
		t.Errorf("%d circles and %d connection paths; want %d nodes and %d connections", len(p.nodes), len(p.conns), len(g.Nodes), len(g.Conns))
	}
	inside := func(x, y float64) bool {
		b := p.viewBox
		return x >= b[0] && x <= b[0]+b[2] && y >= b[1] && y <= b[1]+b[3]
	}
	xs := map[genome.Kind][]float64{}
	for _, nd := range g.Nodes {
		c, ok := p.nodes[nd.ID]
		if !ok {
			t.Errorf("node %d: no circle", nd.ID)
			continue
		}
		if c.class != "node "+nd.Kind.String() {
			t.Errorf("node %d: class %q; want %q", nd.ID, c.class, "node "+nd.Kind.String())
		}
		if !inside(c.cx-c.r, c.cy-c.r) || !inside(c.cx+c.r, c.cy+c.r) {
			t.Errorf("node %d at (%v, %v) is outside the view box %v", nd.ID, c.cx, c.cy, p.viewBox)
		}
		kind := nd.Kind
		if kind == genome.Bias {
			kind = genome.Input
		}
		xs[kind] = append(xs[kind], c.cx)
	}
	order := []genome.Kind{genome.Input, genome.Hidden, genome.Output}
	for i, a := range order {
		for _, b := range order[i+1:] {
			if len(xs[a]) > 0 && len(xs[b]) > 0 && slices.Max(xs[a]) >= slices.Min(xs[b]) {
				t.Errorf("%s nodes at x %v are not all left of %s nodes at x %v", a, xs[a], b, xs[b])
			}
		}
	}
	dashed := 0
	for _, c := range g.Conns {
		path, ok := p.conns[c.Innov]
		if !ok {
			t.Errorf("connection %d: no path", c.Innov)
			continue
		}
		state := "enabled"
		if !c.Enabled {
			state = "disabled"
		}
		if f := strings.Fields(path.class); len(f) < 2 || f[1] != state {
			t.Errorf("connection %d: class %q; want conn %s ...", c.Innov, path.class, state)
		}
		if path.dashed {
			dashed++
		}
		if path.dashed == c.Enabled {
			t.Errorf("connection %d: dashed %v, enabled %v", c.Innov, path.dashed, c.Enabled)
		}
		if !slices.ContainsFunc(p.markers, func(m string) bool { return path.marker == "url(#"+m+")" }) {
			t.Errorf("connection %d: marker-end %q; want one of the markers %q", c.Innov, path.marker, p.markers)
		}
		nums := svgNumber.FindAllString(path.d, -1)
		if len(nums) != 8 || !strings.HasPrefix(path.d, "M") || !strings.Contains(path.d, "C") {
			t.Errorf("connection %d: d=%q; want one cubic Bézier", c.Innov, path.d)
			continue
		}
		var curve [4][2]float64
		for j, s := range nums {
			curve[j/2][j%2], _ = strconv.ParseFloat(s, 64)
		}
		for j := range 17 {
			if x, y := bezier(curve, float64(j)/16); !inside(x, y) {
				t.Errorf("connection %d: point (%v, %v) of %q is outside the view box %v", c.Innov, x, y, path.d, p.viewBox)
				break
			}
		}
	}
	if disabled := len(g.Conns) - g.EnabledCount(); dashed != disabled {
		t.Errorf("%d dashed connections; want the %d disabled", dashed, disabled)
	}
	title := "genome " + strconv.Itoa(g.ID) + ": fitness "
	if !strings.Contains(p.text, title) || !strings.Contains(p.text, strconv.Itoa(g.HiddenCount())+" hidden neurons") {
		t.Errorf("text %q; want a title with %q and the hidden neurons", p.text, title)
	}
}

// showSVG runs evolve with runArgs into a new run directory, then draws its
// best genome with evolve show --format svg and checks the picture.
func showSVG(t *testing.T, runArgs ...string) *genome.Genome {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	mustCall(t, runCmd, append(runArgs, "--quiet", "--out", dir)...)
	b, err := os.ReadFile(filepath.Join(dir, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	g := new(genome.Genome)
	if err := json.Unmarshal(b, g); err != nil {
		t.Fatal(err)
	}
	out, _ := mustCall(t, showCmd, dir, "--format", "svg")
	p := parseSVG(t, out)
	checkSVG(t, p, g)
	if r := p.classes("recurrent"); len(r) > 0 {
		t.Errorf("connections %v of a feed-forward genome are drawn as recurrent", r)
	}
	t.Logf("genome %d: %d nodes, %d connections, %d disabled, %d drawn backward", g.ID, len(g.Nodes), len(g.Conns), len(g.Conns)-g.EnabledCount(), len(p.classes("backward")))
	return g
}

func TestShowSVG(t *testing.T) {
	t.Parallel()
	g := showSVG(t, "--task", "xor", "--seed", "3", "--generations", "30", "--stop-on-solve=false")
	if g.HiddenCount() == 0 || g.EnabledCount() == len(g.Conns) {
		t.Errorf("xor's best genome has %d hidden neurons and %d of %d connections enabled; the test wants hidden neurons and disabled connections",
			g.HiddenCount(), g.EnabledCount(), len(g.Conns))
	}
}

func TestShowSVGSupervised(t *testing.T) {
	t.Parallel()
	showSVG(t, "--task", "spiral", "--seed", "1", "--generations", "3", "--population", "20")
	// A bigger, deeper network, with hidden neurons many columns deep.
	g := showSVG(t, "--task", "spiral", "--seed", "3", "--generations", "16", "--population", "40")
	if g.HiddenCount() < 3 {
		t.Errorf("spiral's best genome has %d hidden neurons; the test wants several", g.HiddenCount())
	}
}

func TestShowSVGFormatList(t *testing.T) {
	t.Parallel()
	code, _, stderr := call(t, showCmd, t.TempDir(), "--format", "png")
	if code != exitUsage || !strings.Contains(stderr, "allowed: table, dot, svg, json") {
		t.Errorf("show --format png: exit status %d, stderr %q; want 2 and the formats", code, stderr)
	}
	var usage bytes.Buffer
	showCmd(t.Context(), []string{"-h"}, io.Discard, &usage)
	if !strings.Contains(usage.String(), "table|dot|svg|json") {
		t.Errorf("show -h: %q; want the svg format", usage.String())
	}
}

// recurrentGenome is a valid genome of a recurrent run: a self-loop on 6 and
// a back edge 6->5 (the only connections that close cycles), an output
// feeding a hidden node and another output (drawn backward, but on no
// cycle), a disabled backward connection, a disabled forward one and a
// zero weight.
func recurrentGenome() *genome.Genome {
	g := &genome.Genome{ID: 42, Fitness: 0.75, Parents: [2]int{-1, -1}}
	g.Nodes = genome.Layout{Inputs: 2, Outputs: 2, Bias: true, OutputAct: network.Sigmoid}.Nodes()
	g.Nodes = append(g.Nodes,
		genome.Node{ID: 5, Kind: genome.Hidden, Act: network.Tanh},
		genome.Node{ID: 6, Kind: genome.Hidden, Act: network.ReLU, Bias: 0.5},
		genome.Node{ID: 7, Kind: genome.Hidden, Act: network.Sin})
	for _, c := range []genome.Conn{
		{Innov: 1, From: 0, To: 5, Weight: 1.5, Enabled: true},
		{Innov: 2, From: 1, To: 5, Weight: -0.7, Enabled: true},
		{Innov: 3, From: 5, To: 6, Weight: 2, Enabled: true},
		{Innov: 4, From: 6, To: 3, Weight: -1, Enabled: true},
		{Innov: 5, From: 6, To: 6, Weight: 0.5, Enabled: true},
		{Innov: 6, From: 6, To: 5, Weight: -1.2, Enabled: true},
		{Innov: 7, From: 2, To: 6, Weight: 0, Enabled: true},
		{Innov: 8, From: 0, To: 3, Weight: 0.8},
		{Innov: 9, From: 5, To: 4, Weight: 1, Enabled: true},
		{Innov: 10, From: 3, To: 7, Weight: 3, Enabled: true},
		{Innov: 11, From: 7, To: 4, Weight: -0.3, Enabled: true},
		{Innov: 12, From: 4, To: 5, Weight: 0.4},
		{Innov: 13, From: 3, To: 4, Weight: -2.5, Enabled: true},
	} {
		g.InsertConn(c)
	}
	return g
}

func TestWriteSVGRecurrent(t *testing.T) {
	t.Parallel()
	g := recurrentGenome()
	if err := genome.Validate(g, false); err != nil || !genome.HasCycle(g, true) {
		t.Fatalf("Validate = %v, HasCycle = %v; want a valid recurrent genome", err, genome.HasCycle(g, true))
	}
	var b bytes.Buffer
	writeSVG(&b, g)
	p := parseSVG(t, b.String())
	checkSVG(t, p, g)
	if got, want := p.classes("recurrent"), []int{5, 6}; !slices.Equal(got, want) {
		t.Errorf("recurrent connections %v; want the self-loop and the back edge %v", got, want)
	}
	if got, want := p.classes("backward"), []int{5, 6, 10, 12, 13}; !slices.Equal(got, want) {
		t.Errorf("backward connections %v; want %v", got, want)
	}
	// Hidden columns by depth: 5, then 6, then 7 (after output 3).
	if x5, x6, x7 := p.nodes[5].cx, p.nodes[6].cx, p.nodes[7].cx; !(x5 < x6 && x6 < x7) {
		t.Errorf("hidden nodes 5, 6, 7 at x %v, %v, %v; want increasing", x5, x6, x7)
	}
	// The self-loop starts and ends on top of its node.
	c6 := p.nodes[6]
	nums := svgNumber.FindAllString(p.conns[5].d, -1)
	for _, j := range []int{1, 7} {
		if y, _ := strconv.ParseFloat(nums[j], 64); y >= c6.cy {
			t.Errorf("self-loop %q does not start and end above node 6 at y %v", p.conns[5].d, c6.cy)
		}
	}
	// Colours by sign.
	for innov, colour := range map[int]string{1: svgPositive, 2: svgNegative, 7: svgZero} {
		if !strings.Contains(b.String(), `id="c`+strconv.Itoa(innov)+`" d="`) ||
			!regexp.MustCompile(`id="c`+strconv.Itoa(innov)+`" d="[^"]*" stroke="`+colour+`"`).MatchString(b.String()) {
			t.Errorf("connection %d: want stroke %s", innov, colour)
		}
	}
	// Run a second time: the same picture.
	var again bytes.Buffer
	writeSVG(&again, g)
	if again.String() != b.String() {
		t.Errorf("writeSVG is not deterministic")
	}
}

func TestWriteSVGOddGenomes(t *testing.T) {
	t.Parallel()
	lone := &genome.Genome{ID: 1, Nodes: genome.Layout{Inputs: 1, Outputs: 1}.Nodes()}
	odd := recurrentGenome()
	odd.Conns[0].Weight = math.NaN()
	odd.Conns[1].Weight = math.Inf(-1)
	odd.Fitness = math.Inf(-1)
	zero := recurrentGenome()
	for i := range zero.Conns {
		zero.Conns[i].Weight = 0
	}
	for name, g := range map[string]*genome.Genome{"no connections": lone, "NaN and Inf": odd, "zero weights": zero} {
		var b bytes.Buffer
		writeSVG(&b, g)
		if strings.Contains(b.String(), "NaN\"") || strings.Contains(b.String(), "Inf\"") {
			t.Errorf("%s: a non-finite attribute:\n%s", name, b.String())
		}
		checkSVG(t, parseSVG(t, b.String()), g)
	}
}

// TestSVGRecurrentIsTheNetworks checks that the picture marks as recurrent
// the connections the network reads from the previous step, not those a
// search of its own would pick: here the output 3 feeds hidden 6, which
// feeds it back, and the network delays 6->3, where a search from the
// input would have called 3->6 the one closing the cycle.
func TestSVGRecurrentIsTheNetworks(t *testing.T) {
	t.Parallel()
	g := &genome.Genome{
		Nodes: []genome.Node{{ID: 0, Kind: genome.Input}, {ID: 3, Kind: genome.Output}, {ID: 6, Kind: genome.Hidden}},
		Conns: []genome.Conn{
			{Innov: 0, From: 3, To: 6, Weight: 1, Enabled: true},
			{Innov: 1, From: 0, To: 6, Weight: 1, Enabled: true},
			{Innov: 2, From: 6, To: 3, Weight: 1, Enabled: true},
		},
	}
	want, err := genome.Recurrent(g)
	if err != nil {
		t.Fatal(err)
	}
	l := layoutSVG(g)
	if !slices.Equal(l.recurrent, want) || !slices.Equal(want, []bool{false, false, true}) {
		t.Errorf("picture's recurrent connections %v; the network's %v; want [false false true]", l.recurrent, want)
	}
	for i := range g.Conns {
		if l.recurrent[i] && !l.backward[i] {
			t.Errorf("connection %d is recurrent but not drawn as an arc", i)
		}
	}
	// The DOT graph marks the same one.
	var b bytes.Buffer
	writeDOT(&b, g)
	dot := b.String()
	if !strings.Contains(dot, `n6 -> n3 [label="1 (recurrent)"`) || !strings.Contains(dot, "constraint=false") || strings.Contains(dot, `n3 -> n6 [label="1 (recurrent)"`) {
		t.Errorf("DOT graph does not mark 6->3 alone as recurrent:\n%s", dot)
	}
}

// TestDOTColours checks that the DOT graph colours connections as the SVG
// picture does: by sign, grey when zero, and a disabled one keeps its
// sign's colour, lighter, and is dashed.
func TestDOTColours(t *testing.T) {
	t.Parallel()
	g := &genome.Genome{
		Nodes: []genome.Node{{ID: 0, Kind: genome.Input}, {ID: 1, Kind: genome.Input}, {ID: 2, Kind: genome.Input}, {ID: 3, Kind: genome.Output}},
		Conns: []genome.Conn{
			{Innov: 0, From: 0, To: 3, Weight: 2, Enabled: true},
			{Innov: 1, From: 1, To: 3, Weight: -1, Enabled: false},
			{Innov: 2, From: 2, To: 3, Weight: 0, Enabled: true},
		},
	}
	var b bytes.Buffer
	writeDOT(&b, g)
	dot := b.String()
	for _, want := range []string{
		`n0 -> n3 [label="2", color="` + svgPositive + `"`,
		`n1 -> n3 [label="-1", color="` + svgNegative + `66", fontcolor="` + svgNegative + `66", penwidth=2.00, style=dashed]`,
		`n2 -> n3 [label="0", color="` + svgZero + `"`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT graph lacks %q:\n%s", want, dot)
		}
	}
	b.Reset()
	writeSVG(&b, g)
	if svg := b.String(); !strings.Contains(svg, `stroke="`+svgZero+`"`) {
		t.Errorf("SVG picture draws no connection in %s (zero weight)", svgZero)
	}
}

// TestShowJSONNotEvaluated checks that the JSON of a genome not evaluated
// yet says so, "fitness": null and "evaluated": false, instead of a
// fitness of 0, and that an evaluated one is as best.json holds it.
func TestShowJSONNotEvaluated(t *testing.T) {
	t.Parallel()
	g := &genome.Genome{
		ID:      7,
		Nodes:   []genome.Node{{ID: 0, Kind: genome.Input}, {ID: 1, Kind: genome.Output}},
		Conns:   []genome.Conn{{Innov: 0, From: 0, To: 1, Weight: 0.5, Enabled: true}},
		Fitness: math.NaN(),
		Parents: [2]int{-1, -1},
	}
	b, err := genomeJSON(g)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v:\n%s", err, b)
	}
	if v, ok := doc["fitness"]; !ok || v != nil || doc["evaluated"] != false || doc["id"] != 7.0 || len(doc["connections"].([]any)) != 1 {
		t.Errorf("JSON of a genome not evaluated: %s; want fitness null, evaluated false, the rest kept", b)
	}
	if i, j := strings.Index(string(b), `"id"`), strings.Index(string(b), `"nodes"`); i < 0 || j < i {
		t.Errorf("JSON of a genome not evaluated lost the keys' order:\n%s", b)
	}
	g.Fitness = -0.25
	b, err = genomeJSON(g)
	want, _ := json.MarshalIndent(g, "", "  ")
	if err != nil || string(b) != string(want) {
		t.Errorf("JSON of an evaluated genome:\n%s\nwant, as best.json:\n%s", b, want)
	}
}
