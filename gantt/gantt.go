// Package gantt draws the roadmap of the LACRALO reform (its next steps,
// who owns them, when they start and are due, what they wait for) as a
// standalone SVG Gantt chart.
//
// The chart is a public record: it is served by the API and may be saved,
// mailed or printed, so it is a single self-contained SVG 1.1 file with no
// scripts, external fonts or stylesheets, and the same roadmap always gives
// the same bytes, so it can be cached, compared and audited.
package gantt

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Item statuses. They are few and fixed so that the chart's colours mean
// the same thing to every reader.
const (
	StatusPlanned    = "planned"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusBlocked    = "blocked"
)

// Item is one step of the roadmap. It runs from Start to Due and may not
// start before every item in DependsOn is due.
type Item struct {
	ID, Title, Owner string
	Start, Due       time.Time
	DependsOn        []string
	// Status is one of the Status* constants.
	Status string
}

// Marker is a moment drawn over the chart, in a lane of its own below the
// roadmap's rows: an open process's next deadline, so that the reform's
// steps can be read against the governance calendar.
type Marker struct {
	// Label names the marker in the label column ("Election 2027: voting
	// close"); Detail, if any, is added to its tooltip.
	Label, Detail string
	At            time.Time
}

// ValidationError lists every problem found in a roadmap, so that whoever
// edits it can fix them all in one pass instead of one per attempt.
type ValidationError struct {
	// Problems are sentences naming the items concerned, in the order of the
	// items, then the dependency cycles.
	Problems []string
}

// Error lists the problems on one line, for logs and problem documents.
func (e *ValidationError) Error() string {
	return "invalid roadmap: " + strings.Join(e.Problems, "; ")
}

// Validate checks that items form a roadmap that can be drawn and followed:
// every item has a unique ID, a known status, a start and a due date not
// before its start; every dependency names another item, at most once; no
// item starts before its dependencies are due; and dependencies have no
// cycle (which would make the roadmap impossible to follow). It returns a
// *ValidationError listing every problem, or nil.
func Validate(items []Item) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	byID := make(map[string]Item, len(items))
	for i, it := range items {
		if it.ID == "" {
			add("item %d (%q) has no ID", i+1, it.Title)
			continue
		}
		if _, dup := byID[it.ID]; dup {
			add("duplicate item ID %q", it.ID)
			continue
		}
		byID[it.ID] = it
	}

	for i, it := range items {
		name := it.ID
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		if !slices.Contains(statuses, it.Status) {
			add("item %q has unknown status %q (want planned, in_progress, done or blocked)", name, it.Status)
		}
		switch {
		case it.Start.IsZero():
			add("item %q has no start date", name)
		case it.Due.IsZero():
			add("item %q has no due date", name)
		case it.Due.Before(it.Start):
			add("item %q is due %s, before it starts %s", name, when(it.Due), when(it.Start))
		}
		seen := map[string]bool{}
		for _, dep := range it.DependsOn {
			if seen[dep] {
				add("item %q lists dependency %q twice", name, dep)
				continue
			}
			seen[dep] = true
			d, ok := byID[dep]
			switch {
			case !ok:
				add("item %q depends on unknown item %q", name, dep)
			case dep != it.ID && !it.Start.IsZero() && it.Start.Before(d.Due):
				add("item %q starts %s, before its dependency %q is due %s", name, when(it.Start), dep, when(d.Due))
			}
		}
	}

	for _, cycle := range cycles(items, byID) {
		add("dependency cycle %s", strings.Join(cycle, " -> "))
	}

	if len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

var statuses = []string{StatusPlanned, StatusInProgress, StatusDone, StatusBlocked}

// cycles finds dependency cycles by depth-first search, in the order of the
// items and of their dependencies so the report is stable. Each cycle is
// given as a path that returns to its first item ("a -> b -> a"), once.
func cycles(items []Item, byID map[string]Item) [][]string {
	const (
		unseen = iota
		onPath
		finished
	)
	state := map[string]int{}
	var path []string
	var found [][]string
	reported := map[string]bool{}

	var visit func(id string)
	visit = func(id string) {
		state[id] = onPath
		path = append(path, id)
		for _, dep := range byID[id].DependsOn {
			if _, ok := byID[dep]; !ok {
				continue
			}
			switch state[dep] {
			case unseen:
				visit(dep)
			case onPath:
				start := slices.Index(path, dep)
				cycle := append(slices.Clone(path[start:]), dep)
				if key := cycleKey(cycle); !reported[key] {
					reported[key] = true
					found = append(found, cycle)
				}
			}
		}
		path = path[:len(path)-1]
		state[id] = finished
	}
	for _, it := range items {
		if _, ok := byID[it.ID]; ok && state[it.ID] == unseen {
			visit(it.ID)
		}
	}
	return found
}

