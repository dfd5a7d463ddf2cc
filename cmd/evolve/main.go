// Evolve is neuroplast's command line: it evolves neural networks on a task
// and writes the results to a run directory.
//
// Usage:
//
//	evolve run --task NAME [--config FILE.toml] [--seed N] [--workers N]
//	           [--generations N] [--population N] [--out DIR]
//	           [--strategy auto|plastic|neat|backprop|cbp]
//	           [--learning auto|none|lamarckian|baldwinian]
//	           [--stop-on-solve=true|false] [--checkpoint-every N] [--keep N]
//	           [--data-dir DIR] [--quiet]
//	evolve resume DIR [--generations N] [--workers N] [--quiet]
//	evolve inspect DIR|CHECKPOINT [--top N] [--sort fitness|neurons|connections|age]
//	           [--species] [--format table|csv|json]
//	evolve inspect DIR --continual [--format table|csv|json]
//	evolve show DIR|CHECKPOINT [--genome ID|best|solver] [--format table|dot|svg|json]
//	evolve plot DIR [-o FILE.png|FILE.svg] [--kind fitness|species|size|plasticity|continual|all]
//	evolve compare DIR... [--format table|csv|json]
//	evolve trials --task NAME [--runs N] [--seed N] [--population N]
//	           [--generations N] [--workers N] [--config FILE.toml] [--target A]
//	           [--strategy S] [--learning L] [--data-dir DIR]
//	           [--format text|csv|json] [--quiet]
//	evolve tasks
//	evolve config [--task NAME]
//	evolve help [COMMAND]
//
// The exit status is 0 on success, 1 when a run fails, 2 for bad usage or
// bad input (an unknown task, a bad flag value, an invalid configuration
// file, a damaged checkpoint), and 130 or 143 when a run or resume was
// stopped by SIGINT or SIGTERM after writing its final checkpoint, or
// trials were stopped so.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// Exit statuses. A run stopped by a signal exits with 128 plus the signal's
// number, as shells report a process killed by it: 130 for SIGINT, 143 for
// SIGTERM (see interruptedStatus).
const (
	exitOK      = 0 // success
	exitFailure = 1 // the run failed
	exitUsage   = 2 // bad usage or bad input
)

func main() {
	ctx := context.Background()
	if len(os.Args) > 1 {
		if c, err := findCommand(os.Args[1]); err == nil && c.stoppable {
			ctx = stopOnSignal(ctx)
			// A reader of stdout or stderr that goes away (evolve run |
			// head) must not kill a run before it writes its final
			// checkpoint: with SIGPIPE ignored, writes there fail with
			// EPIPE, which the progress and the summary survive.
			signal.Ignore(syscall.SIGPIPE)
		}
	}
	code := evolve(ctx, os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(code)
}

// stopOnSignal returns a context that the first SIGINT or SIGTERM cancels,
// with an interruption as its cause, for a command that watches its
// context (command.stoppable). After that signal the default action is
// restored, so that a second Ctrl-C stops the program at once. The other
// commands keep the default action of both signals throughout: they would
// not notice the cancellation.
func stopOnSignal(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		signal.Stop(sigs)
		cancel(interruption{sig})
	}()
	return ctx
}

// interruption is the cause of the context cancelled by a signal.
type interruption struct {
	sig os.Signal
}

func (i interruption) Error() string { return i.sig.String() }

// signalName returns the name of the signal that cancelled ctx, such as
// "SIGINT", or "cancellation" when ctx was cancelled otherwise.
func signalName(ctx context.Context) string {
	var i interruption
	if !errors.As(context.Cause(ctx), &i) {
		return "cancellation"
	}
	switch i.sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return i.sig.String()
}

// interruptedStatus returns the exit status of a command stopped by the
// cancellation of ctx: 128 plus the signal's number when a signal cancelled
// it (130 for SIGINT, 143 for SIGTERM), otherwise exitFailure.
func interruptedStatus(ctx context.Context) int {
	var i interruption
	if errors.As(context.Cause(ctx), &i) {
		if s, ok := i.sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return exitFailure
}

// command is one subcommand of evolve.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	// stoppable says that run watches ctx and stops cleanly when it is
	// cancelled: main cancels it on SIGINT or SIGTERM (stopOnSignal), and
	// ignores SIGPIPE, which would kill it halfway.
	stoppable bool
}

// commands returns the subcommands in the order usage lists them.
func commands() []command {
	return []command{
		{"run", "evolve a population on a task and write a run directory", runCmd, true},
		{"resume", "continue a run from its newest valid checkpoint", resumeCmd, true},
		{"inspect", "list the best genomes or the species of a checkpoint, or a continual run's results, in a table", inspectCmd, false},
		{"show", "print one genome of a checkpoint: neurons and connections, Graphviz DOT, an SVG picture or JSON", showCmd, false},
		{"plot", "draw charts of a run directory's statistics as PNG or SVG images", plotCmd, false},
		{"compare", "compare continual runs in a table: ACC, BWT, FWT, new-task metric early and late, size, work", compareCmd, false},
		{"trials", "run a task over many seeds and report how often and how fast it is solved (a stream: its continual metrics)", trialsCmd, true},
		{"tasks", "list the built-in tasks", tasksCmd, false},
		{"config", "print the full default configuration as TOML", configCmd, false},
	}
}

