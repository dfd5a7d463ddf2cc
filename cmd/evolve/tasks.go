package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/neuroplast/neuroplast/tasks"
)

// tasksCmd implements "evolve tasks": a table of the built-in tasks with
// their one-line descriptions.
func tasksCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("tasks", "", stderr)
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	if !noPositional("tasks", positional, stderr) {
		return exitUsage
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tDESCRIPTION")
	for _, name := range tasks.Names() {
		fmt.Fprintf(tw, "%s\t%s\n", name, tasks.Describe(name))
	}
	for _, name := range tasks.StreamNames() {
		fmt.Fprintf(tw, "%s\t%s\n", name, tasks.DescribeStream(name))
	}
	fmt.Fprintf(tw, "%s\t%s\n", tasks.CSVPrefix+"FILE", tasks.Describe(tasks.CSVPrefix+"FILE"))
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "evolve tasks: %v\n", err)
		return exitFailure
	}
	return exitOK
}