// cycleKey identifies a cycle whatever item it is entered from.
func cycleKey(cycle []string) string {
	ring := cycle[:len(cycle)-1]
	low := 0
	for i, id := range ring {
		if id < ring[low] {
			low = i
		}
	}
	return strings.Join(append(slices.Clone(ring[low:]), ring[:low]...), "\x00")
}

// when formats a time for a person: the date alone when it is midnight UTC
// (roadmap dates usually are), else the full time, so two times on the same
// day never read as equal.
func when(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// Layout, in SVG user units (pixels at 100%).
const (
	margin      = 16.0
	headerH     = 40.0 // chart title and legend
	axisH       = 28.0 // month labels
	rowH        = 36.0
	barH        = 18.0
	footerH     = 30.0 // the "today" label
	gap         = 16.0 // between the labels and the timeline
	minBarW     = 4.0  // so an item due the day it starts is still visible
	titleSize   = 13.0
	ownerSize   = 11.0
	axisSize    = 11.0
	minLabelW   = 180.0
	maxLabelW   = 340.0
	monthW      = 110.0 // preferred width of a month
	minTimeline = 600.0
	maxTimeline = 1400.0
	minMonthGap = 60.0 // below this, month labels would overlap
	sectionH    = 26.0 // the heading of the markers' lane
	markerRowH  = 26.0
	markerR     = 6.0 // half the diagonal of a marker's diamond
	fontFamily  = "DejaVu Sans, Helvetica, Arial, sans-serif"
)

// statusStyle is how each status is drawn and named in the legend; blocked
// is red so that it is seen first.
var statusStyle = []struct {
	status, label, fill, stroke string
}{
	{StatusPlanned, "planned", "#cbd2d9", "#7b8794"},
	{StatusInProgress, "in progress", "#4c8ee8", "#1d5fb8"},
	{StatusDone, "done", "#3ebd78", "#1f8a51"},
	{StatusBlocked, "blocked", "#e5484d", "#a82328"},
}

const (
	todayColour = "#d9480f"
	arrowColour = "#52606d"
	gridColour  = "#e4e7eb"
	yearColour  = "#9aa5b1"
	textColour  = "#1f2933"
	mutedColour = "#616e7c"
	stripeFill  = "#f5f7fa"
	markerFill  = "#7048e8"
	markerLine  = "#4c2bb8"
)

// SVG draws items as a Gantt chart: one row per item, in dependency order
// and then by start, with its title and owner; a bar from start to due
// coloured by status, with a tooltip; month grid lines; a "today" line at
// now when it falls within the chart; and an arrow from the end of each
// dependency to the start of the item waiting for it. Markers, if any, are
// drawn below the rows, one per line, by time: a diamond at the marker's
// time, with its date beside it and a dotted guide up through the rows.
// Items that fail Validate are refused, since a chart of an impossible
// plan would mislead.
//
// Times are drawn in UTC so that the same roadmap gives the same bytes
// wherever it is rendered.
func SVG(items []Item, now time.Time, markers ...Marker) ([]byte, error) {
	return SVGIn(English, items, now, markers...)
}

// Labels are the words a chart is drawn with, so that it can be drawn in
// the reader's language; an empty field is taken from English.
type Labels struct {
	Title, Today, DependsOn, OpenDeadline, OpenDeadlines, Empty string
	// Status names each status in the legend and the tooltips.
	Status map[string]string
}

// English are the labels of SVG.
var English = Labels{Title: "Reform roadmap", Today: "today", DependsOn: "depends on", OpenDeadline: "open deadline",
	OpenDeadlines: "Open deadlines", Empty: "No items yet.",
	Status: map[string]string{StatusPlanned: "planned", StatusInProgress: "in progress", StatusDone: "done", StatusBlocked: "blocked"}}

func (l Labels) or() Labels {
	pick := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	out := Labels{Title: pick(l.Title, English.Title), Today: pick(l.Today, English.Today), DependsOn: pick(l.DependsOn, English.DependsOn),
		OpenDeadline: pick(l.OpenDeadline, English.OpenDeadline), OpenDeadlines: pick(l.OpenDeadlines, English.OpenDeadlines),
		Empty: pick(l.Empty, English.Empty), Status: map[string]string{}}
	for k, v := range English.Status {
		out.Status[k] = pick(l.Status[k], v)
	}
	return out
}

// label is a status's name in these labels.
func (l Labels) label(status string) string {
	if v, ok := l.Status[styleOf(status).status]; ok {
		return v
	}
	return styleOf(status).label
}

// SVGIn is SVG drawn with the given labels.
func SVGIn(l Labels, items []Item, now time.Time, markers ...Marker) ([]byte, error) {
	l = l.or()
	if err := Validate(items); err != nil {
		return nil, err
	}
	if len(items) == 0 && len(markers) == 0 {
		return emptySVG(l), nil
	}
	rows := order(items)
	row := make(map[string]int, len(rows))
	for i, it := range rows {
		row[it.ID] = i
	}
	marks := slices.Clone(markers)
	slices.SortStableFunc(marks, func(a, b Marker) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Label, b.Label))
	})

	// The time axis runs over whole months, from the month of the first
	// start (or marker) to the end of the month of the last due date (or
	// marker).
	var first, last time.Time
	extend := func(from, to time.Time) {
		if first.IsZero() || from.Before(first) {
			first = from.UTC()
		}
		if last.IsZero() || to.After(last) {
			last = to.UTC()
		}
	}
	for _, it := range rows {
		extend(it.Start, it.Due)
	}
	for _, m := range marks {
		extend(m.At, m.At)
	}
	axisStart := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	axisEnd := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC)
	if axisEnd.Before(last) || axisEnd.Equal(axisStart) {
		axisEnd = axisEnd.AddDate(0, 1, 0)
	}
	months := monthsBetween(axisStart, axisEnd)
	timelineW := math.Min(math.Max(float64(months)*monthW, minTimeline), maxTimeline)
	span := axisEnd.Sub(axisStart).Hours()

	labelW := minLabelW
	for _, it := range rows {
		labelW = math.Max(labelW, textWidth(it.Title, titleSize)+8)
		labelW = math.Max(labelW, textWidth(it.Owner, ownerSize)+8)
	}
	for _, m := range marks {
		labelW = math.Max(labelW, textWidth(m.Label, ownerSize)+8)
	}
	labelW = math.Min(labelW, maxLabelW)

	x0 := margin + labelW + gap
	x := func(t time.Time) float64 { return x0 + t.UTC().Sub(axisStart).Hours()/span*timelineW }
	top := margin + headerH + axisH
	bottom := top + float64(len(rows))*rowH
	// The markers' lane, if any, continues below the rows.
	chartBottom := bottom
	if len(marks) > 0 {
		chartBottom += sectionH + float64(len(marks))*markerRowH
	}
	markerMid := func(i int) float64 { return bottom + sectionH + float64(i)*markerRowH + markerRowH/2 }
	width := math.Ceil(x0 + timelineW + margin)
	height := math.Ceil(chartBottom + footerH + margin)
	rowTop := func(i int) float64 { return top + float64(i)*rowH }
	mid := func(i int) float64 { return rowTop(i) + rowH/2 }
	barEnd := func(it Item) float64 { return math.Max(x(it.Due), x(it.Start)+minBarW) }

	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	w("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n")
	w("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"%s\" font-size=\"%s\">\n",
		num(width), num(height), num(width), num(height), fontFamily, num(titleSize))
	w("<title>%s</title>\n", esc(l.Title))
	w("<desc>%d items from %s to %s</desc>\n", len(rows), axisStart.Format("2006-01"), axisEnd.AddDate(0, -1, 0).Format("2006-01"))
	w("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">" +
		"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"" + arrowColour + "\"/></marker></defs>\n")
	w("<rect x=\"0\" y=\"0\" width=\"%s\" height=\"%s\" fill=\"#ffffff\"/>\n", num(width), num(height))

	// Header: the chart's title, then the legend over the timeline.
	w("<text x=\"%s\" y=\"%s\" font-size=\"16\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
		num(margin), num(margin+20), textColour, esc(l.Title))
	w("<g class=\"legend\" font-size=\"%s\" fill=\"%s\">\n", num(axisSize), textColour)
	lx, ly := x0, margin+20
	for _, s := range statusStyle {
		w("<rect x=\"%s\" y=\"%s\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\" stroke=\"%s\"/>\n", num(lx), num(ly-10), s.fill, s.stroke)
		w("<text x=\"%s\" y=\"%s\">%s</text>\n", num(lx+17), num(ly), esc(l.label(s.status)))
		lx += 17 + textWidth(l.label(s.status), axisSize) + 18
	}
	w("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n", num(lx), num(ly-4), num(lx+16), num(ly-4), todayColour)
	w("<text x=\"%s\" y=\"%s\">%s</text>\n", num(lx+21), num(ly), esc(l.Today))
	lx += 21 + textWidth(l.Today, axisSize) + 18
	w("<path d=\"M%s,%s H%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.25\" marker-end=\"url(#arrow)\"/>\n", num(lx), num(ly-4), num(lx+22), arrowColour)
	w("<text x=\"%s\" y=\"%s\">%s</text>\n", num(lx+27), num(ly), esc(l.DependsOn))
	if len(marks) > 0 {
		lx += 27 + textWidth("depends on", axisSize) + 18
		w("<path d=\"%s\" fill=\"%s\" stroke=\"%s\"/>\n", diamond(lx+markerR, ly-4), markerFill, markerLine)
		w("<text x=\"%s\" y=\"%s\">%s</text>\n", num(lx+2*markerR+5), num(ly), esc(l.OpenDeadline))
	}
	w("</g>\n")

	// Row stripes, so a title can be followed to its bar.
	w("<g class=\"rows\">\n")
	for i := range rows {
		if i%2 == 0 {
			w("<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>\n", num(margin), num(rowTop(i)), num(width-2*margin), num(rowH), stripeFill)
		}
	}
	for i := range marks {
		if i%2 == 1 {
			w("<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>\n", num(margin), num(markerMid(i)-markerRowH/2), num(width-2*margin), num(markerRowH), stripeFill)
		}
	}
	w("</g>\n")

	// Month grid, with a darker line where a year begins. Labels are
	// thinned out when months are too narrow to hold them.
	every := max(1, int(math.Ceil(minMonthGap/(timelineW/float64(months)))))
	w("<g class=\"grid\" font-size=\"%s\" fill=\"%s\" text-anchor=\"middle\">\n", num(axisSize), mutedColour)
	for m, i := axisStart, 0; !m.After(axisEnd); m, i = m.AddDate(0, 1, 0), i+1 {
		colour := gridColour
		if m.Month() == time.January {
			colour = yearColour
		}
		w("<line class=\"month\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>\n",
			num(x(m)), num(top-axisH+4), num(x(m)), num(chartBottom), colour)
		if next := m.AddDate(0, 1, 0); !next.After(axisEnd) && i%every == 0 {
			w("<text x=\"%s\" y=\"%s\">%s</text>\n", num((x(m)+x(next))/2), num(top-10), m.Format("2006-01"))
		}
	}
	w("</g>\n")

	// Titles and owners. A title too long for the column is shortened,
	// with the whole of it in a tooltip.
	w("<g class=\"labels\">\n")
	for i, it := range rows {
		title := fit(it.Title, titleSize, labelW)
		titleY := rowTop(i) + 16
		if it.Owner == "" {
			titleY = mid(i) + titleSize/3 // alone in its row: centred on the bar
		}
		w("<text class=\"title\" x=\"%s\" y=\"%s\" fill=\"%s\">%s", num(margin+4), num(titleY), textColour, esc(title))
		if title != it.Title {
			w("<title>%s</title>", esc(it.Title))
		}
		w("</text>\n")
		if it.Owner != "" {
			w("<text class=\"owner\" x=\"%s\" y=\"%s\" font-size=\"%s\" fill=\"%s\">%s</text>\n",
				num(margin+4), num(rowTop(i)+30), num(ownerSize), mutedColour, esc(fit(it.Owner, ownerSize, labelW)))
		}
	}
	w("</g>\n")

	if len(marks) > 0 {
		drawGuides(w, marks, x, markerMid, top)
	}

	// Dependency arrows go under the bars: from the end of the dependency's
	// bar, right, down to the dependent's row, then right into its start.
	// When the dependent starts too close to (or left of) that end for an
	// arrow to turn, the arrow runs along the gap above the dependent's row
	// and comes in from the left.
	w("<g class=\"dependencies\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.25\">\n", arrowColour)
	for _, it := range rows {
		deps := slices.Clone(it.DependsOn)
		slices.SortFunc(deps, func(a, b string) int { return cmp.Compare(row[a], row[b]) })
		for _, dep := range deps {
			d := rows[row[dep]]
			x1, y1 := barEnd(d), mid(row[dep])
			x2, y2 := x(it.Start), mid(row[it.ID])
			var path string
			if x2-x1 >= 14 {
				path = fmt.Sprintf("M%s,%s H%s V%s H%s", num(x1), num(y1), num(x1+6), num(y2), num(x2))
			} else {
				path = fmt.Sprintf("M%s,%s H%s V%s H%s V%s H%s", num(x1), num(y1), num(x1+6),
					num(rowTop(row[it.ID])+3), num(x2-10), num(y2), num(x2))
			}
			w("<path class=\"dependency\" d=\"%s\" marker-end=\"url(#arrow)\"><title>%s</title></path>\n",
				path, esc(fmt.Sprintf("%s waits for %s", it.Title, d.Title)))
		}
	}
	w("</g>\n")

	// Bars, with a tooltip saying everything the bar stands for.
	w("<g class=\"bars\">\n")
	for i, it := range rows {
		s := styleOf(it.Status)
		tip := fmt.Sprintf("%s\n%s → %s · %s", it.Title, when(it.Start), when(it.Due), l.label(it.Status))
		if it.Owner != "" {
			tip += "\nowner: " + it.Owner
		}
		if len(it.DependsOn) > 0 {
			tip += "\nafter: " + strings.Join(it.DependsOn, ", ")
		}
		w("<rect class=\"bar %s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" rx=\"3\" fill=\"%s\" stroke=\"%s\"><title>%s</title></rect>\n",
			it.Status, num(x(it.Start)), num(mid(i)-barH/2), num(barEnd(it)-x(it.Start)), num(barH), s.fill, s.stroke, esc(tip))
	}
	w("</g>\n")

	if len(marks) > 0 {
		drawMarkers(w, l, marks, x, markerMid, bottom, x0, timelineW, labelW)
	}

	// The today line stays below the month labels, which it would cross,
	// and is labelled underneath the rows.
	if !now.Before(axisStart) && !now.After(axisEnd) {
		tx := x(now)
		anchor := "middle"
		switch {
		case tx-x0 < 50:
			anchor = "start"
		case x0+timelineW-tx < 50:
			anchor = "end"
		}
		w("<g class=\"today\" stroke=\"%s\" fill=\"%s\">\n", todayColour, todayColour)
		w("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n", num(tx), num(top), num(tx), num(chartBottom+4))
		w("<text x=\"%s\" y=\"%s\" stroke=\"none\" font-size=\"%s\" text-anchor=\"%s\">%s %s</text>\n", num(tx), num(chartBottom+18), num(axisSize), anchor, esc(l.Today), now.UTC().Format(time.DateOnly))
		w("</g>\n")
	}

	w("</svg>\n")
	return b.Bytes(), nil
}