// evolve runs the subcommand named by args[0] and returns the exit status.
func evolve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help":
		if len(args) > 1 {
			return help(ctx, args[1:], stdout, stderr)
		}
		usage(stdout)
		return exitOK
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	c, err := findCommand(name)
	if err != nil {
		fmt.Fprintf(stderr, "evolve: %v\n", err)
		return exitUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// findCommand returns the subcommand called name, or an error naming it
// and the allowed ones.
func findCommand(name string) (command, error) {
	var names []string
	for _, c := range commands() {
		if c.name == name {
			return c, nil
		}
		names = append(names, c.name)
	}
	return command{}, fmt.Errorf("unknown command %q (allowed: %s, help)", name, strings.Join(names, ", "))
}

// help implements "evolve help COMMAND": it writes the command's help, as
// "evolve COMMAND -h" does, but on stdout.
func help(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(stderr, "evolve help: want one command, got %d arguments %q\n", len(args), args)
		return exitUsage
	}
	if args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	c, err := findCommand(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "evolve help: %v\n", err)
		return exitUsage
	}
	return c.run(ctx, []string{"-h"}, stdout, stdout)
}

// usage writes the list of subcommands to w.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: evolve COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `run "evolve help COMMAND" or "evolve COMMAND -h" for a command's flags`)
}

// newFlagSet returns a FlagSet for the named subcommand that reports errors
// instead of exiting and writes its messages to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("evolve "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: evolve %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs, allowing flags both before and after the
// positional arguments, which it returns in order. Everything after "--" is
// positional. On -h it writes the usage to fs's output; on a bad flag, one
// line naming the flag, the bad value and what the flag takes, rather than
// the flag package's message followed by the whole usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			fs.SetOutput(out)
			if errors.Is(err, flag.ErrHelp) {
				fs.Usage()
				return nil, err
			}
			fmt.Fprintf(out, "%s: %v (%ssee %s -h)\n", fs.Name(), err, flagTakes(fs, err), fs.Name())
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		if used := len(args) - len(rest); used > 0 {
			if name, ok := bareBoolValue(fs, args[used-1], rest[0]); ok {
				err := fmt.Errorf("--%s %s: a boolean flag takes its value after \"=\"; write --%s=%s", name, rest[0], name, rest[0])
				fmt.Fprintf(out, "%s: %v\n", fs.Name(), err)
				return nil, err
			}
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// bareBoolValue reports whether arg, the argument before next, is a
// boolean flag given without a value and next is a value for it, "true"
// or "false", which the flag package takes for a positional argument; it
// returns the flag's name.
func bareBoolValue(fs *flag.FlagSet, arg, next string) (string, bool) {
	if (next != "true" && next != "false") || !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
		return "", false
	}
	name := strings.TrimLeft(arg, "-")
	f := fs.Lookup(name)
	if f == nil {
		return "", false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return name, ok && b.IsBoolFlag()
}

// flagTakes returns, for the flag package's error about a bad value, what
// the flag takes, from its usage text, as "-seed: the run's seed, 0 to
// 9223372036854775807; " ("-quiet: true or false; " for a boolean); for
// an unknown flag, the flags there are. Otherwise it returns "".
func flagTakes(fs *flag.FlagSet, err error) string {
	if strings.HasPrefix(err.Error(), "flag provided but not defined") {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, "--"+f.Name) })
		return "allowed: " + strings.Join(names, ", ") + "; "
	}
	_, rest, ok := strings.Cut(err.Error(), " for flag -")
	if !ok {
		_, rest, ok = strings.Cut(err.Error(), " for -") // a boolean flag
	}
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ":")
	f := fs.Lookup(name)
	if f == nil {
		return ""
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return "-" + name + ": true or false; "
	}
	_, usage := flag.UnquoteUsage(f)
	return "-" + name + ": " + usage + "; "
}

// flagStatus turns the error of parseFlags into an exit status: 0 when help
// was asked for, 2 otherwise. parseFlags has already written the message
// or the usage.
func flagStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// noPositional reports an unexpected positional argument of the named
// subcommand on stderr and returns false, or returns true when there is
// none.
func noPositional(name string, positional []string, stderr io.Writer) bool {
	if len(positional) == 0 {
		return true
	}
	fmt.Fprintf(stderr, "evolve %s: unexpected argument %q (this command takes only flags; see evolve %s -h)\n", name, positional[0], name)
	return false
}

// emit ends a command that builds its output in memory: on success it
// writes out to stdout, so a failure halfway prints nothing partial; an
// error from building or writing goes to stderr, prefixed with the
// command's name, with exit status exitFailure.
func emit(cmd string, out []byte, err error, stdout, stderr io.Writer) int {
	if err == nil {
		_, err = stdout.Write(out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evolve %s: %v\n", cmd, err)
		return exitFailure
	}
	return exitOK
}

// choice returns nil if value, given to the named flag, is one of allowed,
// and otherwise an error naming the value and the allowed ones, for the
// flags whose values come from a fixed list (--format, --sort).
func choice(flag, value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return fmt.Errorf("--%s %q: allowed: %s", flag, value, strings.Join(allowed, ", "))
}
