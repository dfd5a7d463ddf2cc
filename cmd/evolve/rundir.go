package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/internal/atomicfile"
	"github.com/neuroplast/neuroplast/population"
)

// The files of a run directory.
const (
	configFile     = "config.toml"
	statsFile      = "stats.jsonl"
	bestFile       = "best.json"
	summaryFile    = "summary.json"
	continualFile  = "continual.json" // the results of a continual-learning run
	checkpointsDir = "checkpoints"    // the checkpoints, gen-NNNNNN.ckpt
	// editedConfigFile is config.toml as the user edited it (whether or
	// not it still decodes), kept by a resume that rewrote config.toml
	// from the checkpoint.
	editedConfigFile = "config.edited.toml"
)

// runFiles are the files a run writes in its directory, each replaced
// through a temporary ".NAME.tmp*" (stats.jsonl only by resume).
var runFiles = []string{configFile, statsFile, bestFile, summaryFile, continualFile, dataFile}

// errRunExists is returned by createRunDir for a directory that holds a run.
var errRunExists = errors.New("already holds a run")

// errLocked is returned by lockDir for a run directory that another evolve
// process is writing.
var errLocked = errors.New("is in use by another evolve run or resume")

// runDir writes a run directory: config.toml once at the start, stats.jsonl
// one line per generation as the run goes, best.json whenever the best
// genome changes, and summary.json at the end. Every file except
// stats.jsonl is replaced atomically. The checkpoints are written by a
// checkpointer.
type runDir struct {
	path  string
	stats *os.File
	lines population.JSONL
	best  *genome.Genome // the genome best.json holds

	phases int // phases of a continual run written to continual.json
}

// holdsRun reports whether path holds any file of a run, or a checkpoints
// directory.
func holdsRun(path string) bool { return runFileIn(path) != "" }

// runFileIn returns the first of the run files and the checkpoints
// directory that path holds, or "".
func runFileIn(path string) string {
	for _, name := range append(runFiles[:len(runFiles):len(runFiles)], checkpointsDir) {
		if _, err := os.Lstat(filepath.Join(path, name)); err == nil {
			return name
		}
	}
	return ""
}

