package gantt

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// roadmap is the next steps of the LACRALO reform as agreed at the mediated
// meeting, with a title that needs escaping.
func roadmap() []Item {
	return []Item{
		{ID: "gov-committee", Title: "Governance committee meets", Owner: "Chair", Start: date(2026, 1, 5), Due: date(2026, 1, 20), Status: StatusDone},
		{ID: "ethics-rules", Title: `Conflict-of-interest rules & "ethics" <draft>`, Owner: "Governance committee", Start: date(2026, 1, 20), Due: date(2026, 3, 15), DependsOn: []string{"gov-committee"}, Status: StatusDone},
		{ID: "ethics-committee", Title: "Constitute the ethics committee", Owner: "Secretariat", Start: date(2026, 3, 15), Due: date(2026, 5, 1), DependsOn: []string{"ethics-rules"}, Status: StatusInProgress},
		{ID: "arbitrator", Title: "Appoint the independent arbitrator", Owner: "At-Large staff", Start: date(2026, 3, 20), Due: date(2026, 6, 30), DependsOn: []string{"ethics-rules"}, Status: StatusBlocked},
		{ID: "elders", Title: "Council of Elders mentoring sessions", Owner: "Council of Elders", Start: date(2026, 2, 1), Due: date(2026, 12, 15), Status: StatusInProgress},
		{ID: "indicators", Title: "Publish participation indicators", Owner: "Secretariat", Start: date(2026, 4, 1), Due: date(2026, 7, 31), DependsOn: []string{"gov-committee"}, Status: StatusPlanned},
		{ID: "weights", Title: "Weighted national votes in the rules", Owner: "Governance committee", Start: date(2026, 5, 1), Due: date(2026, 8, 15), DependsOn: []string{"ethics-committee"}, Status: StatusPlanned},
		{ID: "elections", Title: "Election cycle with rotation and diversity", Owner: "Secretariat", Start: date(2026, 8, 15), Due: date(2026, 11, 30), DependsOn: []string{"weights", "arbitrator", "indicators"}, Status: StatusPlanned},
		{ID: "review", Title: "Review of the reform", Owner: "", Start: date(2026, 11, 30), Due: date(2026, 11, 30), DependsOn: []string{"elections"}, Status: StatusPlanned},
	}
}

func dependencyCount(items []Item) int {
	n := 0
	for _, it := range items {
		n += len(it.DependsOn)
	}
	return n
}

// svgElement is what the tests read back from a chart.
type svgElement struct {
	name  string
	attrs map[string]string
	text  string // character data directly inside, tooltips excluded
	title string // a <title> child, if any
}

// parseSVG reads doc with encoding/xml, failing the test if it is not
// well-formed, and returns the root's attributes and every element.
func parseSVG(t *testing.T, doc []byte) []svgElement {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []svgElement
	var stack []int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := svgElement{name: tok.Name.Local, attrs: map[string]string{}}
			if len(out) == 0 && tok.Name.Space != "http://www.w3.org/2000/svg" {
				t.Errorf("root namespace = %q, want the SVG namespace", tok.Name.Space)
			}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			cur := &out[stack[len(stack)-1]]
			if cur.name == "title" && len(stack) > 1 {
				out[stack[len(stack)-2]].title += string(tok)
			}
			cur.text += string(tok)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements")
	}
	return out
}

