package main

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/species"
)

// inspectedRun writes a run directory of 12 generations of XOR with
// checkpoints of generations 4, 9 and 11, and returns its path.
func inspectedRun(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	mustCall(t, runCmd, "--task", "xor", "--seed", "2", "--generations", "12", "--stop-on-solve=false",
		"--checkpoint-every", "5", "--quiet", "--out", dir)
	return dir
}

// parseCSV parses out as CSV with the given header line and returns the
// records after it, each as a map from column to field.
func parseCSV(t *testing.T, out string, header []string) []map[string]string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("parsing CSV %q: %v", out, err)
	}
	if len(records) == 0 || !slices.Equal(records[0], header) {
		t.Fatalf("CSV header %q, want %q", records[:min(1, len(records))], header)
	}
	var rows []map[string]string
	for _, r := range records[1:] {
		m := make(map[string]string)
		for i, f := range r {
			m[header[i]] = f
		}
		rows = append(rows, m)
	}
	return rows
}

// column returns the named column of rows as numbers.
func column(t *testing.T, rows []map[string]string, name string) []float64 {
	t.Helper()
	xs := make([]float64, len(rows))
	for i, r := range rows {
		x, err := strconv.ParseFloat(r[name], 64)
		if err != nil {
			t.Fatalf("row %d: %s %q: %v", i+1, name, r[name], err)
		}
		xs[i] = x
	}
	return xs
}

// uniqueKeys fails the test unless data is JSON in which no object has a
// key twice: decoders keep one of the two silently.
func uniqueKeys(t *testing.T, what string, data []byte) {
	t.Helper()
	if err := checkKeys(json.NewDecoder(bytes.NewReader(data))); err != nil {
		t.Errorf("%s: %v:\n%s", what, err, data)
	}
}

