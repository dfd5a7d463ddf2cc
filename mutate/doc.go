// Package mutate holds the variation operators: dropin (neurogenesis) and
// apoptosis (neuron death), connection and parameter mutations, and
// crossover by innovation number. Every operator takes the genome, the
// innovation tracker where it changes structure, and the *rand.Rand it draws
// from, so that reproduction is deterministic.
package mutate
