package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// showCmd implements "evolve show": one genome of a checkpoint, whole, as
// tables of its neurons and connections, as Graphviz DOT, as an SVG
// picture or as JSON.
func showCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("show", "DIR|CHECKPOINT [--genome ID|best|solver] [--format table|dot|svg|json]", stderr)
	which := fs.String("genome", "best", "the genome: best (the best ever), solver (the genome that solved the task, which on double-pole-nv need not be the fittest) or a genome `ID` (see evolve inspect)")
	format := fs.String("format", "table", "output format: table, dot (Graphviz: evolve show ... --format dot | dot -Tsvg > genome.svg), svg (drawn without Graphviz: evolve show ... --format svg > genome.svg) or json")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve show: "+format+"\n", a...)
		return exitUsage
	}
	if len(positional) != 1 {
		return fail("want one run directory or checkpoint file, got %d arguments %q (see evolve show -h)", len(positional), positional)
	}
	id := -1
	if *which != "best" && *which != "solver" {
		id, err = strconv.Atoi(*which)
		if err != nil || id < 0 {
			return fail("--genome %q: want best, solver or a genome ID, a non-negative integer", *which)
		}
	}
	if err := choice("format", *format, "table", "dot", "svg", "json"); err != nil {
		return fail("%v", err)
	}
	s, file, ok := loadCheckpoint("show", positional[0], stderr)
	if !ok {
		return exitUsage
	}
	var g *genome.Genome
	role := ""
	switch {
	case *which == "solver":
		if s.Solver == nil {
			return fail("--genome solver: the run had not solved its task by generation %d, that of %s; give --genome best or an ID, %s", s.Generation, file, whereIDs(s, positional[0]))
		}
		g, role = s.Solver, "the solver"
		if s.Best != nil && s.Best.ID == s.Solver.ID {
			role = bestRole(s) + " and the solver"
		}
	case id < 0:
		if s.Best == nil {
			return fail("%s has no best genome yet (generation 0 was not evaluated); give --genome ID, %s", file, whereIDs(s, positional[0]))
		}
		g, role = s.Best, bestRole(s)
	default:
		if g, role = findGenome(s, id); g == nil {
			return fail("genome %d is not in %s; %s", id, file, whereIDs(s, positional[0]))
		}
	}

	var b bytes.Buffer
	switch *format {
	case "table":
		err = writeGenomeTables(&b, s, g, role, file)
	case "dot":
		writeDOT(&b, g)
	case "svg":
		writeSVG(&b, g)
	case "json":
		var j []byte
		if j, err = genomeJSON(g); err == nil {
			b.Write(append(j, '\n'))
		}
	}
	return emit("show", b.Bytes(), err, stdout, stderr)
}

// genomeJSON returns g as indented JSON, as best.json holds a genome. A
// genome not evaluated yet (fitness NaN, see findGenome) has "fitness":
// null followed by "evaluated": false, rather than a fitness of 0 that
// would read as a score (on spiral, a perfect one).
func genomeJSON(g *genome.Genome) ([]byte, error) {
	if !math.IsNaN(g.Fitness) {
		return json.MarshalIndent(g, "", "  ")
	}
	c := *g
	c.Fitness = 0 // JSON has no NaN; replaced below
	raw, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	// The keys in the genome's own order.
	dec := json.NewDecoder(bytes.NewReader(raw))
	var o object
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
			continue
		}
		key, ok := tok.(string)
		if depth != 1 || !ok {
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if key == "fitness" {
			o = append(o, field{"fitness", nil}, field{"evaluated", false})
			continue
		}
		o = append(o, field{key, v})
	}
	return json.MarshalIndent(o, "", "  ")
}

// findGenome returns the genome of s with the given ID and its role: one
// of the current generation, the best ever, the solver or a species'
// representative, looked for in that order; nil if there is none. A
// genome of a generation not evaluated yet comes as a copy whose fitness
// is NaN (fitnessText says so).
func findGenome(s *population.State, id int) (*genome.Genome, string) {
	for _, g := range s.Genomes {
		if g.ID == id {
			if !s.Evaluated {
				// Bred by a run stopped before it evaluated them: whatever
				// g.Fitness holds is not this generation's.
				c := *g
				c.Fitness = math.NaN()
				return &c, fmt.Sprintf("a genome of generation %d, not evaluated yet", s.Generation)
			}
			return g, fmt.Sprintf("a genome of generation %d", s.Generation)
		}
	}
	if s.Best != nil && s.Best.ID == id {
		if s.Solver != nil && s.Solver.ID == id {
			return s.Best, bestRole(s) + " and the solver"
		}
		return s.Best, bestRole(s)
	}
	if s.Solver != nil && s.Solver.ID == id {
		return s.Solver, "the solver"
	}
	for _, sp := range s.Species.Species {
		if sp.Rep != nil && sp.Rep.ID == id {
			return sp.Rep, fmt.Sprintf("the representative of species %d", sp.ID)
		}
	}
	return nil, ""
}

// whereIDs tells where the genome IDs of s, read from arg, can be found.
func whereIDs(s *population.State, arg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the IDs there are the current generation's %d genomes (list them with: evolve inspect %s --top 0)", len(s.Genomes), arg)
	if s.Best != nil {
		fmt.Fprintf(&b, ", %s %d", bestRole(s), s.Best.ID)
	}
	if s.Solver != nil {
		fmt.Fprintf(&b, ", the solver %d", s.Solver.ID)
	}
	var reps []string
	for _, sp := range s.Species.Species {
		if sp.Rep != nil {
			reps = append(reps, strconv.Itoa(sp.Rep.ID))
		}
	}
	if len(reps) > 0 {
		fmt.Fprintf(&b, " and the species representatives %s", strings.Join(reps, ", "))
	}
	return b.String()
}

