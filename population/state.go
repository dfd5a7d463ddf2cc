package population

import (
	"errors"
	"fmt"
	"slices"

	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/species"
	"github.com/neuroplast/neuroplast/tasks"
)

// State is a population's complete state between generations: everything
// the next generation depends on, and the record of the run so far. No
// random generator state is needed: every stream is named by (seed,
// generation, purpose, id) and seeded where it is used. Restore(p.State())
// continues exactly as p would have.
type State struct {
	Config      Config
	Generation  int  // the generation Genomes belong to
	Evaluated   bool // Genomes were evaluated and speciated
	NextID      int  // the next genome ID
	Evaluations int

	Genomes  []*genome.Genome
	Outcomes []evaluate.Outcome // one per genome; meaningful when Evaluated
	Tracker  genome.TrackerState
	Species  *species.Set // with each species' Members, ranked when Evaluated

	Best              *genome.Genome // nil before the first evaluation
	Solver            *genome.Genome // nil while unsolved
	SolvedGeneration  int            // -1 while unsolved
	SolvedEvaluations int
	Dropins           int // made while breeding the current generation
	Apoptoses         int

	History []Stats // every evaluated generation's statistics, in order

	Control Controller // the neuroplasticity controller's state

	// Continual is what a run on a continual stream has measured: the
	// position in the stream is the generation's phase, so this is the
	// only continual state.
	Continual ContinualRecord
}

// State returns a deep copy of the population's state, sharing nothing with
// the population, so the population may go on while the copy is written.
func (p *Population) State() *State {
	s := &State{
		Config:            p.cfg,
		Generation:        p.gen,
		Evaluated:         p.evaluated,
		NextID:            p.nextID,
		Evaluations:       p.evaluations,
		Genomes:           make([]*genome.Genome, len(p.genomes)),
		Outcomes:          slices.Clone(p.outcomes),
		Tracker:           p.tracker.State(),
		Species:           cloneSet(p.species),
		SolvedGeneration:  p.solvedGen,
		SolvedEvaluations: p.solvedEvs,
		Dropins:           p.dropins,
		Apoptoses:         p.apoptoses,
		History:           slices.Clone(p.history),
		Control:           p.control,
	}
	s.Control.Recent = slices.Clone(p.control.Recent)
	s.Continual = ContinualRecord{B: slices.Clone(p.record.B), Phases: slices.Clone(p.record.Phases)}
	for _, row := range p.record.Rows {
		s.Continual.Rows = append(s.Continual.Rows, slices.Clone(row))
	}
	s.Config.Mutate.Activations = slices.Clone(p.cfg.Mutate.Activations)
	for i, g := range p.genomes {
		s.Genomes[i] = g.Clone()
	}
	if p.best != nil {
		s.Best = p.best.Clone()
	}
	if p.solver != nil {
		s.Solver = p.solver.Clone()
	}
	return s
}

func cloneSet(set *species.Set) *species.Set {
	c := &species.Set{NextID: set.NextID, Threshold: set.Threshold, Species: make([]*species.Species, len(set.Species))}
	for i, sp := range set.Species {
		cp := *sp
		cp.Rep = sp.Rep.Clone()
		cp.Members = slices.Clone(sp.Members)
		c.Species[i] = &cp
	}
	return c
}

// Restore rebuilds a population from s to run on task, after checking that
// s is whole and consistent: a valid configuration, genomes that validate
// and fit the task's inputs and outputs, species whose members cover the
// evaluated generation exactly once, a tracker ahead of every ID in use,
// and one innovation number for each connection (from, to), the same in
// the tracker and in every genome. It takes ownership of s.
//
// To continue the saved run exactly, change only Workers and Generations
// on s.Config before calling Restore: they do not change results. Restore
// cannot tell other edits from the saved configuration (State holds only
// the edited one), so a run restored with another Seed, say, goes on as a
// different run; `evolve resume` compares config.toml with the
// checkpoint's configuration for that reason.
func Restore(s *State, task tasks.Task) (*Population, error) {
	switch {
	case s == nil:
		return nil, errors.New("population: no state")
	case task == nil:
		return nil, errors.New("population: no task")
	}
	if err := s.checkConfig(task); err != nil {
		return nil, err
	}
	if err := s.checkCounts(); err != nil {
		return nil, err
	}
	p, err := newPopulation(s.Config, task, true)
	if err != nil {
		return nil, err
	}
	tracker, err := genome.RestoreTracker(s.Tracker)
	if err != nil {
		return nil, err
	}
	hist := newHistory(s.Tracker)
	if err := s.checkGenomes(p.layout, hist); err != nil {
		return nil, err
	}
	if err := s.checkSpecies(p.layout, hist); err != nil {
		return nil, err
	}
	if err := s.checkContinual(p.stream != nil); err != nil {
		return nil, err
	}
	p.setState(s, tracker)
	return p, nil
}

