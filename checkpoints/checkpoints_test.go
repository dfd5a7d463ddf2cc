package checkpoints

import (
	"bytes"
	"context"
	"encoding"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/species"
	"github.com/neuroplast/neuroplast/tasks"
)

// xorConfig returns the default configuration for XOR with the given
// population size.
func xorConfig(size int) population.Config {
	cfg := population.DefaultConfig()
	cfg.ApplyTask(tasks.XOR{}.Info())
	cfg.PopulationSize = size
	cfg.Workers = 1
	return cfg
}

// xorPopulation returns an XOR population stepped through gens
// generations.
func xorPopulation(t testing.TB, size, gens int) *population.Population {
	t.Helper()
	p, err := population.New(xorConfig(size), tasks.XOR{})
	if err != nil {
		t.Fatal(err)
	}
	for range gens {
		if _, err := p.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// encode returns s in the checkpoint format.
func encode(t testing.TB, s *population.State) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// untimed returns a copy of s whose history has no timing fields.
func untimed(s *population.State) *population.State {
	c := *s
	c.History = make([]population.Stats, len(s.History))
	for i, st := range s.History {
		st.Seconds, st.EvalsPerSec = 0, 0
		c.History[i] = st
	}
	return &c
}

// TestRoundTrip encodes the states of real runs, checks that they decode to
// deeply equal states, and that a population restored from the decoded
// state continues exactly as the original does.
func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		state func(t *testing.T) *population.Population
		check func(t *testing.T, s *population.State)
	}{
		{"initial", func(t *testing.T) *population.Population { return xorPopulation(t, 150, 0) },
			func(t *testing.T, s *population.State) {
				if s.Evaluated || s.Best != nil || s.History != nil {
					t.Errorf("initial state: evaluated %v, best %v, history %v; want an unevaluated state", s.Evaluated, s.Best, s.History)
				}
			}},
		{"generation 15", func(t *testing.T) *population.Population { return xorPopulation(t, 150, 15) },
			func(t *testing.T, s *population.State) {
				if !s.Evaluated || len(s.History) != 15 || s.Best == nil {
					t.Errorf("state after 15 steps: evaluated %v, %d generations of history, best %v", s.Evaluated, len(s.History), s.Best)
				}
			}},
		{"unevaluated", func(t *testing.T) *population.Population {
			p := xorPopulation(t, 150, 15)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := p.Step(ctx); err == nil {
				t.Fatal("Step with a cancelled context succeeded")
			}
			return p
		}, func(t *testing.T, s *population.State) {
			if s.Evaluated || s.Generation != 15 || len(s.History) != 15 {
				t.Errorf("cancelled state: evaluated %v, generation %d, %d generations of history; want false, 15, 15", s.Evaluated, s.Generation, len(s.History))
			}
		}},
		{"solved", func(t *testing.T) *population.Population {
			p := xorPopulation(t, 150, 0)
			for g := 0; g < 300; g++ {
				if _, err := p.Step(context.Background()); err != nil {
					t.Fatal(err)
				}
				if s, _ := p.Solver(); s != nil {
					return p
				}
			}
			t.Fatal("XOR not solved in 300 generations")
			return nil
		}, func(t *testing.T, s *population.State) {
			if s.Solver == nil || s.SolvedGeneration < 0 {
				t.Errorf("solved state has solver %v, solved generation %d", s.Solver, s.SolvedGeneration)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.state(t)
			want := p.State()
			tt.check(t, want)
			got, err := Decode(bytes.NewReader(encode(t, want)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("decoded state differs from the encoded one")
			}
			resumed, err := population.Restore(got, tasks.XOR{})
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				for _, q := range []*population.Population{p, resumed} {
					if _, err := q.Step(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
			}
			if a, b := untimed(resumed.State()), untimed(p.State()); !reflect.DeepEqual(a, b) {
				t.Error("after 10 more generations the resumed population differs from the original")
			}
		})
	}
}

// fill sets every field reachable from v to a non-zero value, different
// from field to field, with slices of two elements. Enumerations get valid
// values.
func fill(t testing.TB, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		x := int64(*n)
		if *n%2 == 0 {
			x = -x << 20
		}
		v.SetInt(x)
	case reflect.Uint8:
		// Enumerations (node kinds, activations, strategies, ...) take the
		// largest valid value up to a varying one.
		tm, ok := v.Addr().Interface().(encoding.TextMarshaler)
		for x := uint64(*n%7 + 1); ; x-- {
			v.SetUint(x)
			if !ok || x == 0 {
				break
			}
			if _, err := tm.MarshalText(); err == nil {
				break
			}
		}
	case reflect.Uint64, reflect.Uint:
		v.SetUint(uint64(*n) << 40)
	case reflect.Float64:
		v.SetFloat(float64(*n)/3 - 1e6)
	case reflect.String:
		v.SetString(fmt.Sprintf("text %d ü", *n))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), n)
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(t, v.Index(i), n)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill: %s of kind %s: the checkpoint format has no encoding for it yet", v.Type(), v.Kind())
	}
}

