package population

import (
	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/genome"
	"github.com/neuroplast/neuroplast/tasks"
)

// ContinualRecord is what a run on a continual stream has measured so far:
// the metric of the initial network on every phase's test split (B), and
// at the end of each phase the champion's metric on every phase's test
// split (a row of R) with a description of the phase.
type ContinualRecord struct {
	B      []float64         `json:"b"`
	Rows   [][]float64       `json:"rows"`
	Phases []continual.Phase `json:"phases"`
}

// Continual returns the continual-learning report of a run on a stream
// (nil, nil for other tasks, or before the first phase ends).
func (p *Population) Continual() (*continual.Report, error) {
	if p.stream == nil || len(p.record.Rows) == 0 {
		return nil, nil
	}
	t := &continual.Tracker{Task: p.stream.Info().Name, Strategy: p.strategy.String(), Metric: p.stream.Info().Metric, LowerIsBetter: p.stream.Info().LowerIsBetter, B: p.record.B}
	for i, row := range p.record.Rows {
		t.AddPhase(row, p.record.Phases[i])
	}
	return t.Report()
}

// evaluator returns what generation p.gen is evaluated on: the task, or the
// stream's phase in force.
func (p *Population) evaluator() tasks.Task {
	if p.stream != nil {
		return p.stream.At(p.gen)
	}
	return p.task
}

// measureAll returns g's test metric on every phase of the stream, as the
// network it stands for (evaluate.Pool.Phenotype), or, when untrained is
// set, as its genes are: the network at initialisation, which b (for FWT)
// measures even under Baldwinian learning.
func (p *Population) measureAll(g *genome.Genome, untrained bool) []float64 {
	row := make([]float64, p.stream.Phases())
	sup, _ := p.stream.At(p.gen).(tasks.Supervised)
	if untrained {
		sup = nil // Phenotype then only compiles g
	}
	net, err := p.pool.Phenotype(g, sup, p.gen)
	for j := range row {
		if err != nil {
			continue // a genome that does not compile scores 0
		}
		row[j] = p.stream.Measure(net, j, &p.batch)
	}
	return row
}

// recordPhase closes the phase of generation p.gen when it is the phase's
// last generation: the champion, the generation's fittest genome, is
// measured on every phase's test split. The last generation of the run
// closes its phase too, provisionally: a resumed run that goes on in the
// same phase measures it again at the phase's true end and replaces the
// row.
func (p *Population) recordPhase(champion *genome.Genome) {
	phase := p.stream.PhaseAt(p.gen)
	if p.gen+1 < p.cfg.Generations && p.stream.PhaseAt(p.gen+1) == phase {
		return
	}
	ph := continual.Phase{
		Task:        p.stream.PhaseName(phase),
		Neurons:     champion.HiddenCount(),
		Connections: champion.EnabledCount(),
	}
	for _, st := range p.history {
		if p.stream.PhaseAt(st.Generation) != phase {
			continue
		}
		ph.Generations++
		ph.Dropins += st.Dropins
		ph.Apoptoses += st.Apoptoses
		ph.WallSeconds += st.Seconds
		if p.pool.Learning() {
			ph.GradientSteps += int64(p.cfg.Training.Steps) * int64(len(p.genomes))
		}
	}
	row := p.measureAll(champion, false)
	if len(p.record.Rows) > phase {
		p.record.Rows[phase], p.record.Phases[phase] = row, ph
		return
	}
	p.record.Rows = append(p.record.Rows, row)
	p.record.Phases = append(p.record.Phases, ph)
}
