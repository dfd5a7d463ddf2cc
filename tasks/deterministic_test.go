package tasks_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/tasks"
)

// TestDeterministicTasks checks the claim of Info.Deterministic, on which
// a population relies to keep an unchanged elite's outcome: every
// built-in task that is not a stream, and a CSV task, makes it, and its
// Evaluate gives the same result for the same network whatever the random
// stream. (Under evolution a supervised task is scored on its validation
// split instead: population's TestElitesKeepOutcomes covers that.)
func TestDeterministicTasks(t *testing.T) {
	csv := filepath.Join(t.TempDir(), "d.csv")
	rows := "a,b,y\n"
	rng := rand.New(rand.NewPCG(7, 7))
	for range 40 {
		a, b := 2*rng.Float64()-1, 2*rng.Float64()-1
		y := "n"
		if a*b > 0 {
			y = "p"
		}
		rows += formatRow(a, b, y)
	}
	if err := os.WriteFile(csv, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, name := range tasks.Names() {
		if tasks.DescribeStream(name) == "" {
			names = append(names, name)
		}
	}
	for _, name := range append(names, tasks.CSVPrefix+csv) {
		task, err := tasks.New(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		info := task.Info()
		if !info.Deterministic {
			t.Errorf("%s: Info.Deterministic is false; its Evaluate ignores the random stream", name)
			continue
		}
		for k := range 5 {
			net := randomNetwork(t, info.Inputs, k, info.Outputs, network.Sigmoid, rand.New(rand.NewPCG(uint64(k), 1)))
			a := task.Evaluate(net, rand.New(rand.NewPCG(1, 2)))
			net.Reset()
			b := task.Evaluate(net, rand.New(rand.NewPCG(3, 4)))
			if a != b {
				t.Errorf("%s, network %d: Evaluate gave %+v and %+v on two random streams", name, k, a, b)
			}
		}
	}
}

// formatRow returns one CSV row of two features and a label.
func formatRow(a, b float64, label string) string {
	return strconv.FormatFloat(a, 'f', 4, 64) + "," + strconv.FormatFloat(b, 'f', 4, 64) + "," + label + "\n"
}
