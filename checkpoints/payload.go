package checkpoints

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/network"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/species"
)

// The smallest encoded size of each repeated element, used to bound counts
// by the bytes that remain before allocating.
const (
	minNode       = 1 + 1 + 1 + 8 + 8 + 1 + 8 // ID delta, kind, activation, bias, utility, age, mean activation
	minConn       = 1 + 1 + 1 + 1 + 8         // innovation delta, from, to, enabled, weight
	minGenome     = 6 + 8 + 1 + 1 + 1         // six ints, fitness, has utility, two list headers
	minOutcome    = 8 + 1 + 8 + 1             // fitness, solved, metric, fault
	minInnovation = 3
	minSpecies    = 2 + minGenome + 8 + 1 + 1 // ID, created, rep, best, last improved, members
)

// The kinds of the fields of a history record.
const (
	kindInt    = 1
	kindFloat  = 2
	kindBool   = 3
	kindString = 4
	kindPairs  = 5 // [][2]int: a count, then the pairs
)

// kindSize is the smallest encoded size of a field of each kind.
var kindSize = [...]int{kindInt: 1, kindFloat: 8, kindBool: 1, kindString: 1, kindPairs: 1}

// statsField is a field of population.Stats.
type statsField struct {
	name  string
	typ   reflect.Type
	kind  uint8 // 0 if the format cannot hold it
	index int
}

// statsFields lists population.Stats's fields. The history is written with
// their names, so that fields added to Stats later need no new format
// version: older checkpoints leave them zero.
var statsFields = func() []statsField {
	t := reflect.TypeFor[population.Stats]()
	var fields []statsField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		f := statsField{name: sf.Name, typ: sf.Type, index: i}
		switch sf.Type.Kind() {
		case reflect.Int:
			f.kind = kindInt
		case reflect.Float64:
			f.kind = kindFloat
		case reflect.Bool:
			f.kind = kindBool
		case reflect.String:
			f.kind = kindString
		case reflect.Slice:
			if sf.Type == reflect.TypeFor[[][2]int]() {
				f.kind = kindPairs
			}
		}
		fields = append(fields, f)
	}
	return fields
}()

// numKinds and numActivations bound the node kinds and activations a
// checkpoint may hold.
var (
	numKinds       = int(genome.Output) + 1 // Output is the last kind
	numActivations = len(network.Activations())
)

// flushSize is how many encoded bytes the encoder gathers before passing
// them on to the compressor.
const flushSize = 256 << 10

// encoder appends a payload's fields to buf and hands buf to w whenever it
// grows past flushSize. The first error sticks: later writes do nothing.
type encoder struct {
	w       io.Writer
	buf     []byte
	n       int64 // bytes handed to w
	err     error
	version uint32 // the format version written: Version, or older in tests
}

func (e *encoder) fail(format string, a ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, a...)
	}
}

func (e *encoder) flush() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
		e.n += int64(len(e.buf))
	}
	e.buf = e.buf[:0]
}

func (e *encoder) maybeFlush() {
	if len(e.buf) >= flushSize {
		e.flush()
	}
}

func (e *encoder) int(v int)     { e.buf = binary.AppendVarint(e.buf, int64(v)) }
func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) byte(v uint8)  { e.buf = append(e.buf, v) }
func (e *encoder) float(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}

