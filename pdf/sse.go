package pdf

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxEventLine bounds one line of a status stream, and maxEventData one
// event's data: a job event is a small JSON object.
const (
	maxEventLine = 64 << 10
	maxEventData = 64 << 10
)

// event is one dispatched Server-Sent Event.
type event struct {
	typ  string // "message" when the stream named none
	data string
	id   string
}

// sseReader parses a text/event-stream as the WHATWG HTML standard's
// "event stream interpretation" says: lines end in CRLF, LF or CR; a line
// starting with a colon is a comment; "field: value" loses one space after
// the colon; data lines join with LF; a blank line dispatches the event (if
// it has data); an unknown field is ignored; retry sets the reconnection
// delay when it is all digits; an event unfinished at the end of the stream
// is dropped.
type sseReader struct {
	sc    *bufio.Scanner
	retry time.Duration // the last retry field, or 0
	id    string        // the last event ID
}

func newSSEReader(r io.Reader) *sseReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxEventLine)
	sc.Split(sseLines)
	return &sseReader{sc: sc}
}

var errEventTooLarge = errors.New("nitro: status stream event too large")

// next returns the next event, or io.EOF at the end of the stream.
func (s *sseReader) next() (event, error) {
	var (
		ev      event
		data    strings.Builder
		hasData bool
	)
	first := true
	for s.sc.Scan() {
		line := s.sc.Text()
		if first {
			line = strings.TrimPrefix(line, "\uFEFF") // a BOM may start the stream
			first = false
		}
		if line == "" {
			if !hasData {
				ev.typ = ""
				continue
			}
			ev.data = strings.TrimSuffix(data.String(), "\n")
			if ev.typ == "" {
				ev.typ = "message"
			}
			ev.id = s.id
			return ev, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.typ = value
		case "data":
			if data.Len()+len(value)+1 > maxEventData {
				return event{}, errEventTooLarge
			}
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "id":
			if !strings.ContainsRune(value, 0) {
				s.id = value
			}
		case "retry":
			if ms, err := strconv.ParseUint(value, 10, 32); err == nil && value[0] != '+' {
				s.retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	if err := s.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return event{}, errEventTooLarge
		}
		return event{}, err
	}
	return event{}, io.EOF
}

// sseLines splits at CRLF, LF or CR, a CR at the end of the buffer waiting
// for the next byte unless the stream ended.
func sseLines(data []byte, atEOF bool) (int, []byte, error) {
	i := bytes.IndexAny(data, "\r\n")
	switch {
	case i < 0:
		if atEOF && len(data) > 0 {
			return len(data), data, nil // a last line without its end: dropped by next (no blank line follows)
		}
		return 0, nil, nil
	case data[i] == '\n':
		return i + 1, data[:i], nil
	case i+1 < len(data):
		if data[i+1] == '\n' {
			return i + 2, data[:i], nil
		}
		return i + 1, data[:i], nil
	case atEOF:
		return i + 1, data[:i], nil
	}
	return 0, nil, nil // a CR last: is an LF next?
}
