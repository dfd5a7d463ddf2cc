package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/neuroplast/neuroplast/genome"
)

// The geometry of writeSVG, in SVG user units (pixels).
const (
	svgColumnGap = 150.0 // between the centres of neighbouring columns
	svgRowGap    = 64.0  // between the centres of neighbouring nodes in a column
	svgRadius    = 16.0  // of a node's circle
	svgMargin    = 24.0  // around the drawing
	svgTitleH    = 46.0  // the two title lines above the drawing
	svgMinWidth  = 0.8   // stroke width of a zero weight
	svgMaxWidth  = 4.5   // stroke width of the largest |weight|
	svgArrow     = 9.0   // length of an arrowhead
	svgSelfLoop  = 42.0  // how far a self-loop rises above its node
)

// The colours of writeSVG.
const (
	svgPositive = "#1f5fbf"
	svgNegative = "#c8302a"
	svgZero     = "#888888"
)

// svgNodeStyle gives each node kind's fill and outline colours and outline
// width.
var svgNodeStyle = map[genome.Kind]struct {
	fill, stroke string
	width        float64
}{
	genome.Input:  {"#d9ead3", "#38761d", 1.5},
	genome.Bias:   {"#fff2cc", "#b8860b", 1.5},
	genome.Hidden: {"#ffffff", "#444444", 1.5},
	genome.Output: {"#e4d7f5", "#5b2c91", 3},
}

// svgLayout is where writeSVG draws a genome's nodes, and how it draws its
// connections; node slices are indexed like g.Nodes, connection slices like
// g.Conns.
type svgLayout struct {
	column []int     // 0: inputs and bias; the last: outputs; hidden between
	x, y   []float64 // centre of each node
	// recurrent marks the connections a recurrent network reads from the
	// previous step (genome.Recurrent): at least one on each cycle of
	// enabled connections, as Compile picks them.
	recurrent []bool
	// backward marks the connections whose target is not right of their
	// source: recurrent ones, ones into an earlier column (from an output
	// or across a cycle) and ones within a column.
	backward []bool
	// outPort and inPort are the heights, relative to the centres of its
	// ends, at which a forward connection leaves its source and enters its
	// target: the connections of a node are spread over its side, in the
	// order of the heights of their other ends.
	outPort, inPort []float64
	// from and to are the node indices of each connection's ends; -1 when
	// an end is not a node of g (then the connection is not drawn).
	from, to []int
	columns  int
}

// layoutSVG places g's nodes in columns: inputs and the bias node in the
// first, outputs in the last, and each hidden node in the column of its
// depth, the longest path to it from an input over enabled connections
// that are not recurrent (so every depth is finite; a node no input
// reaches has depth 0, and a hidden one goes in the first column), hidden
// depths that no node has being left out. Nodes are spread evenly down each
// column, in ID order at first, then hidden nodes are reordered by the mean
// height of their neighbours in the columns to their left, then to their
// right (twice), to reduce crossings.
func layoutSVG(g *genome.Genome) *svgLayout {
	n := len(g.Nodes)
	l := &svgLayout{
		column:    make([]int, n),
		x:         make([]float64, n),
		y:         make([]float64, n),
		recurrent: make([]bool, len(g.Conns)),
		backward:  make([]bool, len(g.Conns)),
		outPort:   make([]float64, len(g.Conns)),
		inPort:    make([]float64, len(g.Conns)),
		from:      make([]int, len(g.Conns)),
		to:        make([]int, len(g.Conns)),
	}
	for i, c := range g.Conns {
		l.from[i], l.to[i] = g.NodeIndex(c.From), g.NodeIndex(c.To)
	}
	// The connections the network reads from the previous step; the rest
	// form no cycle, so every depth is finite.
	if rec, err := genome.Recurrent(g); err == nil {
		l.recurrent = rec
	}
	l.assignColumns(g, longestPaths(g, l.recurrent))
	for i := range g.Conns {
		if f, t := l.from[i], l.to[i]; f >= 0 && t >= 0 {
			l.backward[i] = l.recurrent[i] || l.column[t] <= l.column[f]
		}
	}
	cols, mid := l.placeColumns()
	l.reduceCrossings(g, cols, mid)
	l.placePorts()
	return l
}

