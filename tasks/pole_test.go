package tasks

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/neuroplast/neuroplast/network"
)

// poleLinearNet returns a network without hidden nodes whose one sigmoid
// output reads every input with the given weights: a linear
// state-feedback controller, force ≈ 24.5 Σ w_i in_i near the middle of
// the steepened sigmoid.
func poleLinearNet(w ...float64) *network.Network {
	n := len(w)
	src := make([]int32, n)
	for i := range src {
		src[i] = int32(i)
	}
	start := make([]int32, n+2)
	start[n+1] = int32(n)
	net := &network.Network{
		NumInputs: n,
		Act:       make([]network.Activation, n+1), // all Sigmoid; only the output's matters
		Bias:      make([]float64, n+1),
		Start:     start,
		Src:       src,
		W:         w,
		Outputs:   []int32{int32(n)},
	}
	if err := net.Check(); err != nil {
		panic(err)
	}
	return net
}

// poleDoubleGains are the weights of a linear controller for double-pole
// on the scaled inputs x, xdot, theta1, theta1dot, theta2, theta2dot and
// the 0.5 bias input. They were found by a throwaway script: it linearised
// one decision (two RK4 steps) of Cart around upright rest by central
// differences, solved the discrete-time LQR Riccati equation with Q = I
// and R = 1 by iteration, giving gains K (force = -K·state) of about
// (0.6844, 1.717, 45.03, 11.95, -38.16, -3.208), and turned each gain into
// a weight -K_i·scale_i/24.5 (24.5 = 20 N × 4.9/4, the force per unit sum
// at the sigmoid's middle), rounded to four digits.
var poleDoubleGains = [7]float64{-0.1341, -0.1401, -0.9557, -0.9752, 0.8099, 0.2618, 0}

// poleCartGains are found in the same way for cartpole (one pole, Q = I on
// its four state variables, R = 1): K ≈ (-0.9074, -2.099, -30.13, -7.721).
var poleCartGains = [5]float64{0.1778, 0.1714, 0.6394, 0.6303, 0}

// poleDoubleNet is the LQR controller for double-pole.
func poleDoubleNet() *network.Network { return poleLinearNet(poleDoubleGains[:]...) }

// poleNVNet is the same controller for double-pole-nv, where the network
// must estimate the velocities: three identity nodes copy x, theta1 and
// theta2, and the output reads their values of the previous step through
// recurrent connections, so that it sees the backward difference of each
// position. With 0.02 s a decision, xdot/2 ≈ (x - x_prev)/4.8 · 4.8/0.04,
// 120 times the difference of the scaled input, and thetadot/2 ≈ 13 times
// (0.52/0.04) the difference of its scaled input.
func poleNVNet() *network.Network {
	g := poleDoubleGains
	const kx, kt = 120, 13
	// Nodes: inputs x, theta1, theta2, bias (0-3); the output (4); the
	// copies of x, theta1, theta2 (5-7), which come after the output so
	// that it reads their previous values.
	net := &network.Network{
		NumInputs: 4,
		Act:       []network.Activation{0, 0, 0, 0, network.Sigmoid, network.Identity, network.Identity, network.Identity},
		Bias:      make([]float64, 8),
		Start:     []int32{0, 0, 0, 0, 0, 7, 8, 9, 10},
		Src:       []int32{0, 1, 2, 5, 6, 7, 3, 0, 1, 2},
		W: []float64{
			g[0] + kx*g[1], g[2] + kt*g[3], g[4] + kt*g[5], // positions now
			-kx * g[1], -kt * g[3], -kt * g[5], // positions one step ago
			g[6],    // bias input
			1, 1, 1, // the copies
		},
		Outputs:   []int32{4},
		Recurrent: true,
	}
	if err := net.Check(); err != nil {
		panic(err)
	}
	return net
}

// poleZeroNet's output has no connections, so it is always sigmoid(0) =
// 0.5: zero force.
func poleZeroNet(inputs int) *network.Network { return poleLinearNet(make([]float64, inputs)...) }

// handDoublePoleDerivative is the derivative of the double-pole state
// (x, xdot, theta1, theta1dot, theta2, theta2dot) under force F, written
// out with the benchmark's numbers: M = 1, m1 = 0.1, l1 = 0.5, m2 = 0.01,
// l2 = 0.05, mup = 2e-6, g = -9.8.
func handDoublePoleDerivative(s [6]float64, F float64) [6]float64 {
	a, ad, b, bd := s[2], s[3], s[4], s[5]
	// Pole 1: m1 l1 = 0.05.
	f1 := 0.05*ad*ad*math.Sin(a) + 0.75*0.1*math.Cos(a)*(2e-6*ad/0.05-9.8*math.Sin(a))
	mt1 := 0.1 * (1 - 0.75*math.Cos(a)*math.Cos(a))
	// Pole 2: m2 l2 = 0.0005.
	f2 := 0.0005*bd*bd*math.Sin(b) + 0.75*0.01*math.Cos(b)*(2e-6*bd/0.0005-9.8*math.Sin(b))
	mt2 := 0.01 * (1 - 0.75*math.Cos(b)*math.Cos(b))
	xdd := (F + f1 + f2) / (1 + mt1 + mt2)
	add := -0.75 * (xdd*math.Cos(a) - 9.8*math.Sin(a) + 2e-6*ad/0.05) / 0.5
	bdd := -0.75 * (xdd*math.Cos(b) - 9.8*math.Sin(b) + 2e-6*bd/0.0005) / 0.05
	return [6]float64{s[1], xdd, ad, add, bd, bdd}
}