// bestRole names what s.Best is: the best genome ever, or on a continual
// stream, whose task changes, the champion of the last generation
// evaluated (population.Population.Best).
func bestRole(s *population.State) string {
	if tasks.DescribeStream(s.Config.Task) != "" {
		return "the last generation's champion"
	}
	return "the best ever"
}

// fitnessText describes a genome's fitness for show: "fitness F", or, for
// NaN, that it was not evaluated.
func fitnessText(f float64) string {
	if math.IsNaN(f) {
		return "fitness - (not evaluated yet)"
	}
	return fmt.Sprintf("fitness %.6g", f)
}

// writeGenomeTables writes a line describing g, the role it plays in s,
// then a table of its neurons and a table of its connections.
func writeGenomeTables(w io.Writer, s *population.State, g *genome.Genome, role, file string) error {
	parents := []int{}
	for _, p := range g.Parents {
		if p >= 0 {
			parents = append(parents, p)
		}
	}
	fmt.Fprintf(w, "genome %d, %s, in %s: %s, born in generation %d, parents %s, %d hidden neurons, %d of %d connections enabled, depth %d, %d dropins and %d apoptoses in its lineage\n",
		g.ID, role, file, fitnessText(g.Fitness), g.Born, text(parents), g.HiddenCount(), g.EnabledCount(), len(g.Conns), depth(g), g.Dropins, g.Apoptoses)

	neurons := &table{columns: []string{"id", "kind", "activation", "bias", "utility"}}
	for _, nd := range g.Nodes {
		var utility any
		if g.HasUtility {
			utility = nd.Utility
		}
		neurons.rows = append(neurons.rows, []any{nd.ID, nd.Kind.String(), nd.Act.String(), nd.Bias, utility})
	}
	fmt.Fprintln(w, "\nneurons:")
	if err := neurons.writeText(w); err != nil {
		return err
	}
	conns := &table{columns: []string{"innovation", "from", "to", "weight", "enabled"}}
	for _, c := range g.Conns {
		conns.rows = append(conns.rows, []any{c.Innov, c.From, c.To, c.Weight, c.Enabled})
	}
	fmt.Fprintln(w, "\nconnections:")
	if len(g.Conns) == 0 {
		fmt.Fprintln(w, "none")
		return nil
	}
	return conns.writeText(w)
}

// writeDOT writes g as a Graphviz digraph: inputs and bias in the first
// rank, outputs in the last, hidden neurons between; each node on its own
// line. Edges are labelled with their weights, blue when positive, red
// when negative and grey when zero (weightColour, as in the SVG picture),
// thicker for larger |weight|; disabled ones keep their colour, lighter
// (the SVG's opacity 0.4 as an alpha of 0x66), and are dashed.
func writeDOT(w io.Writer, g *genome.Genome) {
	maxW := 0.0
	for _, c := range g.Conns {
		maxW = max(maxW, math.Abs(c.Weight))
	}
	fmt.Fprintf(w, "digraph genome_%d {\n", g.ID)
	fmt.Fprintf(w, "\tgraph [rankdir=LR, label=\"genome %d: %s\", labelloc=t];\n", g.ID, fitnessText(g.Fitness))
	fmt.Fprintln(w, "\tnode [shape=circle, fontsize=10];")
	fmt.Fprintln(w, "\tedge [fontsize=8, arrowsize=0.6];")
	node := func(indent string, nd genome.Node) {
		switch nd.Kind {
		case genome.Input:
			fmt.Fprintf(w, "%sn%d [label=\"%d\\ninput\", shape=box];\n", indent, nd.ID, nd.ID)
		case genome.Bias:
			fmt.Fprintf(w, "%sn%d [label=\"%d\\nbias\", shape=box, style=rounded];\n", indent, nd.ID, nd.ID)
		case genome.Output:
			fmt.Fprintf(w, "%sn%d [label=\"%d\\n%s\", shape=doublecircle];\n", indent, nd.ID, nd.ID, nd.Act)
		default:
			fmt.Fprintf(w, "%sn%d [label=\"%d\\n%s\"];\n", indent, nd.ID, nd.ID, nd.Act)
		}
	}
	rank := func(name, rank string, kinds ...genome.Kind) {
		fmt.Fprintf(w, "\tsubgraph %s {\n\t\trank=%s;\n", name, rank)
		for _, nd := range g.Nodes {
			if slices.Contains(kinds, nd.Kind) {
				node("\t\t", nd)
			}
		}
		fmt.Fprintln(w, "\t}")
	}
	rank("inputs", "source", genome.Input, genome.Bias)
	rank("outputs", "sink", genome.Output)
	for _, nd := range g.Nodes {
		if nd.Kind == genome.Hidden {
			node("\t", nd)
		}
	}
	rec, _ := genome.Recurrent(g) // nil for an invalid genome: none marked
	for i, c := range g.Conns {
		colour := weightColour(c.Weight)
		width := 1.0
		if maxW > 0 {
			width = 0.5 + 3*math.Abs(c.Weight)/maxW
		}
		style, label := "", fmt.Sprintf("%.3g", c.Weight)
		switch {
		case !c.Enabled:
			colour, style = colour+"66", ", style=dashed"
		case i < len(rec) && rec[i]:
			// Read from the previous step: marked, and left out of the
			// ranking so that the picture flows from inputs to outputs.
			label += " (recurrent)"
			style = ", style=bold, constraint=false"
		}
		fmt.Fprintf(w, "\tn%d -> n%d [label=\"%s\", color=\"%s\", fontcolor=\"%s\", penwidth=%.2f%s];\n",
			c.From, c.To, label, colour, colour, width, style)
	}
	fmt.Fprintln(w, "}")
}
