package main

// Tests of what evolve does when its output cannot be written.

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// failingWriter fails every write, as /dev/full does.
type failingWriter struct{ writes int }

func (w *failingWriter) Write([]byte) (int, error) {
	w.writes++
	return 0, syscall.ENOSPC
}

// callWith runs cmd in-process with args, writing to stdout and stderr,
// and returns its exit status.
func callWith(t *testing.T, cmd commandFunc, stdout, stderr io.Writer, args ...string) int {
	t.Helper()
	return cmd(t.Context(), args, stdout, stderr)
}

// TestRunOutputFailureKeepsRun checks that a run whose progress on stderr
// cannot be written goes on to its end, writing the same run directory
// as a run whose stderr works, and that a summary that cannot be printed
// on stdout neither fails the run nor loses any of its files.
func TestRunOutputFailureKeepsRun(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	args := []string{"--task", "xor", "--seed", "2", "--generations", "12", "--population", "20", "--stop-on-solve=false"}
	ref := filepath.Join(base, "ref")
	mustCall(t, runCmd, append(args, "--out", ref)...)

	dir := filepath.Join(base, "no-stderr")
	var stdout bytes.Buffer
	stderr := &failingWriter{}
	if code := callWith(t, runCmd, &stdout, stderr, append(args, "--out", dir)...); code != exitOK {
		t.Fatalf("run with a failing stderr: exit status %d; want 0", code)
	}
	if stderr.writes != 1 {
		t.Errorf("progress tried %d writes to a failing stderr; want 1, then none", stderr.writes)
	}
	if !strings.Contains(stdout.String(), "run directory: "+dir) {
		t.Errorf("stdout %q lacks the run directory", stdout.String())
	}
	sameRun(t, ref, dir)

	dir = filepath.Join(base, "no-stdout")
	var errOut bytes.Buffer
	if code := callWith(t, runCmd, &failingWriter{}, &errOut, append(args, "--out", dir)...); code != exitOK {
		t.Fatalf("run with a failing stdout: exit status %d; want 0 (the run is complete); stderr:\n%s", code, errOut.String())
	}
	want := "evolve run: warning: cannot print the summary: " + syscall.ENOSPC.Error() + "; the run is complete, and " + filepath.Join(dir, summaryFile) + " holds it\n"
	if !strings.HasSuffix(errOut.String(), want) {
		t.Errorf("stderr ends %q; want %q", errOut.String()[max(0, errOut.Len()-200):], want)
	}
	sameRun(t, ref, dir)
}

// TestTrialsBadConfig checks that trials refuses, with status 2 and run's
// message, a configuration that run refuses: one that population.New
// rejects, from a flag or a config file.
func TestTrialsBadConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, args := range [][]string{
		{"--task", "xor", "--strategy", "backprop"},
		{"--task", "xor", "--config", file("sync.toml", "synchronous = true\nfeed_forward = false\n")},
		{"--task", "xor", "--config", file("learn.toml", "[training]\nlearning = 'lamarckian'\n")},
	} {
		code, _, runErr := call(t, runCmd, append(args, "--out", filepath.Join(dir, "never"))...)
		if code != exitUsage {
			t.Fatalf("run %q: exit status %d, want %d: %s", args, code, exitUsage, runErr)
		}
		code, stdout, stderr := call(t, trialsCmd, append(args, "--runs", "2")...)
		want := strings.Replace(runErr, "evolve run:", "evolve trials:", 1)
		if code != exitUsage || stderr != want || stdout != "" {
			t.Errorf("trials %q: exit status %d, stdout %q, stderr %q; want %d and %q", args, code, stdout, stderr, exitUsage, want)
		}
	}
}

// TestTrialsOutputFailure checks that trials, which keep nothing on disk,
// fail with status 1 and say why when their summary cannot be written, in
// every format.
func TestTrialsOutputFailure(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "csv", "json"} {
		var stderr bytes.Buffer
		code := callWith(t, trialsCmd, &failingWriter{}, &stderr, "--task", "xor", "--runs", "3", "--population", "20", "--generations", "3", "--format", format)
		want := "evolve trials: " + syscall.ENOSPC.Error() + "\n"
		if code != exitFailure || stderr.String() != want {
			t.Errorf("trials --format %s to a failing stdout: exit status %d, stderr %q; want %d and %q", format, code, stderr.String(), exitFailure, want)
		}
	}
}

// TestTrialsHeaderTrue checks that the summary of trials describes the
// runs as they were made: one network, not the configuration's population,
// under backprop and cbp, and no restart_after on a stream, which never
// restarts.
func TestTrialsHeaderTrue(t *testing.T) {
	t.Parallel()
	head := func(args ...string) map[string]any {
		t.Helper()
		code, stdout, stderr := call(t, trialsCmd, append(args, "--runs", "1", "--format", "json", "--quiet")...)
		if code != exitOK {
			t.Fatalf("trials %q: exit status %d: %s", args, code, stderr)
		}
		return decodeObject(t, []byte(stdout), "runs")
	}
	gaussian := []string{"--task", "gaussian", "--population", "10", "--generations", "1"}
	for _, strategy := range []string{"backprop", "cbp"} {
		args := slices.Concat(gaussian, []string{"--strategy", strategy})
		if h := head(args...); h["population"] != 1.0 {
			t.Errorf("trials %q --format json: header %v; want population 1", args, h)
		}
		_, stdout, _ := call(t, trialsCmd, append(args, "--runs", "1")...)
		if want := "strategy " + strategy + " (learning lamarckian), one network, 1 generations\n"; !strings.Contains(stdout, want) {
			t.Errorf("trials %q printed\n%s\nwant %q", args, stdout, want)
		}
	}
	if h := head(gaussian...); h["population"] != 10.0 {
		t.Errorf("trials %q --format json: header %v; want population 10", gaussian, h)
	}
	bitflip := []string{"--task", "bitflip", "--population", "10", "--generations", "5"}
	if h := head(bitflip...); h["restart_after"] != nil || h["population"] != 10.0 {
		t.Errorf("trials %q --format json: header %v; want population 10 and no restart_after", bitflip, h)
	}
	_, stdout, _ := call(t, trialsCmd, append(bitflip, "--strategy", "backprop", "--runs", "1")...)
	if !strings.Contains(stdout, "population             one network\n") {
		t.Errorf("trials %q --strategy backprop printed\n%s\nwant population one network", bitflip, stdout)
	}
	if h := head("--task", "xor", "--population", "20", "--generations", "3"); h["restart_after"] == nil {
		t.Errorf("trials on xor --format json: header %v; want restart_after", h)
	}
}