// handCartPoleDerivative is the same for the long pole alone; the last
// two entries stay zero.
func handCartPoleDerivative(s [6]float64, F float64) [6]float64 {
	a, ad := s[2], s[3]
	f1 := 0.05*ad*ad*math.Sin(a) + 0.75*0.1*math.Cos(a)*(2e-6*ad/0.05-9.8*math.Sin(a))
	mt1 := 0.1 * (1 - 0.75*math.Cos(a)*math.Cos(a))
	xdd := (F + f1) / (1 + mt1)
	add := -0.75 * (xdd*math.Cos(a) - 9.8*math.Sin(a) + 2e-6*ad/0.05) / 0.5
	return [6]float64{s[1], xdd, ad, add, 0, 0}
}

// handRK4 is one classic Runge-Kutta step of h = 0.01 s, the four stages
// spelled out.
func handRK4(d func([6]float64, float64) [6]float64, s [6]float64, F float64) [6]float64 {
	const h = 0.01
	var y2, y3, y4, out [6]float64
	k1 := d(s, F)
	for i := range s {
		y2[i] = s[i] + 0.005*k1[i] // h/2
	}
	k2 := d(y2, F)
	for i := range s {
		y3[i] = s[i] + 0.005*k2[i]
	}
	k3 := d(y3, F)
	for i := range s {
		y4[i] = s[i] + h*k3[i]
	}
	k4 := d(y4, F)
	for i := range s {
		out[i] = s[i] + h/6*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
	}
	return out
}

func poleStateOf(v [6]float64) PoleState {
	return PoleState{X: v[0], XDot: v[1], Theta: [2]float64{v[2], v[4]}, ThetaDot: [2]float64{v[3], v[5]}}
}

func TestPoleRK4ByHand(t *testing.T) {
	for _, tt := range []struct {
		name  string
		poles int
		d     func([6]float64, float64) [6]float64
		start [6]float64
	}{
		{"double", 2, handDoublePoleDerivative, [6]float64{0.1, -0.2, 0.07, 0.3, -0.05, 0.1}},
		// Pole 2's entries are set but must not move with one pole.
		{"single", 1, handCartPoleDerivative, [6]float64{0.1, -0.2, 0.07, 0.3, 0, 0}},
	} {
		want := handRK4(tt.d, tt.start, 5)
		c := Cart{Params: DefaultPoleParams(tt.poles), State: poleStateOf(tt.start)}
		c.RK4(5)
		got := c.State.vector()
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("%s: after RK4(5 N), state[%d] = %.15g; want %.15g by hand", tt.name, i, got[i], want[i])
			}
		}
		if got == tt.start {
			t.Errorf("%s: RK4 left the state unchanged", tt.name)
		}
		// Several steps in a row stay on the hand-computed trajectory.
		h := want
		for range 50 {
			h = handRK4(tt.d, h, -3)
			c.RK4(-3)
		}
		got = c.State.vector()
		for i := range got {
			if math.Abs(got[i]-h[i]) > 1e-10 {
				t.Errorf("%s: after 50 more steps, state[%d] = %.15g; want %.15g by hand", tt.name, i, got[i], h[i])
			}
		}
	}
	// A single pole with pole 2 leaning: pole 2 neither moves nor acts.
	c := Cart{Params: DefaultPoleParams(1), State: PoleState{Theta: [2]float64{0.07, 0.3}, ThetaDot: [2]float64{0, 1}}}
	c.RK4(0)
	want := handRK4(handCartPoleDerivative, [6]float64{0, 0, 0.07, 0, 0, 0}, 0)
	if got := c.State; got.Theta[1] != 0.3 || got.ThetaDot[1] != 1 || math.Abs(got.X-want[0]) > 1e-12 || math.Abs(got.Theta[0]-want[2]) > 1e-12 {
		t.Errorf("single pole with pole 2 set: state %+v; want pole 2 untouched and pole 1 as without it", got)
	}
}

