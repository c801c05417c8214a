package sign

import (
	"context"
	"time"
)

// SetPollSleep replaces the wait between c's polls (WaitForEnvelopeStatus):
// a seam for the external tests.
func SetPollSleep(c *Client, sleep func(context.Context, time.Duration) error) { c.sleep = sleep }

// FinalStatus is the classification WaitForEnvelopeStatus stops on.
var FinalStatus = finalStatus
