package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// withoutWallTime returns out without its wall time line.
func withoutWallTime(t *testing.T, out string) string {
	t.Helper()
	lines := strings.Split(out, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "wall time") })
	if i < 0 {
		t.Fatalf("no wall time line in %q", out)
	}
	return strings.Join(slices.Delete(lines, i, i+1), "\n")
}

func TestTrialsIndependentOfWorkers(t *testing.T) {
	t.Parallel()
	args := []string{"--task", "xor", "--runs", "5", "--seed", "11", "--population", "100", "--generations", "60"}
	code1, out1, err1 := call(t, trialsCmd, append(args, "--workers", "1")...)
	code3, out3, err3 := call(t, trialsCmd, append(args, "--workers", "3")...)
	if code1 != exitOK || code3 != exitOK {
		t.Fatalf("trials: exit status %d and %d: %s %s", code1, code3, err1, err3)
	}
	if a, b := withoutWallTime(t, out1), withoutWallTime(t, out3); a != b {
		t.Errorf("trials output depends on --workers:\n%s\n---\n%s", a, b)
	}
	for _, want := range []string{"seeds                  11 to 15", "population             100", "solved "} {
		if !strings.Contains(out1, want) {
			t.Errorf("trials output %q lacks %q", out1, want)
		}
	}
}

func TestSummarizeTrials(t *testing.T) {
	t.Parallel()
	results := []trial{
		{seed: 1, solved: true, evaluations: 300, hidden: 1, conns: 5, generalization: 300, starts: 625},
		{seed: 2, solved: false, generalization: -1},
		{seed: 3, solved: true, evaluations: 100, hidden: 2, conns: 6, generalization: -1},
		{seed: 4, solved: true, evaluations: 200, hidden: 3, conns: 7, generalization: 0, starts: 625},
		{seed: 5, solved: true, evaluations: 1000, hidden: 2, conns: 10, generalization: 250, starts: 625, restarts: 1},
		{seed: 6, solved: false, generalization: -1, restarts: 3},
	}
	st := summarizeTrials(results)
	if st.restartedSolved != 1 {
		t.Errorf("%d solved runs solved after a restart; want 1", st.restartedSolved)
	}
	const tol = 1e-9
	// Evaluations 100, 200, 300, 1000: mean 400, sample variance
	// (300² + 200² + 100² + 600²)/3 = 500000/3.
	if st.generalized != 3 || st.meanGeneralization != 550.0/3 || st.starts != 625 {
		t.Errorf("generalization: %d solutions, mean %v of %d; want 3, %v of 625", st.generalized, st.meanGeneralization, st.starts, 550.0/3)
	}
	if st.solved != 4 || st.worst != 1000 || !slices.Equal(st.unsolved, []uint64{2, 6}) {
		t.Errorf("solved %d, worst %d, unsolved %v; want 4, 1000, [2 6]", st.solved, st.worst, st.unsolved)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", st.mean, 400},
		{"sd", st.sd, math.Sqrt(500000.0 / 3)},
		{"median", st.median, 250},
		{"mean hidden", st.meanHidden, 2},
		{"mean connections", st.meanConns, 7},
	} {
		if math.Abs(c.got-c.want) > tol {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	if st := summarizeTrials(results[:1]); st.median != 300 || st.hasSD {
		t.Errorf("one solved run: median %v, hasSD %v; want 300, false", st.median, st.hasSD)
	}
	if st := summarizeTrials(results[1:2]); st.solved != 0 || st.hasEvaluationsStats {
		t.Errorf("no solved run: solved %d, hasEvaluationsStats %v; want 0, false", st.solved, st.hasEvaluationsStats)
	}
}

// TestTrialsSupervised checks the per-seed table of a supervised task and
// that it too is independent of the number of runs at a time.
func TestTrialsSupervised(t *testing.T) {
	t.Parallel()
	args := []string{"--task", "gaussian", "--runs", "3", "--population", "20", "--generations", "2"}
	code1, out1, err1 := call(t, trialsCmd, append(args, "--workers", "1")...)
	code2, out2, err2 := call(t, trialsCmd, append(args, "--workers", "2")...)
	if code1 != exitOK || code2 != exitOK {
		t.Fatalf("trials: exit status %d and %d: %s %s", code1, code2, err1, err2)
	}
	strip := func(out string) string {
		// The wall-time column and lines differ between runs.
		var keep []string
		for _, l := range strings.Split(withoutWallTime(t, out), "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] != "seed" {
				if len(f) >= 6 {
					l = strings.Join(f[:len(f)-1], " ")
				}
			}
			keep = append(keep, l)
		}
		return strings.Join(keep, "\n")
	}
	if a, b := strip(out1), strip(out2); a != b {
		t.Errorf("supervised trials depend on --workers:\n%s\n---\n%s", a, b)
	}
	for _, want := range []string{"strategy plastic (learning lamarckian)", "test accuracy", "reached test accuracy >= 0.90 within 2 generations:"} {
		if !strings.Contains(out1, want) {
			t.Errorf("trials output %q lacks %q", out1, want)
		}
	}
	if code, _, stderr := call(t, trialsCmd, append(args, "--target", "1.5")...); code != exitUsage || !strings.Contains(stderr, "--target 1.5") {
		t.Errorf("--target 1.5: exit %d, %q; want 2 naming the flag", code, stderr)
	}
}

// TestTrialsRegressionColumns checks that a regression's table has no
// "reached target" column, which only classification can fill.
func TestTrialsRegressionColumns(t *testing.T) {
	t.Parallel()
	code, out, errOut := call(t, trialsCmd, "--task", "sine", "--runs", "2", "--population", "20", "--generations", "2")
	if code != exitOK {
		t.Fatalf("trials: exit status %d: %s", code, errOut)
	}
	if strings.Contains(out, "reached target") || !strings.Contains(out, "test MSE") || !strings.Contains(out, "mean final test MSE") {
		t.Errorf("trials on sine printed %q; want test MSE columns and no reached-target column", out)
	}
}

// TestTrialsPhaseMismatch checks that trials warns, as run does, when a
// stream's generations are not its phases times generations per phase.
func TestTrialsPhaseMismatch(t *testing.T) {
	t.Parallel()
	code, _, stderr := call(t, trialsCmd, "--task", "bitflip", "--runs", "1", "--generations", "3", "--population", "10")
	if code != exitOK || !strings.Contains(stderr, "evolve trials: warning: generations = 3") {
		t.Errorf("trials on bitflip with 3 generations: exit %d, stderr %q; want 0 and the phase warning", code, stderr)
	}
}

// TestTrialsTargetApplies checks that --target, which only a supervised
// classification task uses, is refused elsewhere rather than ignored.
func TestTrialsTargetApplies(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ task, want string }{
		{"sine", `task "sine" is a regression`},
		{"xor", `task "xor" is solved by its own test`},
		{"bitflip", `task "bitflip" is a continual stream`},
	} {
		code, stdout, stderr := call(t, trialsCmd, "--task", tt.task, "--target", "0.5", "--runs", "1", "--generations", "1", "--population", "10")
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "--target applies to supervised classification tasks") || !strings.Contains(stderr, tt.want) {
			t.Errorf("trials --task %s --target 0.5: exit status %d, stdout %q, stderr %q; want 2 and %q", tt.task, code, stdout, stderr, tt.want)
		}
	}
	mustCall(t, trialsCmd, "--task", "gaussian", "--target", "0.5", "--runs", "1", "--generations", "1", "--population", "10")
}