// TestPoleDerivativeOnPaper checks the derivative at the standard start
// with no force against numbers worked out by hand:
//
//	sin 0.07 = 0.0699428473375328, cos 0.07 = 0.9975510002532796
//	f1  = 0.75·0.1·cos·(-9.8·sin) = -0.735·sin·cos
//	    = -0.735 · 0.0697715573221183 = -0.0512820946317569
//	m~1 = 0.1·(1 - 0.75·cos²) = 0.1·(1 - 0.75·0.9951079981063186)
//	    = 0.0253669001420261
//	pole 2 upright at rest: f2 = 0, m~2 = 0.01·(1 - 0.75) = 0.0025
//	xdd = f1/(1 + m~1 + m~2) = -0.0512820946317569/1.0278669001420261
//	    = -0.0498917657769415
//	theta1dd = -0.75·(xdd·cos - 9.8·sin)/0.5
//	    = -1.5·(-0.0497695804 - 0.6854399039) = 1.1028142271445174
//	theta2dd = -0.75·xdd/0.05 = -15·xdd = 0.7483764866541229
//
// and with one pole the denominator is 1.0253669001420261, so xdd =
// -0.0500134094680194 and theta1dd = 1.102996245823081.
func TestPoleDerivativeOnPaper(t *testing.T) {
	derivativeOf := func(k *poleConsts, v *[6]float64) (d [6]float64) {
		k.derivative(v, 0, &d)
		return d
	}
	start := StandardStart()
	v := start.vector()
	p2 := DefaultPoleParams(2).consts()
	p1 := DefaultPoleParams(1).consts()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"double xdd", derivativeOf(&p2, &v)[1], -0.0498917657769415},
		{"double theta1dd", derivativeOf(&p2, &v)[3], 1.1028142271445174},
		{"double theta2dd", derivativeOf(&p2, &v)[5], 0.7483764866541229},
		{"single xdd", derivativeOf(&p1, &v)[1], -0.0500134094680194},
		{"single theta1dd", derivativeOf(&p1, &v)[3], 1.102996245823081},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s at the standard start = %.16g; want %.16g", c.name, c.got, c.want)
		}
	}
	if d := derivativeOf(&p2, &v); d[0] != 0 || d[2] != 0 || d[4] != 0 {
		t.Errorf("position derivatives at rest = %v, %v, %v; want 0", d[0], d[2], d[4])
	}
}

// TestPoleAct checks the output-to-force mapping: 0.75 gives +5 N, held
// for two RK4 steps, and outputs beyond [0, 1] are clamped.
func TestPoleAct(t *testing.T) {
	start := poleStateOf([6]float64{0.1, -0.2, 0.07, 0.3, -0.05, 0.1})
	for _, c := range []struct {
		output, force float64
	}{
		{0.75, 5}, {0.5, 0}, {0, -10}, {1, 10}, {-3, -10}, {1.7, 10},
	} {
		a := Cart{Params: DefaultPoleParams(2), State: start}
		b := a
		a.Act(c.output)
		b.RK4(c.force)
		b.RK4(c.force)
		if a.State != b.State {
			t.Errorf("Act(%v) gives %+v; want two RK4(%v) steps, %+v", c.output, a.State, c.force, b.State)
		}
	}
	a := Cart{Params: DefaultPoleParams(2), State: start}
	a.Act(math.NaN())
	if !a.Failed() {
		t.Errorf("after Act(NaN), state %+v does not count as failed", a.State)
	}
}

func TestPoleFailureBounds(t *testing.T) {
	above := func(v float64) float64 { return math.Nextafter(v, math.Inf(1)) }
	for _, c := range []struct {
		name   string
		poles  int
		set    func(s *PoleState)
		failed bool
	}{
		{"at rest", 2, func(s *PoleState) {}, false},
		{"x = 2.4", 2, func(s *PoleState) { s.X = 2.4 }, false},
		{"x = -2.4", 2, func(s *PoleState) { s.X = -2.4 }, false},
		{"x just above 2.4", 2, func(s *PoleState) { s.X = above(2.4) }, true},
		{"x just below -2.4", 2, func(s *PoleState) { s.X = -above(2.4) }, true},
		{"theta1 at the limit", 2, func(s *PoleState) { s.Theta[0] = 0.628329 }, false},
		{"theta1 at minus the limit", 2, func(s *PoleState) { s.Theta[0] = -0.628329 }, false},
		{"theta1 past the limit", 2, func(s *PoleState) { s.Theta[0] = above(0.628329) }, true},
		{"theta1 past minus the limit", 2, func(s *PoleState) { s.Theta[0] = -above(0.628329) }, true},
		{"theta2 at the limit", 2, func(s *PoleState) { s.Theta[1] = -0.628329 }, false},
		{"theta2 past the limit", 2, func(s *PoleState) { s.Theta[1] = above(0.628329) }, true},
		{"theta2 past minus the limit", 2, func(s *PoleState) { s.Theta[1] = -above(0.628329) }, true},
		{"theta2 past the limit, one pole", 1, func(s *PoleState) { s.Theta[1] = 1 }, false},
		{"theta1 past the limit, one pole", 1, func(s *PoleState) { s.Theta[0] = above(0.628329) }, true},
		{"velocities do not count", 2, func(s *PoleState) { s.XDot, s.ThetaDot = 100, [2]float64{-100, 100} }, false},
		{"NaN x", 2, func(s *PoleState) { s.X = math.NaN() }, true},
		{"NaN theta2", 2, func(s *PoleState) { s.Theta[1] = math.NaN() }, true},
	} {
		cart := Cart{Params: DefaultPoleParams(c.poles)}
		c.set(&cart.State)
		if got := cart.Failed(); got != c.failed {
			t.Errorf("%s: Failed() = %v; want %v", c.name, got, c.failed)
		}
	}
}

