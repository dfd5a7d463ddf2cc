// Package checkpoints saves and loads the complete state of a run (a
// population.State), so that a resumed run continues byte-for-byte as the
// uninterrupted run would have.
//
// A checkpoint is written atomically (a temporary file in the same
// directory, fsync, rename, fsync of the directory), carries a format
// version and a checksum, and is refused as a whole, with a CorruptError
// naming the file and the problem, when any part of it is damaged. Save
// keeps the newest checkpoints of a run directory and removes older ones
// only after the new one is in place, never removing or writing over a
// file that is not one of the run's checkpoints; Latest falls back past
// damaged checkpoints to the newest valid one.
//
// # File names
//
// The checkpoint of generation g is named gen-GGGGGG.ckpt, g written with
// at least six digits (Name). List and Latest consider only names of that
// form; a temporary file (gen-GGGGGG.ckpt.tmp-N, left by a crash during
// Write) is never read, and Save removes it.
//
// # Format, version 4
//
// A checkpoint is a 32-byte header followed by the payload:
//
//	offset  size  field
//	     0     8  magic "NPLCKPT\x00"
//	     8     4  format version, big-endian uint32 (4; versions 1 to 3 are read too)
//	    12     8  payload length in bytes, big-endian uint64
//	    20     8  decompressed payload length in bytes, big-endian uint64
//	    28     4  CRC-32C (Castagnoli) of the payload, big-endian uint32
//	    32     …  payload: one gzip member, nothing after it
//
// Every header field is checked on reading: the magic and version first,
// then the payload length against the bytes present, the checksum against
// the payload, and the decompressed length against the gzip stream (which
// carries its own CRC-32 of the decompressed bytes). Lengths above 4 GiB,
// or a decompressed length beyond what deflate can expand the payload to,
// are refused before anything is allocated for them.
//
// The decompressed payload is a sequence of fields in a fixed order, with
// no tags and nothing after the last one. A field is one of:
//
//	int     signed varint (encoding/binary.AppendVarint, zig-zag)
//	uint    unsigned varint
//	float   8 bytes: the IEEE 754 bits, little-endian, so every float64
//	        (NaN payloads and -0 included) round-trips bit-exactly
//	bool    one byte, 0 or 1
//	byte    one byte
//	string  uint length, then that many bytes
//	list    uint count plus one, then the elements; 0 stands for a nil
//	        slice, so a decoded state is deeply equal to the encoded one
//
// In that notation the payload is:
//
//	config       string: population.Config as JSON (unknown fields refused)
//	Generation int, Evaluated bool, NextID int, Evaluations int,
//	SolvedGeneration int, SolvedEvaluations int, Dropins int, Apoptoses int
//	Genomes      list of genome
//	Outcomes     list of (Fitness float, Solved bool, Metric float, Fault string)
//	Tracker      NextNode int, NextInnov int,
//	             Innovations list of (from int, to int, innovation delta int)
//	Species      NextID int, Threshold float, list of (ID int, Created int,
//	             Rep genome, Best float, LastImproved int, Members list of int)
//	Best         bool present, then genome if present
//	Solver       bool present, then genome if present
//	History      list header, then (unless nil) the fields of a record:
//	             uint count, each field's name (string) and kind (byte:
//	             1 int, 2 float, 3 bool, 4 string, 5 list of int pairs);
//	             then the records, each field's value in that order
//	Control      (since version 2) the neuroplasticity controller: Recent
//	             list of float, BurstLeft int, Best float, SinceBetter int,
//	             Drops int; then the continual record
//	             (population.ContinualRecord) as a JSON string; a version 1
//	             payload ends after the history
//	Tested       (since version 3) list of bool, one per species in order:
//	             whether its champion took the champion test since the
//	             species last improved; a version 2 payload ends before it
//
// The history's records (population.Stats) name their fields because
// Stats grows as the program does: a field the file lacks stays zero, so
// older checkpoints remain readable, while a field this program does not
// know, or of another kind, is an error. The configuration, being JSON,
// names its fields too; an unknown one is an error, a missing one takes
// its default (population.Restore then validates the configuration).
//
// A genome is its record, then its nodes and its connections stored by
// column, which compresses far better than by row:
//
//	ID int, Born int, Parents int int, Dropins int, Apoptoses int,
//	Fitness float, HasUtility bool, Owed float (since version 4; a genome
//	of an older payload owes nothing)
//	Nodes  count (list header), then the columns: ID deltas int each,
//	       Kind byte each, Activation byte each, Bias float each,
//	       Utility float each, Age int each, MeanAct float each
//	Conns  count (list header), then the columns: innovation deltas int
//	       each, From int each, To int each, Enabled bool each,
//	       Weight float each
//
// A delta is the difference from the previous element's value (the first
// from 0), small because nodes are sorted by ID and connections by
// innovation. Node kinds and activations must be known values.
//
// Decoding checks every length against the bytes that remain before
// allocating for it, so damaged or hostile input is refused with an error
// and never causes a panic or an unbounded allocation. Decode does not
// check that the state is consistent (species members in range, genomes
// that fit the task); population.Restore does. The only nil pointers in a
// decoded state are Best and Solver when absent.
//
// A change to the fields of population.State, or of the genome, outcome,
// tracker and species types it holds, needs a new format version; the
// tests fail when a field of State, or of anything it holds, does not
// survive a round trip.
package checkpoints
