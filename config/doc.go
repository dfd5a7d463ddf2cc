// Package config reads and writes a run's configuration, a
// population.Config, as TOML: the form of evolve's --config files and of
// the config.toml in a run directory, with every key and its comment
// shown by evolve config.
//
// Decode is what evolve reads such files with, and a program that uses
// neuroplast as a library gets the same checks from it. It is stricter
// than decoding the file into a Config with a TOML library, which skips
// unknown keys and takes a number given for a named setting (strategy =
// 3, output_activation = 3) as the setting's index, silently. Decode
// refuses both, and its errors say where in the file, the key and what
// is allowed there (see Decode), in the words evolve prints.
//
// The package stands apart from population so that the core of the
// library does not depend on a TOML library: population.Config carries
// only the TOML tags and comments, and its Validate checks the values.
package config // import "github.com/neuroplast/neuroplast/config"