func (e *encoder) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// list writes the header of a list of n elements; isNil marks a nil slice.
func (e *encoder) list(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

// writePayload encodes s to w, uncompressed, and returns the number of
// bytes written.
func writePayload(w io.Writer, s *population.State) (int64, error) {
	return writePayloadVersion(w, s, Version)
}

// writePayloadVersion is writePayload in the given format version, 3 or
// Version, so that tests can make the payload an older program wrote.
func writePayloadVersion(w io.Writer, s *population.State, version uint32) (int64, error) {
	if s == nil {
		return 0, errors.New("nil state")
	}
	e := &encoder{w: w, buf: make([]byte, 0, flushSize+flushSize/4), version: version}
	if err := e.config(s.Config); err != nil {
		return 0, fmt.Errorf("encoding the configuration: %w", err)
	}
	e.counters(s)
	e.genomes(s.Genomes)
	e.outcomes(s.Outcomes)
	e.tracker(s.Tracker)
	set := s.Species
	if set == nil {
		e.fail("state has no species set")
		set = &species.Set{}
	}
	e.speciesSet(set)
	e.optionalGenome(s.Best, "best genome")
	e.optionalGenome(s.Solver, "solver")
	e.history(s.History)
	// Since version 2: the neuroplasticity controller and a continual
	// run's measurements.
	e.controller(s.Control)
	if err := e.continualRecord(s.Continual); err != nil {
		return 0, fmt.Errorf("encoding the continual record: %w", err)
	}
	// Since version 3: which species' champions have been tested.
	e.speciesTested(set.Species)
	e.flush()
	return e.n, e.err
}

// config writes the configuration as JSON, so that fields added to Config
// later need no new format version.
func (e *encoder) config(cfg population.Config) error {
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	e.string(string(b))
	return nil
}

// counters writes the state's generation, evaluation and ID counters.
func (e *encoder) counters(s *population.State) {
	e.int(s.Generation)
	e.bool(s.Evaluated)
	e.int(s.NextID)
	e.int(s.Evaluations)
	e.int(s.SolvedGeneration)
	e.int(s.SolvedEvaluations)
	e.int(s.Dropins)
	e.int(s.Apoptoses)
}

// genomes writes the population's genomes. A nil genome is an error: the
// format has no place for it.
func (e *encoder) genomes(gs []*genome.Genome) {
	e.list(len(gs), gs == nil)
	for i, g := range gs {
		if g == nil {
			e.fail("genome at index %d is nil", i)
			break
		}
		e.genome(g, fmt.Sprintf("genome %d (index %d)", g.ID, i))
		e.maybeFlush()
	}
}

// outcomes writes the genomes' evaluation outcomes.
func (e *encoder) outcomes(outs []evaluate.Outcome) {
	e.list(len(outs), outs == nil)
	for _, o := range outs {
		e.float(o.Fitness)
		e.bool(o.Solved)
		e.float(o.Metric)
		e.string(o.Fault)
		e.maybeFlush()
	}
}

// tracker writes the innovation tracker's counters and innovations, each
// innovation number as the difference from the one before.
func (e *encoder) tracker(t genome.TrackerState) {
	e.int(t.NextNode)
	e.int(t.NextInnov)
	e.list(len(t.Innovations), t.Innovations == nil)
	prev := 0
	for _, in := range t.Innovations {
		e.int(in[0])
		e.int(in[1])
		e.int(in[2] - prev)
		prev = in[2]
		e.maybeFlush()
	}
}

// speciesSet writes the species set but for the species' Tested flags,
// which came later (see speciesTested). A species without a representative
// is an error.
func (e *encoder) speciesSet(set *species.Set) {
	e.int(set.NextID)
	e.float(set.Threshold)
	e.list(len(set.Species), set.Species == nil)
	for i, sp := range set.Species {
		if sp == nil || sp.Rep == nil {
			e.fail("species at index %d is nil or has no representative", i)
			break
		}
		e.species(sp)
		e.maybeFlush()
	}
}

// species writes one species: its IDs, representative, progress and
// members.
func (e *encoder) species(sp *species.Species) {
	e.int(sp.ID)
	e.int(sp.Created)
	e.genome(sp.Rep, fmt.Sprintf("representative of species %d", sp.ID))
	e.float(sp.Best)
	e.int(sp.LastImproved)
	e.list(len(sp.Members), sp.Members == nil)
	for _, m := range sp.Members {
		e.int(m)
	}
}

// optionalGenome writes whether g is present, and then g; what names it
// in errors.
func (e *encoder) optionalGenome(g *genome.Genome, what string) {
	e.bool(g != nil)
	if g != nil {
		e.genome(g, what)
	}
}

// history writes the statistics of every evaluated generation, after the
// schema of their fields.
func (e *encoder) history(h []population.Stats) {
	e.list(len(h), h == nil)
	if h == nil {
		return
	}
	e.statsSchema()
	for i := range h {
		e.stats(&h[i])
		e.maybeFlush()
	}
}

// controller writes the neuroplasticity controller's state.
func (e *encoder) controller(c population.Controller) {
	e.list(len(c.Recent), c.Recent == nil)
	for _, f := range c.Recent {
		e.float(f)
	}
	e.int(c.BurstLeft)
	e.float(c.Best)
	e.int(c.SinceBetter)
	e.int(c.Drops)
}

// continualRecord writes a continual run's measurements as JSON.
func (e *encoder) continualRecord(rec population.ContinualRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	e.string(string(b))
	return nil
}

// speciesTested writes which species' champions have been tested since the
// species last improved, in the species' order.
func (e *encoder) speciesTested(sps []*species.Species) {
	e.list(len(sps), sps == nil)
	for _, sp := range sps {
		e.bool(sp != nil && sp.Tested)
	}
}

func (e *encoder) genome(g *genome.Genome, what string) {
	e.int(g.ID)
	e.int(g.Born)
	e.int(g.Parents[0])
	e.int(g.Parents[1])
	e.int(g.Dropins)
	e.int(g.Apoptoses)
	e.float(g.Fitness)
	e.bool(g.HasUtility)
	if e.version >= 4 {
		e.float(g.Owed)
	}

	e.list(len(g.Nodes), g.Nodes == nil)
	prev := 0
	for i := range g.Nodes {
		e.int(g.Nodes[i].ID - prev)
		prev = g.Nodes[i].ID
	}
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		if int(nd.Kind) >= numKinds || int(nd.Act) >= numActivations {
			e.fail("%s: node %d has kind %d and activation %d; want kind < %d and activation < %d",
				what, nd.ID, nd.Kind, nd.Act, numKinds, numActivations)
		}
		e.byte(uint8(nd.Kind))
	}
	for i := range g.Nodes {
		e.byte(uint8(g.Nodes[i].Act))
	}
	for i := range g.Nodes {
		e.float(g.Nodes[i].Bias)
	}
	for i := range g.Nodes {
		e.float(g.Nodes[i].Utility)
	}
	for i := range g.Nodes {
		e.int(g.Nodes[i].Age)
	}
	for i := range g.Nodes {
		e.float(g.Nodes[i].MeanAct)
	}

	e.list(len(g.Conns), g.Conns == nil)
	prev = 0
	for i := range g.Conns {
		e.int(g.Conns[i].Innov - prev)
		prev = g.Conns[i].Innov
	}
	for i := range g.Conns {
		e.int(g.Conns[i].From)
	}
	for i := range g.Conns {
		e.int(g.Conns[i].To)
	}
	for i := range g.Conns {
		e.bool(g.Conns[i].Enabled)
	}
	for i := range g.Conns {
		e.float(g.Conns[i].Weight)
	}
}

