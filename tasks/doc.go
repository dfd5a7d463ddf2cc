// Package tasks holds the problems networks are evaluated on and a registry
// of the built-in ones by name, which also reads supervised tasks from CSV
// files of the user's own ("csv:FILE"; see CSV). A task knows nothing of
// evolution: it takes a compiled network and a random stream and returns how
// well the network did.
package tasks