// assignColumns puts the inputs and the bias node in column 0, the outputs
// in the last, and each hidden node in the column of its depth (at least
// 1), the hidden depths that occur numbered 1, 2, ... in order.
func (l *svgLayout) assignColumns(g *genome.Genome, depth []int) {
	var depths []int
	for v, nd := range g.Nodes {
		if nd.Kind == genome.Hidden {
			depths = append(depths, max(depth[v], 1))
		}
	}
	slices.Sort(depths)
	depths = slices.Compact(depths)
	l.columns = len(depths) + 2
	for v, nd := range g.Nodes {
		switch nd.Kind {
		case genome.Input, genome.Bias:
			l.column[v] = 0
		case genome.Output:
			l.column[v] = l.columns - 1
		default:
			i, _ := slices.BinarySearch(depths, max(depth[v], 1))
			l.column[v] = i + 1
		}
	}
}

// placeColumns places the nodes of each column at its x, spread evenly
// down it in ID order, about mid, the middle of the tallest column. It
// returns the nodes of each column, in that order, and mid.
func (l *svgLayout) placeColumns() (cols [][]int, mid float64) {
	cols = make([][]int, l.columns)
	rows := 0
	for v, c := range l.column {
		cols[c] = append(cols[c], v)
		rows = max(rows, len(cols[c]))
	}
	mid = svgRowGap * float64(rows-1) / 2
	for c, col := range cols {
		l.spread(col, mid)
		for _, v := range col {
			l.x[v] = svgColumnGap * float64(c)
		}
	}
	return cols, mid
}

// spread places the nodes of col, a column, evenly down it in that order,
// about the height mid.
func (l *svgLayout) spread(col []int, mid float64) {
	for i, v := range col {
		l.y[v] = mid + svgRowGap*(float64(i)-float64(len(col)-1)/2)
	}
}

// reduceCrossings reorders the hidden columns of cols by barycentre sweeps,
// twice over: left to right by the sources of each node's enabled
// connections in earlier columns, then right to left by their targets in
// later columns.
func (l *svgLayout) reduceCrossings(g *genome.Genome, cols [][]int, mid float64) {
	neighbours := make([][]int, len(g.Nodes))
	for i, c := range g.Conns {
		if f, t := l.from[i], l.to[i]; c.Enabled && f >= 0 && t >= 0 && f != t {
			neighbours[f] = append(neighbours[f], t)
			neighbours[t] = append(neighbours[t], f)
		}
	}
	for range 2 {
		for c := 1; c < l.columns-1; c++ {
			l.sweep(cols[c], c, true, neighbours, mid)
		}
		for c := l.columns - 2; c >= 1; c-- {
			l.sweep(cols[c], c, false, neighbours, mid)
		}
	}
}

// sweep sorts col, column c, by the mean height of each node's neighbours
// in the columns to its left (or, when left is false, to its right), a node
// with none there keeping its height, ties kept in height order; then it
// spreads the column again about mid.
func (l *svgLayout) sweep(col []int, c int, left bool, neighbours [][]int, mid float64) {
	key := make([]float64, len(l.y))
	for _, v := range col {
		sum, k := 0.0, 0
		for _, u := range neighbours[v] {
			if (left && l.column[u] < c) || (!left && l.column[u] > c) {
				sum += l.y[u]
				k++
			}
		}
		key[v] = l.y[v]
		if k > 0 {
			key[v] = sum / float64(k)
		}
	}
	slices.SortStableFunc(col, func(a, b int) int {
		if key[a] != key[b] {
			return cmpFloat(key[a], key[b])
		}
		return cmpFloat(l.y[a], l.y[b])
	})
	l.spread(col, mid)
}

