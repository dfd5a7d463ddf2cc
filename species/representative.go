package species

import "github.com/neuroplast/neuroplast/internal/enum"

// Representative chooses the member of a species that new genomes are
// compared with in the next generation.
type Representative uint8

// The choices of Representative.
const (
	// RandomRep takes a random member, as the NEAT paper describes.
	RandomRep Representative = iota
	// ChampionRep takes the fittest member (ties to the earlier genome).
	// The champion is usually copied unchanged as the species' elite, so
	// the species keeps its centre from one generation to the next.
	ChampionRep
	// ClosestRep takes the member closest to the previous representative
	// (ties to the earlier genome), as NEAT-Python does: the species
	// drifts with its members instead of jumping to an outlier, which in
	// a large converged population can otherwise swing the species count
	// between one and dozens from one generation to the next.
	ClosestRep
	numRepresentatives
)

var representativeNames = [numRepresentatives]string{RandomRep: "random", ChampionRep: "champion", ClosestRep: "closest"}

var representativeEnum = enum.Names{Pkg: "species", Noun: "representative", Type: "Representative", List: representativeNames[:]}

// String returns the configuration name.
func (r Representative) String() string { return enum.String(r, &representativeEnum) }

// MarshalText implements encoding.TextMarshaler.
func (r Representative) MarshalText() ([]byte, error) { return enum.Marshal(r, &representativeEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Representative) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Representative](string(text), &representativeEnum)
	if err == nil {
		*r = v
	}
	return err
}
