package main

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

// TestProgressOnTerminal runs evolve under a pseudo-terminal: stderr gets a
// progress bar redrawn in place (carriage returns, a percentage, the
// generation count) rather than one line per generation.
func TestProgressOnTerminal(t *testing.T) {
	s := onTerminal(t, "run", "--task", "xor", "--generations", "300", "--stop-on-solve=false", "--out", filepath.Join(t.TempDir(), "run"))
	for _, want := range []string{"\r", "%", "(300/300)", "best", "species", "evals/s", "run directory:"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, s[max(0, len(s)-400):])
		}
	}
	if strings.Contains(s, "gen    0  best") {
		t.Errorf("terminal output has plain progress lines; want the bar only")
	}
	if redraws := strings.Count(s, "\r"); redraws < 3 {
		t.Errorf("the bar was drawn %d times; want it to update", redraws)
	}
}

// onTerminal runs the evolve binary with args under a pseudo-terminal and
// returns what it wrote there, stdout and stderr together.
func onTerminal(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(evolveBinary(t), args...)
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatalf("starting evolve under a pseudo-terminal: %v", err)
	}
	defer tty.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, tty)
	// Reading a pty whose other end has closed ends with EIO on Linux.
	if err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatalf("reading the terminal: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("evolve %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// TestTrialsProgressOnTerminal checks that evolve trials draws a bar of
// the runs finished and solved on a terminal, ending at all of them, and
// that --quiet leaves only the summary. (Piped, trials writes nothing to
// stderr: TestTrialsFormats.)
func TestTrialsProgressOnTerminal(t *testing.T) {
	s := onTerminal(t, "trials", "--task", "xor", "--runs", "4", "--seed", "1", "--workers", "2")
	for _, want := range []string{"%", "(4/4)", "runs, 4 of 4 solved", "solved                 4 of 4"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, s[max(0, len(s)-600):])
		}
	}
	s = onTerminal(t, "trials", "--task", "xor", "--runs", "4", "--seed", "1", "--quiet")
	if strings.Contains(s, "%") || strings.Contains(s, "(4/4)") || !strings.Contains(s, "solved                 4 of 4") {
		t.Errorf("--quiet on a terminal: %q; want the summary and no bar", s)
	}
}

// TestProgressPiped checks that with stderr not a terminal, progress is
// one plain line per generation, and that --quiet prints none.
func TestProgressPiped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := call(t, runCmd, "--task", "xor", "--generations", "25", "--stop-on-solve=false", "--out", filepath.Join(dir, "a"))
	if code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 25 || !strings.HasPrefix(lines[0], "gen    0  best") || strings.Contains(stderr, "\r") {
		t.Errorf("piped progress: %d lines, first %q; want 25 plain lines", len(lines), lines[0])
	}
	if !strings.Contains(stdout, "run directory:") || strings.Contains(stdout, "gen ") {
		t.Errorf("stdout %q: want the result only", stdout)
	}
	code, _, stderr = call(t, runCmd, "--task", "xor", "--generations", "5", "--quiet", "--out", filepath.Join(dir, "b"))
	if code != exitOK || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
}
