package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/tasks"
)

// call runs cmd in-process with args and returns its exit status, stdout
// and stderr.
func call(t *testing.T, cmd func(context.Context, []string, io.Writer, io.Writer) int, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cmd(t.Context(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestEvolveDispatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{nil, exitUsage, "", "usage: evolve"},
		{[]string{"help"}, exitOK, "usage: evolve", ""},
		{[]string{"-h"}, exitOK, "usage: evolve", ""},
		{[]string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate" (allowed: run, resume, inspect, show, plot, compare, trials, tasks, config, help)`},
		{[]string{"tasks"}, exitOK, "xor", ""},
		{[]string{"tasks", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{[]string{"run", "-h"}, exitOK, "", "-stop-on-solve"},
		{[]string{"run", "--task", "xor", "--seed", "abc"}, exitUsage, "", `invalid value "abc" for flag -seed: parse error (-seed: the run's seed, 0 to 9223372036854775807; see evolve run -h)` + "\n"},
		{[]string{"run", "--stop-on-solve=maybe"}, exitUsage, "", "(-stop-on-solve: true or false; see evolve run -h)"},
		{[]string{"run", "--task", "xor", "--bogus"}, exitUsage, "", "flag provided but not defined: -bogus (allowed: --checkpoint-every, --config, --data-dir, --generations, --keep, --learning, --out, --population, --quiet, --seed, --stop-on-solve, --strategy, --task, --workers; see evolve run -h)"},
		{[]string{"run", "--task", "xor", "--learning", "lamarckian"}, exitUsage, "", `--learning lamarckian: task "xor" is not supervised`},
		{[]string{"run", "--task", "xor", "stray"}, exitUsage, "", `unexpected argument "stray"`},
		{[]string{"run"}, exitUsage, "", "no task: give --task NAME"},
		{[]string{"trials"}, exitUsage, "", "split-mnist, or csv:FILE"},
		{[]string{"run", "--task", "xor", "--population", "1"}, exitUsage, "", "population_size = 1"},
		{[]string{"run", "--task", "xor", "--workers", "-3"}, exitUsage, "", "workers = -3"},
		{[]string{"run", "--task", "xor", "--seed", "18446744073709551615"}, exitUsage, "", "--seed 18446744073709551615 is too large"},
		{[]string{"config", "--task", "nope"}, exitUsage, "", `unknown task "nope" (allowed: ` + strings.Join(append(tasks.Names(), tasks.StreamNames()...), ", ") + ")"},
		{[]string{"trials", "--task", "xor", "--runs", "0"}, exitUsage, "", "--runs 0: want 1 to 1000000"},
		{[]string{"trials", "--task", "xor", "--runs", "1000000000"}, exitUsage, "", "--runs 1000000000: want 1 to 1000000"},
		{[]string{"trials", "--task", "nope"}, exitUsage, "", `unknown task "nope"`},
	}
	for _, tt := range tests {
		code, stdout, stderr := call(t, evolve, tt.args...)
		if code != tt.code {
			t.Errorf("evolve %q: exit status %d, want %d (stderr %q)", tt.args, code, tt.code, stderr)
		}
		if !strings.Contains(stdout, tt.wantStdout) {
			t.Errorf("evolve %q: stdout %q, want it to contain %q", tt.args, stdout, tt.wantStdout)
		}
		if !strings.Contains(stderr, tt.wantStderr) {
			t.Errorf("evolve %q: stderr %q, want it to contain %q", tt.args, stderr, tt.wantStderr)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("evolve %q: stderr holds a stack trace: %q", tt.args, stderr)
		}
		// A bad flag is one line, not the message and the whole usage.
		if strings.Contains(tt.wantStderr, "see evolve run -h)") && strings.Count(stderr, "\n") != 1 {
			t.Errorf("evolve %q: stderr has %d lines, want one: %q", tt.args, strings.Count(stderr, "\n"), stderr)
		}
	}
}

// TestHelp checks that "evolve help COMMAND" prints the command's own help,
// as "evolve COMMAND -h" does, and that run's help does not give XOR's
// defaults for the settings each task decides.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		code, _, want := call(t, evolve, c.name, "-h")
		if code != exitOK {
			t.Errorf("evolve %s -h: exit status %d", c.name, code)
		}
		code, stdout, stderr := call(t, evolve, "help", c.name)
		if code != exitOK || stdout != want || stderr != "" || !strings.HasPrefix(stdout, "usage: evolve "+c.name+" ") {
			t.Errorf("evolve help %s: exit status %d, stdout %q, stderr %q; want 0 and the help of evolve %s -h on stdout", c.name, code, stdout, stderr, c.name)
		}
	}
	for _, args := range [][]string{{"help", "nope"}, {"help", "run", "trials"}} {
		if code, _, stderr := call(t, evolve, args...); code != exitUsage || !strings.Contains(stderr, "evolve help: ") {
			t.Errorf("evolve %q: exit status %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
	for _, cmd := range []string{"run", "trials"} {
		_, out, _ := call(t, evolve, "help", cmd)
		for _, flag := range []string{"generations", "population", "stop-on-solve"} {
			if cmd == "trials" && flag == "stop-on-solve" {
				continue
			}
			_, text, _ := strings.Cut(out, "\n  -"+flag)
			text, _, _ = strings.Cut(text, "\n  -")
			if !strings.Contains(text, "(default: the task's") || strings.Contains(text, "(default 300)") || strings.Contains(text, "(default 150)") || strings.Contains(text, "(default true)") {
				t.Errorf("evolve help %s: -%s says %q; want the task's default, not XOR's", cmd, flag, text)
			}
		}
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		positional []string
		n          int
		quiet      bool
	}{
		{[]string{"-n", "3", "dir"}, []string{"dir"}, 3, false},
		{[]string{"dir", "-n", "3"}, []string{"dir"}, 3, false},
		{[]string{"a", "--quiet", "b", "--n=4"}, []string{"a", "b"}, 4, true},
		{[]string{"-n", "5", "--", "-quiet", "x"}, []string{"-quiet", "x"}, 5, false},
		{nil, nil, 1, false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		n := fs.Int("n", 1, "")
		quiet := fs.Bool("quiet", false, "")
		positional, err := parseFlags(fs, tt.args)
		if err != nil {
			t.Errorf("parseFlags(%q): %v", tt.args, err)
			continue
		}
		if !slices.Equal(positional, tt.positional) || *n != tt.n || *quiet != tt.quiet {
			t.Errorf("parseFlags(%q) = %q, n=%d, quiet=%v; want %q, n=%d, quiet=%v",
				tt.args, positional, *n, *quiet, tt.positional, tt.n, tt.quiet)
		}
	}
}

// TestBareBoolValue checks that "--flag false" after a boolean flag, which
// the flag package leaves as a positional argument, is an error saying to
// write "--flag=false", for any command.
func TestBareBoolValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cmd  commandFunc
		args []string
		want string
	}{
		{runCmd, []string{"--task", "xor", "--stop-on-solve", "false"}, `--stop-on-solve false: a boolean flag takes its value after "="; write --stop-on-solve=false`},
		{inspectCmd, []string{"somewhere", "-continual", "true"}, "write --continual=true"},
		{trialsCmd, []string{"--quiet", "false", "--task", "xor"}, "write --quiet=false"},
	} {
		code, stdout, stderr := call(t, tt.cmd, tt.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}
