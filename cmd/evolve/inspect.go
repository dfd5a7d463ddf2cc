package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/population"
)

// inspectCmd implements "evolve inspect": a table of the best genomes of a
// checkpoint, or of its species, or with --continual the results of a
// continual run.
func inspectCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("inspect", "DIR|CHECKPOINT [--top N] [--sort fitness|neurons|connections|age] [--species] [--format table|csv|json]\n       evolve inspect DIR --continual [--format table|csv|json]", stderr)
	top := fs.Int("top", 10, "list the first `N` rows; 0 lists all")
	sortBy := fs.String("sort", "fitness", "order of the genomes: fitness (highest first), neurons or connections (fewest first), age (oldest first); ties go to the fitter genome")
	bySpecies := fs.Bool("species", false, "list the species instead of the genomes, fittest first")
	isContinual := fs.Bool("continual", false, "show the results of a continual run from DIR/"+continualFile+": ACC, BWT and FWT, the matrix R and the phases")
	format := fs.String("format", "table", "output format: table, csv or json")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve inspect: "+format+"\n", a...)
		return exitUsage
	}
	if len(positional) != 1 {
		return fail("want one run directory or checkpoint file, got %d arguments %q (see evolve inspect -h)", len(positional), positional)
	}
	if *isContinual {
		var conflict string
		fs.Visit(func(f *flag.Flag) {
			if conflict == "" && slices.Contains([]string{"top", "sort", "species"}, f.Name) {
				conflict = f.Name
			}
		})
		if conflict != "" {
			return fail("--%s applies to checkpoints; --continual shows every phase", conflict)
		}
		if err := choice("format", *format, "table", "csv", "json"); err != nil {
			return fail("%v", err)
		}
		return inspectContinual(positional[0], *format, stdout, stderr)
	}
	if *top < 0 {
		return fail("--top %d: want >= 0 (0 lists all)", *top)
	}
	if err := choice("sort", *sortBy, sortKeys...); err != nil {
		return fail("%v", err)
	}
	if *bySpecies && *sortBy != "fitness" {
		return fail("--sort %s: species are listed fittest first; --sort applies to genomes only", *sortBy)
	}
	if err := choice("format", *format, "table", "csv", "json"); err != nil {
		return fail("%v", err)
	}
	s, file, ok := loadCheckpoint("inspect", positional[0], stderr)
	if !ok {
		return exitUsage
	}

	var t *table
	if *bySpecies {
		t = speciesTable(s)
	} else {
		t = genomeTable(s, *sortBy)
	}
	if *top > 0 && len(t.rows) > *top {
		t.rows = t.rows[:*top]
	}
	var b bytes.Buffer
	switch *format {
	case "table":
		fmt.Fprintln(&b, headline(s, file))
		err = t.writeText(&b)
	case "csv":
		err = t.writeCSV(&b)
	case "json":
		err = t.writeJSON(&b, describe(s, file), t.name)
	}
	return emit("inspect", b.Bytes(), err, stdout, stderr)
}

// inspectContinual prints the results of the continual run in dir (or in
// the continual.json dir names) in format: as text, a summary table (ACC,
// BWT, FWT), the matrix R and the phases; as CSV, one row per phase with
// its row of R; as JSON, the whole report and the file's path.
func inspectContinual(dir, format string, stdout, stderr io.Writer) int {
	r, file, err := readReport(dir)
	if err != nil {
		fmt.Fprintf(stderr, "evolve inspect: %v\n", err)
		return exitUsage
	}
	var b bytes.Buffer
	switch format {
	case "table":
		better := "higher"
		if !r.Higher {
			better = "lower"
		}
		fmt.Fprintf(&b, "%s: %d phases, metric %s (%s is better)\n", file, len(r.Phases), r.Metric, better)
		for i, t := range []*table{continualSummaryTable(r), matrixTable(r), phasesTable(r, false)} {
			if i > 0 {
				b.WriteByte('\n')
			}
			if err = t.writeText(&b); err != nil {
				break
			}
		}
	case "csv":
		err = phasesTable(r, true).writeCSV(&b)
	case "json":
		head := object{
			{"file", file},
			{"task", r.Task},
			{"strategy", r.Strategy},
			{"metric", r.Metric},
			{"higher_is_better", r.Higher},
			{"ACC", r.ACC},
			{"BWT", bwtValue(r)},
			{"FWT", fwtValue(r)},
			{"R", r.R},
			{"b", r.B},
			{"phases", r.Phases},
		}
		var out []byte
		if out, err = json.MarshalIndent(head, "", "  "); err == nil {
			b.Write(append(out, '\n'))
		}
	}
	return emit("inspect", b.Bytes(), err, stdout, stderr)
}