// createRunDir creates the run directory path (and its parents) and opens
// its stats.jsonl. It refuses, with an error wrapping errRunExists, a
// directory that already holds a run.
func createRunDir(path string) (*runDir, error) {
	if name := runFileIn(path); name != "" {
		return nil, fmt.Errorf("run directory %s %w (it has %s); remove it or choose another --out", path, errRunExists, name)
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(path, statsFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return &runDir{path: path, stats: f, lines: population.JSONL{W: f}}, nil
}

// resumeRunDir opens the existing run directory path to continue a run
// whose statistics so far are history. It replaces stats.jsonl atomically
// with history, one line per generation, so that lines appended after the
// checkpoint by a run that was stopped are dropped and the file is what an
// uninterrupted run would have written, then opens it for appending. It
// removes the temporary files a killed run may have left behind.
func resumeRunDir(path string, history []population.Stats) (*runDir, error) {
	removeTemporaries(path)
	var b bytes.Buffer
	lines := population.JSONL{W: &b}
	for _, s := range history {
		if err := lines.Record(s); err != nil {
			return nil, err
		}
	}
	stats := filepath.Join(path, statsFile)
	if err := writeFileAtomic(stats, b.Bytes()); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(stats, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	return &runDir{path: path, stats: f, lines: population.JSONL{W: f}}, nil
}

// removeTemporaries removes what writeFileAtomic leaves behind in dir when
// the program is killed between creating a temporary file and renaming it:
// files named .NAME.tmp* for the files of a run directory. Errors are
// ignored; the files are harmless.
func removeTemporaries(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		for _, name := range runFiles {
			if strings.HasPrefix(e.Name(), "."+name+".tmp") && e.Type().IsRegular() {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// Record implements population.Recorder: it appends the generation's line
// to stats.jsonl.
func (d *runDir) Record(s population.Stats) error {
	if err := d.lines.Record(s); err != nil {
		return fmt.Errorf("writing %s: %w", statsFile, err)
	}
	return nil
}

// writeConfig writes config.toml.
func (d *runDir) writeConfig(cfg population.Config) error {
	b, err := config.Encode(cfg,
		"The resolved configuration of this run: the defaults, then the task's needs,",
		"then the --config file, then the flags given on the command line.",
		"Rerun it with: evolve run --config config.toml --out NEWDIR")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(d.path, configFile), b)
}

// updateBest writes best.json if g is not the genome it already holds. The
// population replaces its best genome, rather than changing it, when a
// better one appears, so comparing pointers is enough.
func (d *runDir) updateBest(g *genome.Genome) error {
	if g == nil || g == d.best {
		return nil
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the best genome: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(d.path, bestFile), append(b, '\n')); err != nil {
		return err
	}
	d.best = g
	return nil
}

// summary is the content of summary.json. Every field but WallSeconds is a
// pure function of the configuration and seed.
type summary struct {
	Task     string `json:"task"`
	Seed     uint64 `json:"seed"`
	Strategy string `json:"strategy"`
	// Generations is the number of generations evaluated.
	Generations int  `json:"generations"`
	Solved      bool `json:"solved"`
	// SolvedGeneration is the first generation with a solver, or -1.
	SolvedGeneration int `json:"solved_generation"`
	// Evaluations counts genome evaluations up to the end of the solving
	// generation if solved, otherwise in the whole run.
	Evaluations  int     `json:"evaluations"`
	BestFitness  float64 `json:"best_fitness"`
	BestGenomeID int     `json:"best_genome_id"` // -1 when no generation was evaluated
	// SolverGenomeID is the genome that solved the task, present only if
	// it was solved: with a champion test that is the genome tested, which
	// need not be the fittest (BestGenomeID).
	SolverGenomeID *int `json:"solver_genome_id,omitempty"`
	// HiddenNeurons and Connections (enabled ones) describe the solver if
	// the task was solved, otherwise the best genome.
	HiddenNeurons int `json:"hidden_neurons"`
	Connections   int `json:"connections"`
	// For supervised tasks, the best genome on the test split: accuracy for
	// classification, mean squared error for regression.
	TestAccuracy *float64 `json:"test_accuracy,omitempty"`
	TestLoss     *float64 `json:"test_loss,omitempty"`
	// For tasks with a champion test (pole balancing): the steps the
	// solver, or else the best genome, balanced from the standard start,
	// and how many starts of the generalization test it balanced (absent
	// when it did not balance the whole test, so that part did not run).
	StepsBalanced  *int `json:"steps_balanced,omitempty"`
	Generalization *int `json:"generalization,omitempty"`
	// GeneralizationStarts is the number of starts in the generalization
	// test (625 for pole balancing), for tasks whose test has them.
	GeneralizationStarts *int `json:"generalization_starts,omitempty"`
	Interrupted          bool `json:"interrupted,omitempty"` // stopped by a signal before the end
	// WallSeconds is the run's wall-clock time.
	WallSeconds float64 `json:"wall_seconds"`
}

// summarize describes p.
func summarize(p *population.Population) summary {
	cfg := p.Config()
	s := summary{
		Task: cfg.Task, Seed: cfg.Seed, Strategy: p.Strategy().String(),
		Generations:      len(p.History()),
		SolvedGeneration: -1,
		Evaluations:      p.Evaluations(),
		BestGenomeID:     -1,
	}
	if best := p.Best(); best != nil {
		s.BestFitness, s.BestGenomeID = best.Fitness, best.ID
		s.HiddenNeurons, s.Connections = best.HiddenCount(), best.EnabledCount()
	}
	champion := p.Best()
	if solver, gen := p.Solver(); solver != nil {
		id := solver.ID
		s.Solved, s.SolvedGeneration, s.SolverGenomeID = true, gen, &id
		s.Evaluations = p.SolvedEvaluations()
		s.HiddenNeurons, s.Connections = solver.HiddenCount(), solver.EnabledCount()
		champion = solver
	}
	if c, ok := p.ChampionTest(champion); ok {
		s.StepsBalanced = &c.Steps
		if c.Starts > 0 {
			s.GeneralizationStarts = &c.Starts
		}
		if c.Generalization >= 0 {
			s.Generalization = &c.Generalization
		}
	}
	if r, ok := p.TestScore(p.Best()); ok && !math.IsInf(r.Metric, 0) && !math.IsNaN(r.Metric) {
		if p.Task().Info().Metric != "mse" {
			s.TestAccuracy = &r.Metric
		} else {
			s.TestLoss = &r.Metric
		}
	}
	return s
}

// updateContinual rewrites continual.json when a continual run has closed
// another phase.
func (d *runDir) updateContinual(p *population.Population) error {
	r, err := p.Continual()
	if err != nil || r == nil || len(r.R) == d.phases {
		return err
	}
	if err := r.Write(filepath.Join(d.path, continualFile)); err != nil {
		return fmt.Errorf("writing %s: %w", continualFile, err)
	}
	d.phases = len(r.R)
	return nil
}

// writeSummary writes summary.json.
func (d *runDir) writeSummary(s summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the summary: %w", err)
	}
	return writeFileAtomic(filepath.Join(d.path, summaryFile), append(b, '\n'))
}

// close flushes and closes stats.jsonl.
func (d *runDir) close() error {
	if err := d.stats.Sync(); err != nil {
		d.stats.Close()
		return err
	}
	return d.stats.Close()
}

// writeFileAtomic replaces the file at path with data: it writes a
// temporary file in the same directory, syncs it and renames it over path,
// so that readers see the old content or the new, never a part.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, "."+filepath.Base(path)+".tmp*", func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}