// checkConfig checks that s's configuration is valid and of task.
func (s *State) checkConfig(task tasks.Task) error {
	if err := s.Config.Validate(); err != nil {
		return err
	}
	if name := task.Info().Name; name != s.Config.Task {
		return fmt.Errorf("population: state is of task %q, not %q", s.Config.Task, name)
	}
	return nil
}

// checkCounts checks s's counters against its configuration and lists:
// genomes, outcomes, history, species set and solver.
func (s *State) checkCounts() error {
	n := s.Config.PopulationSize
	if strategy, _ := s.Config.Resolve(true); strategy.Baseline() {
		n = 1 // one network of fixed topology
	}
	switch {
	case len(s.Genomes) != n:
		return fmt.Errorf("population: state has %d genomes; population_size is %d", len(s.Genomes), n)
	case len(s.Outcomes) != n:
		return fmt.Errorf("population: state has %d outcomes for %d genomes", len(s.Outcomes), n)
	case s.Generation < 0 || s.Evaluations < 0 || s.NextID < 0:
		return fmt.Errorf("population: state has negative counters (generation %d, evaluations %d, next ID %d)", s.Generation, s.Evaluations, s.NextID)
	case s.Species == nil:
		return fmt.Errorf("population: state has no species")
	case len(s.History) != s.Generation+btoi(s.Evaluated):
		return fmt.Errorf("population: state has %d generations of history at generation %d (evaluated %v)", len(s.History), s.Generation, s.Evaluated)
	case (s.SolvedGeneration < 0) != (s.Solver == nil):
		return fmt.Errorf("population: state's solver and solved generation %d disagree", s.SolvedGeneration)
	}
	return nil
}

// checkGenomes checks the population's genomes, the best genome and the
// solver with checkGenome.
func (s *State) checkGenomes(l genome.Layout, h *history) error {
	for i, g := range s.Genomes {
		if g == nil {
			return fmt.Errorf("population: state has no genome at index %d", i)
		}
		if err := s.checkGenome(fmt.Sprintf("genome %d (index %d)", g.ID, i), g, l, h); err != nil {
			return err
		}
	}
	if err := s.checkGenome("best genome", s.Best, l, h); err != nil {
		return err
	}
	return s.checkGenome("solver", s.Solver, l, h)
}

// checkGenome checks g, which what describes and which may be nil: that it
// is valid, fits the layout l, uses only IDs below s's counters, and
// agrees with the innovation history h, to which it adds g's connections.
func (s *State) checkGenome(what string, g *genome.Genome, l genome.Layout, h *history) error {
	if g == nil {
		return nil
	}
	if err := genome.Validate(g, s.Config.FeedForward); err != nil {
		return fmt.Errorf("population: %s: %w", what, err)
	}
	if err := fits(g, l); err != nil {
		return fmt.Errorf("population: %s: %w", what, err)
	}
	if g.ID >= s.NextID {
		return fmt.Errorf("population: %s has ID %d, not below the next ID %d", what, g.ID, s.NextID)
	}
	for _, nd := range g.Nodes {
		if nd.ID >= s.Tracker.NextNode {
			return fmt.Errorf("population: %s has node %d, not below the tracker's next node %d", what, nd.ID, s.Tracker.NextNode)
		}
	}
	for _, c := range g.Conns {
		if c.Innov >= s.Tracker.NextInnov {
			return fmt.Errorf("population: %s has innovation %d, not below the tracker's next %d", what, c.Innov, s.Tracker.NextInnov)
		}
	}
	return h.agree(what, g)
}

// checkSpecies checks the species: representatives that pass checkGenome,
// IDs below the next one, members that cover the genomes at most once
// (exactly once when evaluated), and a positive threshold.
func (s *State) checkSpecies(l genome.Layout, h *history) error {
	n := len(s.Genomes)
	seen := make([]bool, n)
	for _, sp := range s.Species.Species {
		if sp == nil || sp.Rep == nil {
			return fmt.Errorf("population: a species has no representative")
		}
		if err := s.checkGenome(fmt.Sprintf("representative of species %d", sp.ID), sp.Rep, l, h); err != nil {
			return err
		}
		if sp.ID >= s.Species.NextID {
			return fmt.Errorf("population: species %d is not below the next species ID %d", sp.ID, s.Species.NextID)
		}
		for _, m := range sp.Members {
			if m < 0 || m >= n || seen[m] {
				return fmt.Errorf("population: species %d lists member %d twice or out of range [0, %d)", sp.ID, m, n)
			}
			seen[m] = true
		}
		if s.Evaluated && len(sp.Members) == 0 {
			return fmt.Errorf("population: species %d has no members", sp.ID)
		}
	}
	if s.Evaluated && slices.Contains(seen, false) {
		return fmt.Errorf("population: genome %d belongs to no species", s.Genomes[slices.Index(seen, false)].ID)
	}
	if !(s.Species.Threshold > 0) {
		return fmt.Errorf("population: species threshold %v, want > 0", s.Species.Threshold)
	}
	return nil
}

