package population

import "fmt"

// ControlSettings configure the neuroplasticity controller of the plastic
// strategy: neurogenesis bursts when performance drops (a new phase of a
// continual stream, detected from fitness alone), and apoptosis rises as a
// phase matures and improvement stalls. It is on by default on continual
// tasks, which it is made for; enabled on another task it steers the
// plastic strategy there too. The other strategies ignore it.
type ControlSettings struct {
	Enabled bool `toml:"enabled" comment:"under the plastic strategy, let dropin and apoptosis rates follow the learning signal"`
	// Drop is the fall of the best fitness, relative to the spread of
	// recent fitness, that counts as a new phase.
	Drop float64 `toml:"drop" comment:"a fall of the best fitness below its recent best by more than this fraction of the recent fitness range starts a burst, > 0"`
	// Window is how many recent generations the reference is taken over;
	// a drop is looked for only once that many have passed since the start
	// or the last drop.
	Window int `toml:"window" comment:"generations of history the recent best and range are taken over; drops are looked for once that many have passed since the start or the last drop, >= 2"`
	// Burst multiplies the dropin rate for BurstGenerations generations
	// after a drop.
	Burst            float64 `toml:"burst" comment:"factor on the dropin rate during a burst of neurogenesis, >= 1"`
	BurstGenerations int     `toml:"burst_generations" comment:"generations a burst lasts, >= 1"`
	// Mature is how many generations without improvement make a phase
	// mature; Prune then multiplies the apoptosis rate.
	Mature int     `toml:"mature" comment:"generations without improvement after which a phase counts as mature, >= 1"`
	Prune  float64 `toml:"prune" comment:"factor on the apoptosis rate while a phase is mature, >= 1"`
}

// DefaultControlSettings returns the controller's defaults: off; when on,
// a fall of a quarter of the recent fitness range starts a burst of three
// generations at five times the dropin rate, and ten generations without
// improvement triple the apoptosis rate. On streams of 5-generation phases
// the next drop comes first, so only the bursts act there; a shorter
// Mature (2) made bitflip forget more (README).
func DefaultControlSettings() ControlSettings {
	return ControlSettings{Drop: 0.25, Window: 5, Burst: 5, BurstGenerations: 3, Mature: 10, Prune: 3}
}

// Validate returns an error naming the first setting out of range.
func (c *ControlSettings) Validate() error {
	switch {
	case !(c.Drop > 0) || c.Drop > 1e300:
		return fmt.Errorf("population: control.drop = %v, want a number > 0, at most 1e300", c.Drop)
	case c.Window < 2:
		return fmt.Errorf("population: control.window = %d, want >= 2", c.Window)
	case !(c.Burst >= 1) || c.Burst > 1e300:
		return fmt.Errorf("population: control.burst = %v, want a number >= 1, at most 1e300", c.Burst)
	case c.BurstGenerations < 1:
		return fmt.Errorf("population: control.burst_generations = %d, want >= 1", c.BurstGenerations)
	case c.Mature < 1:
		return fmt.Errorf("population: control.mature = %d, want >= 1", c.Mature)
	case !(c.Prune >= 1) || c.Prune > 1e300:
		return fmt.Errorf("population: control.prune = %v, want a number >= 1, at most 1e300", c.Prune)
	}
	return nil
}

// Controller turns the history of best fitness into factors on the dropin
// and apoptosis rates. It is plain data, a pure function of the fitness it
// has seen, so a run that saves and restores it continues exactly.
type Controller struct {
	Recent      []float64 `json:"recent"`       // best fitness of the last Window generations, oldest first
	BurstLeft   int       `json:"burst_left"`   // generations of burst still to come
	Best        float64   `json:"best"`         // best fitness since the last drop
	SinceBetter int       `json:"since_better"` // generations since Best last improved
	Drops       int       `json:"drops"`        // drops detected so far
}

// Observe takes a generation's best fitness and reports whether it is a
// drop: below the best of the recent window by more than s.Drop times the
// window's range (or, when the window is flat, by more than s.Drop times
// the best's magnitude). A drop starts a burst and resets the maturity
// count. Only a full window is a reference: the range of two or three
// generations understates the noise of the best fitness, and falls within
// it would count as drops. So the first drop is looked for from
// generation s.Window on, and each later one s.Window generations after
// the last.
func (c *Controller) Observe(best float64, s *ControlSettings) (drop bool) {
	if len(c.Recent) >= s.Window {
		hi, lo := c.Recent[0], c.Recent[0]
		for _, f := range c.Recent {
			hi, lo = max(hi, f), min(lo, f)
		}
		scale := hi - lo
		if scale == 0 {
			scale = max(abs(hi), 1e-12)
		}
		drop = hi-best > s.Drop*scale
	}
	switch {
	case drop:
		c.Drops++
		c.BurstLeft = s.BurstGenerations
		c.Best, c.SinceBetter = best, 0
		// The window restarts in the new phase, so the old phase's
		// fitness does not keep signalling drops.
		c.Recent = c.Recent[:0]
	case len(c.Recent) == 0 && c.Drops == 0: // the first generation
		c.Best = best
	case best > c.Best:
		c.Best, c.SinceBetter = best, 0
	default:
		c.SinceBetter++
	}
	c.Recent = append(c.Recent, best)
	if len(c.Recent) > s.Window {
		c.Recent = c.Recent[len(c.Recent)-s.Window:]
	}
	return drop
}

// Factors returns the factors on the dropin and apoptosis rates for the
// next generation's breeding, and uses up one generation of a burst.
func (c *Controller) Factors(s *ControlSettings) (dropin, apoptosis float64) {
	dropin, apoptosis = 1, 1
	if c.BurstLeft > 0 {
		dropin = s.Burst
		c.BurstLeft--
	}
	if c.SinceBetter >= s.Mature {
		apoptosis = s.Prune
	}
	return dropin, apoptosis
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
