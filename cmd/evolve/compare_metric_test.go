package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareMetrics compares an older continual.json, whose metric's
// direction follows from its name, with one of a task's own metric, whose
// direction the file records; one of an unnamed direction is refused.
func TestCompareMetrics(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	write := func(name, content string) string {
		dir := filepath.Join(base, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writePlotFile(t, filepath.Join(dir, continualFile), content)
		return dir
	}
	old := write("old", `{"task": "bitflip", "metric": "mse", "R": [[0.5], [0.25, 0.125]]}`)
	own := write("own", `{"task": "walker", "metric": "reward", "higher_is_better": true, "R": [[-4], [-5, 2]]}`)
	out, _ := mustCall(t, compareCmd, own, "--format", "csv")
	columns := []string{"dir", "strategy", "task", "metric", "phases", "status", "ACC", "BWT", "FWT",
		"new_reward_first_quarter", "new_reward_last_quarter", "neurons", "connections", "gradient_steps", "wall_seconds"}
	rows := parseCSV(t, out, columns)
	if len(rows) != 1 || rows[0]["metric"] != "reward" || rows[0]["ACC"] != "-1.5" || rows[0]["BWT"] != "-1" {
		t.Errorf("compare of a reward run: %v; want metric reward, ACC -1.5, BWT -1", rows)
	}
	out, _ = mustCall(t, compareCmd, old, own, "--format", "csv")
	columns[9], columns[10] = "new_metric_first_quarter", "new_metric_last_quarter"
	if rows := parseCSV(t, out, columns); len(rows) != 2 || rows[0]["metric"] != "mse" || rows[1]["metric"] != "reward" {
		t.Errorf("compare of an mse and a reward run: %v; want metrics mse and reward", rows)
	}

	bad := write("bad", `{"metric": "reward", "R": [[1]]}`)
	code, _, stderr := call(t, compareCmd, bad)
	if want := `no higher_is_better for metric "reward"`; code != exitUsage || !strings.Contains(stderr, filepath.Join(bad, continualFile)) || !strings.Contains(stderr, want) {
		t.Errorf("compare of a reward run without its direction: exit %d, %q; want %d and the file with %q", code, stderr, exitUsage, want)
	}
}