// checkContinual checks that s holds continual measurements only if its
// task is a stream, and one row of R for each phase.
func (s *State) checkContinual(stream bool) error {
	if !stream && (s.Continual.B != nil || len(s.Continual.Rows) > 0) {
		return fmt.Errorf("population: state holds continual measurements, but task %q is not a stream", s.Config.Task)
	}
	if len(s.Continual.Rows) != len(s.Continual.Phases) {
		return fmt.Errorf("population: state has %d rows of R for %d phases", len(s.Continual.Rows), len(s.Continual.Phases))
	}
	return nil
}

// setState makes s, which Restore has checked, p's state, with tracker
// restored from s.Tracker.
func (p *Population) setState(s *State, tracker *genome.Tracker) {
	p.gen, p.evaluated = s.Generation, s.Evaluated
	p.nextID, p.evaluations = s.NextID, s.Evaluations
	p.genomes, p.outcomes = s.Genomes, s.Outcomes
	p.tracker, p.species = tracker, s.Species
	p.best, p.solver = s.Best, s.Solver
	p.solvedGen, p.solvedEvs = s.SolvedGeneration, s.SolvedEvaluations
	p.dropins, p.apoptoses = s.Dropins, s.Apoptoses
	p.history = s.History
	p.control = s.Control
	p.record = s.Continual
}

// history is the innovation number of each connection (from, to) known so
// far, from the tracker and the genomes checked, and the other way round.
type history struct {
	innov map[[2]int]int
	conn  map[int]claim
}

// claim is a connection an innovation number was given to, and who gave it.
type claim struct {
	pair [2]int
	by   string
}

// newHistory returns the history the tracker state records, which
// genome.RestoreTracker has checked: one innovation number for each
// connection and one connection for each number.
func newHistory(t genome.TrackerState) *history {
	h := &history{innov: make(map[[2]int]int, len(t.Innovations)), conn: make(map[int]claim, len(t.Innovations))}
	for _, e := range t.Innovations {
		pair := [2]int{e[0], e[1]}
		h.innov[pair], h.conn[e[2]] = e[2], claim{pair, "the innovation tracker"}
	}
	return h
}

// agree checks that g's connections (g described by what) agree with the
// history: a connection (from, to) has the innovation number it had
// before, and an innovation number names the connection it named before.
// It adds those that are new. Mutation would otherwise give a genome a
// second gene of an innovation number it has.
func (h *history) agree(what string, g *genome.Genome) error {
	for _, c := range g.Conns {
		pair := [2]int{c.From, c.To}
		if k, ok := h.conn[c.Innov]; ok && k.pair != pair {
			return fmt.Errorf("population: %s has connection %d->%d as innovation %d, but %s has %d->%d as that innovation", what, c.From, c.To, c.Innov, k.by, k.pair[0], k.pair[1])
		}
		if n, ok := h.innov[pair]; ok && n != c.Innov {
			return fmt.Errorf("population: %s has connection %d->%d as innovation %d, but %s has it as innovation %d", what, c.From, c.To, c.Innov, h.conn[n].by, n)
		}
		if _, ok := h.innov[pair]; !ok {
			h.innov[pair], h.conn[c.Innov] = c.Innov, claim{pair, what}
		}
	}
	return nil
}

// fits reports whether g has exactly the fixed nodes of l, with their IDs.
func fits(g *genome.Genome, l genome.Layout) error {
	want := l.Nodes()
	if len(g.Nodes) < len(want) {
		return fmt.Errorf("%d nodes, fewer than the task's %d inputs, bias and outputs", len(g.Nodes), len(want))
	}
	for i, w := range want {
		if got := g.Nodes[i]; got.ID != w.ID || got.Kind != w.Kind {
			return fmt.Errorf("node %d is %s %d; the task needs %s %d there", i, got.Kind, got.ID, w.Kind, w.ID)
		}
	}
	for _, nd := range g.Nodes[len(want):] {
		if nd.Kind != genome.Hidden {
			return fmt.Errorf("node %d is an extra %s node", nd.ID, nd.Kind)
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
