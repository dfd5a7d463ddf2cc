package network

import (
	"fmt"
	"math"

	"github.com/neuroplast/neuroplast/internal/enum"
)

// Activation names a node's transfer function.
type Activation uint8

// The activation functions. Sigmoid is NEAT's steepened logistic
// 1/(1+exp(-4.9x)) (Stanley & Miikkulainen 2002).
const (
	Sigmoid Activation = iota
	Tanh
	ReLU
	Identity
	Sin
	Gauss
	Abs
	numActivations
)

var activationNames = [numActivations]string{
	Sigmoid:  "sigmoid",
	Tanh:     "tanh",
	ReLU:     "relu",
	Identity: "identity",
	Sin:      "sin",
	Gauss:    "gauss",
	Abs:      "abs",
}

var activationEnum = enum.Names{Pkg: "network", Noun: "activation", Type: "Activation", List: activationNames[:]}

// Activations returns every activation function, in declaration order.
func Activations() []Activation {
	all := make([]Activation, numActivations)
	for i := range all {
		all[i] = Activation(i)
	}
	return all
}

// String returns the activation's configuration name, such as "sigmoid".
func (a Activation) String() string { return enum.String(a, &activationEnum) }

// ParseActivation returns the activation with the given name.
func ParseActivation(name string) (Activation, error) {
	return enum.Parse[Activation](name, &activationEnum)
}

// MarshalText implements encoding.TextMarshaler, so activations appear by
// name in JSON and TOML.
func (a Activation) MarshalText() ([]byte, error) { return enum.Marshal(a, &activationEnum) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Activation) UnmarshalText(text []byte) error {
	v, err := enum.Parse[Activation](string(text), &activationEnum)
	if err == nil {
		*a = v
	}
	return err
}

// Apply returns the activation of x.
func (a Activation) Apply(x float64) float64 {
	switch a {
	case Sigmoid:
		return 1 / (1 + math.Exp(-4.9*x))
	case Tanh:
		return math.Tanh(x)
	case ReLU:
		return max(x, 0) // NaN stays NaN, as in the batched path
	case Identity:
		return x
	case Sin:
		return math.Sin(x)
	case Gauss:
		return math.Exp(-x * x)
	case Abs:
		return math.Abs(x)
	}
	panic(fmt.Sprintf("network: invalid activation %d", uint8(a)))
}
