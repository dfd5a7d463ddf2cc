package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"

	"github.com/neuroplast/neuroplast/network"
)

// Pole balancing: a cart on a track of limited length carries one or two
// poles hinged on top of it, and a network pushes the cart left or right
// to keep every pole upright. The physics, constants, integration and
// tests follow the double-pole code of the NEAT paper (Stanley &
// Miikkulainen 2002, section 4.2) and the benchmark as Gomez, Schmidhuber
// & Miikkulainen (2008, JMLR 9, "Accelerated Neural Evolution through
// Cooperatively Coevolved Synapses") state it, so that results can be
// compared with theirs.

// PoleParams are the physical constants of a cart-pole system.
type PoleParams struct {
	Poles      int        // 1 or 2
	CartMass   float64    // kg
	Mass       [2]float64 // kg of pole 1 (long) and pole 2 (short)
	HalfLength [2]float64 // m
	Friction   float64    // hinge friction coefficient mup
	Gravity    float64    // m/s^2, negative (-9.8)
	Tau        float64    // RK4 step, s
	ForceMag   float64    // force = (output-0.5) * 2 * ForceMag, so 10 gives the spec's *20
	TrackLimit float64    // |x| bound, m
	AngleLimit float64    // |theta| bound, rad
}

// DefaultPoleParams returns the benchmark's constants for a system of the
// given number of poles: a 1 kg cart, poles of 0.1 kg and 0.01 kg with
// half-lengths 0.5 m and 0.05 m, hinge friction 2e-6, gravity -9.8 m/s^2,
// RK4 steps of 0.01 s, a force of up to 10 N either way, a track of
// ±2.4 m and poles that fail past 36 degrees. Pole 2's constants are
// filled in even for one pole, where they are unused, so that the two
// systems differ only in Poles.
func DefaultPoleParams(poles int) PoleParams {
	return PoleParams{
		Poles:      poles,
		CartMass:   1,
		Mass:       [2]float64{0.1, 0.01},
		HalfLength: [2]float64{0.5, 0.05},
		Friction:   2e-6,
		Gravity:    -9.8,
		Tau:        0.01,
		ForceMag:   10,
		TrackLimit: 2.4,
		// 36 degrees as the NEAT code and BENCHMARKS.md write it; exactly,
		// 36 degrees is 0.6283185 rad.
		AngleLimit: 0.628329,
	}
}

// Validate reports the first field outside its allowed range, naming it
// and the range, or returns nil. The constants of a pole beyond Poles are
// not checked, since they are unused. Every number must be finite.
func (p PoleParams) Validate() error {
	if p.Poles != 1 && p.Poles != 2 {
		return fmt.Errorf("tasks: pole poles = %d, want 1 or 2", p.Poles)
	}
	bad := func(field string, v float64, want string) error {
		return fmt.Errorf("tasks: pole %s = %v, want %s", field, v, want)
	}
	finite := func(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }
	positive := func(v float64) bool { return v > 0 && finite(v) }
	if !positive(p.CartMass) {
		return bad("cart_mass", p.CartMass, "> 0")
	}
	for i := range p.Poles {
		if !positive(p.Mass[i]) {
			return bad(fmt.Sprintf("mass[%d]", i), p.Mass[i], "> 0")
		}
		if !positive(p.HalfLength[i]) {
			return bad(fmt.Sprintf("half_length[%d]", i), p.HalfLength[i], "> 0")
		}
	}
	switch {
	case !(p.Friction >= 0 && finite(p.Friction)):
		return bad("friction", p.Friction, ">= 0")
	case !(p.Gravity < 0 && finite(p.Gravity)):
		return bad("gravity", p.Gravity, "< 0 (downwards, as -9.8)")
	case !positive(p.Tau):
		return bad("tau", p.Tau, "> 0")
	case !positive(p.ForceMag):
		return bad("force_mag", p.ForceMag, "> 0")
	case !positive(p.TrackLimit):
		return bad("track_limit", p.TrackLimit, "> 0")
	case !(p.AngleLimit > 0 && p.AngleLimit < math.Pi):
		return bad("angle_limit", p.AngleLimit, "in (0, π)")
	}
	return nil
}