// drawGuides draws, under the bars, a dotted line from the top of the rows
// down to each marker, so that a deadline can be read against the steps.
func drawGuides(w func(string, ...any), marks []Marker, x func(time.Time) float64, mid func(int) float64, top float64) {
	w("<g class=\"guides\" stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"1 3\" stroke-opacity=\"0.6\">\n", markerFill)
	for i, m := range marks {
		w("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", num(x(m.At)), num(top), num(x(m.At)), num(mid(i)-markerR))
	}
	w("</g>\n")
}

// drawMarkers draws the markers' lane below the rows: a heading, then per
// marker its label in the label column, its diamond and its date, put on
// whichever side of the diamond has room so that it is never clipped by
// the chart's edge.
func drawMarkers(w func(string, ...any), l Labels, marks []Marker, x func(time.Time) float64, mid func(int) float64,
	bottom, x0, timelineW, labelW float64) {
	w("<g class=\"markers\">\n")
	w("<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>\n",
		num(margin), num(bottom), num(x0+timelineW), num(bottom), yearColour)
	w("<text x=\"%s\" y=\"%s\" font-size=\"%s\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
		num(margin+4), num(bottom+17), num(ownerSize), mutedColour, esc(l.OpenDeadlines))
	for i, m := range marks {
		mx, my := x(m.At), mid(i)
		date := m.At.UTC().Format(time.DateOnly)
		tip := m.Label + "\n" + when(m.At)
		if m.Detail != "" {
			tip += "\n" + m.Detail
		}
		label := fit(m.Label, ownerSize, labelW)
		w("<text class=\"marker-label\" x=\"%s\" y=\"%s\" font-size=\"%s\" fill=\"%s\">%s", num(margin+4), num(my+ownerSize/3), num(ownerSize), textColour, esc(label))
		if label != m.Label {
			w("<title>%s</title>", esc(m.Label))
		}
		w("</text>\n")
		w("<path class=\"marker\" d=\"%s\" fill=\"%s\" stroke=\"%s\"><title>%s</title></path>\n", diamond(mx, my), markerFill, markerLine, esc(tip))
		dx, anchor := markerR+4, "start"
		if mx+dx+textWidth(date, axisSize) > x0+timelineW {
			dx, anchor = -(markerR + 4), "end"
		}
		w("<text class=\"marker-date\" x=\"%s\" y=\"%s\" font-size=\"%s\" fill=\"%s\" text-anchor=\"%s\">%s</text>\n",
			num(mx+dx), num(my+axisSize/3), num(axisSize), mutedColour, anchor, date)
	}
	w("</g>\n")
}

