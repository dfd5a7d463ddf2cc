package checkpoints

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/species"
)

// rawPayload returns s's payload, uncompressed.
func rawPayload(t testing.TB, s *population.State) []byte {
	t.Helper()
	return rawPayloadVersion(t, s, Version)
}

// rawPayloadVersion returns s's payload, uncompressed, as format version
// version wrote it.
func rawPayloadVersion(t testing.TB, s *population.State, version uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := writePayloadVersion(&buf, s, version); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipped returns b compressed as one gzip member.
func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// frame returns a checkpoint file of the given version whose payload is
// payload, with a correct checksum and the given decompressed length.
func frame(version uint32, payload []byte, rawLen uint64) []byte {
	h := header{version: version, payloadLen: uint64(len(payload)), rawLen: rawLen}
	h.crc = crc32.Checksum(payload, castagnoli)
	return append(h.marshal(), payload...)
}

// reframe returns a checkpoint file holding raw as its payload.
func reframe(t testing.TB, raw []byte) []byte {
	return frame(Version, gzipped(t, raw), uint64(len(raw)))
}

// replaceConfig returns the payload raw with its configuration's JSON
// replaced by f(JSON).
func replaceConfig(raw []byte, f func([]byte) []byte) []byte {
	n, k := binary.Uvarint(raw)
	cfg := f(bytes.Clone(raw[k : k+int(n)]))
	out := append(binary.AppendUvarint(nil, uint64(len(cfg))), cfg...)
	return append(out, raw[k+int(n):]...)
}

// base64Activations returns a payload whose configuration gives the
// activations as base64, which encoding/json reads byte by byte, past
// UnmarshalText's check: here two invalid activations 200.
func base64Activations(t testing.TB) []byte {
	s := &population.State{Species: &species.Set{}}
	return replaceConfig(rawPayload(t, s), func(cfg []byte) []byte {
		return bytes.Replace(cfg, []byte(`"Activations":null`), []byte(`"Activations":"yMg="`), 1)
	})
}

// withHistory returns the payload of a state with no history, followed by
// a history of n records written with the given fields (name and kind) and
// the values of each record.
func withHistory(t testing.TB, n int, fields []statsField, record []byte) []byte {
	raw := rawPayload(t, &population.State{Species: &species.Set{}})
	// The payload ends with the nil history (1 byte) and the zero
	// controller (controllerSize bytes); the history goes between.
	control := bytes.Clone(raw[len(raw)-controllerSize:])
	raw = raw[:len(raw)-controllerSize-1]
	raw = binary.AppendUvarint(raw, uint64(n)+1)
	raw = binary.AppendUvarint(raw, uint64(len(fields)))
	for _, f := range fields {
		raw = binary.AppendUvarint(raw, uint64(len(f.name)))
		raw = append(raw, f.name...)
		raw = append(raw, f.kind)
	}
	for range n {
		raw = append(raw, record...)
	}
	return append(raw, control...)
}

// controllerSize is the encoded size of what follows the history in a
// payload whose state has a zero population.Controller (a nil list, two
// zero varints around a float and a last zero varint), an empty continual
// record (its JSON, with its length) and no species (testedSize).
var controllerSize = func() int {
	rec, _ := json.Marshal(population.ContinualRecord{})
	return 1 + 1 + 8 + 1 + 1 + len(binary.AppendUvarint(nil, uint64(len(rec)))) + len(rec) + testedSize
}()

// testedSize is the encoded size of the species' tested flags, which end
// a payload whose state has no species: a nil list.
const testedSize = 1

func setUint64(b []byte, off int, v uint64) []byte {
	c := bytes.Clone(b)
	binary.BigEndian.PutUint64(c[off:], v)
	return c
}

func flip(b []byte, i int, mask byte) []byte {
	c := bytes.Clone(b)
	c[i] ^= mask
	return c
}

// TestDamage checks that every kind of damage is refused with a
// *CorruptError naming the file and the problem, by Read and by Decode.
func TestDamage(t *testing.T) {
	s := xorPopulation(t, 20, 3).State()
	good := encode(t, s)
	raw := rawPayload(t, s)
	payload := good[headerSize:]
	n := len(good)
	payloadLen := uint64(len(payload))
	rawLen := uint64(len(raw))

	// A payload with a node of an unknown kind: a genome whose only node
	// has a bias no other float shares, so its kind byte can be found.
	odd := &population.State{Species: &species.Set{}, Genomes: []*genome.Genome{{
		Nodes: []genome.Node{{ID: 7, Kind: genome.Hidden, Act: network.Gauss, Bias: 1.2345}},
	}}}
	badKind := rawPayload(t, odd)
	marker := binary.LittleEndian.AppendUint64([]byte{byte(genome.Hidden), byte(network.Gauss)}, math.Float64bits(1.2345))
	i := bytes.Index(badKind, marker)
	if i < 0 {
		t.Fatal("marker not found in the payload")
	}
	badKind[i] = 9

	unknownField := replaceConfig(raw, func(cfg []byte) []byte {
		return append([]byte(`{"Bogus":1,`), cfg[1:]...)
	})
	// Evaluated follows the configuration and the generation (3, one
	// byte).
	badBool := bytes.Clone(raw)
	{
		cfgLen, k := binary.Uvarint(raw)
		badBool[k+int(cfgLen)+1] = 2
	}
	base64Acts := base64Activations(t)
	var tooManyGenomes []byte
	{
		// The genome list header follows the configuration and the eight
		// counters.
		cfgLen, k := binary.Uvarint(raw)
		at := k + int(cfgLen)
		d := decoder{b: raw[at:]}
		for range 8 {
			d.int()
		}
		at = len(raw) - len(d.b)
		rest := raw[at:]
		_, m := binary.Uvarint(rest)
		tooManyGenomes = append(bytes.Clone(raw[:at]), binary.AppendUvarint(nil, 1<<40+1)...)
		tooManyGenomes = append(tooManyGenomes, rest[m:]...)
	}

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty file", nil, "empty file"},
		{"truncated in the magic", good[:5], "truncated: 5 bytes, shorter than the 32-byte header"},
		{"truncated in the header", good[:20], "truncated: 20 bytes, shorter than the 32-byte header"},
		{"header only", good[:headerSize], "truncated: the payload has 0 bytes; the header says"},
		{"truncated in the payload", good[:n/2], "truncated: the payload has"},
		{"last byte missing", good[:n-1], "truncated: the payload has"},
		{"wrong magic", flip(good, 0, 0x20), "not a neuroplast checkpoint"},
		{"text file", []byte("hello, world\n"), "not a neuroplast checkpoint"},
		{"short text file", []byte("hi"), "not a neuroplast checkpoint"},
		{"future version", frame(Version+1, payload, rawLen), fmt.Sprintf("format version %d; this program reads versions 1 to %d", Version+1, Version)},
		{"version 0", frame(0, payload, rawLen), "format version 0;"},
		{"flipped version byte", flip(good, 8, 0x80), "format version"},
		{"payload length too long", setUint64(good, 12, payloadLen+1), "truncated: the payload has"},
		{"payload length too short", setUint64(good, 12, payloadLen-1), "1 byte of trailing data after the"},
		{"payload length absurd", setUint64(good, 12, 1<<62), "more than the limit"},
		{"decompressed length too long", setUint64(good, 20, rawLen+1), "decompresses to"},
		{"decompressed length too short", setUint64(good, 20, rawLen-1), "decompresses to more than"},
		{"decompressed length absurd", setUint64(good, 20, 1<<40), "impossible"},
		{"flipped checksum", flip(good, 28, 0xff), "checksum mismatch"},
		{"flipped first payload byte", flip(good, headerSize, 0x01), "checksum mismatch"},
		{"flipped payload byte", flip(good, headerSize+len(payload)/2, 0x40), "checksum mismatch"},
		{"flipped last byte", flip(good, n-1, 0x80), "checksum mismatch"},
		{"garbage appended", append(bytes.Clone(good), "junk"...), "4 bytes of trailing data after the"},
		{"garbage after gzip", frame(Version, append(bytes.Clone(payload), "junk"...), rawLen), "4 bytes of garbage after the gzip stream"},
		{"second gzip member", frame(Version, append(bytes.Clone(payload), gzipped(t, []byte("x"))...), rawLen), "garbage after the gzip stream"},
		{"not gzip", frame(Version, []byte("this is not gzip data"), 10), "not gzip data"},
		{"gzip truncated", frame(Version, payload[:len(payload)-10], rawLen), "the payload's gzip stream is damaged: unexpected EOF"},
		{"gzip of a shorter payload", frame(Version, gzipped(t, raw[:100]), rawLen), "the payload decompresses to 100 bytes; the header says"},
		{"payload truncated", reframe(t, raw[:len(raw)-controllerSize-3]), "payload: history: "},
		{"payload truncated in the continual record", reframe(t, raw[:len(raw)-3]), "payload: continual record: "},
		{"payload with trailing bytes", reframe(t, append(bytes.Clone(raw), 0)), "1 byte of trailing data after the last section"},
		{"payload cut in the configuration", reframe(t, raw[:10]), "payload: configuration: string of"},
		{"unknown node kind", reframe(t, badKind), "payload: genomes: index 0 (ID 0): nodes: node 7 has kind 9"},
		{"invalid boolean", reframe(t, badBool), "payload: counters: invalid boolean byte 2"},
		{"unknown configuration field", reframe(t, unknownField), `payload: configuration: json: unknown field "Bogus"`},
		{"invalid activation in the configuration", reframe(t, base64Acts), "payload: configuration: mutate activations: invalid activation 200"},
		{"unknown history field", reframe(t, withHistory(t, 1, []statsField{{name: "Bogus", kind: kindInt}}, []byte{2})),
			`payload: history: field "Bogus" is unknown to this program`},
		{"history field of another kind", reframe(t, withHistory(t, 1, []statsField{{name: "Solved", kind: kindInt}}, []byte{2})),
			`payload: history: field "Solved" has kind 1; this program's has kind 3`},
		{"history field of an unknown kind", reframe(t, withHistory(t, 1, []statsField{{name: "Solved", kind: 9}}, []byte{2})),
			`payload: history: field "Solved" has unknown kind 9`},
		{"history field twice", reframe(t, withHistory(t, 1, []statsField{{name: "Solved", kind: kindBool}, {name: "Solved", kind: kindBool}}, []byte{1, 1})),
			`payload: history: field "Solved" appears twice`},
		{"history records without fields", reframe(t, withHistory(t, 1<<20, nil, nil)),
			`payload: history: records without fields`},
		{"too many history records", reframe(t, withHistory(t, 1<<20, []statsField{{name: "Solved", kind: kindBool}}, []byte{1})[:8<<10]),
			`payload: history: 1048576 generations of at least 1 bytes, but only`},
		{"too many genomes", reframe(t, tooManyGenomes), "payload: genomes: 1099511627776 elements of at least"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		path := filepath.Join(dir, Name(i))
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path)
		t.Logf("%s: %v", tt.name, err)
		var ce *CorruptError
		if !errors.As(err, &ce) {
			t.Errorf("%s: Read error = %v (%T); want a *CorruptError", tt.name, err, err)
			continue
		}
		if ce.File != path || !strings.Contains(ce.Problem, tt.want) || !strings.HasPrefix(err.Error(), "checkpoints: "+path+": ") {
			t.Errorf("%s: Read error = %q (file %q); want \"checkpoints: %s: ...\" mentioning %q", tt.name, err, ce.File, path, tt.want)
		}
		_, err = Decode(bytes.NewReader(tt.data))
		if !errors.As(err, &ce) || ce.File != "" || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Decode error = %v; want a *CorruptError mentioning %q", tt.name, err, tt.want)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing.ckpt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read of a missing file: %v; want fs.ErrNotExist", err)
	}
}