func TestPolePhysicsSanity(t *testing.T) {
	for _, poles := range []int{1, 2} {
		// No force: the long pole falls the way it leans, faster and
		// faster, and the cart recoils the other way.
		c := Cart{Params: DefaultPoleParams(poles), State: StandardStart()}
		prev, prevRate := c.State.Theta[0], 0.0
		for i := range 20 {
			c.Act(0.5)
			rate := c.State.Theta[0] - prev
			if rate <= prevRate {
				t.Errorf("%d poles, decision %d: theta1 moved %v after %v; want a growing fall", poles, i, rate, prevRate)
			}
			prev, prevRate = c.State.Theta[0], rate
		}
		if c.State.X >= 0 || c.State.XDot >= 0 {
			t.Errorf("%d poles: after the pole fell, cart at x = %v, xdot = %v; want pushed back (< 0)", poles, c.State.X, c.State.XDot)
		}

		// Upright at rest with no force is an equilibrium.
		c = Cart{Params: DefaultPoleParams(poles)}
		for range 1000 {
			c.Act(0.5)
		}
		if c.State != (PoleState{}) {
			t.Errorf("%d poles: upright rest moved to %+v; want it to stay", poles, c.State)
		}

		// Pushing right accelerates the cart right and tips the poles
		// left.
		c.Act(1)
		if c.State.XDot <= 0 || c.State.Theta[0] >= 0 || (poles == 2 && c.State.Theta[1] >= 0) {
			t.Errorf("%d poles: after pushing right, %+v; want xdot > 0 and poles leaning left", poles, c.State)
		}

		// The system is mirror-symmetric: negating the state and the
		// force negates the trajectory, exactly.
		a := Cart{Params: DefaultPoleParams(poles), State: poleStateOf([6]float64{0.1, -0.2, 0.07, 0.3, -0.05, 0.1})}
		b := Cart{Params: DefaultPoleParams(poles), State: poleStateOf([6]float64{-0.1, 0.2, -0.07, -0.3, 0.05, -0.1})}
		for range 100 {
			a.Act(0.6)
			b.Act(0.4)
		}
		va, vb := a.State.vector(), b.State.vector()
		for i := range va {
			if va[i] != -vb[i] {
				t.Errorf("%d poles: mirrored runs end at %v and %v; want negatives", poles, va, vb)
				break
			}
		}
	}

	// RK4 is fourth order: over 0.2 s with 1 N, halving tau from 0.01 s
	// cuts the error against a run at tau = 1e-5 s about 16-fold (15.3
	// when measured).
	run := func(tau float64, steps int) [6]float64 {
		c := Cart{Params: DefaultPoleParams(2), State: StandardStart()}
		c.Params.Tau = tau
		for range steps {
			c.RK4(1)
		}
		return c.State.vector()
	}
	ref := run(1e-5, 20000)
	maxErr := func(v [6]float64) float64 {
		e := 0.0
		for i := range v {
			e = max(e, math.Abs(v[i]-ref[i]))
		}
		return e
	}
	e1, e2 := maxErr(run(0.01, 20)), maxErr(run(0.005, 40))
	if e1 > 1e-4 || e1/e2 < 12 || e1/e2 > 20 {
		t.Errorf("RK4 error after 0.2 s: %v at tau 0.01, %v at tau 0.005 (ratio %v); want below 1e-4 and a ratio near 16", e1, e2, e1/e2)
	}
}

// poleGeneralizationByHand returns the 625 generalization starts written
// out plainly, x varying slowest and theta1dot fastest.
func poleGeneralizationByHand() []PoleState {
	vs := []float64{0.05, 0.25, 0.5, 0.75, 0.95}
	var starts []PoleState
	for _, vx := range vs {
		for _, vxd := range vs {
			for _, vt := range vs {
				for _, vtd := range vs {
					var s PoleState
					s.X = 4.32*vx - 2.16
					s.XDot = 2.70*vxd - 1.35
					s.Theta[0] = 0.12566304*vt - 0.06283152
					s.ThetaDot[0] = 0.30019504*vtd - 0.15009752
					starts = append(starts, s)
				}
			}
		}
	}
	return starts
}

// poleGeneralizationReference counts the generalization starts the network
// balances, plainly, from poleGeneralizationByHand.
func poleGeneralizationReference(task *Pole, net *network.Network) int {
	n := 0
	for _, s := range poleGeneralizationByHand() {
		if task.Balance(net, s, 1000) == 1000 {
			n++
		}
	}
	return n
}

// poleBalancedReference returns, start by start, whether the network
// balances each of poleGeneralizationByHand's starts.
func poleBalancedReference(task *Pole, net *network.Network) []bool {
	var ok []bool
	for _, s := range poleGeneralizationByHand() {
		ok = append(ok, task.Balance(net, s, 1000) == 1000)
	}
	return ok
}

// sameChampionTest reports whether got is want, with got.Balanced nil
// where want.Generalization < 0 and otherwise ref, the starts balanced
// counted one by one (want.Balanced is not set).
func sameChampionTest(got, want ChampionTest, ref []bool) bool {
	if want.Generalization < 0 {
		ref = nil
	}
	return got.Solved == want.Solved && got.Steps == want.Steps && got.Generalization == want.Generalization &&
		got.Starts == want.Starts && slices.Equal(got.Balanced, ref) && (got.Balanced == nil) == (ref == nil)
}