// diamond is the path of a marker's diamond centred on (cx, cy).
func diamond(cx, cy float64) string {
	return fmt.Sprintf("M%s,%s L%s,%s L%s,%s L%s,%s z", num(cx), num(cy-markerR), num(cx+markerR), num(cy),
		num(cx), num(cy+markerR), num(cx-markerR), num(cy))
}

// emptySVG is the chart of a roadmap with no items yet: a valid document
// still, so that clients need no special case.
func emptySVG(l Labels) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	b.WriteString("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n")
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"400\" height=\"80\" viewBox=\"0 0 400 80\" font-family=\"%s\" font-size=\"%s\">\n", fontFamily, num(titleSize))
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(l.Title))
	b.WriteString("<rect x=\"0\" y=\"0\" width=\"400\" height=\"80\" fill=\"#ffffff\"/>\n")
	fmt.Fprintf(&b, "<text x=\"16\" y=\"36\" font-size=\"16\" font-weight=\"bold\" fill=\"%s\">%s</text>\n", textColour, esc(l.Title))
	fmt.Fprintf(&b, "<text x=\"16\" y=\"60\" fill=\"%s\">%s</text>\n", mutedColour, esc(l.Empty))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// order sorts items so that every item comes after its dependencies
// (arrows then always point down), and otherwise by start, due date and ID,
// so the chart reads as a timeline and does not depend on input order.
// Items must be valid (no cycle).
func order(items []Item) []Item {
	waiting := make(map[string]int, len(items))
	dependents := map[string][]string{}
	byID := make(map[string]Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
		waiting[it.ID] = len(it.DependsOn)
		for _, dep := range it.DependsOn {
			dependents[dep] = append(dependents[dep], it.ID)
		}
	}
	earlier := func(a, b Item) int {
		return cmp.Or(a.Start.Compare(b.Start), a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID))
	}
	var ready []Item
	for _, it := range items {
		if waiting[it.ID] == 0 {
			ready = append(ready, it)
		}
	}
	out := make([]Item, 0, len(items))
	for len(ready) > 0 {
		slices.SortFunc(ready, earlier)
		next := ready[0]
		ready = ready[1:]
		out = append(out, next)
		for _, id := range dependents[next.ID] {
			if waiting[id]--; waiting[id] == 0 {
				ready = append(ready, byID[id])
			}
		}
	}
	return out
}

