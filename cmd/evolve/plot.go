package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/neuroplast/neuroplast/continual"
	"github.com/neuroplast/neuroplast/internal/jsonerr"
	"github.com/neuroplast/neuroplast/population"
)

// plotsDir is where evolve plot writes KIND.png in a run directory.
const plotsDir = "plots"

// The size of every image evolve plot draws: 8 by 5 inches, which is 960
// by 600 pixels in a PNG.
const (
	plotWidth  = 8 * vg.Inch
	plotHeight = 5 * vg.Inch
	plotDPI    = 120
)

// plotKinds are the kinds of plot, in the order evolve plot draws them.
var plotKinds = []string{"fitness", "species", "size", "plasticity", "continual"}

// plotFormats are the extensions -o accepts, naming the image formats.
var plotFormats = []string{".png", ".svg"}

// plotCmd draws charts of a run directory's statistics: every kind that
// applies to DIR/plots/KIND.png, or the one chosen by --kind to the file
// named by -o. It prints the path of each file it writes.
func plotCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("plot", "DIR [-o FILE.png|FILE.svg] [--kind "+strings.Join(plotKinds, "|")+"|all]", stderr)
	out := flags.String("o", "", "write the one plot chosen by --kind to `FILE` (.png or .svg) instead of DIR/plots/KIND.png")
	kind := flags.String("kind", "all", "the plot to draw: "+strings.Join(plotKinds, ", ")+", or all (every one that applies to the run)")
	positional, err := parseFlags(flags, args)
	if err != nil {
		return flagStatus(err)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "evolve plot: "+format+"\n", a...)
		return exitUsage
	}
	switch len(positional) {
	case 0:
		return fail("no run directory: give DIR (see evolve plot -h)")
	case 1:
	default:
		return fail("unexpected argument %q (give one run directory)", positional[1])
	}
	dir := positional[0]
	if *kind != "all" && !slices.Contains(plotKinds, *kind) {
		return fail("unknown --kind %q (allowed: %s, all)", *kind, strings.Join(plotKinds, ", "))
	}
	format, err := plotFormat(*out, *kind, dir)
	if err != nil {
		return fail("%v", err)
	}
	stats, err := loadRunStats(dir)
	if err != nil {
		return fail("%v", err)
	}
	kinds := kindsToPlot(*kind, dir)
	var report *continual.Report
	if slices.Contains(kinds, "continual") {
		if report, _, err = readReport(dir); err != nil {
			return fail("%v", err)
		}
	}

	for _, k := range kinds {
		path, err := savePlot(figureOf(k, dir, stats, report), k, format, *out, dir)
		if err != nil {
			fmt.Fprintf(stderr, "evolve plot: %v\n", err)
			return exitFailure
		}
		fmt.Fprintln(stdout, path)
	}
	return exitOK
}

// plotFormat returns the image format evolve plot writes, "png", or with -o
// the one out's extension names, after checking that -o comes with one kind
// and names a file in a directory that exists.
func plotFormat(out, kind, dir string) (string, error) {
	if out == "" {
		return "png", nil
	}
	if kind == "all" {
		return "", fmt.Errorf("-o %s needs one --kind (%s); without -o every plot goes to %s", out, strings.Join(plotKinds, ", "), filepath.Join(dir, plotsDir, "KIND.png"))
	}
	ext := strings.ToLower(filepath.Ext(out))
	if !slices.Contains(plotFormats, ext) {
		return "", fmt.Errorf("-o %s: unknown extension %q (allowed: %s)", out, ext, strings.Join(plotFormats, ", "))
	}
	if info, err := os.Stat(filepath.Dir(out)); err != nil || !info.IsDir() {
		return "", fmt.Errorf("-o %s: no such directory %s", out, filepath.Dir(out))
	}
	return ext[1:], nil
}

// loadRunStats reads the statistics of the run directory dir, first making
// sure that dir is a directory, so that the error says so when it is not.
func loadRunStats(dir string) ([]population.Stats, error) {
	if info, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%s: no such run directory", dir)
	} else if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory (want a run directory holding %s)", dir, statsFile)
	}
	return loadStats(filepath.Join(dir, statsFile))
}

// kindsToPlot returns the kinds of plot to draw for --kind kind: that one,
// or for all every kind, less continual when dir is not a continual run.
func kindsToPlot(kind, dir string) []string {
	if kind != "all" {
		return []string{kind}
	}
	_, err := os.Stat(filepath.Join(dir, continualFile))
	isContinual := err == nil
	return slices.DeleteFunc(slices.Clone(plotKinds), func(k string) bool { return k == "continual" && !isContinual })
}