// placePorts spreads each node's forward connections over its left (in)
// and right (out) sides, ordered by the height of the other end, then by
// innovation.
func (l *svgLayout) placePorts() {
	n := len(l.column)
	ins, outs := make([][]int, n), make([][]int, n)
	for i := range l.backward {
		if f, t := l.from[i], l.to[i]; f >= 0 && t >= 0 && !l.backward[i] {
			outs[f] = append(outs[f], i)
			ins[t] = append(ins[t], i)
		}
	}
	for v := range n {
		l.spreadPorts(outs[v], l.to, l.outPort)
		l.spreadPorts(ins[v], l.from, l.inPort)
	}
}

// spreadPorts sets port[i] for each connection i of conns, which share an
// end, so that they are spread evenly over at most 1.4 radii of that end's
// side, in the order of the heights of their other ends, other[i].
func (l *svgLayout) spreadPorts(conns, other []int, port []float64) {
	slices.SortStableFunc(conns, func(a, b int) int { return cmpFloat(l.y[other[a]], l.y[other[b]]) })
	step := 0.0
	if len(conns) > 1 {
		step = min(1.4*svgRadius/float64(len(conns)-1), 6)
	}
	for j, i := range conns {
		port[i] = step * (float64(j) - float64(len(conns)-1)/2)
	}
}

// route returns the cubic Bézier curve (start, two control points, end)
// along which writeSVG draws connection i, from the edge of its source to
// the edge of its target; midY is the height of the drawing's middle.
//
// A self-loop is a small loop on top of its node. A forward connection is
// an S-curve from the right of its source to the left of its target; one
// that passes over other columns bows above or below (away from the
// middle first) just enough to miss their nodes and labels. A backward
// connection within a column bulges to the right; one to an earlier column
// (or a recurrent one to a later) arcs out of the top of its source into
// the top of its target, or from below the label to below the label,
// again away from the middle first and far enough to miss the nodes
// between.
func (l *svgLayout) route(i int, midY float64) [4][2]float64 {
	f, t := l.from[i], l.to[i]
	r := svgRadius
	x1, y1, x2, y2 := l.x[f], l.y[f], l.x[t], l.y[t]
	side := -1.0 // above; below in the lower half
	if (y1+y2)/2 > midY {
		side = 1
	}
	var try func(side float64, k int) [4][2]float64
	switch {
	case f == t:
		s, c := math.Sin(math.Pi/5)*r, math.Cos(math.Pi/5)*r
		h := svgSelfLoop
		return [4][2]float64{{x1 - s, y1 - c}, {x1 - s - 24, y1 - c - h}, {x1 + s + 24, y1 - c - h}, {x2 + s, y2 - c}}
	case !l.backward[i]:
		a := 0.4 * (x2 - x1 - 2*r)
		o, in := l.outPort[i], l.inPort[i]
		x1 += math.Sqrt(r*r - o*o)
		x2 -= math.Sqrt(r*r - in*in)
		y1 += o
		y2 += in
		try = func(side float64, k int) [4][2]float64 {
			h := side * float64(k) * svgRowGap * 2 / 3 // the middle moves 3/4 of h
			return [4][2]float64{{x1, y1}, {x1 + a, y1 + h}, {x2 - a, y2 + h}, {x2, y2}}
		}
		if l.column[t] == l.column[f]+1 {
			return try(side, 0)
		}
	case l.column[f] == l.column[t]:
		bulge := min(30+0.35*math.Abs(y2-y1), 0.55*svgColumnGap)
		return [4][2]float64{{x1 + r, y1}, {x1 + r + bulge, y1}, {x2 + r + bulge, y2}, {x2 + r, y2}}
	default:
		try = func(side float64, k int) [4][2]float64 {
			h := 28 + 0.3*math.Abs(x2-x1) + 0.25*math.Abs(y2-y1) + float64(k)*svgRowGap/2
			off := r // from the top of a circle, or below its label
			if side > 0 {
				off = r + 15
			}
			e1, e2 := y1+side*off, y2+side*off
			edge := side*max(side*e1, side*e2) + side*h
			return [4][2]float64{{x1, e1}, {x1, edge}, {x2, edge}, {x2, e2}}
		}
	}
	// Bow further until the curve misses every other node and its label.
	// The curve stays between its ends' columns, and so do the nodes it
	// could hit.
	var near []int
	lo, hi := min(l.x[f], l.x[t])-r-4, max(l.x[f], l.x[t])+r+4
	for v, x := range l.x {
		if v != f && v != t && x > lo && x < hi {
			near = append(near, v)
		}
	}
	misses := func(p [4][2]float64) bool {
		const samples = 64
		for j := 1; j < samples; j++ {
			x, y := bezier(p, float64(j)/samples)
			for _, v := range near {
				if math.Abs(x-l.x[v]) < r+4 && y > l.y[v]-r-4 && y < l.y[v]+r+16 {
					return false
				}
			}
		}
		return true
	}
	for k := range 24 {
		for _, s := range []float64{side, -side} {
			if p := try(s, k); misses(p) {
				return p
			}
		}
	}
	return try(side, 0)
}

