package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/neuroplast/neuroplast/population"
)

// newSmallPopulation returns a population of task (xor or a stream) with
// 20 genomes, seed 3, that runs gens generations, with settings changed
// by set.
func newSmallPopulation(t *testing.T, task string, gens int, set func(*population.Config)) *population.Population {
	t.Helper()
	cfg := population.DefaultConfig()
	cfg.Task, cfg.Seed, cfg.PopulationSize, cfg.Generations, cfg.StopOnSolve = task, 3, 20, gens, false
	if set != nil {
		set(&cfg)
	}
	tk, err := newTask(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ApplyTask(tk.Info())
	p, err := population.New(cfg, tk)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunErrorsWrapCause checks that the errors of writing a checkpoint
// and continual.json wrap their cause, so that errors.Is tells what
// failed: here a file where the checkpoints directory should be
// (ENOTDIR) and a directory where continual.json should be (EEXIST or ENOTEMPTY on rename).
func TestRunErrorsWrapCause(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := newSmallPopulation(t, "xor", 1, nil)
	if err := os.WriteFile(filepath.Join(dir, checkpointsDir), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := newCheckpointer(p, dir).save(); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("saving a checkpoint into a file = %v; want it to wrap ENOTDIR", err)
	}

	p = newSmallPopulation(t, "bitflip", 2, func(c *population.Config) {
		c.Continual.Phases, c.Continual.GenerationsPerPhase, c.Continual.TrainPerPhase, c.Training.Steps = 2, 1, 50, 2
	})
	if err := p.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, continualFile, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	rd := &runDir{path: dir}
	if err := rd.updateContinual(p); !errors.Is(err, fs.ErrExist) {
		t.Errorf("writing continual.json over a directory = %v; want it to wrap EEXIST or ENOTEMPTY", err)
	}
}
