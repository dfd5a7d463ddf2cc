package species

import "fmt"

// Settings holds the speciation parameters. The defaults follow the NEAT
// paper's XOR settings: d = E/N + D/N + 0.4 W, threshold 3, stagnation 15.
type Settings struct {
	Excess   float64 `toml:"excess_coefficient" comment:"c1, weight of excess genes in the distance, >= 0"`
	Disjoint float64 `toml:"disjoint_coefficient" comment:"c2, weight of disjoint genes in the distance, >= 0"`
	Weight   float64 `toml:"weight_coefficient" comment:"c3, weight of the mean weight difference of matching genes, >= 0"`
	// SmallGenome: when both genomes have fewer genes than this, N is 1
	// (the paper's rule for small genomes); 0 always divides by the size.
	SmallGenome int     `toml:"small_genome" comment:"N = 1 when both genomes have fewer connection genes than this, >= 0"`
	Threshold   float64 `toml:"threshold" comment:"compatibility threshold: a genome joins the first species whose representative is closer, > 0"`
	// Target, when positive, moves the threshold by ThresholdStep each
	// generation toward Target species, never below MinThreshold.
	Target        int     `toml:"target_species" comment:"number of species the threshold is steered toward; 0 keeps the threshold fixed, >= 0"`
	ThresholdStep float64 `toml:"threshold_step" comment:"how far the threshold moves per generation when target_species > 0, >= 0"`
	MinThreshold  float64 `toml:"min_threshold" comment:"while target_species > 0, the threshold is never steered below this, > 0"`
	Stagnation    int     `toml:"stagnation" comment:"a species whose best fitness has not improved for this many generations is dropped, > 0"`
	// Protected is how many of the best species are never dropped for
	// stagnation (at least the one holding the best genome).
	Protected int `toml:"protected" comment:"the best species that are never dropped for stagnation, >= 1"`
	// Representative is the member each species is compared with next
	// generation.
	Representative Representative `toml:"representative" comment:"the member a species compares new genomes with next generation: random, champion (its fittest) or closest (the member closest to the last representative)"`
}

// DefaultSettings returns the NEAT paper's XOR speciation settings, with the
// threshold steered toward 15 species (tuned on XOR, population 150).
func DefaultSettings() Settings {
	return Settings{
		Excess: 1, Disjoint: 1, Weight: 0.4, SmallGenome: 20,
		Threshold: 3, Target: 15, ThresholdStep: 0.1, MinThreshold: 0.3,
		Stagnation: 15, Protected: 1,
	}
}

// Validate returns an error naming the first setting out of range.
func (s *Settings) Validate() error {
	nonneg := []struct {
		name string
		v    float64
	}{
		{"excess_coefficient", s.Excess}, {"disjoint_coefficient", s.Disjoint},
		{"weight_coefficient", s.Weight}, {"threshold_step", s.ThresholdStep},
	}
	for _, p := range nonneg {
		if !(p.v >= 0) || p.v > 1e300 {
			return fmt.Errorf("species: %s = %v, want a number >= 0, at most 1e300", p.name, p.v)
		}
	}
	switch {
	case !(s.Threshold > 0) || s.Threshold > 1e300:
		return fmt.Errorf("species: threshold = %v, want a number > 0, at most 1e300", s.Threshold)
	case !(s.MinThreshold > 0) || s.MinThreshold > 1e300:
		return fmt.Errorf("species: min_threshold = %v, want a number > 0, at most 1e300", s.MinThreshold)
	case s.SmallGenome < 0:
		return fmt.Errorf("species: small_genome = %d, want >= 0", s.SmallGenome)
	case s.Target < 0:
		return fmt.Errorf("species: target_species = %d, want >= 0", s.Target)
	case s.Stagnation < 1:
		return fmt.Errorf("species: stagnation = %d, want >= 1", s.Stagnation)
	case s.Protected < 1:
		return fmt.Errorf("species: protected = %d, want >= 1", s.Protected)
	case s.Representative >= numRepresentatives:
		return fmt.Errorf("species: representative = %d, want one of %v", s.Representative, representativeNames)
	}
	return nil
}
