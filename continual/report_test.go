package continual

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fullTracker returns a Tracker holding the run of full (see
// metrics_test.go), with made-up phase facts.
func fullTracker() *Tracker {
	tr := &Tracker{Task: "permuted-mnist", Strategy: "plastic", Metric: Accuracy, B: fullB}
	for i, row := range full {
		tr.AddPhase(row, Phase{
			Index: 7, NewTask: -1, // both overwritten
			Task:    fmt.Sprintf("permutation %d", i),
			Neurons: 10 + i, Connections: 100 + 10*i, Dropins: 3, Apoptoses: i,
			GradientSteps: 1000, Generations: 5, WallSeconds: 1.5,
		})
	}
	return tr
}

func TestTracker(t *testing.T) {
	t.Parallel()
	tr := fullTracker()
	if tr.Phases() != 3 {
		t.Errorf("Phases() = %d; want 3", tr.Phases())
	}
	r, err := tr.Report()
	if err != nil {
		t.Fatal(err)
	}
	if r.Task != "permuted-mnist" || r.Strategy != "plastic" || r.Metric != Accuracy || !r.Higher {
		t.Errorf("Report() = %q, %q, %q, higher %v; want permuted-mnist, plastic, accuracy, true", r.Task, r.Strategy, r.Metric, r.Higher)
	}
	if math.Abs(r.ACC-2.05/3) > tol || r.BWT == nil || math.Abs(*r.BWT+0.3) > tol || r.FWT == nil || math.Abs(*r.FWT-0.15) > tol {
		t.Errorf("Report() ACC %v, BWT %v, FWT %v; want 0.6833, -0.3, 0.15", r.ACC, r.BWT, r.FWT)
	}
	if !reflect.DeepEqual(r.R, full) || !reflect.DeepEqual(r.B, fullB) {
		t.Errorf("Report() R %v, b %v; want %v, %v", r.R, r.B, full, fullB)
	}
	for i, p := range r.Phases {
		if p.Index != i || p.NewTask != full[i][i] || p.Neurons != 10+i {
			t.Errorf("phase %d: %+v; want index %d, new task %v, neurons %d", i, p, i, full[i][i], 10+i)
		}
	}

	// The report owns its slices.
	r.R[0][0], r.B[0] = 0, 0
	if r2, _ := tr.Report(); r2.R[0][0] != 0.9 || r2.B[0] != 0.1 {
		t.Errorf("changing a report changed the tracker's next report: %v, %v", r2.R, r2.B)
	}
	// So does the tracker its rows.
	row := []float64{0.5}
	tr2 := &Tracker{Metric: MSE}
	tr2.AddPhase(row, Phase{})
	row[0] = 7
	if r2, _ := tr2.Report(); r2.R[0][0] != 0.5 || r2.Higher || r2.BWT != nil || r2.FWT != nil {
		t.Errorf("one phase of mse: R %v, higher %v, BWT %v, FWT %v; want [[0.5]], false, none, none", r2.R, r2.Higher, r2.BWT, r2.FWT)
	}
}

func TestTrackerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tr   *Tracker
		rows [][]float64
		want string
	}{
		{&Tracker{Metric: Accuracy}, nil, "continual: no phases yet"},
		{&Tracker{}, [][]float64{{0.5}}, "no metric"},
		{&Tracker{Metric: Accuracy, LowerIsBetter: true}, [][]float64{{0.5}}, "higher_is_better is false, but for accuracy it is true"},
		{&Tracker{Metric: Accuracy}, [][]float64{{0.5}, {0.5, math.NaN()}}, "R[1][1] (task 1 after phase 1) is NaN, want a finite number"},
		{&Tracker{Metric: MSE}, [][]float64{{math.Inf(1)}}, "is +Inf, want a finite number"},
		{&Tracker{Metric: Accuracy}, [][]float64{{1.5}}, "R[0][0] (task 0 after phase 0) is 1.5, not an accuracy (want 0 to 1)"},
		{&Tracker{Metric: MSE}, [][]float64{{-0.5}}, "is -0.5, not a mean squared error"},
		{&Tracker{Metric: Accuracy, B: []float64{0.1}}, [][]float64{{0.5, 0.5}, {0.5, 0.5}}, "b has 1 entries, want at least 2"},
		{&Tracker{Metric: Accuracy, B: []float64{2, 0}}, [][]float64{{0.5}}, "b[0] (task 0 at initialisation) is 2, not an accuracy"},
	}
	for _, tt := range tests {
		for _, row := range tt.rows {
			tt.tr.AddPhase(row, Phase{})
		}
		_, err := tt.tr.Report()
		var re *ReportError
		if err == nil || !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Report() of %v (metric %q): error %v; want a *ReportError containing %q", tt.rows, tt.tr.Metric, err, tt.want)
		}
		path := filepath.Join(t.TempDir(), "continual.json")
		if err := tt.tr.Write(path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Write() of %v: error %v; want %q", tt.rows, err, tt.want)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("a failed Write() of %v wrote %s", tt.rows, path)
		}
	}

	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "the row of phase 1 has 1 entries, want at least 2") {
			t.Errorf("AddPhase of a short row panicked with %q", msg)
		}
	}()
	tr := &Tracker{Metric: Accuracy}
	tr.AddPhase([]float64{0.5}, Phase{})
	tr.AddPhase([]float64{0.5}, Phase{})
}

func TestWriteRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tr := range []*Tracker{
		fullTracker(),
		{Task: "bitflip", Strategy: "backprop", Metric: MSE}, // one phase, no b
	} {
		if tr.Phases() == 0 {
			tr.AddPhase([]float64{0.25}, Phase{Neurons: 5, GradientSteps: 1 << 40, WallSeconds: 0.125})
		}
		path := filepath.Join(dir, tr.Task+".json")
		if err := tr.Write(path); err != nil {
			t.Fatal(err)
		}
		want, _ := tr.Report()
		got, err := Read(path)
		if err != nil {
			t.Fatalf("Read(%s): %v", path, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Read(%s) = %+v; want %+v", path, got, want)
		}
		// Writing again replaces the file with the same bytes.
		b1, _ := os.ReadFile(path)
		if err := got.Write(path); err != nil {
			t.Fatal(err)
		}
		if b2, _ := os.ReadFile(path); string(b1) != string(b2) {
			t.Errorf("rewriting %s changed it:\n%s\nto\n%s", path, b1, b2)
		}
	}

	// One row of R and one phase per line; FWT left out when undefined.
	b, _ := os.ReadFile(filepath.Join(dir, "permuted-mnist.json"))
	for _, want := range []string{
		"{\n  \"task\": \"permuted-mnist\",\n  \"strategy\": \"plastic\",\n  \"metric\": \"accuracy\",\n  \"higher_is_better\": true,\n",
		"  \"FWT\": 0.15",
		"  \"R\": [\n    [0.9,0.2,0.1],\n    [0.7,0.8,0.3],\n    [0.6,0.5,0.95]\n  ],\n",
		"  \"b\": [0.1,0.1,0.1],\n",
		`    {"index":2,"task":"permutation 2","new_task":0.95,"neurons":12,"connections":120,"dropins":3,"apoptoses":2,"gradient_steps":1000,"generations":5,"wall_seconds":1.5}` + "\n  ]\n}\n",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the written report\n%s\ndoes not contain\n%s", b, want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "bitflip.json")); strings.Contains(string(b), "FWT") || strings.Contains(string(b), `"b"`) {
		t.Errorf("a report without b holds FWT or b:\n%s", b)
	}
}

// TestCustomMetric checks that a report may hold a task's own metric, in
// the direction the tracker is given, and that the file records it.
func TestCustomMetric(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		tr     *Tracker
		higher bool
	}{
		{&Tracker{Task: "walker", Metric: "reward"}, true},
		{&Tracker{Task: "maze", Metric: "steps", LowerIsBetter: true}, false},
	} {
		tt.tr.AddPhase([]float64{-3, 7}, Phase{}) // a task's own metric has no range
		tt.tr.AddPhase([]float64{-2, 9}, Phase{})
		r, err := tt.tr.Report()
		if err != nil || r.Higher != tt.higher || r.Metric != tt.tr.Metric {
			t.Fatalf("Report() of metric %q = %+v, %v; want higher_is_better %v", tt.tr.Metric, r, err, tt.higher)
		}
		path := filepath.Join(dir, tt.tr.Task+".json")
		if err := tt.tr.Write(path); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); !strings.Contains(string(b), fmt.Sprintf(`"higher_is_better": %v,`, tt.higher)) {
			t.Errorf("%s does not record higher_is_better %v:\n%s", path, tt.higher, b)
		}
		got, err := Read(path)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("Read(%s) = %+v, %v; want %+v", path, got, err, r)
		}
	}
}