// bezier returns the point at t (0 to 1) of the cubic Bézier curve p.
func bezier(p [4][2]float64, t float64) (x, y float64) {
	u := 1 - t
	a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return a*p[0][0] + b*p[1][0] + c*p[2][0] + d*p[3][0], a*p[0][1] + b*p[1][1] + c*p[2][1] + d*p[3][1]
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// weightColour is the colour of a connection of weight w in the SVG
// picture and the DOT graph alike: blue when positive, red when
// negative, grey when zero (or NaN).
func weightColour(w float64) string {
	switch {
	case w > 0:
		return svgPositive
	case w < 0:
		return svgNegative
	}
	return svgZero
}

// writeSVG draws g as a standalone SVG 1.1 picture, without Graphviz: the
// columns of layoutSVG, inputs (green), the bias node (yellow, marked
// "bias") and outputs (purple, thick outline) distinct, each node labelled
// with its ID and, under it, its activation. Connections run from source
// to target with an arrowhead; blue when positive, red when negative, grey
// when zero, wider for larger |weight| (relative to g's largest); disabled
// ones dashed and faded. Backward ones (see svgLayout) arc above or below
// the columns, or bulge to the right within a column; a self-loop is a
// small loop on top of its node. A title line gives the genome's ID,
// fitness, hidden neurons and enabled connections.
//
// Each node is one <circle> with class "node" and its kind; each
// connection one <path> with class "conn", "enabled" or "disabled", and
// "recurrent" and "backward" where they apply. Hovering over either shows
// its details.
func writeSVG(w io.Writer, g *genome.Genome) {
	l := layoutSVG(g)
	maxW := maxWeight(g)
	paths, box := l.connPaths()

	// The whole picture: the drawing's extent plus margins and the title,
	// wide enough for the title (about 0.5em a character), the drawing
	// centred.
	title := fmt.Sprintf("genome %d: %s, %d hidden neurons, %d of %d connections enabled",
		g.ID, fitnessText(g.Fitness), g.HiddenCount(), g.EnabledCount(), len(g.Conns))
	legend := fmt.Sprintf("blue positive, red negative; width by |weight| (largest %.3g); dashed: disabled; arcs, loops: backward", maxW)
	width := math.Ceil(max(box.maxX-box.minX, 15*0.55*float64(len(title)), 11*0.5*float64(len(legend))) + 2*svgMargin)
	height := math.Ceil(box.maxY - box.minY + 2*svgMargin + svgTitleH)
	left := box.minX - svgMargin - (width-2*svgMargin-(box.maxX-box.minX))/2
	top := box.minY - svgMargin - svgTitleH

	fmt.Fprintln(w, `<?xml version="1.0" encoding="UTF-8" standalone="no"?>`)
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" viewBox="%s %s %s %s" font-family="Helvetica, Arial, sans-serif">`+"\n",
		num(width), num(height), num(left), num(top), num(width), num(height))
	fmt.Fprintf(w, "<title>genome %d</title>\n", g.ID)
	fmt.Fprintln(w, "<defs>")
	for _, m := range []struct{ name, colour string }{{"pos", svgPositive}, {"neg", svgNegative}, {"zero", svgZero}} {
		fmt.Fprintf(w, `<marker id="arrow-%s" viewBox="0 0 10 10" refX="0" refY="5" markerUnits="userSpaceOnUse" markerWidth="%s" markerHeight="%s" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n",
			m.name, num(svgArrow), num(svgArrow*0.8), m.colour)
	}
	fmt.Fprintln(w, "</defs>")
	fmt.Fprintf(w, `<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>`+"\n", num(left), num(top), num(math.Ceil(width)), num(math.Ceil(height)))
	fmt.Fprintf(w, `<text x="%s" y="%s" font-size="15" font-weight="bold" fill="#222222">%s</text>`+"\n",
		num(left+svgMargin), num(top+svgMargin), esc(title))
	fmt.Fprintf(w, `<text x="%s" y="%s" font-size="11" fill="#555555">%s</text>`+"\n",
		num(left+svgMargin), num(top+svgMargin+18), esc(legend))
	writeSVGConns(w, g, l, paths, maxW)
	writeSVGNodes(w, g, l)
	fmt.Fprintln(w, "</svg>")
}

// maxWeight returns the largest finite |weight| of g's connections, or 0.
func maxWeight(g *genome.Genome) float64 {
	maxW := 0.0
	for _, c := range g.Conns {
		if a := math.Abs(c.Weight); a <= math.MaxFloat64 { // not NaN or Inf
			maxW = max(maxW, a)
		}
	}
	return maxW
}

// svgBox is a rectangle of the drawing, in SVG user units.
type svgBox struct{ minX, minY, maxX, maxY float64 }

// cover extends b to hold the cubic Bézier curve p, at 65 points along it.
func (b *svgBox) cover(p [4][2]float64) {
	for j := range 65 {
		x, y := bezier(p, float64(j)/64)
		b.minX, b.maxX, b.minY, b.maxY = min(b.minX, x), max(b.maxX, x), min(b.minY, y), max(b.maxY, y)
	}
}

// connPaths returns the SVG path data of each connection that l draws (""
// for those it does not), and the box that holds them, the nodes and the
// nodes' labels.
func (l *svgLayout) connPaths() ([]string, svgBox) {
	maxY := 0.0
	for _, y := range l.y {
		maxY = max(maxY, y)
	}
	box := svgBox{ // room for the nodes and their labels
		minX: -svgRadius, maxX: svgColumnGap*float64(l.columns-1) + svgRadius,
		minY: -svgRadius, maxY: maxY + svgRadius + 14,
	}
	midY := (box.minY + box.maxY) / 2
	paths := make([]string, len(l.from))
	for i := range paths {
		if l.from[i] < 0 || l.to[i] < 0 {
			continue
		}
		p := l.route(i, midY)
		// The line stops short of the node by an arrowhead's length, in
		// the direction it arrives, to leave room for the arrowhead.
		dx, dy := p[3][0]-p[2][0], p[3][1]-p[2][1]
		if n := math.Hypot(dx, dy); n > 0 {
			dx, dy = dx/n*svgArrow, dy/n*svgArrow
			p[2][0], p[2][1], p[3][0], p[3][1] = p[2][0]-dx, p[2][1]-dy, p[3][0]-dx, p[3][1]-dy
		}
		box.cover(p)
		paths[i] = fmt.Sprintf("M%s,%s C%s,%s %s,%s %s,%s", num(p[0][0]), num(p[0][1]), num(p[1][0]), num(p[1][1]),
			num(p[2][0]), num(p[2][1]), num(p[3][0]), num(p[3][1]))
	}
	return paths, box
}

// writeSVGConns writes a <path> along paths for each connection of g that
// l draws, its stroke's width scaled to maxW, the largest |weight|.
func writeSVGConns(w io.Writer, g *genome.Genome, l *svgLayout, paths []string, maxW float64) {
	fmt.Fprintln(w, `<g fill="none">`)
	for i, c := range g.Conns {
		if l.from[i] < 0 || l.to[i] < 0 {
			continue
		}
		class, extra := "conn enabled", ""
		if !c.Enabled {
			class, extra = "conn disabled", ` stroke-dasharray="6,4" opacity="0.4"`
		}
		if l.recurrent[i] {
			class += " recurrent"
		}
		if l.backward[i] {
			class += " backward"
		}
		colour := weightColour(c.Weight)
		fmt.Fprintf(w, `<path class="%s" id="c%d" d="%s" stroke="%s" stroke-width="%s"%s marker-end="url(#%s)"><title>%s</title></path>`+"\n",
			class, c.Innov, paths[i], colour, num(strokeWidth(c.Weight, maxW)), extra, arrowMarker(colour),
			esc(connTip(c, l.recurrent[i])))
	}
	fmt.Fprintln(w, "</g>")
}

// strokeWidth is the width of a connection of weight w, from svgMinWidth
// for zero (or NaN) to svgMaxWidth for maxW, the largest |weight|, or more.
func strokeWidth(w, maxW float64) float64 {
	if a := math.Abs(w); maxW > 0 && !math.IsNaN(a) {
		return svgMinWidth + (svgMaxWidth-svgMinWidth)*min(a, maxW)/maxW
	}
	return svgMinWidth
}

// arrowMarker returns the ID of the arrowhead marker of a connection drawn
// in colour, one of weightColour's.
func arrowMarker(colour string) string {
	switch colour {
	case svgPositive:
		return "arrow-pos"
	case svgNegative:
		return "arrow-neg"
	}
	return "arrow-zero"
}

// connTip returns the details of connection c that hovering over it shows.
func connTip(c genome.Conn, recurrent bool) string {
	state := ""
	if !c.Enabled {
		state = ", disabled"
	}
	if recurrent {
		state += ", recurrent"
	}
	return fmt.Sprintf("%d -> %d: weight %.6g (innovation %d%s)", c.From, c.To, c.Weight, c.Innov, state)
}

// writeSVGNodes writes each node of g where l places it: a circle styled
// by its kind, its ID inside, and under it its activation (or "input",
// "bias").
func writeSVGNodes(w io.Writer, g *genome.Genome, l *svgLayout) {
	fmt.Fprintln(w, `<g text-anchor="middle">`)
	for v, nd := range g.Nodes {
		st, ok := svgNodeStyle[nd.Kind]
		if !ok {
			st = svgNodeStyle[genome.Hidden]
		}
		hint := nd.Act.String()
		switch nd.Kind {
		case genome.Input:
			hint = "input"
		case genome.Bias:
			hint = "bias"
		}
		x, y, r := l.x[v], l.y[v], svgRadius
		fmt.Fprintf(w, `<g><title>%s</title>`, esc(nodeTip(g, nd)))
		fmt.Fprintf(w, `<circle class="node %s" id="n%d" cx="%s" cy="%s" r="%s" fill="%s" stroke="%s" stroke-width="%s"/>`,
			esc(nd.Kind.String()), nd.ID, num(x), num(y), num(r), st.fill, st.stroke, num(st.width))
		fmt.Fprintf(w, `<text x="%s" y="%s" font-size="12" font-weight="bold" fill="#111111">%d</text>`, num(x), num(y+4), nd.ID)
		fmt.Fprintf(w, `<text x="%s" y="%s" font-size="10" fill="#444444">%s</text></g>`+"\n", num(x), num(y+r+12), esc(hint))
	}
	fmt.Fprintln(w, "</g>")
}

// nodeTip returns the details of node nd of g that hovering over it shows.
func nodeTip(g *genome.Genome, nd genome.Node) string {
	tip := fmt.Sprintf("node %d: %s, %s", nd.ID, nd.Kind, nd.Act)
	if nd.Kind == genome.Hidden || nd.Kind == genome.Output {
		tip += fmt.Sprintf(", bias %.6g", nd.Bias)
	}
	if g.HasUtility && nd.Kind == genome.Hidden {
		tip += fmt.Sprintf(", utility %.6g", nd.Utility)
	}
	return tip
}

// num formats a coordinate or length for SVG: at most two decimals, no
// exponent.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// esc escapes s for XML character data and attribute values.
func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s)) // writes to a bytes.Buffer never fail
	return b.String()
}
