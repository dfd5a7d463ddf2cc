package network_test

import (
	"testing"

	"github.com/neuroplast/neuroplast/internal/proptest"
)

// TestMain fixes rapid's seed: see proptest.Main.
func TestMain(m *testing.M) { proptest.Main(m) }
