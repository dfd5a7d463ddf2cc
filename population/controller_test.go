package population

import (
	"slices"
	"testing"
)

// TestControllerBurstsOnDrop feeds the controller a simulated run: fitness
// climbs through a phase, falls sharply at a phase boundary, climbs again,
// then stalls. It must burst (and only) at the fall, for the configured
// generations, and raise apoptosis once the stall lasts Mature generations.
func TestControllerBurstsOnDrop(t *testing.T) {
	s := DefaultControlSettings()
	s.Enabled = true
	fitness := []float64{
		0.50, 0.60, 0.70, 0.75, 0.78, 0.80, // phase 1 learns
		0.20,                         // phase 2 starts: a drop
		0.40, 0.55, 0.65, 0.70, 0.72, // phase 2 learns
	}
	for range 12 {
		fitness = append(fitness, 0.72) // then stalls
	}
	var c Controller
	var drops []int
	var dropin, apoptosis []float64
	for g, f := range fitness {
		if c.Observe(f, &s) {
			drops = append(drops, g)
		}
		d, a := c.Factors(&s)
		dropin, apoptosis = append(dropin, d), append(apoptosis, a)
	}
	if len(drops) != 1 || drops[0] != 6 {
		t.Fatalf("drops detected at generations %v; want [6]", drops)
	}
	for g, d := range dropin {
		want := 1.0
		if g >= 6 && g < 6+s.BurstGenerations {
			want = s.Burst
		}
		if d != want {
			t.Errorf("generation %d: dropin factor %v; want %v", g, d, want)
		}
	}
	// The last improvement is at generation 11 (0.72); generations 12, 13,
	// ... repeat it, so the stall reaches Mature (10) at generation 21.
	for g, a := range apoptosis {
		want := 1.0
		if g >= 11+s.Mature {
			want = s.Prune
		}
		if a != want {
			t.Errorf("generation %d: apoptosis factor %v; want %v", g, a, want)
		}
	}
}

// TestControllerIgnoresNoise checks that small wobbles of a learning
// curve, and a flat start, are not taken for a new phase.
func TestControllerIgnoresNoise(t *testing.T) {
	s := DefaultControlSettings()
	var c Controller
	for g, f := range []float64{1, 1, 1, 1.2, 1.19, 1.3, 1.28, 1.35, 1.34, 1.4} {
		if c.Observe(f, &s) {
			t.Errorf("generation %d: fitness %v taken for a drop", g, f)
		}
	}
}

func TestControlSettingsValidate(t *testing.T) {
	for _, mod := range []func(*ControlSettings){
		func(c *ControlSettings) { c.Drop = 0 },
		func(c *ControlSettings) { c.Window = 1 },
		func(c *ControlSettings) { c.Burst = 0.5 },
		func(c *ControlSettings) { c.BurstGenerations = 0 },
		func(c *ControlSettings) { c.Mature = 0 },
		func(c *ControlSettings) { c.Prune = 0 },
	} {
		s := DefaultControlSettings()
		mod(&s)
		if s.Validate() == nil {
			t.Errorf("Validate(%+v) = nil; want an error", s)
		}
	}
	s := DefaultControlSettings()
	if err := s.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestControllerWaitsForFullWindow feeds the controller the best fitness
// of the first 32 generations of a plastic bitflip run (seed 1, 5
// generations a phase; fitness is minus the MSE on each generation's
// fresh examples, so it is noisy). Judged against the range of two to four
// generations, the falls at generations 2 and 24, within phases, counted
// as drops, and the one at 24 hid the phase change at 25 behind a window
// restarted with one value. Against full windows only the phase changes
// at 10, 20, 25 and 30 count; those at 5 and 15 came before the network
// had learned anything the change could undo, so fitness did not fall.
func TestControllerWaitsForFullWindow(t *testing.T) {
	s := DefaultControlSettings()
	fitness := []float64{
		-0.42522, -0.45050, -0.57263, -0.41282, -0.43702, // phase 0
		-0.43754, -0.41637, -0.32922, -0.24945, -0.27547,
		-0.76474, -0.63070, -0.39543, -0.19825, -0.24524,
		-0.18186, -0.09891, -0.06034, -0.03167, -0.04978,
		-0.23308, -0.17028, -0.04620, -0.05410, -0.10220,
		-0.19572, -0.05845, -0.02532, -0.00915, -0.00337,
		-0.08287, -0.02127,
	}
	var c Controller
	var drops []int
	for g, f := range fitness {
		if c.Observe(f, &s) {
			drops = append(drops, g)
		}
	}
	if want := []int{10, 20, 25, 30}; !slices.Equal(drops, want) {
		t.Errorf("drops at generations %v; want %v", drops, want)
	}
}
