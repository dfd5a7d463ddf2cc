package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/continual"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	pm := continualDir(t, base, "pm", eightPhases())
	bf := continualDir(t, base, "bf", bitflip())
	// bitflip's summary.json names its strategy; its wall_seconds, as
	// after a resume, covers only the last part of the run and is not
	// taken: the wall time is the phases' sum, 3 s.
	writePlotFile(t, filepath.Join(bf, summaryFile), `{"task": "bitflip", "strategy": "backprop", "wall_seconds": 1.25}`)

	columns := []string{"dir", "strategy", "task", "metric", "phases", "status", "ACC", "BWT", "FWT",
		"new_metric_first_quarter", "new_metric_last_quarter", "neurons", "connections", "gradient_steps", "wall_seconds"}
	out, _ := mustCall(t, compareCmd, pm, bf, "--format", "csv")
	rows := parseCSV(t, out, columns)
	if len(rows) != 2 {
		t.Fatalf("compare --format csv: %d rows, want 2:\n%s", len(rows), out)
	}
	want := []map[string]string{
		{"dir": pm, "strategy": "plastic", "task": "permuted-mnist", "metric": "accuracy", "phases": "8",
			"neurons": "17", "connections": "135", "gradient_steps": "8000", "wall_seconds": "16"},
		{"dir": bf, "strategy": "backprop", "task": "bitflip", "metric": "mse", "phases": "3", "FWT": "",
			"new_metric_first_quarter": "0.3", "new_metric_last_quarter": "0.125",
			"neurons": "5", "connections": "32", "gradient_steps": "1500", "wall_seconds": "3"},
	}
	for i, w := range want {
		for k, v := range w {
			if rows[i][k] != v {
				t.Errorf("compare row %d: %s = %q; want %q", i+1, k, rows[i][k], v)
			}
		}
	}
	nums := map[string][]float64{
		"ACC":                      {0.50625, 0.375},
		"BWT":                      {-0.25, 0.25},
		"new_metric_first_quarter": {0.875, 0.3},
		"new_metric_last_quarter":  {0.575, 0.125},
	}
	if x := column(t, rows[:1], "FWT")[0]; math.Abs(x-0.1) > 1e-12 {
		t.Errorf("compare row 1: FWT = %v; want 0.1", x)
	}
	for name, ws := range nums {
		for i, x := range column(t, rows, name) {
			if math.Abs(x-ws[i]) > 1e-12 {
				t.Errorf("compare row %d: %s = %v; want %v", i+1, name, x, ws[i])
			}
		}
	}

	// Runs of one metric name the quarter columns by it.
	out, _ = mustCall(t, compareCmd, pm, "--format", "csv")
	columns[9], columns[10] = "new_accuracy_first_quarter", "new_accuracy_last_quarter"
	parseCSV(t, out, columns)

	// The table; a continual.json may be named instead of its directory.
	out, _ = mustCall(t, compareCmd, pm, filepath.Join(bf, continualFile))
	cells := tableRows(out)
	if len(cells) != 3 {
		t.Fatalf("compare: %d table rows, want a header and 2:\n%s", len(cells), out)
	}
	if got := strings.Join(cells[0], "|"); got != "DIR|STRATEGY|TASK|METRIC|PHASES|STATUS|ACC|BWT|FWT|NEW METRIC FIRST QUARTER|NEW METRIC LAST QUARTER|NEURONS|CONNECTIONS|GRADIENT STEPS|WALL SECONDS" {
		t.Errorf("compare header %q", got)
	}
	if got, want := strings.Join(cells[1][1:], "|"), "plastic|permuted-mnist|accuracy|8|complete|0.50625|-0.25|0.1|0.875|0.575|17|135|8000|16"; got != want {
		t.Errorf("compare row 1 %q; want %q", got, want)
	}
	// Without its summary.json: no strategy, the phases' time.
	if got, want := strings.Join(cells[2][1:], "|"), "|bitflip|mse|3|-|0.375|0.25|-|0.3|0.125|5|32|1500|3"; got != want {
		t.Errorf("compare row 2 %q; want %q", got, want)
	}

	out, _ = mustCall(t, compareCmd, pm, bf, "--format", "json")
	var doc struct {
		Runs []map[string]any `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("compare --format json: %v\n%s", err, out)
	}
	if len(doc.Runs) != 2 || doc.Runs[0]["dir"] != pm || doc.Runs[1]["FWT"] != nil || doc.Runs[1]["wall_seconds"] != 3.0 {
		t.Errorf("compare --format json: %v", doc.Runs)
	}

	// evolve dispatches to compare.
	if code, stdout, stderr := call(t, evolve, "compare", pm); code != exitOK || !strings.Contains(stdout, "permuted-mnist") {
		t.Errorf("evolve compare %s: exit %d, %q, %q", pm, code, stdout, stderr)
	}
}

func TestCompareErrors(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	good := continualDir(t, base, "good", bitflip())
	plain := filepath.Join(base, "plain")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	damaged := continualDir(t, base, "damaged", bitflip())
	writePlotFile(t, filepath.Join(damaged, continualFile), `{"metric": "mse", "R": [[0.5]], "ACC": 0.25}`)
	badSummary := continualDir(t, base, "bad-summary", bitflip())
	writePlotFile(t, filepath.Join(badSummary, summaryFile), `{"strategy": 7}`)

	tests := []struct {
		args []string
		want string
	}{
		{nil, "no run directory: give one or more DIR holding continual.json"},
		{[]string{good, plain}, plain + " has no continual.json (not a continual run)"},
		{[]string{filepath.Join(base, "missing")}, filepath.Join(base, "missing") + ": no such run directory"},
		{[]string{good, damaged}, filepath.Join(damaged, continualFile) + ": ACC is 0.25 but R gives 0.5"},
		{[]string{badSummary}, filepath.Join(badSummary, summaryFile) + `: field "strategy" is a JSON number, want a string`},
		{[]string{good, "--format", "xml"}, `--format "xml": allowed: table, csv, json`},
		{[]string{good, "--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		code, stdout, stderr := call(t, compareCmd, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("compare %q: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	if code, _, stderr := call(t, evolve, "compare", "-h"); code != exitOK || !strings.Contains(stderr, "-format") {
		t.Errorf("evolve compare -h: exit %d, %q; want 0 and the flags", code, stderr)
	}
}

// TestCompareMixedAndPartial: compare warns when the runs differ in task
// or metric, and marks a run that was interrupted or closed fewer phases
// than its stream has.
func TestCompareMixedAndPartial(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	pm := continualDir(t, base, "pm", eightPhases())
	bf := continualDir(t, base, "bf", bitflip())

	_, stderr := mustCall(t, compareCmd, pm, bf)
	for _, want := range []string{"different tasks (permuted-mnist, bitflip)", "different metrics (accuracy, mse)", "mse is lower-is-better, so its positive BWT means forgetting"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("compare of an accuracy and an mse run: stderr %q; want %q", stderr, want)
		}
	}
	if _, stderr := mustCall(t, compareCmd, pm, pm); stderr != "" {
		t.Errorf("compare of runs of one task and metric: stderr %q; want none", stderr)
	}

	// Three of eight phases: b names all eight.
	short := eightPhases()
	cut := &continual.Tracker{Task: short.Task, Strategy: short.Strategy, Metric: short.Metric, B: short.B}
	for i := range 3 {
		row := make([]float64, 8)
		row[i] = 0.9
		cut.AddPhase(row, continual.Phase{WallSeconds: 1})
	}
	partial := continualDir(t, base, "partial", cut)
	// Interrupted, by its summary.json.
	stopped := continualDir(t, base, "stopped", bitflip())
	writePlotFile(t, filepath.Join(stopped, summaryFile), `{"task": "bitflip", "interrupted": true, "wall_seconds": 1}`)
	// Three of five phases, by its config.toml.
	short5 := continualDir(t, base, "short5", bitflip())
	writePlotFile(t, filepath.Join(short5, configFile), "task = \"bitflip\"\n[continual]\nphases = 5\n")
	full3 := continualDir(t, base, "full3", bitflip())
	writePlotFile(t, filepath.Join(full3, configFile), "task = \"bitflip\"\n[continual]\nphases = 3\n")

	out, _ := mustCall(t, compareCmd, pm, partial, filepath.Join(partial, continualFile), stopped, short5, full3, "--format", "csv")
	r := csv.NewReader(strings.NewReader(out))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range recs[1:] {
		got = append(got, rec[5])
	}
	if want := "complete partial partial interrupted partial complete"; strings.Join(got, " ") != want {
		t.Errorf("compare status column %q; want %q", got, want)
	}
}
