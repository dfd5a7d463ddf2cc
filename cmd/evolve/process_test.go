package main

// Tests that run the evolve binary as a process of its own, to stop it with
// signals and to kill it.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neuroplast/neuroplast/checkpoints"
)

var (
	binOnce sync.Once
	binDir  string // holds the binary; removed by TestMain
	binPath string
	binErr  error
)

// TestMain removes the evolve binary built by the tests; the testing
// package exits with m.Run's status when it returns.
func TestMain(m *testing.M) {
	m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}

// evolveBinary builds the evolve command, once per test binary, and
// returns its path. It skips the test where processes cannot be signalled
// as on Unix, or where there is no go command to build with.
func evolveBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skipf("signals and SIGKILL are Unix-only; GOOS is %s", runtime.GOOS)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the evolve binary with")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "evolve-test-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "evolve")
		if out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runProcess runs the evolve binary with args and returns its exit status
// and stderr. It fails the test if the process does not end within a
// minute.
func runProcess(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("evolve %q did not end within a minute", args)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("evolve %q: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// killedBy reports whether the process that ended with err was killed by
// the signal sig.
func killedBy(err error, sig syscall.Signal) bool {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// TestKilledRunResumesExactly kills a run with SIGKILL at pseudo-random
// moments, many of them while a checkpoint is being written, resumes it
// each time, and checks that it ends exactly as the uninterrupted run does,
// and that no kill ever cost the newest valid checkpoint.
func TestKilledRunResumesExactly(t *testing.T) {
	t.Parallel()
	bin := evolveBinary(t)
	base := t.TempDir()
	args := []string{"--task", "xor", "--seed", "5", "--stop-on-solve=false", "--generations", "400",
		"--checkpoint-every", "3", "--population", "150", "--quiet"}
	ref := filepath.Join(base, "uninterrupted")
	start := time.Now()
	if code, stderr := runProcess(t, bin, append([]string{"run", "--out", ref}, args...)...); code != exitOK {
		t.Fatalf("uninterrupted run: exit status %d: %s", code, stderr)
	}
	// Kills land up to an eighth of the uninterrupted run's time after the
	// start of each process, so at least ten land before the end.
	window := int64(time.Since(start)/8) + 1

	const minKills = 10
	dir := filepath.Join(base, "killed")
	ckptDir := filepath.Join(dir, checkpointsDir)
	rng := rand.New(rand.NewPCG(7, 11))
	deadline := time.Now().Add(90 * time.Second)
	kills, restarts, inWrite, resumes := 0, 0, 0, 0
	progress := -1 // generations of history in the newest valid checkpoint
	for {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after 90s: %d kills, %d restarts", kills, restarts)
		}
		var cmd *exec.Cmd
		if names, err := checkpoints.List(ckptDir); err == nil && len(names) > 0 {
			cmd = exec.Command(bin, "resume", dir, "--quiet")
			resumes++
		} else {
			// Killed before its first checkpoint: start again.
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			cmd = exec.Command(bin, append([]string{"run", "--out", dir}, args...)...)
			progress = -1
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var timer *time.Timer
		if kills < minKills {
			timer = time.AfterFunc(time.Duration(rng.Int64N(window)), func() { cmd.Process.Kill() })
		} else {
			timer = time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
		}
		err := cmd.Wait()
		timer.Stop()
		switch {
		case err == nil && kills >= minKills:
			t.Logf("%d kills (%d with a checkpoint half written), %d resumes, %d restarts from scratch", kills, inWrite, resumes, restarts)
			sameRun(t, ref, dir)
			return
		case err == nil:
			// It finished before enough kills: do it all again.
			restarts++
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			continue
		case killedBy(err, syscall.SIGKILL) && kills < minKills:
			kills++
		default:
			t.Fatalf("%q: %v: %s", cmd.Args, err, stderr.String())
		}

		// What the kill left: maybe a temporary file, never a damaged
		// checkpoint, and never less progress than before.
		entries, _ := os.ReadDir(ckptDir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp") {
				inWrite++
				break
			}
		}
		if names, err := checkpoints.List(ckptDir); err != nil || len(names) == 0 {
			if progress >= 0 {
				t.Fatalf("after kill %d: no checkpoint left (%v); the last had %d generations", kills, err, progress)
			}
			continue
		}
		s, path, skipped, err := checkpoints.Latest(ckptDir)
		if err != nil || len(skipped) > 0 {
			t.Fatalf("after kill %d: %v (skipped %v)", kills, err, skipped)
		}
		if len(s.History) < progress {
			t.Fatalf("after kill %d: newest valid checkpoint %s has %d generations; one with %d existed before", kills, path, len(s.History), progress)
		}
		progress = len(s.History)
	}
}

// TestSignalsStopCleanly stops running processes with SIGINT and SIGTERM:
// each exits with 128 plus the signal's number after writing a final
// checkpoint (with checkpoint_every 0, the only one), from which resume
// ends exactly as the uninterrupted run does.
func TestSignalsStopCleanly(t *testing.T) {
	t.Parallel()
	bin := evolveBinary(t)
	base := t.TempDir()
	args := []string{"--task", "xor", "--seed", "4", "--stop-on-solve=false", "--generations", "1500", "--checkpoint-every", "0"}
	ref := filepath.Join(base, "uninterrupted")
	if code, stderr := runProcess(t, bin, append([]string{"run", "--out", ref, "--quiet"}, args...)...); code != exitOK {
		t.Fatalf("uninterrupted run: exit status %d: %s", code, stderr)
	}
	for _, tt := range []struct {
		name string
		sig  syscall.Signal
		code int
	}{
		{"SIGINT", syscall.SIGINT, 130},
		{"SIGTERM", syscall.SIGTERM, 143},
	} {
		dir := filepath.Join(base, tt.name)
		cmd := exec.Command(bin, append([]string{"run", "--out", dir}, args...)...)
		pipe, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
		// Signal once the progress lines show generation 10.
		var stderr strings.Builder
		sent := false
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			stderr.WriteString(line + "\n")
			if f := strings.Fields(line); !sent && len(f) > 1 && f[0] == "gen" {
				if g, err := strconv.Atoi(f[1]); err == nil && g >= 10 {
					if err := cmd.Process.Signal(tt.sig); err != nil {
						t.Fatal(err)
					}
					sent = true
				}
			}
		}
		err = cmd.Wait()
		timer.Stop()
		if !sent {
			t.Fatalf("%s: the run ended before generation 10: %v\n%s", tt.name, err, stderr.String())
		}
		if code := cmd.ProcessState.ExitCode(); code != tt.code {
			t.Fatalf("%s: exit status %d (%v), want %d; stderr:\n%s", tt.name, code, err, tt.code, stderr.String())
		}
		if msg := stderr.String(); !strings.Contains(msg, "stopped by "+tt.name) || !strings.Contains(msg, "evolve resume "+dir) {
			t.Errorf("%s: stderr does not say what stopped the run and how to resume it:\n%s", tt.name, msg)
		}
		if s := readJSON(t, filepath.Join(dir, summaryFile)); s["interrupted"] != true {
			t.Errorf("%s: summary.json %v, want interrupted: true", tt.name, s)
		}
		s, path, _, err := checkpoints.Latest(filepath.Join(dir, checkpointsDir))
		if err != nil {
			t.Fatalf("%s: no final checkpoint: %v", tt.name, err)
		}
		if len(s.History) < 10 || len(s.History) >= 1500 {
			t.Errorf("%s: final checkpoint %s has %d generations, want the run cut short after 10", tt.name, path, len(s.History))
		}
		if code, stderr := runProcess(t, bin, "resume", dir, "--quiet"); code != exitOK {
			t.Fatalf("%s: resume: exit status %d: %s", tt.name, code, stderr)
		}
		sameRun(t, ref, dir)
	}
}
