// Command signonly uses the library's Sign API and nothing else:
// TestSignAloneBringsNoOpenTelemetry lists its dependencies.
package main

import "github.com/nitrokit/nitro/sign"

var _ = sign.New

func main() {}
