package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/nitrokit/nitro/pdf"
)

// TestEveryTool runs each row of the tool table once against the fake,
// synchronously: a file tool must write its file, a data tool print the
// result only its tool answers. A tool added to the table without a case
// here fails the test.
func TestEveryTool(t *testing.T) {
	t.Parallel()
	const pdfIn = "contract.pdf"
	cases := map[string]struct {
		args []string // after the tool's name; files are in testdata
		want string   // the output file's first bytes (with -o), or a substring of stdout
	}{
		"convert":               {[]string{"report.docx", "--to", "pdf", "-o", "out"}, "%PDF-"},
		"compress":              {[]string{pdfIn, "-o", "out"}, "%PDF-"},
		"delete-pages":          {[]string{"report-3-pages.pdf", "--pages", "0,2", "-o", "out"}, "%PDF-"},
		"flatten":               {[]string{pdfIn, "-o", "out"}, "%PDF-"},
		"merge":                 {[]string{pdfIn, pdfIn, "-o", "out"}, "%PDF-"},
		"ocr":                   {[]string{pdfIn, "--language", "english", "--quality", "high", "-o", "out"}, "%PDF-"},
		"optimize":              {[]string{pdfIn, "--profile", "web", "-o", "out"}, "%PDF-"},
		"protect":               {[]string{pdfIn, "--user-password", "u", "--permissions", "print,copy", "-o", "out"}, "%PDF-"},
		"redact":                {[]string{pdfIn, "--params", `{"redactions": [{"boundingBox": [0, 0, 10, 10], "pageIndex": 0}]}`, "-o", "out"}, "%PDF-"},
		"rotate":                {[]string{pdfIn, "--rotate", "0:90", "-o", "out"}, "%PDF-"},
		"set-properties":        {[]string{pdfIn, "--title", "T", "--author", "A", "-o", "out"}, "%PDF-"},
		"split":                 {[]string{"report-3-pages.pdf", "--pages", "0;1-2", "-o", "out"}, "PK"},
		"unprotect":             {[]string{pdfIn, "--user-password", "u", "-o", "out"}, "%PDF-"},
		"watermark":             {[]string{pdfIn, "pixel.png", "--box", "0,0,10,10", "--opacity", "0.5", "-o", "out"}, "%PDF-"},
		"extract-form-data":     {[]string{pdfIn, "--format", "xfdf", "-o", "out"}, "<?xml"},
		"extract-expense-data":  {[]string{pdfIn}, `"vendor_name"`},
		"extract-forms":         {[]string{pdfIn}, `"averageConfidence"`},
		"get-properties":        {[]string{pdfIn}, `"creationDate"`},
		"extract-pii":           {[]string{pdfIn}, `"PIIBoxes"`},
		"detect-form-fields":    {[]string{pdfIn}, `"formFields"`},
		"extract-tables":        {[]string{pdfIn}, `"tables"`},
		"extract-text":          {[]string{pdfIn, "--pages", "0", "--reading-order"}, "Agreement between Ada and Nitro"},
		"extract-text-boxes":    {[]string{pdfIn, "--params", `{"queries": [{"text": "Ada"}]}`}, `"textBoxes"`},
		"create-fillable-forms": {[]string{pdfIn, "--params", `{"formFields": [{"name": "a", "fieldType": "TextBox", "pageIndex": 0, "boundingBox": [0, 0, 10, 10]}]}`, "-o", "out"}, "%PDF-"},
		"fill-forms":            {[]string{pdfIn, "--field", "text=filled", "--strict", "-o", "out"}, "%PDF-"},
	}
	for _, tool := range pdfTools {
		c, ok := cases[tool.name]
		if !ok {
			t.Errorf("the tool %s has no case here", tool.name)
			continue
		}
		t.Run(tool.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"pdf", tool.name, "--sync"}
			for _, a := range c.args {
				if strings.HasSuffix(a, ".pdf") || strings.HasSuffix(a, ".png") || strings.HasSuffix(a, ".docx") {
					a = testdata(t, a)
				}
				args = append(args, a)
			}
			stdout, _ := expect(t, exitOK, runOpts{dir: dir}, args...)
			if strings.Contains(strings.Join(c.args, " "), "-o out") {
				fileStarts(t, filepath.Join(dir, "out"), c.want)
			} else if !strings.Contains(stdout, c.want) {
				t.Errorf("no %s in its result:\n%s", c.want, stdout)
			}
		})
	}
}

// TestEveryFlagFitsItsTool sets each flag of each tool and decodes the
// params it makes into the library's params type of that tool, as a run
// does before sending: a flag whose key the library renamed fails here.
func TestEveryFlagFitsItsTool(t *testing.T) {
	samples := map[kind]string{text: "2b", toggle: "true", number: "0.5", ints: "0,2-3", intGroups: "0;1-2",
		texts: "print,copy", numbers: "0,0,10,10", rotations: "0:90", pairs: "name=Ada"}
	files := map[string][]pdf.File{
		"watermark": {{Name: "a.pdf"}, {Name: "b.png"}},
		"merge":     {{Name: "a.pdf"}, {Name: "b.pdf"}},
	}
	for _, tool := range pdfTools {
		in, ok := files[tool.name]
		if !ok {
			in = []pdf.File{{Name: "a.pdf"}}
		}
		for _, p := range tool.params {
			fs := pflag.NewFlagSet(tool.name, pflag.ContinueOnError)
			fs.String("params", "", "")
			for _, q := range tool.params {
				q.register(fs)
			}
			value := samples[p.kind]
			if tool.name == "convert" { // its flags are for a PDF's conversion to PDF/A
				_ = fs.Set("to", "pdfa")
				if p.flag == "to" {
					value = "pdfa"
				}
			}
			if err := fs.Set(p.flag, value); err != nil {
				t.Fatalf("%s --%s: %v", tool.name, p.flag, err)
			}
			params, err := paramsJSON(fs, tool.params)
			if err != nil {
				t.Fatalf("%s --%s: %v", tool.name, p.flag, err)
			}
			if _, err := tool.call.start(nil, in, params); err != nil {
				t.Errorf("%s --%s %s: %s: %v", tool.name, p.flag, value, params, err)
			}
		}
	}
}