func TestSVGDocument(t *testing.T) {
	items := roadmap()
	doc, err := SVG(items, date(2026, 5, 12))
	if err != nil {
		t.Fatal(err)
	}
	els := parseSVG(t, doc)
	root := els[0]
	if root.name != "svg" {
		t.Fatalf("root element = %q, want svg", root.name)
	}
	for _, a := range []string{"width", "height", "viewBox"} {
		if root.attrs[a] == "" {
			t.Errorf("root has no %s", a)
		}
	}
	if root.attrs["version"] != "1.1" {
		t.Errorf("version = %q, want 1.1", root.attrs["version"])
	}
	if want := "0 0 " + root.attrs["width"] + " " + root.attrs["height"]; root.attrs["viewBox"] != want {
		t.Errorf("viewBox = %q, want %q", root.attrs["viewBox"], want)
	}

	texts := map[string]bool{}
	var bars, arrows, months, todays int
	var monthLabels []string
	for _, e := range els {
		switch {
		case e.name == "text":
			texts[e.text] = true
			if len(e.text) == 7 && e.text[4] == '-' {
				monthLabels = append(monthLabels, e.text)
			}
			if strings.HasPrefix(e.text, "today ") {
				todays++
			}
		case e.name == "rect" && strings.HasPrefix(e.attrs["class"], "bar "):
			bars++
			if e.title == "" {
				t.Errorf("bar %q has no tooltip", e.attrs["class"])
			}
		case e.name == "path" && e.attrs["class"] == "dependency":
			arrows++
			if e.attrs["marker-end"] != "url(#arrow)" {
				t.Errorf("arrow without arrowhead: %v", e.attrs)
			}
		case e.name == "line" && e.attrs["class"] == "month":
			months++
		case e.name == "marker":
			if e.attrs["id"] != "arrow" {
				t.Errorf("marker id = %q", e.attrs["id"])
			}
		}
	}
	for _, it := range items {
		if !texts[it.Title] {
			t.Errorf("title %q is not a <text>", it.Title)
		}
		if it.Owner != "" && !texts[it.Owner] {
			t.Errorf("owner %q is not a <text>", it.Owner)
		}
	}
	for _, s := range []string{"planned", "in progress", "done", "blocked", "today", "depends on"} {
		if !texts[s] {
			t.Errorf("legend has no %q", s)
		}
	}
	if bars != len(items) {
		t.Errorf("bars = %d, want %d", bars, len(items))
	}
	if want := dependencyCount(items); arrows != want {
		t.Errorf("dependency arrows = %d, want %d", arrows, want)
	}
	// January to December 2026: 12 months, 13 boundaries.
	if months != 13 {
		t.Errorf("month lines = %d, want 13", months)
	}
	if !slices.Equal(monthLabels[:2], []string{"2026-01", "2026-02"}) || monthLabels[len(monthLabels)-1] != "2026-12" {
		t.Errorf("month labels = %v", monthLabels)
	}
	if todays != 1 || !texts["today 2026-05-12"] {
		t.Errorf("today label missing or repeated (%d)", todays)
	}
}

func TestSVGEscapesText(t *testing.T) {
	items := []Item{
		{ID: "a", Title: `<script>alert("x")</script> & more`, Owner: `O'Brien & <Sons>`, Start: date(2026, 1, 1), Due: date(2026, 2, 1), Status: StatusPlanned},
		{ID: "b", Title: "control\x01char", Start: date(2026, 2, 1), Due: date(2026, 3, 1), Status: StatusDone, DependsOn: []string{"a"}},
	}
	doc, err := SVG(items, date(2026, 1, 15))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(doc, []byte("<script")) || bytes.Contains(doc, []byte("<Sons>")) {
		t.Errorf("markup from titles leaked into the document:\n%s", doc)
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more", "O&#39;Brien &amp; &lt;Sons&gt;"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("document lacks %q", want)
		}
	}
	texts := map[string]bool{}
	for _, e := range parseSVG(t, doc) {
		if e.name == "text" {
			texts[e.text] = true
		}
	}
	for _, want := range []string{items[0].Title, items[0].Owner, "control\uFFFDchar"} {
		if !texts[want] {
			t.Errorf("no <text> reads %q", want)
		}
	}
}

func TestSVGDeterministic(t *testing.T) {
	now := date(2026, 5, 12)
	first, err := SVG(roadmap(), now)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := SVG(roadmap(), now)
	if !bytes.Equal(first, again) {
		t.Fatal("same input gave different bytes")
	}

	// The order of the input and the zone of the times do not matter.
	reversed := roadmap()
	slices.Reverse(reversed)
	zone := time.FixedZone("UTC-5", -5*3600)
	for i := range reversed {
		reversed[i].Start = reversed[i].Start.In(zone)
		reversed[i].Due = reversed[i].Due.In(zone)
	}
	other, err := SVG(reversed, now.In(zone))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, other) {
		t.Error("reordered input in another zone gave different bytes")
	}
}

func TestSVGOrder(t *testing.T) {
	// c starts first but waits for b, which waits for a: dependencies come
	// first, then start dates decide.
	items := []Item{
		{ID: "late", Title: "Late", Start: date(2026, 6, 1), Due: date(2026, 7, 1), Status: StatusPlanned},
		{ID: "c", Title: "C", Start: date(2026, 3, 1), Due: date(2026, 4, 1), DependsOn: []string{"b"}, Status: StatusPlanned},
		{ID: "b", Title: "B", Start: date(2026, 3, 1), Due: date(2026, 3, 1), DependsOn: []string{"a"}, Status: StatusPlanned},
		{ID: "a", Title: "A", Start: date(2026, 2, 1), Due: date(2026, 3, 1), Status: StatusPlanned},
		{ID: "early", Title: "Early", Start: date(2026, 1, 1), Due: date(2026, 2, 1), Status: StatusPlanned},
	}
	var ids []string
	for _, it := range order(items) {
		ids = append(ids, it.ID)
	}
	if want := []string{"early", "a", "b", "c", "late"}; !slices.Equal(ids, want) {
		t.Errorf("order = %v, want %v", ids, want)
	}
}

