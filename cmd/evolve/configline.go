package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/neuroplast/neuroplast/config"
)

// validationKey picks the key out of a configuration error from Validate,
// such as "mutate: dropin_rate = 1.5, want ...", "population:
// reproduction.elitism = -1, want ..." or "tasks: drift.masses[1] = -1,
// want ...", as a TOML section and key (an element's index dropped).
var validationKey = regexp.MustCompile(`^(population|mutate|species|evaluate|tasks): ([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)(?:\[\d+\])? = `)

// sections maps the package that reports an error to the TOML section its
// keys live in, where the key itself does not say.
var sections = map[string]string{"mutate": "mutate", "species": "species", "evaluate": "training", "population": "", "tasks": ""}

// keyLine returns the 1-based line of data (a TOML configuration file) that
// sets the key a validation error names, or 0 when the key is not set in
// the file (a default or a flag gave the bad value).
func keyLine(data []byte, verr error) int {
	m := validationKey.FindStringSubmatch(verr.Error())
	if m == nil {
		return 0
	}
	section, key := sections[m[1]], m[2]
	if s, k, ok := strings.Cut(key, "."); ok {
		section, key = s, k
	}
	return config.Line(data, section, key)
}

// flagKeys maps the flags that override configuration keys to the keys.
var flagKeys = map[string]string{
	"seed": "seed", "workers": "workers", "generations": "generations",
	"population": "population_size", "stop-on-solve": "stop_on_solve",
	"checkpoint-every": "checkpoint_every", "keep": "keep_checkpoints",
	"strategy": "strategy",
}

// locate prefixes a validation error with FILE:LINE where the file sets
// the bad key, unless a flag in set (the flags given) overrode it.
func locate(file string, data []byte, set map[string]bool, verr error) error {
	if data == nil {
		return verr
	}
	if m := validationKey.FindStringSubmatch(verr.Error()); m != nil {
		for flag, key := range flagKeys {
			if set[flag] && m[2] == key {
				return verr
			}
		}
	}
	if line := keyLine(data, verr); line > 0 {
		return fmt.Errorf("%s:%d: %v", file, line, verr)
	}
	return verr
}