// TestEveryFieldRoundTrips fills every field of a State, and of everything
// it holds, with a distinct non-zero value: a field added to any of these
// types without being added to the format fails here.
func TestEveryFieldRoundTrips(t *testing.T) {
	var want population.State
	n := 0
	fill(t, reflect.ValueOf(&want).Elem(), &n)
	got, err := Decode(bytes.NewReader(encode(t, &want)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("decoded state differs:\n got %+v\nwant %+v", got, &want)
	}
}

// TestNilAndEmpty checks that nil and empty slices, and absent best and
// solver genomes, keep their form, and that a decoded state's species set
// is never nil.
func TestNilAndEmpty(t *testing.T) {
	states := []*population.State{
		{Species: &species.Set{}},
		{
			Genomes:  []*genome.Genome{{Parents: [2]int{-1, -1}}, {Nodes: []genome.Node{}, Conns: []genome.Conn{}}},
			Outcomes: []evaluate.Outcome{},
			Tracker:  genome.TrackerState{Innovations: [][3]int{}},
			Species:  &species.Set{Species: []*species.Species{{Rep: &genome.Genome{}, Members: []int{}}, {Rep: &genome.Genome{}}}},
			History:  []population.Stats{},
		},
	}
	states[1].Config.Mutate.Activations = []network.Activation{}
	for i, want := range states {
		got, err := Decode(bytes.NewReader(encode(t, want)))
		if err != nil {
			t.Fatalf("state %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("state %d: decoded as %+v; want %+v", i, got, want)
		}
	}
}

// TestFloatsBitExact checks that every float64, NaN payloads and signed
// zeros included, survives with the same bits.
func TestFloatsBitExact(t *testing.T) {
	values := []float64{
		math.Float64frombits(0x7ff8_0000_dead_beef), math.NaN(), math.Copysign(0, -1), 0,
		math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64, -math.MaxFloat64, math.Nextafter(1, 2), 0.1,
	}
	g := &genome.Genome{}
	for i, v := range values {
		g.Nodes = append(g.Nodes, genome.Node{ID: i, Kind: genome.Hidden, Bias: v, Utility: -v})
		g.Conns = append(g.Conns, genome.Conn{Innov: i, Weight: v})
	}
	s := &population.State{Genomes: []*genome.Genome{g}, Species: &species.Set{Threshold: values[0]}}
	got, err := Decode(bytes.NewReader(encode(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		gn, gc := got.Genomes[0].Nodes[i], got.Genomes[0].Conns[i]
		if math.Float64bits(gn.Bias) != math.Float64bits(v) || math.Float64bits(gn.Utility) != math.Float64bits(-v) ||
			math.Float64bits(gc.Weight) != math.Float64bits(v) {
			t.Errorf("value %d: bias %x, utility %x, weight %x; want %x, %x, %x", i,
				math.Float64bits(gn.Bias), math.Float64bits(gn.Utility), math.Float64bits(gc.Weight),
				math.Float64bits(v), math.Float64bits(-v), math.Float64bits(v))
		}
	}
	if math.Float64bits(got.Species.Threshold) != math.Float64bits(values[0]) {
		t.Errorf("threshold bits %x; want %x", math.Float64bits(got.Species.Threshold), math.Float64bits(values[0]))
	}
}

// TestEncodeRefuses checks that states Decode could not give back are
// refused by Encode, with an error naming the problem.
func TestEncodeRefuses(t *testing.T) {
	good := func() *population.State { return xorPopulation(t, 10, 1).State() }
	tests := []struct {
		name string
		mod  func(s *population.State)
		want string
	}{
		{"nil genome", func(s *population.State) { s.Genomes[3] = nil }, "genome at index 3 is nil"},
		{"nil species set", func(s *population.State) { s.Species = nil }, "no species set"},
		{"nil species", func(s *population.State) { s.Species.Species[0] = nil }, "species at index 0"},
		{"nil representative", func(s *population.State) { s.Species.Species[0].Rep = nil }, "no representative"},
		{"bad kind", func(s *population.State) { s.Genomes[1].Nodes[0].Kind = 4 }, "kind 4"},
		{"bad activation", func(s *population.State) { s.Best.Nodes[0].Act = 200 }, "best genome: node 0 has kind 0 and activation 200"},
		{"NaN in the configuration", func(s *population.State) { s.Config.Mutate.WeightPower = math.NaN() }, "configuration"},
	}
	for _, tt := range tests {
		s := good()
		tt.mod(s)
		var buf bytes.Buffer
		err := Encode(&buf, s)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) || !bytes.HasPrefix([]byte(err.Error()), []byte("checkpoints: ")) {
			t.Errorf("%s: Encode error = %v; want one starting \"checkpoints: \" and mentioning %q", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: Encode wrote %d bytes before failing", tt.name, buf.Len())
		}
	}
	if err := Encode(&bytes.Buffer{}, nil); err == nil {
		t.Error("Encode(nil) succeeded")
	}
}

// TestHistoryOlderFields decodes a history written with fewer fields than
// population.Stats has now, in another order, as an older program would
// have written it: the missing fields stay zero.
func TestHistoryOlderFields(t *testing.T) {
	fields := []statsField{{name: "Solved", kind: kindBool}, {name: "Generation", kind: kindInt}, {name: "Fault", kind: kindString}, {name: "BestFitness", kind: kindFloat}}
	record := []byte{1, 14, 2, 'o', 'k'}
	record = binary.LittleEndian.AppendUint64(record, math.Float64bits(2.5))
	s, err := decodePayload(withHistory(t, 2, fields, record), Version)
	if err != nil {
		t.Fatal(err)
	}
	want := population.Stats{Solved: true, Generation: 7, Fault: "ok", BestFitness: 2.5}
	if len(s.History) != 2 || !reflect.DeepEqual(s.History[0], want) || !reflect.DeepEqual(s.History[1], want) {
		t.Errorf("history = %+v; want two of %+v", s.History, want)
	}
}

// TestVersion2 decodes a version 2 payload, which ends before the
// species' tested flags: they read as false.
func TestVersion2(t *testing.T) {
	rep := &genome.Genome{ID: 3}
	s := &population.State{Species: &species.Set{NextID: 3, Species: []*species.Species{
		{ID: 1, Rep: rep, Tested: true, Members: []int{}},
		{ID: 2, Rep: rep, Members: []int{}},
	}}}
	raw := rawPayloadVersion(t, s, 3) // genomes as versions 2 and 3 hold them
	got, err := decodePayload(raw, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Species.Species[0].Tested || got.Species.Species[1].Tested {
		t.Errorf("version 3: tested flags %v, %v; want true, false", got.Species.Species[0].Tested, got.Species.Species[1].Tested)
	}
	// The flags are the last 3 bytes: the list header and two booleans.
	got, err = decodePayload(raw[:len(raw)-3], 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Species.Species[0].Tested || got.Species.Species[1].Tested {
		t.Errorf("version 2 payload decoded with tested flags")
	}
	if _, err := decodePayload(raw[:len(raw)-1], 3); err == nil || !strings.Contains(err.Error(), "species tested") {
		t.Errorf("a version 3 payload missing a flag decoded with error %v; want one naming the species' tested flags", err)
	}
	bad := append(bytes.Clone(raw[:len(raw)-3]), 2, 1) // one flag for two species
	if _, err := decodePayload(bad, 3); err == nil || !strings.Contains(err.Error(), "1 flags for 2 species") {
		t.Errorf("one flag for two species decoded with error %v", err)
	}
}

// TestVersion3 decodes a version 3 payload, whose genomes have no
// replacement owed: they read as owing nothing, and the same genomes
// written in the current version keep what they owe.
func TestVersion3(t *testing.T) {
	g := &genome.Genome{ID: 4, Owed: 0.375}
	s := &population.State{Genomes: []*genome.Genome{g}, Species: &species.Set{}, Best: g}
	got, err := decodePayload(rawPayloadVersion(t, s, 3), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got.Genomes[0].Owed != 0 || got.Best.Owed != 0 || got.Genomes[0].ID != 4 {
		t.Errorf("version 3 payload: genome %d owes %v (best %v); want genome 4 owing 0", got.Genomes[0].ID, got.Genomes[0].Owed, got.Best.Owed)
	}
	got, err = decodePayload(rawPayload(t, s), Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.Genomes[0].Owed != 0.375 || got.Best.Owed != 0.375 {
		t.Errorf("version %d payload: genome owes %v (best %v); want 0.375", Version, got.Genomes[0].Owed, got.Best.Owed)
	}
}

// TestVersion1 decodes a version 1 payload, which ends with the history
// and has no controller nor continual record: the state is the same with
// zero ones.
func TestVersion1(t *testing.T) {
	s := &population.State{Species: &species.Set{}, History: []population.Stats{{Generation: 0, BestFitness: 1.5}}}
	raw := rawPayloadVersion(t, s, 3)
	got, err := decodePayload(raw[:len(raw)-controllerSize], 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.History, s.History) || !reflect.DeepEqual(got.Control, population.Controller{}) {
		t.Errorf("version 1 payload decoded to history %+v, controller %+v", got.History, got.Control)
	}
	if _, err := decodePayload(raw, 1); err == nil {
		t.Errorf("a version 2 payload read as version 1 decoded without error")
	}
}
