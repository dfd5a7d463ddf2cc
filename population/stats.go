package population

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// Stats describes one evaluated generation. Seconds and EvalsPerSec are
// timings; every other field is a pure function of the configuration and
// seed.
type Stats struct {
	Generation  int     `json:"generation"`
	BestFitness float64 `json:"best_fitness"`
	BestID      int     `json:"best_id"`
	BestMetric  float64 `json:"best_metric"`
	MeanFitness float64 `json:"mean_fitness"` // over genomes without a fault
	StdFitness  float64 `json:"std_fitness"`  // population standard deviation, same genomes
	Species     int     `json:"species"`
	// SpeciesSizes lists each species' ID and number of members, in the
	// species' order.
	SpeciesSizes [][2]int `json:"species_sizes"`
	Threshold    float64  `json:"threshold"` // compatibility threshold in force
	MeanHidden   float64  `json:"mean_hidden"`
	MeanConns    float64  `json:"mean_connections"` // enabled connections
	// Dropins and Apoptoses count the neurons added and removed while
	// breeding this generation, and in its evaluation the units continual
	// backprop replaced in the genes (one of each per unit; under
	// Lamarckian learning and the baselines, whose genes keep them).
	Dropins   int    `json:"dropins"`
	Apoptoses int    `json:"apoptoses"`
	Faults    int    `json:"faults"`          // evaluations that failed: a panic, NaN or Inf fitness, no compile
	Fault     string `json:"fault,omitempty"` // the first failure's genome and reason
	Solved    bool   `json:"solved"`
	// For tasks that test one genome a generation (tasks.ChampionTester),
	// such as pole balancing: the ID of the genome tested (the fittest, or
	// a species' champion, as Config.ChampionTest says), the steps it
	// balanced in the test, and how many of the generalization starts it
	// balanced (-1 when that part did not run). All are 0 for other tasks.
	ChampionID     int `json:"champion_id,omitempty"`
	ChampionSteps  int `json:"champion_steps,omitempty"`
	Generalization int `json:"generalization,omitempty"`
	Evaluations    int `json:"evaluations"` // cumulative
	// Restarts counts the times the run has started again from a fresh
	// population (Config.RestartAfter) up to this generation, and
	// Restarted is set on the first generation of each fresh start.
	Restarts  int  `json:"restarts,omitempty"`
	Restarted bool `json:"restarted,omitempty"`
	// Under the plastic strategy with the neuroplasticity controller on
	// (ControlSettings): ControlDrop is set when this generation's best
	// fitness fell far enough to count as a new phase, so the next
	// breedings burst with neurogenesis, and ControlMature while the phase
	// counts as mature, so the next breeding prunes harder.
	ControlDrop   bool `json:"control_drop,omitempty"`
	ControlMature bool `json:"control_mature,omitempty"`

	// For supervised tasks: the best genome so far measured on the test
	// split, for reporting only (selection never sees the test split).
	TestFitness float64 `json:"test_fitness,omitempty"` // minus the test loss
	TestMetric  float64 `json:"test_metric,omitempty"`  // test accuracy, or test MSE for regression

	Seconds     float64 `json:"seconds"`       // wall time of the generation
	EvalsPerSec float64 `json:"evals_per_sec"` // genomes evaluated per second of wall time
}

// MarshalJSON writes the fields of each group that applies to the
// generation, zeros included: the champion test's three when it ran (it
// always leaves one of them nonzero, generalization being -1 until that
// part runs), and the test split's two when the task has one. So genome 0
// as champion, or a test accuracy of 0, is written, not left out.
func (s Stats) MarshalJSON() ([]byte, error) {
	type plain Stats // without this method
	out := struct {
		plain
		ChampionID     *int     `json:"champion_id,omitempty"`
		ChampionSteps  *int     `json:"champion_steps,omitempty"`
		Generalization *int     `json:"generalization,omitempty"`
		TestFitness    *float64 `json:"test_fitness,omitempty"`
		TestMetric     *float64 `json:"test_metric,omitempty"`
	}{plain: plain(s)}
	if s.ChampionID != 0 || s.ChampionSteps != 0 || s.Generalization != 0 {
		out.ChampionID, out.ChampionSteps, out.Generalization = &s.ChampionID, &s.ChampionSteps, &s.Generalization
	}
	if s.HasTestScore() {
		out.TestFitness, out.TestMetric = &s.TestFitness, &s.TestMetric
	}
	return json.Marshal(out)
}

// HasTestScore reports whether the generation's best genome was scored on
// a test split (TestFitness and TestMetric): one of them is nonzero, or
// TestFitness is -0, minus a perfect test loss.
func (s *Stats) HasTestScore() bool {
	return s.TestFitness != 0 || s.TestMetric != 0 || math.Signbit(s.TestFitness)
}

// Recorder receives each generation's statistics, as gonum's
// optimize.Recorder receives each iteration's.
type Recorder interface {
	Record(Stats) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(Stats) error

// Record calls f(s).
func (f RecorderFunc) Record(s Stats) error { return f(s) }

// Recorders passes each generation to every recorder in turn, stopping at
// the first error.
type Recorders []Recorder

// Record implements Recorder.
func (rs Recorders) Record(s Stats) error {
	for _, r := range rs {
		if err := r.Record(s); err != nil {
			return err
		}
	}
	return nil
}

// Printer writes one human-readable line per generation to W.
type Printer struct {
	W io.Writer
	// Metric, when set, names the task's metric (tasks.Info.Metric), and
	// each line gives the best genome's after its fitness: fitness may be
	// a penalised loss, which says little on its own.
	Metric string
}

// Record implements Recorder.
func (p Printer) Record(s Stats) error {
	solved := ""
	if s.Solved {
		solved = "  solved"
	}
	if s.Restarted {
		solved += "  restarted"
	}
	if s.Faults > 0 {
		solved += fmt.Sprintf("  faults %d (first: %s)", s.Faults, s.Fault)
	}
	metric := ""
	if p.Metric != "" {
		metric = fmt.Sprintf("  %s %-7.4g", p.Metric, s.BestMetric)
	}
	_, err := fmt.Fprintf(p.W, "gen %4d  best %10.4f%s  mean %10.4f  species %3d  hidden %5.2f  conns %6.2f  evals/s %9.0f%s\n",
		s.Generation, s.BestFitness, metric, s.MeanFitness, s.Species, s.MeanHidden, s.MeanConns, s.EvalsPerSec, solved)
	return err
}

// JSONL writes each generation as one JSON object per line to W: the
// stats.jsonl of a run directory.
type JSONL struct {
	W io.Writer
}

// Record implements Recorder.
func (j JSONL) Record(s Stats) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("population: encoding stats of generation %d: %w", s.Generation, err)
	}
	_, err = j.W.Write(append(b, '\n'))
	return err
}