// statsSchema writes the fields of population.Stats: their number, then
// each one's name and kind.
func (e *encoder) statsSchema() {
	e.uint(uint64(len(statsFields)))
	for _, f := range statsFields {
		if f.kind == 0 {
			e.fail("history: population.Stats field %s is of type %s, which the checkpoint format cannot hold", f.name, f.typ)
		}
		e.string(f.name)
		e.byte(f.kind)
	}
}

func (e *encoder) stats(st *population.Stats) {
	v := reflect.ValueOf(st).Elem()
	for _, f := range statsFields {
		fv := v.Field(f.index)
		switch f.kind {
		case kindInt:
			e.int(int(fv.Int()))
		case kindFloat:
			e.float(fv.Float())
		case kindBool:
			e.bool(fv.Bool())
		case kindString:
			e.string(fv.String())
		case kindPairs:
			pairs := fv.Interface().([][2]int)
			e.uint(uint64(len(pairs)))
			for _, p := range pairs {
				e.int(p[0])
				e.int(p[1])
			}
		}
	}
}

// decoder reads a payload's fields from b. The first error sticks: after
// it every read returns a zero value and consumes nothing, so callers check
// err once per element or section.
type decoder struct {
	b       []byte
	err     error
	version uint32 // the payload's format version
}

var errShort = errors.New("unexpected end of the payload")

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

