package checkpoints_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/neuroplast/neuroplast/checkpoints"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// Save a run's state every few generations, resume it from the newest
// checkpoint, and end where the run would have ended uninterrupted.
func Example() {
	dir, err := os.MkdirTemp("", "checkpoints-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	task := tasks.XOR{}
	cfg := population.DefaultConfig()
	cfg.ApplyTask(task.Info())
	cfg.Seed = 5
	cfg.Generations = 30
	cfg.StopOnSolve = false

	// A run that stops after 10 generations, as if it were interrupted,
	// saving a checkpoint every 3 and keeping the newest 2.
	short := cfg
	short.Generations = 10
	p, err := population.New(short, task)
	if err != nil {
		log.Fatal(err)
	}
	save := population.RecorderFunc(func(st population.Stats) error {
		if (st.Generation+1)%3 != 0 {
			return nil
		}
		_, err := checkpoints.Save(dir, p.State(), 2)
		return err
	})
	if err := p.Run(ctx, save); err != nil {
		log.Fatal(err)
	}
	files, err := checkpoints.List(dir) // newest first
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println("kept", filepath.Base(f))
	}

	// Later, perhaps in another process: restore the newest valid
	// checkpoint and run on to generation 30. Only Workers and
	// Generations may change on resuming.
	s, path, skipped, err := checkpoints.Latest(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("resuming from %s (generation %d), %d damaged skipped\n", filepath.Base(path), s.Generation, len(skipped))
	s.Config.Generations = cfg.Generations
	resumed, err := population.Restore(s, task)
	if err != nil {
		log.Fatal(err)
	}
	if err := resumed.Run(ctx, nil); err != nil {
		log.Fatal(err)
	}

	// The same run without the interruption.
	whole, err := population.New(cfg, task)
	if err != nil {
		log.Fatal(err)
	}
	if err := whole.Run(ctx, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("resumed: generation %d, best fitness %.4f\n", resumed.Generation(), resumed.Best().Fitness)
	fmt.Printf("whole:   generation %d, best fitness %.4f\n", whole.Generation(), whole.Best().Fitness)
	fmt.Println("same state:", bytes.Equal(encode(resumed), encode(whole)))
	// Output:
	// kept gen-000008.ckpt
	// kept gen-000005.ckpt
	// resuming from gen-000008.ckpt (generation 8), 0 damaged skipped
	// resumed: generation 29, best fitness 15.9825
	// whole:   generation 29, best fitness 15.9825
	// same state: true
}

// encode returns p's state as a checkpoint holds it, without the
// timings, which are the only part of a run that is not a function of its
// configuration and seed.
func encode(p *population.Population) []byte {
	s := p.State()
	for i := range s.History {
		s.History[i].Seconds, s.History[i].EvalsPerSec = 0, 0
	}
	var b bytes.Buffer
	if err := checkpoints.Encode(&b, s); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}
