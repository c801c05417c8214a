package nitrotest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nitrokit/nitro/gen/pdfapi"
)

// The extractions read the input's text (see pdfInput) and answer what it
// holds, so tests can check them: every text sits in textBox on page 0, as
// nitrotest.PDF draws it.
var textBox = []float32{72, 720, 540, 12}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// textTable is a one-column table, a row per line of text.
func textTable(text string) pdfapi.ExtractedTable {
	t := pdfapi.ExtractedTable{ID: "table-1", PageIndices: []int{0}, TableData: pdfapi.TableData{
		AverageConfidence: 100, Cells: [][]pdfapi.TableData_Cells_Item{}, Confidences: [][]float32{},
		Footers: []string{}, HeaderCells: [][]int{}, SummaryCells: [][]int{},
	}}
	for line := range strings.SplitSeq(text, "\n") {
		var cell pdfapi.TableData_Cells_Item
		_ = cell.FromTableDataCells0(line)
		t.TableData.Cells = append(t.TableData.Cells, []pdfapi.TableData_Cells_Item{cell})
		t.TableData.Confidences = append(t.TableData.Confidences, []float32{100})
	}
	return t
}

// checkRegexQueries refuses regex queries that do not compile.
func checkRegexQueries(qs []pdfapi.TextBoxQuery) map[string]string {
	for _, q := range qs {
		if _, err := queryPattern(q); err != nil {
			return map[string]string{"params.queries[].text": fmt.Sprintf("%q: %v", q.Text, err)}
		}
	}
	return nil
}

func queryPattern(q pdfapi.TextBoxQuery) (*regexp.Regexp, error) {
	if !q.IsRegex {
		return regexp.MustCompile(regexp.QuoteMeta(q.Text)), nil
	}
	flags := ""
	for _, f := range q.RegexFlags {
		switch f {
		case pdfapi.TextBoxQueryRegexFlagsIgnoreCase:
			flags += "i"
		case pdfapi.TextBoxQueryRegexFlagsMultiline:
			flags += "m"
		case pdfapi.TextBoxQueryRegexFlagsDotAll:
			flags += "s"
		}
	}
	if flags != "" {
		return regexp.Compile("(?" + flags + ")" + q.Text)
	}
	return regexp.Compile(q.Text)
}

// textBoxes answers each query with its matches in text, in order, each in
// one box on page 0 (groups for a regex's submatches).
func textBoxes(text string, qs []pdfapi.TextBoxQuery) pdfapi.TextBoxResultType {
	res := pdfapi.TextBoxResultType{TextBoxes: []pdfapi.TextBoxQueryResult{}}
	for _, q := range qs {
		re, _ := queryPattern(q)
		r := pdfapi.TextBoxQueryResult{Query: q, Matches: []pdfapi.TextBoxMatch{}}
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			match := pdfapi.TextBoxMatch{MatchedText: m[0], Groups: []pdfapi.TextBoxGroup{},
				Boxes: []pdfapi.TextBoxBox{{BoundingBox: textBox, PageIndex: 0, TextPiece: m[0]}}}
			for i, g := range m[1:] {
				match.Groups = append(match.Groups, pdfapi.TextBoxGroup{Index: i + 1, Text: g,
					Boxes: []pdfapi.TextBoxBox{{BoundingBox: textBox, PageIndex: 0, TextPiece: g}}})
			}
			r.Matches = append(r.Matches, match)
		}
		res.TextBoxes = append(res.TextBoxes, r)
	}
	return res
}