// wrap prefixes a pending error with where it happened.
func (d *decoder) wrap(format string, a ...any) {
	if d.err != nil {
		d.err = fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), d.err)
	}
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		if n == 0 {
			d.fail(errShort)
		} else {
			d.fail(errors.New("unsigned varint overflows 64 bits"))
		}
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		if n == 0 {
			d.fail(errShort)
		} else {
			d.fail(errors.New("varint overflows 64 bits"))
		}
		return 0
	}
	if int64(int(v)) != v {
		d.fail(fmt.Errorf("integer %d does not fit this platform's int", v))
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail(errShort)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) byte() uint8 {
	if len(d.b) < 1 {
		d.fail(errShort)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) bool() bool {
	switch v := d.byte(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail(fmt.Errorf("invalid boolean byte %d (want 0 or 1)", v))
		return false
	}
}

func (d *decoder) string() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail(fmt.Errorf("string of %d bytes, but only %d bytes remain", n, len(d.b)))
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// list reads a list header. It returns the number of elements and whether
// the list is nil, after checking that the remaining bytes can hold that
// many elements of at least min bytes each.
func (d *decoder) list(min int) (int, bool) {
	h := d.uint()
	if d.err != nil || h == 0 {
		return 0, true
	}
	n := h - 1
	if n > uint64(len(d.b)/min) {
		d.fail(fmt.Errorf("%d elements of at least %d bytes, but only %d bytes remain", n, min, len(d.b)))
		return 0, true
	}
	return int(n), false
}

// part runs fn unless an error is pending, and prefixes an error that fn
// leaves with name.
func (d *decoder) part(name string, fn func()) {
	if d.err != nil {
		return
	}
	fn()
	if d.err != nil {
		d.err = fmt.Errorf("%s: %w", name, d.err)
	}
}

// decodePayload decodes an uncompressed payload. Its errors name the part
// that is damaged; they are not prefixed.
func decodePayload(b []byte, version uint32) (*population.State, error) {
	d := &decoder{b: b, version: version}
	s := &population.State{Species: &species.Set{}}
	d.part("configuration", func() { d.config(&s.Config) })
	d.part("counters", func() { d.counters(s) })
	d.part("genomes", func() { s.Genomes = d.genomes() })
	d.part("outcomes", func() { s.Outcomes = d.outcomes() })
	d.part("tracker", func() { s.Tracker = d.tracker() })
	d.part("species", func() { d.speciesSet(s.Species) })
	d.part("best genome", func() { s.Best = d.optionalGenome() })
	d.part("solver", func() { s.Solver = d.optionalGenome() })
	d.part("history", func() { s.History = d.history() })
	if version >= 2 {
		d.part("controller", func() { s.Control = d.controller() })
		d.part("continual record", func() { d.continualRecord(&s.Continual) })
	}
	if version >= 3 {
		d.part("species tested", func() { d.speciesTested(s.Species.Species) })
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) > 0 {
		return nil, fmt.Errorf("%s of trailing data after the last section", byteCount(int64(len(d.b))))
	}
	return s, nil
}

// config reads the configuration into cfg. Keys a newer program added,
// absent from an older file, take their defaults (which keep the older
// behaviour) rather than zero.
func (d *decoder) config(cfg *population.Config) {
	b := d.string()
	if d.err != nil {
		return
	}
	*cfg = population.DefaultConfig()
	if err := decodeConfig([]byte(b), cfg); err != nil {
		d.fail(err)
	}
}

// decodeConfig decodes the configuration's JSON, refusing unknown fields
// (a configuration this program cannot represent would change the run) and
// anything after the object.
func decodeConfig(b []byte, cfg *population.Config) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	// JSON reads a base64 string into []network.Activation byte by byte,
	// past UnmarshalText's check.
	for _, a := range cfg.Mutate.Activations {
		if int(a) >= numActivations {
			return fmt.Errorf("mutate activations: invalid activation %d", uint8(a))
		}
	}
	// Whatever else slips through must not make the state unencodable.
	if _, err := json.Marshal(cfg); err != nil {
		return err
	}
	return nil
}