func TestSVGToday(t *testing.T) {
	items := roadmap()
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"within", date(2026, 5, 12), true},
		{"at the start of the axis", date(2026, 1, 1), true},
		{"at the end of the axis", date(2027, 1, 1), true},
		{"before", date(2025, 12, 31), false},
		{"after", date(2027, 1, 1).Add(time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := SVG(items, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(doc, []byte(`class="today"`)); got != tt.want {
				t.Errorf("today line drawn = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSVGEmptyAndSingle(t *testing.T) {
	doc, err := SVG(nil, date(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if parseSVG(t, doc)[0].name != "svg" {
		t.Error("empty roadmap is not an SVG document")
	}

	// One item due the day it starts, on the first of a month: the axis
	// still spans a month and the bar is still visible.
	one := []Item{{ID: "m", Title: "Milestone", Start: date(2026, 3, 1), Due: date(2026, 3, 1), Status: StatusDone}}
	doc, err = SVG(one, date(2026, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range parseSVG(t, doc) {
		if e.name == "rect" && strings.HasPrefix(e.attrs["class"], "bar ") && e.attrs["width"] != "4" {
			t.Errorf("milestone bar width = %q, want 4", e.attrs["width"])
		}
	}
}

func TestSVGLongTitleIsShortened(t *testing.T) {
	long := strings.Repeat("A very long roadmap item title ", 6) + "end"
	items := []Item{{ID: "x", Title: long, Start: date(2026, 1, 1), Due: date(2026, 2, 1), Status: StatusPlanned}}
	doc, err := SVG(items, date(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range parseSVG(t, doc) {
		if e.name == "text" && e.attrs["class"] == "title" {
			found = true
			if !strings.HasSuffix(strings.TrimSuffix(e.text, e.title), "…") || e.title != long {
				t.Errorf("title text = %q (tooltip %q), want a shortened title with the whole one as tooltip", e.text, e.title)
			}
		}
	}
	if !found {
		t.Error("no title text")
	}
}

func TestSVGRefusesInvalid(t *testing.T) {
	items := roadmap()
	items[0].DependsOn = []string{"nowhere"}
	if _, err := SVG(items, date(2026, 1, 1)); err == nil {
		t.Error("SVG drew an invalid roadmap")
	}
}

func TestValidate(t *testing.T) {
	item := func(id string, start, due time.Time, deps ...string) Item {
		return Item{ID: id, Title: "Item " + id, Start: start, Due: due, DependsOn: deps, Status: StatusPlanned}
	}
	jan, feb, mar, apr := date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)

	tests := []struct {
		name  string
		items []Item
		want  []string // the problems, exactly
	}{
		{name: "empty roadmap"},
		{name: "valid roadmap", items: roadmap()},
		{
			name:  "an item may start the day its dependency is due",
			items: []Item{item("a", jan, feb), item("b", feb, mar, "a")},
		},
		{
			name:  "an item may be due the day it starts",
			items: []Item{item("a", jan, jan)},
		},
		{
			name:  "duplicate ID",
			items: []Item{item("a", jan, feb), item("b", jan, feb), item("a", feb, mar)},
			want:  []string{`duplicate item ID "a"`},
		},
		{
			name:  "missing ID",
			items: []Item{{Title: "Nameless", Start: jan, Due: feb, Status: StatusDone}},
			want:  []string{`item 1 ("Nameless") has no ID`},
		},
		{
			name:  "due before start",
			items: []Item{item("a", feb, jan)},
			want:  []string{`item "a" is due 2026-01-01, before it starts 2026-02-01`},
		},
		{
			name:  "due a second before start",
			items: []Item{item("a", feb, feb.Add(-time.Second))},
			want:  []string{`item "a" is due 2026-01-31T23:59:59Z, before it starts 2026-02-01`},
		},
		{
			name:  "missing dates",
			items: []Item{item("a", time.Time{}, feb), item("b", jan, time.Time{})},
			want:  []string{`item "a" has no start date`, `item "b" has no due date`},
		},
		{
			name:  "unknown status",
			items: []Item{{ID: "a", Start: jan, Due: feb, Status: "late"}},
			want:  []string{`item "a" has unknown status "late" (want planned, in_progress, done or blocked)`},
		},
		{
			name:  "missing dependency",
			items: []Item{item("a", jan, feb, "ghost")},
			want:  []string{`item "a" depends on unknown item "ghost"`},
		},
		{
			name:  "dependency listed twice",
			items: []Item{item("a", jan, feb), item("b", feb, mar, "a", "a")},
			want:  []string{`item "b" lists dependency "a" twice`},
		},
		{
			name:  "starts before its dependency is due",
			items: []Item{item("a", jan, mar), item("b", feb, apr, "a")},
			want:  []string{`item "b" starts 2026-02-01, before its dependency "a" is due 2026-03-01`},
		},
		{
			name:  "self dependency",
			items: []Item{item("a", jan, feb, "a")},
			want:  []string{"dependency cycle a -> a"},
		},
		{
			name: "cycle",
			items: []Item{
				item("a", jan, jan, "c"), item("b", jan, jan, "a"), item("c", jan, jan, "b"), item("d", jan, jan, "a"),
			},
			want: []string{"dependency cycle a -> c -> b -> a"},
		},
		{
			name: "two cycles",
			items: []Item{
				item("a", jan, jan, "b"), item("b", jan, jan, "a"),
				item("x", jan, jan, "y"), item("y", jan, jan, "x"),
			},
			want: []string{"dependency cycle a -> b -> a", "dependency cycle x -> y -> x"},
		},
		{
			name: "every problem at once",
			items: []Item{
				item("a", feb, jan, "ghost"), item("a", jan, feb), item("b", jan, feb, "c"), item("c", mar, apr, "b"),
			},
			want: []string{
				`duplicate item ID "a"`,
				`item "a" is due 2026-01-01, before it starts 2026-02-01`,
				`item "a" depends on unknown item "ghost"`,
				`item "b" starts 2026-01-01, before its dependency "c" is due 2026-04-01`,
				"dependency cycle b -> c -> b",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.items)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if !slices.Equal(verr.Problems, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", verr.Problems, tt.want)
			}
			for _, p := range tt.want {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not say %q", err, p)
				}
			}
		})
	}
}

// exampleMarkers are open deadlines around the example roadmap: one before
// its first step, one on its last day, one with a label too long for the
// column, two on the same day.
func exampleMarkers() []Marker {
	return []Marker{
		{Label: "Election 2026: voting close", At: date(2026, 5, 20).Add(18 * time.Hour), Detail: "3 upcoming deadline(s)"},
		{Label: "Arbitration arb_1: ruling", At: date(2026, 12, 31).Add(23 * time.Hour)},
		{Label: "Ethics case eth_2: screening", At: date(2025, 12, 10)},
		{Label: "Statement on the ICANN proceeding about registration data accuracy: consolidation", At: date(2026, 5, 20)},
		{Label: "Election 2026: nominations close, with <escapes> & more", At: date(2026, 3, 1)},
	}
}

// TestSVGMarkers draws open deadlines below the rows: the axis widens to
// hold them, they come by time, each with its diamond, its date beside it
// (on the left when the right edge is too close) and its tooltip; the
// legend names them only when there are some.
func TestSVGMarkers(t *testing.T) {
	marks := exampleMarkers()
	doc, err := SVG(roadmap(), date(2026, 5, 12), marks...)
	if err != nil {
		t.Fatal(err)
	}
	els := parseSVG(t, doc)
	var diamonds, labels, dates []svgElement
	var width float64
	for _, e := range els {
		switch e.attrs["class"] {
		case "marker":
			diamonds = append(diamonds, e)
		case "marker-label":
			labels = append(labels, e)
		case "marker-date":
			dates = append(dates, e)
		}
		if e.name == "svg" {
			width = atof(t, e.attrs["width"])
		}
	}
	if len(diamonds) != len(marks) || len(labels) != len(marks) || len(dates) != len(marks) {
		t.Fatalf("%d diamonds, %d labels, %d dates for %d markers", len(diamonds), len(labels), len(dates), len(marks))
	}
	wantOrder := []string{"Ethics case eth_2: screening", "Election 2026: nominations close, with <escapes> & more",
		"Statement on the ICANN proceeding about registration data accuracy: consolidation", "Election 2026: voting close", "Arbitration arb_1: ruling"}
	for i, want := range wantOrder {
		if !strings.HasPrefix(diamonds[i].title, want+"\n") {
			t.Errorf("marker %d tooltip %q, want %q first", i, diamonds[i].title, want)
		}
		if got := labels[i].text; got != want && !(strings.HasSuffix(got, "…") && labels[i].title == want) {
			t.Errorf("marker %d label %q (tooltip %q), want %q", i, got, labels[i].title, want)
		}
	}
	if !strings.Contains(diamonds[3].title, "3 upcoming deadline(s)") || !strings.Contains(diamonds[3].title, "2026-05-20T18:00:00Z") {
		t.Errorf("detail and time missing from %q", diamonds[3].title)
	}
	// The axis starts in the month of the earliest marker and ends after
	// the latest.
	if !strings.Contains(string(doc), "<desc>9 items from 2025-12 to 2026-12</desc>") {
		t.Errorf("axis: %s", els[2].text)
	}
	// Dates never run past the chart's right edge.
	for i, d := range dates {
		x := atof(t, d.attrs["x"])
		if d.attrs["text-anchor"] == "end" {
			continue
		}
		if x+textWidth(d.text, axisSize) > width-margin {
			t.Errorf("date %d (%s) at %v runs past the right edge %v", i, d.text, x, width)
		}
	}
	if dates[4].attrs["text-anchor"] != "end" || dates[0].attrs["text-anchor"] != "start" {
		t.Errorf("date anchors %q, %q", dates[0].attrs["text-anchor"], dates[4].attrs["text-anchor"])
	}
	if !strings.Contains(string(doc), ">open deadline</text>") {
		t.Error("the legend does not name the markers")
	}
	plain, err := SVG(roadmap(), date(2026, 5, 12))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "open deadline") || strings.Contains(string(plain), "class=\"marker") {
		t.Error("a chart without markers mentions them")
	}
	// Markers alone still make a chart.
	only, err := SVG(nil, date(2026, 5, 12), marks[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(only), "class=\"marker\""); n != 1 {
		t.Errorf("%d markers in a chart of one marker", n)
	}
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return f
}

// TestWriteExample writes the example roadmap's chart where
// RALO_GANTT_EXAMPLE says (e.g. /tmp/gantt-example.svg), for a person to
// look at; the chart's layout is only checked by eye.
func TestWriteExample(t *testing.T) {
	path := os.Getenv("RALO_GANTT_EXAMPLE")
	if path == "" {
		t.Skip("set RALO_GANTT_EXAMPLE=/tmp/gantt-example.svg to write the example chart")
	}
	doc, err := SVG(roadmap(), date(2026, 5, 12), exampleMarkers()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// TestSVGInLanguage: a chart drawn with another language's labels has
// them in its title, legend, today line, markers' lane and tooltips, and
// none of the English words; an empty label falls back to English.
func TestSVGInLanguage(t *testing.T) {
	es := Labels{Title: "Hoja de ruta", Today: "hoy", DependsOn: "depende de", OpenDeadline: "plazo abierto",
		OpenDeadlines: "Plazos abiertos", Empty: "Sin pasos.",
		Status: map[string]string{StatusPlanned: "prevista", StatusInProgress: "en curso", StatusDone: "hecha", StatusBlocked: "bloqueada"}}
	doc, err := SVGIn(es, roadmap(), date(2026, 5, 12), exampleMarkers()...)
	if err != nil {
		t.Fatal(err)
	}
	parseSVG(t, doc)
	s := string(doc)
	for _, want := range []string{"<title>Hoja de ruta</title>", ">hoy<", ">hoy 2026-05-12<", ">depende de<", ">plazo abierto<", ">Plazos abiertos<", ">bloqueada<", "· en curso"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Spanish chart lacks %q", want)
		}
	}
	for _, english := range []string{"Reform roadmap", ">today", "depends on", "open deadline", "Open deadlines", ">planned<", ">blocked<", "in progress"} {
		if strings.Contains(s, english) {
			t.Errorf("the Spanish chart still says %q", english)
		}
	}
	empty, err := SVGIn(Labels{Empty: "Sin pasos."}, nil, date(2026, 5, 12))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(empty), "Sin pasos.") || !strings.Contains(string(empty), "Reform roadmap") {
		t.Errorf("empty chart: %s", empty)
	}
	en, err := SVG(roadmap(), date(2026, 5, 12), exampleMarkers()...)
	if err != nil {
		t.Fatal(err)
	}
	if enIn, _ := SVGIn(English, roadmap(), date(2026, 5, 12), exampleMarkers()...); string(enIn) != string(en) {
		t.Error("SVGIn(English) differs from SVG")
	}
}
