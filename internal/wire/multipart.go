package wire

import (
	"fmt"
	"net/url"
	"strings"
)

// FileDisposition is a multipart file part's Content-Disposition, its
// filename quoted with its quotes and backslashes escaped and line breaks
// dropped, so a name cannot break the header.
func FileDisposition(field, name string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "").Replace(name)
	return fmt.Sprintf(`form-data; name=%q; filename="%s"`, field, esc)
}

// URLWithoutQuery is raw for a message or a printed form: without its
// query, fragment and user info, which in a pre-signed URL are its
// credential.
func URLWithoutQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}