// counters reads the state's generation, evaluation and ID counters.
func (d *decoder) counters(s *population.State) {
	s.Generation = d.int()
	s.Evaluated = d.bool()
	s.NextID = d.int()
	s.Evaluations = d.int()
	s.SolvedGeneration = d.int()
	s.SolvedEvaluations = d.int()
	s.Dropins = d.int()
	s.Apoptoses = d.int()
}

// genomes reads the population's genomes. Its errors name the genome.
func (d *decoder) genomes() []*genome.Genome {
	n, isNil := d.list(minGenome)
	if isNil {
		return nil
	}
	gs := make([]*genome.Genome, n)
	for i := range gs {
		gs[i] = d.genome()
		if d.err != nil {
			d.wrap("index %d (ID %d)", i, gs[i].ID)
			return nil
		}
	}
	return gs
}

// outcomes reads the genomes' evaluation outcomes.
func (d *decoder) outcomes() []evaluate.Outcome {
	n, isNil := d.list(minOutcome)
	if isNil {
		return nil
	}
	outs := make([]evaluate.Outcome, n)
	for i := range outs {
		o := &outs[i]
		o.Fitness = d.float()
		o.Solved = d.bool()
		o.Metric = d.float()
		o.Fault = d.string()
		if d.err != nil {
			d.wrap("index %d", i)
			return nil
		}
	}
	return outs
}

// tracker reads the innovation tracker's counters and innovations, each
// innovation number stored as the difference from the one before.
func (d *decoder) tracker() genome.TrackerState {
	var t genome.TrackerState
	t.NextNode = d.int()
	t.NextInnov = d.int()
	n, isNil := d.list(minInnovation)
	if isNil {
		return t
	}
	t.Innovations = make([][3]int, n)
	prev := 0
	for i := range t.Innovations {
		in := &t.Innovations[i]
		in[0] = d.int()
		in[1] = d.int()
		prev += d.int()
		in[2] = prev
		if d.err != nil {
			d.wrap("innovation at index %d", i)
			break
		}
	}
	return t
}

// speciesSet reads the species set into set, but for the species' Tested
// flags (see speciesTested). Its errors name the species.
func (d *decoder) speciesSet(set *species.Set) {
	set.NextID = d.int()
	set.Threshold = d.float()
	n, isNil := d.list(minSpecies)
	if isNil {
		return
	}
	set.Species = make([]*species.Species, n)
	for i := range set.Species {
		sp := d.species()
		set.Species[i] = sp
		if d.err != nil {
			d.wrap("index %d (ID %d)", i, sp.ID)
			return
		}
	}
}

// species reads one species: its IDs, representative, progress and
// members.
func (d *decoder) species() *species.Species {
	sp := &species.Species{}
	sp.ID = d.int()
	sp.Created = d.int()
	d.part("representative", func() { sp.Rep = d.genome() })
	sp.Best = d.float()
	sp.LastImproved = d.int()
	d.part("members", func() {
		if n, isNil := d.list(1); !isNil {
			sp.Members = make([]int, n)
			for i := range sp.Members {
				sp.Members[i] = d.int()
			}
		}
	})
	return sp
}