// TestTrialsFormats checks that --format csv and json list every run, in
// seed order, agreeing with the text summary of the same trials, and that
// an unknown format is refused before any run.
func TestTrialsFormats(t *testing.T) {
	t.Parallel()
	args := []string{"--task", "xor", "--runs", "4", "--seed", "11", "--population", "60", "--generations", "25"}
	code, text, stderr := call(t, trialsCmd, args...)
	if code != exitOK {
		t.Fatalf("trials: exit status %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("trials with stderr not a terminal wrote %q to it; want nothing (no progress bar)", stderr)
	}
	code, out, stderr := call(t, trialsCmd, append(args, "--format", "csv")...)
	if code != exitOK {
		t.Fatalf("trials --format csv: exit status %d: %s", code, stderr)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"seed", "solved", "evaluations", "generations", "hidden", "connections", "generalization", "restarts"}
	if len(records) != 5 || !slices.Equal(records[0], wantHeader) {
		t.Fatalf("csv = %q; want the header %q and 4 rows", records, wantHeader)
	}
	solved, sum := 0, 0
	for i, r := range records[1:] {
		if r[0] != strconv.Itoa(11+i) {
			t.Errorf("row %d has seed %s; want %d", i, r[0], 11+i)
		}
		switch r[1] {
		case "true":
			solved++
			n, err := strconv.Atoi(r[2])
			if err != nil || n <= 0 || n%60 != 0 {
				t.Errorf("seed %s solved after %q evaluations; want a positive multiple of the population", r[0], r[2])
			}
			sum += n
		case "false":
			if r[2] != "" || r[4] != "" {
				t.Errorf("unsolved seed %s has evaluations %q and hidden %q; want them empty", r[0], r[2], r[4])
			}
		default:
			t.Errorf("seed %s: solved = %q", r[0], r[1])
		}
		if r[6] != "" {
			t.Errorf("seed %s: XOR has no generalization test, got %q", r[0], r[6])
		}
	}
	// With these seeds two runs solve and two do not, so both kinds of
	// row are checked.
	if solved != 2 {
		t.Errorf("%d of the 4 runs solved; want 2", solved)
	}
	if want := fmt.Sprintf("solved                 %d of 4", solved); !strings.Contains(text, want) {
		t.Errorf("text output lacks %q, which the csv rows give:\n%s", want, text)
	}
	if solved > 0 {
		if want := fmt.Sprintf("mean %.1f ", float64(sum)/float64(solved)); !strings.Contains(text, want) {
			t.Errorf("text output lacks %q, the mean of the csv rows:\n%s", want, text)
		}
	}

	code, out, stderr = call(t, trialsCmd, append(args, "--format", "json")...)
	if code != exitOK {
		t.Fatalf("trials --format json: exit status %d: %s", code, stderr)
	}
	uniqueKeys(t, "trials --format json", []byte(out))
	var doc struct {
		Task       string `json:"task"`
		Population int    `json:"population"`
		Runs       []struct {
			Seed        int  `json:"seed"`
			Solved      bool `json:"solved"`
			Evaluations *int `json:"evaluations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("trials --format json: %v\n%s", err, out)
	}
	if doc.Task != "xor" || doc.Population != 60 || len(doc.Runs) != 4 {
		t.Fatalf("json = %+v; want task xor, population 60 and 4 runs", doc)
	}
	for i, r := range doc.Runs {
		if got := records[i+1]; strconv.Itoa(r.Seed) != got[0] || strconv.FormatBool(r.Solved) != got[1] || (r.Evaluations == nil) != (got[2] == "") {
			t.Errorf("json run %+v disagrees with csv row %q", r, got)
		}
	}

	code, out, stderr = call(t, trialsCmd, append(args, "--format", "yaml")...)
	if code != exitUsage || out != "" || !strings.Contains(stderr, `--format "yaml": allowed: text, csv, json`) {
		t.Errorf("--format yaml: exit %d, stdout %q, stderr %q; want %d, nothing, and the allowed formats", code, out, stderr, exitUsage)
	}
}

// TestTrialsFollowStreams checks that trials run a continual stream to its
// end, as evolve run does, rather than stopping each run at its first
// solution, which would leave phases unseen (seed 2 of cartpole-drift
// solves its first phase in generation 8), and report each stream's
// continual metrics, and their mean over the runs.
func TestTrialsFollowStreams(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := call(t, trialsCmd, "--task", "cartpole-drift", "--generations", "10", "--runs", "1", "--seed", "2", "--format", "csv", "--quiet")
	if code != exitOK {
		t.Fatalf("trials --task cartpole-drift: exit status %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("trials csv: %v, %d rows:\n%s", err, len(rows), stdout)
	}
	want := []string{"seed", "ACC", "BWT", "FWT", "new_first_quarter", "new_last_quarter", "phases", "generations"}
	if !slices.Equal(rows[0], want) {
		t.Fatalf("trials csv of a stream: columns %v; want %v", rows[0], want)
	}
	// 10 generations are one phase of 30: ACC defined, BWT and FWT not.
	if r := rows[1]; r[1] == "" || r[2] != "" || r[3] != "" || r[6] != "1" || r[7] != "10" {
		t.Errorf("seed 2: %v; want the continual metrics of one phase, after all 10 generations of the stream", r)
	}
	// The text gives the continual metrics over the runs, not whether a
	// phase was solved.
	code, stdout, stderr = call(t, trialsCmd, "--task", "bitflip", "--runs", "2", "--population", "10", "--quiet")
	if code != exitOK {
		t.Fatalf("trials --task bitflip: exit status %d: %s", code, stderr)
	}
	for _, want := range []string{"strategy               plastic", "metric                 mse (lower is better", "phases                 10", "ACC                    mean ", "BWT                    mean ", "(of 2 runs)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("trials --task bitflip printed\n%s\nwant %q in it", stdout, want)
		}
	}
	if strings.Contains(stdout, "solved") {
		t.Errorf("trials --task bitflip printed\n%s\nwant nothing on solving", stdout)
	}
}

// TestTrialsSmallMSE checks that a regression's small test errors keep
// their digits, in the rows and the mean, and that the wall time is
// printed once.
func TestTrialsSmallMSE(t *testing.T) {
	t.Parallel()
	cfg := population.DefaultConfig()
	cfg.Task, cfg.Generations = "sine", 10
	results := []trial{
		{seed: 1, supervised: true, testMetric: 1.4e-5, bestHidden: 3, bestConns: 9, wallSeconds: 2},
		{seed: 2, supervised: true, testMetric: 2.6e-5, bestHidden: 4, bestConns: 11, wallSeconds: 3},
	}
	var b strings.Builder
	printTrials(&b, cfg, results, 0)
	printWallTime(&b, results, 2.75)
	out := b.String()
	for _, want := range []string{"1.4e-05", "2.6e-05", "mean final test MSE 2e-05\n", "wall time              2.75s in all; 2.50s a run on average\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("trials output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "wall"); n != 2 { // the column "wall s" and the line
		t.Errorf("trials output mentions wall %d times, want 2 (the column and one line):\n%s", n, out)
	}
}

// TestStartLevels checks the breakdown of the pole solutions' balanced
// generalization starts by level: one solution balances exactly the 125
// starts with the cart at x = 0, the other all 625.
func TestStartLevels(t *testing.T) {
	t.Parallel()
	centre, all := make([]bool, tasks.PoleGeneralizationStarts), make([]bool, tasks.PoleGeneralizationStarts)
	for i := range centre {
		centre[i] = tasks.GeneralizationStart(i).X == 0
		all[i] = true
	}
	st := summarizeTrials([]trial{
		{seed: 1, solved: true, generalization: 125, starts: 625, balanced: centre},
		{seed: 2, solved: false, generalization: -1},
		{seed: 3, solved: true, generalization: 625, starts: 625, balanced: all},
	})
	if st.byStart == nil {
		t.Fatal("no breakdown of the balanced starts")
	}
	for k := range 4 {
		for l := range 5 {
			want := [2]int{150, 250} // xdot, theta1, theta1dot: 25 + 125 of 125 + 125
			if k == 0 {
				want = [2]int{125, 250} // x: all or none of the first's
				if l == 2 {
					want[0] = 250
				}
			}
			if got := [2]int{st.byStart.balanced[k][l], st.byStart.total[k][l]}; got != want {
				t.Errorf("%s level %d: %d of %d starts balanced; want %d of %d", startVariables[k], l, got[0], got[1], want[0], want[1])
			}
		}
	}
	var lines []string
	st.byStart.print(func(name, format string, a ...any) {
		lines = append(lines, fmt.Sprintf("%-22s "+format, append([]any{name}, a...)...))
	})
	want := []string{
		"  by x (m)             -1.944: 50.0%  -1.08: 50.0%  0: 100.0%  1.08: 50.0%  1.944: 50.0% balanced",
		"  by xdot (m/s)        -1.215: 60.0%  -0.675: 60.0%  0: 60.0%  0.675: 60.0%  1.215: 60.0% balanced",
		"  by theta1 (rad)      -0.05655: 60.0%  -0.03142: 60.0%  0: 60.0%  0.03142: 60.0%  0.05655: 60.0% balanced",
		"  by theta1dot (rad/s) -0.1351: 60.0%  -0.07505: 60.0%  0: 60.0%  0.07505: 60.0%  0.1351: 60.0% balanced",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestTrialsBalancedStarts checks the balanced_starts column of a pole
// task's rows: one character per generalization start, as many 1s as the
// generalization score, and together the breakdown the text prints.
func TestTrialsBalancedStarts(t *testing.T) {
	t.Parallel()
	args := []string{"--task", "cartpole", "--runs", "2", "--seed", "1"}
	text, _ := mustCall(t, trialsCmd, args...)
	out, _ := mustCall(t, trialsCmd, append(args, "--format", "csv")...)
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 3 || records[0][8] != "balanced_starts" {
		t.Fatalf("csv = %q; want a header ending in balanced_starts and 2 rows", records)
	}
	var levels startLevels
	for _, r := range records[1:] {
		starts := r[8]
		if len(starts) != tasks.PoleGeneralizationStarts || strings.Trim(starts, "01") != "" || strconv.Itoa(strings.Count(starts, "1")) != r[6] {
			t.Errorf("seed %s: balanced_starts %q; want %d 0s and 1s, as many 1s as its generalization %s", r[0], starts, tasks.PoleGeneralizationStarts, r[6])
			continue
		}
		balanced := make([]bool, len(starts))
		for i := range starts {
			balanced[i] = starts[i] == '1'
		}
		levels.add(balanced)
	}
	var b strings.Builder
	levels.print(func(name, format string, a ...any) {
		fmt.Fprintf(&b, "%-22s "+format+"\n", append([]any{name}, a...)...)
	})
	if !strings.Contains(text, b.String()) {
		t.Errorf("the breakdown computed from the CSV,\n%s\nis not in the text output:\n%s", b.String(), text)
	}
}
