package population_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
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

// TestRestoreRefusesInnovationConflicts damages the innovation history of
// a state in ways a checksum does not catch: Restore must refuse each, for
// mutation would later give a genome two genes of one innovation number
// (genome.Genome.InsertConn panics).
func TestRestoreRefusesInnovationConflicts(t *testing.T) {
	p, err := population.New(xorConfig(1, 1), tasks.XOR{})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, p, 5)
	tests := []struct {
		name string
		mod  func(*population.State)
		want string
	}{
		{"tracker pairs swapped", func(s *population.State) {
			in := s.Tracker.Innovations
			in[0][2], in[1][2] = in[1][2], in[0][2]
		}, "as innovation 0, but the innovation tracker has"},
		{"tracker innovations all 0", func(s *population.State) {
			for i := range s.Tracker.Innovations {
				s.Tracker.Innovations[i][2] = 0
			}
		}, "genome: tracker gives innovation 0 to connections"},
		{"genomes disagree", func(s *population.State) {
			// The tracker forgets a connection of the first genome, and
			// another genome has that connection under a new number.
			for _, c := range s.Genomes[0].Conns {
				for _, g := range s.Genomes[1:] {
					i := slices.IndexFunc(g.Conns, func(d genome.Conn) bool { return d.From == c.From && d.To == c.To })
					if i < 0 {
						continue
					}
					s.Tracker.Innovations = slices.DeleteFunc(s.Tracker.Innovations, func(e [3]int) bool { return e[2] == c.Innov })
					g.Conns[i].Innov = s.Tracker.NextInnov
					s.Tracker.NextInnov++
					slices.SortFunc(g.Conns, func(a, b genome.Conn) int { return a.Innov - b.Innov })
					return
				}
			}
			panic("no connection of genome 0 is in another genome")
		}, "but genome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := p.State()
			tt.mod(s)
			if _, err := population.Restore(s, tasks.XOR{}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Restore = %v; want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := population.Restore(p.State(), tasks.XOR{}); err != nil {
		t.Errorf("Restore of an undamaged state = %v", err)
	}
}
