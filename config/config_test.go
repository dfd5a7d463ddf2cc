package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
)

// TestRoundTrip checks that Decode reads what Encode writes, for a
// configuration far from the defaults.
func TestRoundTrip(t *testing.T) {
	cfg := population.DefaultConfig()
	cfg.Seed = 1<<63 - 1
	cfg.Workers = 3
	cfg.FeedForward = false
	cfg.Genome.OutputAct = network.Tanh
	cfg.Mutate.Dropin = 0.123456789
	cfg.Mutate.Activations = []network.Activation{network.ReLU, network.Gauss}
	cfg.Reproduce.Interspecies = 1e-9
	cfg.Species.Threshold = 2.5
	b, err := config.Encode(cfg, "header")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# header\n\n") || !strings.Contains(string(b), "# probability of a dropin") {
		t.Errorf("Encode: want the header and the keys' comments, got\n%s", b)
	}
	// A header of several lines is a comment on each.
	if b, err := config.Encode(cfg, "two\nlines"); err != nil || !strings.HasPrefix(string(b), "# two\n# lines\n\n") {
		t.Errorf("Encode with a header of two lines = %v, starting %q; want each line a comment", err, b[:min(len(b), 20)])
	}
	var got population.Config
	if err := config.Decode(b, "encoded", &got); err != nil {
		t.Fatalf("encoded config does not decode: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("config round trip:\n got %+v\nwant %+v", got, cfg)
	}
}

// TestDecodeOver checks that Decode changes only the keys the document
// sets.
func TestDecodeOver(t *testing.T) {
	cfg := population.DefaultConfig()
	cfg.Task, cfg.Seed = "mine", 5
	if err := config.Decode([]byte("population_size = 40\n\n[mutate]\nactivations = [\"tanh\"]\n"), "run.toml", &cfg); err != nil {
		t.Fatal(err)
	}
	want := population.DefaultConfig()
	want.Task, want.Seed, want.PopulationSize = "mine", 5, 40
	want.Mutate.Activations = []network.Activation{network.Tanh}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("decoded over:\n got %+v\nwant %+v", cfg, want)
	}
}

// TestDecodeErrors checks Decode's messages, the ones evolve prints
// after "evolve run: " (cmd/evolve's tests check them there). go-toml's
// lines that show the spot follow and are not compared.
func TestDecodeErrors(t *testing.T) {
	const mutateKeys = "dropin_rate, dropin_preserving, dropin_fan_in, apoptosis_rate, add_connection_rate, remove_connection_rate, recurrent_connection_rate, exclusive, weight_rate, weight_mutation, weight_gene_rate, weight_replace_rate, weight_power, weight_init_sd, weight_max, bias_rate, bias_gene_rate, bias_replace_rate, bias_power, bias_init_sd, toggle_enable_rate, activation_rate, hidden_activation, activations"
	const activations = "(allowed: sigmoid, tanh, relu, identity, sin, gauss, abs)"
	tests := []struct{ data, want string }{
		// A number for a named setting, which go-toml alone takes as an index.
		{"strategy = 3\n", `run.toml:1: strategy = 3: want a name, in quotes: population: unknown strategy "3" (allowed: auto, plastic, neat, backprop, cbp)`},
		{"seed = 2\n\n[genome]\noutput_activation = 3\n", `run.toml:4: genome.output_activation = 3: want a name, in quotes: network: unknown activation "3" ` + activations},
		{"[mutate]\nactivations = [\"tanh\", 1]\n", `run.toml:2: mutate.activations = 1: want a name, in quotes: network: unknown activation "1" ` + activations},
		// Unknown keys, each with the keys allowed in its table.
		{"seed = 2\n\n[mutate]\ndropin_rat = 0.5\n", `run.toml:4: unknown key "mutate.dropin_rat" (allowed in [mutate]: ` + mutateKeys + ")"},
		{"bogus = 1\n[mutate]\nbad = 2\n", `run.toml:1: unknown key "bogus" (allowed in the top level: task, seed, population_size, generations, workers, feed_forward, synchronous, stop_on_solve, restart_after, champion_test, checkpoint_every, keep_checkpoints, data_dir, strategy, genome, mutate, reproduction, species, training, control, continual, drift, baseline, data)` +
			"\nrun.toml:3: unknown key \"mutate.bad\" (allowed in [mutate]: " + mutateKeys + ")"},
		// Values of the wrong kind or out of TOML's range.
		{"seed = -1\n", "run.toml:1:8: seed = -1: want " + config.SeedRange},
		{"seed = 9223372036854775808 # too large\n", "run.toml:1:8: seed = 9223372036854775808: want " + config.SeedRange},
		{"seed = \"one\"\n", "run.toml:1:8: seed: want an integer " + config.SeedRange + ", not a TOML string"},
		{"population_size = 1.5\n", "run.toml:1:19: population_size: want an integer, not a TOML float"},
		{"[mutate]\nactivations = \"tanh\"\n", "run.toml:2:15: mutate.activations: want an array, not a TOML string"},
		{"[mutate]\nhidden_activation = \"swish\"\n", `run.toml:2:21: mutate.hidden_activation: network: unknown activation "swish" ` + activations},
		{"generations = 99999999999999999999\n", "run.toml:1:15: generations: decimal number is too large to fit in a 64-bit signed integer; want a number in the key's range (see evolve config)"},
		{"task = xor\n", `run.toml:1:8: unexpected character U+0078 'x' at start of value (a string is quoted: key = "value"; see evolve config)`},
		{"population_size = 1979-05-27\n", "run.toml:1:19: population_size: want an integer, not a TOML local date"},
		{"seed = {a = 1}\n", "run.toml:1:8: seed: want an integer " + config.SeedRange + ", not a TOML inline table"},
		// Not a range error, though on the seed.
		{"seed = 1\nseed = 2\n", "run.toml:2:1: seed: key seed is already defined"},
		// Named settings given another kind of value, dotted, quoted, or
		// under a header with a comment: each with its line.
		{"strategy = true\n", `run.toml:1: strategy = true: want a name, in quotes: population: unknown strategy "true" (allowed: auto, plastic, neat, backprop, cbp)`},
		{"seed = 1\nstrategy = 3.5\n", `run.toml:2: strategy = 3.5: want a name, in quotes: population: unknown strategy "3.5" (allowed: auto, plastic, neat, backprop, cbp)`},
		{"seed = 1\ngenome.output_activation = 3\n", `run.toml:2: genome.output_activation = 3: want a name, in quotes: network: unknown activation "3" ` + activations},
		{"\"strategy\" = 3\n", `run.toml:1: strategy = 3: want a name, in quotes: population: unknown strategy "3" (allowed: auto, plastic, neat, backprop, cbp)`},
		{"[mutate] # the mutations\nactivations = [3]\n", `run.toml:2: mutate.activations = 3: want a name, in quotes: network: unknown activation "3" ` + activations},
	}
	for _, tt := range tests {
		cfg := population.DefaultConfig()
		err := config.Decode([]byte(tt.data), "run.toml", &cfg)
		if err == nil {
			t.Errorf("Decode(%q) = nil; want %q", tt.data, tt.want)
			continue
		}
		n := strings.Count(tt.want, "\n") + 1
		lines := strings.Split(err.Error(), "\n")
		if got := strings.Join(lines[:min(n, len(lines))], "\n"); got != tt.want {
			t.Errorf("Decode(%q):\n got %q\nwant %q", tt.data, got, tt.want)
		}
	}
}