// TestPoleControllers runs the fixed controllers on every task. The
// numbers of steps and of generalization starts are as measured when the
// tests were written; the reference count checks the latter
// independently.
func TestPoleControllers(t *testing.T) {
	tests := []struct {
		name     string
		kind     PoleKind
		net      func() *network.Network
		champion ChampionTest
	}{
		{"LQR double-pole", DoublePole, poleDoubleNet, ChampionTest{Solved: true, Steps: PoleSolvedSteps, Generalization: 535, Starts: 625}},
		{"LQR cartpole", CartPole, func() *network.Network { return poleLinearNet(poleCartGains[:]...) }, ChampionTest{Solved: true, Steps: PoleSolvedSteps, Generalization: 555, Starts: 625}},
		{"finite-difference double-pole-nv", DoublePoleNV, poleNVNet, ChampionTest{Solved: true, Steps: PoleSolvedSteps, Generalization: 541, Starts: 625}},
		// Without force the long pole falls from 0.07 rad past 0.628 rad
		// in 22 decisions (0.44 s) beside the short pole, 36 alone.
		{"zero force double-pole", DoublePole, func() *network.Network { return poleZeroNet(7) }, ChampionTest{Steps: 22, Generalization: -1, Starts: 625}},
		{"zero force cartpole", CartPole, func() *network.Network { return poleZeroNet(5) }, ChampionTest{Steps: 36, Generalization: -1, Starts: 625}},
		{"zero force double-pole-nv", DoublePoleNV, func() *network.Network { return poleZeroNet(4) }, ChampionTest{Steps: 22, Generalization: -1, Starts: 625}},
	}
	// Zero force balances exactly the 5 generalization starts with the
	// pole upright and at rest and the cart at rest (v = 0.5 gives exactly
	// 0 for theta1, theta1dot and xdot), one for each x.
	const zeroForceGeneralization = 5
	for _, tt := range tests {
		task := NewPole(tt.kind)
		net := tt.net()
		champ := task.TestChampion(net, Result{})
		if !sameChampionTest(champ, tt.champion, poleBalancedReference(task, net)) {
			t.Errorf("%s: TestChampion = %+v; want %+v", tt.name, champ, tt.champion)
		}
		steps := task.Balance(net, StandardStart(), PoleSolvedSteps)
		if steps != tt.champion.Steps {
			t.Errorf("%s: Balance from the standard start = %d; want %d", tt.name, steps, tt.champion.Steps)
		}
		// TestChampion ran Generalization where it balanced the standard
		// start; elsewhere run it here.
		gen, want := champ.Generalization, tt.champion.Generalization
		if gen < 0 {
			gen, want = task.Generalization(net), zeroForceGeneralization
		}
		if gen != want {
			t.Errorf("%s: Generalization = %d; want %d", tt.name, gen, want)
		}
		if ref := poleGeneralizationReference(task, net); gen != ref {
			t.Errorf("%s: Generalization = %d; want %d, as counted start by start", tt.name, gen, ref)
		}
		if tt.kind != DoublePoleNV {
			r := task.Evaluate(net, nil)
			want := Result{Fitness: float64(steps), Solved: steps == PoleSolvedSteps, Metric: float64(steps)}
			if r != want {
				t.Errorf("%s: Evaluate = %+v; want %+v", tt.name, r, want)
			}
		}
	}
}

// TestPoleBalanceResets checks that Balance resets a recurrent network:
// two calls in a row agree, as do Balance and a fresh network.
func TestPoleBalanceResets(t *testing.T) {
	task := NewPole(DoublePoleNV)
	net := poleNVNet()
	start := PoleState{X: 0.5, Theta: [2]float64{-0.03, 0.01}}
	first := task.Balance(net, start, 300)
	if again := task.Balance(net, start, 300); again != first {
		t.Errorf("Balance twice = %d, %d; want the same", first, again)
	}
	if got := task.Balance(net, start, 0); got != 0 {
		t.Errorf("Balance of 0 steps = %d; want 0", got)
	}
	if got := task.Balance(net, start, -5); got != 0 {
		t.Errorf("Balance of -5 steps = %d; want 0", got)
	}
}

func TestGruauFitness(t *testing.T) {
	for _, c := range []struct {
		steps int
		d     float64
		want  float64
	}{
		{0, 0, 0},
		{50, 123, 0.005},        // 0.1·50/1000; D is ignored up to 100 steps
		{99, 0.001, 0.0099},     // 0.1·99/1000
		{100, 2, 0.01},          // 0.1·100/1000; D counts only past 100 steps
		{101, 2, 0.3476},        // 0.1·101/1000 + 0.9·0.75/2 = 0.0101 + 0.3375
		{1000, 0.75, 1},         // 0.1 + 0.9·0.75/0.75
		{500, 13.5, 0.1},        // 0.05 + 0.675/13.5 = 0.05 + 0.05
		{1000, 0, 0.1 + 6.75e8}, // D floored at 1e-9
	} {
		if got := gruauFitness(c.steps, c.d); math.Abs(got-c.want) > 1e-12*math.Max(1, c.want) {
			t.Errorf("gruauFitness(%d, %v) = %.15g; want %.15g", c.steps, c.d, got, c.want)
		}
	}
}

