package nitrotest

import (
	"io"
	"strings"
	"sync"
)

// padding reads as PDF comment lines ("%xxx…\n", padLine bytes each)
// totalling left bytes, the last one a newline whatever its column. Reads
// copy from padPattern in bulk, so padding costs a memmove per read and no
// memory but the one shared pattern.
type padding struct {
	left int64
	off  int64 // bytes read so far
}

// padLine is the length of a padding line, newline included.
const padLine = 1024

// padPattern is padding lines back to back: 64 lines and one more, so that a
// copy of up to 64 KiB can start at any column.
var padPattern = sync.OnceValue(func() []byte {
	line := "%" + strings.Repeat("x", padLine-2) + "\n"
	return []byte(strings.Repeat(line, 64+1))
})

func (p *padding) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.left))
	pat := padPattern()
	for i := 0; i < n; {
		i += copy(b[i:n], pat[(p.off+int64(i))%padLine:])
	}
	p.off += int64(n)
	p.left -= int64(n)
	if p.left == 0 {
		b[n-1] = '\n'
	}
	return n, nil
}
