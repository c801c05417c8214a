package nitrotest

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

func TestPDFHasTheAskedSize(t *testing.T) {
	const text = "Sealed: a (b) \\ c"
	_, minimum := PDF(text, 0)
	for _, size := range []int64{0, 10, minimum, minimum + 1, 4096, 1 << 20} {
		r, n := PDF(text, size)
		b, err := io.ReadAll(r)
		if err != nil || int64(len(b)) != n || n != max(size, minimum) {
			t.Fatalf("PDF(%d): read %d bytes, said %d, want %d (%v)", size, len(b), n, max(size, minimum), err)
		}
		// startxref must point at the xref table whatever the padding.
		i := bytes.LastIndex(b, []byte("startxref\n"))
		off, err := strconv.Atoi(string(bytes.TrimSpace(b[i+10 : i+20])))
		if err != nil || !bytes.HasPrefix(b[off:], []byte("xref\n")) {
			t.Errorf("PDF(%d): startxref %d does not point at xref", size, off)
		}
	}
}
