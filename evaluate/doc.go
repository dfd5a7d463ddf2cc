// Package evaluate runs genomes on a task: it compiles each genome into a
// worker's own network, calls the Evaluator with a random stream derived from
// (seed, generation, genome ID), and isolates faults, so that a task that
// panics or returns a NaN or infinite fitness or metric costs only that
// genome its fitness.
//
// Pool spreads the genomes of a generation over goroutines. Results do not
// depend on the number of workers or on scheduling.
package evaluate