// TestLoad checks that Load decodes a file over cfg, naming the file in
// its errors, and returns the error of a file it cannot read.
func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.toml")
	if err := os.WriteFile(path, []byte("population_size = 40\nstrategy = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := population.DefaultConfig()
	if err := config.Load(path, &cfg); err == nil || !strings.HasPrefix(err.Error(), path+":2: strategy = 3: want a name") {
		t.Errorf("Load(%s) = %v; want the file, line 2 and strategy", path, err)
	}
	if err := os.WriteFile(path, []byte("population_size = 40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := config.Load(path, &cfg); err != nil || cfg.PopulationSize != 40 {
		t.Errorf("Load(%s) = %v, population_size %d; want nil and 40", path, err, cfg.PopulationSize)
	}
	missing := filepath.Join(t.TempDir(), "missing.toml")
	if err := config.Load(missing, &cfg); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(%s) = %v; want the file not found, named", missing, err)
	}
}

// TestLine checks that Line finds a key in its table only, under a header
// with a comment, as a dotted key and as a quoted one.
func TestLine(t *testing.T) {
	data := []byte("seed = 1\ngenome.bias = true\n\n[mutate]\n  dropin_rate = 0.5\n[species] # speciation\nthreshold=3\n\"target\" = 2\n")
	for _, tt := range []struct {
		section, key string
		want         int
	}{
		{"", "seed", 1},
		{"genome", "bias", 2},
		{"mutate", "dropin_rate", 5},
		{"species", "threshold", 7},
		{"species", "target", 8},
		{"", "dropin_rate", 0},
		{"", "threshold", 0},
		{"mutate", "seed", 0},
	} {
		if got := config.Line(data, tt.section, tt.key); got != tt.want {
			t.Errorf("Line([%s] %s) = %d; want %d", tt.section, tt.key, got, tt.want)
		}
	}
}

// TestSeedRange checks SeedRange against the largest seed a file can
// hold, which Encode writes and one more it refuses.
func TestSeedRange(t *testing.T) {
	if want := fmt.Sprintf("0 to %d (seeds are stored as TOML integers)", int64(math.MaxInt64)); config.SeedRange != want {
		t.Errorf("SeedRange = %q; want %q", config.SeedRange, want)
	}
	cfg := population.DefaultConfig()
	cfg.Seed = math.MaxInt64 + 1
	if _, err := config.Encode(cfg); err == nil {
		t.Errorf("Encode with seed %d = nil; want an error", cfg.Seed)
	}
}
