package tasks_test

import (
	"testing"

	"github.com/neuroplast/neuroplast/tasks"
)

// TestLowerIsBetter checks that the built-in tasks give their metrics'
// direction: lower is better for a mean squared error, higher for the
// rest.
func TestLowerIsBetter(t *testing.T) {
	var infos []tasks.Info
	for _, name := range tasks.Names() {
		task, err := tasks.New(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		infos = append(infos, task.Info())
	}
	flip, err := tasks.NewBitFlipStream(1, tasks.StreamDefaults("bitflip"))
	if err != nil {
		t.Fatal(err)
	}
	drift, err := tasks.NewDrift(tasks.StreamDefaults(tasks.DriftName), tasks.DefaultDriftOptions())
	if err != nil {
		t.Fatal(err)
	}
	infos = append(infos, flip.Info(), flip.TaskAt(0).Info(), drift.Info())
	dir := t.TempDir()
	regression := newCSV(t, writeCSV(t, dir, "reg.csv", csvText("x1,x2,y", regressionRows(4, 40))), 1, tasks.DefaultCSVOptions())
	infos = append(infos, regression.Info())
	mse := 0
	for _, info := range infos {
		if info.Metric == "mse" {
			mse++
		}
		if info.LowerIsBetter != (info.Metric == "mse") {
			t.Errorf("%s: metric %q with LowerIsBetter %v; want it set for mse alone", info.Name, info.Metric, info.LowerIsBetter)
		}
	}
	if mse < 4 {
		t.Errorf("%d tasks of metric mse checked; want sine, bitflip's stream and phase, and a CSV regression", mse)
	}
}