// continualSummaryTable is the one-row table of a continual run's
// metrics.
func continualSummaryTable(r *continual.Report) *table {
	return &table{
		name:    "summary",
		columns: []string{"task", "strategy", "metric", "ACC", "BWT", "FWT", "phases"},
		rows:    [][]any{{r.Task, r.Strategy, r.Metric, r.ACC, bwtValue(r), fwtValue(r), len(r.Phases)}},
	}
}

// matrixTable is the matrix R of a continual run: a row after each phase,
// a column for each task, both numbered from 0 as continual.json's
// phases[].index and R's indices are, blank where not measured.
func matrixTable(r *continual.Report) *table {
	t := &table{name: "R", columns: []string{"after_phase"}}
	n := r.Tasks()
	for j := range n {
		t.columns = append(t.columns, "task_"+strconv.Itoa(j))
	}
	for i, row := range r.R {
		cells := []any{i}
		for j := range n {
			if j < len(row) {
				cells = append(cells, row[j])
			} else {
				cells = append(cells, "")
			}
		}
		t.rows = append(t.rows, cells)
	}
	return t
}

// phasesTable lists the phases of a continual run, numbered from 0, with the
// new-task metric, the network's size, the structural changes and the
// work done; withR adds each phase's row of R as columns R_task_J, blank
// where not measured.
func phasesTable(r *continual.Report, withR bool) *table {
	t := &table{name: "phases", columns: []string{"phase", "task", "new_" + r.Metric, "neurons", "connections", "dropins", "apoptoses", "gradient_steps", "generations", "wall_seconds"}}
	n := r.Tasks()
	if withR {
		for j := range n {
			t.columns = append(t.columns, "R_task_"+strconv.Itoa(j))
		}
	}
	for i, p := range r.Phases {
		cells := []any{p.Index, p.Task, p.NewTask, p.Neurons, p.Connections, p.Dropins, p.Apoptoses, p.GradientSteps, p.Generations, p.WallSeconds}
		if withR {
			for j := range n {
				if j < len(r.R[i]) {
					cells = append(cells, r.R[i][j])
				} else {
					cells = append(cells, "")
				}
			}
		}
		t.rows = append(t.rows, cells)
	}
	return t
}

// sortKeys are the orders inspect --sort allows.
var sortKeys = []string{"fitness", "neurons", "connections", "age"}

// loadCheckpoint loads the checkpoint arg names for command: a checkpoint
// file, or a run directory, whose newest valid checkpoint it takes. It
// warns on stderr about each damaged checkpoint skipped. When there is
// none to load it writes a message naming the file and the problem and
// returns false.
func loadCheckpoint(command, arg string, stderr io.Writer) (*population.State, string, bool) {
	s, file, skipped, err := checkpoints.Load(arg)
	warnSkipped(stderr, command, skipped)
	if err == nil {
		return s, file, true
	}
	var corrupt *checkpoints.CorruptError
	switch {
	case len(skipped) > 0:
		fmt.Fprintf(stderr, "evolve %s: %s: no valid checkpoint: all %d are damaged (see the warnings above)\n", command, arg, len(skipped))
	case errors.As(err, &corrupt):
		fmt.Fprintf(stderr, "evolve %s: %s is not a usable checkpoint: %s\n", command, corrupt.File, corrupt.Problem)
	case errors.Is(err, checkpoints.ErrNoCheckpoint):
		fmt.Fprintf(stderr, "evolve %s: %s holds no checkpoint (want a checkpoint file, or a run directory holding %s/gen-NNNNNN.ckpt)\n", command, arg, checkpointsDir)
	case errors.Is(err, os.ErrNotExist):
		if _, serr := os.Stat(arg); serr != nil {
			fmt.Fprintf(stderr, "evolve %s: %s: no such file or directory (want a run directory or a checkpoint file)\n", command, arg)
		} else {
			fmt.Fprintf(stderr, "evolve %s: %s holds no checkpoint (want a checkpoint file, or a run directory holding %s/gen-NNNNNN.ckpt)\n", command, arg, checkpointsDir)
		}
	default:
		fmt.Fprintf(stderr, "evolve %s: %s: %v\n", command, arg, err)
	}
	return nil, "", false
}