// PoleState is the state of the cart and poles (pole 2's entries unused
// with one pole). Angles are in radians from upright, positive in the
// direction of positive x.
type PoleState struct {
	X, XDot         float64
	Theta, ThetaDot [2]float64
}

// StandardStart returns the benchmark's start: everything at rest and at
// zero except the long pole, which leans 0.07 rad (about 4 degrees).
func StandardStart() PoleState {
	return PoleState{Theta: [2]float64{0.07, 0}}
}

// vector returns the state in the integrator's order: x, xdot, theta1,
// theta1dot, theta2, theta2dot.
func (s *PoleState) vector() [6]float64 {
	return [6]float64{s.X, s.XDot, s.Theta[0], s.ThetaDot[0], s.Theta[1], s.ThetaDot[1]}
}

// setVector sets the state from the integrator's vector.
func (s *PoleState) setVector(v *[6]float64) {
	s.X, s.XDot = v[0], v[1]
	s.Theta = [2]float64{v[2], v[4]}
	s.ThetaDot = [2]float64{v[3], v[5]}
}

// Cart simulates a cart-pole system. It does not check its Params
// (Validate does): constants out of range give a state of Inf or NaN,
// which Failed reports.
type Cart struct {
	Params PoleParams
	State  PoleState
}

// poleConsts are the constants of the equations of motion, derived from
// PoleParams once per decision (or per episode in Balance) so that the
// eight derivative evaluations of a decision multiply where they would
// divide.
type poleConsts struct {
	poles       int
	cartMass, g float64
	tau         float64
	mass        [2]float64 // m_i
	ml          [2]float64 // m_i l_i
	fric        [2]float64 // mup / (m_i l_i)
	invL        [2]float64 // 1 / l_i
	forceMag    float64
}

func (p PoleParams) consts() poleConsts {
	k := poleConsts{poles: p.Poles, cartMass: p.CartMass, g: p.Gravity, tau: p.Tau, forceMag: p.ForceMag}
	for i := range 2 {
		k.mass[i] = p.Mass[i]
		k.ml[i] = p.Mass[i] * p.HalfLength[i]
		k.fric[i] = p.Friction / k.ml[i]
		k.invL[i] = 1 / p.HalfLength[i]
	}
	return k
}

// derivative writes into d the time derivative of the state v under a force on
// the cart, by the equations of the NEAT code: for each pole i the
// effective force f_i = m_i l_i thetadot_i^2 sin(theta_i) + 0.75 m_i
// cos(theta_i) (mup thetadot_i/(m_i l_i) + g sin(theta_i)) and effective
// mass m~_i = m_i (1 - 0.75 cos^2(theta_i)) act on the cart, whose
// acceleration is (F + sum f_i) / (M + sum m~_i); each pole's angular
// acceleration is -0.75 (xdd cos(theta_i) + g sin(theta_i) + mup
// thetadot_i/(m_i l_i)) / l_i. There is no track friction. With one pole,
// pole 2's entries do not change.
func (k *poleConsts) derivative(v *[6]float64, force float64, d *[6]float64) {
	sin1, cos1 := math.Sincos(v[2])
	fric1 := k.fric[0] * v[3]
	f := k.ml[0]*v[3]*v[3]*sin1 + 0.75*k.mass[0]*cos1*(fric1+k.g*sin1)
	m := k.mass[0] * (1 - 0.75*cos1*cos1)
	var sin2, cos2, fric2 float64
	if k.poles == 2 {
		sin2, cos2 = math.Sincos(v[4])
		fric2 = k.fric[1] * v[5]
		f += k.ml[1]*v[5]*v[5]*sin2 + 0.75*k.mass[1]*cos2*(fric2+k.g*sin2)
		m += k.mass[1] * (1 - 0.75*cos2*cos2)
	}
	xdd := (force + f) / (k.cartMass + m)
	d[0], d[1] = v[1], xdd
	d[2], d[3] = v[3], -0.75*(xdd*cos1+k.g*sin1+fric1)*k.invL[0]
	if k.poles == 2 {
		d[4], d[5] = v[5], -0.75*(xdd*cos2+k.g*sin2+fric2)*k.invL[1]
	} else {
		d[4], d[5] = 0, 0
	}
}

