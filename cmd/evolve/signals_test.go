//go:build unix

package main

// Tests of how the evolve process meets signals: SIGINT where a command
// does not watch its context, and SIGPIPE.

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neuroplast/neuroplast/checkpoints"
)

// TestInterruptStopsOtherCommands checks that SIGINT stops at once a
// command that does not watch its context: inspect and show, blocked
// reading a FIFO that no one writes, die of the signal rather than
// swallow it as the cancellation that only run, resume and trials watch.
// Where the tests started with SIGINT ignored (a shell's background job),
// evolve inherits that, and keeping the default action rightly keeps
// ignoring it; SIGTERM, which shells leave alone, checks the same there.
func TestInterruptStopsOtherCommands(t *testing.T) {
	t.Parallel()
	bin := evolveBinary(t)
	sig := syscall.SIGINT
	if signal.Ignored(sig) {
		sig = syscall.SIGTERM
	}
	for _, name := range []string{"inspect", "show"} {
		fifo := filepath.Join(t.TempDir(), "gen-000001.ckpt")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatalf("mkfifo: %v", err)
		}
		cmd := exec.Command(bin, name, fifo)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Once the FIFO opens for writing, evolve has opened it for
		// reading, long after main set up its signals, and waits for data.
		var w *os.File
		for deadline := time.Now().Add(10 * time.Second); w == nil; {
			f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
			switch {
			case err == nil:
				w = f
			case !errors.Is(err, syscall.ENXIO) || time.Now().After(deadline):
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("%s: evolve did not open the FIFO: %v", name, err)
			default:
				time.Sleep(5 * time.Millisecond)
			}
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if !killedBy(err, sig) {
				t.Errorf("evolve %s after %v: %v; want it killed by that signal", name, sig, err)
			}
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("evolve %s went on for 3s after %v; want it stopped at once", name, sig)
		}
		w.Close()
	}
}

// closedPipe returns the writing end of a pipe whose reader has gone.
func closedPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	t.Cleanup(func() { w.Close() })
	return w
}

// TestClosedPipesKeepRun runs evolve run with stdout and stderr on pipes
// whose readers have gone, as in evolve run ... 2>&1 | head -1: the run
// must not die of SIGPIPE, but go on to its end, write its final
// checkpoint and summary.json, and exit with status 0.
func TestClosedPipesKeepRun(t *testing.T) {
	t.Parallel()
	bin := evolveBinary(t)
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(bin, "run", "--task", "xor", "--generations", "15", "--population", "20", "--stop-on-solve=false", "--checkpoint-every", "0", "--out", dir)
	cmd.Stdout, cmd.Stderr = closedPipe(t), closedPipe(t)
	if err := cmd.Run(); err != nil {
		t.Fatalf("evolve run with closed pipes: %v; want exit status 0", err)
	}
	if s := readJSON(t, filepath.Join(dir, summaryFile)); s["generations"] != 15.0 {
		t.Errorf("summary.json: %v; want 15 generations", s)
	}
	if st, _, _, err := checkpoints.Latest(filepath.Join(dir, checkpointsDir)); err != nil || len(st.History) != 15 {
		t.Errorf("final checkpoint: %v; want one of 15 generations", err)
	}
}

// TestClosedPipeFailsTrials checks that trials whose stdout has no reader
// left do not die of SIGPIPE but report the failed write, with status 1.
func TestClosedPipeFailsTrials(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(evolveBinary(t), "trials", "--task", "xor", "--runs", "2", "--population", "20", "--generations", "3")
	cmd.Stdout = closedPipe(t)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitFailure || !strings.Contains(stderr.String(), "evolve trials: write") || !strings.Contains(stderr.String(), syscall.EPIPE.Error()) {
		t.Errorf("trials to a closed pipe: %v, exit status %d, stderr %q; want status 1 and the broken pipe named", err, code, stderr.String())
	}
}