func TestJiggleRing(t *testing.T) {
	var r jiggleRing
	for i := 1; i <= 30; i++ {
		r.v[r.n%gruauWindow] = float64(i)
		r.n++
	}
	if got := r.sum(); got != 465 { // 1 + ... + 30
		t.Errorf("sum of 30 recorded jiggles = %v; want 465", got)
	}
	for i := 31; i <= 250; i++ {
		r.v[r.n%gruauWindow] = float64(i)
		r.n++
	}
	if got := r.sum(); got != 20050 { // 151 + ... + 250
		t.Errorf("sum of the last 100 of 250 jiggles = %v; want 20050", got)
	}
}

// TestPoleGruauEvaluate checks Evaluate on double-pole-nv against a
// trajectory replayed here with Cart and the network directly.
func TestPoleGruauEvaluate(t *testing.T) {
	task := NewPole(DoublePoleNV)

	// Zero force: the long pole falls after 22 steps, fewer than 100, so
	// only the 0.1·t/1000 term counts.
	zero := task.Evaluate(poleZeroNet(4), nil)
	if want := (Result{Fitness: 0.1 * 22 / 1000, Metric: 22}); zero != want {
		t.Errorf("zero force: Evaluate = %+v; want %+v", zero, want)
	}

	// The finite-difference controller balances all 1000 steps; replay
	// its trajectory and sum the jiggle of the last 100 states.
	net := poleNVNet()
	r := task.Evaluate(net, nil)
	if again := task.Evaluate(net, nil); again != r {
		t.Errorf("Evaluate twice = %+v, %+v; want the same (the network is reset)", r, again)
	}
	{
		net.Reset()
		c := Cart{Params: DefaultPoleParams(2), State: StandardStart()}
		var jiggles []float64
		steps := 0
		for range 1000 {
			in := []float64{c.State.X / 4.8, c.State.Theta[0] / 0.52, c.State.Theta[1] / 0.52, 0.5}
			out := []float64{0}
			net.Forward(in, out)
			c.Act(out[0])
			if c.Failed() {
				break
			}
			steps++
			s := c.State
			jiggles = append(jiggles, math.Abs(s.X)+math.Abs(s.XDot)+math.Abs(s.Theta[0])+math.Abs(s.ThetaDot[0]))
		}
		d := 0.0
		for _, j := range jiggles[len(jiggles)-100:] {
			d += j
		}
		want := 0.1*float64(steps)/1000 + 0.9*0.75/d
		if steps != 1000 || r.Metric != 1000 || r.Solved || math.Abs(r.Fitness-want) > 1e-9*want {
			t.Errorf("finite-difference controller: Evaluate = %+v; want fitness %v, metric %d, unsolved", r, want, steps)
		}
	}
}

func TestPoleInputs(t *testing.T) {
	s := PoleState{X: 1.2, XDot: -0.5, Theta: [2]float64{0.13, -0.026}, ThetaDot: [2]float64{0.4, -1}}
	for _, c := range []struct {
		kind PoleKind
		want []float64
	}{
		{CartPole, []float64{0.25, -0.25, 0.25, 0.2, 0.5}},
		{DoublePole, []float64{0.25, -0.25, 0.25, 0.2, -0.05, -0.5, 0.5}},
		{DoublePoleNV, []float64{0.25, 0.25, -0.05, 0.5}},
	} {
		task := NewPole(c.kind)
		var buf [poleMaxInputs]float64
		got := task.inputs(&s, &buf)
		if len(got) != len(c.want) || task.Info().Inputs != len(c.want) {
			t.Errorf("%s: %d inputs, Info says %d; want %d", c.kind, len(got), task.Info().Inputs, len(c.want))
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-15 {
				t.Errorf("%s: input %d = %v; want %v", c.kind, i, got[i], c.want[i])
			}
		}
	}

	// TestPoleGruauEvaluate checks the same scaling end to end, replaying
	// a network on the non-Markov task with inputs computed there.
}

