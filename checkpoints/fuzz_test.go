package checkpoints

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/neuroplast/neuroplast/population"
)

// seedStates returns small states of different shapes for the fuzzers'
// seed corpora: an initial population, an evaluated one, one cut short
// after breeding, and one with every field filled.
func seedStates(t testing.TB) []*population.State {
	initial := xorPopulation(t, 3, 0).State()
	evaluated := xorPopulation(t, 4, 3).State()
	p := xorPopulation(t, 4, 2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Step(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Step with a cancelled context: %v; want context.Canceled", err)
	}
	var filled population.State
	n := 0
	fill(t, reflect.ValueOf(&filled).Elem(), &n)
	return []*population.State{initial, evaluated, p.State(), &filled}
}

// FuzzDecode feeds damaged and random files to Decode: it must return a
// *CorruptError or a state that encodes again, to a file that decodes to a
// state encoding to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, s := range seedStates(f) {
		good := encode(f, s)
		f.Add(good)
		f.Add(good[:len(good)/2])
		f.Add(good[:headerSize])
		f.Add(flip(good, headerSize+5, 0x10))
		f.Add(append(bytes.Clone(good), 0))
		f.Add(reframe(f, rawPayload(f, s)[:40]))
	}
	f.Add([]byte{})
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(bytes.NewReader(data))
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Decode error %v (%T) is not a *CorruptError", err, err)
			}
			return
		}
		checkReencodes(t, s)
	})
}

// checkReencodes checks that a decoded state encodes, and that encoding is
// then a fixed point: decoding and encoding again gives the same bytes.
func checkReencodes(t *testing.T, s *population.State) {
	var b1 bytes.Buffer
	if err := Encode(&b1, s); err != nil {
		t.Fatalf("a decoded state does not encode: %v", err)
	}
	s2, err := Decode(bytes.NewReader(b1.Bytes()))
	if err != nil {
		t.Fatalf("an encoded decoded state does not decode: %v", err)
	}
	var b2 bytes.Buffer
	if err := Encode(&b2, s2); err != nil {
		t.Fatalf("a decoded state does not encode the second time: %v", err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("encoding a decoded state is not a fixed point")
	}
}

// FuzzDecodePayload feeds damaged and random payloads to the payload
// decoder directly, past the checksum that stops almost all random input
// in FuzzDecode.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range seedStates(f) {
		raw := rawPayload(f, s)
		f.Add(raw)
		f.Add(raw[:len(raw)-1])
		f.Add(flip(raw, len(raw)/2, 0x01))
	}
	f.Add([]byte{})
	f.Add([]byte{3, '{', '}', 0})
	f.Add(base64Activations(f))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := decodePayload(raw, Version)
		if err != nil {
			if s != nil {
				t.Fatal("decodePayload returned a state with its error")
			}
			return
		}
		if s.Species == nil {
			t.Fatal("decoded state has a nil species set")
		}
		var b1, b2 bytes.Buffer
		if _, err := writePayload(&b1, s); err != nil {
			t.Fatalf("a decoded state does not encode: %v", err)
		}
		s2, err := decodePayload(b1.Bytes(), Version)
		if err != nil {
			t.Fatalf("an encoded decoded state does not decode: %v", err)
		}
		if _, err := writePayload(&b2, s2); err != nil {
			t.Fatalf("a decoded state does not encode the second time: %v", err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatal("encoding a decoded state is not a fixed point")
		}
	})
}
