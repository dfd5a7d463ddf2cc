package population_test

import (
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// TestRestoreRefusesNil checks that Restore returns errors, not panics, for
// a missing state, task or genome.
func TestRestoreRefusesNil(t *testing.T) {
	p, err := population.New(xorConfig(1, 1), tasks.XOR{})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, p, 2)
	noGenome := p.State()
	noGenome.Genomes[4] = nil
	tests := []struct {
		name string
		s    *population.State
		task tasks.Task
		want string
	}{
		{"no state", nil, tasks.XOR{}, "population: no state"},
		{"no task", p.State(), nil, "population: no task"},
		{"no genome", noGenome, tasks.XOR{}, "population: state has no genome at index 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("Restore panicked: %v", r)
				}
			}()
			if _, err := population.Restore(tt.s, tt.task); err == nil || err.Error() != tt.want {
				t.Errorf("Restore = %v; want %q", err, tt.want)
			}
		})
	}
}