func TestPoleValidate(t *testing.T) {
	for _, poles := range []int{1, 2} {
		if err := DefaultPoleParams(poles).Validate(); err != nil {
			t.Errorf("DefaultPoleParams(%d).Validate() = %v; want nil", poles, err)
		}
	}
	for _, c := range []struct {
		poles int
		edit  func(p *PoleParams)
		want  string
	}{
		{2, func(p *PoleParams) { p.Poles = 3 }, "poles = 3, want 1 or 2"},
		{2, func(p *PoleParams) { p.Poles = 0 }, "poles = 0"},
		{2, func(p *PoleParams) { p.CartMass = 0 }, "cart_mass = 0, want > 0"},
		{2, func(p *PoleParams) { p.Mass[0] = -0.1 }, "mass[0] = -0.1, want > 0"},
		{2, func(p *PoleParams) { p.Mass[1] = math.NaN() }, "mass[1] = NaN"},
		{2, func(p *PoleParams) { p.HalfLength[1] = -1 }, "tasks: pole half_length[1] = -1, want > 0"},
		{1, func(p *PoleParams) { p.HalfLength[0] = math.Inf(1) }, "half_length[0] = +Inf"},
		{2, func(p *PoleParams) { p.Friction = -1e-6 }, "friction = -1e-06, want >= 0"},
		{2, func(p *PoleParams) { p.Gravity = 9.8 }, "gravity = 9.8, want < 0"},
		{2, func(p *PoleParams) { p.Tau = 0 }, "tau = 0, want > 0"},
		{2, func(p *PoleParams) { p.ForceMag = -10 }, "force_mag = -10, want > 0"},
		{2, func(p *PoleParams) { p.TrackLimit = 0 }, "track_limit = 0, want > 0"},
		{2, func(p *PoleParams) { p.AngleLimit = 4 }, "angle_limit = 4, want in (0, π)"},
	} {
		p := DefaultPoleParams(c.poles)
		c.edit(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "tasks: pole ") {
			t.Errorf("Validate of %+v = %v; want an error containing %q", p, err, c.want)
		}
		if c.poles == 2 {
			if _, err := NewPoleWith(DoublePole, p); err == nil {
				t.Errorf("NewPoleWith(DoublePole, %+v) succeeded; want the error", p)
			}
		}
	}

	// One pole: pole 2's constants are unused and not checked.
	p := DefaultPoleParams(1)
	p.Mass[1], p.HalfLength[1] = -1, 0
	if err := p.Validate(); err != nil {
		t.Errorf("one pole with a bad pole 2: Validate = %v; want nil", err)
	}

	// The kind's number of poles must match.
	for _, c := range []struct {
		kind  PoleKind
		poles int
	}{{CartPole, 2}, {DoublePole, 1}, {DoublePoleNV, 1}} {
		_, err := NewPoleWith(c.kind, DefaultPoleParams(c.poles))
		if err == nil || !strings.Contains(err.Error(), "poles") || !strings.Contains(err.Error(), c.kind.String()) {
			t.Errorf("NewPoleWith(%s, %d poles) error = %v; want one naming poles and the task", c.kind, c.poles, err)
		}
	}
	if _, err := NewPoleWith(PoleKind(7), DefaultPoleParams(2)); err == nil {
		t.Error("NewPoleWith(PoleKind(7)) succeeded; want an error")
	}
	custom := DefaultPoleParams(2)
	custom.HalfLength[1] = 0.1
	task, err := NewPoleWith(DoublePole, custom)
	if err != nil || task.Params() != custom {
		t.Errorf("NewPoleWith(DoublePole, custom) = %v, %v; want the task with those params", task, err)
	}
}

func TestPoleInfo(t *testing.T) {
	for _, c := range []struct {
		kind   PoleKind
		name   string
		inputs int
		ff     bool
		max    float64
	}{
		{CartPole, "cartpole", 5, true, PoleSolvedSteps},
		{DoublePole, "double-pole", 7, true, PoleSolvedSteps},
		{DoublePoleNV, "double-pole-nv", 4, false, 0},
	} {
		want := Info{
			Name: c.name, Description: Describe(c.name),
			Inputs: c.inputs, Outputs: 1, Bias: false,
			OutputAct: network.Sigmoid, FeedForward: c.ff,
			MaxFitness: c.max, Metric: "steps", Stepped: true, Deterministic: true,
		}
		if got := NewPole(c.kind).Info(); got != want || got.Description == "" {
			t.Errorf("%s: Info() = %+v; want %+v with a description", c.kind, got, want)
		}
		task, err := New(c.name, 1)
		if err != nil || task.Info().Name != c.name {
			t.Errorf("New(%q) = %v, %v; want the task", c.name, task, err)
			continue
		}
		if _, ok := task.(ChampionTester); !ok {
			t.Errorf("New(%q) is no ChampionTester", c.name)
		}
	}
}

// TestPoleEvaluateAllocs checks that Evaluate allocates nothing per step:
// 100,000 steps of the LQR controller allocate as little as 10 do.
func TestPoleEvaluateAllocs(t *testing.T) {
	task := NewPole(DoublePole)
	net := poleDoubleNet()
	long := testing.AllocsPerRun(3, func() {
		if r := task.Evaluate(net, nil); !r.Solved {
			t.Fatalf("Evaluate = %+v; want solved", r)
		}
	})
	short := testing.AllocsPerRun(3, func() { task.Balance(net, StandardStart(), 10) })
	if long > 2 || long != short {
		t.Errorf("Evaluate of 100,000 steps allocates %v times, 10 steps %v; want the same, at most 2", long, short)
	}
	nv := NewPole(DoublePoleNV)
	rnet := poleNVNet()
	if a := testing.AllocsPerRun(3, func() { nv.Evaluate(rnet, nil) }); a > 2 {
		t.Errorf("double-pole-nv Evaluate allocates %v times; want at most 2", a)
	}
}

