package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/neuroplast/neuroplast/continual"
)

// plotRun makes a run directory of a short XOR run and returns its path.
func plotRun(t *testing.T, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if len(args) == 0 {
		args = []string{"--task", "xor", "--generations", "30", "--stop-on-solve=false"}
	}
	args = append(args, "--quiet", "--out", dir)
	if code, _, stderr := call(t, runCmd, args...); code != exitOK {
		t.Fatalf("run %q: exit status %d: %s", args, code, stderr)
	}
	return dir
}

// writePlotFile writes content to path.
func writePlotFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkPlotPNG checks that path holds a PNG image of the configured size that
// is not a single flat colour.
func checkPlotPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	w, h := plotWidth/vg.Inch*plotDPI, plotHeight/vg.Inch*plotDPI // in pixels
	wantW, wantH := int(math.Round(float64(w))), int(math.Round(float64(h)))
	if b := img.Bounds(); b.Dx() != wantW || b.Dy() != wantH {
		t.Errorf("%s is %dx%d pixels, want %dx%d", path, b.Dx(), b.Dy(), wantW, wantH)
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colours) < 20 {
		t.Errorf("%s has %d distinct colours, want at least 20 (a drawn chart, not a flat image)", path, len(colours))
	}
}

// checkPlotSVG checks that path holds well-formed XML that draws paths or
// lines and whose text contains each of wants.
func checkPlotSVG(t *testing.T, path string, wants ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var text strings.Builder
	shapes := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "path" || tok.Name.Local == "line" {
				shapes++
			}
		case xml.CharData:
			text.Write(tok)
			text.WriteByte('\n')
		}
	}
	if shapes == 0 {
		t.Errorf("%s has no <path> or <line> elements", path)
	}
	for _, want := range wants {
		if !strings.Contains(text.String(), want) {
			t.Errorf("%s: no text %q", path, want)
		}
	}
}

func TestPlotDefault(t *testing.T) {
	t.Parallel()
	dir := plotRun(t)
	code, stdout, stderr := call(t, plotCmd, dir)
	if code != exitOK {
		t.Fatalf("plot %s: exit status %d: %s", dir, code, stderr)
	}
	var want []string
	for _, kind := range []string{"fitness", "species", "size", "plasticity"} {
		want = append(want, filepath.Join(dir, plotsDir, kind+".png"))
	}
	if got := strings.Fields(stdout); !slices.Equal(got, want) {
		t.Fatalf("plot %s printed %q; want %q", dir, got, want)
	}
	first := map[string][]byte{}
	for _, path := range want {
		checkPlotPNG(t, path)
		first[path], _ = os.ReadFile(path)
	}
	if _, err := os.Stat(filepath.Join(dir, plotsDir, "continual.png")); err == nil {
		t.Errorf("plot %s wrote continual.png for a run that is not a continual one", dir)
	}

	// Run a second time to check that the images are the same.
	if code, _, stderr := call(t, plotCmd, dir); code != exitOK {
		t.Fatalf("plot %s again: exit status %d: %s", dir, code, stderr)
	}
	for _, path := range want {
		if b, _ := os.ReadFile(path); !bytes.Equal(b, first[path]) {
			t.Errorf("%s differs when drawn again", path)
		}
	}
}

func TestPlotOneKind(t *testing.T) {
	t.Parallel()
	dir := plotRun(t)
	out := t.TempDir()
	for _, tt := range []struct {
		kind  string
		title string
	}{
		{"fitness", "Fitness per generation"},
		{"species", "Species sizes"},
		{"size", "Mean network size per generation"},
		{"plasticity", "Structural plasticity per generation"},
	} {
		svg := filepath.Join(out, tt.kind+".svg")
		code, stdout, stderr := call(t, plotCmd, dir, "-o", svg, "--kind", tt.kind)
		if code != exitOK || strings.TrimSpace(stdout) != svg {
			t.Errorf("plot -o %s --kind %s: exit status %d, stdout %q, stderr %q; want 0 and the path", svg, tt.kind, code, stdout, stderr)
			continue
		}
		checkPlotSVG(t, svg, tt.title, "generation")

		pngFile := filepath.Join(out, tt.kind+".PNG") // the extension in any case
		if code, _, stderr := call(t, plotCmd, "--kind", tt.kind, dir, "-o", pngFile); code != exitOK {
			t.Errorf("plot --kind %s -o %s: exit status %d: %s", tt.kind, pngFile, code, stderr)
			continue
		}
		checkPlotPNG(t, pngFile)
	}
	if _, err := os.Stat(filepath.Join(dir, plotsDir)); err == nil {
		t.Errorf("plot -o wrote %s too", filepath.Join(dir, plotsDir))
	}
}

