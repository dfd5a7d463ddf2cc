// Package proptest sets up pgregory.net/rapid for the module's property
// tests.
package proptest

import (
	"flag"
	"os"
	"strings"
	"testing"

	_ "pgregory.net/rapid" // registers the -rapid.* flags
)

// Main runs a package's tests with rapid's seed fixed, so that property
// tests draw the same cases on every run (left alone, rapid picks a fresh
// seed each run), and without rapid's fail files in testdata (the seed
// replays a failure). Either can still be set with -rapid.seed, RAPID_SEED,
// -rapid.nofailfile or RAPID_NOFAILFILE. Call it from TestMain.
func Main(m *testing.M) {
	flag.Parse()
	defaults := map[string]string{"rapid.seed": "1", "rapid.nofailfile": "true"}
	flag.Visit(func(f *flag.Flag) { delete(defaults, f.Name) })
	for name, v := range defaults {
		if _, ok := os.LookupEnv(strings.ToUpper(strings.ReplaceAll(name, ".", "_"))); ok {
			continue
		}
		if err := flag.Set(name, v); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