func TestReadMinimal(t *testing.T) {
	t.Parallel()
	// A file of R and b alone: the metrics and phases are filled in.
	path := filepath.Join(t.TempDir(), "continual.json")
	if err := os.WriteFile(path, []byte(`{"metric": "accuracy", "R": [[0.9, 0.2], [0.7, 0.8]], "b": [0.1, 0.1]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Higher || math.Abs(r.ACC-0.75) > tol || r.BWT == nil || math.Abs(*r.BWT+0.2) > tol || r.FWT == nil || math.Abs(*r.FWT-0.1) > tol {
		t.Errorf("Read: higher %v, ACC %v, BWT %v, FWT %v; want true, 0.75, -0.2, 0.1", r.Higher, r.ACC, r.BWT, r.FWT)
	}
	if want := []Phase{{Index: 0, NewTask: 0.9}, {Index: 1, NewTask: 0.8}}; !reflect.DeepEqual(r.Phases, want) {
		t.Errorf("Read: phases %+v; want %+v", r.Phases, want)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const phase0 = `{"index": 0, "new_task": 0.5}`
	tests := []struct {
		content, want string
	}{
		{"", "empty file"},
		{"  \n", "empty file"},
		{"not json", "not valid JSON at byte 2"},
		{`{"metric": "accuracy", "R": [[0.5]]`, "unexpected end of JSON input"},
		{`[1, 2]`, "a JSON array, want an object with metric, R and phases"},
		{`{"metric": "accuracy", "R": [[0.5, NaN]]}`, "not valid JSON at byte 36: NaN is not a JSON number"},
		{`{"metric": "mse", "R": [[Infinity]]}`, "Infinity is not a JSON number"},
		{`{"metric": "mse", "R": [[-Infinity]]}`, "Infinity is not a JSON number"},
		{`{"metric": "accuracy", "R": [["x"]]}`, `field "R" is a JSON string, want a number`},
		{`{"metric": "accuracy", "R": [0.5]}`, `field "R" is a JSON number, want an array`},
		{`{"metric": 1, "R": [[0.5]]}`, `field "metric" is a JSON number, want a string`},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": [{"neurons": 1.5}]}`, `field "phases.neurons" is a JSON number 1.5, want an integer`},
		{`{"metric": "accuracy"}`, "no matrix R (want one row per phase)"},
		{`{"metric": "accuracy", "R": []}`, "no matrix R"},
		{`{"R": [[0.5]]}`, `no metric (want the name of what R holds, such as "accuracy" or "mse")`},
		{`{"metric": "f1", "R": [[0.5]]}`, `no higher_is_better for metric "f1" (want true or false; only "accuracy", "mse" and "balanced" have a known direction)`},
		{`{"metric": "mse", "higher_is_better": true, "R": [[0.5]]}`, "higher_is_better is true, but for mse it is false"},
		{`{"metric": "accuracy", "higher_is_better": false, "R": [[0.5]]}`, "higher_is_better is false, but for accuracy it is true"},
		{`{"metric": "accuracy", "R": [[0.5], [0.5]]}`, "R[1] has 1 entries, want at least 2 (the metric on tasks 0 to 1 after phase 1)"},
		{`{"metric": "accuracy", "R": [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]}`, "R[2] has 2 entries, want at least 3"},
		{`{"metric": "accuracy", "R": [[0.5, null]]}`, "R[0][1] is null"},
		{`{"metric": "accuracy", "R": [[0.5]], "b": [null]}`, "b[0] is null"},
		{`{"metric": "accuracy", "R": [[1.5]]}`, "is 1.5, not an accuracy"},
		{`{"metric": "mse", "R": [[-1]]}`, "is -1, not a mean squared error"},
		{`{"metric": "accuracy", "R": [[0.5, 0.5], [0.5, 0.5]], "b": [0.1]}`, "b has 1 entries, want at least 2"},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": []}`, "1 rows in R but 0 phases"},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": [` + phase0 + `, ` + phase0 + `]}`, "1 rows in R but 2 phases"},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": [{"index": 1, "new_task": 0.5}]}`, "phases[0] has index 1, want 0"},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": [{"index": 0, "new_task": 0.4}]}`, "phases[0].new_task is 0.4 but R[0][0] is 0.5"},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": [{"index": 0, "new_task": 0.5, "dropins": -1}]}`, "phases[0].dropins is -1, want >= 0"},
		{`{"metric": "accuracy", "R": [[0.5]], "phases": [{"index": 0, "new_task": 0.5, "wall_seconds": -2}]}`, "phases[0].wall_seconds is -2"},
		{`{"metric": "accuracy", "R": [[0.5]], "ACC": 0.4}`, "ACC is 0.4 but R gives 0.5"},
		{`{"metric": "accuracy", "R": [[0.5], [0.1, 0.5]], "BWT": 0}`, "BWT is 0 but R gives -0.4"},
		{`{"metric": "accuracy", "R": [[0.5]], "BWT": 0.1}`, "BWT is 0.1 but R does not define it (one phase: no task was learnt after another)"},
		{`{"metric": "accuracy", "R": [[0.5]], "FWT": 0.1}`, "FWT is 0.1 but R and b do not define it (one phase: no task follows another)"},
		{`{"metric": "accuracy", "R": [[0.5], [0.5, 0.5]], "FWT": 0.1}`, "(no b: the tasks were not measured at initialisation)"},
		{`{"metric": "accuracy", "R": [[0.5], [0.5, 0.5]], "b": [0, 0], "FWT": 0.1}`, "(R[0] lacks task 1, measured before it was learnt)"},
		{`{"metric": "accuracy", "R": [[0.5, 0.2], [0.5, 0.5]], "b": [0, 0], "FWT": 0.1}`, "FWT is 0.1 but R and b give 0.2"},
	}
	for i, tt := range tests {
		path := filepath.Join(dir, fmt.Sprintf("c%d.json", i))
		if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path)
		var re *ReportError
		if !errors.As(err, &re) || re.File != path || !strings.HasPrefix(err.Error(), "continual: "+path+": ") || !strings.Contains(re.Problem, tt.want) {
			t.Errorf("Read(%s) of %s: error %v; want a *ReportError naming the file and %q", path, tt.content, err, tt.want)
		}
	}

	_, err := Read(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Read of a missing file: %v; want fs.ErrNotExist naming the file", err)
	}
}

func TestQuarters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		newTask     []float64
		first, last float64
	}{
		{[]float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, 0.15, 0.75}, // 2 phases each
		{[]float64{0.1, 0.2, 0.3, 0.4, 0.5}, 0.15, 0.45},                // ceil(5/4) = 2
		{[]float64{0.1, 0.2, 0.3, 0.4}, 0.1, 0.4},
		{[]float64{0.6}, 0.6, 0.6},
	}
	for _, tt := range tests {
		r := &Report{}
		for _, v := range tt.newTask {
			r.Phases = append(r.Phases, Phase{NewTask: v})
		}
		first, last := r.Quarters()
		if math.Abs(first-tt.first) > tol || math.Abs(last-tt.last) > tol {
			t.Errorf("Quarters() of %v = %v, %v; want %v, %v", tt.newTask, first, last, tt.first, tt.last)
		}
	}
	if first, last := (&Report{}).Quarters(); !math.IsNaN(first) || !math.IsNaN(last) {
		t.Errorf("Quarters() of no phases = %v, %v; want NaN, NaN", first, last)
	}
}

func ExampleTracker() {
	tr := &Tracker{Task: "permuted-mnist", Strategy: "plastic", Metric: Accuracy,
		B: []float64{0.1, 0.1, 0.1}} // tested once before the first phase
	// After each phase, test on every task of the stream.
	tr.AddPhase([]float64{0.9, 0.2, 0.1}, Phase{Neurons: 10, Connections: 120})
	tr.AddPhase([]float64{0.7, 0.8, 0.3}, Phase{Neurons: 12, Connections: 130})
	tr.AddPhase([]float64{0.6, 0.5, 0.95}, Phase{Neurons: 15, Connections: 131})
	r, err := tr.Report()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ACC %.4f BWT %.4f FWT %.4f\n", r.ACC, *r.BWT, *r.FWT)
	// Output: ACC 0.6833 BWT -0.3000 FWT 0.1500
}

// TestOnePhaseBWT: with one phase BWT is undefined, absent from the file
// as FWT is, and an older file's "BWT": 0 of one phase still reads.
func TestOnePhaseBWT(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tr := &Tracker{Metric: MSE}
	tr.AddPhase([]float64{0.5}, Phase{})
	path := filepath.Join(dir, "one.json")
	if err := tr.Write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "BWT") {
		t.Errorf("continual.json of one phase holds a BWT:\n%s", b)
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"metric": "mse", "ACC": 0.5, "BWT": 0, "R": [[0.5]]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, old} {
		r, err := Read(p)
		if err != nil {
			t.Fatalf("Read(%s): %v", p, err)
		}
		if r.BWT != nil {
			t.Errorf("Read(%s): BWT %v; want none", p, *r.BWT)
		}
	}
}
