package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/continual"
)

// continualDir writes tr's report to DIR/continual.json in a new directory
// named name under base, and returns the directory.
func continualDir(t *testing.T, base, name string, tr *continual.Tracker) string {
	t.Helper()
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := tr.Write(filepath.Join(dir, continualFile)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// eightPhases is a permuted-MNIST-like run of 8 phases, tested on all 8
// tasks after every phase and at initialisation (b = 0.1). The accuracy
// on the new task falls by 0.05 a phase, from 0.9 to 0.55; earlier tasks
// drop to 0.5 and later ones stand at 0.2. So
//
//	ACC = (7 * 0.5 + 0.55) / 8 = 0.50625
//	BWT = mean_{j<7} (0.5 - (0.9 - 0.05 j)) = -0.4 + 0.05 * 3 = -0.25
//	FWT = mean_{1≤j<8} (0.2 - 0.1) = 0.1
//
// and the quarters hold 2 phases each: first (0.9 + 0.85) / 2 = 0.875,
// last (0.6 + 0.55) / 2 = 0.575. Phase i has 10+i neurons, 100+5i
// connections, 1000 gradient steps and 2 seconds: in all 8000 steps and
// 16 seconds, ending with 17 neurons and 135 connections.
func eightPhases() *continual.Tracker {
	tr := &continual.Tracker{Task: "permuted-mnist", Strategy: "plastic", Metric: continual.Accuracy}
	for range 8 {
		tr.B = append(tr.B, 0.1)
	}
	for i := range 8 {
		row := make([]float64, 8)
		for j := range row {
			switch {
			case j < i:
				row[j] = 0.5
			case j == i:
				row[j] = 0.9 - 0.05*float64(i)
			default:
				row[j] = 0.2
			}
		}
		tr.AddPhase(row, continual.Phase{
			Neurons: 10 + i, Connections: 100 + 5*i, Dropins: 2, Apoptoses: 1,
			GradientSteps: 1000, Generations: 4, WallSeconds: 2,
		})
	}
	return tr
}

// bitflip is a regression run of 3 phases tested on the tasks seen so far
// only, without b, and without a strategy (summary.json names it):
//
//	ACC = (0.6 + 0.4 + 0.125) / 3 = 0.375
//	BWT = ((0.6 - 0.3) + (0.4 - 0.2)) / 2 = 0.25 (the error rose: forgetting)
//	FWT undefined
//
// Quarters of one phase: first 0.3, last 0.125.
func bitflip() *continual.Tracker {
	tr := &continual.Tracker{Task: "bitflip", Metric: continual.MSE}
	for i, row := range [][]float64{{0.3}, {0.5, 0.2}, {0.6, 0.4, 0.125}} {
		tr.AddPhase(row, continual.Phase{Task: "flip " + string(rune('A'+i)), Neurons: 5, Connections: 30 + i, GradientSteps: 500, WallSeconds: 1})
	}
	return tr
}

func TestInspectContinual(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := continualDir(t, base, "pm", eightPhases())
	file := filepath.Join(dir, continualFile)

	out, _ := mustCall(t, inspectCmd, dir, "--continual")
	lines := strings.Split(out, "\n")
	if want := file + ": 8 phases, metric accuracy (higher is better)"; lines[0] != want {
		t.Errorf("inspect --continual headline %q; want %q", lines[0], want)
	}
	// The summary table.
	cells := tableRows(out)
	find := func(first string) []string {
		t.Helper()
		for _, r := range cells {
			if r[0] == first {
				return r
			}
		}
		t.Fatalf("inspect --continual: no table row starting with %q in\n%s", first, out)
		return nil
	}
	for _, want := range [][]string{
		{"TASK", "STRATEGY", "METRIC", "ACC", "BWT", "FWT", "PHASES"},
		{"permuted-mnist", "plastic", "accuracy", "0.50625", "-0.25", "0.1", "8"},
		{"AFTER PHASE", "TASK 0", "TASK 1", "TASK 2", "TASK 3", "TASK 4", "TASK 5", "TASK 6", "TASK 7"},
		{"0", "0.9", "0.2", "0.2", "0.2", "0.2", "0.2", "0.2", "0.2"},
		{"7", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.55"},
		{"PHASE", "TASK", "NEW ACCURACY", "NEURONS", "CONNECTIONS", "DROPINS", "APOPTOSES", "GRADIENT STEPS", "GENERATIONS", "WALL SECONDS"},
	} {
		if got := find(want[0]); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("inspect --continual row %q; want %q", got, want)
		}
	}
	// The phases table follows the R table: its rows start with 0 too,
	// as continual.json's phases[].index does.
	var phase2 []string
	for _, r := range cells {
		if r[0] == "2" && len(r) == 10 {
			phase2 = r
		}
	}
	if want := "2||0.8|12|110|2|1|1000|4|2"; strings.Join(phase2, "|") != want {
		t.Errorf("inspect --continual phase 2 row %q; want %q", phase2, want)
	}

	// CSV: one row per phase, with its row of R.
	out, _ = mustCall(t, inspectCmd, dir, "--continual", "--format", "csv")
	header := []string{"phase", "task", "new_accuracy", "neurons", "connections", "dropins", "apoptoses", "gradient_steps", "generations", "wall_seconds"}
	for j := range 8 {
		header = append(header, "R_task_"+string(rune('0'+j)))
	}
	rows := parseCSV(t, out, header)
	if len(rows) != 8 {
		t.Fatalf("inspect --continual --format csv: %d rows, want 8", len(rows))
	}
	if r := rows[7]; r["phase"] != "7" || r["new_accuracy"] != "0.55" || r["neurons"] != "17" || r["R_task_0"] != "0.5" || r["R_task_7"] != "0.55" {
		t.Errorf("inspect --continual --format csv: last row %v", r)
	}

	// JSON: the report, with the file.
	out, _ = mustCall(t, inspectCmd, dir, "--continual", "--format", "json")
	uniqueKeys(t, "inspect --continual --format json", []byte(out))
	var doc struct {
		File   string            `json:"file"`
		ACC    float64           `json:"ACC"`
		FWT    *float64          `json:"FWT"`
		R      [][]float64       `json:"R"`
		Phases []continual.Phase `json:"phases"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("inspect --continual --format json: %v\n%s", err, out)
	}
	if doc.File != file || math.Abs(doc.ACC-0.50625) > 1e-12 || doc.FWT == nil || len(doc.R) != 8 || len(doc.Phases) != 8 || doc.Phases[7].Neurons != 17 {
		t.Errorf("inspect --continual --format json: file %q, ACC %v, FWT %v, %d rows, %d phases", doc.File, doc.ACC, doc.FWT, len(doc.R), len(doc.Phases))
	}

	// An error metric measured on the tasks seen so far: blanks above the
	// diagonal, no FWT. The file itself may be named.
	dir = continualDir(t, base, "bf", bitflip())
	out, _ = mustCall(t, inspectCmd, filepath.Join(dir, continualFile), "--continual")
	if !strings.Contains(out, "metric mse (lower is better)") {
		t.Errorf("inspect --continual of an MSE run: headline %q", strings.SplitN(out, "\n", 2)[0])
	}
	cells = tableRows(out)
	for _, want := range [][]string{
		{"bitflip", "", "mse", "0.375", "0.25", "-", "3"},
		{"0", "0.3", "", ""},
		{"1", "0.5", "0.2", ""},
		{"PHASE", "TASK", "NEW MSE", "NEURONS", "CONNECTIONS", "DROPINS", "APOPTOSES", "GRADIENT STEPS", "GENERATIONS", "WALL SECONDS"},
		{"0", "flip A", "0.3", "5", "30", "0", "0", "500", "0", "1"},
	} {
		found := false
		for _, r := range cells {
			found = found || strings.Join(r, "|") == strings.Join(want, "|")
		}
		if !found {
			t.Errorf("inspect --continual of an MSE run: no row %q in\n%s", want, out)
		}
	}
	out, _ = mustCall(t, inspectCmd, dir, "--continual", "--format", "csv")
	if rows := parseCSV(t, out, []string{"phase", "task", "new_mse", "neurons", "connections", "dropins", "apoptoses", "gradient_steps", "generations", "wall_seconds", "R_task_0", "R_task_1", "R_task_2"}); rows[0]["R_task_1"] != "" || rows[1]["R_task_1"] != "0.2" {
		t.Errorf("inspect --continual --format csv of a lower triangle: %v", rows)
	}
}

// tableRows returns the cells of the rows of the text tables in out,
// trimmed.
func tableRows(out string) [][]string {
	var rows [][]string
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "│") {
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.Trim(l, "│"), "│") {
			cells = append(cells, strings.TrimSpace(c))
		}
		rows = append(rows, cells)
	}
	return rows
}

func TestInspectContinualErrors(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	good := continualDir(t, base, "good", bitflip())
	plain := filepath.Join(base, "plain")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(base, "damaged")
	if err := os.Mkdir(damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	writePlotFile(t, filepath.Join(damaged, continualFile), `{"metric": "accuracy", "R": [[0.5], [0.5]]}`)

	tests := []struct {
		args []string
		want string
	}{
		{[]string{plain, "--continual"}, plain + " has no continual.json (not a continual run)"},
		{[]string{filepath.Join(base, "missing"), "--continual"}, filepath.Join(base, "missing") + ": no such run directory"},
		{[]string{damaged, "--continual"}, filepath.Join(damaged, continualFile) + ": R[1] has 1 entries, want at least 2"},
		{[]string{good, "--continual", "--top", "3"}, "--top applies to checkpoints; --continual shows every phase"},
		{[]string{good, "--continual", "--species"}, "--species applies to checkpoints"},
		{[]string{good, "--continual", "--sort", "age"}, "--sort applies to checkpoints"},
		{[]string{good, "--continual", "--format", "xml"}, `--format "xml": allowed: table, csv, json`},
		{[]string{good, good, "--continual"}, "want one run directory"},
	}
	for _, tt := range tests {
		code, stdout, stderr := call(t, inspectCmd, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, "evolve inspect: "+tt.want) || stdout != "" {
			t.Errorf("inspect %q: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// TestPrintContinual checks the line evolve run ends a stream's run with:
// the continual metrics, and which way the metric counts.
func TestPrintContinual(t *testing.T) {
	for _, tt := range []struct {
		tr   *continual.Tracker
		want string
	}{
		{eightPhases(), "continual: 8 phases of accuracy, ACC 0.5062, BWT -0.25, FWT 0.1 (higher is better; continual.json)"},
		{bitflip(), "continual: 3 phases of mse, ACC 0.375, BWT 0.25, FWT - (lower is better, so a positive BWT is forgetting; continual.json)"},
	} {
		r, err := tt.tr.Report()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		printContinual(&b, r)
		if got := strings.TrimSpace(b.String()); got != tt.want {
			t.Errorf("printContinual wrote %q; want %q", got, tt.want)
		}
	}
}

// TestPrintSummaryTestScore checks that the line evolve run ends with gives
// the test score of a supervised run and whose it is: the best genome's,
// which need not be the solver.
func TestPrintSummaryTestScore(t *testing.T) {
	acc, loss, solver := 0.975, 1.4e-5, 2724
	var b strings.Builder
	printSummary(&b, summary{Solved: true, SolvedGeneration: 18, Evaluations: 2850, SolverGenomeID: &solver, BestGenomeID: 9924, TestAccuracy: &acc}, 100)
	printSummary(&b, summary{Generations: 8, BestGenomeID: 7, TestLoss: &loss}, 8)
	for _, want := range []string{"by genome 2724", "genome 9924's test accuracy 0.975", "genome 7's test MSE 1.4e-05"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("printSummary wrote %q; want %q in it", b.String(), want)
		}
	}
}

// TestOnePhaseBWT: with one phase, BWT is undefined as FWT is: "-" in
// tables, empty in CSV, null in JSON, for inspect --continual and compare.
func TestOnePhaseBWT(t *testing.T) {
	t.Parallel()
	tr := &continual.Tracker{Task: "bitflip", Metric: continual.MSE}
	tr.AddPhase([]float64{0.3}, continual.Phase{WallSeconds: 1})
	dir := continualDir(t, t.TempDir(), "one", tr)

	out, _ := mustCall(t, inspectCmd, dir, "--continual")
	if want := "bitflip||mse|0.3|-|-|1"; !slices.ContainsFunc(tableRows(out), func(r []string) bool { return strings.Join(r, "|") == want }) {
		t.Errorf("inspect --continual of one phase: no summary row %q in\n%s", want, out)
	}
	out, _ = mustCall(t, inspectCmd, dir, "--continual", "--format", "json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if v, ok := doc["BWT"]; !ok || v != nil {
		t.Errorf("inspect --continual --format json of one phase: BWT %v (present %v); want null", v, ok)
	}
	out, _ = mustCall(t, compareCmd, dir, "--format", "csv")
	rows := parseCSV(t, out, []string{"dir", "strategy", "task", "metric", "phases", "status", "ACC", "BWT", "FWT",
		"new_mse_first_quarter", "new_mse_last_quarter", "neurons", "connections", "gradient_steps", "wall_seconds"})
	if rows[0]["BWT"] != "" || rows[0]["FWT"] != "" {
		t.Errorf("compare of one phase: BWT %q, FWT %q; want both empty", rows[0]["BWT"], rows[0]["FWT"])
	}
}