// figureOf returns the figure of the given kind for the run in dir, from its
// statistics and, for the continual kind, its continual report.
func figureOf(kind, dir string, stats []population.Stats, report *continual.Report) plotFigure {
	switch kind {
	case "fitness":
		testLabel := ""
		if slices.ContainsFunc(stats, func(s population.Stats) bool { return s.HasTestScore() }) {
			testLabel = testMetricLabel(dir)
		}
		return fitnessFigure(stats, testLabel, dir)
	case "species":
		return speciesFigure(stats)
	case "size":
		return sizeFigure(stats)
	case "plasticity":
		return plasticityFigure(stats)
	case "continual":
		return continualFigure(report)
	}
	return plotFigure{}
}

// savePlot encodes fig, the plot of the given kind, in format and writes it
// to out, or without -o to DIR/plots/KIND.png; it returns the file's path.
func savePlot(fig plotFigure, kind, format, out, dir string) (string, error) {
	b, err := fig.encode(format)
	if err != nil {
		return "", fmt.Errorf("drawing the %s plot: %v", kind, err)
	}
	path := out
	if path == "" {
		if err := os.MkdirAll(filepath.Join(dir, plotsDir), 0o755); err != nil {
			return "", err
		}
		path = filepath.Join(dir, plotsDir, kind+".png")
	}
	if err := writeFileAtomic(path, b); err != nil {
		return "", fmt.Errorf("writing %s: %v", path, err)
	}
	return path, nil
}

// loadStats reads the statistics of every generation from path, a
// stats.jsonl file, one JSON object per line. Blank lines are skipped.
// Errors name the file and, for a bad line, its number and what is wrong
// with it.
func loadStats(path string) ([]population.Stats, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist (not a run directory?)", path)
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var all []population.Stats
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			var s population.Stats
			if err := json.Unmarshal(b, &s); err != nil {
				return nil, fmt.Errorf("%s:%d: %s", path, line, jsonerr.Problem(err, nil, "an object of generation statistics"))
			}
			if n := len(all); n > 0 && s.Generation <= all[n-1].Generation {
				return nil, fmt.Errorf("%s:%d: generation %d follows generation %d (want increasing generations)", path, line, s.Generation, all[n-1].Generation)
			}
			all = append(all, s)
		}
		if err == io.EOF {
			break
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s holds no generations", path)
	}
	return all, nil
}

// testMetricLabel names the test metric of the run in dir, such as "test
// accuracy" or "test MSE", from the task in its config.toml; it returns
// "test metric" when it cannot tell.
func testMetricLabel(dir string) string {
	cfg, data, err := recordedConfig(dir)
	if err != nil || data == nil || checkTask(cfg.Task) != nil {
		return "test metric"
	}
	info, err := taskInfo(cfg)
	if err != nil {
		return "test metric"
	}
	switch m := info.Metric; m {
	case "":
		return "test metric"
	case "mse":
		return "test MSE"
	default:
		return "test " + m
	}
}

// plotFigure is one image: one or more panels laid out in rows of cols
// panels each, with aligned axes. In a figure of one column, the panels'
// legends are drawn in a margin on the right, beside their panels, where
// they hide no data.
type plotFigure struct {
	cols   int
	panels []*plot.Plot // row by row
}

// legendGap is the space between a panel and its legend in the margin.
const legendGap = 10