// optionalGenome reads a genome that may be absent, returning nil then.
func (d *decoder) optionalGenome() *genome.Genome {
	if d.bool() {
		return d.genome()
	}
	return nil
}

// history reads the statistics of every evaluated generation, after the
// schema of their fields. Its errors name the generation's index.
func (d *decoder) history() []population.Stats {
	h := d.uint()
	if h == 0 {
		return nil
	}
	fields, size := d.statsSchema()
	if d.err != nil {
		return nil
	}
	n := h - 1
	if n > uint64(len(d.b)/size) {
		d.fail(fmt.Errorf("%d generations of at least %d bytes, but only %d bytes remain", n, size, len(d.b)))
		return nil
	}
	hist := make([]population.Stats, n)
	for i := range hist {
		d.stats(&hist[i], fields)
		if d.err != nil {
			d.wrap("index %d", i)
			return nil
		}
	}
	return hist
}

// controller reads the neuroplasticity controller's state.
func (d *decoder) controller() population.Controller {
	var c population.Controller
	if n := d.uint(); n > 0 {
		if n-1 > uint64(len(d.b)/8) {
			d.fail(fmt.Errorf("%d recent fitnesses of 8 bytes, but only %d bytes remain", n-1, len(d.b)))
			return c
		}
		c.Recent = make([]float64, n-1)
		for i := range c.Recent {
			c.Recent[i] = d.float()
		}
	}
	c.BurstLeft = d.int()
	c.Best = d.float()
	c.SinceBetter = d.int()
	c.Drops = d.int()
	return c
}

// continualRecord reads a continual run's measurements into rec, refusing
// unknown fields and a row of R shorter than its phase.
func (d *decoder) continualRecord(rec *population.ContinualRecord) {
	b := d.string()
	if d.err != nil {
		return
	}
	dec := json.NewDecoder(strings.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		d.fail(err)
		return
	}
	for i, row := range rec.Rows {
		if len(row) < i+1 {
			d.fail(fmt.Errorf("row %d of R has %d entries, want at least %d", i, len(row), i+1))
			return
		}
	}
}

// speciesTested reads the species' Tested flags, one for each species of
// sps, in order.
func (d *decoder) speciesTested(sps []*species.Species) {
	n, _ := d.list(1)
	if d.err == nil && n != len(sps) {
		d.fail(fmt.Errorf("%d flags for %d species", n, len(sps)))
		return
	}
	for _, sp := range sps {
		sp.Tested = d.bool()
	}
}

func (d *decoder) genome() *genome.Genome {
	g := &genome.Genome{}
	g.ID = d.int()
	g.Born = d.int()
	g.Parents[0] = d.int()
	g.Parents[1] = d.int()
	g.Dropins = d.int()
	g.Apoptoses = d.int()
	g.Fitness = d.float()
	g.HasUtility = d.bool()
	if d.version >= 4 {
		g.Owed = d.float()
	}
	d.part("nodes", func() { g.Nodes = d.nodes() })
	d.part("connections", func() { g.Conns = d.conns() })
	return g
}