// metricName returns the name of the task's metric (tasks.Info.Metric), or
// "" when the task has none or is unknown to this program.
func metricName(s *population.State) string {
	info, err := taskInfo(s.Config)
	if err != nil {
		return ""
	}
	return info.Metric
}

// headline describes the checkpoint s, read from file, in one line.
func headline(s *population.State, file string) string {
	gen := strconv.Itoa(s.Generation)
	if !s.Evaluated {
		gen += " (bred, not evaluated yet)"
	}
	line := fmt.Sprintf("%s: task %s, generation %s, population %d, species %d", file, s.Config.Task, gen, len(s.Genomes), len(s.Species.Species))
	if s.Best != nil {
		line += fmt.Sprintf(", %s %.6g (genome %d)", strings.TrimPrefix(bestRole(s), "the "), s.Best.Fitness, s.Best.ID)
	}
	if s.Solver != nil {
		line += fmt.Sprintf(", solved in generation %d (genome %d)", s.SolvedGeneration, s.Solver.ID)
	}
	return line
}

// describe returns the headline's facts as the fields of a JSON object.
// The number of species is "species_count", so that it never clashes with
// the rows of --species, listed under "species".
func describe(s *population.State, file string) object {
	o := object{
		{"file", file},
		{"task", s.Config.Task},
		{"generation", s.Generation},
		{"evaluated", s.Evaluated},
		{"population", len(s.Genomes)},
		{"species_count", len(s.Species.Species)},
	}
	if s.Best != nil {
		o = append(o, field{"best_fitness", s.Best.Fitness}, field{"best_genome", s.Best.ID})
	}
	o = append(o, field{"solved_generation", s.SolvedGeneration})
	if s.Solver != nil {
		o = append(o, field{"solver_genome", s.Solver.ID})
	}
	return o
}

// genomeTable lists the genomes of s in the order named by sortBy.
func genomeTable(s *population.State, sortBy string) *table {
	speciesOf := make([]int, len(s.Genomes))
	for i := range speciesOf {
		speciesOf[i] = -1
	}
	if s.Evaluated {
		for _, sp := range s.Species.Species {
			for _, m := range sp.Members {
				if m >= 0 && m < len(speciesOf) {
					speciesOf[m] = sp.ID
				}
			}
		}
	}
	order := make([]int, len(s.Genomes))
	for i := range order {
		order[i] = i
	}
	fitness := func(i int) float64 {
		if !s.Evaluated {
			return 0 // unknown: every genome ties
		}
		return s.Genomes[i].Fitness
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ga, gb := s.Genomes[a], s.Genomes[b]
		var c int
		switch sortBy {
		case "neurons":
			c = cmp.Compare(ga.HiddenCount(), gb.HiddenCount())
		case "connections":
			c = cmp.Compare(ga.EnabledCount(), gb.EnabledCount())
		case "age":
			c = cmp.Compare(ga.Born, gb.Born)
		}
		if c != 0 {
			return c
		}
		if c := cmp.Compare(fitness(b), fitness(a)); c != 0 {
			return c
		}
		return cmp.Compare(ga.ID, gb.ID)
	})

	metric := metricName(s)
	t := &table{name: "genomes", columns: []string{"rank", "genome", "species", "fitness"}}
	if metric != "" {
		t.columns = append(t.columns, metric)
	}
	t.columns = append(t.columns, "hidden", "connections", "depth", "age", "dropins", "apoptoses", "parents")
	for rank, i := range order {
		g := s.Genomes[i]
		row := []any{rank + 1, g.ID, nil, nil}
		if speciesOf[i] >= 0 {
			row[2] = speciesOf[i]
		}
		if s.Evaluated {
			row[3] = g.Fitness
		}
		if metric != "" {
			if s.Evaluated && i < len(s.Outcomes) {
				row = append(row, s.Outcomes[i].Metric)
			} else {
				row = append(row, nil)
			}
		}
		parents := []int{}
		for _, p := range g.Parents {
			if p >= 0 {
				parents = append(parents, p)
			}
		}
		row = append(row, g.HiddenCount(), g.EnabledCount(), depth(g), s.Generation-g.Born, g.Dropins, g.Apoptoses, parents)
		t.rows = append(t.rows, row)
	}
	return t
}