// TestPlotSupervised checks that the fitness plot of a supervised run shows
// the test accuracy.
func TestPlotSupervised(t *testing.T) {
	t.Parallel()
	dir := plotRun(t, "--task", "gaussian", "--generations", "3", "--population", "20")
	svg := filepath.Join(t.TempDir(), "fitness.svg")
	if code, _, stderr := call(t, plotCmd, dir, "--kind", "fitness", "-o", svg); code != exitOK {
		t.Fatalf("plot: exit status %d: %s", code, stderr)
	}
	checkPlotSVG(t, svg, "Fitness per generation", "test accuracy")

	xor := plotRun(t, "--task", "xor", "--generations", "3")
	svg = filepath.Join(t.TempDir(), "fitness.svg")
	if code, _, stderr := call(t, plotCmd, xor, "--kind", "fitness", "-o", svg); code != exitOK {
		t.Fatalf("plot: exit status %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(svg); bytes.Contains(b, []byte("test")) {
		t.Errorf("the fitness plot of an XOR run mentions a test metric")
	}
}

func TestPlotContinual(t *testing.T) {
	t.Parallel()
	dir := plotRun(t, "--task", "xor", "--generations", "2")
	tr := &continual.Tracker{Task: "permuted-mnist", Strategy: "plastic", Metric: continual.Accuracy}
	for i, row := range [][]float64{{0.9, 0.5, 0.4}, {0.8, 0.95, 0.5}, {0.7, 0.85, 0.9}} {
		tr.AddPhase(row, continual.Phase{Task: string(rune('a' + i))})
	}
	if err := tr.Write(filepath.Join(dir, continualFile)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := call(t, plotCmd, dir)
	if code != exitOK {
		t.Fatalf("plot %s: exit status %d: %s", dir, code, stderr)
	}
	path := filepath.Join(dir, plotsDir, "continual.png")
	if !slices.Contains(strings.Fields(stdout), path) {
		t.Fatalf("plot of a continual run printed %q; want it to hold %s", stdout, path)
	}
	checkPlotPNG(t, path)
	svg := filepath.Join(t.TempDir(), "c.svg")
	if code, _, stderr := call(t, plotCmd, dir, "--kind", "continual", "-o", svg); code != exitOK {
		t.Fatalf("plot --kind continual: exit status %d: %s", code, stderr)
	}
	checkPlotSVG(t, svg, "Accuracy per phase", "accuracy on task j after phase i", "0.95")

	// An error, measured on the tasks seen so far only.
	tr = &continual.Tracker{Task: "bitflip", Metric: continual.MSE}
	for _, row := range [][]float64{{0.3}, {0.5, 0.2}, {0.6, 0.4, 0.125}} {
		tr.AddPhase(row, continual.Phase{})
	}
	if err := tr.Write(filepath.Join(dir, continualFile)); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := call(t, plotCmd, dir, "--kind", "continual", "-o", svg); code != exitOK {
		t.Fatalf("plot --kind continual of an MSE run: exit status %d: %s", code, stderr)
	}
	checkPlotSVG(t, svg, "MSE per phase", "MSE on task j after phase i", "0.12", "task 3")

	for _, tt := range []struct{ content, want string }{
		{`{"metric": "accuracy", "R": [[1, 0.5], [1]]}`, "R[1] has 1 entries, want at least 2"},
		{`{"metric": "accuracy", "R": [[1]], "phases": []}`, "1 rows in R but 0 phases"},
		{`{"metric": "accuracy", "R": []}`, "no matrix R"},
		{`[1, 2]`, `a JSON array, want an object with metric, R and phases`},
		{`{"metric": "accuracy", "R": [[1, "x"]]}`, `field "R" is a JSON string, want a number`},
		{`{"metric": "accuracy", "R": [[NaN]]}`, `NaN is not a JSON number`},
	} {
		writePlotFile(t, filepath.Join(dir, continualFile), tt.content)
		code, _, stderr := call(t, plotCmd, dir, "--kind", "continual", "-o", svg)
		if code != exitUsage || !strings.Contains(stderr, filepath.Join(dir, continualFile)+": ") || !strings.Contains(stderr, tt.want) {
			t.Errorf("plot of continual.json %s: exit %d, %q; want 2 naming the file and %q", tt.content, code, stderr, tt.want)
		}
	}
}

// TestPlotFlat checks plots of values that do not vary: a test metric
// stuck at a huge value (fine-tuning diverged), where gonum's padding of a
// flat range by 1 is lost and its ticker panicked, and a one-generation
// run, whose generation axis gonum pads to [-1, 1].
func TestPlotFlat(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	var huge strings.Builder
	for g := range 5 {
		fmt.Fprintf(&huge, `{"generation":%d,"best_fitness":-6.2e63,"mean_fitness":-1e64,"std_fitness":1e63,"test_fitness":-5.9e63,"test_metric":5.89e63,"species_sizes":[[1,20]]}`+"\n", g)
	}
	one := `{"generation":0,"best_fitness":-0.69,"mean_fitness":-0.7,"test_fitness":-0.7,"test_metric":0.5,"species_sizes":[[1,10]]}` + "\n"
	for name, content := range map[string]string{"huge": huge.String(), "one": one} {
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writePlotFile(t, filepath.Join(dir, statsFile), content)
		svg := filepath.Join(base, name+".svg")
		if code, _, stderr := call(t, plotCmd, dir, "--kind", "fitness", "-o", svg); code != exitOK {
			t.Fatalf("plot %s: exit status %d: %s", name, code, stderr)
		}
		checkPlotSVG(t, svg, "Fitness per generation", "test metric")
		if b, _ := os.ReadFile(svg); name == "one" && bytes.Contains(b, []byte(">-1</text>")) {
			t.Errorf("the one-generation plot has a tick at generation -1")
		}
	}
}

func TestPlotErrors(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	good := `{"generation":0,"best_fitness":1,"mean_fitness":0.5,"species_sizes":[[1,10]]}` + "\n"
	runs := map[string]string{
		"bad-json":   good + "{\"generation\": 1, oops}\n",
		"bad-type":   good + `{"generation": "one"}` + "\n",
		"not-object": good + "\n[1, 2]\n",
		"repeated":   good + good,
		"empty":      "\n",
		"good":       good,
	}
	for name, content := range runs {
		if err := os.Mkdir(filepath.Join(base, name), 0o755); err != nil {
			t.Fatal(err)
		}
		writePlotFile(t, filepath.Join(base, name, statsFile), content)
	}
	if err := os.Mkdir(filepath.Join(base, "nostats"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := func(name string) string { return filepath.Join(base, name) }
	stats := func(name string) string { return filepath.Join(base, name, statsFile) }
	out := filepath.Join(base, "out")

	tests := []struct {
		args []string
		want string
	}{
		{nil, "no run directory: give DIR"},
		{[]string{dir("good"), dir("good")}, "unexpected argument"},
		{[]string{dir("missing")}, dir("missing") + ": no such run directory"},
		{[]string{stats("good")}, "is not a directory"},
		{[]string{dir("nostats")}, stats("nostats") + " does not exist"},
		{[]string{dir("bad-json")}, stats("bad-json") + ":2: not valid JSON"},
		{[]string{dir("bad-type")}, stats("bad-type") + `:2: field "generation" is a JSON string, want an integer`},
		{[]string{dir("not-object")}, stats("not-object") + ":3: a JSON array, want an object of generation statistics"},
		{[]string{dir("repeated")}, stats("repeated") + ":2: generation 0 follows generation 0"},
		{[]string{dir("empty")}, stats("empty") + " holds no generations"},
		{[]string{dir("good"), "--kind", "continual"}, dir("good") + " has no continual.json (not a continual run)"},
		{[]string{dir("good"), "--kind", "continual", "-o", out + ".png"}, "has no continual.json (not a continual run)"},
		{[]string{dir("good"), "--kind", "fitness", "-o", out + ".pdf"}, `unknown extension ".pdf" (allowed: .png, .svg)`},
		{[]string{dir("good"), "--kind", "fitness", "-o", out}, `unknown extension "" (allowed: .png, .svg)`},
		{[]string{dir("good"), "-o", out + ".png"}, "needs one --kind"},
		{[]string{dir("good"), "--kind", "all", "-o", out + ".png"}, "needs one --kind"},
		{[]string{dir("good"), "--kind", "fitness", "-o", filepath.Join(base, "nodir", "f.png")}, "no such directory"},
		{[]string{dir("good"), "--kind", "speed"}, `unknown --kind "speed" (allowed: fitness, species, size, plasticity, continual, all)`},
		{[]string{dir("good"), "--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		code, stdout, stderr := call(t, plotCmd, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("plot %q: exit status %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
		if stdout != "" {
			t.Errorf("plot %q: stdout %q, want nothing", tt.args, stdout)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("plot %q: stderr holds a stack trace: %q", tt.args, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir("good"), plotsDir)); err == nil {
		t.Errorf("a failed plot created %s", filepath.Join(dir("good"), plotsDir))
	}

	// The good line alone plots; evolve dispatches to plot.
	if code, _, stderr := call(t, evolve, "plot", dir("good")); code != exitOK {
		t.Errorf("evolve plot %s: exit status %d: %s", dir("good"), code, stderr)
	}
	if code, _, stderr := call(t, evolve, "plot", "-h"); code != exitOK || !strings.Contains(stderr, "-kind") {
		t.Errorf("evolve plot -h: exit status %d, %q; want 0 and the flags", code, stderr)
	}
}

func TestNiceTicks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		whole  bool
		lo, hi float64
		want   []string
	}{
		{false, 0, 1.95, []string{"0.0", "0.5", "1.0", "1.5"}},
		{false, -0.4, -0.07, []string{"-0.4", "-0.3", "-0.2", "-0.1"}},
		{false, -0.3, 0.1, []string{"-0.3", "-0.2", "-0.1", "0.0", "0.1"}},
		{false, 0, 150, []string{"0", "50", "100", "150"}},
		{true, 0, 29, []string{"0", "10", "20"}},
		{true, -1, 1, []string{"-1", "0", "1"}},
		{true, -0.5, 2.5, []string{"0", "1", "2"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tick := range niceTicks(tt.whole).Ticks(tt.lo, tt.hi) {
			if tick.Label != "" {
				got = append(got, tick.Label)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("niceTicks(%v).Ticks(%g, %g) labels %q; want %q", tt.whole, tt.lo, tt.hi, got, tt.want)
		}
	}
}

// TestHeatColour checks the heat map's colours: the best value, an
// accuracy of 1 or an error of 0, is light but not white (the background,
// which reads as unmeasured), the worst is dark, and out of range is grey.
func TestHeatColour(t *testing.T) {
	t.Parallel()
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 0xffff
	}
	for _, tt := range []struct {
		name         string
		best, worst  float64
		lo, hi       float64
		higherBetter bool
	}{
		{"accuracy", 1, 0, 0, 1, true},
		{"error", 0, 4, 0, 4, false},
	} {
		best, worst := heatColour(tt.best, tt.lo, tt.hi, tt.higherBetter), heatColour(tt.worst, tt.lo, tt.hi, tt.higherBetter)
		if l := lum(best); l > 0.95 || l < 0.6 {
			t.Errorf("%s: the best value's colour %v has luminance %.3f; want light but not white (0.6 to 0.95)", tt.name, best, l)
		}
		if l := lum(worst); l > 0.2 {
			t.Errorf("%s: the worst value's colour %v has luminance %.3f; want dark", tt.name, worst, l)
		}
	}
	if c := heatColour(2, 0, 1, true); c != plotGrey {
		t.Errorf("out of range: %v; want grey", c)
	}
}