func (d *decoder) nodes() []genome.Node {
	n, isNil := d.list(minNode)
	if isNil {
		return nil
	}
	nodes := make([]genome.Node, n)
	prev := 0
	for i := range nodes {
		prev += d.int()
		nodes[i].ID = prev
	}
	if len(d.b) < 2*n {
		d.fail(errShort)
		return nodes
	}
	for i := range nodes {
		k, a := d.b[i], d.b[n+i]
		if int(k) >= numKinds || int(a) >= numActivations {
			d.fail(fmt.Errorf("node %d has kind %d and activation %d; want kind < %d and activation < %d",
				nodes[i].ID, k, a, numKinds, numActivations))
			return nodes
		}
		nodes[i].Kind, nodes[i].Act = genome.Kind(k), network.Activation(a)
	}
	d.b = d.b[2*n:]
	for i := range nodes {
		nodes[i].Bias = d.float()
	}
	for i := range nodes {
		nodes[i].Utility = d.float()
	}
	for i := range nodes {
		nodes[i].Age = d.int()
	}
	for i := range nodes {
		nodes[i].MeanAct = d.float()
	}
	return nodes
}

func (d *decoder) conns() []genome.Conn {
	n, isNil := d.list(minConn)
	if isNil {
		return nil
	}
	conns := make([]genome.Conn, n)
	prev := 0
	for i := range conns {
		prev += d.int()
		conns[i].Innov = prev
	}
	for i := range conns {
		conns[i].From = d.int()
	}
	for i := range conns {
		conns[i].To = d.int()
	}
	for i := range conns {
		conns[i].Enabled = d.bool()
	}
	if len(d.b) < 8*n {
		d.fail(errShort)
		return conns
	}
	for i := range conns {
		conns[i].Weight = math.Float64frombits(binary.LittleEndian.Uint64(d.b[8*i:]))
	}
	d.b = d.b[8*n:]
	return conns
}

// statsSchema reads the fields of the history's records and matches them
// with population.Stats's by name: a field the program does not know, or
// of another kind, is an error; a field the program has and the file does
// not stays zero. It returns the fields and a record's smallest size.
func (d *decoder) statsSchema() ([]statsField, int) {
	n := d.uint()
	switch {
	case d.err != nil:
		return nil, 0
	case n == 0:
		d.fail(errors.New("records without fields"))
		return nil, 0
	case n > uint64(len(d.b)/2):
		d.fail(fmt.Errorf("%d fields of at least 2 bytes, but only %d bytes remain", n, len(d.b)))
		return nil, 0
	}
	fields := make([]statsField, n)
	size := 0
	for i := range fields {
		name, kind := d.string(), d.byte()
		if d.err != nil {
			return nil, 0
		}
		j := slices.IndexFunc(statsFields, func(f statsField) bool { return f.name == name })
		switch {
		case kind < kindInt || kind > kindPairs:
			d.fail(fmt.Errorf("field %q has unknown kind %d", name, kind))
		case j < 0:
			d.fail(fmt.Errorf("field %q is unknown to this program", name))
		case statsFields[j].kind != kind:
			d.fail(fmt.Errorf("field %q has kind %d; this program's has kind %d", name, kind, statsFields[j].kind))
		case slices.ContainsFunc(fields[:i], func(f statsField) bool { return f.name == name }):
			d.fail(fmt.Errorf("field %q appears twice", name))
		}
		if d.err != nil {
			return nil, 0
		}
		fields[i] = statsFields[j]
		size += kindSize[kind]
	}
	return fields, size
}

func (d *decoder) stats(st *population.Stats, fields []statsField) {
	v := reflect.ValueOf(st).Elem()
	for _, f := range fields {
		fv := v.Field(f.index)
		switch f.kind {
		case kindInt:
			fv.SetInt(int64(d.int()))
		case kindFloat:
			fv.SetFloat(d.float())
		case kindBool:
			fv.SetBool(d.bool())
		case kindString:
			fv.SetString(d.string())
		case kindPairs:
			n := d.uint()
			if n > uint64(len(d.b)/2) {
				d.fail(fmt.Errorf("%d pairs of at least 2 bytes, but only %d bytes remain", n, len(d.b)))
				return
			}
			if n > 0 {
				pairs := make([][2]int, n)
				for i := range pairs {
					pairs[i] = [2]int{d.int(), d.int()}
				}
				fv.Set(reflect.ValueOf(pairs))
			}
		}
	}
}