// speciesTable lists the species of s, fittest first (by the fitness of
// their best member), ties and unevaluated generations by ID.
func speciesTable(s *population.State) *table {
	t := &table{name: "species", columns: []string{"species", "size", "best_fitness", "best_ever", "age", "since_improvement"}}
	list := slices.Clone(s.Species.Species)
	current := func(i int) (float64, bool) {
		sp := list[i]
		if !s.Evaluated || len(sp.Members) == 0 || sp.Members[0] < 0 || sp.Members[0] >= len(s.Genomes) {
			return 0, false
		}
		// Members are ranked, fittest first.
		return s.Genomes[sp.Members[0]].Fitness, true
	}
	order := make([]int, len(list))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		fa, _ := current(a)
		fb, _ := current(b)
		if c := cmp.Compare(fb, fa); c != 0 {
			return c
		}
		return cmp.Compare(list[a].ID, list[b].ID)
	})
	for _, i := range order {
		sp := list[i]
		row := []any{sp.ID, nil, nil, sp.Best, s.Generation - sp.Created, s.Generation - sp.LastImproved}
		if f, ok := current(i); ok {
			row[1], row[2] = len(sp.Members), f
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// depth returns the number of connections on the longest path of enabled
// connections from an input or bias node to an output node, or 0 when no
// output can be reached. The connections a recurrent network reads from
// the previous step (genome.Recurrent: those that break its cycles) are not
// followed, so every path is finite and the depth is that of the network
// one step computes.
func depth(g *genome.Genome) int {
	rec, err := genome.Recurrent(g)
	if err != nil {
		return 0 // not a valid genome: nothing to measure
	}
	longest := longestPaths(g, rec)
	d := 0
	for v, nd := range g.Nodes {
		if nd.Kind == genome.Output {
			d = max(d, longest[v])
		}
	}
	return d
}

// longestPaths returns, for each node of g (indexed like g.Nodes), the
// most connections on a path to it from an input or bias node over the
// enabled connections that rec (indexed like g.Conns) does not mark, or
// -1 where there is none. Without the marked connections the enabled ones
// must form no cycle, as genome.Recurrent leaves them.
func longestPaths(g *genome.Genome, rec []bool) []int {
	n := len(g.Nodes)
	out := make([][]int, n) // target node indices
	indeg := make([]int, n)
	for i, c := range g.Conns {
		from, to := g.NodeIndex(c.From), g.NodeIndex(c.To)
		if c.Enabled && !rec[i] && from >= 0 && to >= 0 {
			out[from] = append(out[from], to)
			indeg[to]++
		}
	}
	longest := make([]int, n)
	var queue []int
	for v, nd := range g.Nodes {
		longest[v] = -1
		if nd.Kind == genome.Input || nd.Kind == genome.Bias {
			longest[v] = 0
		}
		if indeg[v] == 0 {
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range out[v] {
			if longest[v] >= 0 {
				longest[w] = max(longest[w], longest[v]+1)
			}
			if indeg[w]--; indeg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	return longest
}

// table is what inspect and show print: named columns and rows of values,
// each an int, a float64, a string, a bool, a []int, or nil for unknown.
type table struct {
	name    string // the key of the rows in JSON
	columns []string
	rows    [][]any
}

// text formats v for a text table: floats to 6 significant digits, nil as
// "-", a []int as a comma-separated list.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case float64:
		return strconv.FormatFloat(v, 'g', 6, 64)
	case []int:
		if len(v) == 0 {
			return "-"
		}
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.Itoa(x)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}

// csvText formats v for CSV: floats in full precision, nil as "", a []int
// separated by spaces.
func csvText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []int:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.Itoa(x)
		}
		return strings.Join(s, " ")
	}
	return fmt.Sprint(v)
}

// writeText writes t as a text table (tablewriter), numbers aligned right.
func (t *table) writeText(w io.Writer) error {
	tb := tablewriter.NewTable(w, tablewriter.WithRowAlignment(tw.AlignRight))
	tb.Header(t.columns)
	for _, row := range t.rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = text(v)
		}
		if err := tb.Append(cells); err != nil {
			return err
		}
	}
	return tb.Render()
}

// writeCSV writes t as CSV with a header line of column names.
func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.columns)
	for _, row := range t.rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = csvText(v)
		}
		cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes head as an indented JSON object with the rows of t, as
// objects keyed by column, added under key.
func (t *table) writeJSON(w io.Writer, head object, key string) error {
	rows := make([]object, len(t.rows))
	for r, row := range t.rows {
		o := make(object, len(row))
		for i, v := range row {
			o[i] = field{t.columns[i], v}
		}
		rows[r] = o
	}
	b, err := json.MarshalIndent(append(head, field{key, rows}), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// object is a JSON object whose keys keep their order.
type object []field

type field struct {
	key   string
	value any
}

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