// rk4 advances v by one classic fourth-order Runge-Kutta step of tau.
func (k *poleConsts) rk4(v *[6]float64, force float64) {
	h := k.tau
	var y, k1, k2, k3, k4 [6]float64
	k.derivative(v, force, &k1)
	for i := range y {
		y[i] = v[i] + h/2*k1[i]
	}
	k.derivative(&y, force, &k2)
	for i := range y {
		y[i] = v[i] + h/2*k2[i]
	}
	k.derivative(&y, force, &k3)
	for i := range y {
		y[i] = v[i] + h*k3[i]
	}
	k.derivative(&y, force, &k4)
	for i := range v {
		v[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
	}
}

// RK4 advances the state by one classic fourth-order Runge-Kutta step of
// Params.Tau seconds, the force (in newtons) held constant across it.
func (c *Cart) RK4(force float64) {
	k := c.Params.consts()
	v := c.State.vector()
	k.rk4(&v, force)
	c.State.setVector(&v)
}

// Act carries out one network decision: output, clamped to [0, 1], maps
// to the force (output - 0.5) * 2 * ForceMag, which is held for two RK4
// steps (0.02 s with the default Tau), as in the NEAT code. An output of
// NaN makes the state NaN, which Failed reports as a failure.
func (c *Cart) Act(output float64) {
	k := c.Params.consts()
	c.act(&k, output)
}

// act is Act with the constants derived already.
func (c *Cart) act(k *poleConsts, output float64) {
	if output < 0 {
		output = 0
	} else if output > 1 {
		output = 1
	}
	force := (output - 0.5) * 2 * k.forceMag
	v := c.State.vector()
	k.rk4(&v, force)
	k.rk4(&v, force)
	c.State.setVector(&v)
}

// Failed reports whether the cart has left the track or a pole has fallen
// past the angle limit. A NaN anywhere it looks counts as failure, so that
// a diverging simulation never balances.
func (c *Cart) Failed() bool {
	p, s := &c.Params, &c.State
	inside := math.Abs(s.X) <= p.TrackLimit && math.Abs(s.Theta[0]) <= p.AngleLimit
	if p.Poles == 2 {
		inside = inside && math.Abs(s.Theta[1]) <= p.AngleLimit
	}
	return !inside
}

// PoleKind selects one of the pole-balancing tasks.
type PoleKind int

// The pole-balancing tasks.
const (
	// CartPole balances one pole (the long one) and sees the full state:
	// the double pole's simulator without the short pole, as in the
	// single-pole tasks of Gomez et al. (2008, JMLR 9).
	CartPole PoleKind = iota
	// DoublePole balances both poles and sees the full state (Markov),
	// the NEAT paper's double pole with velocities (Stanley & Miikkulainen
	// 2002, Evolutionary Computation 10(2)).
	DoublePole
	// DoublePoleNV balances both poles seeing only the positions, not the
	// velocities, so the network must estimate them: it needs recurrence.
	// Fitness is Gruau et al.'s (1996) damping fitness and success the
	// champion test of Gomez et al. (2008), as in the NEAT paper.
	DoublePoleNV
)

var poleNames = [...]string{
	CartPole:     "cartpole",
	DoublePole:   "double-pole",
	DoublePoleNV: "double-pole-nv",
}

// String returns the task's registry name, such as "double-pole".
func (k PoleKind) String() string {
	if k >= 0 && int(k) < len(poleNames) {
		return poleNames[k]
	}
	return fmt.Sprintf("PoleKind(%d)", int(k))
}

// poles returns the number of poles the kind simulates.
func (k PoleKind) poles() int {
	if k == CartPole {
		return 1
	}
	return 2
}

// PoleSolvedSteps is how long a network must balance from the standard
// start to solve a pole-balancing task (30 minutes of simulated time at
// 0.02 s a decision), as in the NEAT paper and Gomez et al. (2008).
const PoleSolvedSteps = 100000

const (
	// gruauSteps is the length of the non-Markov task's fitness episode
	// and of each generalization trial.
	gruauSteps = 1000
	// gruauWindow is the number of final steps whose jiggle enters the
	// damping term of Gruau's fitness.
	gruauWindow = 100
	// gruauMinJiggle floors the damping denominator, so that a system
	// left exactly at rest scores a finite fitness. It lies far below the
	// sums of real controllers (2.6e-5 for the tests' best).
	gruauMinJiggle = 1e-9
	// poleGeneralizationSolved is how many of the 625 generalization
	// starts a champion must balance to solve the non-Markov task
	// (Gruau et al. 1996; Gomez et al. 2008).
	poleGeneralizationSolved = 200
	// poleMaxInputs bounds the inputs of any pole task: six state
	// variables and the bias.
	poleMaxInputs = 7
	// poleBiasInput is the constant input that the tasks feed as their
	// last input in place of the network's own bias node, as in the NEAT
	// code.
	poleBiasInput = 0.5
)

// Pole is a pole-balancing task: cartpole, double-pole or double-pole-nv
// (see PoleKind for each one's source).
// It is read-only after construction, so one task serves many goroutines.
type Pole struct {
	kind   PoleKind
	params PoleParams
}

// NewPole returns the task of the given kind with DefaultPoleParams. It
// panics on an unknown kind.
func NewPole(kind PoleKind) *Pole {
	t, err := NewPoleWith(kind, DefaultPoleParams(kind.poles()))
	if err != nil {
		panic(err)
	}
	return t
}

// NewPoleWith returns the task of the given kind on a system of the given
// constants, after checking them; params.Poles must be the kind's number
// of poles (1 for CartPole, 2 for the others).
func NewPoleWith(kind PoleKind, params PoleParams) (*Pole, error) {
	if kind < CartPole || kind > DoublePoleNV {
		return nil, fmt.Errorf("tasks: unknown pole task kind %d", int(kind))
	}
	if err := params.Validate(); err != nil {
		return nil, err
	}
	if params.Poles != kind.poles() {
		return nil, fmt.Errorf("tasks: pole poles = %d, want %d for %s", params.Poles, kind.poles(), kind)
	}
	return &Pole{kind: kind, params: params}, nil
}

// Params returns the task's physical constants.
func (t *Pole) Params() PoleParams { return t.params }

// Info implements Task. The task feeds its own bias input of 0.5 as the
// last input (counted in Inputs), so it asks for no bias node. The Markov
// tasks' fitness is the steps balanced, at most PoleSolvedSteps; Gruau's
// fitness of the non-Markov task has no maximum.
func (t *Pole) Info() Info {
	info := Info{
		Name: t.kind.String(), Description: Describe(t.kind.String()),
		Inputs: t.numInputs(), Outputs: 1, Bias: false,
		OutputAct: network.Sigmoid, FeedForward: t.kind != DoublePoleNV,
		MaxFitness: PoleSolvedSteps, Metric: "steps", Stepped: true, Deterministic: true,
	}
	if t.kind == DoublePoleNV {
		info.MaxFitness = 0
	}
	return info
}

// numInputs returns the number of network inputs, bias included.
func (t *Pole) numInputs() int {
	switch t.kind {
	case CartPole:
		return 5
	case DoublePole:
		return 7
	default:
		return 4
	}
}

// inputs fills in with the network's view of s, scaled as in the NEAT
// code to roughly [-1, 1] within the bounds, and returns the filled part:
// x/4.8, xdot/2, theta1/0.52, theta1dot/2 (then theta2/0.52, theta2dot/2
// for two poles) for the Markov tasks, x/4.8, theta1/0.52, theta2/0.52
// for the non-Markov one, each followed by the bias input 0.5.
func (t *Pole) inputs(s *PoleState, in *[poleMaxInputs]float64) []float64 {
	switch t.kind {
	case CartPole:
		*in = [poleMaxInputs]float64{s.X / 4.8, s.XDot / 2, s.Theta[0] / 0.52, s.ThetaDot[0] / 2, poleBiasInput}
		return in[:5]
	case DoublePole:
		*in = [poleMaxInputs]float64{s.X / 4.8, s.XDot / 2, s.Theta[0] / 0.52, s.ThetaDot[0] / 2, s.Theta[1] / 0.52, s.ThetaDot[1] / 2, poleBiasInput}
		return in[:7]
	default:
		*in = [poleMaxInputs]float64{s.X / 4.8, s.Theta[0] / 0.52, s.Theta[1] / 0.52, poleBiasInput}
		return in[:4]
	}
}

// Balance resets the network, starts the system at start and lets the
// network act until a failure or maxSteps decisions, and returns the
// number of decisions before the failure (maxSteps if none failed).
func (t *Pole) Balance(net *network.Network, start PoleState, maxSteps int) int {
	return t.balance(net, start, maxSteps, nil)
}

// jiggleRing keeps the jiggle |x|+|xdot|+|theta1|+|theta1dot| of the last
// gruauWindow states, for Gruau's fitness.
type jiggleRing struct {
	v [gruauWindow]float64
	n int // states recorded; the newest is at (n-1) % gruauWindow
}

// sum returns the sum of the recorded jiggles, oldest first.
func (r *jiggleRing) sum() float64 {
	d := 0.0
	if r.n < gruauWindow {
		for i := range r.n {
			d += r.v[i]
		}
		return d
	}
	for i := range gruauWindow {
		d += r.v[(r.n+i)%gruauWindow]
	}
	return d
}

// balance is Balance, recording into jiggle (where not nil) the state
// after each decision that did not fail.
func (t *Pole) balance(net *network.Network, start PoleState, maxSteps int, jiggle *jiggleRing) int {
	net.Reset()
	c := Cart{Params: t.params, State: start}
	k := t.params.consts()
	var io struct {
		in  [poleMaxInputs]float64
		out [1]float64
	}
	for step := range maxSteps {
		net.Forward(t.inputs(&c.State, &io.in), io.out[:])
		c.act(&k, io.out[0])
		if c.Failed() {
			return step
		}
		if jiggle != nil {
			s := &c.State
			jiggle.v[jiggle.n%gruauWindow] = math.Abs(s.X) + math.Abs(s.XDot) + math.Abs(s.Theta[0]) + math.Abs(s.ThetaDot[0])
			jiggle.n++
		}
	}
	return max(maxSteps, 0)
}

// gruauFitness returns Gruau et al.'s (1996) fitness for the non-Markov
// task as BENCHMARKS.md and the NEAT code define it: 0.1 t/1000 for t
// steps balanced of 1000, plus, once t exceeds 100, 0.9 * 0.75/D, where D
// sums |x|+|xdot|+|theta1|+|theta1dot| over the last 100 steps balanced.
// (Gomez et al. 2008 and goNEAT add the second term from t = 100 on.) It
// rewards damping the oscillations that a network without velocities can
// otherwise exploit by jiggling the cart.
func gruauFitness(t int, d float64) float64 {
	f := 0.1 * float64(t) / gruauSteps
	if t <= gruauWindow {
		return f
	}
	return f + 0.9*0.75/max(d, gruauMinJiggle)
}

// Evaluate implements Task; the random stream is unused, since the tasks
// are deterministic. For the Markov tasks the fitness is the number of
// steps balanced from the standard start, up to PoleSolvedSteps, and
// reaching it solves the task. For double-pole-nv it is Gruau's fitness
// over 1000 steps (gruauFitness), and Solved is always false: only
// TestChampion decides that. Metric is the steps balanced.
func (t *Pole) Evaluate(net *network.Network, _ *rand.Rand) Result {
	if t.kind == DoublePoleNV {
		var jiggle jiggleRing
		steps := t.balance(net, StandardStart(), gruauSteps, &jiggle)
		return Result{Fitness: gruauFitness(steps, jiggle.sum()), Metric: float64(steps)}
	}
	steps := t.Balance(net, StandardStart(), PoleSolvedSteps)
	return Result{Fitness: float64(steps), Solved: steps == PoleSolvedSteps, Metric: float64(steps)}
}

// poleGeneralizationLevels are the five values in [0, 1] that each of x,
// xdot, theta1 and theta1dot takes in the generalization test.
var poleGeneralizationLevels = [5]float64{0.05, 0.25, 0.5, 0.75, 0.95}

// Generalization returns how many of the 625 generalization starts of
// Gruau et al. (1996) the network balances for 1000 steps. Each of x,
// xdot, theta1 and theta1dot takes five values spread over its range
// (x = 4.32v - 2.16, xdot = 2.70v - 1.35, theta1 = 0.12566304v -
// 0.06283152, theta1dot = 0.30019504v - 0.15009752 for v in 0.05, 0.25,
// 0.5, 0.75, 0.95), with pole 2 upright and at rest. The network is reset
// before each start.
func (t *Pole) Generalization(net *network.Network) int {
	n := 0
	for i := range PoleGeneralizationStarts {
		if t.generalizes(net, i) {
			n++
		}
	}
	return n
}

// PoleGeneralizationStarts is the number of starts of the generalization
// test: each of x, xdot, theta1 and theta1dot at 5 levels. A start counts
// as balanced after PoleGeneralizationSteps decisions.
const (
	PoleGeneralizationStarts = 625
	PoleGeneralizationSteps  = gruauSteps
)

// GeneralizationStart returns start i, in [0, 625), of the generalization
// test: the levels of x, xdot, theta1 and theta1dot are the base-5 digits
// of i, most significant first, and pole 2 is upright and at rest. It
// panics if i is out of range.
func GeneralizationStart(i int) PoleState {
	if i < 0 || i >= PoleGeneralizationStarts {
		panic(fmt.Sprintf("tasks: generalization start %d; want [0, %d)", i, PoleGeneralizationStarts))
	}
	lv := poleGeneralizationLevels
	a, b, c, d := lv[i/125], lv[i/25%5], lv[i/5%5], lv[i%5]
	return PoleState{
		X:        4.32*a - 2.16,
		XDot:     2.70*b - 1.35,
		Theta:    [2]float64{0.12566304*c - 0.06283152, 0},
		ThetaDot: [2]float64{0.30019504*d - 0.15009752, 0},
	}
}

// generalizes reports whether net balances generalization start i.
func (t *Pole) generalizes(net *network.Network, i int) bool {
	return t.Balance(net, GeneralizationStart(i), PoleGeneralizationSteps) == PoleGeneralizationSteps
}

// TestChampion implements ChampionTester: the champion must balance
// PoleSolvedSteps steps from the standard start. Then its generalization
// is measured; for double-pole-nv it must also balance at least 200 of
// the 625 generalization starts (Gomez et al. 2008), while for the Markov
// tasks it is reported only.
func (t *Pole) TestChampion(net *network.Network, evaluated Result) ChampionTest {
	return t.TestChampionParallel([]*network.Network{net}, evaluated, func(n int, fn func(w, i int)) {
		for i := range n {
			fn(0, i)
		}
	})
}

// TestChampionParallel implements ParallelChampionTester: TestChampion
// with its episodes spread over forEach's goroutines, each on its own copy
// of the network. The 100,000-step episode is one long chain of states,
// the longest serial stretch of a generation, so the 625 generalization
// episodes run beside it rather than after it, and their results are
// thrown away if it fails; once it has failed, starts not yet begun are
// skipped. The outcome is TestChampion's whatever the goroutines. When
// evaluated says how long the episode lasts (with velocities, Evaluate is
// that very episode, Metric the steps balanced, so a positive Metric is
// taken as it is), only the generalization episodes run.
func (t *Pole) TestChampionParallel(nets []*network.Network, evaluated Result, forEach func(n int, fn func(w, i int))) ChampionTest {
	ct := ChampionTest{Generalization: -1, Starts: PoleGeneralizationStarts}
	known := t.kind != DoublePoleNV && evaluated.Metric > 0
	if known {
		ct.Steps = int(evaluated.Metric)
		if ct.Steps < PoleSolvedSteps {
			return ct
		}
	}
	// Episode 0 is the long one, unless known; episode first+i is
	// generalization start i.
	first := 1
	if known {
		first = 0
	}
	var ok [PoleGeneralizationStarts]bool
	var failed atomic.Bool
	forEach(first+len(ok), func(w, i int) {
		if i < first {
			ct.Steps = t.Balance(nets[w], StandardStart(), PoleSolvedSteps)
			failed.Store(ct.Steps < PoleSolvedSteps)
			return
		}
		if !failed.Load() {
			ok[i-first] = t.generalizes(nets[w], i-first)
		}
	})
	if ct.Steps < PoleSolvedSteps {
		return ct
	}
	ct.Generalization = 0
	for _, b := range ok {
		if b {
			ct.Generalization++
		}
	}
	ct.Balanced = slices.Clone(ok[:])
	ct.Solved = t.kind != DoublePoleNV || ct.Generalization >= poleGeneralizationSolved
	return ct
}