// encode draws f and returns it as a file of the format named by format,
// "png" or "svg". It leaves f as it was.
func (f plotFigure) encode(format string) ([]byte, error) {
	var c vg.CanvasWriterTo
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(plotWidth, plotHeight), vgimg.UseDPI(plotDPI))}
	case "svg":
		c = vgsvg.New(plotWidth, plotHeight)
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	dc := draw.New(c)
	cols := max(f.cols, 1)
	rows := (len(f.panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	var legends []plot.Legend // of the panels of a one-column figure
	var margin vg.Length      // their width
	for j := range grid {
		grid[j] = make([]*plot.Plot, cols)
		copy(grid[j], f.panels[j*cols:])
		if p := grid[j][0]; cols == 1 && p != nil {
			// Draw a copy without its legend, which goes in the margin.
			cp := *p
			cp.Legend = plot.NewLegend()
			grid[j][0] = &cp
			legends = append(legends, p.Legend)
			margin = max(margin, p.Legend.Rectangle(dc).Size().X)
		}
	}
	panels := dc
	if margin > 0 {
		panels = draw.Crop(dc, 0, -(margin + vg.Points(legendGap)), 0, 0)
	}
	tiles := draw.Tiles{
		Rows: rows, Cols: cols,
		PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(12),
		PadX: vg.Points(28), PadY: vg.Points(12),
	}
	canvases := plot.Align(grid, tiles, panels)
	for j, row := range grid {
		for i, p := range row {
			if p == nil {
				continue
			}
			p.Draw(canvases[j][i])
			if i == 0 && j < len(legends) && margin > 0 {
				data := p.DataCanvas(canvases[j][i])
				l := legends[j]
				l.Top, l.Left, l.XOffs, l.YOffs = true, true, 0, 0
				l.Draw(draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
					Min: vg.Point{X: dc.Max.X - margin, Y: data.Min.Y},
					Max: vg.Point{X: dc.Max.X, Y: data.Max.Y},
				}})
			}
		}
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Colours, from the Tableau 10 palette.
var (
	plotBlue   = color.NRGBA{0x4e, 0x79, 0xa7, 0xff}
	plotOrange = color.NRGBA{0xf2, 0x8e, 0x2b, 0xff}
	plotRed    = color.NRGBA{0xe1, 0x57, 0x59, 0xff}
	plotTeal   = color.NRGBA{0x76, 0xb7, 0xb2, 0xff}
	plotGreen  = color.NRGBA{0x59, 0xa1, 0x4f, 0xff}
	plotYellow = color.NRGBA{0xed, 0xc9, 0x48, 0xff}
	plotPurple = color.NRGBA{0xb0, 0x7a, 0xa1, 0xff}
	plotPink   = color.NRGBA{0xff, 0x9d, 0xa7, 0xff}
	plotBrown  = color.NRGBA{0x9c, 0x75, 0x5f, 0xff}
	plotGrey   = color.NRGBA{0xba, 0xb0, 0xac, 0xff}

	// plotPalette colours species in turn. It leaves out grey, which marks
	// the small species.
	plotPalette = []color.Color{plotBlue, plotOrange, plotRed, plotTeal, plotGreen, plotYellow, plotPurple, plotPink, plotBrown}
)

// newPanel returns an empty panel with the given title and axis labels,
// its fonts sized to be read at 8 by 5 inches.
func newPanel(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(12)
		a.Tick.Label.Font.Size = vg.Points(10)
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks(false), niceTicks(false)
	p.Legend.TextStyle.Font.Size = vg.Points(11)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), vg.Points(-4)
	p.Legend.Padding = vg.Points(3)
	return p
}

// newGenerationPanel returns a panel whose x axis counts generations, with
// light grid lines.
func newGenerationPanel(title, xLabel, yLabel string) *plot.Plot {
	p := newPanel(title, xLabel, yLabel)
	p.X.Tick.Marker = niceTicks(true)
	p.Add(newGrid())
	return p
}

// newGrid returns light grid lines at the ticks of both axes.
func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = color.Gray{0xdd}, color.Gray{0xdd}
	return g
}

// niceTicks returns a plot.Ticker that marks at most six round values on
// an axis, multiples of 1, 2 or 5 times a power of ten, labelled with as
// few decimals as they need, and unlabelled ticks halfway between. When whole is true it marks whole numbers
// only, for counts such as generations.
func niceTicks(whole bool) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		step := niceStep((hi - lo) / 5)
		if whole {
			step = math.Max(step, 1)
		}
		if !(step > 0) || math.IsInf(step, 0) {
			return plot.DefaultTicks{}.Ticks(lo, hi)
		}
		decimals := max(0, -int(math.Floor(math.Log10(step))))
		var ticks []plot.Tick
		for k := math.Ceil(lo/step - 1e-9); k*step <= hi+1e-9*step; k++ {
			label := strconv.FormatFloat(k*step, 'f', decimals, 64)
			if strings.Trim(label, "-0.") == "" {
				label = strings.TrimPrefix(label, "-")
			}
			ticks = append(ticks, plot.Tick{Value: k * step, Label: label})
		}
		// Unlabelled minor ticks halfway between.
		if half := step / 2; !whole || half == math.Trunc(half) {
			for k := math.Ceil(lo/half - 1e-9); k*half <= hi+1e-9*half; k++ {
				if math.Mod(k, 2) != 0 {
					ticks = append(ticks, plot.Tick{Value: k * half})
				}
			}
		}
		return ticks
	})
}