// checkKeys reads one JSON value from dec and returns an error naming the
// first key that an object of it holds twice.
func checkKeys(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := make(map[string]bool)
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			if seen[k.(string)] {
				return fmt.Errorf("key %q twice in one object", k)
			}
			seen[k.(string)] = true
			if err := checkKeys(dec); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for dec.More() {
			if err := checkKeys(dec); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

var genomeColumns = []string{"rank", "genome", "species", "fitness", "accuracy", "hidden", "connections", "depth", "age", "dropins", "apoptoses", "parents"}

func TestInspect(t *testing.T) {
	t.Parallel()
	dir := inspectedRun(t)
	newest := filepath.Join(dir, checkpointsDir, checkpoints.Name(11))

	// The table: a headline, then a header row and --top rows.
	out, _ := mustCall(t, inspectCmd, dir, "--top", "5")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, want := range []string{newest + ":", "task xor", "generation 11", "population 150", "species "} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("inspect headline %q, want it to contain %q", lines[0], want)
		}
	}
	rows := 0
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "│") {
			rows++
		}
	}
	if rows != 6 {
		t.Errorf("inspect --top 5: %d table rows, want a header and 5:\n%s", rows, out)
	}
	if !strings.Contains(out, "ACCURACY") || !strings.Contains(out, "DEPTH") || !strings.Contains(out, "PARENTS") {
		t.Errorf("inspect table lacks the accuracy, depth or parents column:\n%s", out)
	}

	// CSV: every genome, fittest first.
	out, _ = mustCall(t, inspectCmd, dir, "--top", "0", "--format", "csv")
	all := parseCSV(t, out, genomeColumns)
	if len(all) != 150 {
		t.Fatalf("inspect --top 0 --format csv: %d rows, want 150", len(all))
	}
	if f := column(t, all, "fitness"); !slices.IsSortedFunc(f, func(a, b float64) int { return int(b - a) }) || f[0] < f[len(f)-1] {
		t.Errorf("fitness not in falling order: %v", f)
	}
	if r := column(t, all, "rank"); r[0] != 1 || r[149] != 150 {
		t.Errorf("ranks run from %v to %v, want 1 to 150", r[0], r[149])
	}
	for _, sortBy := range []string{"neurons", "connections", "age"} {
		out, _ := mustCall(t, inspectCmd, dir, "--top", "0", "--format", "csv", "--sort", sortBy)
		rows := parseCSV(t, out, genomeColumns)
		name, sign := map[string]string{"neurons": "hidden", "connections": "connections", "age": "age"}[sortBy], 1.0
		if sortBy == "age" {
			sign = -1 // oldest first
		}
		xs := column(t, rows, name)
		for i := 1; i < len(xs); i++ {
			if sign*xs[i] < sign*xs[i-1] {
				t.Errorf("--sort %s: %s %v after %v", sortBy, name, xs[i], xs[i-1])
				break
			}
		}
	}

	// JSON: the headline's facts and the rows as objects.
	out, _ = mustCall(t, inspectCmd, dir, "--format", "json")
	var doc struct {
		File       string           `json:"file"`
		Task       string           `json:"task"`
		Generation int              `json:"generation"`
		Population int              `json:"population"`
		Species    int              `json:"species_count"`
		Genomes    []map[string]any `json:"genomes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("inspect --format json: %v\n%s", err, out)
	}
	uniqueKeys(t, "inspect --format json", []byte(out))
	if doc.File != newest || doc.Task != "xor" || doc.Generation != 11 || doc.Population != 150 || len(doc.Genomes) != 10 {
		t.Errorf("inspect --format json: file %q, task %q, generation %d, population %d, %d genomes; want %s, xor, 11, 150, 10",
			doc.File, doc.Task, doc.Generation, doc.Population, len(doc.Genomes), newest)
	}
	for _, c := range genomeColumns {
		if _, ok := doc.Genomes[0][c]; !ok {
			t.Errorf("inspect --format json: genome lacks %q: %v", c, doc.Genomes[0])
		}
	}

	// Species: one row each, their sizes adding up to the population.
	out, _ = mustCall(t, inspectCmd, dir, "--species", "--top", "0", "--format", "csv")
	species := parseCSV(t, out, []string{"species", "size", "best_fitness", "best_ever", "age", "since_improvement"})
	if len(species) != doc.Species {
		t.Errorf("inspect --species: %d rows, want %d species", len(species), doc.Species)
	}
	total := 0.0
	for _, n := range column(t, species, "size") {
		total += n
	}
	if total != 150 {
		t.Errorf("inspect --species: sizes add up to %v, want 150", total)
	}
	// JSON: the species under "species", their number under
	// "species_count", each key once.
	out, _ = mustCall(t, inspectCmd, dir, "--species", "--top", "0", "--format", "json")
	uniqueKeys(t, "inspect --species --format json", []byte(out))
	var sdoc struct {
		Count   int              `json:"species_count"`
		Species []map[string]any `json:"species"`
	}
	if err := json.Unmarshal([]byte(out), &sdoc); err != nil {
		t.Fatalf("inspect --species --format json: %v\n%s", err, out)
	}
	if sdoc.Count != doc.Species || len(sdoc.Species) != doc.Species {
		t.Errorf("inspect --species --format json: species_count %d and %d rows; want %d of each", sdoc.Count, len(sdoc.Species), doc.Species)
	}
	out, _ = mustCall(t, inspectCmd, dir, "--species")
	if !strings.Contains(out, "SINCE IMPROVEMENT") {
		t.Errorf("inspect --species table lacks its columns:\n%s", out)
	}

	// A checkpoint file rather than a directory.
	older := filepath.Join(dir, checkpointsDir, checkpoints.Name(4))
	out, _ = mustCall(t, inspectCmd, older)
	if !strings.HasPrefix(out, older+": task xor, generation 4,") {
		t.Errorf("inspect %s: headline %q", older, strings.SplitN(out, "\n", 2)[0])
	}
}

// TestFindGenomeRoles checks the role show gives a genome, above all when
// the best ever and the solver are the same genome or two different ones.
func TestFindGenomeRoles(t *testing.T) {
	best, solver := &genome.Genome{ID: 7}, &genome.Genome{ID: 3}
	rep := &genome.Genome{ID: 5}
	s := &population.State{Genomes: []*genome.Genome{{ID: 11}}, Best: best, Solver: solver, Species: &species.Set{
		Species: []*species.Species{{ID: 2, Rep: rep}},
	}}
	for _, tt := range []struct {
		id   int
		want string
	}{
		{11, "a genome of generation 0, not evaluated yet"},
		{7, "the best ever"},
		{3, "the solver"},
		{5, "the representative of species 2"},
		{9, ""},
	} {
		if _, role := findGenome(s, tt.id); role != tt.want {
			t.Errorf("findGenome(%d) = %q, want %q", tt.id, role, tt.want)
		}
	}
	s.Solver = best
	if g, role := findGenome(s, 7); g != best || role != "the best ever and the solver" {
		t.Errorf("findGenome(7) with the best ever also the solver = %v, %q", g, role)
	}
	// A generation not evaluated: a copy without a fitness. Evaluated: the
	// genome itself.
	s.Genomes[0].Fitness = 4
	if g, _ := findGenome(s, 11); g == s.Genomes[0] || !math.IsNaN(g.Fitness) || !strings.Contains(fitnessText(g.Fitness), "not evaluated") {
		t.Errorf("findGenome(11) before evaluation: fitness %v (%s); want a copy with NaN", g.Fitness, fitnessText(g.Fitness))
	}
	s.Evaluated = true
	if g, role := findGenome(s, 11); g != s.Genomes[0] || role != "a genome of generation 0" || fitnessText(g.Fitness) != "fitness 4" {
		t.Errorf("findGenome(11) evaluated = %v, %q", g, role)
	}
	// On a continual stream the stored best is the last generation's
	// champion, not the best ever.
	s.Config.Task = "bitflip"
	if _, role := findGenome(s, 7); role != "the last generation's champion and the solver" {
		t.Errorf("findGenome(7) on a stream = %q", role)
	}
}

func TestShow(t *testing.T) {
	t.Parallel()
	dir := inspectedRun(t)
	best, err := os.ReadFile(filepath.Join(dir, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	var g genome.Genome
	if err := json.Unmarshal(best, &g); err != nil {
		t.Fatal(err)
	}

	out, _ := mustCall(t, showCmd, dir, "--format", "json")
	uniqueKeys(t, "show --format json", []byte(out))
	if out != string(best) {
		t.Errorf("show --format json differs from best.json:\n%s\n---\n%s", out, best)
	}

	out, _ = mustCall(t, showCmd, dir)
	if !strings.HasPrefix(out, "genome "+strconv.Itoa(g.ID)+", the best ever,") || !strings.Contains(out, "neurons:") || !strings.Contains(out, "connections:") {
		t.Errorf("show: want a line about genome %d, then neurons and connections:\n%s", g.ID, out)
	}
	if rows := strings.Count(out, "\n│"); rows != len(g.Nodes)+len(g.Conns)+2 {
		t.Errorf("show: %d table rows, want %d neurons, %d connections and two headers:\n%s", rows, len(g.Nodes), len(g.Conns), out)
	}

	out, _ = mustCall(t, showCmd, dir, "--format", "dot")
	if !strings.HasPrefix(out, "digraph ") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("show --format dot: not a digraph:\n%s", out)
	}
	nodes := regexp.MustCompile(`(?m)^\s*n\d+ \[`).FindAllString(out, -1)
	edges := regexp.MustCompile(`(?m)^\s*n\d+ -> n\d+ \[`).FindAllString(out, -1)
	if len(nodes) != len(g.Nodes) || len(edges) != len(g.Conns) {
		t.Errorf("show --format dot: %d node and %d edge lines, want %d and %d:\n%s", len(nodes), len(edges), len(g.Nodes), len(g.Conns), out)
	}
	if strings.Count(out, "{") != strings.Count(out, "}") {
		t.Errorf("show --format dot: unbalanced braces:\n%s", out)
	}
	disabled := len(g.Conns) - g.EnabledCount()
	if n := len(regexp.MustCompile(`(?m)^\s*n\d+ -> .*style=dashed\];$`).FindAllString(out, -1)); n != disabled {
		t.Errorf("show --format dot: %d dashed edges, want %d disabled connections", n, disabled)
	}

	// Any genome of the current generation, by ID.
	out, _ = mustCall(t, inspectCmd, dir, "--format", "csv", "--top", "3")
	id := parseCSV(t, out, genomeColumns)[2]["genome"]
	out, _ = mustCall(t, showCmd, dir, "--genome", id, "--format", "json")
	var third genome.Genome
	if err := json.Unmarshal([]byte(out), &third); err != nil || strconv.Itoa(third.ID) != id {
		t.Errorf("show --genome %s: genome %d, %v", id, third.ID, err)
	}

	code, _, stderr := call(t, showCmd, dir, "--genome", "987654")
	if code != exitUsage || !strings.Contains(stderr, "genome 987654 is not in") || !strings.Contains(stderr, "evolve inspect "+dir) {
		t.Errorf("show --genome 987654: exit status %d, stderr %q; want 2 and where to find IDs", code, stderr)
	}
}

// TestShowSolver checks --genome solver: on a solved pole run the genome
// summary.json names as the solver, which need not be the fittest; on an
// unsolved run an error naming what to give instead.
func TestShowSolver(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pole")
	mustCall(t, runCmd, "--task", "double-pole-nv", "--seed", "1", "--quiet", "--out", dir)
	b, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Best   int `json:"best_genome_id"`
		Solver int `json:"solver_genome_id"`
	}
	// Seed 1's champion test picks a genome other than the fittest.
	if err := json.Unmarshal(b, &sum); err != nil || sum.Solver == 0 || sum.Solver == sum.Best {
		t.Fatalf("summary.json %s: want a solver other than the best genome (%v)", b, err)
	}
	out, _ := mustCall(t, showCmd, dir, "--genome", "solver", "--format", "json")
	var g genome.Genome
	if err := json.Unmarshal([]byte(out), &g); err != nil || g.ID != sum.Solver {
		t.Errorf("show --genome solver: genome %d (%v); want the solver %d", g.ID, err, sum.Solver)
	}
	out, _ = mustCall(t, showCmd, dir, "--genome", "solver")
	if !strings.HasPrefix(out, "genome "+strconv.Itoa(sum.Solver)+", the solver, ") {
		t.Errorf("show --genome solver: want a headline naming genome %d, the solver:\n%s", sum.Solver, out)
	}

	unsolved := filepath.Join(t.TempDir(), "xor")
	mustCall(t, runCmd, "--task", "xor", "--seed", "1", "--generations", "2", "--quiet", "--out", unsolved)
	code, stdout, stderr := call(t, showCmd, unsolved, "--genome", "solver")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "had not solved its task by generation 1") || !strings.Contains(stderr, "--genome best") {
		t.Errorf("show --genome solver of an unsolved run: exit status %d, stdout %q, stderr %q; want 2 and what to give instead", code, stdout, stderr)
	}
}

func TestInspectDamaged(t *testing.T) {
	t.Parallel()
	dir := inspectedRun(t)
	newest := filepath.Join(dir, checkpointsDir, checkpoints.Name(11))
	valid, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	damage := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(damage, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	flipped := slices.Clone(valid)
	flipped[len(flipped)-len(flipped)/3] ^= 0xff
	magic := slices.Clone(valid)
	magic[0] = 'X'
	future := slices.Clone(valid)
	binary.BigEndian.PutUint32(future[8:], 99) // the format version (checkpoints/doc.go)
	noCkpts := filepath.Join(damage, "nothing")
	if err := os.Mkdir(noCkpts, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		problem string
	}{
		{write("truncated.ckpt", valid[:len(valid)/2]), "truncated"},
		{write("flipped.ckpt", flipped), "checksum"},
		{write("magic.ckpt", magic), "not a neuroplast checkpoint"},
		{write("future.ckpt", future), "version 99"},
		{write("empty.ckpt", nil), "empty"},
		{noCkpts, "no checkpoint"},
		{filepath.Join(damage, "missing"), "no such file"},
	}
	for _, tt := range tests {
		for _, cmd := range []struct {
			name string
			run  commandFunc
		}{{"inspect", inspectCmd}, {"show", showCmd}} {
			code, stdout, stderr := call(t, cmd.run, tt.path)
			if code != exitUsage || stdout != "" {
				t.Errorf("%s %s: exit status %d, stdout %q; want 2 and nothing", cmd.name, tt.path, code, stdout)
			}
			if !strings.Contains(stderr, tt.path) || !strings.Contains(stderr, tt.problem) {
				t.Errorf("%s %s: stderr %q, want the file and %q", cmd.name, tt.path, stderr, tt.problem)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("%s %s: stderr holds a stack trace: %q", cmd.name, tt.path, stderr)
			}
		}
	}

	// A damaged newest checkpoint in a run directory: a warning, and the
	// one before it.
	if err := os.WriteFile(newest, valid[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr := mustCall(t, inspectCmd, dir)
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, newest) || !strings.Contains(stderr, "truncated") {
		t.Errorf("inspect past a damaged checkpoint: stderr %q, want a warning naming %s and the problem", stderr, newest)
	}
	if want := filepath.Join(dir, checkpointsDir, checkpoints.Name(9)) + ": "; !strings.HasPrefix(out, want) {
		t.Errorf("inspect past a damaged checkpoint: headline %q, want it to start with %q", strings.SplitN(out, "\n", 2)[0], want)
	}
}

func TestDepth(t *testing.T) {
	t.Parallel()
	// Nodes 0 and 1 are inputs, 2 the bias, 3 the output; 4 to 6 hidden.
	nodes := []genome.Node{{ID: 0, Kind: genome.Input}, {ID: 1, Kind: genome.Input}, {ID: 2, Kind: genome.Bias},
		{ID: 3, Kind: genome.Output}, {ID: 4, Kind: genome.Hidden}, {ID: 5, Kind: genome.Hidden}, {ID: 6, Kind: genome.Hidden}}
	type edge struct {
		from, to int
		enabled  bool
	}
	tests := []struct {
		name  string
		edges []edge
		want  int
	}{
		{"no connections", nil, 0},
		{"direct", []edge{{0, 3, true}, {1, 3, true}}, 1},
		{"chain", []edge{{0, 4, true}, {4, 5, true}, {5, 3, true}, {1, 3, true}}, 3},
		{"longest of two", []edge{{0, 4, true}, {4, 3, true}, {1, 5, true}, {5, 6, true}, {6, 3, true}}, 3},
		{"disabled link", []edge{{0, 4, true}, {4, 5, false}, {5, 3, true}, {4, 3, true}}, 2},
		{"dead end", []edge{{0, 4, true}, {4, 5, true}, {0, 3, true}}, 1},
		{"from the bias", []edge{{2, 4, true}, {4, 3, true}}, 2},
		{"not from an input", []edge{{4, 5, true}, {5, 6, true}, {6, 3, true}, {0, 3, true}}, 1},
		{"cycle", []edge{{0, 4, true}, {4, 5, true}, {5, 4, true}, {5, 3, true}}, 3},
		{"self-loop", []edge{{0, 4, true}, {4, 4, true}, {4, 3, true}}, 2},
		{"through the output", []edge{{0, 3, true}, {3, 4, true}, {4, 3, true}}, 1},
		// Where a cycle is broken is the network's choice (genome.Recurrent),
		// not the order a search meets it in: here 5->4 is read from the
		// previous step, so 0->4->5->3 is a path of the step.
		{"cycle met early", []edge{{0, 5, true}, {5, 4, true}, {0, 4, true}, {4, 5, true}, {5, 3, true}}, 3},
		// The network reads 6->3 from the previous step: within a step no
		// input reaches the output.
		{"hidden on a cycle through the output", []edge{{3, 6, true}, {0, 6, true}, {6, 3, true}}, 0},
	}
	for _, tt := range tests {
		g := &genome.Genome{Nodes: nodes}
		for i, e := range tt.edges {
			g.Conns = append(g.Conns, genome.Conn{Innov: i, From: e.from, To: e.to, Weight: 1, Enabled: e.enabled})
		}
		if got := depth(g); got != tt.want {
			t.Errorf("depth(%s) = %d; want %d", tt.name, got, tt.want)
		}
	}
}

// TestTableFormats checks the formatting of values that the run fixtures
// rarely produce: unknown values, empty parent lists, extreme fitness.
func TestTableFormats(t *testing.T) {
	t.Parallel()
	tb := &table{name: "rows", columns: []string{"a", "b", "c"}}
	tb.rows = [][]any{{nil, []int{}, -1.7976931348623157e308}, {1, []int{4, 5}, 0.1}}
	var b bytes.Buffer
	if err := tb.writeCSV(&b); err != nil {
		t.Fatal(err)
	}
	if want := "a,b,c\n,,-1.7976931348623157e+308\n1,4 5,0.1\n"; b.String() != want {
		t.Errorf("CSV %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := tb.writeJSON(&b, object{{"k", "v"}}, tb.name); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, b.String())
	}
	if !strings.HasPrefix(b.String(), "{\n  \"k\": \"v\",\n  \"rows\": [") || !strings.Contains(b.String(), `"b": []`) {
		t.Errorf("JSON keeps neither order nor empty lists:\n%s", b.String())
	}
	b.Reset()
	if err := tb.writeText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "-1.79769e+308") || !strings.Contains(b.String(), "4, 5") {
		t.Errorf("text table:\n%s", b.String())
	}
}
