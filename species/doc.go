// Package species divides a population into species by compatibility
// distance (NEAT, Stanley & Miikkulainen 2002), so that new structure is
// protected while it tunes: fitness is shared within a species, species that
// stop improving are dropped, and offspring are allocated by shared fitness.
package species