// niceStep returns the least round number, 1, 2 or 5 times a power of
// ten, not below raw.
func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*mag*(1+1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// addLine adds the line through xys to p in colour c, named in the legend
// when name is not empty. A single point is drawn as a dot.
func addLine(p *plot.Plot, xys plotter.XYs, c color.Color, name string) {
	l := &plotter.Line{XYs: xys, LineStyle: plotter.DefaultLineStyle}
	l.Color = c
	l.Width = vg.Points(1.75)
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	if len(xys) == 1 {
		// A line through one point is invisible: mark the point.
		addDots(p, xys, c)
	}
}

// addDots adds a dot in colour c at each of xys to p.
func addDots(p *plot.Plot, xys plotter.XYs, c color.Color) {
	if s, err := plotter.NewScatter(xys); err == nil {
		s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(s)
	}
}

// leaveRoomForLegend raises the top of p's y axis so that a legend of n
// entries in the top left corner of a panel in a figure of several columns
// does not hide the data.
func leaveRoomForLegend(p *plot.Plot, n int) {
	if p.Y.Min < p.Y.Max {
		p.Y.Max += float64(n) * 0.08 * (p.Y.Max - p.Y.Min)
	}
}

// fromZero starts the y axis of p, which plots a count or a size, at zero,
// and makes it reach one at least, so that all-zero data lies at the
// bottom.
func fromZero(p *plot.Plot) {
	p.Y.Min = 0
	p.Y.Max = math.Max(p.Y.Max, 1)
}

// series returns the points (generation, value(s)) of every generation.
func series(stats []population.Stats, value func(s *population.Stats) float64) plotter.XYs {
	xys := make(plotter.XYs, len(stats))
	for i := range stats {
		xys[i] = plotter.XY{X: float64(stats[i].Generation), Y: value(&stats[i])}
	}
	return xys
}

// fitnessFigure plots the best and mean fitness of each generation, with a
// band one standard deviation either side of the mean. For a run that
// measured a test metric (a supervised task), testLabel names it, such as
// "test accuracy", and a second panel plots the best genome's (on a
// continual run, one whose dir holds continual.json, each generation's
// champion's); for other runs testLabel is empty.
func fitnessFigure(stats []population.Stats, testLabel, dir string) plotFigure {
	supervised := testLabel != ""
	xLabel := "generation"
	if supervised {
		xLabel = ""
	}
	p := newGenerationPanel("Fitness per generation", xLabel, "fitness")
	band := make(plotter.XYs, 0, 2*len(stats))
	band = append(band, series(stats, func(s *population.Stats) float64 { return s.MeanFitness + s.StdFitness })...)
	lower := series(stats, func(s *population.Stats) float64 { return s.MeanFitness - s.StdFitness })
	slices.Reverse(lower)
	band = append(band, lower...)
	poly := &plotter.Polygon{XYs: []plotter.XYs{band}, Color: color.NRGBA{0x4e, 0x79, 0xa7, 0x48}}
	p.Add(poly)
	addLine(p, series(stats, func(s *population.Stats) float64 { return s.BestFitness }), plotOrange, "best")
	addLine(p, series(stats, func(s *population.Stats) float64 { return s.MeanFitness }), plotBlue, "mean")
	p.Legend.Add("mean ± std", poly)
	if !supervised {
		widenFlat(&p.Y)
		generationAxis(&p.X)
		return plotFigure{cols: 1, panels: []*plot.Plot{p}}
	}
	whose := " of the best genome so far"
	if _, err := os.Stat(filepath.Join(dir, continualFile)); err == nil {
		whose = " of each generation's champion" // on a stream, fitness of different phases does not compare
	}
	q := newGenerationPanel(capitalize(testLabel)+whose, "generation", testLabel)
	test := series(stats, func(s *population.Stats) float64 { return s.TestMetric })
	addLine(q, test, plotGreen, "")
	if lo, hi := q.Y.Min, q.Y.Max; lo >= 0 && lo <= hi/2 {
		q.Y.Min = 0 // an error such as the MSE, best seen from zero
	}
	widenFlat(&q.Y)
	if strings.Contains(testLabel, "accuracy") {
		q.Y.Min, q.Y.Max = max(q.Y.Min, 0), min(q.Y.Max, 1)
	}
	widenFlat(&p.Y)
	generationAxis(&p.X)
	generationAxis(&q.X)
	return plotFigure{cols: 1, panels: []*plot.Plot{p, q}}
}

// generationAxis keeps a generation axis at 0 and above: gonum pads the
// range of a single generation to [g-1, g+1].
func generationAxis(a *plot.Axis) {
	a.Min = max(a.Min, 0)
	if !(a.Max > a.Min) {
		a.Max = a.Min + 1
	}
}

// widenFlat gives an axis whose data do not vary (a test metric that stayed
// the same, a single generation) a range around them of 5% of their size
// (at least 0.5): gonum widens such a range by 1 only, which is lost on
// values such as 1e63, and a range of zero cannot be drawn.
func widenFlat(a *plot.Axis) {
	if v := a.Max; !(a.Max-a.Min > 1e-9*math.Abs(v)) && !math.IsInf(v, 0) && !math.IsNaN(v) {
		d := max(0.05*math.Abs(v), 0.5)
		a.Min, a.Max = v-d, v+d
	}
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Limits of the species plot.
const (
	speciesMajor  = 0.05 // the peak size, as a share of the population, of a species drawn on its own
	speciesShown  = 30   // the most species drawn on their own
	speciesLabels = 8    // the most species named on the chart
)

// speciesFigure stacks the size of every species over the generations,
// one coloured area per species, ordered by ID from the bottom (so the
// oldest species lie lowest). Each generation spans one unit of the x
// axis. Species that never reach speciesMajor of the population share one
// grey area on top, so that hundreds of short-lived species do not hide
// the large ones. The largest species are named on their areas, where they
// peak. For statistics without species sizes it plots the number of
// species.
func speciesFigure(stats []population.Stats) plotFigure {
	peaks, total := speciesPeaks(stats)
	if len(peaks) == 0 {
		// The stats.jsonl of an older version has the number of species
		// only.
		return speciesCountFigure(stats)
	}
	majors := majorSpecies(peaks, total)
	bands := speciesBands(stats, majors)
	span := stats[len(stats)-1].Generation - stats[0].Generation + 1

	p := newGenerationPanel(fmt.Sprintf("Species sizes, stacked (%d species over the run)", len(peaks)), "generation", "genomes")
	p.Y.Min = 0
	p.Y.Tick.Marker = niceTicks(true)
	addSpeciesAreas(p, bands, majors, len(peaks)-len(majors), speciesOutline(span))
	labels := speciesNames(bands, majors, span, total)
	if l, err := newCentredLabels(labels); err == nil && len(labels.Labels) > 0 {
		p.Add(l)
	}
	return plotFigure{cols: 1, panels: []*plot.Plot{p}}
}

// speciesPeaks returns the largest size of each species over the
// generations, and the size of the largest population.
func speciesPeaks(stats []population.Stats) (peaks map[int]int, total int) {
	peaks = map[int]int{}
	for _, s := range stats {
		sum := 0
		for _, sz := range s.SpeciesSizes {
			peaks[sz[0]] = max(peaks[sz[0]], sz[1])
			sum += sz[1]
		}
		total = max(total, sum)
	}
	return peaks, total
}

// speciesCountFigure plots the number of species per generation, for the
// statistics of an older version, which hold no species sizes.
func speciesCountFigure(stats []population.Stats) plotFigure {
	p := newGenerationPanel("Number of species (the stats hold no species sizes)", "generation", "species")
	p.Y.Tick.Marker = niceTicks(true)
	addLine(p, series(stats, func(s *population.Stats) float64 { return float64(s.Species) }), plotBlue, "")
	fromZero(p)
	return plotFigure{cols: 1, panels: []*plot.Plot{p}}
}

// majorSpecies returns, in increasing order, the IDs of the species drawn
// on their own: the speciesShown largest of those whose peak is at least
// speciesMajor of total, the largest population.
func majorSpecies(peaks map[int]int, total int) []int {
	var majors []int
	for id, peak := range peaks {
		if float64(peak) >= speciesMajor*float64(total) {
			majors = append(majors, id)
		}
	}
	slices.SortFunc(majors, func(a, b int) int { return cmp.Or(cmp.Compare(peaks[b], peaks[a]), cmp.Compare(a, b)) })
	majors = majors[:min(len(majors), speciesShown)]
	slices.Sort(majors)
	return majors
}

// speciesBand is one generation of one species, or of the minor species
// together: its slice of the stack.
type speciesBand struct {
	gen    int
	lo, hi float64
}

// minorSpecies is the key of the minor species, taken together, in the
// bands of speciesBands.
const minorSpecies = -1

// speciesBands stacks each generation's species, the majors in order of
// ID from the bottom and the minor ones together on top, and returns the
// bands of each major species, and of minorSpecies, in generation order.
func speciesBands(stats []population.Stats, majors []int) map[int][]speciesBand {
	bands := map[int][]speciesBand{}
	for _, s := range stats {
		sizes := slices.Clone(s.SpeciesSizes)
		slices.SortFunc(sizes, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
		lo, rest := 0, 0
		for _, sz := range sizes {
			if _, major := slices.BinarySearch(majors, sz[0]); !major {
				rest += sz[1]
				continue
			}
			bands[sz[0]] = append(bands[sz[0]], speciesBand{s.Generation, float64(lo), float64(lo + sz[1])})
			lo += sz[1]
		}
		if rest > 0 {
			bands[minorSpecies] = append(bands[minorSpecies], speciesBand{s.Generation, float64(lo), float64(lo + rest)})
		}
	}
	return bands
}

// speciesOutline returns the thin white line that separates neighbouring
// species, or none when the span of generations leaves too little room.
func speciesOutline(span int) draw.LineStyle {
	if float64(plotWidth.Points())/float64(span) > 4 {
		return draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
	}
	return draw.LineStyle{}
}

// addSpeciesAreas adds the area of each major species to p, in turn from
// the bottom of the stack, then the grey area of the minor species, of
// which there are minors, named in the legend.
func addSpeciesAreas(p *plot.Plot, bands map[int][]speciesBand, majors []int, minors int, outline draw.LineStyle) {
	for i, id := range append(slices.Clone(majors), minorSpecies) {
		// Species next to each other in the stack differ in colour.
		var fill color.Color = color.Gray{0xd8}
		if id != minorSpecies {
			fill = plotPalette[i%len(plotPalette)]
		}
		for j, ring := range bandRings(bands[id]) {
			poly := &plotter.Polygon{XYs: []plotter.XYs{ring}, Color: fill}
			poly.LineStyle = outline
			p.Add(poly)
			if id == minorSpecies && j == 0 {
				p.Legend.Add(fmt.Sprintf("%d smaller species", minors), poly)
			}
		}
	}
}

// bandRings returns the outline of the area covered by bands bs, in
// generation order: one ring for each run of consecutive generations, each
// generation one unit wide.
func bandRings(bs []speciesBand) []plotter.XYs {
	var rings []plotter.XYs
	for start := 0; start < len(bs); {
		end := start + 1
		for end < len(bs) && bs[end].gen == bs[end-1].gen+1 {
			end++
		}
		ring := make(plotter.XYs, 0, 4*(end-start))
		for _, b := range bs[start:end] {
			ring = append(ring, plotter.XY{X: float64(b.gen) - 0.5, Y: b.hi}, plotter.XY{X: float64(b.gen) + 0.5, Y: b.hi})
		}
		for _, b := range slices.Backward(bs[start:end]) {
			ring = append(ring, plotter.XY{X: float64(b.gen) + 0.5, Y: b.lo}, plotter.XY{X: float64(b.gen) - 0.5, Y: b.lo})
		}
		rings = append(rings, ring)
		start = end
	}
	return rings
}

// speciesNames places the names of the largest major species, those tall
// enough to hold one, at their thickestSpot, unless a name would cover one
// already placed; the largest go first, speciesLabels at the most.
func speciesNames(bands map[int][]speciesBand, majors []int, span, total int) plotter.XYLabels {
	type spot struct {
		id   int
		size float64 // the least thickness within the window around at
		at   plotter.XY
	}
	window := int(0.04 * float64(span))
	var candidates []spot
	for _, id := range majors {
		size, at := thickestSpot(bands[id], window)
		candidates = append(candidates, spot{id, size, at})
	}
	slices.SortStableFunc(candidates, func(a, b spot) int { return cmp.Compare(b.size, a.size) })
	var labels plotter.XYLabels
	for _, c := range candidates {
		if c.size < 0.05*float64(total) || len(labels.Labels) == speciesLabels {
			break
		}
		if slices.ContainsFunc(labels.XYs, func(q plotter.XY) bool {
			return math.Abs(q.X-c.at.X) < 0.15*float64(span) && math.Abs(q.Y-c.at.Y) < 0.06*float64(total)
		}) {
			continue
		}
		labels.XYs = append(labels.XYs, c.at)
		labels.Labels = append(labels.Labels, "species "+strconv.Itoa(c.id))
	}
	return labels
}

// thickestSpot returns the middle of the band of bs where the species stays
// thickest for window generations either side, so that its name goes where
// it lasts rather than on a peak of one generation, and the least thickness
// there; a generation without a band counts as thickness zero.
func thickestSpot(bs []speciesBand, window int) (size float64, at plotter.XY) {
	byGen := make(map[int]speciesBand, len(bs))
	for _, b := range bs {
		byGen[b.gen] = b
	}
	for _, b := range bs {
		least := b.hi - b.lo
		for g := b.gen - window; g <= b.gen+window; g++ {
			n := byGen[g]
			least = math.Min(least, n.hi-n.lo)
		}
		if least > size {
			size, at = least, plotter.XY{X: float64(b.gen), Y: (b.lo + b.hi) / 2}
		}
	}
	return size, at
}

// newCentredLabels returns the labels of xys in 9-point type, centred on
// their points.
func newCentredLabels(xys plotter.XYLabels) (*plotter.Labels, error) {
	l, err := plotter.NewLabels(xys)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Size = vg.Points(9)
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YCenter
	}
	return l, nil
}

// sizeFigure plots the mean number of hidden neurons and of enabled
// connections per generation, in two panels, one above the other, since
// their scales differ.
func sizeFigure(stats []population.Stats) plotFigure {
	p := newGenerationPanel("Mean network size per generation", "", "hidden neurons")
	addLine(p, series(stats, func(s *population.Stats) float64 { return s.MeanHidden }), plotPurple, "")
	q := newGenerationPanel("", "generation", "connections")
	addLine(q, series(stats, func(s *population.Stats) float64 { return s.MeanConns }), plotTeal, "")
	fromZero(p)
	fromZero(q)
	return plotFigure{cols: 1, panels: []*plot.Plot{p, q}}
}

// plasticityFigure plots the dropins (neurons added) of each generation
// and its apoptoses (neurons removed): made while breeding, and the units
// continual backprop replaced (Stats.Dropins).
func plasticityFigure(stats []population.Stats) plotFigure {
	p := newGenerationPanel("Structural plasticity per generation", "generation", "neurons added or removed")
	p.Y.Tick.Marker = niceTicks(true)
	addLine(p, series(stats, func(s *population.Stats) float64 { return float64(s.Dropins) }), plotGreen, "dropins")
	addLine(p, series(stats, func(s *population.Stats) float64 { return float64(s.Apoptoses) }), plotRed, "apoptoses")
	fromZero(p)
	return plotFigure{cols: 1, panels: []*plot.Plot{p}}
}

// continualFigure plots, on the left, the metric on each phase's new task
// after that phase and the mean metric over the tasks seen so far; on the
// right, the matrix R as a heat map, blank where a task was not measured.
func continualFigure(r *continual.Report) plotFigure {
	metric := r.Metric
	if metric == continual.MSE {
		metric = "MSE"
	}
	lo, hi := metricRange(r)
	// Task names side by side run into each other beyond a few characters
	// or tasks: the horizontal axes then number the tasks, and R's rows,
	// one above the other, give each number its name.
	longest := 0
	for j := range r.Tasks() {
		longest = max(longest, len(taskName(r, j)))
	}
	numbered := longest*r.Tasks() > 48
	left := phasePanel(r, metric, lo, hi, numbered)
	right := matrixPanel(r, metric, lo, hi, numbered)
	return plotFigure{cols: 2, panels: []*plot.Plot{left, right}}
}

// metricRange returns the range of the metric's axis and colour map: R's
// values, from zero at most, and for an accuracy up to one at least.
func metricRange(r *continual.Report) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range r.R {
		for _, v := range row {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if r.Metric == continual.Accuracy {
		return math.Min(lo, 0), math.Max(hi, 1)
	}
	lo = math.Min(lo, 0)
	if !(hi > lo) {
		hi = lo + 1
	}
	return lo, hi
}

// taskName returns the name of task j of r: that of the phase that learnt
// it, or "task N", numbering from 1, when there is none.
func taskName(r *continual.Report, j int) string {
	if j < len(r.Phases) && r.Phases[j].Task != "" {
		return r.Phases[j].Task
	}
	return "task " + strconv.Itoa(j+1)
}

// taskTicks marks each task of r on a horizontal axis with its name, or
// when numbered with its number.
func taskTicks(r *continual.Report, numbered bool) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, r.Tasks())
	for j := range ticks {
		ticks[j] = plot.Tick{Value: float64(j), Label: taskName(r, j)}
		if numbered {
			ticks[j].Label = strconv.Itoa(j)
		}
	}
	return ticks
}

// phasePanel plots, for each phase of r, the metric on its new task and the
// mean over the tasks learnt so far, on a y axis from lo to hi.
func phasePanel(r *continual.Report, metric string, lo, hi float64, numbered bool) *plot.Plot {
	n := len(r.R)
	p := newPanel(strings.ToUpper(metric[:1])+metric[1:]+" per phase", "phase (task learnt)", metric)
	p.X.Tick.Marker = taskTicks(r, numbered)[:n]
	p.Add(newGrid())
	var diag, seen plotter.XYs
	for i, row := range r.R {
		diag = append(diag, plotter.XY{X: float64(i), Y: row[i]})
		sum := 0.0
		for _, v := range row[:i+1] {
			sum += v
		}
		seen = append(seen, plotter.XY{X: float64(i), Y: sum / float64(i+1)})
	}
	addLine(p, diag, plotBlue, "new task")
	addLine(p, seen, plotOrange, "mean over tasks so far")
	addDots(p, diag, plotBlue)
	addDots(p, seen, plotOrange)
	p.Y.Min, p.Y.Max = lo, hi
	leaveRoomForLegend(p, 2)
	p.X.Min, p.X.Max = -0.25, float64(n)-0.75
	return p
}

// matrixPanel draws R as a heat map, task j across and phase i down, each
// row named by its phase's task (numbered, when numbered, to match the
// task axis).
func matrixPanel(r *continual.Report, metric string, lo, hi float64, numbered bool) *plot.Plot {
	n, tasks := len(r.R), r.Tasks()
	p := newPanel("R: "+metric+" on task j after phase i", "task j", "after phase i")
	p.X.Tick.Marker = taskTicks(r, numbered)
	rowTicks := make(plot.ConstantTicks, n)
	for i := range n {
		rowTicks[i] = plot.Tick{Value: float64(n - 1 - i), Label: taskName(r, i)}
		if numbered {
			rowTicks[i].Label = strconv.Itoa(i) + ": " + taskName(r, i)
		}
	}
	p.Y.Tick.Marker = rowTicks
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Min, p.X.Max = -0.5, float64(tasks)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	addHeatMap(p, r, lo, hi)
	return p
}

// addHeatMap adds to p a cell for each value of R, phase 0 at the top,
// coloured by heatColour for values from lo to hi; with 12 tasks at most,
// the cells are large enough to show their values too.
func addHeatMap(p *plot.Plot, r *continual.Report, lo, hi float64) {
	n := len(r.R)
	var labels plotter.XYLabels
	var inks []color.Color
	for i, row := range r.R {
		y := float64(n - 1 - i)
		for j, v := range row {
			x := float64(j)
			fill := heatColour(v, lo, hi, r.Higher)
			cell := plotter.XYs{{X: x - 0.5, Y: y - 0.5}, {X: x + 0.5, Y: y - 0.5}, {X: x + 0.5, Y: y + 0.5}, {X: x - 0.5, Y: y + 0.5}}
			poly := &plotter.Polygon{XYs: []plotter.XYs{cell}, Color: fill}
			poly.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
			p.Add(poly)
			labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: y})
			labels.Labels = append(labels.Labels, strconv.FormatFloat(v, 'f', 2, 64))
			inks = append(inks, inkOn(fill))
		}
	}
	if r.Tasks() <= 12 {
		if l, err := newCentredLabels(labels); err == nil {
			for i := range l.TextStyle {
				l.TextStyle[i].Color = inks[i]
			}
			p.Add(l)
		}
	}
}

// heatColour is the colour of a cell of R holding v, for values in [lo,
// hi] of a metric where higher is better or not: the dark end of a
// black-to-white map for the worst value, light for the best, but never
// the white of the background, where a cell would look unmeasured (the map
// is stretched a little past the best value). A value outside the range
// is grey.
func heatColour(v, lo, hi float64, higher bool) color.Color {
	cmap := moreland.Kindlmann()
	cmap.SetMin(lo)
	cmap.SetMax(hi + 0.15*(hi-lo))
	if !higher {
		v = lo + hi - v // light for a low error, as for a high accuracy
	}
	c, err := cmap.At(v)
	if err != nil {
		return plotGrey
	}
	return c
}

// inkOn returns black or white, whichever reads better on background.
func inkOn(background color.Color) color.Color {
	r, g, b, _ := background.RGBA()
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) < 0x8000 {
		return color.White
	}
	return color.Black
}