func styleOf(status string) struct{ status, label, fill, stroke string } {
	for _, s := range statusStyle {
		if s.status == status {
			return s
		}
	}
	return statusStyle[0]
}

func monthsBetween(from, to time.Time) int {
	return (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// num formats a coordinate with one decimal at most, enough for a screen
// and stable across platforms.
func num(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// esc escapes text for XML content and attribute values; characters XML
// cannot carry at all become U+FFFD, so a stray control character in a
// title cannot make the document unreadable.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// textWidth estimates how wide s is drawn at size, from the widths of a
// typical sans-serif face, since no font metrics are at hand; it errs wide
// so that text does not overflow its column.
func textWidth(s string, size float64) float64 {
	var em float64
	for _, r := range s {
		switch {
		case strings.ContainsRune("iljtf.,;:'|!() ", r):
			em += 0.34
		case r == 'm' || r == 'w' || r == 'M' || r == 'W' || r == '@' || r == '%':
			em += 0.9
		case unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("&<>\"#", r):
			em += 0.7
		case r > unicode.MaxLatin1:
			em += 1.0
		default:
			em += 0.58
		}
	}
	return em * size
}

// fit shortens s with an ellipsis until it fits in width at size.
func fit(s string, size, width float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && textWidth(string(runes)+"…", size) > width {
		runes = runes[:len(runes)-1]
	}
	return strings.TrimRightFunc(string(runes), unicode.IsSpace) + "…"
}
