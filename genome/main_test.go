package genome_test

import (
	"flag"
	"os"
	"strings"
	"testing"
)

// TestMain fixes rapid's seed, so that the property tests draw the same
// cases on every run (left alone, rapid picks a fresh seed each run), and
// stops rapid writing fail files into testdata: the seed replays a failure.
// Either can still be set with -rapid.seed, RAPID_SEED, -rapid.nofailfile
// or RAPID_NOFAILFILE.
func TestMain(m *testing.M) {
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
