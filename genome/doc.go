// Package genome defines the genotype: node and connection genes, the
// innovation Tracker that lets crossover line genes up by history (NEAT,
// Stanley & Miikkulainen 2002), validation, and compilation to a
// network.Network.
//
// Genomes are plain data. They never evaluate themselves; the evaluate
// package compiles and runs them.
package genome