// TestPoleConcurrent evaluates networks on one task from several
// goroutines at once, as populations do; run with -race.
func TestPoleConcurrent(t *testing.T) {
	for _, kind := range []PoleKind{DoublePole, DoublePoleNV} {
		task := NewPole(kind)
		net := poleDoubleNet
		if kind == DoublePoleNV {
			net = poleNVNet
		}
		want := task.Evaluate(net(), nil)
		got := make([]Result, 4)
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() { got[i] = task.Evaluate(net(), nil) })
		}
		wg.Wait()
		for i, r := range got {
			if r != want {
				t.Errorf("%s: goroutine %d: Evaluate = %+v; want %+v", kind, i, r, want)
			}
		}
	}
}

// poleDriftNet is poleNVNet with the sign of its cart-position gain
// flipped and scaled to 2%: it keeps the poles up but lets the cart drift
// off the track after 12,009 decisions, while it would balance 481 of the
// generalization starts. It fails the champion test late, after a
// parallel test has run many generalization episodes.
func poleDriftNet() *network.Network {
	net := poleNVNet()
	net.W[0] -= 1.02 * poleDoubleGains[0]
	return net
}

// TestPoleChampionParallel checks that the parallel champion test, its
// episodes spread over goroutines each with its own copy of the network,
// gives what the sequential one does however the episodes are scheduled:
// on interleaved goroutines, or one after another in either order, so
// that the generalization episodes all run before the 100,000-step one
// or after it. A champion that fails that episode late must have the
// generalization results it may have run beside it thrown away.
func TestPoleChampionParallel(t *testing.T) {
	const workers = 3
	interleaved := func(n int, fn func(w, i int)) {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < n; i += workers {
					fn(w, i)
				}
			})
		}
		wg.Wait()
	}
	forward := func(n int, fn func(w, i int)) {
		for i := range n {
			fn(i%workers, i)
		}
	}
	backward := func(n int, fn func(w, i int)) {
		for i := n - 1; i >= 0; i-- {
			fn(i%workers, i)
		}
	}
	schedules := []struct {
		name    string
		forEach func(n int, fn func(w, i int))
	}{{"interleaved", interleaved}, {"forward", forward}, {"backward", backward}}

	for _, c := range []struct {
		name string
		kind PoleKind
		net  func() *network.Network
		want ChampionTest
	}{
		{"LQR", DoublePole, poleDoubleNet, ChampionTest{Solved: true, Steps: PoleSolvedSteps, Generalization: 535, Starts: 625}},
		{"finite-difference", DoublePoleNV, poleNVNet, ChampionTest{Solved: true, Steps: PoleSolvedSteps, Generalization: 541, Starts: 625}},
		{"drifting", DoublePoleNV, poleDriftNet, ChampionTest{Steps: 12009, Generalization: -1, Starts: 625}},
		{"zero force", DoublePoleNV, func() *network.Network { return poleZeroNet(4) }, ChampionTest{Steps: 22, Generalization: -1, Starts: 625}},
		{"zero force", DoublePole, func() *network.Network { return poleZeroNet(7) }, ChampionTest{Steps: 22, Generalization: -1, Starts: 625}},
	} {
		task := NewPole(c.kind)
		ref := poleBalancedReference(task, c.net())
		if got := task.TestChampion(c.net(), Result{}); !sameChampionTest(got, c.want, ref) {
			t.Errorf("%s %v: TestChampion = %+v; want %+v", c.name, c.kind, got, c.want)
		}
		evaluated := task.Evaluate(c.net(), nil)
		for _, s := range schedules {
			// Given the champion's evaluation, the test may skip the
			// episode evaluation ran, but not change its outcome.
			for _, ev := range []Result{{}, evaluated} {
				nets := []*network.Network{c.net(), c.net(), c.net()}
				var calls []int
				var mu sync.Mutex
				got := task.TestChampionParallel(nets, ev, func(n int, fn func(w, i int)) {
					calls = make([]int, n)
					s.forEach(n, func(w, i int) {
						mu.Lock()
						calls[i]++
						mu.Unlock()
						fn(w, i)
					})
				})
				if !sameChampionTest(got, c.want, ref) {
					t.Errorf("%s %v, %s schedule, evaluated %+v: TestChampionParallel = %+v; want %+v", c.name, c.kind, s.name, ev, got, c.want)
				}
				if calls != nil && slices.ContainsFunc(calls, func(k int) bool { return k != 1 }) {
					t.Errorf("%s %v, %s schedule: the episodes did not run once each", c.name, c.kind, s.name)
				}
			}
		}
	}
}

// TestGeneralizationStart checks the starts against the 625 written out
// by hand, and that out-of-range indices panic.
func TestGeneralizationStart(t *testing.T) {
	for i, want := range poleGeneralizationByHand() {
		if got := GeneralizationStart(i); got != want {
			t.Errorf("GeneralizationStart(%d) = %+v; want %+v", i, got, want)
		}
	}
	for _, bad := range []int{-1, 625} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GeneralizationStart(%d) did not panic", bad)
				}
			}()
			GeneralizationStart(bad)
		}()
	}
}
